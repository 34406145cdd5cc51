/* Exercise 9: which accumulators give the code q.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=9 */
#include <math.h>
#include "qlinear.h"

void ex09_accumulators(float sx, float sw, float sy, int32_t zy, int32_t q,
                       int32_t *lo, int32_t *hi)
{
    /* TODO: the smallest and largest int32 a whose oneDNN code is q:
       fl(fl(a) * M) + zy in float32, clamped to [0, 255], then rounded
       half to even. */
    /* Hint: these are the bounds of the exact arithmetic.  Which way
       does each float32 rounding move them?  What do the codes 0 and
       255 take in? */
    double m = (double)ql_multiplier_onednn(sx, sw, sy);
    *lo = (int32_t)ceil(((double)(q - zy) - 0.5) / m);
    *hi = (int32_t)floor(((double)(q - zy) + 0.5) / m);
}
