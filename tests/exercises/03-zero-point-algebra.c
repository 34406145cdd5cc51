/* Exercise 3: the question's accumulator, repaired.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=3 */
#include "qlinear.h"

/* question = sum_k (x_k - zx - zw) w_k, row = sum_k x_k,
   col = sum_k w_k, over k terms */
int64_t ex03_repair(int64_t question, int64_t row, int64_t col, int64_t k,
                    int64_t zx, int64_t zw)
{
    /* TODO: return sum_k (x_k - zx)(w_k - zw) from these numbers alone. */
    /* Hint: write both sums as the raw product sum_k x_k w_k plus other
       terms; then take one from the other. */
    (void)row;
    (void)col;
    (void)k;
    (void)zx;
    (void)zw;
    return question;
}
