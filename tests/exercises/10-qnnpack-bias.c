/* Exercise 10: QNNPACK's bias.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=10 */
#include <math.h>
#include "qlinear.h"

int32_t ex10_bias(float b, float sx, float sw)   /* |b / (sx sw)| < 2^30 */
{
    /* TODO: quantize b at scale sx * sw as quantize_per_tensor does. */
    /* Hint: the quantizer works as in exercise 2: a float32 reciprocal,
       then rounding half to even. */
    return (int32_t)roundf(b / (sx * sw));
}
