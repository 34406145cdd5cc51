/* Exercise 8: requantize, ties and overflow.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=8 */
#include <math.h>
#include "qlinear.h"

uint8_t ex08_requantize(float v, int32_t zy)
{
    /* TODO: round as cvtps2dq does, including when v does not fit. */
    /* Hint: what does cvtps2dq return for 3e9?  ql_cvt_f32_i32 knows. */
    float r = roundf(v) + (float)zy;
    return (uint8_t)(r < 0.0f ? 0.0f : r > 255.0f ? 255.0f : r);
}
