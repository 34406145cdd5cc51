/* Exercise 10: oneDNN's bias.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=10 */
#include "qlinear.h"

float ex10_bias(float b, float sx, float sw)
{
    /* TODO: b in accumulator units, from the reciprocals 1/sx and 1/sw,
       each computed in double and rounded once to float. */
    /* Hint: this is FBGEMM's; oneDNN never forms sx * sw. */
    float act_times_w = sx * sw;
    return b * (float)(1.0 / (double)act_times_w);
}
