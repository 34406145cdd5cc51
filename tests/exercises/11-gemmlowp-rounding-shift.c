/* Exercise 11: gemmlowp's rounding shift.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=11 */
#include "qlinear.h"

int32_t ex11_rounding_divide_by_pot(int32_t x, int s)   /* 0 <= s <= 31 */
{
    /* TODO: round to nearest, ties away from zero. */
    /* Hint: C's division truncates toward zero; look at the remainder. */
    return (int32_t)(x / (INT64_C(1) << s));
}
