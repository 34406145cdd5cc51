/* reader.c: the readers of layer, observation and quantize-case
   files, and the walk over a corpus of layers and expected outputs.
   Tangled from qlinear.nw: edit that, not this file. */
#include <float.h>
#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "qlinear needs FLT_EVAL_METHOD == 0 (SSE2, NEON, ...)"
#endif
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "qlinear.h"
#include <stdarg.h>
#include <ctype.h>
#include <errno.h>
static int read_qparams(ql_reader *r, const char *word, long zlo,
                        long zhi, ql_qparams *p);
static int read_weight_qparams(ql_reader *r, ql_layer *L);
static int read_weight_per_tensor(ql_reader *r, ql_qparams *p);
static int read_line_values(ql_reader *r, long line, size_t n, float **v);
static int read_codes(ql_reader *r, const char *what, size_t n,
                      long lo, long hi, long *buf);
void ql_reader_init(ql_reader *r, FILE *in, const char *name)
{
    r->in = in;
    r->name = name;
    r->line = 1;
    r->c = getc(in);
    r->tok[0] = '\0';
    r->tok_line = 0;
    r->start_line = 0;
    r->err[0] = '\0';
    r->again = 0;
}

static int fail(ql_reader *r, long line, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(r->err, sizeof r->err, "%s:%ld: ", r->name, line);
    va_start(ap, fmt);
    vsnprintf(r->err + n, sizeof r->err - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static void advance(ql_reader *r)
{
    if (r->c == '\n')
        r->line++;
    r->c = getc(r->in);
}

static int next_token(ql_reader *r)
{
    size_t len = 0;
    if (r->again) {
        r->again = 0;
        return 1;
    }
    for (;;) {
        while (r->c != EOF && isspace(r->c))
            advance(r);
        if (r->c != '#')
            break;
        while (r->c != EOF && r->c != '\n')
            advance(r);
    }
    if (r->c == EOF)
        return ferror(r->in) ? fail(r, r->line, "read error") : 0;
    if (r->tok_line == 0 && r->c == 0xef)
        return fail(r, r->line, "byte 0xef: the file starts with a UTF-8 "
                    "byte-order mark; save it as plain ASCII");
    r->tok_line = r->line;
    while (r->c != EOF && !isspace(r->c) && r->c != '#') {
        if (r->c < 0x21 || r->c > 0x7e)
            return fail(r, r->line, "unexpected byte 0x%02x", r->c);
        if (len == QL_MAX_TOKEN)
            return fail(r, r->line, "token longer than %d characters",
                        QL_MAX_TOKEN);
        r->tok[len++] = (char)r->c;
        advance(r);
    }
    r->tok[len] = '\0';
    return 1;
}

static int parse_int(ql_reader *r, const char *what, long lo, long hi,
                     long *out)
{
    char *end;
    errno = 0;
    long v = strtol(r->tok, &end, 10);
    if (*end != '\0' || end == r->tok)
        return fail(r, r->tok_line, "%s: expected an integer, found '%s'",
                    what, r->tok);
    if (errno == ERANGE || v < lo || v > hi)
        return fail(r, r->tok_line, "%s %s out of range [%ld, %ld]",
                    what, r->tok, lo, hi);
    *out = v;
    return 1;
}

static int read_int(ql_reader *r, const char *what, long lo, long hi,
                    long *out)
{
    int t = next_token(r);
    return t <= 0 ? t : parse_int(r, what, lo, hi, out);
}

static int required(ql_reader *r, int t, const char *what)
{
    return t == 0 ? fail(r, r->line, "missing %s at end of input", what)
                  : t;
}

#define FLOAT_ROUNDS_TO_INF 0x1.ffffffp+127   /* 2^128 - 2^103 */
static int parse_float(ql_reader *r, const char *what, float *out)
{
    char *end;
    double d = strtod(r->tok, &end);
    if (*end != '\0' || end == r->tok)
        return fail(r, r->tok_line, "%s: expected a number, found '%s'",
                    what, r->tok);
    if (!isfinite(d) || fabs(d) >= FLOAT_ROUNDS_TO_INF)
        return fail(r, r->tok_line, "%s %s is not a finite float32",
                    what, r->tok);
    *out = (float)d;
    return 1;
}

static int parse_scale(ql_reader *r, const char *what, float *out)
{
    int t = parse_float(r, what, out);
    if (t > 0 && !(*out > 0.0f && isnormal(*out)))
        return fail(r, r->tok_line,
                    "%s %s must be a positive normal float32", what, r->tok);
    return t;
}

static int read_scale(ql_reader *r, const char *what, float *out)
{
    int t = next_token(r);
    return t <= 0 ? t : parse_scale(r, what, out);
}

void ql_layer_free(ql_layer *L)
{
    free(L->x);
    free(L->w);
    free(L->bias);
    free(L->w_channel);
    L->x = NULL;
    L->w = NULL;
    L->bias = NULL;
    L->w_channel = NULL;
}

static int is_keyword(const char *s)
{
    static const char *const word[] = { "layer", "input", "weight",
                                        "per-channel", "bias", "output",
                                        "dynamic" };
    for (size_t i = 0; i < sizeof word / sizeof word[0]; i++)
        if (strcmp(s, word[i]) == 0)
            return 1;
    return 0;
}

static int looks_numeric(const char *s)
{
    return isdigit((unsigned char)s[0])
           || ((s[0] == '-' || s[0] == '+' || s[0] == '.')
               && (isdigit((unsigned char)s[1]) || s[1] == '.'));
}

static int expect(ql_reader *r, const char *word)
{
    int t = next_token(r);
    if (t < 0)
        return t;
    if (t == 0)
        return fail(r, r->line, "expected '%s', found end of input",
                    word);
    if (strcmp(r->tok, word) != 0)
        return fail(r, r->tok_line, "expected '%s', found '%s'%s", word,
                    r->tok, looks_numeric(r->tok) ? " (too many values?)"
                                                  : "");
    return 1;
}

int ql_read_layer(ql_reader *r, ql_layer *L)
{
    long v[3];
    memset(L, 0, sizeof *L);
    int t = next_token(r);
    if (t <= 0)
        return t;
    if (strcmp(r->tok, "relu") == 0)
        return fail(r, r->tok_line, "'relu' belongs after the word "
                    "'output': write 'output relu SCALE ZERO_POINT'");
    if (strcmp(r->tok, "dynamic") == 0)
        return fail(r, r->tok_line, "a dynamic layer (float input and output):"
                    " only 'qlinear eval' runs it");
    if (strcmp(r->tok, "layer") != 0)
        return fail(r, r->tok_line, "expected 'layer', found '%s'",
                    r->tok);
    r->start_line = r->tok_line;
    static const char *const dim_name[3] = { "M", "K", "N" };
    for (int d = 0; d < 3; d++)
        if (required(r, read_int(r, dim_name[d], 1, QL_MAX_DIM, &v[d]),
                     dim_name[d]) < 0)
            return -1;
    if ((unsigned long)v[0] * (unsigned long)v[1] > QL_MAX_ELEMS
        || (unsigned long)v[2] * (unsigned long)v[1] > QL_MAX_ELEMS
        || (unsigned long)v[0] * (unsigned long)v[2] > QL_MAX_ELEMS)
        return fail(r, r->tok_line, "layer %ld %ld %ld is larger than %ld "
                    "elements per matrix", v[0], v[1], v[2], QL_MAX_ELEMS);
    L->m = (size_t)v[0];
    L->k = (size_t)v[1];
    L->n = (size_t)v[2];
    long *buf = malloc((L->m > L->n ? L->m : L->n) * L->k * sizeof *buf);
    L->x = malloc(L->m * L->k);
    L->w = malloc(L->n * L->k);
    if (!buf || !L->x || !L->w) {
        free(buf);
        ql_layer_free(L);
        return fail(r, r->line, "out of memory");
    }
    if ((t = read_qparams(r, "input", 0, 255, &L->x_q)) <= 0
        || (t = read_codes(r, "input", L->m * L->k, 0, 255, buf)) <= 0)
        goto bad;
    for (size_t i = 0; i < L->m * L->k; i++)
        L->x[i] = (uint8_t)buf[i];
    if ((t = read_weight_qparams(r, L)) <= 0
        || (t = read_codes(r, "weight", L->n * L->k, -128, 127, buf)) <= 0)
        goto bad;
    for (size_t i = 0; i < L->n * L->k; i++)
        L->w[i] = (int8_t)buf[i];
    free(buf);
    buf = NULL;
    if ((t = next_token(r)) <= 0) {
        if (t == 0)
            t = fail(r, r->line, "expected 'bias' or 'output', found end "
                     "of input");
        goto bad;
    }
    if (strcmp(r->tok, "bias") == 0) {
        if (!(L->bias = malloc(L->n * sizeof *L->bias))) {
            t = fail(r, r->tok_line, "out of memory");
            goto bad;
        }
        for (size_t j = 0; j < L->n; j++) {
            if ((t = next_token(r)) <= 0) {
                if (t == 0)
                    t = fail(r, r->line, "bias: expected %zu values, found %zu "
                             "before the end of input", L->n, j);
                goto bad;
            }
            if (is_keyword(r->tok)) {
                t = fail(r, r->tok_line, "bias: expected %zu values, found %zu "
                         "before '%s'", L->n, j, r->tok);
                goto bad;
            }
            if ((t = parse_float(r, "bias value", &L->bias[j])) < 0)
                goto bad;
        }
        if ((t = next_token(r)) <= 0) {
            if (t == 0)
                t = fail(r, r->line, "expected 'output', found end of input");
            goto bad;
        }
    }
    if (strcmp(r->tok, "output") != 0) {
        t = fail(r, r->tok_line, "expected 'output', found '%s'", r->tok);
        goto bad;
    }
    {
        long z = 0;
        if (required(r, next_token(r), "output scale") < 0)
            goto bad;
        if (strcmp(r->tok, "relu") == 0) {
            L->relu = 1;
            if (required(r, next_token(r), "output scale") < 0)
                goto bad;
            if (strcmp(r->tok, "relu") == 0) {
                fail(r, r->tok_line, "'relu' given twice");
                goto bad;
            }
        }
        if (parse_scale(r, "output scale", &L->y_q.scale) < 0
            || required(r, read_int(r, "output zero point", 0, 255, &z),
                        "output zero point") < 0)
            goto bad;
        L->y_q.zero_point = (int32_t)z;
    }
    return 1;
    bad:
    free(buf);
    ql_layer_free(L);
    return -1;
}

static int read_qparams(ql_reader *r, const char *word, long zlo,
                        long zhi, ql_qparams *p)
{
    char what[40];
    long z = 0;
    int t = expect(r, word);
    if (t <= 0)
        return t;
    snprintf(what, sizeof what, "%s scale", word);
    if (required(r, read_scale(r, what, &p->scale), what) < 0)
        return -1;
    snprintf(what, sizeof what, "%s zero point", word);
    if (required(r, read_int(r, what, zlo, zhi, &z), what) < 0)
        return -1;
    p->zero_point = (int32_t)z;
    return 1;
}

static int read_codes(ql_reader *r, const char *what, size_t n,
                      long lo, long hi, long *buf)
{
    for (size_t i = 0; i < n; i++) {
        int t = next_token(r);
        if (t < 0)
            return t;
        if (t == 0)
            return fail(r, r->line, "%s: expected %zu values, found %zu "
                        "before the end of input", what, n, i);
        if (!looks_numeric(r->tok))
            return fail(r, r->tok_line, "%s: expected %zu values, found "
                        "%zu before '%s'", what, n, i, r->tok);
        if (parse_int(r, what, lo, hi, &buf[i]) < 0)
            return -1;
    }
    return 1;
}

static int read_weight_qparams(ql_reader *r, ql_layer *L)
{
    int t = expect(r, "weight");
    if (t <= 0)
        return t;
    if ((t = required(r, next_token(r), "weight scale")) < 0)
        return t;
    if (strcmp(r->tok, "per-channel") != 0)
        return read_weight_per_tensor(r, &L->w_q);
    if (!(L->w_channel = malloc(L->n * sizeof *L->w_channel)))
        return fail(r, r->tok_line, "out of memory");
    for (size_t j = 0; j < L->n; j++) {
        char what[48];
        snprintf(what, sizeof what, "weight scale [%zu]", j);
        if (required(r, read_scale(r, what, &L->w_channel[j].scale), what) < 0)
            return -1;
    }
    for (size_t j = 0; j < L->n; j++) {
        char what[48];
        long z = 0;
        snprintf(what, sizeof what, "weight zero point [%zu]", j);
        if (required(r, read_int(r, what, -128, 127, &z), what) < 0)
            return -1;
        L->w_channel[j].zero_point = (int32_t)z;
    }
    L->w_q = L->w_channel[0];
    return 1;
}

static int read_weight_per_tensor(ql_reader *r, ql_qparams *p)
{
    long z = 0;
    if (parse_scale(r, "weight scale", &p->scale) < 0
        || required(r, read_int(r, "weight zero point", -128, 127, &z),
                    "weight zero point") < 0)
        return -1;
    p->zero_point = (int32_t)z;
    return 1;
}

int ql_next_is_dynamic(ql_reader *r)
{
    int t = next_token(r);
    if (t <= 0)
        return t;
    r->again = 1;
    return strcmp(r->tok, "dynamic") == 0;
}

void ql_dynamic_free(ql_dynamic *D)
{
    free(D->x);
    D->x = NULL;
    ql_layer_free(&D->q);
}

int ql_read_dynamic(ql_reader *r, ql_dynamic *D)
{
    long v[3];
    ql_layer *L = &D->q;
    memset(D, 0, sizeof *D);
    int t = next_token(r);
    if (t <= 0)
        return t;
    if (strcmp(r->tok, "dynamic") != 0)
        return fail(r, r->tok_line, "expected 'dynamic', found '%s'",
                    r->tok);
    r->start_line = r->tok_line;
    static const char *const dim_name[3] = { "M", "K", "N" };
    for (int d = 0; d < 3; d++)
        if (required(r, read_int(r, dim_name[d], 1, QL_MAX_DIM, &v[d]),
                     dim_name[d]) < 0)
            return -1;
    if ((unsigned long)v[0] * (unsigned long)v[1] > QL_MAX_ELEMS
        || (unsigned long)v[2] * (unsigned long)v[1] > QL_MAX_ELEMS
        || (unsigned long)v[0] * (unsigned long)v[2] > QL_MAX_ELEMS)
        return fail(r, r->tok_line, "layer %ld %ld %ld is larger than %ld "
                    "elements per matrix", v[0], v[1], v[2], QL_MAX_ELEMS);
    L->m = (size_t)v[0];
    L->k = (size_t)v[1];
    L->n = (size_t)v[2];
    long *buf = malloc(L->n * L->k * sizeof *buf);
    D->x = malloc(L->m * L->k * sizeof *D->x);
    L->w = malloc(L->n * L->k);
    if (!buf || !D->x || !L->w) {
        t = fail(r, r->line, "out of memory");
        goto bad;
    }
    if ((t = expect(r, "input")) <= 0
        || (t = required(r, next_token(r), "input values")) < 0)
        goto bad;
    if (strcmp(r->tok, "reduce_range") == 0) {
        D->reduce_range = 1;
        if ((t = required(r, next_token(r), "input values")) < 0)
            goto bad;
    }
    for (size_t i = 0; i < L->m * L->k; i++) {
        if (i > 0 && (t = next_token(r)) <= 0) {
            if (t == 0)
                t = fail(r, r->line, "input: expected %zu values, found %zu "
                         "before the end of input", L->m * L->k, i);
            goto bad;
        }
        if (is_keyword(r->tok)) {
            t = fail(r, r->tok_line, "input: expected %zu values, found %zu "
                     "before '%s'", L->m * L->k, i, r->tok);
            goto bad;
        }
        if ((t = parse_float(r, "input value", &D->x[i])) < 0)
            goto bad;
    }
    if ((t = read_weight_qparams(r, L)) <= 0
        || (t = read_codes(r, "weight", L->n * L->k, -128, 127, buf)) <= 0)
        goto bad;
    for (size_t i = 0; i < L->n * L->k; i++)
        L->w[i] = (int8_t)buf[i];
    free(buf);
    buf = NULL;
    if ((t = next_token(r)) <= 0) {
        if (t == 0)
            t = fail(r, r->line, "expected 'bias' or 'output float', found "
                     "end of input");
        goto bad;
    }
    if (strcmp(r->tok, "bias") == 0) {
        if (!(L->bias = malloc(L->n * sizeof *L->bias))) {
            t = fail(r, r->tok_line, "out of memory");
            goto bad;
        }
        for (size_t j = 0; j < L->n; j++) {
            if ((t = next_token(r)) <= 0) {
                if (t == 0)
                    t = fail(r, r->line, "bias: expected %zu values, found %zu "
                             "before the end of input", L->n, j);
                goto bad;
            }
            if (is_keyword(r->tok)) {
                t = fail(r, r->tok_line, "bias: expected %zu values, found %zu "
                         "before '%s'", L->n, j, r->tok);
                goto bad;
            }
            if ((t = parse_float(r, "bias value", &L->bias[j])) < 0)
                goto bad;
        }
        if ((t = next_token(r)) <= 0) {
            if (t == 0)
                t = fail(r, r->line, "expected 'output float', found end of "
                         "input");
            goto bad;
        }
    }
    if (strcmp(r->tok, "output") != 0) {
        t = fail(r, r->tok_line, "expected 'output float', found '%s'", r->tok);
        goto bad;
    }
    if ((t = next_token(r)) <= 0 || strcmp(r->tok, "float") != 0) {
        if (t >= 0)
            t = fail(r, t ? r->tok_line : r->line, "a dynamic layer's output "
                     "is 'output float', without a scale or zero point; "
                     "found %s%s%s", t ? "'" : "end of input",
                     t ? r->tok : "", t ? "'" : "");
        goto bad;
    }
    return 1;
bad:
    free(buf);
    ql_dynamic_free(D);
    return -1;
}

int ql_compare_dynamic(const char *layers, const char *expected,
                       const ql_dynamic_engine *e, ql_corpus_stats *st)
{
    FILE *fl = fopen(layers, "r"), *fe = fopen(expected, "r");
    ql_reader rl;
    ql_dynamic D;
    int t = -1;
    memset(st, 0, sizeof *st);
    if (!fl || !fe) {
        snprintf(st->detail, sizeof st->detail, "cannot open %s",
                 fl ? expected : layers);
        goto done;
    }
    ql_reader_init(&rl, fl, layers);
    while ((t = ql_read_dynamic(&rl, &D)) > 0) {
        size_t n = D.q.m * D.q.n, bad = 0, at = st->layers + 1;
        float *got = malloc(n * sizeof *got);
        const char *why = e->refuses ? e->refuses(&D.q) : NULL;
        if (!got || (!why && e->run(&D, got) != 0)) {
            snprintf(st->detail, sizeof st->detail, "out of memory");
            t = -1;
        }
        for (size_t i = 0; i < n && t > 0; i++) {
            unsigned long want;
            uint32_t bits = 0;
            if (fscanf(fe, "%8lx", &want) != 1) {
                snprintf(st->detail, sizeof st->detail, "%s: the outputs end early, "
                         "at layer %zu", expected, at);
                t = -1;
                break;
            }
            if (!why)
                memcpy(&bits, &got[i], sizeof bits);
            if ((why || bits != want) && bad++ == 0 && !st->first_bad) {
                st->first_bad = at;
                snprintf(st->detail, sizeof st->detail, "layer %zu (line %ld), output "
                         "%zu: got %08lx (%.9g), want %08lx%s%s", at, rl.start_line, i,
                         (unsigned long)bits, why ? 0.0 : (double)got[i], want,
                         why ? ": " : "", why ? why : "");
            }
        }
        if (t > 0) {
            st->layers++;
            st->outputs += n;
            st->bad_outputs += bad;
            st->bad_layers += bad != 0;
        }
        free(got);
        ql_dynamic_free(&D);
        if (t < 0)
            break;
    }
    if (t < 0 && !st->detail[0])
        snprintf(st->detail, sizeof st->detail, "%s", rl.err);
done:
    if (fl) fclose(fl);
    if (fe) fclose(fe);
    return t < 0 ? -1 : 0;
}

static int rest_of_line_is_empty(ql_reader *r)
{
    while (r->c == ' ' || r->c == '\t' || r->c == '\r')
        advance(r);
    return r->c == '\n' || r->c == '#' || r->c == EOF;
}

static int read_observation(ql_reader *r, ql_scheme *sc, size_t *rows,
                            float **v, size_t *n)
{
    long count, line;
    int t = next_token(r);
    *v = NULL;
    if (t <= 0)
        return t;
    line = r->tok_line;
    sc->symmetric = sc->reduce_range = 0;
    if (rows && strcmp(r->tok, "per-channel") == 0) {
        long nrows = 0;
        if ((t = next_token(r)) < 0)
            return t;
        if (t == 0 || r->tok_line != line)
            return fail(r, line, "missing the number of rows");
        if (parse_int(r, "rows", 1, QL_MAX_DIM, &nrows) < 0)
            return -1;
        *rows = (size_t)nrows;
        if ((t = next_token(r)) < 0)
            return t;
        if (t == 0 || r->tok_line != line)
            return fail(r, line, "missing dtype");
    }
    for (;;) {
        if (strcmp(r->tok, "symmetric") == 0 && !sc->symmetric)
            sc->symmetric = 1;
        else if (strcmp(r->tok, "reduce_range") == 0 && !sc->reduce_range)
            sc->reduce_range = 1;
        else
            break;
        if ((t = next_token(r)) < 0)
            return t;
        if (t == 0 || r->tok_line != line)
            return fail(r, line, "missing dtype");
    }
    if (strcmp(r->tok, "quint8") == 0)
        sc->dtype = QL_QUINT8;
    else if (strcmp(r->tok, "qint8") == 0)
        sc->dtype = QL_QINT8;
    else
        return fail(r, line, "expected quint8 or qint8, found '%s'", r->tok);
    if (sc->symmetric && sc->reduce_range && sc->dtype == QL_QUINT8)
        return fail(r, line, "PyTorch cannot reduce the range of a "
                    "symmetric quint8 observer");
    if ((t = next_token(r)) < 0)
        return t;
    if (t == 0 || r->tok_line != line)
        return fail(r, line, "missing count");
    if (parse_int(r, "count", 0, QL_MAX_ELEMS, &count) < 0)
        return -1;
    if (rows && *rows && (count == 0 || (size_t)count % *rows != 0))
        return fail(r, line, "count %ld is not a positive multiple of the "
                    "%zu rows", count, *rows);
    if (read_line_values(r, line, (size_t)count, v) < 0)
        return -1;
    *n = (size_t)count;
    return 1;
}

int ql_read_observation(ql_reader *r, ql_scheme *sc, float **v,
                        size_t *n)
{
    return read_observation(r, sc, NULL, v, n);
}

int ql_read_observation_rows(ql_reader *r, ql_scheme *sc, size_t *rows,
                             float **v, size_t *n)
{
    *rows = 0;
    return read_observation(r, sc, rows, v, n);
}

static int read_line_values(ql_reader *r, long line, size_t n, float **v)
{
    if (!(*v = malloc((n ? n : 1) * sizeof **v)))
        return fail(r, line, "out of memory");
    for (size_t i = 0; i < n; i++) {
        int t = next_token(r);
        if (t == 0 || (t > 0 && r->tok_line != line))
            t = fail(r, line, "expected %zu values, found %zu", n, i);
        else if (t > 0)
            t = parse_float(r, "value", &(*v)[i]);
        if (t < 0) {
            free(*v);
            *v = NULL;
            return -1;
        }
    }
    if (!rest_of_line_is_empty(r)) {
        free(*v);
        *v = NULL;
        return fail(r, line, "more than %zu values", n);
    }
    return 1;
}

int ql_read_quantize(ql_reader *r, ql_dtype *t, ql_qparams *p, float **v,
                     size_t *n)
{
    long z, count, line;
    int k = next_token(r);
    *v = NULL;
    if (k <= 0)
        return k;
    line = r->tok_line;
    if (strcmp(r->tok, "quint8") != 0 && strcmp(r->tok, "qint8") != 0)
        return fail(r, line, "expected quint8 or qint8, found '%s'",
                    r->tok);
    *t = strcmp(r->tok, "quint8") == 0 ? QL_QUINT8 : QL_QINT8;
    if (required(r, read_scale(r, "scale", &p->scale), "scale") < 0
        || required(r, read_int(r, "zero point", *t == QL_QUINT8 ? 0 : -128,
                                *t == QL_QUINT8 ? 255 : 127, &z),
                    "zero point") < 0
        || required(r, read_int(r, "count", 0, QL_MAX_ELEMS, &count),
                    "count") < 0)
        return -1;
    if (r->tok_line != line)
        return fail(r, line, "a quantize case must fit on one line");
    p->zero_point = (int32_t)z;
    if (read_line_values(r, line, (size_t)count, v) < 0)
        return -1;
    *n = (size_t)count;
    return 1;
}

int ql_read_outputs(ql_reader *r, size_t n, uint8_t *y)
{
    for (size_t i = 0; i < n; i++) {
        long v = 0;
        int t = next_token(r);
        if (t > 0 && i == 0 && strcmp(r->tok, "unsupported:") == 0) {
            while (r->c != EOF && r->c != '\n')
                advance(r);
            return 2;
        }
        if (t > 0)
            t = parse_int(r, "output", 0, 255, &v);
        if (t < 0)
            return t;
        if (t == 0)
            return i == 0 ? 0 : fail(r, r->line, "expected %zu outputs, "
                                     "found %zu", n, i);
        y[i] = (uint8_t)v;
    }
    return 1;
}

int ql_compare_corpus(const char *layers, const char *expected,
                      ql_run_fn run, unsigned flags, ql_corpus_stats *st)
{
    ql_engine bare = { "", "", run, NULL };
    return ql_compare_engine(layers, expected, &bare, flags, st);
}

int ql_compare_engine(const char *layers, const char *expected,
                      const ql_engine *e, unsigned flags,
                      ql_corpus_stats *st)
{
    FILE *fl = fopen(layers, "r"), *fe = fopen(expected, "r");
    ql_reader rl, re;
    ql_layer L;
    int t = -1;
    memset(st, 0, sizeof *st);
    if (!fl || !fe) {
        snprintf(st->detail, sizeof st->detail, "cannot open %s",
                 fl ? expected : layers);
        goto done;
    }
    ql_reader_init(&rl, fl, layers);
    ql_reader_init(&re, fe, expected);
    while ((t = ql_read_layer(&rl, &L)) > 0) {
        size_t n = L.m * L.n, bad = 0;
        L.relu |= (flags & QL_FUSE_RELU) != 0;
        uint8_t *want = malloc(n), *got = malloc(n);
        if (!want || !got || (t = ql_read_outputs(&re, n, want)) <= 0) {
            snprintf(st->detail, sizeof st->detail, "%s",
                     !want || !got ? "out of memory"
                     : t == 0 ? "expected outputs end early" : re.err);
            t = -1;
        } else if ((flags & QL_SKIP_BIAS) && L.bias) {
            st->skipped++;
        } else if (t == 2 && e->refuses && e->refuses(&L)) {
            st->refused++;
        } else {
            size_t at = st->layers + st->skipped + st->refused + 1;
            const char *why = e->refuses ? e->refuses(&L) : NULL;
            if (t == 2 || why) {
                bad = n;
                if (!st->first_bad) {
                    st->first_bad = at;
                    snprintf(st->detail, sizeof st->detail, "layer %zu (line %ld): %s",
                             at, rl.tok_line, why ? why : "the real engine refused it");
                }
                t = 2;
            } else {
                e->run(&L, got);
            }
            for (size_t i = 0; i < n && t == 1; i++)
                if (got[i] != want[i] && bad++ == 0 && !st->first_bad) {
                    st->first_bad = at;
                    snprintf(st->detail, sizeof st->detail,
                             "layer %zu (line %ld), output %zu: got %d, want %d",
                             at, rl.tok_line, i, got[i], want[i]);
                }
            st->layers++;
            st->outputs += n;
            st->bad_outputs += bad;
            st->bad_layers += bad != 0;
        }
        free(want);
        free(got);
        ql_layer_free(&L);
        if (t < 0)
            break;
    }
    if (t < 0 && !st->detail[0])
        snprintf(st->detail, sizeof st->detail, "%s", rl.err);
done:
    if (fl) fclose(fl);
    if (fe) fclose(fe);
    return t < 0 ? -1 : 0;
}

