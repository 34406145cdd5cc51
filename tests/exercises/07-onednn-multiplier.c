/* Exercise 7: oneDNN's multiplier.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=7 */
#include "qlinear.h"

float ex07_multiplier(float sx, float sw, float sy)
{
    /* TODO: oneDNN's M, from the three reciprocals 1/sx, 1/sw, 1/sy,
       each computed in double and rounded once to float. */
    /* Hint: (float)(1.0 / (double)s) is such a reciprocal (the casts
       are explicit, so -Wdouble-promotion allows them).  Two divisions
       would round twice. */
    return sx * sw / sy;
}
