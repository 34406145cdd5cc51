/* qlinear.c: the arithmetic -- rounding, scale and zero point,
   quantization, accumulation, multipliers, requantization.
   Tangled from qlinear.nw: edit that, not this file. */
#include <float.h>
#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "qlinear needs FLT_EVAL_METHOD == 0 (SSE2, NEON, ...)"
#endif
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif
#include "qlinear.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
int32_t ql_cvt_f32_i32(float v)          /* x86 cvtps2dq */
{
    if (!(v >= -0x1p31f && v < 0x1p31f))  /* also catches NaN */
        return INT32_MIN;
    return (int32_t)ql_round_half_even(v);
}

static int64_t cvtt_f32_i64(float v)     /* x86 cvttss2si, 64 bit */
{
    if (!(v >= -0x1p63f && v < 0x1p63f))
        return INT64_MIN;
    return (int64_t)v;
}

float ql_round_half_even(float v)
{
    float f = floorf(v);
    float d = v - f;                      /* exact, see text */
    if (d > 0.5f || (d == 0.5f && fmodf(f, 2.0f) != 0.0f))
        f += 1.0f;
    return f;
}

void ql_qrange(ql_scheme sc, int32_t *qmin, int32_t *qmax)
{
    int shift = sc.reduce_range ? 1 : 0;
    *qmin = sc.dtype == QL_QUINT8 ? 0 : -128 / (1 << shift);
    *qmax = sc.dtype == QL_QUINT8 ? 255 >> shift : 127 >> shift;
}

ql_qparams ql_observe(ql_scheme sc, const float *v, size_t n)
{
    ql_qparams p = { 1.0f, 0 };
    int32_t qmin, qmax;
    if (n == 0)
        return p;
    float lo = v[0], hi = v[0];
    for (size_t i = 1; i < n; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    ql_qrange(sc, &qmin, &qmax);
    lo = lo < 0.0f ? lo : 0.0f;
    hi = hi > 0.0f ? hi : 0.0f;
    if (sc.symmetric) {
        float m = -lo > hi ? -lo : hi;
        p.scale = m / ((float)(qmax - qmin) / 2.0f);
        if (p.scale < FLT_EPSILON)
            p.scale = FLT_EPSILON;
        p.zero_point = sc.dtype == QL_QUINT8 ? 128 : 0;
    } else {
        p.scale = (hi - lo) / (float)(qmax - qmin);
        if (p.scale < FLT_EPSILON)
            p.scale = FLT_EPSILON;
        p.zero_point = qmin - (int32_t)ql_round_half_even(lo / p.scale);
        if (p.zero_point < qmin) p.zero_point = qmin;
        if (p.zero_point > qmax) p.zero_point = qmax;
    }
    return p;
}

int32_t ql_quantize(float r, ql_qparams p, ql_dtype t)
{
    ql_scheme full = { t, 0, 0 };
    int32_t qmin, qmax;
    float inv = 1.0f / p.scale;
    float q = ql_round_half_even(r * inv);
    float zq = (float)p.zero_point + q;            /* a float addition */
    int64_t v = zq >= -0x1p63f && zq < 0x1p63f   /* in range: truncate; */
                ? (int64_t)zq : INT64_MIN;     /* else as x86: Part II */
    ql_qrange(full, &qmin, &qmax);
    return v < qmin ? qmin : v > qmax ? qmax : (int32_t)v;
}

float ql_dequantize(int32_t q, ql_qparams p)
{
    return p.scale * (float)(q - p.zero_point);
}

ql_qparams ql_weight_q(const ql_layer *L, size_t j)
{
    return L->w_channel ? L->w_channel[j] : L->w_q;
}

int64_t ql_acc_exact(const ql_layer *L, size_t i, size_t j)
{
    const uint8_t *x = L->x + i * L->k;
    const int8_t *w = L->w + j * L->k;
    int64_t a = 0, zw = ql_weight_q(L, j).zero_point;
    for (size_t kk = 0; kk < L->k; kk++)
        a += (int64_t)(x[kk] - L->x_q.zero_point) * (w[kk] - zw);
    return a;
}

int64_t ql_four_terms(int64_t raw, int64_t row, int64_t col, int64_t k,
                      int64_t zx, int64_t zw)
{
    return raw - zw * row - zx * col + k * zx * zw;
}

int64_t ql_acc_question(const ql_layer *L, size_t i, size_t j)
{
    const uint8_t *x = L->x + i * L->k;
    const int8_t *w = L->w + j * L->k;
    int64_t a = 0, zw = ql_weight_q(L, j).zero_point;
    for (size_t kk = 0; kk < L->k; kk++)
        a += (int64_t)(x[kk] - L->x_q.zero_point - zw) * w[kk];
    return a;
}

int32_t ql_wrap_i32(int64_t v)
{
    uint32_t u = (uint32_t)v;             /* v modulo 2^32 */
    if (u <= (uint32_t)INT32_MAX)
        return (int32_t)u;
    return (int32_t)(u - 0x80000000u) - INT32_MAX - 1;
}

uint8_t ql_requantize(int32_t acc, float m, int32_t zy)
{
    float v = ql_round_half_even((float)acc * m);   /* fl(a M), to even */
    float t = v + (float)zy;                       /* + Z_y */
    return (uint8_t)(!(t > 0) ? 0 : t > 255 ? 255 : t);  /* NaN to 0 */
}

float ql_multiplier_qnnpack(float sx, float sw, float sy)
{
    float product = sw * sx;
    float inverse = 1.0f / sy;
    return product * inverse;
}

float ql_multiplier_fbgemm(float sx, float sw, float sy)
{
    float act_times_w = sx * sw;
    return act_times_w / sy;
}

uint8_t ql_requantize_x86(float v, int32_t zy)
{
    int32_t r = ql_sat16(ql_cvt_f32_i32(v));    /* cvtps2dq, packs */
    r = ql_sat16(r + zy);                      /* adds_epi16 */
    return (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);   /* packus */
}

int32_t ql_qnnpack_bias(float b, float sx, float sw)
{
    float scale = (float)((double)sw * (double)sx);
    float q = ql_round_half_even(b * (1.0f / scale));
    int64_t v = cvtt_f32_i64(0.0f + q);
    return v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX
                                                     : (int32_t)v;
}

float ql_fbgemm_bias(float b, float sx, float sw)
{
    float act_times_w = sx * sw;
    float reciprocal = (float)(1.0 / (double)act_times_w);
    return b * reciprocal;
}

float ql_fbgemm_bias_per_channel(float b, float sx, float sw)
{
    float act_times_w = sx * sw;
    return b / act_times_w;
}

int32_t ql_sat16(int32_t v)
{
    return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
}

static int64_t raw_pairs16(const uint8_t *x, const int8_t *w,
                           size_t from, size_t to)
{
    int64_t raw = 0;
    for (size_t kk = from; kk < to; kk += 2) {
        int32_t pair = x[kk] * w[kk];
        if (kk + 1 < to)
            pair += x[kk + 1] * w[kk + 1];
        raw += ql_sat16(pair);
    }
    return raw;
}

int32_t ql_acc_pairs16_split(const ql_layer *L, size_t i, size_t j,
                             size_t split)
{
    const uint8_t *x = L->x + i * L->k;
    const int8_t *w = L->w + j * L->k;
    int64_t raw = raw_pairs16(x, w, 0, split)
                  + raw_pairs16(x, w, split, L->k);
    return ql_wrap_i32(ql_four_terms(raw, ql_row_sum(L, i),
                                     ql_col_sum(L, j), (int64_t)L->k,
                                     L->x_q.zero_point,
                                     ql_weight_q(L, j).zero_point));
}

int32_t ql_acc_pairs16(const ql_layer *L, size_t i, size_t j)
{
    return ql_acc_pairs16_split(L, i, j, L->k);
}

float ql_multiplier_onednn(float sx, float sw, float sy)
{
    float src = (float)(1.0 / (double)sx), wei = (float)(1.0 / (double)sw);
    float dst = (float)(1.0 / (double)sy);
    return dst / (src * wei);
}

float ql_onednn_bias(float b, float sx, float sw)
{
    float bscale = (float)(1.0 / (double)sx) * (float)(1.0 / (double)sw);
    return b * bscale;
}

void ql_tflite_multiplier(double m, int32_t *q31, int *exponent)
{
    int64_t q;
    *exponent = 0;
    q = m == 0.0 ? 0 : (int64_t)round(ldexp(frexp(m, exponent), 31));
    if (q == INT64_C(1) << 31) {
        q /= 2;
        ++*exponent;
    }
    if (*exponent < -31) {
        *exponent = 0;
        q = 0;
    }
    *q31 = (int32_t)q;
}

int32_t ql_srdhm(int32_t a, int32_t b)
{
    int64_t ab = (int64_t)a * b;
    int64_t nudge = ab >= 0 ? INT64_C(1) << 30 : 1 - (INT64_C(1) << 30);
    if (a == INT32_MIN && b == INT32_MIN)
        return INT32_MAX;
    return (int32_t)((ab + nudge) / (INT64_C(1) << 31));
}

int32_t ql_rounding_divide_by_pot(int32_t x, int s)
{
    int64_t d = INT64_C(1) << s, v = x;
    int64_t floor = v >= 0 ? v / d : -((-v + d - 1) / d);
    int64_t remainder = v - floor * d;
    int64_t threshold = (d - 1) / 2 + (v < 0);
    return (int32_t)(floor + (remainder > threshold));
}

#define QL_SMALL_SCALE 6.1e-5f      /* SMALL_SCALE_THRESHOLD */
ql_dynamic_qparams ql_choose_dynamic(float min, float max, int reduce_range)
{
    int32_t qmin = 0, qmax = reduce_range ? 127 : 255;
    min = 0.0f < min ? 0.0f : min;          /* std::min(min, 0.f) */
    max = max < 0.0f ? 0.0f : max;          /* std::max(max, 0.f) */
    double scale = ((double)max - min) / (qmax - qmin);
    if ((float)scale == 0.0f || isinf(1.0f / (float)scale))
        scale = 0.1;
    if (scale < QL_SMALL_SCALE) {
        float org = (float)scale;
        scale = QL_SMALL_SCALE;
        if (min == 0.0f)
            max = QL_SMALL_SCALE * (float)(qmax - qmin);
        else if (max == 0.0f)
            min = -QL_SMALL_SCALE * (float)(qmax - qmin);
        else {
            float amplifier = QL_SMALL_SCALE / org;
            min *= amplifier;
            max *= amplifier;
        }
    }
    double from_min = qmin - min / scale, from_max = qmax - max / scale;
    double err_min = abs(qmin) - fabs(min / scale);
    double err_max = abs(qmax) - fabs(max / scale);
    double z = err_min < err_max ? from_min : from_max;
    ql_dynamic_qparams p = { scale, qmin };
    p.zero_point = z < qmin ? qmin : z > qmax ? qmax : (int32_t)nearbyint(z);
    return p;
}

int64_t ql_acc_raw(const ql_layer *L, size_t i, size_t j)
{
    const uint8_t *x = L->x + i * L->k;
    const int8_t *w = L->w + j * L->k;
    int64_t raw = 0;
    for (size_t kk = 0; kk < L->k; kk++)
        raw += (int64_t)x[kk] * w[kk];
    return raw;
}

int64_t ql_row_sum(const ql_layer *L, size_t i)
{
    int64_t row = 0;
    for (size_t kk = 0; kk < L->k; kk++)
        row += L->x[i * L->k + kk];
    return row;
}

int64_t ql_col_sum(const ql_layer *L, size_t j)
{
    int64_t col = 0;
    for (size_t kk = 0; kk < L->k; kk++)
        col += L->w[j * L->k + kk];
    return col;
}

int64_t ql_acc_four_terms(const ql_layer *L, size_t i, size_t j)
{
    return ql_four_terms(ql_acc_raw(L, i, j), ql_row_sum(L, i),
                         ql_col_sum(L, j), (int64_t)L->k,
                         L->x_q.zero_point, ql_weight_q(L, j).zero_point);
}

void ql_observe_rows(ql_scheme sc, const float *v, size_t rows,
                     size_t cols, ql_qparams *out)
{
    for (size_t r = 0; r < rows; r++)
        out[r] = ql_observe(sc, v + r * cols, cols);
}

ql_cause ql_cause_of(const ql_layer *L, size_t i, size_t j,
                     const ql_answer *a, size_t n)
{
    int64_t acc = ql_acc_exact(L, i, j);
    int32_t zy = L->y_q.zero_point;
    int differ = 0;
    for (size_t e = 1; e < n; e++)
        differ |= a[e].code != a[0].code;
    if (!differ)
        return QL_CAUSE_NONE;
    for (size_t e = 0; e < n; e++)
        if (a[e].probe.known && !a[e].probe.pairs && a[e].probe.acc != acc
            && a[e].probe.acc != ql_wrap_i32(acc))
            return QL_CAUSE_ZERO_POINT;
    if (acc != ql_wrap_i32(acc))
        return QL_CAUSE_OVERFLOW;
    for (size_t e = 0; e < n; e++)
        if (a[e].probe.known && a[e].probe.cvt
            && !(fabs(a[e].probe.value) < 0x1p31))
            return QL_CAUSE_OVERFLOW;
    for (size_t e = 0; e < n; e++)
        if (a[e].probe.known && a[e].probe.pairs && a[e].probe.acc != acc)
            return QL_CAUSE_PAIRS;
    if (L->bias) {
        int agree = 1;
        for (size_t e = 1; e < n; e++)
            agree &= a[e].nobias == a[0].nobias;
        if (agree)
            return QL_CAUSE_BIAS;
    }
    for (size_t e = 0; e < n; e++)
        for (size_t g = 0; g < n; g++)
            if (a[e].probe.known && a[g].probe.known && a[e].probe.zy_first
                && !a[g].probe.zy_first && a[e].code != a[g].code
                && (float)a[e].probe.value
                   == (float)a[g].probe.value + (float)zy)
                return QL_CAUSE_ZERO_POINT;
    int inside = 0, outside = 0;
    for (size_t e = 0; e < n; e++)
        if (a[e].probe.known) {
            double v = a[e].probe.value + (a[e].probe.zy_first ? 0.0 : zy);
            int in = v >= -0.5 && v <= 255.5;
            inside |= in;
            outside |= !in;
        }
    if (inside && outside)
        return QL_CAUSE_CLAMP;
    return QL_CAUSE_TIE;
}

const char *ql_cause_name(ql_cause c)
{
    static const char *const name[] = { "none", "zero-point", "overflow",
                                        "pairs", "bias", "clamp", "tie" };
    return (unsigned)c < sizeof name / sizeof name[0] ? name[c] : "?";
}

