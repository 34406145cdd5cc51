/* Exercise 12: explain a disagreement.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h.
   Run its test with: make exercise N=12
   Causes: 1 a zero point subtracted from the wrong operand
           2 the multiplier formed in another order of operations
           3 a value near a tie k + 1/2 rounded from float32 or exactly
           4 the float-to-int32 conversion overflows
           5 a pair of products saturates in 16 bits */
#include "qlinear.h"

/* TODO: fill in what you find. */
/* Hint: qlinear eval prints one line per layer; the layer format is in
   the book's appendix "Reading layers". */
const int ex12_layer = 0;        /* 1 for the first layer of the file */
const int ex12_qnnpack = -1;     /* the qnnpack engine's output */
const int ex12_exact = -1;       /* the exact engine's output */
const long ex12_accumulator = 0; /* sum (x - Z_x)(w - Z_w) */
const int ex12_cause = 0;        /* 1 to 5, from the list above */
