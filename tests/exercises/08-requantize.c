/* Exercise 8: which numbers give the code q.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=8 */
#include <math.h>
#include "qlinear.h"

void ex08_range(int32_t q, int32_t zy, float *lo, float *hi)
{
    /* TODO: the smallest and largest float v < 2^31 that requantize to
       q: cvtps2dq(v) + zy, clamped to [0, 255]. */
    /* Hint: nextafterf(v, INFINITY) is the float after v.  Which code
       does a tie k + 1/2 go to?  What do the ends 0 and 255 take in? */
    *lo = (float)(q - zy) - 0.5f;
    *hi = (float)(q - zy) + 0.5f;
}
