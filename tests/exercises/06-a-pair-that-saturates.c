/* Exercise 6: a pair that saturates.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=6 */
#include "qlinear.h"

void ex06_pair(uint8_t x[2], int8_t w[2])
{
    /* TODO: choose a pair that saturates AND changes the output. */
    /* Hint: the output is clamp(rne(acc / 256), 0, 255). */
    x[0] = 150; x[1] = 150;
    w[0] = -128; w[1] = -128;
}
