/* Exercise 4: four terms, for signed activations.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=4 */
#include "qlinear.h"

/* u_k = x_k + 128: raw = sum_k u_k w_k, row = sum_k u_k,
   col = sum_k w_k, over k terms; zx is the zero point of x */
int64_t ex04_four_terms(int64_t raw, int64_t row, int64_t col, int64_t k,
                        int64_t zx, int64_t zw)
{
    /* TODO: return sum_k (x_k - zx)(w_k - zw). */
    /* Hint: these are the book's four terms, which hold for sums of
       x_k; the sums here are of u_k. */
    return raw - zw * row - zx * col + k * zx * zw;
}
