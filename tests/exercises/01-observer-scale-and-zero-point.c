/* Exercise 1: the symmetric observer.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=1 */
#include <float.h>
#include "qlinear.h"

ql_qparams ex01_observe(float lo, float hi, int reduce_range)
{
    ql_qparams p;
    /* TODO: PyTorch's symmetric scheme for qint8, [-128, 127], or
       [-64, 63] with reduce_range. */
    /* Hint: many tutorials divide by 127; the observer's divisor is
       (qmax - qmin) / 2. */
    float m = hi > -lo ? hi : -lo;
    (void)reduce_range;
    p.scale = m / 127.0f;
    p.zero_point = 0;
    return p;
}
