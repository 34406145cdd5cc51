/* Exercise 11: ARM's rounding shift.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=11 */
#include "qlinear.h"

int32_t ex11_srshl(int32_t x, int e)   /* -31 <= e <= 31 */
{
    /* TODO: e >= 0: x * 2^e, low 32 bits; e < 0: x / 2^-e, to nearest,
       ties up. */
    /* Hint: an unsigned type wraps; C's division truncates toward
       zero. */
    if (e >= 0)
        return (int32_t)((int64_t)x * (INT64_C(1) << e));
    return (int32_t)(x / (INT64_C(1) << -e));
}
