/* Exercise 3: zero-point algebra.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=3 */
#include "qlinear.h"

int64_t ex03_acc(const ql_layer *L, size_t i, size_t j)
{
    const uint8_t *x = L->x + i * L->k;   /* row i of the input */
    const int8_t *w = L->w + j * L->k;    /* row j of the weights */
    int64_t a = 0;
    for (size_t kk = 0; kk < L->k; kk++)
        /* TODO: this is the forum question's identity; fix it. */
        /* Hint: r = S (q - Z) holds for each tensor with its own S, Z. */
        a += (int64_t)(x[kk] - L->x_q.zero_point - L->w_q.zero_point)
             * w[kk];
    return a;
}
