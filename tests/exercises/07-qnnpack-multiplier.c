/* Exercise 7: QNNPACK's multiplier.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=7 */
#include "qlinear.h"

float ex07_multiplier(float sx, float sw, float sy)
{
    /* TODO: QNNPACK's order of float32 operations. */
    /* Hint: QNNPACK never divides by sy. */
    return sx * sw / sy;
}
