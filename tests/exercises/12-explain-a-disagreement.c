/* Exercise 12: explain a disagreement.
   The statement is in the handout docs/exercises.pdf (and in the book,
   section "Workshop exercises"); the library's interface is
   tangled/qlinear.h (the causes: ql_cause).
   Run its test with: make exercise N=12 */
#include "qlinear.h"

/* TODO: fill in what you find. */
/* Hint: qlinear eval prints one line per layer; the layer format is in
   the book's appendix "Reading layers". */
const int ex12_layer = 0;        /* 1 for the first layer of the file */
const int ex12_qnnpack = -1;     /* the qnnpack engine's output */
const int ex12_exact = -1;       /* the exact engine's output */
const long ex12_accumulator = 0; /* sum (x - Z_x)(w - Z_w) */
const ql_cause ex12_cause = QL_CAUSE_NONE;   /* one of ql_cause */
