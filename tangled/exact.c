/* exact.c: the exact reference -- the output of a layer computed
   from the rational values of its scales, without float rounding.
   Tangled from qlinear.nw: edit that, not this file. */
#include <float.h>
#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "qlinear needs FLT_EVAL_METHOD == 0 (SSE2, NEON, ...)"
#endif
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif
#include <math.h>
#include <string.h>
#include "qlinear.h"
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

static int exact_side(int64_t a, float b, int64_t k, const ql_layer *L,
                      float sw)
{
    int64_t mx, mw, my, mb;
    int ex, ew, ey, eb;
    split_float(L->x_q.scale, &mx, &ex);
    split_float(sw, &mw, &ew);
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

uint8_t ql_exact_output(int64_t a, float b, const ql_layer *L, size_t j)
{
    int64_t zy = L->y_q.zero_point, lo = -zy - 1, hi = 255 - zy;
    float sw = ql_weight_q(L, j).scale;     /* row j's, if per channel */
    if (exact_side(a, b, hi, L, sw) > 0)
        return 255;                 /* above hi + 1/2: clamps high */
    while (lo < hi) {               /* invariant: D_hi <= 0 */
        int64_t mid = lo + (hi - lo) / 2;
        if (exact_side(a, b, mid, L, sw) > 0) lo = mid + 1; else hi = mid;
    }
    int64_t r = hi;
    if (exact_side(a, b, r, L, sw) == 0 && r % 2 != 0)
        r += 1;                     /* exactly r + 1/2: to even */
    r += zy;
    return (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);
}

