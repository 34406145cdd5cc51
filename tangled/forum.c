/* forum.c: the forum's layer, its quantizer, and the thread's three
   functions ported to C operation for operation.
   Tangled from qlinear.nw: edit that, not this file. */
#include <float.h>
#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "qlinear needs FLT_EVAL_METHOD == 0 (SSE2, NEON, ...)"
#endif
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif
#include <math.h>
#include "qlinear.h"
int32_t ql_forum_quantize(float r, ql_qparams p)
{
    float q = (float)p.zero_point + r / p.scale;
    q = q < 0.0f ? 0.0f : q > 255.0f ? 255.0f : q;   /* clamp_ */
    return (int32_t)ql_round_half_even(q);           /* round_ */
}

static double clamp_u8_double(double v)
{
    return v < 0.0 ? 0.0 : v > 255.0 ? 255.0 : v;
}

void ql_forum_question(const ql_layer *L, double *y)
{
    double m = (double)L->x_q.scale * L->w_q.scale / L->y_q.scale;
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            float acc = 0.0f;
            for (size_t kk = 0; kk < L->k; kk++) {
                float xs = (float)L->x[i * L->k + kk]
                           - (float)L->x_q.zero_point
                           - (float)L->w_q.zero_point;
                acc = acc + xs * (float)L->w[j * L->k + kk];
            }
            float v = ql_round_half_even(acc * (float)m)
                      + (float)L->y_q.zero_point;
            y[i * L->n + j] = clamp_u8_double(v);
        }
}

static float forum_acc_f32(const ql_layer *L, size_t i, size_t j)
{
    float acc = 0.0f;
    for (size_t kk = 0; kk < L->k; kk++)
        acc = acc + (float)(L->x[i * L->k + kk] - L->x_q.zero_point)
                    * (float)(L->w[j * L->k + kk] - L->w_q.zero_point);
    return acc;
}

void ql_forum_answer2(const ql_layer *L, double *y)
{
    float sxw = (float)((double)L->x_q.scale * L->w_q.scale);
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            float v = ql_round_half_even(forum_acc_f32(L, i, j)) * sxw;
            v = v / L->y_q.scale + (float)L->y_q.zero_point;
            y[i * L->n + j] = clamp_u8_double(v);
        }
}

void ql_forum_answer3(const ql_layer *L, double *y)
{
    double sxw = (double)L->x_q.scale * L->w_q.scale;
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            double v = (double)ql_acc_exact(L, i, j) * sxw;
            v = nearbyint(v / L->y_q.scale) + L->y_q.zero_point;
            y[i * L->n + j] = clamp_u8_double(v);
        }
}

const ql_layer *ql_forum_layer(void)
{
    static uint8_t x[2] = { 0, 255 };
    static int8_t w[4] = { 25, 127, -128, -112 };
    static const ql_layer forum = {
        1, 2, 2,
        { (float)0.010773413814604282, 202 },
        { (float)0.003769818227738142, 26 },
        { (float)0.003812584327533841, 0 },
        x, w, NULL, NULL, 0
    };
    return &forum;
}

