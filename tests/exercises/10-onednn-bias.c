/* Exercise 10: the bias that moves oneDNN's code.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=10 */
#include <math.h>
#include "qlinear.h"

float ex10_bias_step(int32_t a, float sx, float sw, float sy, int32_t zy)
{
    /* TODO: the smallest float b >= 0 for which oneDNN's code for the
       accumulator a, with the bias b, is higher than without a bias. */
    /* Hint: half an output step, in real units, is a first guess.  Is
       the code a monotone function of b?  Then the floats b >= 0 are
       ordered as their bits are (exercise 8 walked through them). */
    (void)a, (void)sx, (void)sw, (void)zy;
    return 0.5f * sy;
}
