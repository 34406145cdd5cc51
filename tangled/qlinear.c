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
#include <stdarg.h>
#include <ctype.h>
#include <errno.h>
static int read_qparams(ql_reader *r, const char *word, long zlo,
                        long zhi, ql_qparams *p);
static int read_line_values(ql_reader *r, long line, size_t n, float **v);
static int read_codes(ql_reader *r, const char *what, size_t n,
                      long lo, long hi, long *buf);
float ql_round_half_even(float v)
{
    float f = floorf(v);
    float d = v - f;                      /* exact, see text */
    if (d > 0.5f || (d == 0.5f && fmodf(f, 2.0f) != 0.0f))
        f += 1.0f;
    return f;
}

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
    int64_t v = cvtt_f32_i64((float)p.zero_point + q);
    ql_qrange(full, &qmin, &qmax);
    return v < qmin ? qmin : v > qmax ? qmax : (int32_t)v;
}

float ql_dequantize(int32_t q, ql_qparams p)
{
    return p.scale * (float)(q - p.zero_point);
}

int32_t ql_forum_quantize(float r, ql_qparams p)
{
    float q = (float)p.zero_point + r / p.scale;
    q = q < 0.0f ? 0.0f : q > 255.0f ? 255.0f : q;   /* clamp_ */
    return (int32_t)ql_round_half_even(q);           /* round_ */
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
        x, w, NULL
    };
    return &forum;
}

int64_t ql_acc_exact(const ql_layer *L, size_t i, size_t j)
{
    const uint8_t *x = L->x + i * L->k;
    const int8_t *w = L->w + j * L->k;
    int64_t a = 0;
    for (size_t kk = 0; kk < L->k; kk++)
        a += (int64_t)(x[kk] - L->x_q.zero_point)
             * (w[kk] - L->w_q.zero_point);
    return a;
}

int64_t ql_acc_four_terms(const ql_layer *L, size_t i, size_t j)
{
    const uint8_t *x = L->x + i * L->k;
    const int8_t *w = L->w + j * L->k;
    int64_t raw = 0, row = 0, col = 0;
    int64_t zx = L->x_q.zero_point, zw = L->w_q.zero_point;
    for (size_t kk = 0; kk < L->k; kk++) {
        raw += (int64_t)x[kk] * w[kk];
        row += x[kk];
        col += w[kk];
    }
    return raw - zw * row - zx * col + (int64_t)L->k * zx * zw;
}

int64_t ql_acc_question(const ql_layer *L, size_t i, size_t j)
{
    const uint8_t *x = L->x + i * L->k;
    const int8_t *w = L->w + j * L->k;
    int64_t a = 0;
    for (size_t kk = 0; kk < L->k; kk++)
        a += (int64_t)(x[kk] - L->x_q.zero_point - L->w_q.zero_point)
             * w[kk];
    return a;
}

int32_t ql_wrap_i32(int64_t v)
{
    uint32_t u = (uint32_t)v;             /* v modulo 2^32 */
    if (u <= (uint32_t)INT32_MAX)
        return (int32_t)u;
    return (int32_t)(u - 0x80000000u) - INT32_MAX - 1;
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
    int64_t row = 0, col = 0;
    int64_t zx = L->x_q.zero_point, zw = L->w_q.zero_point;
    for (size_t kk = 0; kk < L->k; kk++) {
        row += x[kk];
        col += w[kk];
    }
    return ql_wrap_i32(raw - zw * row - zx * (col - zw * (int64_t)L->k));
}

int32_t ql_acc_pairs16(const ql_layer *L, size_t i, size_t j)
{
    return ql_acc_pairs16_split(L, i, j, L->k);
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

static void run_qnnpack(const ql_layer *L, uint8_t *y)
{
    float sx = L->x_q.scale, sw = L->w_q.scale;
    float mult = ql_multiplier_qnnpack(sx, sw, L->y_q.scale);
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            int64_t b = L->bias ? ql_qnnpack_bias(L->bias[j], sx, sw) : 0;
            int32_t acc = ql_wrap_i32(b + ql_acc_exact(L, i, j));
            y[i * L->n + j] =
                ql_requantize_x86((float)acc * mult, L->y_q.zero_point);
        }
}

static void fbgemm_requantize(const ql_layer *L, uint8_t *y,
                              int32_t (*acc)(const ql_layer *,
                                             size_t, size_t))
{
    float sx = L->x_q.scale, sw = L->w_q.scale;
    float mult = ql_multiplier_fbgemm(sx, sw, L->y_q.scale);
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            float v = (float)acc(L, i, j);
            if (L->bias)
                v = v + ql_fbgemm_bias(L->bias[j], sx, sw);
            y[i * L->n + j] = ql_requantize_x86(v * mult, L->y_q.zero_point);
        }
}

static int32_t acc_int32(const ql_layer *L, size_t i, size_t j)
{
    return ql_wrap_i32(ql_acc_exact(L, i, j));
}

static void run_fbgemm(const ql_layer *L, uint8_t *y)
{
    fbgemm_requantize(L, y, acc_int32);
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
    return L->w_q.zero_point != 0
           ? "oneDNN only supports symmetric weights (zero point 0)"
           : NULL;
}

static void onednn_requantize(const ql_layer *L, uint8_t *y,
                              int32_t (*acc)(const ql_layer *,
                                             size_t, size_t))
{
    float sx = L->x_q.scale, sw = L->w_q.scale;
    float mult = ql_multiplier_onednn(sx, sw, L->y_q.scale);
    float bscale = (float)(1.0 / (double)sx) * (float)(1.0 / (double)sw);
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            float d = (float)acc(L, i, j);
            if (L->bias)
                d = d + L->bias[j] * bscale;
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

enum { BIG_LIMBS = 16 };             /* 512 bits: see the bound above */
typedef struct { uint32_t limb[BIG_LIMBS]; } big;

static void big_add_term(big *a, uint64_t m, uint32_t f, int shift)
{
    uint64_t lo = (m & 0xffffffffu) * f;
    uint64_t mid = (m >> 32) * f + (lo >> 32);
    uint32_t t[3] = { (uint32_t)lo, (uint32_t)mid, (uint32_t)(mid >> 32) };
    int q = shift / 32, r = shift % 32;
    uint64_t carry = 0;
    for (int i = q; i < BIG_LIMBS; i++) {
        uint64_t lower = i - q < 3 ? (uint64_t)t[i - q] << r : 0;
        uint64_t upper = i - q - 1 >= 0 && i - q - 1 < 3
                       ? ((uint64_t)t[i - q - 1] << r) >> 32 : 0;
        uint64_t s = (uint64_t)a->limb[i] + (uint32_t)lower + upper + carry;
        a->limb[i] = (uint32_t)s;
        carry = s >> 32;
    }
}

static int big_cmp(const big *a, const big *b)
{
    for (int i = BIG_LIMBS - 1; i >= 0; i--)
        if (a->limb[i] != b->limb[i])
            return a->limb[i] < b->limb[i] ? -1 : 1;
    return 0;
}

static void split_float(float v, int64_t *m, int *e)
{
    float frac = frexpf(v, e);              /* v = frac * 2^e */
    *m = (int64_t)ldexpf(frac, 24);         /* |m| < 2^24, exact */
    *e -= 24;
}

static int exact_side(int64_t a, float b, int64_t k, const ql_layer *L)
{
    int64_t mx, mw, my, mb;
    int ex, ew, ey, eb;
    split_float(L->x_q.scale, &mx, &ex);
    split_float(L->w_q.scale, &mw, &ew);
    split_float(L->y_q.scale, &my, &ey);
    split_float(b, &mb, &eb);
    uint64_t mag[3] = { (uint64_t)(a < 0 ? -a : a) * (uint64_t)mx,
                        (uint64_t)(mb < 0 ? -mb : mb),
                        (uint64_t)(2 * k + 1 < 0 ? -(2 * k + 1) : 2 * k + 1)
                            * (uint64_t)my };
    uint32_t fac[3] = { (uint32_t)mw, 1, 1 };
    int sign[3] = { a < 0 ? -1 : 1, mb < 0 ? -1 : 1, 2 * k + 1 < 0 ? 1 : -1 };
    int exp2[3] = { ex + ew + 1, eb + 1, ey };
    big pos, neg;
    int emin = INT32_MAX;
    memset(&pos, 0, sizeof pos);
    memset(&neg, 0, sizeof neg);
    for (int t = 0; t < 3; t++)
        if (mag[t] != 0 && exp2[t] < emin)
            emin = exp2[t];
    for (int t = 0; t < 3; t++)
        if (mag[t] != 0)
            big_add_term(sign[t] > 0 ? &pos : &neg, mag[t], fac[t],
                         exp2[t] - emin);
    return big_cmp(&pos, &neg);
}

static uint8_t exact_output(int64_t a, float b, const ql_layer *L)
{
    int64_t zy = L->y_q.zero_point, lo = -zy - 1, hi = 255 - zy;
    if (exact_side(a, b, hi, L) > 0)
        return 255;                 /* above hi + 1/2: clamps high */
    while (lo < hi) {               /* invariant: D_hi <= 0 */
        int64_t mid = lo + (hi - lo) / 2;
        if (exact_side(a, b, mid, L) > 0) lo = mid + 1; else hi = mid;
    }
    int64_t r = hi;
    if (exact_side(a, b, r, L) == 0 && r % 2 != 0)
        r += 1;                     /* exactly r + 1/2: to even */
    r += zy;
    return (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);
}

static void run_exact(const ql_layer *L, uint8_t *y)
{
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++)
            y[i * L->n + j] = exact_output(ql_acc_exact(L, i, j),
                                           L->bias ? L->bias[j] : 0.0f, L);
}

static const ql_engine engine_table[] = {
    { "qnnpack", "PyTorch 1.13 QNNPACK: int32 bias, fl(fl(Sw*Sx)*fl(1/Sy))",
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

float ql_multiplier_onednn(float sx, float sw, float sy)
{
    float src = (float)(1.0 / (double)sx), wei = (float)(1.0 / (double)sw);
    float dst = (float)(1.0 / (double)sy);
    return dst / (src * wei);
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

void ql_reader_init(ql_reader *r, FILE *in, const char *name)
{
    r->in = in;
    r->name = name;
    r->line = 1;
    r->c = getc(in);
    r->tok[0] = '\0';
    r->tok_line = 0;
    r->start_line = 0;
    r->err[0] = '\0';
}

static int fail(ql_reader *r, long line, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(r->err, sizeof r->err, "%s:%ld: ", r->name, line);
    va_start(ap, fmt);
    vsnprintf(r->err + n, sizeof r->err - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static void advance(ql_reader *r)
{
    if (r->c == '\n')
        r->line++;
    r->c = getc(r->in);
}

static int next_token(ql_reader *r)
{
    size_t len = 0;
    for (;;) {
        while (r->c != EOF && isspace(r->c))
            advance(r);
        if (r->c != '#')
            break;
        while (r->c != EOF && r->c != '\n')
            advance(r);
    }
    if (r->c == EOF)
        return ferror(r->in) ? fail(r, r->line, "read error") : 0;
    r->tok_line = r->line;
    while (r->c != EOF && !isspace(r->c) && r->c != '#') {
        if (r->c < 0x21 || r->c > 0x7e)
            return fail(r, r->line, "unexpected byte 0x%02x", r->c);
        if (len == QL_MAX_TOKEN)
            return fail(r, r->line, "token longer than %d characters",
                        QL_MAX_TOKEN);
        r->tok[len++] = (char)r->c;
        advance(r);
    }
    r->tok[len] = '\0';
    return 1;
}

static int parse_int(ql_reader *r, const char *what, long lo, long hi,
                     long *out)
{
    char *end;
    errno = 0;
    long v = strtol(r->tok, &end, 10);
    if (*end != '\0' || end == r->tok)
        return fail(r, r->tok_line, "%s: expected an integer, found '%s'",
                    what, r->tok);
    if (errno == ERANGE || v < lo || v > hi)
        return fail(r, r->tok_line, "%s %s out of range [%ld, %ld]",
                    what, r->tok, lo, hi);
    *out = v;
    return 1;
}

static int read_int(ql_reader *r, const char *what, long lo, long hi,
                    long *out)
{
    int t = next_token(r);
    return t <= 0 ? t : parse_int(r, what, lo, hi, out);
}

static int required(ql_reader *r, int t, const char *what)
{
    return t == 0 ? fail(r, r->line, "missing %s at end of input", what)
                  : t;
}

static int parse_float(ql_reader *r, const char *what, float *out)
{
    char *end;
    double d = strtod(r->tok, &end);
    if (*end != '\0' || end == r->tok)
        return fail(r, r->tok_line, "%s: expected a number, found '%s'",
                    what, r->tok);
    if (!isfinite(d) || fabs(d) > FLT_MAX)
        return fail(r, r->tok_line, "%s %s is not a finite float32",
                    what, r->tok);
    *out = (float)d;
    return 1;
}

static int read_float(ql_reader *r, const char *what, float *out)
{
    int t = next_token(r);
    return t <= 0 ? t : parse_float(r, what, out);
}

static int read_scale(ql_reader *r, const char *what, float *out)
{
    int t = read_float(r, what, out);
    if (t > 0 && !(*out > 0.0f && isnormal(*out)))
        return fail(r, r->tok_line,
                    "%s %s must be a positive normal float32", what, r->tok);
    return t;
}

void ql_layer_free(ql_layer *L)
{
    free(L->x);
    free(L->w);
    free(L->bias);
    L->x = NULL;
    L->w = NULL;
    L->bias = NULL;
}

static int is_keyword(const char *s)
{
    static const char *const word[] = { "layer", "input", "weight",
                                        "bias", "output" };
    for (size_t i = 0; i < sizeof word / sizeof word[0]; i++)
        if (strcmp(s, word[i]) == 0)
            return 1;
    return 0;
}

static int looks_numeric(const char *s)
{
    return isdigit((unsigned char)s[0])
           || ((s[0] == '-' || s[0] == '+' || s[0] == '.')
               && (isdigit((unsigned char)s[1]) || s[1] == '.'));
}

static int expect(ql_reader *r, const char *word)
{
    int t = next_token(r);
    if (t < 0)
        return t;
    if (t == 0)
        return fail(r, r->line, "expected '%s', found end of input",
                    word);
    if (strcmp(r->tok, word) != 0)
        return fail(r, r->tok_line, "expected '%s', found '%s'%s", word,
                    r->tok, looks_numeric(r->tok) ? " (too many values?)"
                                                  : "");
    return 1;
}

int ql_read_layer(ql_reader *r, ql_layer *L)
{
    long v[3];
    memset(L, 0, sizeof *L);
    int t = next_token(r);
    if (t <= 0)
        return t;
    if (strcmp(r->tok, "layer") != 0)
        return fail(r, r->tok_line, "expected 'layer', found '%s'",
                    r->tok);
    r->start_line = r->tok_line;
    static const char *const dim_name[3] = { "M", "K", "N" };
    for (int d = 0; d < 3; d++)
        if (required(r, read_int(r, dim_name[d], 1, QL_MAX_DIM, &v[d]),
                     dim_name[d]) < 0)
            return -1;
    if ((unsigned long)v[0] * (unsigned long)v[1] > QL_MAX_ELEMS
        || (unsigned long)v[2] * (unsigned long)v[1] > QL_MAX_ELEMS
        || (unsigned long)v[0] * (unsigned long)v[2] > QL_MAX_ELEMS)
        return fail(r, r->tok_line, "layer %ld %ld %ld is larger than %ld "
                    "elements per matrix", v[0], v[1], v[2], QL_MAX_ELEMS);
    L->m = (size_t)v[0];
    L->k = (size_t)v[1];
    L->n = (size_t)v[2];
    long *buf = malloc((L->m > L->n ? L->m : L->n) * L->k * sizeof *buf);
    L->x = malloc(L->m * L->k);
    L->w = malloc(L->n * L->k);
    if (!buf || !L->x || !L->w) {
        free(buf);
        ql_layer_free(L);
        return fail(r, r->line, "out of memory");
    }
    if ((t = read_qparams(r, "input", 0, 255, &L->x_q)) <= 0
        || (t = read_codes(r, "input", L->m * L->k, 0, 255, buf)) <= 0)
        goto bad;
    for (size_t i = 0; i < L->m * L->k; i++)
        L->x[i] = (uint8_t)buf[i];
    if ((t = read_qparams(r, "weight", -128, 127, &L->w_q)) <= 0
        || (t = read_codes(r, "weight", L->n * L->k, -128, 127, buf)) <= 0)
        goto bad;
    for (size_t i = 0; i < L->n * L->k; i++)
        L->w[i] = (int8_t)buf[i];
    free(buf);
    buf = NULL;
    if ((t = next_token(r)) <= 0) {
        if (t == 0)
            t = fail(r, r->line, "expected 'bias' or 'output', found end "
                     "of input");
        goto bad;
    }
    if (strcmp(r->tok, "bias") == 0) {
        if (!(L->bias = malloc(L->n * sizeof *L->bias))) {
            t = fail(r, r->tok_line, "out of memory");
            goto bad;
        }
        for (size_t j = 0; j < L->n; j++) {
            if ((t = next_token(r)) <= 0) {
                if (t == 0)
                    t = fail(r, r->line, "bias: expected %zu values, found %zu "
                             "before the end of input", L->n, j);
                goto bad;
            }
            if (is_keyword(r->tok)) {
                t = fail(r, r->tok_line, "bias: expected %zu values, found %zu "
                         "before '%s'", L->n, j, r->tok);
                goto bad;
            }
            if ((t = parse_float(r, "bias value", &L->bias[j])) < 0)
                goto bad;
        }
        if ((t = next_token(r)) <= 0) {
            if (t == 0)
                t = fail(r, r->line, "expected 'output', found end of input");
            goto bad;
        }
    }
    if (strcmp(r->tok, "output") != 0) {
        t = fail(r, r->tok_line, "expected 'output', found '%s'", r->tok);
        goto bad;
    }
    {
        long z;
        if (required(r, read_scale(r, "output scale", &L->y_q.scale),
                     "output scale") < 0
            || required(r, read_int(r, "output zero point", 0, 255, &z),
                        "output zero point") < 0)
            goto bad;
        L->y_q.zero_point = (int32_t)z;
    }
    return 1;
    bad:
    free(buf);
    ql_layer_free(L);
    return -1;
}

static int read_qparams(ql_reader *r, const char *word, long zlo,
                        long zhi, ql_qparams *p)
{
    char what[40];
    long z;
    int t = expect(r, word);
    if (t <= 0)
        return t;
    snprintf(what, sizeof what, "%s scale", word);
    if (required(r, read_scale(r, what, &p->scale), what) < 0)
        return -1;
    snprintf(what, sizeof what, "%s zero point", word);
    if (required(r, read_int(r, what, zlo, zhi, &z), what) < 0)
        return -1;
    p->zero_point = (int32_t)z;
    return 1;
}

static int read_codes(ql_reader *r, const char *what, size_t n,
                      long lo, long hi, long *buf)
{
    for (size_t i = 0; i < n; i++) {
        int t = next_token(r);
        if (t < 0)
            return t;
        if (t == 0)
            return fail(r, r->line, "%s: expected %zu values, found %zu "
                        "before the end of input", what, n, i);
        if (!looks_numeric(r->tok))
            return fail(r, r->tok_line, "%s: expected %zu values, found "
                        "%zu before '%s'", what, n, i, r->tok);
        if (parse_int(r, what, lo, hi, &buf[i]) < 0)
            return -1;
    }
    return 1;
}

static int rest_of_line_is_empty(ql_reader *r)
{
    while (r->c == ' ' || r->c == '\t' || r->c == '\r')
        advance(r);
    return r->c == '\n' || r->c == '#' || r->c == EOF;
}

int ql_read_observation(ql_reader *r, ql_scheme *sc, float **v,
                        size_t *n)
{
    long count, line;
    int t = next_token(r);
    *v = NULL;
    if (t <= 0)
        return t;
    line = r->tok_line;
    sc->symmetric = sc->reduce_range = 0;
    for (;;) {
        if (strcmp(r->tok, "symmetric") == 0 && !sc->symmetric)
            sc->symmetric = 1;
        else if (strcmp(r->tok, "reduce_range") == 0 && !sc->reduce_range)
            sc->reduce_range = 1;
        else
            break;
        if ((t = next_token(r)) < 0)
            return t;
        if (t == 0 || r->tok_line != line)
            return fail(r, line, "missing dtype");
    }
    if (strcmp(r->tok, "quint8") == 0)
        sc->dtype = QL_QUINT8;
    else if (strcmp(r->tok, "qint8") == 0)
        sc->dtype = QL_QINT8;
    else
        return fail(r, line, "expected quint8 or qint8, found '%s'", r->tok);
    if (sc->symmetric && sc->reduce_range && sc->dtype == QL_QUINT8)
        return fail(r, line, "PyTorch cannot reduce the range of a "
                    "symmetric quint8 observer");
    if ((t = next_token(r)) < 0)
        return t;
    if (t == 0 || r->tok_line != line)
        return fail(r, line, "missing count");
    if (parse_int(r, "count", 0, QL_MAX_ELEMS, &count) < 0)
        return -1;
    if (read_line_values(r, line, (size_t)count, v) < 0)
        return -1;
    *n = (size_t)count;
    return 1;
}

static int read_line_values(ql_reader *r, long line, size_t n, float **v)
{
    if (!(*v = malloc((n ? n : 1) * sizeof **v)))
        return fail(r, line, "out of memory");
    for (size_t i = 0; i < n; i++) {
        int t = next_token(r);
        if (t == 0 || (t > 0 && r->tok_line != line))
            t = fail(r, line, "expected %zu values, found %zu", n, i);
        else if (t > 0)
            t = parse_float(r, "value", &(*v)[i]);
        if (t < 0) {
            free(*v);
            *v = NULL;
            return -1;
        }
    }
    if (!rest_of_line_is_empty(r)) {
        free(*v);
        *v = NULL;
        return fail(r, line, "more than %zu values", n);
    }
    return 1;
}

int ql_read_quantize(ql_reader *r, ql_dtype *t, ql_qparams *p, float **v,
                     size_t *n)
{
    long z, count, line;
    int k = next_token(r);
    *v = NULL;
    if (k <= 0)
        return k;
    line = r->tok_line;
    if (strcmp(r->tok, "quint8") != 0 && strcmp(r->tok, "qint8") != 0)
        return fail(r, line, "expected quint8 or qint8, found '%s'",
                    r->tok);
    *t = strcmp(r->tok, "quint8") == 0 ? QL_QUINT8 : QL_QINT8;
    if (required(r, read_scale(r, "scale", &p->scale), "scale") < 0
        || required(r, read_int(r, "zero point", *t == QL_QUINT8 ? 0 : -128,
                                *t == QL_QUINT8 ? 255 : 127, &z),
                    "zero point") < 0
        || required(r, read_int(r, "count", 0, QL_MAX_ELEMS, &count),
                    "count") < 0)
        return -1;
    if (r->tok_line != line)
        return fail(r, line, "a quantize case must fit on one line");
    p->zero_point = (int32_t)z;
    if (read_line_values(r, line, (size_t)count, v) < 0)
        return -1;
    *n = (size_t)count;
    return 1;
}

int ql_read_outputs(ql_reader *r, size_t n, uint8_t *y)
{
    for (size_t i = 0; i < n; i++) {
        long v;
        int t = read_int(r, "output", 0, 255, &v);
        if (t < 0)
            return t;
        if (t == 0)
            return i == 0 ? 0 : fail(r, r->line, "expected %zu outputs, "
                                     "found %zu", n, i);
        y[i] = (uint8_t)v;
    }
    return 1;
}

int ql_compare_corpus(const char *layers, const char *expected,
                      ql_run_fn run, unsigned flags, ql_corpus_stats *st)
{
    FILE *fl = fopen(layers, "r"), *fe = fopen(expected, "r");
    ql_reader rl, re;
    ql_layer L;
    int t = -1;
    memset(st, 0, sizeof *st);
    if (!fl || !fe) {
        snprintf(st->detail, sizeof st->detail, "cannot open %s",
                 fl ? expected : layers);
        goto done;
    }
    ql_reader_init(&rl, fl, layers);
    ql_reader_init(&re, fe, expected);
    while ((t = ql_read_layer(&rl, &L)) > 0) {
        size_t n = L.m * L.n, bad = 0;
        uint8_t *want = malloc(n), *got = malloc(n);
        if (!want || !got || (t = ql_read_outputs(&re, n, want)) <= 0) {
            snprintf(st->detail, sizeof st->detail, "%s",
                     !want || !got ? "out of memory"
                     : t == 0 ? "expected outputs end early" : re.err);
            t = -1;
        } else if ((flags & QL_SKIP_BIAS) && L.bias) {
            st->skipped++;
        } else {
            run(&L, got);
            for (size_t i = 0; i < n; i++)
                if (got[i] != want[i] && bad++ == 0 && !st->first_bad) {
                    st->first_bad = st->layers + st->skipped + 1;
                    snprintf(st->detail, sizeof st->detail,
                             "layer %zu (line %ld), output %zu: got %d, want %d",
                             st->layers + st->skipped + 1, rl.tok_line, i, got[i],
                             want[i]);
                }
            st->layers++;
            st->outputs += n;
            st->bad_outputs += bad;
            st->bad_layers += bad != 0;
        }
        free(want);
        free(got);
        ql_layer_free(&L);
        if (t < 0)
            break;
    }
    if (t < 0 && !st->detail[0])
        snprintf(st->detail, sizeof st->detail, "%s", rl.err);
done:
    if (fl) fclose(fl);
    if (fe) fclose(fe);
    return t < 0 ? -1 : 0;
}

