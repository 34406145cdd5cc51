/* Exercise 4: four terms, as FBGEMM computes them.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=4 */
#include "qlinear.h"

/* raw = sum_k x_k w_k, row = sum_k x_k, col = sum_k w_k, k terms */
int64_t ex04_four_terms(int64_t raw, int64_t row, int64_t col, int64_t k,
                        int64_t zx, int64_t zw)
{
    /* TODO: return sum_k (x_k - zx)(w_k - zw) from the four sums. */
    /* Hint: multiply out one product (x - zx)(w - zw), then sum each of
       its four terms over k. */
    (void)k;
    return raw - zw * row - zx * col;
}
