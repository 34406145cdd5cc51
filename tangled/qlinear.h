#ifndef QLINEAR_H
#define QLINEAR_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#define QL_VERSION "1.0.0"
#define QL_MAX_DIM   65536             /* each of M, K, N */
#define QL_MAX_ELEMS (1L << 24)        /* each of M*K, N*K, M*N */
#define QL_MAX_TOKEN 80                /* longest accepted token */
typedef enum { QL_QUINT8, QL_QINT8 } ql_dtype;

typedef struct {
    float   scale;       /* S > 0, a float32 as every engine uses */
    int32_t zero_point;  /* Z, the code of the real number 0 */
} ql_qparams;
typedef struct {
    ql_dtype dtype;
    int      symmetric;     /* per-tensor symmetric, else affine */
    int      reduce_range;  /* one bit less of integer range */
} ql_scheme;
typedef struct {
    size_t      m, k, n;        /* x is m*k, w is n*k, y is m*n */
    ql_qparams  x_q, w_q, y_q;  /* input, weight, output */
    uint8_t    *x;              /* quint8 codes, row-major */
    int8_t     *w;              /* qint8 codes, w[j*k + kk] */
    float      *bias;           /* n floats, or NULL */
    ql_qparams *w_channel;      /* n per-channel weight parameters,
                                   or NULL: w_q for every row */
    int         relu;           /* 1: output fused with ReLU */
} ql_layer;
typedef struct ql_engine {
    const char *name;
    const char *summary;
    void (*run)(const ql_layer *L, uint8_t *y);
    const char *(*refuses)(const ql_layer *L);  /* NULL: takes all */
} ql_engine;
typedef struct {
    double  scale;         /* a double, as ChooseQuantizationParams keeps it */
    int32_t zero_point;
} ql_dynamic_qparams;
typedef struct {
    float   *x;            /* m*k float inputs, row-major */
    int      reduce_range; /* the call's reduce_range argument */
    ql_layer q;            /* sizes, weights, bias; q.x and q.x_q are
                              filled per call, q.y_q is unused */
} ql_dynamic;
typedef struct {
    const char *name, *summary;
    int (*run)(const ql_dynamic *D, float *y);    /* y: m*n floats */
    const char *(*refuses)(const ql_layer *L);    /* of D->q; NULL: none */
} ql_dynamic_engine;
typedef struct ql_kernel {
    const char *name;
    const char *summary;
    int (*available)(void);              /* on this CPU? */
    const struct ql_kernel_impl *impl;   /* private */
} ql_kernel;
typedef struct ql_packed ql_packed;
typedef struct {
    const char *name;   /* in corpus file names: observed-NAME-expected */
    const char *flag;   /* the /proc/cpuinfo flag a CPU needs for it    */
    const char *cap;    /* ONEDNN_MAX_CPU_ISA value that selects it     */
    const char *engine; /* our row that computes as it does             */
} ql_onednn_isa;
typedef struct {
    FILE       *in;
    const char *name;                 /* for messages */
    long        line;                 /* line of the look-ahead */
    int         c;                    /* look-ahead character */
    char        tok[QL_MAX_TOKEN + 1];
    long        tok_line;             /* line of [[tok]] */
    long        start_line;           /* where the last item began */
    char        err[QL_MAX_TOKEN + 160];
    int         again;                /* 1: [[tok]] was put back */
} ql_reader;
typedef struct {
    int     known;     /* 0: this engine has no probe */
    int64_t acc;       /* its integer accumulator, without the bias */
    double  value;     /* the number it rounds (a float32, except exact) */
    int     pairs;     /* 1 if it sums u8*s8 pairs saturated to int16 */
    int     cvt;       /* 1 if it converts with cvtps2dq, then adds Z_y */
    int     zy_first;  /* 1 if value already includes Z_y */
} ql_probe;
typedef enum {
    QL_CAUSE_NONE,        /* the engines' codes agree */
    QL_CAUSE_ZERO_POINT,  /* an accumulator with the zero points wrong,
                             or Z_y added before rounding a tie */
    QL_CAUSE_OVERFLOW,    /* int32 or a float-to-int32 conversion overflows */
    QL_CAUSE_PAIRS,       /* an accumulator of saturated int16 pairs */
    QL_CAUSE_BIAS,        /* without the bias the codes agree */
    QL_CAUSE_CLAMP,       /* one number rounds inside [0, 255], one outside */
    QL_CAUSE_TIE          /* the same integers; numbers near a tie k + 1/2,
                             rounded apart (another multiplier, another
                             order of float32 operations, or exactly) */
} ql_cause;

typedef struct {
    ql_probe probe;       /* the engine's probe of the output */
    uint8_t  code;        /* its output code */
    uint8_t  nobias;      /* its code with the layer's bias left out */
} ql_answer;
typedef struct {
    size_t layers, outputs;          /* how many were compared */
    size_t bad_layers, bad_outputs;  /* how many differ */
    size_t skipped;                  /* layers left out */
    size_t refused;                  /* refused by both engines */
    size_t first_bad;                /* 1-based layer, 0 if none */
    char   detail[400];              /* first difference, or error */
} ql_corpus_stats;

typedef void (*ql_run_fn)(const ql_layer *L, uint8_t *y);
enum { QL_SKIP_BIAS = 1, QL_FUSE_RELU = 2 };
int32_t ql_cvt_f32_i32(float v);
float ql_multiplier_qnnpack(float sx, float sw, float sy);
float ql_multiplier_fbgemm(float sx, float sw, float sy);
uint8_t ql_requantize_x86(float v, int32_t zy);
int32_t ql_qnnpack_bias(float b, float sx, float sw);
float ql_fbgemm_bias(float b, float sx, float sw);
float ql_fbgemm_bias_per_channel(float b, float sx, float sw);
int32_t ql_sat16(int32_t v);
int32_t ql_acc_pairs16(const ql_layer *L, size_t i, size_t j);
int32_t ql_acc_pairs16_split(const ql_layer *L, size_t i, size_t j,
                             size_t split);
const ql_engine *ql_engines(size_t *count);
const ql_engine *ql_find_engine(const char *name);
float ql_multiplier_onednn(float sx, float sw, float sy);
float ql_onednn_bias(float b, float sx, float sw);
uint8_t ql_exact_output(int64_t acc, float bias, const ql_layer *L,
                        size_t j);
void ql_tflite_multiplier(double m, int32_t *q31, int *exponent);
int32_t ql_srdhm(int32_t a, int32_t b);
int32_t ql_rounding_divide_by_pot(int32_t x, int s);
ql_dynamic_qparams ql_choose_dynamic(float min, float max, int reduce_range);
const ql_dynamic_engine *ql_dynamic_engines(size_t *count);
const ql_dynamic_engine *ql_find_dynamic_engine(const char *name);
int ql_compare_dynamic(const char *layers, const char *expected,
                       const ql_dynamic_engine *e, ql_corpus_stats *st);
const ql_kernel *ql_kernels(size_t *count);
const ql_kernel *ql_find_kernel(const char *name);
const ql_kernel *ql_best_kernel(const ql_engine *e, const ql_layer *L);
const char *ql_kernel_refuses(const ql_kernel *k, const ql_engine *e,
                              const ql_layer *L);
ql_packed *ql_pack(const ql_kernel *k, const ql_engine *e,
                   const ql_layer *L);
int ql_packed_run(const ql_packed *P, const ql_layer *L, uint8_t *y);
void ql_packed_free(ql_packed *P);
int ql_kernel_run(const ql_kernel *k, const ql_engine *e,
                  const ql_layer *L, uint8_t *y);
const ql_onednn_isa *ql_onednn_isas(size_t *n);
int ql_cpu_has(const char *flags, const char *flag);
const ql_onednn_isa *ql_onednn_default(const char *flags);
int ql_cpu_info(char *model, size_t nmodel, char *flags, size_t nflags);
float ql_round_half_even(float v);
void ql_qrange(ql_scheme sc, int32_t *qmin, int32_t *qmax);
ql_qparams ql_observe(ql_scheme sc, const float *v, size_t n);
int32_t ql_quantize(float r, ql_qparams p, ql_dtype t);
float ql_dequantize(int32_t q, ql_qparams p);
int32_t ql_forum_quantize(float r, ql_qparams p);
const ql_layer *ql_forum_layer(void);
int64_t ql_acc_exact(const ql_layer *L, size_t i, size_t j);
int64_t ql_acc_raw(const ql_layer *L, size_t i, size_t j);
int64_t ql_row_sum(const ql_layer *L, size_t i);
int64_t ql_col_sum(const ql_layer *L, size_t j);
int64_t ql_four_terms(int64_t raw, int64_t row, int64_t col, int64_t k,
                      int64_t zx, int64_t zw);
int64_t ql_acc_four_terms(const ql_layer *L, size_t i, size_t j);
int64_t ql_acc_question(const ql_layer *L, size_t i, size_t j);
ql_qparams ql_weight_q(const ql_layer *L, size_t j);
void ql_observe_rows(ql_scheme sc, const float *v, size_t rows,
                     size_t cols, ql_qparams *out);
int32_t ql_wrap_i32(int64_t v);
uint8_t ql_requantize(int32_t acc, float m, int32_t zy);
void ql_forum_question(const ql_layer *L, double *y);
void ql_forum_answer2(const ql_layer *L, double *y);
void ql_forum_answer3(const ql_layer *L, double *y);
void ql_reader_init(ql_reader *r, FILE *in, const char *name);
int ql_read_layer(ql_reader *r, ql_layer *L);
void ql_layer_free(ql_layer *L);
int ql_read_dynamic(ql_reader *r, ql_dynamic *D);
void ql_dynamic_free(ql_dynamic *D);
int ql_next_is_dynamic(ql_reader *r);
int ql_read_observation(ql_reader *r, ql_scheme *sc, float **v,
                        size_t *n);
int ql_read_observation_rows(ql_reader *r, ql_scheme *sc, size_t *rows,
                             float **v, size_t *n);
int ql_read_quantize(ql_reader *r, ql_dtype *t, ql_qparams *p, float **v,
                     size_t *n);
int ql_engine_probe(const ql_engine *e, const ql_layer *L, size_t i,
                    size_t j, ql_probe *p);
ql_cause ql_cause_of(const ql_layer *L, size_t i, size_t j,
                     const ql_answer *a, size_t n);
const char *ql_cause_name(ql_cause c);
int ql_read_outputs(ql_reader *r, size_t n, uint8_t *y);
int ql_compare_corpus(const char *layers, const char *expected,
                      ql_run_fn run, unsigned flags, ql_corpus_stats *st);
int ql_compare_engine(const char *layers, const char *expected,
                      const ql_engine *e, unsigned flags,
                      ql_corpus_stats *st);
#endif
