/* engines.c: each engine as a row of choices, and the table of them.
   Tangled from qlinear.nw: edit that, not this file. */
#include <float.h>
#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "qlinear needs FLT_EVAL_METHOD == 0 (SSE2, NEON, ...)"
#endif
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "qlinear.h"
static uint8_t relu_floor(const ql_layer *L, uint8_t q)
{
    return L->relu && q < L->y_q.zero_point ? (uint8_t)L->y_q.zero_point
                                            : q;
}

static void qnnpack_rows(const ql_layer *L, uint8_t *y,
                         uint8_t (*requantize)(float v, int32_t zy))
{
    float sx = L->x_q.scale;
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            float sw = ql_weight_q(L, j).scale;
            float mult = ql_multiplier_qnnpack(sx, sw, L->y_q.scale);
            int64_t b = L->bias ? ql_qnnpack_bias(L->bias[j], sx, sw) : 0;
            int32_t acc = ql_wrap_i32(b + ql_acc_exact(L, i, j));
            y[i * L->n + j] = relu_floor(L,
                requantize((float)acc * mult, L->y_q.zero_point));
        }
}

static void run_qnnpack(const ql_layer *L, uint8_t *y)
{
    qnnpack_rows(L, y, ql_requantize_x86);
}

static float fbgemm_bias(const ql_layer *L, size_t j, float sx, float sw)
{
    return L->w_channel ? ql_fbgemm_bias_per_channel(L->bias[j], sx, sw)
                        : ql_fbgemm_bias(L->bias[j], sx, sw);
}

static void fbgemm_requantize(const ql_layer *L, uint8_t *y,
                              int32_t (*acc)(const ql_layer *,
                                             size_t, size_t))
{
    float sx = L->x_q.scale;
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            float sw = ql_weight_q(L, j).scale;
            float mult = ql_multiplier_fbgemm(sx, sw, L->y_q.scale);
            float v = (float)acc(L, i, j);
            if (L->bias)
                v = v + fbgemm_bias(L, j, sx, sw);
            y[i * L->n + j] =
                relu_floor(L, ql_requantize_x86(v * mult, L->y_q.zero_point));
        }
}

static int32_t acc_int32(const ql_layer *L, size_t i, size_t j)
{
    return ql_wrap_i32(ql_acc_exact(L, i, j));
}

static int32_t acc_row_col_offsets(const ql_layer *L, size_t i, size_t j)
{
    return ql_wrap_i32(ql_acc_four_terms(L, i, j));
}

static void run_fbgemm(const ql_layer *L, uint8_t *y)
{
    fbgemm_requantize(L, y, acc_row_col_offsets);
}

static void run_fbgemm_avx2(const ql_layer *L, uint8_t *y)
{
    fbgemm_requantize(L, y, ql_acc_pairs16);
}

static int32_t acc_onednn_avx2(const ql_layer *L, size_t i, size_t j)
{
    size_t split = L->k > 256 && L->k < 768 ? (L->k + 1) / 2 : L->k;
    return ql_acc_pairs16_split(L, i, j, split);
}

static const char *onednn_refuses(const ql_layer *L)
{
    for (size_t j = 0; j < L->n; j++)
        if (ql_weight_q(L, j).zero_point != 0)
            return "oneDNN only supports symmetric weights (zero point 0)";
    return NULL;
}

static void onednn_requantize(const ql_layer *L, uint8_t *y,
                              int32_t (*acc)(const ql_layer *,
                                             size_t, size_t))
{
    float sx = L->x_q.scale;
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            float sw = ql_weight_q(L, j).scale;
            float mult = ql_multiplier_onednn(sx, sw, L->y_q.scale);
            float d = (float)acc(L, i, j);
            if (L->bias)
                d = d + ql_onednn_bias(L->bias[j], sx, sw);
            if (L->relu && d < 0.0f)        /* then fl(d*M) <= 0, */
                d = (float)L->y_q.zero_point;  /* and ReLU makes it 0 */
            else
                d = d * mult + (float)L->y_q.zero_point;
            d = d < 0.0f ? 0.0f : d > 255.0f ? 255.0f : d;
            y[i * L->n + j] = (uint8_t)ql_round_half_even(d);
        }
}

static void run_onednn(const ql_layer *L, uint8_t *y)
{
    onednn_requantize(L, y, acc_int32);
}

static void run_onednn_avx2(const ql_layer *L, uint8_t *y)
{
    onednn_requantize(L, y, acc_onednn_avx2);
}

static void run_exact(const ql_layer *L, uint8_t *y)
{
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++)
            y[i * L->n + j] = relu_floor(L,
                ql_exact_output(ql_acc_exact(L, i, j),
                                L->bias ? L->bias[j] : 0.0f, L, j));
}

static const char *xnnpack_refuses(const ql_layer *L)
{
    float m = ql_multiplier_fbgemm(L->x_q.scale, L->w_q.scale,
                                   L->y_q.scale);
    if (L->w_channel)
        return "XNNPACK's qu8 fully-connected operator has one weight scale";
    if (L->bias)
        return "XNNPACK takes an int32 bias, not a float one";
    if (m >= 256.0f)
        return "XNNPACK refuses a multiplier Sx*Sw/Sy of 256 or more";
    if (m < 0x1p-32f)
        return "XNNPACK aborts on a multiplier Sx*Sw/Sy below 2^-32";
    return NULL;
}

static void run_xnnpack(const ql_layer *L, uint8_t *y)
{
    float mult = ql_multiplier_fbgemm(L->x_q.scale, L->w_q.scale,
                                      L->y_q.scale);
    float top = (float)(255 - L->y_q.zero_point);
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            float v = (float)acc_int32(L, i, j) * mult;
            v = v < top ? v : top;                 /* min_ps first */
            y[i * L->n + j] =
                relu_floor(L, ql_requantize_x86(v, L->y_q.zero_point));
        }
}

static const char *gemmlowp_refuses(const ql_layer *L)
{
    int32_t q;
    int e;
    ql_tflite_multiplier((double)L->x_q.scale * L->w_q.scale
                         / L->y_q.scale, &q, &e);
    if (L->w_channel)
        return "gemmlowp's per-channel stage does not build for x86 SSE";
    if (L->bias)
        return "TFLite's gemmlowp path takes an int32 bias, not a float one";
    if (e > 30)
        return "gemmlowp cannot shift left by 31 or more (multiplier >= 2^30)";
    return NULL;
}

static uint8_t gemmlowp_output(int32_t acc, int32_t q, int e, int32_t zy,
                               int scalar)
{
    int64_t wide = (int64_t)acc * (INT64_C(1) << (e > 0 ? e : 0));
    int32_t x = !scalar ? ql_wrap_i32(wide)
              : wide < INT32_MIN ? INT32_MIN
              : wide > INT32_MAX ? INT32_MAX : (int32_t)wide;
    int32_t r = ql_rounding_divide_by_pot(ql_srdhm(x, q), e < 0 ? -e : 0);
    int32_t v = ql_wrap_i32((int64_t)r + zy);
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

static void run_gemmlowp(const ql_layer *L, uint8_t *y)
{
    int32_t q;
    int e;
    ql_tflite_multiplier((double)L->x_q.scale * L->w_q.scale
                         / L->y_q.scale, &q, &e);
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            int scalar = i >= L->m / 4 * 4 && j >= L->n / 4 * 4;
            y[i * L->n + j] = relu_floor(L,
                gemmlowp_output(acc_int32(L, i, j), q, e, L->y_q.zero_point,
                                scalar));
        }
}

static const char *onnxruntime_refuses(const ql_layer *L)
{
    if (L->relu)
        return "QLinearMatMul has no fused activation; a ReLU is a "
               "separate operator";
    return L->bias ? "QLinearMatMul has no bias input" : NULL;
}

static void onnxruntime_requantize(const ql_layer *L, uint8_t *y,
                                   int32_t (*acc)(const ql_layer *,
                                                  size_t, size_t))
{
    float zy = (float)L->y_q.zero_point;
    for (size_t j = 0; j < L->n; j++) {
        float mult = ql_multiplier_fbgemm(L->x_q.scale,
                                          ql_weight_q(L, j).scale,
                                          L->y_q.scale);
        for (size_t i = 0; i < L->m; i++) {
            float v = (float)acc(L, i, j) * mult;
            v = v > -zy ? v : -zy;                        /* max_ps */
            v = v < 255.0f - zy ? v : 255.0f - zy;        /* min_ps */
            y[i * L->n + j] =
                (uint8_t)(ql_cvt_f32_i32(v) + L->y_q.zero_point);
        }
    }
}

static void run_onnxruntime(const ql_layer *L, uint8_t *y)
{
    onnxruntime_requantize(L, y, acc_int32);
}

static void run_onnxruntime_avx2(const ql_layer *L, uint8_t *y)
{
    onnxruntime_requantize(L, y, ql_acc_pairs16);
}

static float onednn3_scale(float s)
{
    float r = (float)(1.0 / (double)s);     /* PyTorch's reciprocal */
    return (float)(1.0 / (double)r);        /* ideep's, for oneDNN 3 */
}

static void run_onednn3_avx2(const ql_layer *L, uint8_t *y)
{
    float sx = onednn3_scale(L->x_q.scale);
    float inv_dst = 1.0f / onednn3_scale(L->y_q.scale);
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            float sw = onednn3_scale(ql_weight_q(L, j).scale);
            float d = (float)acc_onednn_avx2(L, i, j) * (sx * sw);
            if (L->bias)
                d = d + L->bias[j];
            if (L->relu && d < 0.0f)
                d = 0.0f;                   /* eltwise_relu post-op */
            d = d * inv_dst + (float)L->y_q.zero_point;
            d = d < 0.0f ? 0.0f : d > 255.0f ? 255.0f : d;
            y[i * L->n + j] = (uint8_t)ql_round_half_even(d);
        }
}

static void run_fbgemm_fma_avx2(const ql_layer *L, uint8_t *y)
{
    if (L->w_channel) {                 /* OUT_CHANNEL: b / s_j, no fma */
        run_fbgemm_avx2(L, y);
        return;
    }
    float sx = L->x_q.scale, sw = L->w_q.scale;
    float mult = ql_multiplier_fbgemm(sx, sw, L->y_q.scale);
    float act_times_w = sx * sw;
    float r = (float)(1.0 / (double)act_times_w);
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            float v = (float)ql_acc_pairs16(L, i, j);
            if (L->bias)
                v = fmaf(L->bias[j], r, v);
            uint8_t q = ql_requantize_x86(v * mult, L->y_q.zero_point);
            y[i * L->n + j] = relu_floor(L, q);
        }
}

static void run_x86_avx2(const ql_layer *L, uint8_t *y)
{
    run_fbgemm_fma_avx2(L, y);
}

static int64_t floor_div_pow2(int64_t v, int s)
{
    int64_t d = INT64_C(1) << s;
    return v >= 0 ? v / d : -((-v + d - 1) / d);
}

static uint8_t xnnpack_rndnu(int32_t acc, float scale, int32_t zy)
{
    uint32_t bits;
    memcpy(&bits, &scale, sizeof bits);
    int32_t q = (int32_t)(((bits & 0x7FFFFFu) | 0x800000u) << 7);
    int s = 126 - (int)(bits >> 23);
    int post = s > 1 ? s : 1;
    int32_t a = ql_wrap_i32((int64_t)acc * (INT64_C(1) << (post - s)));
    int32_t h = (int32_t)floor_div_pow2((int64_t)a * q, 31);  /* SQDMULH */
    int32_t r = (int32_t)floor_div_pow2((int64_t)h + (INT64_C(1) << (post - 1)),
                                        post);                 /* SRSHL */
    r = ql_sat16(ql_sat16(r) + zy);                   /* SQXTN, SQADD */
    return (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);  /* SQXTUN */
}

static void run_xnnpack_arm64(const ql_layer *L, uint8_t *y)
{
    float mult = ql_multiplier_fbgemm(L->x_q.scale, L->w_q.scale,
                                      L->y_q.scale);
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++)
            y[i * L->n + j] = xnnpack_rndnu(acc_int32(L, i, j), mult,
                                            L->y_q.zero_point);
}

static const char *xnnpack_arm64_refuses(const ql_layer *L)
{
    return L->relu ? "a fused ReLU is not measured for the ARM64 rows"
                   : xnnpack_refuses(L);
}

static const char *qnnpack_arm64_refuses(const ql_layer *L)
{
    return L->relu ? "a fused ReLU is not measured for the ARM64 rows"
                   : NULL;
}

static const char *onednn_arm64_refuses(const ql_layer *L)
{
    return L->relu ? "a fused ReLU is not measured for the ARM64 rows"
                   : onednn_refuses(L);
}

static int32_t fcvtns(float v)          /* ARM FCVTNS: saturates */
{
    if (v != v)
        return 0;
    if (v >= 0x1p31f)
        return INT32_MAX;
    if (v < -0x1p31f)
        return INT32_MIN;
    return (int32_t)ql_round_half_even(v);
}

static uint8_t requantize_neon(float v, int32_t zy)
{
    int32_t r = ql_sat16(ql_sat16(fcvtns(v)) + zy);   /* SQXTN, SQADD */
    return (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);  /* SQXTUN */
}

static void run_qnnpack_arm64(const ql_layer *L, uint8_t *y)
{
    qnnpack_rows(L, y, requantize_neon);
}

static void run_onednn_arm64(const ql_layer *L, uint8_t *y)
{
    float sx = 1.0f / (1.0f / L->x_q.scale), inv_sy = 1.0f / L->y_q.scale;
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            float sw = 1.0f / (1.0f / ql_weight_q(L, j).scale);
            float d = (float)acc_int32(L, i, j) * (sx * sw);
            if (L->bias)
                d = d + L->bias[j];
            d = d * inv_sy + (float)L->y_q.zero_point;
            d = d < 0.0f ? 0.0f : d > 255.0f ? 255.0f : d;
            y[i * L->n + j] = (uint8_t)ql_round_half_even(d);
        }
}

static ql_dynamic_qparams observe_input(const ql_dynamic *D, int rr)
{
    size_t n = D->q.m * D->q.k;
    float lo = D->x[0], hi = D->x[0];
    for (size_t i = 1; i < n; i++) {
        lo = D->x[i] < lo ? D->x[i] : lo;
        hi = D->x[i] > hi ? D->x[i] : hi;
    }
    return ql_choose_dynamic(lo, hi, rr);
}

static void dyn_quantize_qnnpack(const ql_dynamic *D, ql_layer *L)
{
    ql_dynamic_qparams p = observe_input(D, 0);     /* ignores the flag */
    L->x_q.scale = (float)p.scale;
    L->x_q.zero_point = p.zero_point;
    for (size_t i = 0; i < L->m * L->k; i++)
        L->x[i] = (uint8_t)ql_quantize(D->x[i], L->x_q, QL_QUINT8);
}

static void dyn_qnnpack(const ql_layer *L, float *y)
{
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            float mult = ql_weight_q(L, j).scale * L->x_q.scale;
            float b = L->bias ? L->bias[j] : 0.0f;
            y[i * L->n + j] = mult * (float)acc_int32(L, i, j) + b;
        }
}

static float dyn_quantize_onednn(const ql_dynamic *D, ql_layer *L)
{
    ql_dynamic_qparams p = observe_input(D, D->reduce_range);
    float s = (float)(1.0 / p.scale);         /* the double's reciprocal */
    L->x_q.scale = (float)p.scale;
    L->x_q.zero_point = p.zero_point;
    for (size_t i = 0; i < L->m * L->k; i++) {
        float v = D->x[i] * s + (float)p.zero_point;  /* two roundings */
        v = v < 0.0f ? 0.0f : v > 255.0f ? 255.0f : v;
        L->x[i] = (uint8_t)ql_round_half_even(v);
    }
    return s;
}

static void dyn_onednn(const ql_layer *L, float s, float *y,
                       int32_t (*acc)(const ql_layer *, size_t, size_t))
{
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            float wei = (float)(1.0 / (double)ql_weight_q(L, j).scale);
            float sw = s * wei, mult = 1.0f / sw;
            float d = (float)acc(L, i, j);
            if (L->bias)
                d = d + L->bias[j] * sw;
            y[i * L->n + j] = d * mult;
        }
}

static int dyn_prepare(const ql_dynamic *D, ql_layer *L)
{
    *L = D->q;
    L->x = malloc(L->m * L->k);
    return L->x ? 0 : -1;
}

static int run_dyn_qnnpack(const ql_dynamic *D, float *y)
{
    ql_layer L;
    if (dyn_prepare(D, &L) != 0)
        return -1;
    dyn_quantize_qnnpack(D, &L);
    dyn_qnnpack(&L, y);
    free(L.x);
    return 0;
}

static int run_dyn_onednn_with(const ql_dynamic *D, float *y,
                               int32_t (*acc)(const ql_layer *, size_t,
                                              size_t))
{
    ql_layer L;
    if (dyn_prepare(D, &L) != 0)
        return -1;
    float s = dyn_quantize_onednn(D, &L);
    dyn_onednn(&L, s, y, acc);
    free(L.x);
    return 0;
}

static int run_dyn_onednn(const ql_dynamic *D, float *y)
{
    return run_dyn_onednn_with(D, y, acc_int32);
}

static int run_dyn_onednn_avx2(const ql_dynamic *D, float *y)
{
    return run_dyn_onednn_with(D, y, acc_onednn_avx2);
}

static void probe_qnnpack(const ql_layer *L, size_t i, size_t j,
                          ql_probe *p)
{
    float sx = L->x_q.scale, sw = ql_weight_q(L, j).scale;
    int64_t b = L->bias ? ql_qnnpack_bias(L->bias[j], sx, sw) : 0;
    p->acc = ql_acc_exact(L, i, j);
    p->value = (float)ql_wrap_i32(b + p->acc)
               * ql_multiplier_qnnpack(sx, sw, L->y_q.scale);
    p->cvt = 1;
}

static void probe_fbgemm_acc(const ql_layer *L, size_t j, ql_probe *p,
                             int32_t acc)
{
    float sx = L->x_q.scale, sw = ql_weight_q(L, j).scale;
    float v = (float)acc;
    if (L->bias)
        v = v + fbgemm_bias(L, j, sx, sw);
    p->acc = acc;
    p->value = v * ql_multiplier_fbgemm(sx, sw, L->y_q.scale);
    p->cvt = 1;
}

static void probe_fbgemm(const ql_layer *L, size_t i, size_t j,
                         ql_probe *p)
{
    probe_fbgemm_acc(L, j, p, ql_wrap_i32(ql_acc_exact(L, i, j)));
}

static void probe_fbgemm_avx2(const ql_layer *L, size_t i, size_t j,
                              ql_probe *p)
{
    probe_fbgemm_acc(L, j, p, ql_acc_pairs16(L, i, j));
    p->pairs = 1;
}

static void probe_onednn_acc(const ql_layer *L, size_t j, ql_probe *p,
                             int32_t acc)
{
    float sx = L->x_q.scale, sw = ql_weight_q(L, j).scale;
    float bscale = (float)(1.0 / (double)sx) * (float)(1.0 / (double)sw);
    float d = (float)acc;
    if (L->bias)
        d = d + L->bias[j] * bscale;
    p->acc = acc;
    p->value = d * ql_multiplier_onednn(sx, sw, L->y_q.scale)
               + (float)L->y_q.zero_point;
    p->zy_first = 1;
}

static void probe_onednn(const ql_layer *L, size_t i, size_t j,
                         ql_probe *p)
{
    probe_onednn_acc(L, j, p, ql_wrap_i32(ql_acc_exact(L, i, j)));
}

static void probe_onednn_avx2(const ql_layer *L, size_t i, size_t j,
                              ql_probe *p)
{
    probe_onednn_acc(L, j, p, acc_onednn_avx2(L, i, j));
    p->pairs = 1;
}

static void probe_exact(const ql_layer *L, size_t i, size_t j,
                        ql_probe *p)
{
    double sxw = (double)L->x_q.scale * ql_weight_q(L, j).scale;
    p->acc = ql_acc_exact(L, i, j);
    p->value = ((double)p->acc * sxw + (L->bias ? L->bias[j] : 0.0))
               / L->y_q.scale;
}

static void probe_clamping(const ql_layer *L, size_t i, size_t j,
                           ql_probe *p)
{
    p->acc = ql_acc_exact(L, i, j);
    p->value = (float)ql_wrap_i32(p->acc)
               * ql_multiplier_fbgemm(L->x_q.scale, ql_weight_q(L, j).scale,
                                      L->y_q.scale);
}

static void probe_clamping_pairs(const ql_layer *L, size_t i, size_t j,
                                 ql_probe *p)
{
    probe_clamping(L, i, j, p);
    p->acc = ql_acc_pairs16(L, i, j);
    p->value = (float)p->acc
               * ql_multiplier_fbgemm(L->x_q.scale, ql_weight_q(L, j).scale,
                                      L->y_q.scale);
    p->pairs = 1;
}

static void probe_gemmlowp(const ql_layer *L, size_t i, size_t j,
                           ql_probe *p)
{
    int32_t q;
    int e;
    ql_tflite_multiplier((double)L->x_q.scale * L->w_q.scale
                         / L->y_q.scale, &q, &e);
    double m = (double)q / 2147483648.0;        /* q31 * 2^(e-31) */
    for (int k = 0; k < e; k++)
        m *= 2.0;
    for (int k = 0; k > e; k--)
        m /= 2.0;
    p->acc = ql_acc_exact(L, i, j);
    p->value = (double)ql_wrap_i32(p->acc) * m;
}

static const struct {
    const char *name;
    void (*probe)(const ql_layer *, size_t, size_t, ql_probe *);
} probe_table[] = {
    { "qnnpack", probe_qnnpack }, { "fbgemm", probe_fbgemm },
    { "fbgemm-avx2", probe_fbgemm_avx2 }, { "onednn", probe_onednn },
    { "onednn-avx2", probe_onednn_avx2 }, { "exact", probe_exact },
    { "xnnpack", probe_clamping }, { "onnxruntime", probe_clamping },
    { "onnxruntime-avx2", probe_clamping_pairs },
    { "gemmlowp", probe_gemmlowp },
};

int ql_engine_probe(const ql_engine *e, const ql_layer *L, size_t i,
                    size_t j, ql_probe *p)
{
    memset(p, 0, sizeof *p);
    for (size_t k = 0; k < sizeof probe_table / sizeof probe_table[0]; k++)
        if (strcmp(probe_table[k].name, e->name) == 0) {
            probe_table[k].probe(L, i, j, p);
            p->known = 1;
        }
    return p->known;
}

static const ql_engine engine_table[] = {
    { "qnnpack", "PyTorch 1.13 QNNPACK, x86 SSE2 kernel: int32 bias, "
      "fl(fl(Sw*Sx)*fl(1/Sy))",
      run_qnnpack, NULL },
    { "fbgemm", "FBGEMM, exact int32 accumulation (AVX512-VNNI), float bias",
      run_fbgemm, NULL },
    { "fbgemm-avx2", "FBGEMM with vpmaddubsw: u8*s8 pairs saturate to int16",
      run_fbgemm_avx2, NULL },
    { "onednn", "oneDNN 2.7 via ideep: reciprocal scales, clamp in float",
      run_onednn, onednn_refuses },
    { "onednn-avx2", "oneDNN without VNNI: u8*s8 pairs saturate to int16",
      run_onednn_avx2, onednn_refuses },
    { "exact", "exact rational rne((Sx*Sw*acc + b)/Sy), no wrap, no float",
      run_exact, NULL },
    { "xnnpack", "XNNPACK qu8 FC (ae108ef, x86 fp32): int32 bias only, "
      "clamp before cvtps2dq", run_xnnpack, xnnpack_refuses },
    { "gemmlowp", "gemmlowp (SSE4) as TFLite drives it: Q31 multiplier, two "
      "integer roundings", run_gemmlowp, gemmlowp_refuses },
    { "onnxruntime", "ONNX Runtime 1.30 QLinearMatMul, VNNI/AMX: exact int32, "
      "clamp in float", run_onnxruntime, onnxruntime_refuses },
    { "onnxruntime-avx2", "ONNX Runtime 1.30 on AVX2: u8*s8 pairs saturate "
      "to int16", run_onnxruntime_avx2, onnxruntime_refuses },
    { "fbgemm-2.13-avx2", "FBGEMM in the PyTorch 2.13 wheel, AVX2: bias "
      "fused, fma(b, 1/(Sx*Sw), acc)",
      run_fbgemm_fma_avx2, NULL },
    { "onednn-2.13-avx2", "oneDNN 3.12 in PyTorch 2.13, AVX2: "
      "(acc*sx*sw + b)*(1/sy), s = 1/(1/S)",
      run_onednn3_avx2, onednn_refuses },
    { "x86-2.13-avx2", "PyTorch 2.13's x86 engine without AVX512-VNNI: "
      "FBGEMM, as fbgemm-2.13-avx2",
      run_x86_avx2, NULL },
    { "xnnpack-arm64", "XNNPACK qu8 FC (ae108ef) on ARM64: integer rndnu "
      "requantization, SQDMULH then SRSHL", run_xnnpack_arm64,
      xnnpack_arm64_refuses },
    { "qnnpack-arm64", "PyTorch 2.5.1 QNNPACK, ARM64 NEON kernel: as qnnpack, "
      "but FCVTNS saturates", run_qnnpack_arm64, qnnpack_arm64_refuses },
    { "onednn-arm64", "PyTorch 2.5.1 oneDNN 3 on ARM64: (a*(Sx*Sw) + b)/Sy "
      "in float, exact int32", run_onednn_arm64, onednn_arm64_refuses },
};

const ql_engine *ql_engines(size_t *count)
{
    *count = sizeof engine_table / sizeof engine_table[0];
    return engine_table;
}

const ql_engine *ql_find_engine(const char *name)
{
    size_t n;
    const ql_engine *e = ql_engines(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i].name, name) == 0)
            return &e[i];
    return NULL;
}

static const ql_dynamic_engine dynamic_table[] = {
    { "qnnpack", "QNNPACK 1.13: fl(fl(M*fl(a)) + b), reduce_range ignored",
      run_dyn_qnnpack, NULL },
    { "onednn", "oneDNN via ideep: fl(fl(fl(a) + b') * M), exact int32",
      run_dyn_onednn, onednn_refuses },
    { "onednn-avx2", "oneDNN without VNNI: u8*s8 pairs saturate to int16",
      run_dyn_onednn_avx2, onednn_refuses },
};

const ql_dynamic_engine *ql_dynamic_engines(size_t *count)
{
    *count = sizeof dynamic_table / sizeof dynamic_table[0];
    return dynamic_table;
}

const ql_dynamic_engine *ql_find_dynamic_engine(const char *name)
{
    for (size_t i = 0; i < sizeof dynamic_table / sizeof dynamic_table[0];
         i++)
        if (strcmp(dynamic_table[i].name, name) == 0)
            return &dynamic_table[i];
    return NULL;
}

static const ql_onednn_isa onednn_isas[] = {
    { "vnni", "avx512_vnni", "AVX512_CORE_VNNI", "onednn" },
    { "avxvnni", "avx_vnni", "AVX2_VNNI", "onednn" },
    { "avx2", "avx2", "AVX2", "onednn-avx2" },
};

const ql_onednn_isa *ql_onednn_isas(size_t *n)
{
    *n = sizeof onednn_isas / sizeof onednn_isas[0];
    return onednn_isas;
}

int ql_cpu_has(const char *flags, const char *flag)
{
    size_t n = strlen(flag);
    for (const char *p = flags; n > 0 && (p = strstr(p, flag)); p += n)
        if ((p == flags || isspace((unsigned char)p[-1]))
            && (p[n] == '\0' || isspace((unsigned char)p[n])))
            return 1;
    return 0;
}

const ql_onednn_isa *ql_onednn_default(const char *flags)
{
    if (ql_cpu_has(flags, "avx512f") && !ql_cpu_has(flags, "avx512_vnni"))
        return NULL;
    for (size_t i = 0; i < sizeof onednn_isas / sizeof onednn_isas[0]; i++)
        if (ql_cpu_has(flags, onednn_isas[i].flag))
            return &onednn_isas[i];
    return NULL;
}

int ql_cpu_info(char *model, size_t nmodel, char *flags, size_t nflags)
{
    char line[8192];
    FILE *f = fopen("/proc/cpuinfo", "r");
    int found = 0;
    model[0] = flags[0] = '\0';
    while (f && fgets(line, sizeof line, f) && found != 3) {
        char *v = strchr(line, ':');
        if (!v)
            continue;
        v += 1 + (v[1] == ' ');
        v[strcspn(v, "\n")] = '\0';
        if (!(found & 1) && strncmp(line, "model name", 10) == 0)
            snprintf(model, nmodel, "%s", v), found |= 1;
        else if (!(found & 2) && strncmp(line, "flags", 5) == 0)
            snprintf(flags, nflags, "%s", v), found |= 2;
    }
    if (f)
        fclose(f);
    return found & 2 ? 0 : -1;
}

