/* Exercise 9: answer 3 in oneDNN's arithmetic.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=9 */
#include <math.h>
#include "qlinear.h"

void ex09_answer3(const ql_layer *L, double *y)
{
    /* TODO: change only precision and order, until oneDNN agrees. */
    /* Hint: which operations does oneDNN do in float32, in which order,
       and how does it form the multiplier (exercise 7)? */
    double sxw = (double)L->x_q.scale * (double)L->w_q.scale;
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            double v = (double)ql_acc_exact(L, i, j) * sxw;
            v = nearbyint(v / (double)L->y_q.scale) + L->y_q.zero_point;
            y[i * L->n + j] = v < 0.0 ? 0.0 : v > 255.0 ? 255.0 : v;
        }
}
