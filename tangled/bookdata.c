#include "qlinear.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
static const float div_example_r = 0.273939937f;
static const float div_example_s = 0.00214854861f;
static const float zp_example_r = 0.5f;
static const int32_t zp_example_z = 1;
#include <stdarg.h>
static FILE *out;

static void def(const char *name, const char *fmt, ...)
{
    va_list ap;
    fprintf(out, "\\newcommand{\\%s}{", name);
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputs("}\n", out);
}

static void fail_book(const char *why)
{
    fprintf(stderr, "bookdata: %s\n", why);
    exit(1);
}

static FILE *open_out(const char *dir, const char *file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    return f;
}
static int ulps_apart(float a, float b)      /* a, b > 0 */
{
    int n = 0;
    while (a < b && n < 1000) { a = nextafterf(a, b); n++; }
    while (b < a && n < 1000) { b = nextafterf(b, a); n++; }
    return n;
}

static void forum_numbers(void)
{
    const ql_layer *L = ql_forum_layer();
    float mq = ql_multiplier_qnnpack(L->x_q.scale, L->w_q.scale,
                                     L->y_q.scale);
    uint8_t y[2];
    def("ForumXa", "%d", L->x[0]);
    def("ForumXb", "%d", L->x[1]);
    def("ForumSx", "%.9g", (double)L->x_q.scale);
    def("ForumZx", "%d", (int)L->x_q.zero_point);
    def("ForumWaa", "%d", L->w[0]);
    def("ForumWab", "%d", L->w[1]);
    def("ForumWba", "%d", L->w[2]);
    def("ForumWbb", "%d", L->w[3]);
    def("ForumSw", "%.9g", (double)L->w_q.scale);
    def("ForumZw", "%d", (int)L->w_q.zero_point);
    def("ForumSy", "%.9g", (double)L->y_q.scale);
    def("ForumZy", "%d", (int)L->y_q.zero_point);
    for (size_t j = 0; j < 2; j++) {
        char name[32];
        long long wrong = 0;
        float v = (float)ql_acc_exact(L, 0, j) * mq;
        for (size_t k = 0; k < 2; k++)
            wrong += (long long)(L->x[k] - L->x_q.zero_point
                                 - L->w_q.zero_point) * L->w[2 * j + k];
        snprintf(name, sizeof name, "ForumAcc%c", "AB"[j]);
        def(name, "%lld", (long long)ql_acc_exact(L, 0, j));
        snprintf(name, sizeof name, "ForumWrongAcc%c", "AB"[j]);
        def(name, "%lld", wrong);
        snprintf(name, sizeof name, "ForumVq%c", "AB"[j]);
        def(name, "%.9g", (double)v);
        snprintf(name, sizeof name, "ForumRq%c", "AB"[j]);
        def(name, "%g", (double)ql_round_half_even(v));
    }
    ql_find_engine("qnnpack")->run(L, y);
    def("ForumOutQa", "%d", y[0]);
    def("ForumOutQb", "%d", y[1]);
    def("ForumMq", "%.9g", (double)mq);
    def("ForumMf", "%.9g", (double)ql_multiplier_fbgemm(
            L->x_q.scale, L->w_q.scale, L->y_q.scale));
    def("ForumMultUlps", "%d", ulps_apart(mq, ql_multiplier_fbgemm(
            L->x_q.scale, L->w_q.scale, L->y_q.scale)));
    def("ForumMd", "%.17g",
        (double)L->x_q.scale * L->w_q.scale / L->y_q.scale);
    def("ForumPairX", "%d", L->x[0]);
    def("ForumPairY", "%d", L->x[1]);
    def("ForumPairWa", "%d", L->w[0]);
    def("ForumPairWb", "%d", L->w[1]);
    def("ForumPairExact", "%d", L->x[0] * L->w[0] + L->x[1] * L->w[1]);
}
static void quantizer_examples(void)
{
    ql_qparams p = { div_example_s, 0 }, z = { 1.0f, zp_example_z };
    def("QuantDivR", "%.9g", (double)div_example_r);
    def("QuantDivS", "%.9g", (double)div_example_s);
    def("QuantDivQuot", "%.9g", (double)(div_example_r / div_example_s));
    def("QuantDivProd", "%.9g",
        (double)(div_example_r * (1.0f / div_example_s)));
    def("QuantDivTorch", "%d", (int)ql_quantize(div_example_r, p,
                                                QL_QUINT8));
    def("QuantDivForum", "%d", (int)ql_forum_quantize(div_example_r, p));
    def("QuantZpZ", "%d", (int)zp_example_z);
    def("QuantZpR", "%g", (double)zp_example_r);
    def("QuantZpTorch", "%d", (int)ql_quantize(zp_example_r, z,
                                               QL_QUINT8));
    def("QuantZpForum", "%d", (int)ql_forum_quantize(zp_example_r, z));
}
static void counts_and_bounds(void)
{
    const ql_layer *L = ql_forum_layer();
    long long m = 64, k = 512, n = 64, big;
    def("OpsForumInner", "%zu", 2 * L->m * L->n * L->k);
    def("OpsForumOffsets", "%zu",
        L->m * L->k + L->n * L->k + 5 * L->m * L->n + 2);
    def("OpsBigM", "%lld", m);
    def("OpsBigK", "%lld", k);
    def("OpsBigN", "%lld", n);
    def("OpsBigInner", "%lld", 2 * m * n * k);
    def("OpsBigOffsets", "%lld", m * k + n * k + 5 * m * n + 2);
    def("AccDxLo", "%d", 0 - 255);
    def("AccDxHi", "%d", 255 - 0);
    def("AccDwLo", "%d", -128 - 127);
    def("AccDwHi", "%d", 127 - (-128));
    big = 255LL * 255;
    def("AccMaxProd", "%lld", big);
    def("AccIntMax", "%ld", (long)INT32_MAX);
    def("AccMaxK", "%lld", (long long)INT32_MAX / big);
    def("AccRawLo", "%d", 255 * -128);
    def("AccRawHi", "%d", 255 * 127);
    def("AccMaxKRaw", "%d", INT32_MAX / (255 * 128));
    def("PairXa", "%d", 255);
    def("PairXb", "%d", 255);
    def("PairWa", "%d", 127);
    def("PairWb", "%d", 127);
    def("PairExact", "%d", 255 * 127 * 2);
    def("PairSat", "%d", (int)ql_sat16(255 * 127 * 2));
    def("PairRRPos", "%d", 127 * 127 * 2);
    def("PairRRNeg", "%d", 127 * -128 * 2);
}
static int show_multiplier_example(float sx, float sw, float sy,
                                   float mq, float mf);
static uint32_t seed = 20221027u;
static float random_scale(void)
{
    seed = seed * 1664525u + 1013904223u;
    return (float)pow(10.0, -4.0 + 3.0 * (seed >> 8) / 16777216.0);
}

static void multiplier_orders(void)
{
    int trials = 100000, differ = 0, shown = 0, max_ulps = 0;
    for (int t = 0; t < trials; t++) {
        float sx = random_scale(), sw = random_scale(), sy = random_scale();
        float mq = ql_multiplier_qnnpack(sx, sw, sy);
        float mf = ql_multiplier_fbgemm(sx, sw, sy);
        if (mq == mf)
            continue;
        differ++;
        if (ulps_apart(mq, mf) > max_ulps)
            max_ulps = ulps_apart(mq, mf);
        if (!shown)
            shown = show_multiplier_example(sx, sw, sy, mq, mf);
    }
    if (!shown)
        fail_book("no accumulator shows the multiplier orders differ");
    def("MultTrials", "%d", trials);
    def("MultDiffer", "%d", differ);
    def("MultMaxUlps", "%d", max_ulps);
}
static int show_multiplier_example(float sx, float sw, float sy,
                                   float mq, float mf)
{
    for (int32_t a = 1; a < 1 << 20; a++) {
        float vq = (float)a * mq, vf = (float)a * mf;
        if (vq > 255.0f)
            return 0;
        if (ql_requantize_x86(vq, 0) == ql_requantize_x86(vf, 0))
            continue;
        def("MultExSx", "%.9g", (double)sx);
        def("MultExSw", "%.9g", (double)sw);
        def("MultExSy", "%.9g", (double)sy);
        def("MultExAcc", "%d", (int)a);
        def("MultExQ", "%.9g", (double)vq);
        def("MultExF", "%.9g", (double)vf);
        def("MultExOutQ", "%d", ql_requantize_x86(vq, 0));
        def("MultExOutF", "%d", ql_requantize_x86(vf, 0));
        return 1;
    }
    return 0;
}
static void double_example(const char *dir);
static void exit_clean(FILE *fl, FILE *fe, ql_layer *L, uint8_t *a,
                       uint8_t *b, uint8_t *c);

static void run_answer3(const ql_layer *L, uint8_t *y)
{
    double *d = malloc(L->m * L->n * sizeof *d);
    if (!d)
        fail_book("out of memory");
    ql_forum_answer3(L, d);
    for (size_t i = 0; i < L->m * L->n; i++)
        y[i] = (uint8_t)d[i];
    free(d);
}

static ql_corpus_stats corpus(const char *dir, ql_run_fn run,
                              unsigned flags)
{
    char pl[1024], pe[1024];
    ql_corpus_stats st;
    snprintf(pl, sizeof pl, "%s/qnnpack-layers.txt", dir);
    snprintf(pe, sizeof pe, "%s/qnnpack-expected.txt", dir);
    if (ql_compare_corpus(pl, pe, run, flags, &st) != 0)
        fail_book(st.detail);
    return st;
}
static void corpus_numbers(const char *dir)
{
    ql_corpus_stats q = corpus(dir, ql_find_engine("qnnpack")->run, 0);
    ql_corpus_stats a3 = corpus(dir, run_answer3, QL_SKIP_BIAS);
    ql_corpus_stats ex = corpus(dir, ql_find_engine("exact")->run, 0);
    if (q.bad_outputs != 0)
        fail_book("the qnnpack engine disagrees with the corpus");
    def("CorpusLayers", "%zu", q.layers);
    def("CorpusOutputs", "%zu", q.outputs);
    def("CorpusNoBias", "%zu", a3.layers);
    def("CorpusAnsThreeLayers", "%zu", a3.bad_layers);
    def("CorpusAnsThreeOutputs", "%zu", a3.bad_outputs);
    def("CorpusExactLayers", "%zu", ex.bad_layers);
    def("CorpusExactOutputs", "%zu", ex.bad_outputs);
    double_example(dir);
}
static void double_example(const char *dir)
{
    char pl[1024], pe[1024];
    snprintf(pl, sizeof pl, "%s/qnnpack-layers.txt", dir);
    snprintf(pe, sizeof pe, "%s/qnnpack-expected.txt", dir);
    FILE *fl = fopen(pl, "r"), *fe = fopen(pe, "r");
    ql_reader rl, re;
    ql_layer L;
    if (!fl || !fe)
        fail_book("cannot open the corpus");
    ql_reader_init(&rl, fl, pl);
    ql_reader_init(&re, fe, pe);
    while (ql_read_layer(&rl, &L) > 0) {
        size_t n = L.m * L.n;
        uint8_t *want = malloc(n), *a3 = malloc(n), *ex = malloc(n);
        if (!want || !a3 || !ex || ql_read_outputs(&re, n, want) <= 0)
            fail_book("cannot read the expected outputs");
        run_answer3(&L, a3);
        ql_find_engine("exact")->run(&L, ex);
        for (size_t o = 0; o < n && !L.bias; o++)
            if (a3[o] != want[o]) {
                size_t i = o / L.n, j = o % L.n;
                int64_t a = ql_acc_exact(&L, i, j);
                float m = ql_multiplier_qnnpack(L.x_q.scale, L.w_q.scale, L.y_q.scale);
                def("DblAcc", "%lld", (long long)a);
                def("DblSx", "%.9g", (double)L.x_q.scale);
                def("DblSw", "%.9g", (double)L.w_q.scale);
                def("DblSy", "%.9g", (double)L.y_q.scale);
                def("DblZy", "%d", (int)L.y_q.zero_point);
                def("DblValue", "%.17g",
                    (double)a * ((double)L.x_q.scale * L.w_q.scale) / L.y_q.scale);
                def("DblAnswer", "%d", a3[o]);
                def("DblValueF", "%.9g", (double)((float)ql_wrap_i32(a) * m));
                def("DblQnnpack", "%d", want[o]);
                def("DblTorch", "%d", want[o]);
                def("DblExact", "%d", ex[o]);
                def("DblVerdict", "%s", ex[o] == a3[o]
                    ? "here the double is the mathematically right answer and PyTorch "
                      "is off by one"
                    : "here PyTorch's float32 answer is the right one and the double "
                      "is off by one");
                exit_clean(fl, fe, &L, want, a3, ex);
                return;
            }
        free(want);
        free(a3);
        free(ex);
        ql_layer_free(&L);
    }
    fail_book("answer 3 agrees with the whole corpus");
}
static void exit_clean(FILE *fl, FILE *fe, ql_layer *L, uint8_t *a,
                       uint8_t *b, uint8_t *c)
{
    fclose(fl);
    fclose(fe);
    ql_layer_free(L);
    free(a);
    free(b);
    free(c);
}
static void rounding_table(FILE *f)
{
    static const float v[] = { 2.5f, -2.5f, 1.5f, -1.5f, 0.5f, -0.5f,
                               3.5f, 2.4999998f };
    fputs("\\begin{tabular}{rrrr}\n\\toprule\n"
          "$x$ & half to even & half away from zero"
          " & $\\lfloor x + \\frac12 \\rfloor$\\\\\n\\midrule\n", f);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        fprintf(f, "$%.9g$ & $%g$ & $%g$ & $%g$\\\\\n", (double)v[i],
                (double)ql_round_half_even(v[i]) + 0.0,
                (double)roundf(v[i]) + 0.0,
                (double)floorf(v[i] + 0.5f) + 0.0);
    fputs("\\bottomrule\n\\end{tabular}\n", f);
}
static void row(FILE *f, const char *label, const char *fmt, double a,
                double b)
{
    fprintf(f, "%s & $", label);
    fprintf(f, fmt, a);
    fputs("$ & $", f);
    fprintf(f, fmt, b);
    fputs("$\\\\\n", f);
}

static void forum_table(FILE *f)
{
    const ql_layer *L = ql_forum_layer();
    float mq = ql_multiplier_qnnpack(L->x_q.scale, L->w_q.scale,
                                     L->y_q.scale);
    double q[2], a2[2], a3[2], wrong[2], acc[2], v[2];
    uint8_t y[2];
    for (size_t j = 0; j < 2; j++) {
        acc[j] = (double)ql_acc_exact(L, 0, j);
        v[j] = (double)((float)acc[j] * mq);
        wrong[j] = 0;
        for (size_t k = 0; k < 2; k++)
            wrong[j] += (double)(L->x[k] - L->x_q.zero_point
                                 - L->w_q.zero_point) * L->w[2 * j + k];
    }
    ql_forum_question(L, q);
    ql_forum_answer2(L, a2);
    ql_forum_answer3(L, a3);
    fputs("\\begin{tabular}{lrr}\n\\toprule\n"
          "step & output 0 & output 1\\\\\n\\midrule\n", f);
    row(f, "weights $w_{j0}$", "%g", L->w[0], L->w[2]);
    row(f, "weights $w_{j1}$", "%g", L->w[1], L->w[3]);
    row(f, "$(x_0 - Z_x)(w_{j0} - Z_w)$", "%g",
        (double)(L->x[0] - L->x_q.zero_point) * (L->w[0] - L->w_q.zero_point),
        (double)(L->x[0] - L->x_q.zero_point) * (L->w[2] - L->w_q.zero_point));
    row(f, "$(x_1 - Z_x)(w_{j1} - Z_w)$", "%g",
        (double)(L->x[1] - L->x_q.zero_point) * (L->w[1] - L->w_q.zero_point),
        (double)(L->x[1] - L->x_q.zero_point) * (L->w[3] - L->w_q.zero_point));
    row(f, "accumulator $a_j$", "%g", acc[0], acc[1]);
    row(f, "QNNPACK $\\fl(\\fl(a_j)\\,M)$", "%.9g", v[0], v[1]);
    row(f, "rounded half to even", "%g",
        (double)ql_round_half_even((float)v[0]),
        (double)ql_round_half_even((float)v[1]));
    ql_find_engine("qnnpack")->run(L, y);
    row(f, "QNNPACK output ($+Z_y$, clamped)", "%g", y[0], y[1]);
    fputs("\\midrule\n", f);
    row(f, "question: accumulator", "%g", wrong[0], wrong[1]);
    row(f, "question: output", "%g", q[0], q[1]);
    row(f, "answer 2: output", "%.9g", a2[0], a2[1]);
    row(f, "answer 3: output", "%g", a3[0], a3[1]);
    ql_find_engine("fbgemm")->run(L, y);
    row(f, "FBGEMM output", "%g", y[0], y[1]);
    ql_find_engine("exact")->run(L, y);
    row(f, "exact output", "%g", y[0], y[1]);
    fputs("\\bottomrule\n\\end{tabular}\n", f);
}
int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bookdata DATA_DIR OUT_DIR\n");
        return 2;
    }
    out = open_out(argv[2], "numbers.tex");
    def("QLversion", "%s", QL_VERSION);
    forum_numbers();
    quantizer_examples();
    counts_and_bounds();
    multiplier_orders();
    corpus_numbers(argv[1]);
    fclose(out);
    FILE *f = open_out(argv[2], "rounding-table.tex");
    rounding_table(f);
    fclose(f);
    f = open_out(argv[2], "forum-table.tex");
    forum_table(f);
    fclose(f);
    return 0;
}
