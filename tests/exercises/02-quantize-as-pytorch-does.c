/* Exercise 2: quantize as PyTorch does.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=2 */
#include "qlinear.h"

int32_t ex02_quantize(float r, ql_qparams p)
{
    /* TODO: this is the forum's quantizer; make it PyTorch's. */
    /* Hint: three differences: how r is scaled, when Z is added, and
       whether rounding or clamping comes first (one of the three never
       changes a result). */
    float q = (float)p.zero_point + r / p.scale;
    q = q < 0.0f ? 0.0f : q > 255.0f ? 255.0f : q;
    return (int32_t)ql_round_half_even(q);
}
