/* Exercise 1: the observer's scale and zero point.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=1 */
#include <float.h>
#include "qlinear.h"

ql_qparams ex01_observe(float lo, float hi)
{
    ql_qparams p;
    /* TODO: widen [lo, hi] to contain 0; S = (hi - lo) / 255, at least
       FLT_EPSILON; Z = 0 - rne(lo / S), clamped to [0, 255]. */
    /* Hint: ql_round_half_even rounds to nearest, ties to even; a cast
       to int truncates towards zero. */
    p.scale = (hi - lo) / 255.0f;
    p.zero_point = (int32_t)(-lo / p.scale);
    return p;
}
