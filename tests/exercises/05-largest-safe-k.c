/* Exercise 5: the largest safe K.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=5 */
#include "qlinear.h"

long ex05_max_k(int32_t zx, int32_t zw)   /* x in [0,255], w in [-128,127] */
{
    /* TODO: use the zero points. */
    /* Hint: find the largest positive and the most negative product
       (x - zx)(w - zw); INT32_MIN is -(INT32_MAX + 1). */
    (void)zx;
    (void)zw;
    return INT32_MAX / (255L * 255L);
}
