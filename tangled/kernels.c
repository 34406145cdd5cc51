/* kernels.c: the fast kernels -- packing, microkernels, requantization
   sixteen outputs at a time, and the choice of kernel at run time.
   Tangled from qlinear.nw: edit that, not this file. */
#include <float.h>
#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "qlinear needs FLT_EVAL_METHOD == 0 (SSE2, NEON, ...)"
#endif
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif
#include <stdlib.h>
#include <string.h>
#include "qlinear.h"
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define QL_X86 1
#endif
struct ql_packed {
    const ql_kernel *kernel;
    const ql_engine *engine;
    int req, pairs;            /* requantization, accumulation */
    size_t m, k, n;
    size_t split, ga, groups;  /* see "packing" */
    int8_t *w;                 /* packed weights, or NULL */
    int64_t *colterm;          /* Z_x sum_k w_jk - K Z_x Z_w (- bias) */
    uint32_t *colterm32;       /* the same modulo 2^32 */
    float *fbias;              /* the bias as the engine adds it */
    float mult, zyf, top;      /* top: XNNPACK's 255 - Z_y */
    int32_t zy, lo;            /* lo: the lowest output, Z_y if fused */
    float lof;                 /* lo in float, for oneDNN's clamp */
};
typedef void ql_ukernel(size_t groups, const uint8_t *x, size_t ldx,
                        size_t mr, const int8_t *w, int32_t *c, int add);
typedef void ql_requantize16(const ql_packed *P, const int32_t *raw,
                             uint32_t rowterm, size_t j0, uint8_t *y);
struct ql_kernel_impl {
    int kind;                      /* KERNEL_REFERENCE, _OFFSETS, _PACKED */
    size_t mr, nr;                 /* tile of the microkernel */
    ql_ukernel *exact, *pairs;     /* one per accumulation */
    ql_requantize16 *requantize;
};
enum { KERNEL_REFERENCE, KERNEL_OFFSETS, KERNEL_PACKED };
enum { REQ_QNNPACK, REQ_FBGEMM, REQ_ONEDNN, REQ_EXACT, REQ_XNNPACK };
static const struct {
    const char *engine;
    int req, pairs, onednn_split;
} fast_engine[] = {
    { "qnnpack", REQ_QNNPACK, 0, 0 },  { "fbgemm", REQ_FBGEMM, 0, 0 },
    { "fbgemm-avx2", REQ_FBGEMM, 1, 0 }, { "onednn", REQ_ONEDNN, 0, 0 },
    { "onednn-avx2", REQ_ONEDNN, 1, 1 }, { "exact", REQ_EXACT, 0, 0 },
    { "xnnpack", REQ_XNNPACK, 0, 0 },
};

static int fast_engine_index(const ql_engine *e)
{
    for (size_t i = 0; i < sizeof fast_engine / sizeof fast_engine[0]; i++)
        if (strcmp(fast_engine[i].engine, e->name) == 0)
            return (int)i;
    return -1;
}

static void column_terms(ql_packed *P, const ql_layer *L, size_t ncols)
{
    int64_t zx = L->x_q.zero_point, zw = L->w_q.zero_point;
    float sx = L->x_q.scale, sw = L->w_q.scale;
    float bscale = (float)(1.0 / (double)sx) * (float)(1.0 / (double)sw);
    for (size_t j = 0; j < ncols; j++) {
        int64_t col = 0;
        for (size_t kk = 0; j < L->n && kk < L->k; kk++)
            col += L->w[j * L->k + kk];
        P->colterm[j] = zx * col - (int64_t)L->k * zx * zw;
        P->fbias[j] = 0.0f;
        if (j < L->n && L->bias)
            switch (P->req) {
            case REQ_QNNPACK:
                P->colterm[j] -= ql_qnnpack_bias(L->bias[j], sx, sw); break;
            case REQ_FBGEMM:
                P->fbias[j] = ql_fbgemm_bias(L->bias[j], sx, sw); break;
            case REQ_ONEDNN:
                P->fbias[j] = L->bias[j] * bscale; break;
            default:
                P->fbias[j] = L->bias[j];
            }
    }
}

static inline int32_t wrap_u32(uint32_t u)
{
    return u <= (uint32_t)INT32_MAX
           ? (int32_t)u : (int32_t)(u - 0x80000000u) - INT32_MAX - 1;
}

static int32_t raw_term(const ql_packed *P, const uint8_t *x,
                        const int8_t *w)
{
    int32_t s = 0;
    for (size_t kk = 0; kk < P->k && !P->pairs; kk++)
        s += x[kk] * w[kk];
    for (size_t kk = 0; kk < P->k && P->pairs; kk += 2) {
        size_t end = kk < P->split ? P->split : P->k;
        int32_t pair = x[kk] * w[kk];
        if (kk + 1 < end)
            pair += x[kk + 1] * w[kk + 1];
        else
            kk--;                        /* the next pair starts at end */
        s += ql_sat16(pair);
    }
    return s;
}

static inline float rne_small(float t)   /* |t| <= 2^22 */
{
    return (t + 0x1.8p23f) - 0x1.8p23f;
}

static inline uint8_t requantize_x86_nobranch(float v, int32_t zy,
                                              int32_t lo)
{
    float t = v >= -0x1p31f && v < 0x1p31f ? v : -32768.0f;
    t = t < -32768.0f ? -32768.0f : t;
    t = t > 32767.0f ? 32767.0f : t;
    int32_t r = (int32_t)rne_small(t) + zy;
    return (uint8_t)(r < lo ? lo : r > 255 ? 255 : r);
}

static inline uint8_t clamp_round_u8(float d, float lo)   /* oneDNN */
{
    d = d < lo ? lo : d > 255.0f ? 255.0f : d;
    return (uint8_t)(int32_t)rne_small(d);
}

static inline __attribute__((always_inline)) void
requantize16(const ql_packed *P, const int32_t *raw, uint32_t rowterm,
             size_t j0, uint8_t *y)
{
    int32_t a[16];
    const uint32_t *ct = P->colterm32 + j0;
    const float *fb = P->fbias + j0;
    for (size_t t = 0; t < 16; t++)
        a[t] = wrap_u32((uint32_t)raw[t] - rowterm - ct[t]);
    if (P->req == REQ_QNNPACK)
        for (size_t t = 0; t < 16; t++)
            y[t] = requantize_x86_nobranch((float)a[t] * P->mult, P->zy,
                                           P->lo);
    else if (P->req == REQ_FBGEMM)
        for (size_t t = 0; t < 16; t++)
            y[t] = requantize_x86_nobranch(((float)a[t] + fb[t]) * P->mult,
                                           P->zy, P->lo);
    else if (P->req == REQ_XNNPACK)
        for (size_t t = 0; t < 16; t++) {
            float v = (float)a[t] * P->mult;
            y[t] = requantize_x86_nobranch(v < P->top ? v : P->top, P->zy,
                                           P->lo);
        }
    else
        for (size_t t = 0; t < 16; t++)
            y[t] = clamp_round_u8(((float)a[t] + fb[t]) * P->mult + P->zyf,
                                  P->lof);
}

static void requantize16_c(const ql_packed *P, const int32_t *raw,
                           uint32_t rowterm, size_t j0, uint8_t *y)
{
    requantize16(P, raw, rowterm, j0, y);
}

static void finish_row(const ql_packed *P, const ql_layer *L,
                       const int32_t *raw, int64_t rowterm, size_t j0,
                       size_t nc, uint8_t *y)
{
    if (P->req == REQ_EXACT) {
        for (size_t t = 0; t < nc; t++) {
            uint8_t q = ql_exact_output((int64_t)raw[t] - rowterm
                                        - P->colterm[j0 + t],
                                        P->fbias[j0 + t], L, j0 + t);
            y[t] = q < P->lo ? (uint8_t)P->lo : q;
        }
        return;
    }
    for (size_t t = 0; t < nc; t += 16) {
        uint8_t out[16];
        P->kernel->impl->requantize(P, raw + t, (uint32_t)rowterm, j0 + t,
                                    out);
        memcpy(y + t, out, nc - t < 16 ? nc - t : 16);
    }
}

static int run_offsets(const ql_packed *P, const ql_layer *L, uint8_t *y,
                       const int64_t *rowterm)
{
    size_t np = (L->n + 15) / 16 * 16;
    int32_t *raw = calloc(np, sizeof *raw);
    if (!raw)
        return -1;
    for (size_t i = 0; i < L->m; i++) {
        for (size_t j = 0; j < L->n; j++)
            raw[j] = raw_term(P, L->x + i * L->k, L->w + j * L->k);
        finish_row(P, L, raw, rowterm[i], 0, L->n, y + i * L->n);
    }
    free(raw);
    return 0;
}

static long packed_k(const ql_packed *P, size_t p)
{
    if (p < 4 * P->ga)
        return p < P->split ? (long)p : -1;
    p = p - 4 * P->ga + P->split;
    return p < P->k ? (long)p : -1;
}

static void pack_weights(ql_packed *P, const ql_layer *L, size_t nr,
                         size_t nb)
{
    for (size_t b = 0; b < nb; b++)
        for (size_t g = 0; g < P->groups; g++)
            for (size_t c = 0; c < nr; c++)
                for (size_t t = 0; t < 4; t++) {
                    size_t j = b * nr + c;
                    long kk = packed_k(P, 4 * g + t);
                    P->w[((b * P->groups + g) * nr + c) * 4 + t] =
                        j < L->n && kk >= 0 ? L->w[j * L->k + (size_t)kk]
                                            : 0;
                }
}

static void pack_inputs(const ql_packed *P, const ql_layer *L,
                        uint8_t *xp, size_t ldx, int64_t *rowterm)
{
    memset(xp, 0, L->m * ldx);
    for (size_t i = 0; i < L->m; i++) {
        const uint8_t *x = L->x + i * L->k;
        int64_t row = 0;
        memcpy(xp + i * ldx, x, P->split);
        memcpy(xp + i * ldx + 4 * P->ga, x + P->split, L->k - P->split);
        for (size_t kk = 0; kk < L->k && L->w_q.zero_point != 0; kk++)
            row += x[kk];
        rowterm[i] = (int64_t)L->w_q.zero_point * row;
    }
}

static inline int32_t dot4_exact(int32_t acc, const uint8_t *x,
                                 const int8_t *w)
{
    return acc + x[0] * w[0] + x[1] * w[1] + x[2] * w[2] + x[3] * w[3];
}

static inline int32_t dot4_pairs(int32_t acc, const uint8_t *x,
                                 const int8_t *w)
{
    return acc + ql_sat16(x[0] * w[0] + x[1] * w[1])
               + ql_sat16(x[2] * w[2] + x[3] * w[3]);
}

enum { C_MR = 4, C_NR = 16 };
static void ukernel_c_exact(size_t groups, const uint8_t *x, size_t ldx,
                            size_t mr, const int8_t *w, int32_t *c, int add)
{
#define DOT4 dot4_exact
    for (size_t r = 0; r < mr; r++) {
        int32_t acc[C_NR];
        for (size_t j = 0; j < C_NR; j++)
            acc[j] = add ? c[r * C_NR + j] : 0;
        for (size_t g = 0; g < groups; g++)
            for (size_t j = 0; j < C_NR; j++)
                acc[j] = DOT4(acc[j], x + r * ldx + 4 * g, w + (g * C_NR + j) * 4);
        memcpy(c + r * C_NR, acc, sizeof acc);
    }
#undef DOT4
}

static void ukernel_c_pairs(size_t groups, const uint8_t *x, size_t ldx,
                            size_t mr, const int8_t *w, int32_t *c, int add)
{
#define DOT4 dot4_pairs
    for (size_t r = 0; r < mr; r++) {
        int32_t acc[C_NR];
        for (size_t j = 0; j < C_NR; j++)
            acc[j] = add ? c[r * C_NR + j] : 0;
        for (size_t g = 0; g < groups; g++)
            for (size_t j = 0; j < C_NR; j++)
                acc[j] = DOT4(acc[j], x + r * ldx + 4 * g, w + (g * C_NR + j) * 4);
        memcpy(c + r * C_NR, acc, sizeof acc);
    }
#undef DOT4
}

enum { KC = 64 };
static void run_blocks(const ql_packed *P, const ql_layer *L,
                       const uint8_t *xp, size_t ldx, size_t mp,
                       const int64_t *rowterm, int32_t *cbuf, uint8_t *y)
{
    const struct ql_kernel_impl *K = P->kernel->impl;
    ql_ukernel *uk = P->pairs ? K->pairs : K->exact;
    size_t mr = K->mr, nr = K->nr, nb = (L->n + nr - 1) / nr;
    for (size_t b = 0; b < nb; b++) {
        const int8_t *wb = P->w + b * P->groups * nr * 4;
        size_t j0 = b * nr, nc = L->n - j0 < nr ? L->n - j0 : nr;
        for (size_t g = 0; g < P->groups; g += KC) {
            size_t gn = P->groups - g < KC ? P->groups - g : KC;
            for (size_t i = 0; i < mp; i += mr)
                uk(gn, xp + i * ldx + 4 * g, ldx, L->m - i < mr ? L->m - i
                   : mr, wb + g * nr * 4, cbuf + i * nr, g > 0);
        }
        for (size_t i = 0; i < L->m; i++)
            finish_row(P, L, cbuf + i * nr, rowterm[i], j0, nc,
                       y + i * L->n + j0);
    }
}

static inline int32_t load4(const uint8_t *p)
{
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static int always(void)
{
    return 1;
}

static const struct ql_kernel_impl
    impl_reference = { KERNEL_REFERENCE, 0, 0, NULL, NULL, NULL },
    impl_offsets = { KERNEL_OFFSETS, 0, 0, NULL, NULL, requantize16_c },
    impl_portable = { KERNEL_PACKED, C_MR, C_NR, ukernel_c_exact,
                      ukernel_c_pairs, requantize16_c };
#ifdef QL_X86
#define QL_AVX2 __attribute__((target("avx2")))
static inline QL_AVX2 __m256i dot4_avx2_pairs(__m256i acc, __m256i x4,
                                              __m256i w)
{
    __m256i pairs = _mm256_maddubs_epi16(x4, w);       /* saturates */
    return _mm256_add_epi32(acc,
                            _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
}

static inline QL_AVX2 __m256i dot4_avx2_exact(__m256i acc, __m256i x4,
                                              __m256i w)
{
    __m256i lo = _mm256_set1_epi16(0x00ff), one = _mm256_set1_epi16(1);
    __m256i even = _mm256_and_si256(x4, lo);      /* x0, 0, x2, 0 */
    __m256i odd = _mm256_andnot_si256(lo, x4);    /* 0, x1, 0, x3 */
    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(
              _mm256_maddubs_epi16(even, w), one));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(
              _mm256_maddubs_epi16(odd, w), one));
}

enum { AVX2_MR = 4, AVX2_NR = 16 };
#define QL_INLINE static inline __attribute__((always_inline))
QL_INLINE QL_AVX2 void avx2_rows_exact(size_t groups, const uint8_t *x,
    size_t ldx, const int8_t *w, int32_t *c, int add, const size_t ROWS)
{
#define DOT4 dot4_avx2_exact
    __m256i acc[AVX2_MR][2];
    _Pragma("GCC unroll 4")
    for (size_t r = 0; r < ROWS; r++)
        acc[r][0] = acc[r][1] = _mm256_setzero_si256();
    for (size_t g = 0; g < groups; g++) {
        __m256i w0 = _mm256_loadu_si256((const __m256i *)(w + g * 64));
        __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + g * 64 + 32));
        _Pragma("GCC unroll 4")
        for (size_t r = 0; r < ROWS; r++) {
            __m256i xb = _mm256_set1_epi32(load4(x + r * ldx + 4 * g));
            acc[r][0] = DOT4(acc[r][0], xb, w0);
            acc[r][1] = DOT4(acc[r][1], xb, w1);
        }
    }
    _Pragma("GCC unroll 4")
    for (size_t r = 0; r < ROWS; r++)
        for (int v = 0; v < 2; v++) {
            __m256i *p = (__m256i *)(c + r * AVX2_NR + 8 * v);
            __m256i s = acc[r][v];
            if (add)
                s = _mm256_add_epi32(s, _mm256_loadu_si256(p));
            _mm256_storeu_si256(p, s);
        }
#undef DOT4
}

QL_INLINE QL_AVX2 void avx2_rows_pairs(size_t groups, const uint8_t *x,
    size_t ldx, const int8_t *w, int32_t *c, int add, const size_t ROWS)
{
#define DOT4 dot4_avx2_pairs
    __m256i acc[AVX2_MR][2];
    _Pragma("GCC unroll 4")
    for (size_t r = 0; r < ROWS; r++)
        acc[r][0] = acc[r][1] = _mm256_setzero_si256();
    for (size_t g = 0; g < groups; g++) {
        __m256i w0 = _mm256_loadu_si256((const __m256i *)(w + g * 64));
        __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + g * 64 + 32));
        _Pragma("GCC unroll 4")
        for (size_t r = 0; r < ROWS; r++) {
            __m256i xb = _mm256_set1_epi32(load4(x + r * ldx + 4 * g));
            acc[r][0] = DOT4(acc[r][0], xb, w0);
            acc[r][1] = DOT4(acc[r][1], xb, w1);
        }
    }
    _Pragma("GCC unroll 4")
    for (size_t r = 0; r < ROWS; r++)
        for (int v = 0; v < 2; v++) {
            __m256i *p = (__m256i *)(c + r * AVX2_NR + 8 * v);
            __m256i s = acc[r][v];
            if (add)
                s = _mm256_add_epi32(s, _mm256_loadu_si256(p));
            _mm256_storeu_si256(p, s);
        }
#undef DOT4
}

#define ROWS_FN avx2_rows_exact
static QL_AVX2 void ukernel_avx2_exact(size_t groups, const uint8_t *x,
    size_t ldx, size_t mr, const int8_t *w, int32_t *c, int add)
{
    switch (mr) {
    case 1: ROWS_FN(groups, x, ldx, w, c, add, 1); break;
    case 2: ROWS_FN(groups, x, ldx, w, c, add, 2); break;
    case 3: ROWS_FN(groups, x, ldx, w, c, add, 3); break;
    default: ROWS_FN(groups, x, ldx, w, c, add, 4); break;
    }
}
#undef ROWS_FN
#define ROWS_FN avx2_rows_pairs
static QL_AVX2 void ukernel_avx2_pairs(size_t groups, const uint8_t *x,
    size_t ldx, size_t mr, const int8_t *w, int32_t *c, int add)
{
    switch (mr) {
    case 1: ROWS_FN(groups, x, ldx, w, c, add, 1); break;
    case 2: ROWS_FN(groups, x, ldx, w, c, add, 2); break;
    case 3: ROWS_FN(groups, x, ldx, w, c, add, 3); break;
    default: ROWS_FN(groups, x, ldx, w, c, add, 4); break;
    }
}
#undef ROWS_FN

#define QL_AVX512 __attribute__((target("avx512f,avx512bw,avx512vnni")))
static inline QL_AVX512 __m512i dot4_vnni(__m512i acc, __m512i x4,
                                          __m512i w)
{
    return _mm512_dpbusd_epi32(acc, x4, w);
}

static inline QL_AVX512 __m512i dot4_avx512_pairs(__m512i acc, __m512i x4,
                                                  __m512i w)
{
    __m512i pairs = _mm512_maddubs_epi16(x4, w);       /* saturates */
    return _mm512_add_epi32(acc,
                            _mm512_madd_epi16(pairs, _mm512_set1_epi16(1)));
}

enum { V_MR = 6, V_NV = 4, V_NR = 64 };
QL_INLINE QL_AVX512 void vnni_rows_exact(size_t groups, const uint8_t *x,
    size_t ldx, const int8_t *w, int32_t *c, int add, const size_t ROWS)
{
#define DOT4 dot4_vnni
    __m512i acc[V_MR][V_NV];
    _Pragma("GCC unroll 6")
    for (size_t r = 0; r < ROWS; r++)
        _Pragma("GCC unroll 4")
        for (int v = 0; v < V_NV; v++)
            acc[r][v] = _mm512_setzero_si512();
    for (size_t g = 0; g < groups; g++) {
        __m512i wv[V_NV];
        _Pragma("GCC unroll 4")
        for (int v = 0; v < V_NV; v++)
            wv[v] = _mm512_loadu_si512(w + g * 256 + 64 * v);
        _Pragma("GCC unroll 6")
        for (size_t r = 0; r < ROWS; r++) {
            __m512i xb = _mm512_set1_epi32(load4(x + r * ldx + 4 * g));
            _Pragma("GCC unroll 4")
            for (int v = 0; v < V_NV; v++)
                acc[r][v] = DOT4(acc[r][v], xb, wv[v]);
        }
    }
    _Pragma("GCC unroll 6")
    for (size_t r = 0; r < ROWS; r++)
        _Pragma("GCC unroll 4")
        for (int v = 0; v < V_NV; v++) {
            int32_t *p = c + r * V_NR + 16 * v;
            __m512i s = acc[r][v];
            if (add)
                s = _mm512_add_epi32(s, _mm512_loadu_si512(p));
            _mm512_storeu_si512(p, s);
        }
#undef DOT4
}

QL_INLINE QL_AVX512 void vnni_rows_pairs(size_t groups, const uint8_t *x,
    size_t ldx, const int8_t *w, int32_t *c, int add, const size_t ROWS)
{
#define DOT4 dot4_avx512_pairs
    __m512i acc[V_MR][V_NV];
    _Pragma("GCC unroll 6")
    for (size_t r = 0; r < ROWS; r++)
        _Pragma("GCC unroll 4")
        for (int v = 0; v < V_NV; v++)
            acc[r][v] = _mm512_setzero_si512();
    for (size_t g = 0; g < groups; g++) {
        __m512i wv[V_NV];
        _Pragma("GCC unroll 4")
        for (int v = 0; v < V_NV; v++)
            wv[v] = _mm512_loadu_si512(w + g * 256 + 64 * v);
        _Pragma("GCC unroll 6")
        for (size_t r = 0; r < ROWS; r++) {
            __m512i xb = _mm512_set1_epi32(load4(x + r * ldx + 4 * g));
            _Pragma("GCC unroll 4")
            for (int v = 0; v < V_NV; v++)
                acc[r][v] = DOT4(acc[r][v], xb, wv[v]);
        }
    }
    _Pragma("GCC unroll 6")
    for (size_t r = 0; r < ROWS; r++)
        _Pragma("GCC unroll 4")
        for (int v = 0; v < V_NV; v++) {
            int32_t *p = c + r * V_NR + 16 * v;
            __m512i s = acc[r][v];
            if (add)
                s = _mm512_add_epi32(s, _mm512_loadu_si512(p));
            _mm512_storeu_si512(p, s);
        }
#undef DOT4
}

#define ROWS_FN vnni_rows_exact
static QL_AVX512 void ukernel_vnni_exact(size_t groups, const uint8_t *x,
    size_t ldx, size_t mr, const int8_t *w, int32_t *c, int add)
{
    switch (mr) {
    case 1: ROWS_FN(groups, x, ldx, w, c, add, 1); break;
    case 2: ROWS_FN(groups, x, ldx, w, c, add, 2); break;
    case 3: ROWS_FN(groups, x, ldx, w, c, add, 3); break;
    case 4: ROWS_FN(groups, x, ldx, w, c, add, 4); break;
    case 5: ROWS_FN(groups, x, ldx, w, c, add, 5); break;
    default: ROWS_FN(groups, x, ldx, w, c, add, 6); break;
    }
}
#undef ROWS_FN
#define ROWS_FN vnni_rows_pairs
static QL_AVX512 void ukernel_vnni_pairs(size_t groups, const uint8_t *x,
    size_t ldx, size_t mr, const int8_t *w, int32_t *c, int add)
{
    switch (mr) {
    case 1: ROWS_FN(groups, x, ldx, w, c, add, 1); break;
    case 2: ROWS_FN(groups, x, ldx, w, c, add, 2); break;
    case 3: ROWS_FN(groups, x, ldx, w, c, add, 3); break;
    case 4: ROWS_FN(groups, x, ldx, w, c, add, 4); break;
    case 5: ROWS_FN(groups, x, ldx, w, c, add, 5); break;
    default: ROWS_FN(groups, x, ldx, w, c, add, 6); break;
    }
}
#undef ROWS_FN

static QL_AVX512 void requantize16_avx512(const ql_packed *P,
    const int32_t *raw, uint32_t rowterm, size_t j0, uint8_t *y)
{
    __m512i a = _mm512_sub_epi32(
        _mm512_sub_epi32(_mm512_loadu_si512(raw),
                         _mm512_set1_epi32((int32_t)wrap_u32(rowterm))),
        _mm512_loadu_si512(P->colterm32 + j0));
    __m512 v = _mm512_cvtepi32_ps(a), mult = _mm512_set1_ps(P->mult);
    __m512i r;
    if (P->req != REQ_QNNPACK)
        v = _mm512_add_ps(v, _mm512_loadu_ps(P->fbias + j0));
    v = _mm512_mul_ps(v, mult);
    if (P->req == REQ_XNNPACK)
        v = _mm512_min_ps(v, _mm512_set1_ps(P->top));      /* v < top ? v : top */
    if (P->req == REQ_ONEDNN) {
        v = _mm512_add_ps(v, _mm512_set1_ps(P->zyf));
        v = _mm512_min_ps(_mm512_max_ps(v, _mm512_set1_ps(P->lof)),
                          _mm512_set1_ps(255.0f));
        r = _mm512_cvtps_epi32(v);
    } else {
        r = _mm512_cvtps_epi32(v);                         /* cvtps2dq */
        r = _mm512_min_epi32(_mm512_max_epi32(r, _mm512_set1_epi32(-32768)),
                             _mm512_set1_epi32(32767));    /* packs */
        r = _mm512_add_epi32(r, _mm512_set1_epi32(P->zy)); /* adds */
        r = _mm512_min_epi32(_mm512_max_epi32(r, _mm512_set1_epi32(P->lo)),
                             _mm512_set1_epi32(255));      /* packus, max Z_y */
    }
    _mm_storeu_si128((__m128i *)y, _mm512_cvtepi32_epi8(r));
}

static QL_AVX2 void requantize16_avx2(const ql_packed *P,
    const int32_t *raw, uint32_t rowterm, size_t j0, uint8_t *y)
{
    int32_t out[16];
    for (int h = 0; h < 16; h += 8) {
        __m256i a = _mm256_sub_epi32(
            _mm256_sub_epi32(_mm256_loadu_si256((const __m256i *)(raw + h)),
                             _mm256_set1_epi32((int32_t)wrap_u32(rowterm))),
            _mm256_loadu_si256((const __m256i *)(P->colterm32 + j0 + h)));
        __m256 v = _mm256_cvtepi32_ps(a);
        __m256i r;
        if (P->req != REQ_QNNPACK)
            v = _mm256_add_ps(v, _mm256_loadu_ps(P->fbias + j0 + h));
        v = _mm256_mul_ps(v, _mm256_set1_ps(P->mult));
        if (P->req == REQ_XNNPACK)
            v = _mm256_min_ps(v, _mm256_set1_ps(P->top));
        if (P->req == REQ_ONEDNN) {
            v = _mm256_add_ps(v, _mm256_set1_ps(P->zyf));
            v = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(P->lof)),
                              _mm256_set1_ps(255.0f));
            r = _mm256_cvtps_epi32(v);
        } else {
            r = _mm256_cvtps_epi32(v);
            r = _mm256_min_epi32(_mm256_max_epi32(r, _mm256_set1_epi32(-32768)),
                                 _mm256_set1_epi32(32767));
            r = _mm256_add_epi32(r, _mm256_set1_epi32(P->zy));
            r = _mm256_min_epi32(_mm256_max_epi32(r, _mm256_set1_epi32(P->lo)),
                                 _mm256_set1_epi32(255));
        }
        _mm256_storeu_si256((__m256i *)(out + h), r);
    }
    for (int t = 0; t < 16; t++)
        y[t] = (uint8_t)out[t];
}

static int has_avx2(void)
{
    return __builtin_cpu_supports("avx2");
}

static int has_avx512vnni(void)
{
    return __builtin_cpu_supports("avx512bw")
           && __builtin_cpu_supports("avx512vnni");
}

static const struct ql_kernel_impl
    impl_avx2 = { KERNEL_PACKED, AVX2_MR, AVX2_NR, ukernel_avx2_exact,
                  ukernel_avx2_pairs, requantize16_avx2 },
    impl_avx512 = { KERNEL_PACKED, V_MR, V_NR, ukernel_vnni_exact,
                    ukernel_vnni_pairs, requantize16_avx512 };
#endif
static const ql_kernel kernel_table[] = {
    { "reference", "the engine's own loops (the book's definition)",
      always, &impl_reference },
    { "offsets", "zero points hoisted into row and column offsets",
      always, &impl_offsets },
    { "portable", "packed weights, blocked, portable C primitive",
      always, &impl_portable },
#ifdef QL_X86
    { "avx2", "AVX2 vpmaddubsw+vpmaddwd, 4x16 register tile",
      has_avx2, &impl_avx2 },
    { "avx512vnni", "AVX-512 VNNI vpdpbusd (pairs: vpmaddubsw), 6x64 tile",
      has_avx512vnni, &impl_avx512 },
#endif
};

const ql_kernel *ql_kernels(size_t *count)
{
    *count = sizeof kernel_table / sizeof kernel_table[0];
    return kernel_table;
}

const ql_kernel *ql_find_kernel(const char *name)
{
    size_t n;
    const ql_kernel *k = ql_kernels(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(k[i].name, name) == 0)
            return &k[i];
    return NULL;
}

const char *ql_kernel_refuses(const ql_kernel *k, const ql_engine *e,
                              const ql_layer *L)
{
    if (k->impl->kind == KERNEL_REFERENCE)
        return NULL;
    if (fast_engine_index(e) < 0)
        return "no fast path for this engine";
    if (L && L->w_channel)
        return "no fast path for per-channel weights";
    if (!k->available())
        return "this CPU lacks the instructions";
    return NULL;
}

const ql_kernel *ql_best_kernel(const ql_engine *e, const ql_layer *L)
{
    size_t n;
    const ql_kernel *k = ql_kernels(&n);
    while (n > 1 && ql_kernel_refuses(&k[n - 1], e, L))
        n--;
    return &k[n - 1];
}

ql_packed *ql_pack(const ql_kernel *k, const ql_engine *e,
                   const ql_layer *L)
{
    int f = fast_engine_index(e);
    ql_packed *P = calloc(1, sizeof *P);
    if (!P || ql_kernel_refuses(k, e, L) || (e->refuses && e->refuses(L))) {
        free(P);
        return NULL;
    }
    P->kernel = k;
    P->engine = e;
    if (k->impl->kind == KERNEL_REFERENCE)
        return P;
    size_t nr = k->impl->nr ? k->impl->nr : 16;
    size_t nb = (L->n + nr - 1) / nr;
    P->req = fast_engine[f].req;
    P->pairs = fast_engine[f].pairs;
    P->m = L->m, P->k = L->k, P->n = L->n;
    P->split = fast_engine[f].onednn_split && L->k > 256 && L->k < 768
               ? (L->k + 1) / 2 : L->k;
    P->ga = (P->split + 3) / 4;
    P->groups = P->ga + (L->k - P->split + 3) / 4;
    P->colterm = malloc(nb * nr * sizeof *P->colterm);
    P->colterm32 = malloc(nb * nr * sizeof *P->colterm32);
    P->fbias = malloc(nb * nr * sizeof *P->fbias);
    if (k->impl->kind == KERNEL_PACKED)
        P->w = malloc(nb * P->groups * nr * 4);
    if (!P->colterm || !P->colterm32 || !P->fbias
        || (k->impl->kind == KERNEL_PACKED && !P->w)) {
        ql_packed_free(P);
        return NULL;
    }
    if (P->w)
        pack_weights(P, L, nr, nb);
    column_terms(P, L, nb * nr);
    for (size_t j = 0; j < nb * nr; j++)
        P->colterm32[j] = (uint32_t)P->colterm[j];
    P->zy = L->y_q.zero_point;
    P->zyf = (float)L->y_q.zero_point;
    P->lo = L->relu ? L->y_q.zero_point : 0;
    P->lof = (float)P->lo;
    P->top = (float)(255 - L->y_q.zero_point);
    P->mult = P->req == REQ_QNNPACK
              ? ql_multiplier_qnnpack(L->x_q.scale, L->w_q.scale, L->y_q.scale)
              : P->req == REQ_FBGEMM || P->req == REQ_XNNPACK
              ? ql_multiplier_fbgemm(L->x_q.scale, L->w_q.scale, L->y_q.scale)
              : ql_multiplier_onednn(L->x_q.scale, L->w_q.scale, L->y_q.scale);
    return P;
}

void ql_packed_free(ql_packed *P)
{
    if (P) {
        free(P->w);
        free(P->colterm);
        free(P->colterm32);
        free(P->fbias);
        free(P);
    }
}

int ql_packed_run(const ql_packed *P, const ql_layer *L, uint8_t *y)
{
    const struct ql_kernel_impl *K = P->kernel->impl;
    if (K->kind == KERNEL_REFERENCE) {
        P->engine->run(L, y);
        return 0;
    }
    size_t mr = K->mr ? K->mr : 1, ldx = 4 * P->groups;
    size_t mp = (L->m + mr - 1) / mr * mr, nr = K->nr ? K->nr : 16;
    uint8_t *xp = calloc(mp * ldx + 1, 1);     /* padding rows: zero */
    int64_t *rowterm = malloc(mp * sizeof *rowterm);
    int32_t *cbuf = malloc(mp * nr * sizeof *cbuf);
    int t = -1;
    if (xp && rowterm && cbuf) {
        pack_inputs(P, L, xp, ldx, rowterm);
        t = K->kind == KERNEL_OFFSETS ? run_offsets(P, L, y, rowterm) : 0;
        if (K->kind == KERNEL_PACKED)
            run_blocks(P, L, xp, ldx, mp, rowterm, cbuf, y);
    }
    free(xp);
    free(rowterm);
    free(cbuf);
    return t;
}

int ql_kernel_run(const ql_kernel *k, const ql_engine *e,
                  const ql_layer *L, uint8_t *y)
{
    ql_packed *P = ql_pack(k, e, L);
    int t = P ? ql_packed_run(P, L, y) : -1;
    ql_packed_free(P);
    return t;
}

