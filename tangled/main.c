#define _POSIX_C_SOURCE 200809L
#include "qlinear.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
typedef struct command command;
struct command {
    const char *name;
    const char *usage;                  /* arguments after the name */
    const char *summary;                /* one line for 'qlinear help' */
    int (*run)(const command *c, int argc, char **argv);
    void (*details)(FILE *f);           /* more help, or NULL */
};

static int bad_usage(const command *c, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "qlinear %s: ", c->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: qlinear %s%s%s\n"
            "Try 'qlinear help %s'.\n", c->name, *c->usage ? " " : "",
            c->usage, c->name);
    return 2;
}

static int is_option(const char *a)
{
    return a[0] == '-' && a[1] != '\0';
}

static int operands(const command *c, int argc, char **argv, int max,
                    const char **out)
{
    for (int i = 0; i < argc; i++) {
        if (is_option(argv[i]))
            return bad_usage(c, "unknown option '%s'", argv[i]);
        if (i >= max)
            return bad_usage(c, "too many arguments ('%s' is one too "
                             "many)", argv[i]);
        out[i] = argv[i];
    }
    return 0;
}

static int is_directory(FILE *f)
{
    struct stat st;
    return fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode);
}

static FILE *open_input(const char *path, const char **name)
{
    if (!path || strcmp(path, "-") == 0) {
        *name = "<stdin>";
        return stdin;
    }
    *name = path;
    FILE *f = fopen(path, "r");
    if (!f)
        fprintf(stderr, "qlinear: %s: cannot open: %s\n", path,
                strerror(errno));
    else if (is_directory(f)) {
        fprintf(stderr, "qlinear: %s: is a directory; give a file\n", path);
        fclose(f);
        f = NULL;
    }
    return f;
}

static int run_items(const char *path, const char *what,
                     int (*one)(ql_reader *r, const void *ctx),
                     const void *ctx)
{
    const char *name;
    FILE *in = open_input(path, &name);
    ql_reader r;
    size_t seen = 0;
    int t = 0;
    if (!in)
        return 2;
    ql_reader_init(&r, in, name);
    while (!ferror(stdout) && (t = one(&r, ctx)) > 0)
        seen++;
    if (in != stdin)
        fclose(in);
    if (t == 0 && seen == 0 && !ferror(stdout)) {
        t = -1;
        snprintf(r.err, sizeof r.err, "%s:%ld: no %s found", r.name,
                 r.line, what);
    }
    if (t < 0) {
        fflush(stdout);
        fprintf(stderr, "qlinear: %s\n", r.err);
        return 2;
    }
    return 0;
}

static void print_codes(const uint8_t *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf(i ? " %d" : "%d", y[i]);
    putchar('\n');
}

typedef struct {
    const ql_engine *engine;
    const ql_kernel *kernel;     /* NULL: the best for the engine */
} eval_choice;

static int eval_dynamic(ql_reader *r, const eval_choice *ch)
{
    ql_dynamic D;
    int t = ql_read_dynamic(r, &D);
    if (t <= 0)
        return t;
    const ql_dynamic_engine *e = ql_find_dynamic_engine(ch->engine->name);
    float *y = malloc(D.q.m * D.q.n * sizeof *y);
    const char *why = !e ? "no dynamic row; 'qlinear help eval' lists them"
                    : ch->kernel ? "a dynamic layer runs without --kernel"
                    : !y ? "out of memory"
                    : e->refuses ? e->refuses(&D.q) : NULL;
    if (!why && e->run(&D, y) != 0)
        why = "out of memory";
    if (why) {
        t = -1;
        snprintf(r->err, sizeof r->err, "%s:%ld: engine %s: %s", r->name,
                 r->start_line, ch->engine->name, why);
    } else {
        for (size_t i = 0; i < D.q.m * D.q.n; i++)
            printf(i ? " %.9g" : "%.9g", (double)y[i]);
        putchar('\n');
    }
    free(y);
    ql_dynamic_free(&D);
    return t;
}

static int eval_one(ql_reader *r, const void *ctx)
{
    const eval_choice *ch = ctx;
    const ql_engine *e = ch->engine;
    ql_layer L;
    int t = ql_next_is_dynamic(r);
    if (t != 0)
        return t < 0 ? t : eval_dynamic(r, ch);
    t = ql_read_layer(r, &L);
    if (t <= 0)
        return t;
    uint8_t *y = malloc(L.m * L.n);
    const ql_kernel *k = ch->kernel ? ch->kernel : ql_best_kernel(e, &L);
    const char *why = !y ? "out of memory"
                    : e->refuses ? e->refuses(&L) : NULL;
    if (why) {
        t = -1;
        snprintf(r->err, sizeof r->err, "%s:%ld: engine %s: %s", r->name,
                 r->start_line, e->name, why);
    } else if ((why = ql_kernel_refuses(k, e, &L))) {
        t = -1;
        snprintf(r->err, sizeof r->err, "%s:%ld: kernel %s: %s", r->name,
                 r->start_line, k->name, why);
    } else if (ql_kernel_run(k, e, &L, y) != 0) {
        t = -1;
        snprintf(r->err, sizeof r->err, "%s:%ld: out of memory", r->name,
                 r->start_line);
    } else {
        print_codes(y, L.m * L.n);
    }
    free(y);
    ql_layer_free(&L);
    return t;
}

static void print_float(float v)
{
    char buf[32];
    for (int p = 6; p <= 9; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, (double)v);
        if (strtof(buf, NULL) == v)
            break;
    }
    fputs(buf, stdout);
}

static int observe_one(ql_reader *r, const void *ctx)
{
    ql_scheme sc;
    float *v;
    size_t n, rows;
    int t = ql_read_observation_rows(r, &sc, &rows, &v, &n);
    (void)ctx;
    if (t > 0) {
        size_t k = rows ? rows : 1;
        ql_qparams *p = malloc(k * sizeof *p);
        if (!p) {
            free(v);
            snprintf(r->err, sizeof r->err, "%s:%ld: out of memory", r->name,
                     r->tok_line);
            return -1;
        }
        if (rows)
            ql_observe_rows(sc, v, rows, n / rows, p);
        else
            p[0] = ql_observe(sc, v, n);
        for (size_t i = 0; i < k; i++) {
            fputs(i ? " " : "", stdout);
            print_float(p[i].scale);
            printf(" %d", (int)p[i].zero_point);
        }
        putchar('\n');
        free(p);
        free(v);
    }
    return t;
}

static int quantize_one(ql_reader *r, const void *ctx)
{
    ql_dtype t;
    ql_qparams p;
    float *v;
    size_t n;
    int k = ql_read_quantize(r, &t, &p, &v, &n);
    (void)ctx;
    if (k > 0) {
        for (size_t i = 0; i < n; i++)
            printf(i ? " %d" : "%d", (int)ql_quantize(v[i], p, t));
        putchar('\n');
        free(v);
    }
    return k;
}

typedef struct {
    const ql_engine *engine;   /* NULL for the forum's question */
    const char      *name;
} candidate;

static void question_codes(const ql_layer *L, uint8_t *y)
{
    double *d = malloc(L->m * L->n * sizeof *d);
    if (!d)
        return;
    ql_forum_question(L, d);
    for (size_t o = 0; o < L->m * L->n; o++)
        y[o] = (uint8_t)d[o];              /* integers in [0, 255] */
    free(d);
}

static const char *cand_refuses(const candidate *c, const ql_layer *L)
{
    if (c->engine)
        return c->engine->refuses ? c->engine->refuses(L) : NULL;
    return L->w_channel ? "the forum's question takes per-tensor "
                          "weights only" : NULL;
}

static void cand_run(const candidate *c, const ql_layer *L, uint8_t *y)
{
    if (c->engine)
        c->engine->run(L, y);
    else
        question_codes(L, y);
}

static void cand_probe(const candidate *c, const ql_layer *L, size_t i,
                       size_t j, ql_probe *p)
{
    if (c->engine) {
        ql_engine_probe(c->engine, L, i, j, p);
        return;
    }
    memset(p, 0, sizeof *p);
    p->known = 1;
    double m = (double)L->x_q.scale * L->w_q.scale / L->y_q.scale;
    float acc = 0.0f;
    for (size_t kk = 0; kk < L->k; kk++)
        acc = acc + ((float)L->x[i * L->k + kk] - (float)L->x_q.zero_point
                     - (float)L->w_q.zero_point) * (float)L->w[j * L->k + kk];
    p->acc = (int64_t)acc;              /* an integer, |acc| < 2^33 */
    p->value = acc * (float)m;
}

static double ulps_to_tie(double v)
{
    if (!(fabs(v) < 0x1p23))
        return NAN;
    double t = floor(v) + 0.5;
    int e;
    frexp(v == 0.0 ? 1.0 : v, &e);
    double ulp = ldexp(1.0, (e - 24 < -149 ? -149 : e - 24));
    return (v - t) / ulp;
}

static size_t saturating_pairs(const ql_layer *L, size_t i, size_t j)
{
    const uint8_t *x = L->x + i * L->k;
    const int8_t *w = L->w + j * L->k;
    size_t n = 0;
    for (size_t kk = 0; kk + 1 < L->k; kk += 2) {
        int32_t pair = x[kk] * w[kk] + x[kk + 1] * w[kk + 1];
        n += pair != ql_sat16(pair);
    }
    return n;
}

typedef struct {
    size_t   n;                 /* engines that ran */
    size_t   i, j;              /* the output's row and column */
    ql_probe p[32];
    uint8_t  code[32], nobias[32];
    int64_t  acc;               /* exact accumulator */
    size_t   pairs;             /* saturating pairs */
    int      clamp, overflow;
} output_facts;

static int in_range(double v)          /* rounds into [0, 255] */
{
    return v >= -0.5 && v <= 255.5;
}

static const char *cause_of(const output_facts *f, const ql_layer *L)
{
    ql_answer a[32];
    for (size_t e = 0; e < f->n; e++) {
        a[e].probe = f->p[e];
        a[e].code = f->code[e];
        a[e].nobias = f->nobias[e];
    }
    return ql_cause_name(ql_cause_of(L, f->i, f->j, a, f->n));
}

static double probe_exact_value(const ql_layer *L, size_t i, size_t j)
{
    ql_probe p;
    ql_engine_probe(ql_find_engine("exact"), L, i, j, &p);
    return p.value;
}

static void collect_facts(const candidate *c, size_t nc, const int *ran,
                          const uint8_t *const *codes,
                          const uint8_t *const *nobias,
                          const ql_layer *L, size_t o, output_facts *f)
{
    size_t i = o / L->n, j = o % L->n;
    memset(f, 0, sizeof *f);
    f->i = i;
    f->j = j;
    f->acc = ql_acc_exact(L, i, j);
    f->pairs = saturating_pairs(L, i, j);
    f->overflow = f->acc != ql_wrap_i32(f->acc);
    f->clamp = !in_range(probe_exact_value(L, i, j) + L->y_q.zero_point);
    for (size_t e = 0; e < nc; e++) {
        if (!ran[e])
            continue;
        cand_probe(&c[e], L, i, j, &f->p[f->n]);
        f->overflow |= f->p[f->n].known && f->p[f->n].cvt
                       && !(fabs(f->p[f->n].value) < 0x1p31);
        f->code[f->n] = codes[e][o];
        f->nobias[f->n] = nobias[e][o];
        f->n++;
    }
}

enum { MAX_CANDIDATES = 32 };
typedef struct {
    candidate c[MAX_CANDIDATES];
    size_t    n;
    int       tsv;
    size_t   *layers;        /* layers seen so far */
} compare_ctx;

typedef void print_layer_fn(const compare_ctx *cx, const ql_layer *L,
                            long line, const int *ran,
                            const char *const *why, uint8_t *const *codes,
                            uint8_t *const *nobias);
static print_layer_fn print_layer_text, print_layer_tsv;
static void print_output_text(const compare_ctx *cx, const int *ran,
                              const ql_layer *L, size_t o,
                              const output_facts *f);
static void print_output_tsv(const compare_ctx *cx, const int *ran,
                             const ql_layer *L, long line, size_t o,
                             const output_facts *f);
static void print_probe(const ql_probe *p, int32_t zy);

static int compare_one(ql_reader *r, const void *ctx)
{
    const compare_ctx *cx = ctx;
    ql_layer L;
    int t = ql_read_layer(r, &L);
    if (t <= 0)
        return t;
    size_t n = L.m * L.n, nc = cx->n;
    uint8_t *buf = malloc(2 * nc * n), *codes[MAX_CANDIDATES],
            *nobias[MAX_CANDIDATES];
    int ran[MAX_CANDIDATES];
    const char *why[MAX_CANDIDATES];
    if (!buf) {
        ql_layer_free(&L);
        snprintf(r->err, sizeof r->err, "%s:%ld: out of memory", r->name,
                 r->start_line);
        return -1;
    }
    ql_layer nb = L;
    nb.bias = NULL;
    for (size_t e = 0; e < nc; e++) {
        codes[e] = buf + 2 * e * n;
        nobias[e] = codes[e] + n;
        why[e] = cand_refuses(&cx->c[e], &L);
        ran[e] = why[e] == NULL;
        if (ran[e]) {
            cand_run(&cx->c[e], &L, codes[e]);
            cand_run(&cx->c[e], &nb, nobias[e]);
        }
    }
    ++*cx->layers;
    if (cx->tsv)
        print_layer_tsv(cx, &L, r->start_line, ran, why, codes, nobias);
    else
        print_layer_text(cx, &L, r->start_line, ran, why, codes, nobias);
    free(buf);
    ql_layer_free(&L);
    return 1;
}

static int output_differs(size_t nc, const int *ran,
                          uint8_t *const *codes, size_t o)
{
    int first = -1;
    for (size_t e = 0; e < nc; e++)
        if (ran[e]) {
            if (first < 0)
                first = codes[e][o];
            else if (codes[e][o] != first)
                return 1;
        }
    return 0;
}

static void print_layer_text(const compare_ctx *cx, const ql_layer *L,
                             long line, const int *ran,
                             const char *const *why, uint8_t *const *codes,
                             uint8_t *const *nobias)
{
    size_t n = L->m * L->n, nc = cx->n, differ = 0;
    for (size_t o = 0; o < n; o++)
        differ += output_differs(nc, ran, codes, o);
    printf("layer %zu (line %ld): %zu of %zu outputs differ\n",
           *cx->layers, line, differ, n);
    for (size_t e = 0; e < nc; e++) {
        int leader = ran[e];
        for (size_t g = 0; g < e && leader; g++)
            leader = !(ran[g] && memcmp(codes[g], codes[e], n) == 0);
        if (!leader)
            continue;
        printf("  agree:");
        for (size_t g = e; g < nc; g++)
            if (ran[g] && memcmp(codes[g], codes[e], n) == 0)
                printf(" %s", cx->c[g].name);
        putchar('\n');
    }
    for (size_t e = 0; e < nc; e++)
        if (!ran[e])
            printf("  refused: %s: %s\n", cx->c[e].name, why[e]);
    for (size_t o = 0; o < n; o++)
        if (output_differs(nc, ran, codes, o)) {
            output_facts f;
            collect_facts(cx->c, nc, ran, (const uint8_t *const *)codes,
                          (const uint8_t *const *)nobias, L, o, &f);
            print_output_text(cx, ran, L, o, &f);
        }
}

static void print_output_text(const compare_ctx *cx, const int *ran,
                              const ql_layer *L, size_t o,
                              const output_facts *f)
{
    printf("  output %zu (row %zu, column %zu): cause %s\n", o, o / L->n,
           o % L->n, cause_of(f, L));
    printf("    exact: acc %lld, clamped %s; saturating pairs %zu; "
           "overflow %s\n", (long long)f->acc, f->clamp ? "yes" : "no",
           f->pairs, f->overflow ? "yes" : "no");
    for (size_t e = 0, k = 0; e < cx->n; e++) {
        if (!ran[e])
            continue;
        const ql_probe *p = &f->p[k];
        if (k == 0)
            printf("    %-12s %4s  %s\n", "engine", "code",
                   "acc, v + Z_y (Z_y added before/after rounding), tie");
        printf("    %-12s %4d", cx->c[e].name, f->code[k++]);
        if (p->known)
            print_probe(p, L->y_q.zero_point);
        putchar('\n');
    }
}

static void print_probe(const ql_probe *p, int32_t zy)
{
    double tie = ulps_to_tie(p->value);
    printf("  acc %lld  %.9g (%s)", (long long)p->acc,
           p->value + (p->zy_first ? 0.0 : zy),
           p->zy_first ? "before" : "after");
    if (isnan(tie))
        printf("  (no ties this far out)");
    else
        printf("  %.1f ulps to a tie", tie);
    if (!in_range(p->value + (p->zy_first ? 0.0 : zy)))
        printf("  clamps");
}

static void print_layer_tsv(const compare_ctx *cx, const ql_layer *L,
                            long line, const int *ran,
                            const char *const *why, uint8_t *const *codes,
                            uint8_t *const *nobias)
{
    size_t n = L->m * L->n, differ = 0;
    if (*cx->layers == 1)
        printf("layer\tline\toutput\trow\tcolumn\tengine\tcode\taccumulator"
               "\tvalue_plus_zy\ttie_ulps\texact_accumulator"
               "\tsaturating_pairs\tclamped\toverflow\tcause\tzy_added\n");
    for (size_t e = 0; e < cx->n; e++)
        if (!ran[e])
            printf("%zu\t%ld\t-\t-\t-\t%s\trefused\t-\t-\t-\t-\t-\t-\t-\t%s\t-\n",
                   *cx->layers, line, cx->c[e].name, why[e]);
    for (size_t o = 0; o < n; o++)
        if (output_differs(cx->n, ran, codes, o)) {
            output_facts f;
            collect_facts(cx->c, cx->n, ran, (const uint8_t *const *)codes,
                          (const uint8_t *const *)nobias, L, o, &f);
            print_output_tsv(cx, ran, L, line, o, &f);
            differ++;
        }
    if (differ == 0)
        printf("%zu\t%ld\t-\t-\t-\t-\tagree\t-\t-\t-\t-\t-\t-\t-\t-\t-\n",
               *cx->layers, line);
}

static void print_output_tsv(const compare_ctx *cx, const int *ran,
                             const ql_layer *L, long line, size_t o,
                             const output_facts *f)
{
    const char *cause = cause_of(f, L);
    for (size_t e = 0, k = 0; e < cx->n; e++) {
        if (!ran[e])
            continue;
        const ql_probe *p = &f->p[k];
        double tie = p->known ? ulps_to_tie(p->value) : NAN;
        printf("%zu\t%ld\t%zu\t%zu\t%zu\t%s\t%d\t", *cx->layers, line, o,
               o / L->n, o % L->n, cx->c[e].name, f->code[k++]);
        if (p->known)
            printf("%lld\t%.9g\t", (long long)p->acc,
                   p->value + (p->zy_first ? 0.0 : L->y_q.zero_point));
        else
            printf("-\t-\t");
        printf(isnan(tie) ? "-" : "%.1f", tie);
        printf("\t%lld\t%zu\t%s\t%s\t%s\t%s\n", (long long)f->acc,
               f->pairs, f->clamp ? "yes" : "no", f->overflow ? "yes" : "no",
               cause, !p->known ? "-" : p->zy_first ? "before" : "after");
    }
}

static int compare_add(const command *c, compare_ctx *cx, const char *name,
                       size_t len)
{
    char buf[QL_MAX_TOKEN + 1];
    if (len == 0 || len > QL_MAX_TOKEN)
        return bad_usage(c, "an empty or overlong engine name in "
                         "'--engines'");
    memcpy(buf, name, len);
    buf[len] = '\0';
    const ql_engine *e = ql_find_engine(buf);
    if (!e && strcmp(buf, "question") != 0)
        return bad_usage(c, "unknown engine '%s'", buf);
    if (cx->n == MAX_CANDIDATES)
        return bad_usage(c, "more than %d engines", MAX_CANDIDATES);
    cx->c[cx->n].engine = e;
    cx->c[cx->n].name = e ? e->name : "question";
    cx->n++;
    return 0;
}

static int compare_engines(const command *c, compare_ctx *cx,
                           const char *list)
{
    for (;;) {
        const char *comma = strchr(list, ',');
        size_t len = comma ? (size_t)(comma - list) : strlen(list);
        int t = compare_add(c, cx, list, len);
        if (t || !comma)
            return t;
        list = comma + 1;
    }
}

static int cmd_compare(const command *c, int argc, char **argv)
{
    static compare_ctx cx;
    static size_t layers;
    const char *path = NULL, *list = NULL, *format = "text";
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "--engines") == 0 || strcmp(a, "--format") == 0)
            && i + 1 == argc)
            return bad_usage(c, "option '%s' needs a value", a);
        if (strcmp(a, "--engines") == 0)
            list = argv[++i];
        else if (strncmp(a, "--engines=", 10) == 0)
            list = a + 10;
        else if (strcmp(a, "--format") == 0)
            format = argv[++i];
        else if (strncmp(a, "--format=", 9) == 0)
            format = a + 9;
        else if (is_option(a))
            return bad_usage(c, "unknown option '%s'", a);
        else if (path)
            return bad_usage(c, "too many arguments ('%s' is one too many)", a);
        else
            path = a;
    }
    if (strcmp(format, "text") != 0 && strcmp(format, "tsv") != 0)
        return bad_usage(c, "unknown format '%s' (text or tsv)", format);
    cx.n = 0;
    cx.tsv = strcmp(format, "tsv") == 0;
    cx.layers = &layers;
    if (list) {
        int t = compare_engines(c, &cx, list);
        if (t)
            return t;
    } else {
        size_t ne;
        const ql_engine *e = ql_engines(&ne);
        for (size_t k = 0; k < ne && k < MAX_CANDIDATES; k++) {
            cx.c[cx.n].engine = &e[k];
            cx.c[cx.n++].name = e[k].name;
        }
    }
    return run_items(path, "layer", compare_one, &cx);
}

static void compare_details(FILE *f)
{
    fputs("Runs every engine (or those of --engines, comma-separated;\n"
          "'question' is the forum question's function) on each layer of\n"
          "FILE and prints which engines agree and, for every output where\n"
          "they differ: the exact accumulator, each engine's accumulator\n"
          "and the number it rounds with its distance to a tie in float32\n"
          "ulps, saturating int16 pairs, clamping, conversion overflow, and\n"
          "a cause: zero-point, overflow, pairs, bias, clamp or tie.\n"
          "Engines that refuse a layer are listed with their reason.\n"
          "--format tsv prints tab-separated rows with a header.\n", f);
}

static void print_pair(const char *label, const double *y)
{
    printf("  %-38s [%g, %g]\n", label, y[0], y[1]);
}

static int forum_story(void)
{
    const ql_layer *L = ql_forum_layer();
    printf("The forum's layer, as PyTorch quantized it "
           "(\"Understanding quantized linear layer\")\n\n");
    printf("  input   x = [%d, %d]    S_x = %.9g  Z_x = %d\n", L->x[0],
           L->x[1], (double)L->x_q.scale, (int)L->x_q.zero_point);
    printf("  weight  w = [[%d, %d], [%d, %d]]    S_w = %.9g  Z_w = %d\n",
           L->w[0], L->w[1], L->w[2], L->w[3], (double)L->w_q.scale,
           (int)L->w_q.zero_point);
    printf("  output  S_y = %.9g  Z_y = %d\n\n", (double)L->y_q.scale,
           (int)L->y_q.zero_point);
    printf("1. Accumulators a[j] = sum_k (x[k] - Z_x)(w[j][k] - Z_w)\n");
    for (size_t j = 0; j < 2; j++)
        printf("     a[%zu] = (%d - %d)(%d - %d) + (%d - %d)(%d - %d) = %lld\n",
               j, L->x[0], (int)L->x_q.zero_point, L->w[2 * j],
               (int)L->w_q.zero_point, L->x[1], (int)L->x_q.zero_point,
               L->w[2 * j + 1], (int)L->w_q.zero_point,
               (long long)ql_acc_exact(L, 0, j));
    printf("   The question computes sum_k (x[k] - Z_x - Z_w) w[j][k]:\n");
    printf("     %lld, %lld   (wrong identity)\n\n",
           (long long)ql_acc_question(L, 0, 0),
           (long long)ql_acc_question(L, 0, 1));
    float mq = ql_multiplier_qnnpack(L->x_q.scale, L->w_q.scale,
                                     L->y_q.scale);
    printf("2. Multiplier M = S_x S_w / S_y\n");
    printf("     QNNPACK fl(fl(S_w S_x) fl(1/S_y)) = %.9g\n", (double)mq);
    printf("     FBGEMM  fl(fl(S_x S_w) / S_y)     = %.9g\n",
           (double)ql_multiplier_fbgemm(L->x_q.scale, L->w_q.scale,
                                        L->y_q.scale));
    printf("     double  S_x S_w / S_y             = %.17g\n\n",
           (double)L->x_q.scale * L->w_q.scale / L->y_q.scale);
    printf("3. Scaled accumulators fl(a M), rounded half to even, + Z_y\n");
    for (size_t j = 0; j < 2; j++) {
        float v = (float)ql_acc_exact(L, 0, j) * mq;
        printf("     %lld * M = %.9g -> %g -> %g\n",
               (long long)ql_acc_exact(L, 0, j), (double)v,
               (double)ql_round_half_even(v),
               (double)ql_round_half_even(v) + L->y_q.zero_point);
    }
    putchar('\n');
    double y[2];
    uint8_t q[2];
    size_t n;
    const ql_engine *e = ql_engines(&n);
    printf("4. Outputs\n");
    ql_forum_question(L, y);
    print_pair("the question (zero points wrong)", y);
    ql_forum_answer2(L, y);
    print_pair("answer 2 (never rounds)", y);
    ql_forum_answer3(L, y);
    print_pair("answer 3 (double precision)", y);
    for (size_t i = 0; i < n; i++) {
        char label[40];
        const char *why = e[i].refuses ? e[i].refuses(L) : NULL;
        snprintf(label, sizeof label, "engine %s", e[i].name);
        if (why) {
            printf("  %-38s refuses the layer (Zw = %d): %s\n", label,
                   (int)L->w_q.zero_point, why);
            continue;
        }
        e[i].run(L, q);
        y[0] = q[0];
        y[1] = q[1];
        print_pair(label, y);
    }
    printf("\nPyTorch (QNNPACK) answered [59, 253]; the thread's question "
           "got [0, 255].\n");
    return 0;
}

static void cpu_details(FILE *f)
{
    fputs("Prints the CPU's model and flags, the instruction set a live\n"
          "oneDNN uses here (onednn-isa), the engine that computes as it\n"
          "does (onednn-engine, or none), and each set this CPU can make\n"
          "corpora for, as NAME:ONEDNN_MAX_CPU_ISA (onednn-corpora).\n"
          "With --flags LIST it answers for the flags in LIST instead.\n", f);
}

static int cmd_cpu(const command *c, int argc, char **argv)
{
    static char model[256], flags[8192];
    size_t n;
    const ql_onednn_isa *isa = ql_onednn_isas(&n), *d;
    if (argc == 2 && strcmp(argv[0], "--flags") == 0) {
        snprintf(model, sizeof model, "(given)");
        snprintf(flags, sizeof flags, "%s", argv[1]);
    } else if (argc != 0) {
        return bad_usage(c, "unexpected argument '%s'", argv[0]);
    } else if (ql_cpu_info(model, sizeof model, flags, sizeof flags) != 0) {
        fprintf(stderr, "qlinear: /proc/cpuinfo: no flags line\n");
        return 1;
    }
    d = ql_onednn_default(flags);
    printf("model %s\nflags", model);
    for (const char *const *w = (const char *const[]){ "avx2", "avx512f",
             "avx512_vnni", "avx_vnni", NULL }; *w; w++)
        if (ql_cpu_has(flags, *w))
            printf(" %s", *w);
    printf("\nonednn-isa %s\nonednn-engine %s\nonednn-corpora",
           d ? d->name : "none", d ? d->engine : "none");
    for (size_t i = 0; i < n; i++)
        if (ql_cpu_has(flags, isa[i].flag))
            printf(" %s:%s", isa[i].name, isa[i].cap);
    putchar('\n');
    return 0;
}

static int cmd_list(const command *c, int argc, char **argv)
{
    const char *what[1] = {NULL};
    size_t n;
    int t = operands(c, argc, argv, 1, what);
    if (t)
        return t;
    if (what[0] && strcmp(what[0], "engines") == 0) {
        const ql_engine *e = ql_engines(&n);
        for (size_t i = 0; i < n; i++)
            printf("%s\n", e[i].name);
    } else if (what[0] && strcmp(what[0], "kernels") == 0) {
        const ql_kernel *k = ql_kernels(&n);
        for (size_t i = 0; i < n; i++)
            printf("%s %s\n", k[i].name, k[i].available() ? "yes" : "no");
    } else if (what[0])
        return bad_usage(c, "cannot list '%s'; say engines or kernels",
                         what[0]);
    else
        return bad_usage(c, "say what to list: engines or kernels");
    return 0;
}

static void list_details(FILE *f)
{
    fputs("'list engines' prints the engines' names, one per line;\n"
          "'list kernels' prints each kernel's name and 'yes' or 'no',\n"
          "whether this CPU has its instructions.\n", f);
}

static int cmd_eval(const command *c, int argc, char **argv)
{
    const char *engine = "qnnpack", *kernel = NULL, *path = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--engine") == 0 && i + 1 == argc)
            return bad_usage(c, "option '--engine' needs an engine's "
                             "NAME");
        if (strcmp(argv[i], "--kernel") == 0 && i + 1 == argc)
            return bad_usage(c, "option '--kernel' needs a kernel's "
                             "NAME");
        if (strcmp(argv[i], "--engine") == 0)
            engine = argv[++i];
        else if (strncmp(argv[i], "--engine=", 9) == 0)
            engine = argv[i] + 9;
        else if (strcmp(argv[i], "--kernel") == 0)
            kernel = argv[++i];
        else if (strncmp(argv[i], "--kernel=", 9) == 0)
            kernel = argv[i] + 9;
        else if (is_option(argv[i]))
            return bad_usage(c, "unknown option '%s'", argv[i]);
        else if (path)
            return bad_usage(c, "too many arguments ('%s' is one too "
                             "many)", argv[i]);
        else
            path = argv[i];
    }
    const ql_engine *e = ql_find_engine(engine);
    if (!e) {
        fprintf(stderr, "qlinear: unknown engine '%s'; "
                "'qlinear help eval' lists them\n", engine);
        return 2;
    }
    eval_choice ch = { e, kernel ? ql_find_kernel(kernel) : NULL };
    if (kernel && !ch.kernel) {
        fprintf(stderr, "qlinear: unknown kernel '%s'; "
                "'qlinear help eval' lists them\n", kernel);
        return 2;
    }
    if (ch.kernel && ql_kernel_refuses(ch.kernel, e, NULL)) {
        fprintf(stderr, "qlinear: kernel %s cannot run engine %s: %s\n",
                kernel, e->name, ql_kernel_refuses(ch.kernel, e, NULL));
        return 2;
    }
    return run_items(path, "layer", eval_one, &ch);
}

static int cmd_observe(const command *c, int argc, char **argv)
{
    const char *path[1] = {NULL};
    int t = operands(c, argc, argv, 1, path);
    return t ? t : run_items(path[0], "observation", observe_one, NULL);
}

static int cmd_quantize(const command *c, int argc, char **argv)
{
    const char *path[1] = {NULL};
    int t = operands(c, argc, argv, 1, path);
    return t ? t : run_items(path[0], "quantize case", quantize_one, NULL);
}

static int cmd_forum(const command *c, int argc, char **argv)
{
    int t = operands(c, argc, argv, 0, NULL);
    return t ? t : forum_story();
}

static void eval_details(FILE *f)
{
    size_t n, nk;
    const ql_engine *e = ql_engines(&n);
    const ql_kernel *k = ql_kernels(&nk);
    fputs("Reads layers (the book's appendix 'Reading layers') from FILE\n"
          "or standard input and prints each layer's outputs, one line\n"
          "per layer.\n\nkernels (default: the fastest this CPU has for "
          "the engine;\nall give the same outputs):\n", f);
    for (size_t i = 0; i < nk; i++)
        fprintf(f, "  %-12s %s%s\n", k[i].name, k[i].summary,
                k[i].available() ? "" : " (not on this CPU)");
    size_t nd;
    const ql_dynamic_engine *d = ql_dynamic_engines(&nd);
    fputs("\ndynamic layers ('dynamic M K N', float input and output) run "
          "with\nthe dynamic row of the engine's name:\n", f);
    for (size_t i = 0; i < nd; i++)
        fprintf(f, "  dynamic %-12s %s\n", d[i].name, d[i].summary);
    fputs("\nengines (default qnnpack):\n", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %-12s %s\n", e[i].name, e[i].summary);
}

static void observe_details(FILE *f)
{
    fputs("Reads lines '[symmetric] [reduce_range] DTYPE N v1 .. vN'\n"
          "(DTYPE quint8 or qint8) and prints 'SCALE ZERO_POINT' as\n"
          "PyTorch's MinMaxObserver would choose them.  A line\n"
          "'per-channel R [symmetric] [reduce_range] DTYPE N v1 .. vN'\n"
          "holds R rows of N/R values and prints 'S0 Z0 S1 Z1 ..', one\n"
          "pair per row, as PerChannelMinMaxObserver (axis 0).\n", f);
}

static void quantize_details(FILE *f)
{
    fputs("Reads lines 'DTYPE SCALE ZERO_POINT N v1 .. vN' and prints the\n"
          "codes PyTorch's quantize_per_tensor would give.\n", f);
}

static int cmd_help(const command *c, int argc, char **argv);

static const command commands[] = {
    {"forum", "", "the forum's layer, step by step", cmd_forum, NULL},
    {"eval", "[--engine NAME] [--kernel NAME] [FILE]",
     "print each layer's outputs",
     cmd_eval, eval_details},
    {"observe", "[FILE]", "pick scale and zero point as MinMaxObserver",
     cmd_observe, observe_details},
    {"quantize", "[FILE]", "quantize values as PyTorch does",
     cmd_quantize, quantize_details},
    {"cpu", "[--flags LIST]", "which oneDNN this CPU runs, and its corpora",
     cmd_cpu, cpu_details},
    {"compare", "[--engines A,B,..] [--format tsv] [FILE]",
     "which engines agree on each layer, and why not", cmd_compare,
     compare_details},
    {"help", "[COMMAND]", "this list, or one command's help", cmd_help,
     NULL},
    {"list", "engines|kernels", "the engines or the kernels, for scripts",
     cmd_list, list_details},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void usage(FILE *f)
{
    fputs("usage: qlinear COMMAND [ARGUMENTS]\n\ncommands:\n", f);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %s%s%s\n      %s\n", commands[i].name,
                *commands[i].usage ? " " : "", commands[i].usage,
                commands[i].summary);
    fputs("\n'qlinear help COMMAND' or 'qlinear COMMAND --help' says more;\n"
          "'qlinear --version' prints the version.\n", f);
}

static void command_help(const command *c, FILE *f)
{
    fprintf(f, "usage: qlinear %s%s%s\n\n%c%s.\n", c->name,
            *c->usage ? " " : "", c->usage,
            toupper((unsigned char)c->summary[0]), c->summary + 1);
    if (c->details) {
        putc('\n', f);
        c->details(f);
    }
}

static int cmd_help(const command *c, int argc, char **argv)
{
    const char *name[1] = {NULL};
    int t = operands(c, argc, argv, 1, name);
    if (t || !name[0]) {
        if (!t)
            usage(stdout);
        return t;
    }
    const command *d = find_command(name[0]);
    if (!d) {
        fprintf(stderr, "qlinear help: unknown command '%s'; "
                "'qlinear help' lists them\n", name[0]);
        return 2;
    }
    command_help(d, stdout);
    return 0;
}

static int close_stdout(int status)
{
    errno = 0;
    int bad = fflush(stdout) != 0 || ferror(stdout);
    int why = errno;
    if (fclose(stdout) != 0 && !bad) {
        bad = 1;
        why = errno;
    }
    if (!bad)
        return status;
    fprintf(stderr, "qlinear: cannot write standard output%s%s\n",
            why ? ": " : "", why ? strerror(why) : "");
    return status ? status : 1;
}

static int wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("qlinear %s\n", QL_VERSION);
        return 0;
    }
    const command *c = find_command(argv[1]);
    if (!c) {
        fprintf(stderr, "qlinear: unknown command '%s'; "
                "'qlinear help' lists the commands\n", argv[1]);
        return 2;
    }
    if (wants_help(argc - 2, argv + 2)) {
        command_help(c, stdout);
        return 0;
    }
    return c->run(c, argc - 2, argv + 2);
}

int main(int argc, char **argv)
{
    return close_stdout(dispatch(argc, argv));
}

