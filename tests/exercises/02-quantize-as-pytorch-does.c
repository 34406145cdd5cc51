/* Exercise 2: which numbers get the code q.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=2 */
#include <math.h>
#include "qlinear.h"

float ex02_lowest(int32_t q, ql_qparams p)   /* 0 < q <= 255, quint8 */
{
    /* TODO: the smallest float r that PyTorch quantizes to q. */
    /* Hint: nextafterf(r, -INFINITY) is the float before r.  You may
       not call ql_quantize, but you may write PyTorch's quantizer
       yourself and try floats near the edge. */
    return ((float)(q - p.zero_point) - 0.5f) * p.scale;
}
