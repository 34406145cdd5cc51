#include "qlinear.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
static const struct { float v, want; } round_cases[] = {
    { 2.5f, 2.0f }, { 3.5f, 4.0f }, { -2.5f, -2.0f }, { -3.5f, -4.0f },
    { -0.5f, -0.0f }, { 0.5f, 0.0f }, { 1.5f, 2.0f }, { -1.5f, -2.0f },
    { 2.4999998f, 2.0f }, { 2.5000002f, 3.0f }, { -2.5000002f, -3.0f },
    { 8388607.5f, 8388608.0f }, { 16777215.0f, 16777215.0f },
};
enum { ROUND_CASES = sizeof round_cases / sizeof round_cases[0] };
static const float forum_input_f32[2] = {
    -2.1787893772125244f, 0.5684312582015991f };
static const float forum_weight_f32[4] = {
    -0.005293981172144413f, 0.37932288646698f,
    -0.5819807648658752f, -0.5203874707221985f };

static void forum_float_output(float y[2])     /* y = x W^T, float32 */
{
    for (int j = 0; j < 2; j++)
        y[j] = forum_input_f32[0] * forum_weight_f32[2 * j]
               + forum_input_f32[1] * forum_weight_f32[2 * j + 1];
}
static const float div_example_r = 0.273939937f;
static const float div_example_s = 0.00214854861f;
static const float zp_example_r = 0.5f;
static const int32_t zp_example_z = 1;
static const struct { int32_t acc; float m; int32_t zy; }
    requant_tie = { 5, 0.5f, 0 }, requant_order = { -100, 0.5f, 100 };
static const float pair_input_f32[2] = { 1.0f, 0.98f };
static const float pair_weight_f32[2] = { 0.5f, 0.47f };

static ql_layer pair_example_layer(int reduce_range, uint8_t x[2],
                                   int8_t w[2])
{
    ql_scheme sx = { QL_QUINT8, 0, reduce_range };
    ql_scheme sw = { QL_QINT8, 0, 0 }, sy = { QL_QUINT8, 0, 0 };
    float y = pair_input_f32[0] * pair_weight_f32[0]
              + pair_input_f32[1] * pair_weight_f32[1];
    ql_layer L = { 1, 2, 1, ql_observe(sx, pair_input_f32, 2),
                   ql_observe(sw, pair_weight_f32, 2),
                   ql_observe(sy, &y, 1), x, w, NULL, NULL, 0 };
    for (int k = 0; k < 2; k++) {
        x[k] = (uint8_t)ql_quantize(pair_input_f32[k], L.x_q, QL_QUINT8);
        w[k] = (int8_t)ql_quantize(pair_weight_f32[k], L.w_q, QL_QINT8);
    }
    return L;
}
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

static const char *nm(const char *fmt, ...)
{
    static char name[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    return name;
}

static void fail_book(const char *why)
{
    fprintf(stderr, "bookdata: %s\n", why);
    exit(1);
}

static FILE *open_out(const char *dir, const char *file)
{
    FILE *f = fopen(nm("%s/%s", dir, file), "w");
    if (!f) {
        perror(nm("%s/%s", dir, file));
        exit(1);
    }
    return f;
}

static FILE *table_open(const char *dir, const char *file,
                        const char *cols, const char *head)
{
    FILE *f = open_out(dir, file);
    fprintf(f, "\\begin{tabular}{%s}\n\\toprule\n%s\\\\\n\\midrule\n",
            cols, head);
    return f;
}

static void table_row(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputs("\\\\\n", f);
}

static void table_close(FILE *f)
{
    fputs("\\bottomrule\n\\end{tabular}\n", f);
    fclose(f);
}

static char warnings[4096];

static void warn_book(const char *fmt, ...)
{
    size_t n = strlen(warnings);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(warnings + n, sizeof warnings - n, fmt, ap);
    va_end(ap);
    fprintf(stderr, "bookdata: warning: %s\n", warnings + n);
    n = strlen(warnings);
    snprintf(warnings + n, sizeof warnings - n, "\n");
}

static void def_unknown(const char *name, ...)    /* names, then NULL */
{
    va_list ap;
    va_start(ap, name);
    for (; name; name = va_arg(ap, const char *))
        def(name, "%s", "\\fbox{?}");
    va_end(ap);
}

static void write_warnings(const char *dir)
{
    FILE *f = open_out(dir, "warnings.txt");
    fputs(warnings, f);
    fclose(f);
    f = open_out(dir, "warnings.tex");
    if (warnings[0]) {
        fputs("\\begin{center}\\begin{tabular}{|p{0.9\\textwidth}|}"
              "\\hline\n\\textbf{This copy of the book was built from "
              "code that disagrees with its ground truth:}\\\\\n", f);
        for (const char *c = warnings; *c; c++)
            if (*c == '\n')
                fputs("\\\\\n", f);
            else if (strchr("_%#&$", *c))
                fprintf(f, "\\%c", *c);
            else
                fputc(*c, f);
        fputs("Run \\texttt{make check} for the failing tests.\\\\"
              "\\hline\n\\end{tabular}\\end{center}\n", f);
    }
    fclose(f);
}

static const char *data_dir;    /* defined with the corpus helpers */

static void t2_read_version(char *buf, size_t size, const char *path,
                            const char *key)
{
    char line[512];
    FILE *f = fopen(path, "r");
    if (!f)
        fail_book(nm("cannot open %s", path));
    buf[0] = 0;
    while (!buf[0] && fgets(line, sizeof line, f)) {
        char *p = strstr(line, key);
        if (p)
            sscanf(p + strlen(key), "%63[^, \n]", buf);
    }
    fclose(f);
    if (!buf[0] || strlen(buf) >= size)
        fail_book(nm("%s: no '%s'", path, key));
}

static char pt_old[16], pt_new[16], pt_arm[16];

static void pt_short(char *dst, const char *path, const char *key)
{
    char v[64];
    size_t dots = 0, n = 0;
    t2_read_version(v, sizeof v, path, key);
    while (v[n] && !(v[n] == '.' && ++dots == 2) && n < 15)
        n++;
    memcpy(dst, v, n);
    dst[n] = 0;
}

static const char *pt_version(const char *answers)
{
    if (!pt_old[0]) {
        pt_short(pt_new, nm("%s/torch-2.13/versions.txt", data_dir),
                 "torch ");
        pt_short(pt_old, nm("%s/qnnpack/observed-layers.txt", data_dir),
                 "PyTorch ");
        pt_short(pt_arm, nm("%s/../drivers/golden-arm64.sh", data_dir),
                 "TORCH=torch==");
    }
    int torch = strncmp(answers, "qnnpack/", 8) == 0
                || strncmp(answers, "onednn/", 7) == 0;
    return strncmp(answers, "torch-", 6) == 0 ? pt_new
           : !torch ? "---" : strstr(answers, "-arm64") ? pt_arm : pt_old;
}

static int t2_same_file(const char *a, const char *b)
{
    FILE *fa = fopen(nm("%s/%s-expected.txt", data_dir, a), "r");
    FILE *fb = fopen(nm("%s/%s-expected.txt", data_dir, b), "r");
    if (!fa || !fb)
        fail_book(nm("cannot open %s or %s", a, b));
    int x, y;
    do {
        x = fgetc(fa);
        y = fgetc(fb);
    } while (x == y && x != EOF);
    fclose(fa);
    fclose(fb);
    return x == y;
}

static const char *pt_versions(const char *answers, const char *t2)
{
    static char buf[40];
    char a[300], b[300];                /* either may be nm's buffer */
    snprintf(a, sizeof a, "%s", answers);
    snprintf(b, sizeof b, "%s", t2);
    snprintf(buf, sizeof buf, "%s", pt_version(a));
    if (t2_same_file(a, b))
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), ", %s",
                 pt_version(b));
    return buf;
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
        long long acc = ql_acc_exact(L, 0, j), wrong = ql_acc_question(L, 0, j);
        float v = (float)acc * mq;
        def(nm("ForumAcc%c", "AB"[j]), "%lld", acc);
        def(nm("ForumWrongAcc%c", "AB"[j]), "%lld", wrong);
        def(nm("ForumVq%c", "AB"[j]), "%.9g", (double)v);
        def(nm("ForumRq%c", "AB"[j]), "%g", (double)ql_round_half_even(v));
    }
    ql_find_engine("qnnpack")->run(L, y);
    def("ForumOutQa", "%d", y[0]);
    def("ForumOutQb", "%d", y[1]);
    def("ForumMq", "%.9g", (double)mq);
    float mf = ql_multiplier_fbgemm(L->x_q.scale, L->w_q.scale, L->y_q.scale);
    int ulps = ulps_apart(mq, mf);
    def("ForumMf", "%.9g", (double)mf);
    def("ForumMultUlps", "%d unit%s", ulps, ulps == 1 ? "" : "s");
    def("ForumMd", "%.17g", (double)L->x_q.scale * L->w_q.scale / L->y_q.scale);
    if ((float)((double)L->x_q.scale * L->w_q.scale / L->y_q.scale) != mq)
        warn_book("answer 3's multiplier no longer rounds to QNNPACK's");
    def("ForumPairX", "%d", L->x[0]);
    def("ForumPairY", "%d", L->x[1]);
    def("ForumPairWa", "%d", L->w[0]);
    def("ForumPairWb", "%d", L->w[1]);
    def("ForumPairExact", "%d", L->x[0] * L->w[0] + L->x[1] * L->w[1]);
    def("ForumPairExactB", "%d", L->x[0] * L->w[2] + L->x[1] * L->w[3]);
}

static void walk_observer(const char *who, const float *v, size_t n,
                          ql_dtype t)
{
    ql_scheme sc = { t, 0, 0 };
    int32_t qmin, qmax;
    float lo = 0.0f, hi = 0.0f;
    for (size_t i = 0; i < n; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    ql_qrange(sc, &qmin, &qmax);
    ql_qparams p = ql_observe(sc, v, n);
    def(nm("Walk%sMin", who), "%.4f", (double)lo);
    def(nm("Walk%sMax", who), "%.4f", (double)hi);
    def(nm("Walk%sLoOverS", who), "%.1f", (double)(lo / p.scale));
    def(nm("Walk%sS", who), "%.9g", (double)p.scale);
    def(nm("Walk%sZ", who), "%d", (int)p.zero_point);
    def(nm("Walk%sQmin", who), "%d", (int)qmin);
}

static void forum_walk(void)
{
    const ql_layer *L = ql_forum_layer();
    float y[2];
    forum_float_output(y);
    walk_observer("X", forum_input_f32, 2, QL_QUINT8);
    walk_observer("W", forum_weight_f32, 4, QL_QINT8);
    walk_observer("Y", y, 2, QL_QUINT8);
    def("WalkYa", "%.4f", (double)y[0]);
    def("WalkYb", "%.4f", (double)y[1]);
    float wr = forum_weight_f32[0] * (1.0f / L->w_q.scale);
    def("WalkWr", "%.4f", (double)forum_weight_f32[0]);
    def("WalkWrOverS", "%.2f", (double)wr);
    def("WalkWrRounded", "%d", (int)ql_round_half_even(wr));
    def("WalkWq", "%d", (int)ql_quantize(forum_weight_f32[0], L->w_q,
                                          QL_QINT8));
    for (int k = 0; k < 2; k++)
        def(nm("ForumIn%c", "AB"[k]), "%.9g", (double)forum_input_f32[k]);
    for (int k = 0; k < 4; k++)
        def(nm("ForumWt%c", "ABCD"[k]), "%.9g", (double)forum_weight_f32[k]);
    float wd = forum_weight_f32[3] * (1.0f / L->w_q.scale);
    def("WalkWdOverS", "%.2f", (double)wd);
    def("WalkWdRounded", "%d", (int)ql_round_half_even(wd));
    def("WalkWdq", "%d", (int)ql_quantize(forum_weight_f32[3], L->w_q,
                                           QL_QINT8));
    def("WalkForumQx", "%d, %d",
        (int)ql_forum_quantize(forum_input_f32[0], L->x_q),
        (int)ql_forum_quantize(forum_input_f32[1], L->x_q));
    float mq = (float)((double)L->x_q.scale * L->w_q.scale / L->y_q.scale);
    for (size_t j = 0; j < 2; j++) {
        float v = (float)ql_acc_question(L, 0, j) * mq;
        def(nm("WalkQScaled%c", "AB"[j]), "%.1f", (double)v);
        def(nm("WalkQRounded%c", "AB"[j]), "%.0f",
            (double)ql_round_half_even(v));
    }
    int qu = ulps_apart(mq, ql_multiplier_qnnpack(L->x_q.scale, L->w_q.scale,
                                                  L->y_q.scale));
    def("WalkQMult", "%.9g", (double)mq);
    if (qu == 0)
        def("WalkQMultVsQnnpack", "%s", "the same float32 number as QNNPACK's");
    else
        def("WalkQMultVsQnnpack", "%d unit%s in the last place from QNNPACK's",
            qu, qu == 1 ? "" : "s");
    uint8_t yq[2];
    ql_find_engine("qnnpack")->run(L, yq);
    for (size_t j = 0; j < 2; j++) {
        def(nm("WalkReal%c", "AB"[j]), "%.4f", (double)L->x_q.scale
            * L->w_q.scale * (double)ql_acc_exact(L, 0, j));
        def(nm("WalkDeq%c", "AB"[j]), "%.4f",
            (double)ql_dequantize(yq[j], L->y_q));
    }
    def("WalkHalfStep", "%.4f", (double)L->y_q.scale / 2);
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
    float tie = (float)requant_tie.acc * requant_tie.m;
    float ord = (float)requant_order.acc * requant_order.m;
    float early = ql_round_half_even(ord);     /* clamped before Z_y: */
    early = early < 0 ? 0 : early > 255 ? 255 : early;
    def("RqTieAcc", "%d", (int)requant_tie.acc);
    def("RqTieM", "%g", (double)requant_tie.m);
    def("RqTieV", "%g", (double)tie);
    def("RqTieOut", "%d", ql_requantize(requant_tie.acc, requant_tie.m,
                                         requant_tie.zy));
    def("RqTieAway", "%g", (double)roundf(tie));
    def("RqOrderAcc", "%d", (int)requant_order.acc);
    def("RqOrderZy", "%d", (int)requant_order.zy);
    def("RqOrderV", "%g", (double)ord);
    def("RqOrderOut", "%d", ql_requantize(requant_order.acc, requant_order.m,
                                           requant_order.zy));
    def("RqOrderEarly", "%g", (double)(early + (float)requant_order.zy));
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
    def("AccMaxDim", "%d", QL_MAX_DIM);
    def("AccMaxSum", "%lld", (long long)QL_MAX_DIM * big);
    def("PairXa", "%d", 255);
    def("PairXb", "%d", 255);
    def("PairWa", "%d", 127);
    def("PairWb", "%d", 127);
    def("PairExact", "%d", 255 * 127 * 2);
    def("PairSat", "%d", (int)ql_sat16(255 * 127 * 2));
    def("PairRRPos", "%d", 127 * 127 * 2);
    def("PairRRNeg", "%d", 127 * -128 * 2);
    for (int rr = 0; rr < 2; rr++) {
        uint8_t x[2], ya, ye;
        int8_t w[2];
        double d;
        ql_probe pr = { 0 };
        ql_layer L = pair_example_layer(rr, x, w);
        const char *who = rr ? "PairRr" : "PairEx";
        int32_t raw = x[0] * w[0] + x[1] * w[1];
        const ql_engine *avx2 = ql_find_engine("fbgemm-avx2");
        ql_engine_probe(avx2, &L, 0, 0, &pr);
        avx2->run(&L, &ya);
        ql_find_engine("exact")->run(&L, &ye);
        ql_forum_answer3(&L, &d);
        def(nm("%sInA", who), "%g", (double)pair_input_f32[0]);
        def(nm("%sInB", who), "%g", (double)pair_input_f32[1]);
        def(nm("%sWtA", who), "%g", (double)pair_weight_f32[0]);
        def(nm("%sWtB", who), "%g", (double)pair_weight_f32[1]);
        def(nm("%sXa", who), "%d", x[0]);
        def(nm("%sXb", who), "%d", x[1]);
        def(nm("%sWa", who), "%d", w[0]);
        def(nm("%sWb", who), "%d", w[1]);
        def(nm("%sZx", who), "%d", (int)L.x_q.zero_point);
        def(nm("%sZw", who), "%d", (int)L.w_q.zero_point);
        def(nm("%sZy", who), "%d", (int)L.y_q.zero_point);
        def(nm("%sProdA", who), "%d", x[0] * w[0]);
        def(nm("%sProdB", who), "%d", x[1] * w[1]);
        def(nm("%sRaw", who), "%d", raw);
        def(nm("%sSat", who), "%d", (int)ql_sat16(raw));
        def(nm("%sAccExact", who), "%lld", (long long)ql_acc_exact(&L, 0, 0));
        def(nm("%sAccAvx", who), "%lld", (long long)pr.acc);
        def(nm("%sValAvx", who), "%.1f", pr.value);
        def(nm("%sByteAvx", who), "%d", ya);
        def(nm("%sByteExact", who), "%d", ye);
        def(nm("%sByteAThree", who), "%.0f", d);
        def(nm("%sValAThree", who), "%.1f", (double)ql_acc_exact(&L, 0, 0)
            * ((double)L.x_q.scale * L.w_q.scale) / L.y_q.scale);
        if ((rr == 0) != (ql_sat16(raw) != raw) || (rr == 0) != (ya != ye)
            || d != ye)
            warn_book("the pair example no longer saturates, or is no "
                      "longer cured by reduce_range");
    }
}

static uint32_t seed = 20221027u;
static float random_scale(void)
{
    seed = seed * 1664525u + 1013904223u;
    return (float)pow(10.0, -4.0 + 3.0 * (seed >> 8) / 16777216.0);
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

static void multiplier_orders(void)
{
    int trials = 100000, differ = 0, differ_double = 0, shown = 0;
    int max_ulps = 0;
    def("MultSeed", "%u", seed);
    for (int t = 0; t < trials; t++) {
        float sx = random_scale(), sw = random_scale(), sy = random_scale();
        float mq = ql_multiplier_qnnpack(sx, sw, sy);
        float mf = ql_multiplier_fbgemm(sx, sw, sy);
        if ((float)((double)sx * sw / sy) != mq)
            differ_double++;
        if (mq == mf)
            continue;
        differ++;
        if (ulps_apart(mq, mf) > max_ulps)
            max_ulps = ulps_apart(mq, mf);
        if (!shown)
            shown = show_multiplier_example(sx, sw, sy, mq, mf);
    }
    if (!shown) {
        warn_book("no accumulator shows that the multiplier orders differ");
        def_unknown("MultExSx", "MultExSw", "MultExSy", "MultExAcc",
                    "MultExQ", "MultExF", "MultExOutQ", "MultExOutF",
                    (const char *)NULL);
    }
    def("MultTrials", "%d", trials);
    def("MultDiffer", "%d", differ);
    def("MultDoubleDiffer", "%d", differ_double);
    def("MultMaxUlps", "%d unit%s", max_ulps, max_ulps == 1 ? "" : "s");
}

static void double_example(void);
static double tie_acc, tie_double, tie_float, tie_zy;
static const char *data_dir;

static void corpus_path(char *buf, size_t size, const char *corpus,
                        const char *kind)
{
    snprintf(buf, size, "%s/%s-%s.txt", data_dir, corpus, kind);
}

static ql_corpus_stats compare_with(const char *corpus,
                                    const char *answers, ql_run_fn run,
                                    unsigned flags)
{
    char pl[1024], pe[1024];
    ql_corpus_stats st;
    corpus_path(pl, sizeof pl, corpus, "layers");
    corpus_path(pe, sizeof pe, answers, "expected");
    if (ql_compare_corpus(pl, pe, run, flags, &st) != 0)
        fail_book(st.detail);
    return st;
}

static void run_forum(const ql_layer *L, uint8_t *y,
                      void (*f)(const ql_layer *, double *))
{
    double *d = malloc(L->m * L->n * sizeof *d);
    if (!d)
        fail_book("out of memory");
    f(L, d);
    for (size_t i = 0; i < L->m * L->n; i++)
        y[i] = (uint8_t)nearbyint(d[i]);
    free(d);
}

enum variant { FBGEMM_ORDER, DOUBLE_MULTIPLIER, DOUBLE_PRODUCT };
static void qnnpack_variant(const ql_layer *L, uint8_t *y, enum variant how)
{
    float sx = L->x_q.scale, sw = L->w_q.scale, sy = L->y_q.scale;
    float mult = how == FBGEMM_ORDER ? ql_multiplier_fbgemm(sx, sw, sy)
        : how == DOUBLE_MULTIPLIER ? (float)((double)sx * sw / sy)
        : ql_multiplier_qnnpack(sx, sw, sy);
    int double_product = how == DOUBLE_PRODUCT;
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            int64_t b = L->bias ? ql_qnnpack_bias(L->bias[j], sx, sw) : 0;
            int32_t acc = ql_wrap_i32(b + ql_acc_exact(L, i, j));
            double v = nearbyint((double)acc * mult) + L->y_q.zero_point;
            y[i * L->n + j] = double_product
                ? (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v)
                : ql_requantize_x86((float)acc * mult, L->y_q.zero_point);
        }
}

#define RUN_FN(name, call) \
    static void name(const ql_layer *L, uint8_t *y) { call; }
RUN_FN(run_question, run_forum(L, y, ql_forum_question))
RUN_FN(run_answer2, run_forum(L, y, ql_forum_answer2))
RUN_FN(run_answer3, run_forum(L, y, ql_forum_answer3))
RUN_FN(run_fbgemm_order, qnnpack_variant(L, y, FBGEMM_ORDER))
RUN_FN(run_double_multiplier, qnnpack_variant(L, y, DOUBLE_MULTIPLIER))
RUN_FN(run_double_product, qnnpack_variant(L, y, DOUBLE_PRODUCT))
static const struct {
    const char *label;
    ql_run_fn run;
    unsigned flags;
} candidate[] = {
    { "the question", run_question, QL_SKIP_BIAS },
    { "answer 2 (rounded)", run_answer2, QL_SKIP_BIAS },
    { "answer 3 (double)", run_answer3, QL_SKIP_BIAS },
    { "FBGEMM's multiplier order", run_fbgemm_order, 0 },
    { "multiplier in double", run_double_multiplier, 0 },
    { "product in double", run_double_product, 0 },
    { "exact", NULL, 0 },
    { "fbgemm", NULL, 0 },
    { "fbgemm-avx2", NULL, 0 },
};

static const char *const table_corpus[3] = {
    "qnnpack/observed", "qnnpack/ties", "qnnpack/extremes" };

static ql_run_fn candidate_run(size_t k)
{
    return candidate[k].run ? candidate[k].run
                            : ql_find_engine(candidate[k].label)->run;
}
typedef struct {
    int corpus;
    size_t layer, output, size;
    int want, got;
    int saturating;             /* only outputs whose pairs saturate */
    size_t skip;                /* exercise 12's layer of qnnpack/ties */
    int64_t acc;                /* the output's exact accumulator, */
    int32_t acc_pairs;          /* and with saturated pairs */
} example;

static void print_layer(FILE *f, const ql_layer *L)
{
    fprintf(f, "layer %zu %zu %zu\ninput %.9g %d", L->m, L->k, L->n,
            (double)L->x_q.scale, (int)L->x_q.zero_point);
    for (size_t i = 0; i < L->m * L->k; i++)
        fprintf(f, " %d", L->x[i]);
    fprintf(f, "\nweight %.9g %d", (double)L->w_q.scale,
            (int)L->w_q.zero_point);
    for (size_t i = 0; i < L->n * L->k; i++)
        fprintf(f, " %d", L->w[i]);
    if (L->bias) {
        fputs("\nbias", f);
        for (size_t j = 0; j < L->n; j++)
            fprintf(f, " %.9g", (double)L->bias[j]);
    }
    fprintf(f, "\noutput %.9g %d\n", (double)L->y_q.scale,
            (int)L->y_q.zero_point);
}

typedef struct {
    char pl[1024], pe[1024];
    FILE *fl, *fe;
    ql_reader rl, re;
    ql_layer L;
    uint8_t *want;              /* NULL before the first layer */
} corpus_reader;

static void corpus_open(corpus_reader *c, const char *corpus,
                        const char *expected)   /* NULL: layers only */
{
    corpus_path(c->pl, sizeof c->pl, corpus, "layers");
    corpus_path(c->pe, sizeof c->pe, expected ? expected : "", "expected");
    c->fl = fopen(c->pl, "r");
    c->fe = expected ? fopen(c->pe, "r") : NULL;
    c->want = NULL;
    if (!c->fl || (expected && !c->fe))
        fail_book("cannot open a corpus");
    ql_reader_init(&c->rl, c->fl, c->pl);
    if (c->fe)
        ql_reader_init(&c->re, c->fe, c->pe);
}

static void corpus_drop(corpus_reader *c)
{
    if (c->want)
        ql_layer_free(&c->L);
    free(c->want);
    c->want = NULL;
}

static int corpus_next(corpus_reader *c)
{
    corpus_drop(c);
    int r = ql_read_layer(&c->rl, &c->L);
    if (r < 0)
        fail_book(c->rl.err);
    if (r == 0)
        return 0;
    if (!(c->want = malloc(c->L.m * c->L.n)) || (c->fe
        && ql_read_outputs(&c->re, c->L.m * c->L.n, c->want) <= 0))
        fail_book("cannot read expected outputs");
    return 1;
}

static void corpus_close(corpus_reader *c)
{
    corpus_drop(c);
    fclose(c->fl);
    if (c->fe)
        fclose(c->fe);
}

static uint8_t *run_new(ql_run_fn run, const ql_layer *L)
{
    uint8_t *y = malloc(L->m * L->n);
    if (!y)
        fail_book("out of memory");
    run(L, y);
    return y;
}

static void walk(const char *corpus, const char *expected, int c,
                 ql_run_fn run, unsigned flags, example *best, FILE *print)
{
    corpus_reader cr;
    corpus_open(&cr, corpus, expected);
    for (size_t ord = 0; corpus_next(&cr); ord++) {
        const ql_layer *L = &cr.L;
        size_t size = (L->m + L->n) * L->k;
        if (print && best->corpus == c && best->layer == ord)
            print_layer(print, L);
        if (!print && size < best->size && size <= 40
            && !((flags & QL_SKIP_BIAS) && L->bias)
            && !(strcmp(corpus, "qnnpack/ties") == 0 && ord == best->skip)) {
            uint8_t *got = run_new(run, L);
            for (size_t o = 0; o < L->m * L->n; o++) {
                int64_t a = ql_acc_exact(L, o / L->n, o % L->n);
                int32_t p = ql_acc_pairs16(L, o / L->n, o % L->n);
                if (got[o] != cr.want[o]
                    && (!best->saturating || p != ql_wrap_i32(a))) {
                    example e = { c, ord, o, size, cr.want[o], got[o],
                                  best->saturating, best->skip, a, p };
                    *best = e;
                    break;
                }
            }
            free(got);
        }

    }
    corpus_close(&cr);
}

static void walk_corpus(int c, size_t k, example *best, FILE *print)
{
    walk(table_corpus[c], table_corpus[c], c, candidate_run(k),
         candidate[k].flags, best, print);
}

static size_t exercise12_layer(void)
{
    corpus_reader cr;
    size_t ord = 0;
    corpus_open(&cr, "qnnpack/ties", NULL);
    for (; corpus_next(&cr); ord++) {
        uint8_t *q = run_new(ql_find_engine("qnnpack")->run, &cr.L),
                *e = run_new(ql_find_engine("exact")->run, &cr.L);
        int differ = memcmp(q, e, cr.L.m * cr.L.n) != 0;
        free(q);
        free(e);
        if (differ)
            break;
    }
    corpus_close(&cr);
    return ord;
}

static void disagree_examples(const char *dir, size_t nc)
{
    FILE *f = open_out(dir, "disagree-examples.tex");
    size_t skip = exercise12_layer();
    for (size_t k = 0; k < nc; k++) {
        example best = { -1, 0, 0, (size_t)-1, 0, 0,
                         strcmp(candidate[k].label, "fbgemm-avx2") == 0,
                         skip, 0, 0 };
        for (int c = 0; c < 2; c++)     /* observed, ties */
            walk_corpus(c, k, &best, NULL);
        if (best.corpus < 0)            /* extremes: mostly overflow */
            walk_corpus(2, k, &best, NULL);
        fprintf(f, "\\par\\medskip\\noindent\\textbf{%s.}\n",
                candidate[k].label);
        if (best.corpus < 0) {
            fputs("No small layer differs.\n\n", f);
            continue;
        }
        fputs("\\begin{verbatim}\n", f);
        walk_corpus(best.corpus, k, &best, f);
        fprintf(f, "\\end{verbatim}\nFrom \\texttt{%s}, output %zu: real "
                "QNNPACK gives %d, this candidate %d.",
                table_corpus[best.corpus], best.output, best.want,
                best.got);
        if (best.saturating)
            fprintf(f, "  A pair saturates: the accumulator is %lld, "
                    "with saturated pairs %ld.", (long long)best.acc,
                    (long)best.acc_pairs);
        fputs("\n\n", f);
    }
    fclose(f);
}

typedef struct { size_t bad, bad_bias; int most; } scan_stats;

static scan_stats scan(const char *corpus, ql_run_fn run)
{
    corpus_reader cr;
    scan_stats s = { 0, 0, 0 };
    corpus_open(&cr, corpus, corpus);
    while (corpus_next(&cr)) {
        uint8_t *got = run_new(run, &cr.L);
        int bad = 0;
        for (size_t o = 0; o < cr.L.m * cr.L.n; o++) {
            int d = abs(got[o] - cr.want[o]);
            s.most = d > s.most ? d : s.most;
            bad |= d != 0;
        }
        s.bad += bad;
        s.bad_bias += bad && cr.L.bias;
        free(got);
    }
    corpus_close(&cr);
    return s;
}

static size_t count_lines(const char *file)
{
    size_t n = 0;
    int c;
    FILE *f = fopen(nm("%s/%s", data_dir, file), "r");
    if (!f)
        fail_book("cannot open a case file");
    while ((c = getc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

static void corpus_numbers(const char *out_dir)
{
    enum { NC = sizeof candidate / sizeof candidate[0] };
    ql_corpus_stats st[NC][3];
    for (size_t k = 0; k < NC; k++)
        for (int c = 0; c < 3; c++)
            st[k][c] = compare_with(table_corpus[c], table_corpus[c],
                                    candidate_run(k), candidate[k].flags);
    FILE *f;
    ql_corpus_stats q[3], od;
    size_t outputs = 0;
    for (int c = 0; c < 3; c++) {
        q[c] = compare_with(table_corpus[c], table_corpus[c],
                            ql_find_engine("qnnpack")->run, 0);
        if (q[c].bad_outputs != 0)
            warn_book("the qnnpack engine disagrees with %s: %zu outputs "
                      "differ; the first: %s", table_corpus[c],
                      q[c].bad_outputs, q[c].detail);
        outputs += q[c].outputs;
    }
    od = compare_with("onednn/observed", "onednn/observed-vnni",
                      ql_find_engine("onednn")->run, 0);
    def("CorpObservedLayers", "%zu", q[0].layers - 1);
    def("CorpTiesLayers", "%zu", q[1].layers);
    def("CorpExtremesLayers", "%zu", q[2].layers);
    def("CorpOnednnLayers", "%zu", od.layers);
    def("CorpObservers", "%zu", count_lines("observers.txt"));
    def("CorpQuantize", "%zu", count_lines("quantize.txt"));
    def("CorpQnnpackOutputs", "%zu", outputs);
    def("CorpObservedNoBias", "%zu", st[2][0].layers);
    def("AnsTiesAThree", "%zu", st[2][1].bad_layers);
    def("AnsObservedAThree", "%zu", st[2][0].bad_layers);
    def("AnsExtremesAThree", "%zu", st[2][2].bad_layers);
    def("CorpExtremesNoBias", "%zu", st[2][2].layers);
    def("AnsTiesExact", "%zu", st[6][1].bad_layers);
    def("AnsTiesMaxDiff", "%d", scan("qnnpack/ties", run_answer3).most);
    f = open_out(out_dir, "fig-disagree.dat");
    for (size_t k = 0; k < NC; k++)
        fprintf(f, "\"%s\" %zu %zu %zu\n", candidate[k].label,
                st[k][0].bad_layers, st[k][1].bad_layers, st[k][2].bad_layers);
    fclose(f);
    char head[300] = " candidate";
    for (int c = 0; c < 3; c++)
        snprintf(head + strlen(head), sizeof head - strlen(head),
                 " & \\texttt{%s}", table_corpus[c] + 8);
    snprintf(head + strlen(head), sizeof head - strlen(head), "\\\\\n PyTorch");
    for (int c = 0; c < 3; c++)
        snprintf(head + strlen(head), sizeof head - strlen(head), " & %s",
                 pt_versions(table_corpus[c], nm("torch-2.13/qnnpack-%s-qnnpack"
                                                 "-avx2", table_corpus[c] + 8)));
    f = table_open(out_dir, "disagree-table.tex", "lrrr", head);
    for (size_t k = 0; k < NC; k++) {
        fprintf(f, "%s", candidate[k].label);
        for (int c = 0; c < 3; c++)
            fprintf(f, " & %zu of %zu (%zu)", st[k][c].bad_layers,
                    st[k][c].layers, st[k][c].bad_outputs);
        table_row(f, "");
    }
    table_close(f);
    disagree_examples(out_dir, NC);
    double_example();
    scan_stats ex = scan("qnnpack/observed", ql_find_engine("exact")->run);
    def("ExactObservedBad", "%zu", ex.bad);
    def("ExactObservedBadBias", "%zu", ex.bad_bias);
}

static const char *dbl_corpus;       /* where the example was found */

static void double_example(void)
{
    static const char *const where[2] = { "qnnpack/observed",
                                          "qnnpack/ties" };
    static const char *const what[2] = {
        "the ordinary layers, whose parameters PyTorch's observers chose "
        "from random data",
        "the near-tie layers, which were built to lie near ties" };
    corpus_reader cr;
    for (int c = 0; c < 2; c++) {      /* a natural example first */
        dbl_corpus = what[c];
        corpus_open(&cr, where[c], where[c]);
        while (corpus_next(&cr)) {
            const ql_layer *L = &cr.L;
            uint8_t *a3 = L->bias ? NULL : run_new(run_answer3, L);
            for (size_t o = 0; a3 && o < L->m * L->n; o++)
                if (a3[o] != cr.want[o]) {
                    size_t i = o / L->n, j = o % L->n;
                    uint8_t *ex = run_new(ql_find_engine("exact")->run, L),
                            *q = run_new(ql_find_engine("qnnpack")->run, L);
                    int64_t a = ql_acc_exact(L, i, j);
                    float m = ql_multiplier_qnnpack(L->x_q.scale, L->w_q.scale, L->y_q.scale);
                    double vd = (double)a * ((double)L->x_q.scale * L->w_q.scale) / L->y_q.scale;
                    float vf = (float)ql_wrap_i32(a) * m;
                    def("DblCorpus", "%s", dbl_corpus);
                    def("DblK", "%zu", L->k);
                    def("DblAcc", "%lld", (long long)a);
                    def("DblSx", "%.9g", (double)L->x_q.scale);
                    def("DblSw", "%.9g", (double)L->w_q.scale);
                    def("DblSy", "%.9g", (double)L->y_q.scale);
                    def("DblZy", "%d", (int)L->y_q.zero_point);
                    def("DblValue", "%.17g", vd);
                    def("DblAnswer", "%d", a3[o]);
                    def("DblValueF", "%.9g", (double)vf);
                    def("DblRoundD", "%.0f", nearbyint(vd));
                    def("DblRoundF", "%.0f", (double)ql_round_half_even(vf));
                    def("DblDoubleSide", "%s", vd - floor(vd) == 0.5 ? "exactly a tie"
                        : vd - floor(vd) < 0.5 ? "just below the tie" : "just above the tie");
                    def("DblFloatSide", "%s", vf - floorf(vf) == 0.5f
                        ? "exactly a tie, which goes to the even neighbour"
                        : vf - floorf(vf) < 0.5f ? "just below the tie" : "just above the tie");
                    tie_acc = (double)a;
                    tie_zy = (double)L->y_q.zero_point;
                    tie_double = vd;
                    tie_float = (double)vf;
                    def("DblQnnpack", "%d", q[o]);
                    def("DblTorch", "%d", cr.want[o]);
                    def("DblExact", "%d", ex[o]);
                    def("DblVerdict", "%s", ex[o] == a3[o]
                        ? "here the double is the mathematically right answer and PyTorch "
                          "is off by one"
                        : "here PyTorch's float32 answer is the right one and the double "
                          "is off by one");
                    free(ex);
                    free(q);
                    free(a3);
                    corpus_close(&cr);
                    return;
                }
            free(a3);
        }
        corpus_close(&cr);
    }
    warn_book("answer 3 agrees with the whole observed and near-tie corpora");
    def_unknown("DblCorpus", "DblK", "DblAcc", "DblSx", "DblSw", "DblSy",
                "DblZy", "DblValue", "DblAnswer", "DblValueF", "DblQnnpack",
                "DblRoundD", "DblRoundF", "DblDoubleSide", "DblFloatSide",
                "DblTorch", "DblExact", "DblVerdict", (const char *)NULL);
}

static ql_corpus_stats per_channel_compare(const char *layers,
                                           const char *expected,
                                           const char *engine)
{
    ql_corpus_stats st = compare_with(layers, expected,
                                      ql_find_engine(engine)->run, 0);
    if (st.bad_outputs != 0)
        warn_book("engine %s disagrees with the per-channel corpus %s "
                  "(answers %s) on %zu of %zu outputs", engine, layers,
                  expected, st.bad_outputs, st.outputs);
    return st;
}

static size_t isa_differences(void)
{
    corpus_reader cv, ca;
    size_t n = 0;
    corpus_open(&cv, "onednn/perchannel", "onednn/perchannel-vnni");
    corpus_open(&ca, "onednn/perchannel", "onednn/perchannel-avx2");
    while (corpus_next(&cv) && corpus_next(&ca))
        for (size_t o = 0; o < cv.L.m * cv.L.n; o++)
            n += cv.want[o] != ca.want[o];
    corpus_close(&cv);
    corpus_close(&ca);
    return n;
}

static void per_channel_numbers(void)
{
    ql_corpus_stats q = per_channel_compare("qnnpack/perchannel",
                                            "qnnpack/perchannel", "qnnpack");
    ql_corpus_stats v = per_channel_compare("onednn/perchannel",
                                            "onednn/perchannel-vnni",
                                            "onednn");
    def("PcQnnpackLayers", "%zu", q.layers);
    def("PcQnnpackOutputs", "%zu", q.outputs);
    def("PcOnednnLayers", "%zu", v.layers);
    def("PcOnednnOutputs", "%zu", v.outputs);
    per_channel_compare("onednn/perchannel", "onednn/perchannel-avx2",
                        "onednn-avx2");
    def("PcIsaDiffer", "%zu", isa_differences());
    def("PcObservers", "%zu", count_lines("observers-perchannel.txt"));
}

static void fbgemm_example(void)
{
    static uint8_t x[2] = { 255, 255 };
    static int8_t w[2] = { 127, 127 };
    ql_layer L = { 1, 2, 1, { 1.0f, 0 }, { 1.0f, 0 }, { 300.0f, 0 },
                   x, w, NULL, NULL, 0 };
    uint8_t a, b;
    ql_find_engine("fbgemm")->run(&L, &a);
    ql_find_engine("fbgemm-avx2")->run(&L, &b);
    def("FbExX", "[%d, %d]", x[0], x[1]);
    def("FbExW", "[%d, %d]", w[0], w[1]);
    def("FbExSy", "%g", (double)L.y_q.scale);
    def("FbExExact", "%lld", (long long)ql_acc_exact(&L, 0, 0));
    def("FbExSat", "%d", (int)ql_acc_pairs16(&L, 0, 0));
    def("FbExVnni", "%d", a);
    def("FbExAvx", "%d", b);
}

typedef struct {
    size_t layers, bias, saturates, ties, overflows, max_k;
    int max_x, max_diff;
    size_t isa_layers, isa_one, isa_more, q_layers, q_outputs;
    size_t avx_exact, vnni_exact;   /* layers where a kernel != exact */
} fb_corpus;
static const char *const fb_name[3] = { "mixed", "observed",
                                        "observed-reduce-range" };
static fb_corpus fb[3];

static int fb_near_tie(float v)
{
    float a = fabsf(v);
    if (!(a < 0x1p23f))
        return 0;
    float ulp = nextafterf(a, INFINITY) - a;
    return fabsf(a - (floorf(a) + 0.5f)) <= 3.0f * ulp;
}

static void fb_look(const ql_layer *L, fb_corpus *c)
{
    float sx = L->x_q.scale, sw = L->w_q.scale;
    float mult = ql_multiplier_fbgemm(sx, sw, L->y_q.scale);
    int sat = 0, tie = 0, over = 0;
    for (size_t o = 0; o < L->m * L->k; o++)
        c->max_x = L->x[o] > c->max_x ? L->x[o] : c->max_x;
    for (size_t i = 0; i < L->m; i++)
        for (size_t j = 0; j < L->n; j++) {
            int32_t a = ql_wrap_i32(ql_acc_four_terms(L, i, j));
            float v = (float)a;
            if (L->bias)
                v = v + ql_fbgemm_bias(L->bias[j], sx, sw);
            v = v * mult;
            sat |= ql_acc_pairs16(L, i, j) != a;
            tie |= fb_near_tie(v);
            over |= !(v >= -0x1p31f && v < 0x1p31f);
        }
    c->layers++;
    c->bias += L->bias != NULL;
    c->saturates += sat;
    c->ties += tie;
    c->overflows += over;
    c->max_k = L->k > c->max_k ? L->k : c->max_k;
}

static void fbgemm_table(const char *out_dir)
{
    size_t layers = 0, q_layers = 0, one = 0, more = 0;
    FILE *f = table_open(out_dir, "fbgemm-table.tex", "@{}llrrrrrr@{}",
        "& & & \\multicolumn{3}{c}{AVX2 $\\ne$ VNNI} & & \\\\\n"
        "corpus & PyTorch & layers & layers & outputs $\\pm1$ & more"
        " & VNNI $\\ne$ QNNPACK & largest");
    for (int i = 0; i < 3; i++) {
        fb_corpus *c = &fb[i];
        char corpus[80];
        corpus_reader cv, ca;
        snprintf(corpus, sizeof corpus, "fbgemm/%s", fb_name[i]);
        corpus_open(&cv, corpus, nm("%s-vnni", corpus));
        corpus_open(&ca, corpus, nm("%s-avx2", corpus));
        while (corpus_next(&cv) && corpus_next(&ca)) {
            const uint8_t *v = cv.want, *a = ca.want;
            uint8_t *q = run_new(ql_find_engine("qnnpack")->run, &cv.L);
            uint8_t *e = run_new(ql_find_engine("exact")->run, &cv.L);
            int sat = 0, qd = 0, ae = 0, ve = 0;
            for (size_t o = 0; o < cv.L.m * cv.L.n; o++) {
                ae |= a[o] != e[o];
                ve |= v[o] != e[o];
                int d = abs(a[o] - v[o]);
                sat |= d != 0;
                c->isa_one += d == 1;
                c->isa_more += d > 1;
                c->max_diff = d > c->max_diff ? d : c->max_diff;
                qd |= q[o] != v[o];
                c->q_outputs += q[o] != v[o];
            }
            c->isa_layers += sat;
            c->q_layers += qd;
            c->avx_exact += ae;
            c->vnni_exact += ve;
            free(q);
            free(e);
            fb_look(&cv.L, c);
        }
        corpus_close(&cv);
        corpus_close(&ca);
        char avx2[100];
        snprintf(avx2, sizeof avx2, "%s-avx2", corpus);
        table_row(f, "\\texttt{%s} & %s & %zu & %zu & %zu & %zu & %zu (%zu) & %d",
                  fb_name[i], pt_versions(avx2, nm("torch-2.13/fbgemm-%s-fbgemm-avx2",
                                                   fb_name[i])),
                  c->layers, c->isa_layers, c->isa_one, c->isa_more,
                  c->q_layers, c->q_outputs, c->max_diff);
        layers += fb[i].layers;
        q_layers += fb[i].q_layers;
        one += fb[i].isa_one;
        more += fb[i].isa_more;
    }
    table_close(f);
    def("FbLayers", "%zu", layers);
    def("FbQnnpackLayers", "%zu", q_layers);
    def("FbSatMorePercent", "%.0f",
        100.0 * (double)more / (double)(one + more));
    static const char *const prefix[3] = { "FbMixed", "FbObs", "FbRR" };
    for (int i = 0; i < 3; i++) {
        def(nm("%sLayers", prefix[i]), "%zu", fb[i].layers);
        def(nm("%sBias", prefix[i]), "%zu", fb[i].bias);
        def(nm("%sMaxX", prefix[i]), "%d", fb[i].max_x);
        def(nm("%sMaxK", prefix[i]), "%zu", fb[i].max_k);
        def(nm("%sSaturates", prefix[i]), "%zu", fb[i].saturates);
        def(nm("%sTies", prefix[i]), "%zu", fb[i].ties);
        def(nm("%sOverflows", prefix[i]), "%zu", fb[i].overflows);
        def(nm("%sAvxExact", prefix[i]), "%zu", fb[i].avx_exact);
        def(nm("%sVnniExact", prefix[i]), "%zu", fb[i].vnni_exact);
    }
}

static int fb_same_but_input(const ql_layer *a, const ql_layer *b)
{
    if (a->m != b->m || a->k != b->k || a->n != b->n
        || a->w_q.scale != b->w_q.scale
        || a->w_q.zero_point != b->w_q.zero_point
        || a->y_q.scale != b->y_q.scale
        || a->y_q.zero_point != b->y_q.zero_point
        || (a->bias == NULL) != (b->bias == NULL)
        || memcmp(a->w, b->w, a->n * a->k) != 0)
        return 0;
    for (size_t j = 0; a->bias && j < a->n; j++)
        if (a->bias[j] != b->bias[j])
            return 0;
    return 1;
}

static void fbgemm_same(void)
{
    corpus_reader co, cr;
    size_t same = 0;
    corpus_open(&co, "fbgemm/observed", "fbgemm/observed-vnni");
    corpus_open(&cr, "fbgemm/observed-reduce-range",
                "fbgemm/observed-reduce-range-vnni");
    while (corpus_next(&co)) {
        if (!corpus_next(&cr))
            fail_book("the observed FBGEMM corpora differ in length");
        same += fb_same_but_input(&co.L, &cr.L);
    }
    corpus_close(&co);
    corpus_close(&cr);
    def("FbRRSame", "%zu", same);
}

static void fbgemm_perchannel(void)
{
    corpus_reader cv, ca;
    size_t layers = 0, outputs = 0, differ = 0;
    corpus_open(&cv, "fbgemm/perchannel", "fbgemm/perchannel-vnni-relu0");
    corpus_open(&ca, "fbgemm/perchannel", "fbgemm/perchannel-avx2-relu0");
    while (corpus_next(&cv) && corpus_next(&ca)) {
        size_t n = cv.L.m * cv.L.n;
        layers++;
        outputs += n;
        differ += memcmp(cv.want, ca.want, n) != 0;
    }
    corpus_close(&cv);
    corpus_close(&ca);
    def("FbPcLayers", "%zu", layers);
    def("FbPcOutputs", "%zu", outputs);
    def("FbPcIsaDiffer", "%zu", differ);
}

static void answer3_causes(void)
{
    for (int c = 0; c < 3; c++) {
        corpus_reader cr;
        size_t other = 0, first_layer = 0, first_output = 0;
        corpus_open(&cr, table_corpus[c], table_corpus[c]);
        for (size_t ord = 0; corpus_next(&cr); ord++) {
            const ql_layer *L = &cr.L;
            if (L->bias)
                continue;
            float m = ql_multiplier_qnnpack(L->x_q.scale, L->w_q.scale,
                                            L->y_q.scale);
            uint8_t *a3 = run_new(run_answer3, L);
            for (size_t o = 0; o < L->m * L->n; o++) {
                int64_t a = ql_acc_exact(L, o / L->n, o % L->n);
                float v = (float)ql_wrap_i32(a) * m;
                if (a3[o] == cr.want[o] || fb_near_tie(v)
                    || !(v >= -0x1p31f && v < 0x1p31f))
                    continue;
                if (other++ == 0) {
                    first_layer = ord + 1;
                    first_output = o;
                }
            }
            free(a3);
        }
        corpus_close(&cr);
        if (other)
            warn_book("answer 3 differs from %s at layer %zu, output %zu, "
                      "and %zu outputs in all, neither near a tie nor "
                      "overflowing", table_corpus[c], first_layer,
                      first_output, other);
    }
}

static void fma_report(const char *dir)
{
    static const struct { const char *engine, *corpus, *expected; } t[] = {
        { "qnnpack", "qnnpack/observed", "qnnpack/observed" },
        { "fbgemm", "fbgemm/mixed", "fbgemm/mixed-vnni" },
        { "onednn-avx2", "onednn/observed", "onednn/observed-avx2" },
    };
    enum { NT = sizeof t / sizeof t[0] };
    example best = { -1, 0, 0, (size_t)-1, 0, 0, 0, (size_t)-1, 0, 0 };
    FILE *f = table_open(dir, "fma.tex", "llr",
                         "engine & corpus & layers that change (outputs)");
    for (int i = 0; i < NT; i++) {
        ql_run_fn run = ql_find_engine(t[i].engine)->run;
        ql_corpus_stats st = compare_with(t[i].corpus, t[i].expected, run, 0);
        table_row(f, "\\texttt{%s} & \\texttt{%s} & %zu of %zu (%zu)",
                  t[i].engine, t[i].corpus, st.bad_layers, st.layers,
                  st.bad_outputs);
        walk(t[i].corpus, t[i].expected, i, run, 0, &best, NULL);
    }
    fputs("\\bottomrule\n\\end{tabular}\n\n", f);
    if (best.corpus < 0) {
        fputs("No small layer changed.\n", f);
    } else {
        fputs("\\begin{verbatim}\n", f);
        walk(t[best.corpus].corpus, t[best.corpus].expected, best.corpus,
             ql_find_engine(t[best.corpus].engine)->run, 0, &best, f);
        fprintf(f, "\\end{verbatim}\nFrom \\texttt{%s}, output %zu: the real "
                "engine gives %d, the \\texttt{%s} row of the FMA build %d.\n",
                t[best.corpus].corpus, best.output, best.want,
                t[best.corpus].engine, best.got);
    }

    fclose(f);
}

static void fma_example(const char *dir)
{
    seed = 4242u;
    for (int trial = 0; trial < 100000; trial++) {
        float sx = random_scale(), sw = random_scale(), sy = random_scale();
        int32_t zy = (int32_t)((seed >> 8) % 256);
        float m = ql_multiplier_onednn(sx, sw, sy);
        for (int x = 1; x < 256; x++)
            for (int w = -127; w < 128; w++) {
                float d = (float)(x * w), apart = d * m + (float)zy;
                float fused = fmaf(d, m, (float)zy);
                apart = apart < 0 ? 0 : apart > 255 ? 255 : apart;
                fused = fused < 0 ? 0 : fused > 255 ? 255 : fused;
                if (ql_round_half_even(apart) != ql_round_half_even(fused)) {
                    FILE *f = open_out(dir, "fma-layer.txt");
                    fprintf(f, "layer 1 1 1\ninput %.9g 0 %d\nweight %.9g 0 %d\n"
                            "output %.9g %d\n", (double)sx, x, (double)sw, w, (double)sy,
                            (int)zy);
                    fclose(f);
                    def("FmaLayer", "$x = %d$, $w = %d$, $S_x = %.9g$, $S_w = %.9g$, "
                        "$S_y = %.9g$, $Z_y = %d$", x, w, (double)sx, (double)sw,
                        (double)sy, (int)zy);
                    def("FmaApart", "%.9g", (double)(d * m + (float)zy));
                    def("FmaFusedValue", "%.9g", (double)fmaf(d, m, (float)zy));
                    return;
                }

            }
    }
    fail_book("no layer changes under a fused multiply-add");
}

static void pipeline_data(const char *dir)
{
    const ql_layer *L = ql_forum_layer();
    float mq = ql_multiplier_qnnpack(L->x_q.scale, L->w_q.scale,
                                     L->y_q.scale);
    float mf = (float)((double)L->x_q.scale * L->w_q.scale / L->y_q.scale);
    float v[2], u[2];
    for (size_t j = 0; j < 2; j++) {
        v[j] = (float)ql_acc_exact(L, 0, j) * mq;
        u[j] = (float)ql_acc_question(L, 0, j) * mf;
    }
    FILE *f = open_out(dir, "fig-pipeline-ops.dat");
    fprintf(f, "3.6 2.2 \"quantize\"\n7.2 2.2 \"int8 GEMM\"\n"
            "10.6 2.2 \"\u00d7 M\"\n10.6 0.7 \"round\"\n7.2 0.7 \"+ Z_y\"\n"
            "3.6 0.7 \"clamp\"\n");
    fprintf(f, "3.6 1.8 \"S_x = %.4g, Z_x = %d\"\n7.2 1.8 \"Z_w = %d, int32\"\n"
            "10.6 1.8 \"M = %.9g\"\n10.6 0.3 \"half to even\"\n"
            "7.2 0.3 \"Z_y = %d\"\n3.6 0.3 \"to [0, 255]\"\n",
            (double)L->x_q.scale, (int)L->x_q.zero_point,
            (int)L->w_q.zero_point, (double)mq,
            (int)L->y_q.zero_point);
    fclose(f);
    f = open_out(dir, "fig-pipeline-arrows.dat");
    fprintf(f, "1.9 2.2 1.0 0\n4.5 2.2 1.7 0\n8.3 2.2 1.7 0\n"
            "10.6 1.65 0 -0.6\n9.8 0.7 -1.7 0\n6.3 0.7 -1.7 0\n"
            "2.8 0.7 -1.0 0\n");
    fclose(f);
    f = open_out(dir, "fig-pipeline-values.dat");
    fprintf(f, "0.9 2.4 \"float x\"\n0.9 2.05 \"[%.4f, %.4f]\"\n",
            (double)forum_input_f32[0], (double)forum_input_f32[1]);
    fprintf(f, "5.35 2.45 \"x = [%d, %d]\"\n9.15 2.45 \"a = [%lld, %lld]\"\n",
            L->x[0], L->x[1], (long long)ql_acc_exact(L, 0, 0),
            (long long)ql_acc_exact(L, 0, 1));
    fprintf(f, "11.6 1.35 \"[%.3f,\"\n11.6 1.05 \"%.3f]\"\n", (double)v[0],
            (double)v[1]);
    fprintf(f, "8.9 0.95 \"[%g, %g]\"\n5.4 0.95 \"[%g, %g]\"\n"
            "0.9 0.9 \"bytes\"\n0.9 0.55 \"[%g, %g]\"\n",
            (double)ql_round_half_even(v[0]), (double)ql_round_half_even(v[1]),
            (double)ql_round_half_even(v[0]) + L->y_q.zero_point,
            (double)ql_round_half_even(v[1]) + L->y_q.zero_point,
            (double)ql_requantize_x86(v[0], L->y_q.zero_point),
            (double)ql_requantize_x86(v[1], L->y_q.zero_point));
    fclose(f);
    f = open_out(dir, "fig-pipeline-question.dat");
    fprintf(f, "9.15 1.95 \"[%lld, %lld]\"\n",
            (long long)ql_acc_question(L, 0, 0),
            (long long)ql_acc_question(L, 0, 1));
    fprintf(f, "9.6 1.35 \"[%.1f,\"\n9.6 1.05 \"%.1f]\"\n", (double)u[0],
            (double)u[1]);
    double q[2];
    ql_forum_question(L, q);
    fprintf(f, "8.9 0.45 \"[%g, %g]\"\n0.9 0.2 \"[%g, %g]\"\n",
            (double)ql_round_half_even(u[0]), (double)ql_round_half_even(u[1]),
            q[0], q[1]);
    fclose(f);
}

static void grid_data(const char *dir)
{
    const ql_layer *L = ql_forum_layer();
    def("GridLow", "%.4f", (double)ql_dequantize(0, L->x_q));
    def("GridHigh", "%.4f", (double)ql_dequantize(255, L->x_q));
    FILE *f = open_out(dir, "fig-grid-levels.dat");
    for (int q = 0; q <= 255; q++)
        fprintf(f, "%d %.9g\n", q, (double)ql_dequantize(q, L->x_q));
    fclose(f);
    f = open_out(dir, "fig-grid-marks.dat");
    fprintf(f, "0 1.2 \"0.0 is code Z = %d\"\n", (int)L->x_q.zero_point);
    for (int i = 0; i < 2; i++)
        fprintf(f, "%.9g 1.9 \"x_%d = %.4f -> code %d\"\n",
                (double)forum_input_f32[i], i, (double)forum_input_f32[i],
                (int)ql_quantize(forum_input_f32[i], L->x_q, QL_QUINT8));
    fclose(f);
}

static void error_data(const char *dir)
{
    const ql_layer *L = ql_forum_layer();
    FILE *f = open_out(dir, "fig-error.dat");
    for (int i = 0; i <= 4000; i++) {
        float r = -3.0f + 4.5f * (float)i / 4000.0f;
        float back = ql_dequantize(ql_quantize(r, L->x_q, QL_QUINT8),
                                   L->x_q);
        fprintf(f, "%.9g %.9g\n", (double)r, (double)(back - r));
    }
    fclose(f);
}

static void algebra_data(const char *dir)
{
    static const char *const label[6] = {
        "sum x w", "-Z_w sum x", "-Z_x sum w", "K Z_x Z_w",
        "accumulator", "question's" };
    const ql_layer *L = ql_forum_layer();
    long long zx = L->x_q.zero_point, zw = L->w_q.zero_point, t[6][2];
    for (size_t j = 0; j < 2; j++) {
        t[0][j] = ql_acc_raw(L, 0, j);
        t[1][j] = -zw * ql_row_sum(L, 0);
        t[2][j] = -zx * ql_col_sum(L, j);
        t[3][j] = (long long)L->k * zx * zw;
        t[4][j] = t[0][j] + t[1][j] + t[2][j] + t[3][j];
        t[5][j] = ql_acc_question(L, 0, j);
    }
    FILE *f = open_out(dir, "fig-algebra.dat");
    for (int i = 0; i < 6; i++)
        fprintf(f, "\"%s\" %lld %lld\n", label[i], t[i][0], t[i][1]);
    fclose(f);
}

static void tie_data(const char *dir)
{
    double tie = floor(tie_double) + 0.5;
    float t = (float)tie, ulp = nextafterf(t, INFINITY) - t;
    FILE *f = open_out(dir, "fig-tie-grid.dat");
    for (int i = -4; i <= 4; i++)
        fprintf(f, "%d\n", i);
    fclose(f);
    f = open_out(dir, "fig-tie-marks.dat");
    fprintf(f, "%.6f 1 \"float32: code %.0f\"\n", (tie_float - tie) / ulp,
            (double)ql_round_half_even((float)tie_float) + tie_zy);
    fprintf(f, "%.6f 2 \"double: code %.0f\"\n", (tie_double - tie) / ulp,
            nearbyint(tie_double) + tie_zy);
    fclose(f);
    def("TieAcc", "%.0f", tie_acc);
    def("TieUlp", "%.3g", (double)ulp);
}

static void pairs_data(const char *dir)
{
    int lo = 255 * -128, hi = 255 * 127, rlo = 127 * -128, rhi = 127 * 127;
    FILE *f = open_out(dir, "fig-pairs.dat");
    fprintf(f, "# box\n%d %d\n%d %d\n%d %d\n%d %d\n%d %d\n\n\n", lo, lo,
            hi, lo, hi, hi, lo, hi, lo, lo);
    fprintf(f, "# saturates high\n%d %d\n%d %d\n%d %d\n%d %d\n\n\n",
            32767 - hi, hi, hi, hi, hi, 32767 - hi, 32767 - hi, hi);
    fprintf(f, "# saturates low\n%d %d\n%d %d\n%d %d\n%d %d\n\n\n",
            -32768 - lo, lo, lo, lo, lo, -32768 - lo, -32768 - lo, lo);
    fprintf(f, "# reduce_range\n%d %d\n%d %d\n%d %d\n%d %d\n%d %d\n",
            rlo, rlo, rhi, rlo, rhi, rhi, rlo, rhi, rlo, rlo);
    fclose(f);
}

static void rounding_table(const char *dir)
{
    static const float v[] = { 2.5f, -2.5f, 1.5f, -1.5f, 0.5f, -0.5f,
                               3.5f, 2.4999998f };
    FILE *f = table_open(dir, "rounding-table.tex", "rrrr",
        "$x$ & half to even & half away from zero"
        " & $\\lfloor x + \\frac12 \\rfloor$");
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        table_row(f, "$%.9g$ & $%g$ & $%g$ & $%g$", (double)v[i],
                  (double)ql_round_half_even(v[i]) + 0.0,
                  (double)roundf(v[i]) + 0.0,
                  (double)floorf(v[i] + 0.5f) + 0.0);
    table_close(f);
}

static float floor_half(float v)
{
    return floorf(v + 0.5f);
}

static void rounding_failures(const char *name, float (*rule)(float))
{
    char list[600] = "";
    int total = 0, n = 0;
    for (int i = 0; i < ROUND_CASES; i++)
        total += rule(round_cases[i].v) != round_cases[i].want;
    for (int i = 0; i < ROUND_CASES; i++)
        if (rule(round_cases[i].v) != round_cases[i].want) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, "%s$%.9g$",
                     n == 0 ? "" : n == total - 1 ? " and " : ", ",
                     (double)round_cases[i].v);
            n++;
        }
    def(name, "%s", total ? list : "none of them");
}

static void rounding_cases(void)      /* every case, for the prose */
{
    char list[600] = "";
    for (int i = 0; i < ROUND_CASES; i++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s$%.9g$",
                 i == 0 ? "" : i == ROUND_CASES - 1 ? " and " : ", ",
                 (double)round_cases[i].v);
    }
    def("RoundCases", "%s", list);
    def("RoundCaseCount", "%d", (int)ROUND_CASES);
}

static void forum_real_outputs(const char *corpus, const char *answers,
                               uint8_t y[2])
{
    char pl[1024], pe[1024];
    const ql_layer *F = ql_forum_layer();
    ql_reader r;
    ql_layer L;
    int same = 0;
    corpus_path(pl, sizeof pl, corpus, "layers");
    corpus_path(pe, sizeof pe, answers, "expected");
    FILE *f = fopen(pl, "r");
    if (!f)
        fail_book(pl);
    ql_reader_init(&r, f, pl);
    if (ql_read_layer(&r, &L) > 0) {
        same = L.m == 1 && L.k == 2 && L.n == 2 && !L.bias && !L.relu
               && !L.w_channel && !memcmp(L.x, F->x, 2)
               && !memcmp(L.w, F->w, 4)
               && L.x_q.scale == F->x_q.scale && L.w_q.scale == F->w_q.scale
               && L.y_q.scale == F->y_q.scale
               && L.x_q.zero_point == F->x_q.zero_point
               && L.w_q.zero_point == F->w_q.zero_point
               && L.y_q.zero_point == F->y_q.zero_point;
        ql_layer_free(&L);
    }
    fclose(f);
    if (!same)
        fail_book("a corpus of the forum table does not start with the "
                  "forum's layer");
    f = fopen(pe, "r");
    if (!f)
        fail_book(pe);
    ql_reader_init(&r, f, pe);
    if (ql_read_outputs(&r, 2, y) != 1)
        fail_book("a corpus of the forum table has no outputs for the "
                  "forum's layer");
    fclose(f);
}

static void row(FILE *f, const char *label, const char *fmt, double a,
                double b)
{
    char cells[64];
    snprintf(cells, sizeof cells, "%%s & $%s$ & $%s$", fmt, fmt);
    table_row(f, cells, label, a, b);
}

static void forum_table(const char *dir)
{
    const ql_layer *L = ql_forum_layer();
    float mq = ql_multiplier_qnnpack(L->x_q.scale, L->w_q.scale,
                                     L->y_q.scale);
    int zx = (int)L->x_q.zero_point, zw = (int)L->w_q.zero_point;
    double q[2], a2[2], a3[2], wrong[2], qs[2], acc[2], v[2];
    uint8_t y[2];
    for (size_t j = 0; j < 2; j++) {
        acc[j] = (double)ql_acc_exact(L, 0, j);
        v[j] = (double)((float)acc[j] * mq);
        wrong[j] = (double)ql_acc_question(L, 0, j);
        qs[j] = (double)((float)wrong[j] * (float)((double)L->x_q.scale
                         * L->w_q.scale / L->y_q.scale));
    }
    ql_forum_question(L, q);
    ql_forum_answer2(L, a2);
    ql_forum_answer3(L, a3);
    FILE *f = table_open(dir, "forum-table.tex", "lrr",
                         "step & output 0 & output 1");
    table_row(f, "input codes $x_0, x_1$ & \\multicolumn{2}{c}{$%d, %d$}\\\\\n"
              "zero points $Z_x, Z_w, Z_y$ & \\multicolumn{2}{c}{$%d, %d, %d$}",
              L->x[0], L->x[1], zx, zw, (int)L->y_q.zero_point);
    table_row(f, "QNNPACK multiplier $M$ & \\multicolumn{2}{c}{$%.9g$}",
              (double)mq);
    fputs("\\midrule\n", f);
    for (int k = 0; k < 2; k++)
        row(f, nm("weights $w_{j%d}$", k), "%g", L->w[k], L->w[2 + k]);
    for (int k = 0; k < 2; k++)
        row(f, nm("$(x_%d - Z_x)(w_{j%d} - Z_w)$", k, k), "%g",
            (double)(L->x[k] - zx) * (L->w[k] - zw),
            (double)(L->x[k] - zx) * (L->w[2 + k] - zw));
    row(f, "accumulator $a_j$", "%g", acc[0], acc[1]);
    row(f, "QNNPACK $\\fl(\\fl(a_j)\\,M)$", "%.9g", v[0], v[1]);
    row(f, "rounded half to even", "%g",
        (double)ql_round_half_even((float)v[0]),
        (double)ql_round_half_even((float)v[1]));
    ql_find_engine("qnnpack")->run(L, y);
    row(f, "our \\texttt{qnnpack} engine: output ($+Z_y$, clamped)", "%g",
        y[0], y[1]);
    fputs("\\midrule\n", f);
    row(f, "question: accumulator", "%g", wrong[0], wrong[1]);
    row(f, "question: accumulator $\\times\\,\\fl(M)$", "%.1f", qs[0], qs[1]);
    row(f, "question: rounded", "%g",
        (double)ql_round_half_even((float)qs[0]),
        (double)ql_round_half_even((float)qs[1]));
    row(f, "question: output ($+Z_y$, clamped)", "%g", q[0], q[1]);
    row(f, "answer 2: output", "%.9g", a2[0], a2[1]);
    row(f, "answer 3: output", "%g", a3[0], a3[1]);
    ql_find_engine("fbgemm")->run(L, y);
    row(f, "our \\texttt{fbgemm} engine: output", "%g", y[0], y[1]);
    ql_find_engine("exact")->run(L, y);
    row(f, "our exact engine: output", "%g", y[0], y[1]);
    fputs("\\midrule\n", f);
    forum_real_outputs("qnnpack/observed", "qnnpack/observed", y);
    row(f, "real PyTorch 1.13 QNNPACK", "%g", y[0], y[1]);
    forum_real_outputs("fbgemm/mixed", "fbgemm/mixed-avx2", y);
    row(f, "real FBGEMM library, AVX2", "%g", y[0], y[1]);
    forum_real_outputs("fbgemm/mixed", "fbgemm/mixed-vnni", y);
    row(f, "real FBGEMM library, VNNI", "%g", y[0], y[1]);
    table_close(f);
}

static const char *many_corpora[] = {
    "qnnpack/ties", "qnnpack/extremes", "qnnpack/perchannel",
    "fbgemm/mixed", "fbgemm/observed", "xnnpack/ties", "gemmlowp/ties",
    "gemmlowp/extremes", "onnxruntime/ties",
};
enum { MANY_MAX = 32 };
typedef struct {
    size_t diff, size, layer, output;   /* size 0: never differed */
    uint8_t ya, yb;
    const char *corpus, *cause;
    size_t m, k, n;
} pair_seen;
static pair_seen seen[MANY_MAX][MANY_MAX];

static const char *many_cause(const ql_engine *a, const ql_engine *b,
                              const ql_layer *L, size_t o, uint8_t ya,
                              uint8_t yb)
{
    const ql_engine *e[2] = { a, b };
    ql_answer ans[2];
    ql_layer nb = *L;
    uint8_t *y = malloc(L->m * L->n);
    if (!y)
        fail_book("out of memory");
    nb.bias = NULL;
    for (int k = 0; k < 2; k++) {
        if (!ql_engine_probe(e[k], L, o / L->n, o % L->n, &ans[k].probe))
            ans[k].probe.known = 0;
        e[k]->run(&nb, y);
        ans[k].nobias = y[o];
    }
    free(y);
    ans[0].code = ya;
    ans[1].code = yb;
    return ql_cause_name(ql_cause_of(L, o / L->n, o % L->n, ans, 2));
}

static void many_note(size_t a, size_t b, const ql_engine *e,
                      const ql_layer *L, const char *corpus, size_t layer,
                      uint8_t *const *y)
{
    size_t size = L->m * L->k * L->n;
    for (size_t o = 0; o < L->m * L->n; o++) {
        if (y[a][o] == y[b][o])
            continue;
        pair_seen *p = &seen[a][b];
        p->diff++;
        if (p->size == 0 || size < p->size) {
            pair_seen s = { p->diff, size, layer, o, y[a][o], y[b][o],
                corpus, many_cause(&e[a], &e[b], L, o, y[a][o], y[b][o]),
                L->m, L->k, L->n };
            *p = s;
        }
    }
}

static void many_layer(const ql_engine *e, size_t ne, const ql_layer *L,
                       const char *corpus, size_t layer, size_t *outputs)
{
    uint8_t *y[MANY_MAX];
    for (size_t a = 0; a < ne; a++)
        y[a] = e[a].refuses && e[a].refuses(L) ? NULL : run_new(e[a].run, L);
    for (size_t a = 0; a < ne; a++)
        for (size_t b = a + 1; b < ne; b++)
            if (y[a] && y[b])
                many_note(a, b, e, L, corpus, layer, y);
    *outputs += L->m * L->n;
    for (size_t a = 0; a < ne; a++)
        free(y[a]);
}

static void many_walk(const ql_engine *e, size_t ne, size_t *layers,
                      size_t *outputs)
{
    for (size_t c = 0; c < sizeof many_corpora / sizeof *many_corpora; c++) {
        corpus_reader cr;
        size_t n = 0;
        corpus_open(&cr, many_corpora[c], NULL);
        while (corpus_next(&cr))
            many_layer(e, ne, &cr.L, many_corpora[c], ++n, outputs);
        corpus_close(&cr);
        *layers += n;
    }
}

static void many_engines(const char *out_dir)
{
    size_t ne, layers = 0, outputs = 0;
    const ql_engine *e = ql_engines(&ne);
    for (size_t a = 0; a < ne; a++)     /* PyTorch 2.13's rows: their own table */
        if (strstr(e[a].name, "-2.13")) {
            ne = a;
            break;
        }
    if (ne > MANY_MAX)
        fail_book("more engines than MANY_MAX");
    many_walk(e, ne, &layers, &outputs);
    def("ManyLayers", "%zu", layers);
    def("ManyOutputs", "%zu", outputs);
    fprintf(out, "\\newcommand{\\ManyCorpora}{");
    for (size_t c = 0; c < sizeof many_corpora / sizeof *many_corpora; c++)
        fprintf(out, "%s\\texttt{%s}", c == 0 ? "" : ", ", many_corpora[c]);
    fprintf(out, "}\n");
    FILE *f;
    char cols[40], head[400] = " & engine";
    snprintf(cols, sizeof cols, "@{}rl*{%zu}{r}@{}", ne);
    for (size_t b = 0; b < ne; b++)
        snprintf(head + strlen(head), sizeof head - strlen(head), " & %zu", b + 1);
    strcat(head, " ");
    f = table_open(out_dir, "many-matrix.tex", cols, head);
    for (size_t a = 0; a < ne; a++) {
        fprintf(f, "%zu & \\texttt{%s}", a + 1, e[a].name);
        for (size_t b = 0; b < ne; b++)
            if (a == b)
                fprintf(f, " & ---");
            else
                fprintf(f, " & %zu", a < b ? seen[a][b].diff : seen[b][a].diff);
        table_row(f, " ");
    }
    table_close(f);
    f = table_open(out_dir, "many-pairs.tex", "@{}rrlrlrrl@{}",
        "\\multicolumn{2}{c}{engines} & corpus & layer & "
        "$B\\times K\\times N$ & output & codes & cause ");
    for (size_t a = 0; a < ne; a++)
        for (size_t b = a + 1; b < ne; b++) {
            const pair_seen *p = &seen[a][b];
            if (p->size != 0)
                table_row(f, "%zu & %zu & \\texttt{%s} & %zu & "
                          "$%zu\\times%zu\\times%zu$ & %zu & %d, %d & %s ",
                          a + 1, b + 1, p->corpus, p->layer, p->m, p->k,
                          p->n, p->output, p->ya, p->yb, p->cause);
        }
    table_close(f);
    const ql_layer *L = ql_forum_layer();
    f = table_open(out_dir, "many-forum.tex", "@{}ll@{}", "engine & output ");
    for (size_t a = 0; a < ne; a++) {
        const char *why = e[a].refuses ? e[a].refuses(L) : NULL;
        uint8_t y[2];
        if (why) {
            table_row(f, "\\texttt{%s} & refused: %s ", e[a].name, why);
            continue;
        }
        e[a].run(L, y);
        table_row(f, "\\texttt{%s} & $[%d, %d]$ ", e[a].name, y[0], y[1]);
    }
    table_close(f);
}

static char t2_new[64], t2_old[64];

static const struct {
    const char *corpus, *answers, *engine, *row, *old;
} t2[] = {
    { "qnnpack/observed", "qnnpack/observed",
      "qnnpack", "qnnpack", NULL },
    { "qnnpack/observed", "torch-2.13/qnnpack-observed-qnnpack-avx2",
      "qnnpack", "qnnpack", "qnnpack" },
    { "qnnpack/observed", "torch-2.13/qnnpack-observed-fbgemm-avx2",
      "fbgemm", "fbgemm-2.13-avx2", "fbgemm-avx2" },
    { "qnnpack/observed", "torch-2.13/qnnpack-observed-x86-avx2",
      "x86", "x86-2.13-avx2", "fbgemm-avx2" },
    { "qnnpack/ties", "qnnpack/ties",
      "qnnpack", "qnnpack", NULL },
    { "qnnpack/ties", "torch-2.13/qnnpack-ties-qnnpack-avx2",
      "qnnpack", "qnnpack", "qnnpack" },
    { "qnnpack/ties-bias", "qnnpack/ties-bias",
      "qnnpack", "qnnpack", NULL },
    { "qnnpack/ties-bias", "torch-2.13/qnnpack-ties-bias-qnnpack-avx2",
      "qnnpack", "qnnpack", "qnnpack" },
    { "qnnpack/ties-bias", "torch-2.13/qnnpack-ties-bias-fbgemm-avx2",
      "fbgemm", "fbgemm-2.13-avx2", "fbgemm-avx2" },
    { "qnnpack/perchannel", "qnnpack/perchannel",
      "qnnpack", "qnnpack", NULL },
    { "qnnpack/perchannel", "torch-2.13/qnnpack-perchannel-qnnpack-avx2",
      "qnnpack", "qnnpack", "qnnpack" },
    { "onednn/observed", "onednn/observed-avx2",
      "onednn", "onednn-avx2", NULL },
    { "onednn/observed", "torch-2.13/onednn-observed-onednn-avx2",
      "onednn", "onednn-2.13-avx2", "onednn-avx2" },
    { "onednn/observed", "torch-2.13/onednn-observed-x86-avx2",
      "x86", "x86-2.13-avx2", "fbgemm-avx2" },
    { "onednn/ties", "onednn/ties-avx2",
      "onednn", "onednn-avx2", NULL },
    { "onednn/ties", "torch-2.13/onednn-ties-onednn-avx2",
      "onednn", "onednn-2.13-avx2", "onednn-avx2" },
    { "onednn/ties", "torch-2.13/onednn-ties-x86-avx2",
      "x86", "x86-2.13-avx2", "fbgemm-avx2" },
    { "onednn/blocks", "onednn/blocks-avx2",
      "onednn", "onednn-avx2", NULL },
    { "onednn/blocks", "torch-2.13/onednn-blocks-onednn-avx2",
      "onednn", "onednn-2.13-avx2", "onednn-avx2" },
    { "onednn/blocks", "torch-2.13/onednn-blocks-x86-avx2",
      "x86", "x86-2.13-avx2", "fbgemm-avx2" },
    { "onednn/perchannel", "onednn/perchannel-avx2",
      "onednn", "onednn-avx2", NULL },
    { "onednn/perchannel", "torch-2.13/onednn-perchannel-onednn-avx2",
      "onednn", "onednn-2.13-avx2", "onednn-avx2" },
    { "fbgemm/mixed", "fbgemm/mixed-avx2",
      "fbgemm", "fbgemm-avx2", NULL },
    { "fbgemm/mixed", "torch-2.13/fbgemm-mixed-fbgemm-avx2",
      "fbgemm", "fbgemm-2.13-avx2", "fbgemm-avx2" },
    { "fbgemm/observed", "fbgemm/observed-avx2",
      "fbgemm", "fbgemm-avx2", NULL },
    { "fbgemm/observed", "torch-2.13/fbgemm-observed-fbgemm-avx2",
      "fbgemm", "fbgemm-2.13-avx2", "fbgemm-avx2" },
    { "fbgemm/observed", "torch-2.13/fbgemm-observed-qnnpack-avx2",
      "qnnpack", "qnnpack", "qnnpack" },
    { "onednn/ties", "torch-2.13/onednn-ties-fbgemm-avx2",
      "fbgemm", "fbgemm-2.13-avx2", "fbgemm-avx2" },
    { "qnnpack/perchannel", "torch-2.13/qnnpack-perchannel-fbgemm-avx2",
      "fbgemm", "fbgemm-2.13-avx2", "fbgemm-avx2" },
    { "onednn/perchannel", "torch-2.13/onednn-perchannel-fbgemm-avx2",
      "fbgemm", "fbgemm-2.13-avx2", "fbgemm-avx2" },
    { "fbgemm/perchannel", "fbgemm/perchannel-avx2-relu0",
      "fbgemm", "fbgemm-avx2", NULL },
    { "fbgemm/perchannel", "torch-2.13/fbgemm-perchannel-fbgemm-avx2",
      "fbgemm", "fbgemm-2.13-avx2", "fbgemm-avx2" },
    { "fbgemm/perchannel", "torch-2.13/fbgemm-perchannel-qnnpack-avx2",
      "qnnpack", "qnnpack", "qnnpack" },
    { "qnnpack/relu", "qnnpack/relu", "qnnpack", "qnnpack", NULL },
    { "qnnpack/relu", "torch-2.13/qnnpack-relu-qnnpack-avx2",
      "qnnpack", "qnnpack", "qnnpack" },
    { "qnnpack/relu", "torch-2.13/qnnpack-relu-fbgemm-avx2",
      "fbgemm", "fbgemm-2.13-avx2", "fbgemm-avx2" },
    { "onednn/relu", "onednn/relu-avx2", "onednn", "onednn-avx2", NULL },
    { "onednn/relu", "torch-2.13/onednn-relu-onednn-avx2",
      "onednn", "onednn-2.13-avx2", "onednn-avx2" },
    { "onednn/relu", "torch-2.13/onednn-relu-fbgemm-avx2",
      "fbgemm", "fbgemm-2.13-avx2", "fbgemm-avx2" },
    { "fbgemm/perchannel", "fbgemm/perchannel-avx2-relu1",
      "fbgemm", "fbgemm-avx2", NULL },
    { "fbgemm/perchannel", "torch-2.13/fbgemm-perchannel-relu1-fbgemm-avx2",
      "fbgemm", "fbgemm-2.13-avx2", "fbgemm-avx2" },
    { "fbgemm/perchannel", "torch-2.13/fbgemm-perchannel-relu1-qnnpack-avx2",
      "qnnpack", "qnnpack", "qnnpack" },
};

static void torch2_versions(void)
{
    char line[512], path[1024];
    t2_read_version(t2_new, sizeof t2_new,
                    nm("%s/torch-2.13/versions.txt", data_dir), "torch ");
    t2_read_version(t2_old, sizeof t2_old,
                    nm("%s/qnnpack/observed-layers.txt", data_dir),
                    "PyTorch ");
    def("TorchTwoVersion", "%s", t2_new);
    def("TorchOldVersion", "%s", t2_old);
    snprintf(path, sizeof path, "%s/torch-2.13/versions.txt", data_dir);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_book(nm("cannot open %s", path));
    while (fgets(line, sizeof line, f)) {
        char a[64] = "", b[64] = "", c[64] = "", d[64] = "";
        line[strcspn(line, "\n")] = 0;
        if (sscanf(line, "engines %63s %63s %63s %63s", a, b, c, d) == 4)
            def("TorchTwoEngines", "\\texttt{%s}, \\texttt{%s}, "
                "\\texttt{%s} and \\texttt{%s}", a, b, c, d);
        else if (strncmp(line, "Intel(R) MKL-DNN ", 17) == 0
                 && sscanf(line + 17, "%63s", a) == 1)
            def("TorchTwoOnednn", "oneDNN %s", a);
        else if (sscanf(line, "isas %63[^:]:%63s", a, b) == 2)
            def("TorchTwoIsa", "%s", b);
    }
    fclose(f);
}

static size_t t2_bad(const char *corpus, const char *answers,
                     const char *row)
{
    char pl[1024], pe[1024];
    ql_corpus_stats st;
    const ql_engine *e = ql_find_engine(row);
    if (!e)
        fail_book(nm("no engine %s", row));
    corpus_path(pl, sizeof pl, corpus, "layers");
    corpus_path(pe, sizeof pe, answers, "expected");
    if (ql_compare_engine(pl, pe, e, strstr(answers, "relu1") ? QL_FUSE_RELU
                                                              : 0, &st) != 0)
        fail_book(st.detail);
    return st.bad_outputs;
}

static void few_values_fbgemm(void);
static void pt2e_numbers(void);
static void torch2_table(const char *out_dir)
{
    size_t onednn_old = 0, fbgemm_old = 0, onednn_files = 0, layers;
    torch2_versions();
    FILE *f = table_open(out_dir, "torch2-table.tex", "@{}lllllrr@{}",
        "corpus & engine & PyTorch & ISA & row & $\\ne$ row"
        " & $\\ne$ old row");
    for (size_t i = 0; i < sizeof t2 / sizeof *t2; i++) {
        size_t bad = t2_bad(t2[i].corpus, t2[i].answers, t2[i].row);
        size_t old = t2[i].old ? t2_bad(t2[i].corpus, t2[i].answers,
                                        t2[i].old) : 0;
        if (bad)
            warn_book("%s: %zu outputs of %s differ from %s", t2[i].answers,
                      bad, t2[i].engine, t2[i].row);
        onednn_old += strcmp(t2[i].engine, "onednn") == 0 ? old : 0;
        onednn_files += strcmp(t2[i].row, "onednn-2.13-avx2") == 0;
        fbgemm_old += strcmp(t2[i].engine, "fbgemm") == 0 ? old : 0;
        table_row(f, "\\texttt{%s}%s & \\texttt{%s} & %s & %s & \\texttt{%s}"
                  " & %zu & %s", t2[i].corpus,
                  strstr(t2[i].answers, "relu1") ? ", fused" : "",
                  t2[i].engine, pt_version(t2[i].answers),
                  strstr(t2[i].answers, "-avx2") ? "AVX2" : "any",
                  t2[i].row, bad,
                  t2[i].old ? nm("%zu", old) : "---");
    }
    table_close(f);
    def("TorchTwoOnednnOld", "%zu", onednn_old);
    def("TorchTwoOnednnCorpora", "%zu", onednn_files);
    def("TorchTwoFbgemmOld", "%zu", fbgemm_old);
    static const char *t2_corpora[] = {
        "qnnpack-observed", "qnnpack-ties", "qnnpack-extremes",
        "qnnpack-ties-bias", "qnnpack-perchannel", "onednn-observed",
        "onednn-ties", "onednn-blocks", "onednn-perchannel", "fbgemm-mixed",
        "fbgemm-observed", "fbgemm-observed-reduce-range", "qnnpack-relu",
        "onednn-relu", "fbgemm-perchannel", "fbgemm-perchannel-relu1",
    };
    layers = 0;
    for (size_t c = 0; c < sizeof t2_corpora / sizeof *t2_corpora; c++) {
        char px[1024], pf[1024];
        snprintf(px, sizeof px, "%s/torch-2.13/%s-x86-avx2-expected.txt",
                 data_dir, t2_corpora[c]);
        snprintf(pf, sizeof pf, "%s/torch-2.13/%s-fbgemm-avx2-expected.txt",
                 data_dir, t2_corpora[c]);
        FILE *fx = fopen(px, "r"), *ff = fopen(pf, "r");
        if (!fx || !ff)
            fail_book(nm("cannot open %s or %s", px, pf));
        int a, b;
        do {
            a = fgetc(fx);
            b = fgetc(ff);
        } while (a == b && a != EOF);
        if (a != b)
            warn_book("%s: the x86 engine differs from fbgemm on a CPU "
                      "without AVX512-VNNI", px);
        layers += a == b;
        fclose(fx);
        fclose(ff);
    }
    def("TorchTwoCorpora", "%zu", layers);
    few_values_fbgemm();
    pt2e_numbers();
}

static void few_values_fbgemm(void)
{
    static const struct { const char *name, *answers; } fv[] = {
        { "FewValuesFbgemmAvxTwo", "torch-2.13/fbgemm-observed-fbgemm-avx2" },
        { "FewValuesFbgemmVnni", "fbgemm/observed-vnni" },
    };
    for (size_t i = 0; i < sizeof fv / sizeof *fv; i++) {
        ql_corpus_stats st = compare_with("fbgemm/observed", fv[i].answers,
                                          run_answer3, QL_SKIP_BIAS);
        def(nm("%sLayers", fv[i].name), "%zu", st.layers);
        def(nm("%sOutputs", fv[i].name), "%zu", st.outputs);
        def(nm("%sBadLayers", fv[i].name), "%zu", st.bad_layers);
        def(nm("%sBadOutputs", fv[i].name), "%zu", st.bad_outputs);
    }
    def("FewValuesFbgemmTwoIsStandalone", "%s",
        t2_same_file("torch-2.13/fbgemm-observed-fbgemm-avx2",
                     "fbgemm/observed-avx2")
        && t2_same_file("torch-2.13/fbgemm-mixed-fbgemm-avx2",
                        "fbgemm/mixed-avx2") ? "the same" : "not the same");
}

static int t2_max_diff;                 /* of the last t2_count_diff */
static size_t t2_count_diff(const char *a, const char *b, size_t *n)
{
    FILE *fa = fopen(nm("%s/%s-expected.txt", data_dir, a), "r");
    FILE *fb = fopen(nm("%s/%s-expected.txt", data_dir, b), "r");
    size_t d = 0;
    int x, y;
    if (!fa || !fb)
        fail_book(nm("cannot open %s or %s", a, b));
    *n = 0;
    t2_max_diff = 0;
    while (fscanf(fa, "%d", &x) == 1 && fscanf(fb, "%d", &y) == 1) {
        d += x != y;
        t2_max_diff = abs(x - y) > t2_max_diff ? abs(x - y) : t2_max_diff;
        ++*n;
    }
    fclose(fa);
    fclose(fb);
    return d;
}

static void pt2e_numbers(void)
{
    size_t n;
    def("PtMlpEagerCompiled", "%zu",
        t2_count_diff("torch-2.13/pt2e-mlp-fc1-eager-avx2",
                      "torch-2.13/pt2e-mlp-fc1-compiled-avx2", &n));
    def("PtMlpOutputs", "%zu", n);
    def("PtMlpMaxDiff", "%d", t2_max_diff);
    def("PtMlpEagerExact", "%zu", t2_bad("torch-2.13/pt2e-mlp-fc1",
        "torch-2.13/pt2e-mlp-fc1-eager-avx2", "exact"));
    def("PtMlpCompiledOnednn", "%zu", t2_bad("torch-2.13/pt2e-mlp-fc1",
        "torch-2.13/pt2e-mlp-fc1-compiled-avx2", "onednn-2.13-avx2"));
    def("PtForumEagerCompiled", "%zu",
        t2_count_diff("torch-2.13/pt2e-forum-eager-avx2",
                      "torch-2.13/pt2e-forum-compiled-avx2", &n));
    def("PtForumOutputs", "%zu", n);
}

static const char *grouped(long long v)   /* 16979066880 -> 16\,979\,066\,880 */
{
    static char buf[4][64];
    static int turn;
    char digits[32], *o = buf[turn = (turn + 1) % 4];
    int n = snprintf(digits, sizeof digits, "%lld", v < 0 ? -v : v);
    if (v < 0)
        *o++ = '-';
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            o += sprintf(o, "\\,");
        *o++ = digits[i];
    }
    *o = '\0';
    return buf[turn];
}

typedef struct {
    int qexp, s, post;
    long long acc, shifted, wrapped, high, rounded, sat;
    int y;
} rndnu_steps;

static rndnu_steps rndnu_trace(int32_t acc, float m, int32_t zy)
{
    rndnu_steps t;
    uint32_t bits;
    memcpy(&bits, &m, sizeof bits);
    int32_t q = (int32_t)(((bits & 0x7FFFFFu) | 0x800000u) << 7);
    t.qexp = (bits & 0x7FFFFFu) == 0 ? 30 : -1;  /* q a power of two */
    t.s = 126 - (int)(bits >> 23);
    t.post = t.s > 1 ? t.s : 1;
    t.acc = acc;
    t.shifted = (long long)acc * (1LL << (t.post - t.s));
    t.wrapped = ql_wrap_i32(t.shifted);
    long long p = t.wrapped * q;
    t.high = p >= 0 ? p / (1LL << 31) : -((-p + (1LL << 31) - 1) / (1LL << 31));
    long long h = t.high + (1LL << (t.post - 1)), d = 1LL << t.post;
    t.rounded = h >= 0 ? h / d : -((-h + d - 1) / d);
    t.sat = ql_sat16((int32_t)t.rounded);
    long long r = ql_sat16((int32_t)t.sat + zy);
    t.y = r < 0 ? 0 : r > 255 ? 255 : (int)r;
    return t;
}

static uint8_t run_row(const char *row, ql_layer *L, size_t o)
{
    uint8_t y[2];
    ql_find_engine(row)->run(L, y);
    return y[o];
}

static void xnnpack_arm64_examples(void)
{
    uint8_t x[2] = { 0, 2 }, big_x[1024];
    int8_t w[1] = { 10 }, big_w[1024];
    ql_layer T = { 2, 1, 1, { 1.0f, 1 }, { 1.0f, 0 }, { 4.0f, 10 },
                   x, w, NULL, NULL, 0 };
    ql_layer V = { 1, 1024, 1, { 1.0f, 0 }, { 1.0f, 0 },
                   { 1.0f / 128, 100 }, big_x, big_w, NULL, NULL, 0 };
    memset(big_x, 255, sizeof big_x);
    memset(big_w, 127, sizeof big_w);
    float mt = ql_multiplier_fbgemm(1.0f, 1.0f, 4.0f);
    float mv = ql_multiplier_fbgemm(1.0f, 1.0f, 1.0f / 128);
    rndnu_steps n = rndnu_trace((int32_t)ql_acc_exact(&T, 0, 0), mt, 10);
    rndnu_steps p = rndnu_trace((int32_t)ql_acc_exact(&T, 1, 0), mt, 10);
    rndnu_steps v = rndnu_trace((int32_t)ql_acc_exact(&V, 0, 0), mv, 100);
    if (n.qexp != 30 || v.qexp != 30 || v.post != 1 || n.post != 1
        || n.y != run_row("xnnpack-arm64", &T, 0)
        || p.y != run_row("xnnpack-arm64", &T, 1)
        || v.y != run_row("xnnpack-arm64", &V, 0)
        || v.wrapped == v.shifted)
        warn_book("%s", "the XNNPACK ARM64 examples no longer go as the text says");
    def("XaTieQexp", "%d", n.qexp);
    def("XaTieS", "%d", n.s);
    def("XaTieAneg", "%lld", n.acc);
    def("XaTieHneg", "%lld", n.high);
    def("XaTieHalfNeg", "%g", (double)n.high / 2);
    def("XaTieRneg", "%lld", n.rounded);
    def("XaTieApos", "%lld", p.acc);
    def("XaTieHalfPos", "%g", (double)p.high / 2);
    def("XaTieRpos", "%lld", p.rounded);
    def("XaTieRposXeightysix", "%d",
        (int)ql_round_half_even((float)p.high / 2));
    def("XaTieZy", "%d", (int)T.y_q.zero_point);
    def("XaTieYnegArm", "%d", n.y);
    def("XaTieYposArm", "%d", p.y);
    def("XaTieYnegX", "%d", run_row("xnnpack", &T, 0));
    def("XaTieYposX", "%d", run_row("xnnpack", &T, 1));
    def("XaWrapM", "%g", (double)mv);
    def("XaWrapQexp", "%d", v.qexp);
    def("XaWrapS", "%d", v.s);
    def("XaWrapK", "%zu", V.k);
    def("XaWrapAcc", "%s", grouped(v.acc));
    def("XaWrapShift", "%d", v.post - v.s);
    def("XaWrapShifted", "%s", grouped(v.shifted));
    def("XaWrapWrapped", "%s", grouped(v.wrapped));
    def("XaWrapHalved", "%s", grouped(v.rounded));
    def("XaWrapSat", "%s", grouped(v.sat));
    def("XaWrapZy", "%d", (int)V.y_q.zero_point);
    def("XaWrapYArm", "%d", v.y);
    def("XaWrapYX", "%d", run_row("xnnpack", &V, 0));
}

typedef struct {
    const char *name, *macro, *x86;       /* x86: the ISA in its names */
    const char *layers[6], *answers[6];   /* file stems in tests/data */
} arm_library;
static const arm_library arm_libraries[] = {
    { "XNNPACK", "Xnnpack", "",
      { "xnnpack/observed", "xnnpack/ties", "xnnpack/extremes",
        "fbgemm/mixed", "fbgemm/observed" },
      { "xnnpack/observed", "xnnpack/ties", "xnnpack/extremes",
        "xnnpack/fbgemm-mixed", "xnnpack/fbgemm-observed" } },
    { "gemmlowp", "Gemmlowp", "",
      { "gemmlowp/observed", "gemmlowp/ties", "gemmlowp/extremes",
        "fbgemm/mixed", "fbgemm/observed" },
      { "gemmlowp/observed", "gemmlowp/ties", "gemmlowp/extremes",
        "gemmlowp/fbgemm-mixed", "gemmlowp/fbgemm-observed" } },
    { "QNNPACK", "Qnnpack", "",
      { "qnnpack/observed", "qnnpack/ties", "qnnpack/extremes",
        "qnnpack/ties-bias", "qnnpack/perchannel" },
      { "qnnpack/observed", "qnnpack/ties", "qnnpack/extremes",
        "qnnpack/ties-bias", "qnnpack/perchannel" } },
    { "oneDNN", "Onednn", "-vnni",
      { "onednn/observed", "onednn/ties", "onednn/blocks",
        "onednn/perchannel" },
      { "onednn/observed", "onednn/ties", "onednn/blocks",
        "onednn/perchannel" } },
    { "ONNX Runtime", "Onnxruntime", "-vnni",
      { "onnxruntime/observed", "onnxruntime/ties", "onnxruntime/extremes",
        "fbgemm/mixed", "fbgemm/observed", "qnnpack/perchannel" },
      { "onnxruntime/observed", "onnxruntime/ties", "onnxruntime/extremes",
        "onnxruntime/fbgemm-mixed", "onnxruntime/fbgemm-observed",
        "onnxruntime/qnnpack-perchannel" } },
};
typedef struct {
    size_t layers, diff_layers, overflow, rounding, zero_full, refusals;
} arm_counts;

static int arm_overflows(const char *lib, const ql_layer *L, size_t o)
{
    size_t i = o / L->n, j = o % L->n;
    float sx = L->x_q.scale, sw = ql_weight_q(L, j).scale;
    if (strcmp(lib, "QNNPACK") == 0) {
        int64_t b = L->bias ? ql_qnnpack_bias(L->bias[j], sx, sw) : 0;
        float v = (float)ql_wrap_i32(b + ql_acc_exact(L, i, j))
                  * ql_multiplier_qnnpack(sx, sw, L->y_q.scale);
        return !(fabsf(v) < 0x1p31f);
    }
    if (strcmp(lib, "XNNPACK") == 0) {
        float m = ql_multiplier_fbgemm(sx, sw, L->y_q.scale);
        uint32_t bits;
        memcpy(&bits, &m, sizeof bits);
        int s = 126 - (int)(bits >> 23);
        int64_t a = (int64_t)ql_wrap_i32(ql_acc_exact(L, i, j))
                    * (INT64_C(1) << (s < 1 ? 1 - s : 0));
        return a != ql_wrap_i32(a);
    }
    return 0;
}

static void arm_layer(const arm_library *lib, const ql_layer *L,
                      ql_reader *rx, ql_reader *ra, arm_counts *c,
                      uint8_t *forum)
{
    size_t n = L->m * L->n, differ = 0;
    uint8_t *yx = malloc(n), *ya = malloc(n);
    int tx = yx ? ql_read_outputs(rx, n, yx) : -1;
    int ta = ya ? ql_read_outputs(ra, n, ya) : -1;
    if (tx <= 0 || ta <= 0)
        fail_book("cannot read an x86 or ARM64 answer file");
    if (tx == 2 || ta == 2)
        c->refusals += tx != ta;
    else {
        c->layers++;
        for (size_t o = 0; o < n; o++) {
            if (yx[o] == ya[o])
                continue;
            differ++;
            if (!arm_overflows(lib->name, L, o))
                c->rounding++;
            else {
                c->overflow++;
                c->zero_full += yx[o] == 0 && ya[o] == 255;
            }
        }
        c->diff_layers += differ > 0;
        if (forum)
            memcpy(forum, yx, 2), memcpy(forum + 2, ya, 2);
    }
    free(yx);
    free(ya);
}

static int is_forum_layer(const ql_layer *L)
{
    const ql_layer *F = ql_forum_layer();
    return L->m == F->m && L->k == F->k && L->n == F->n && !L->bias
           && !L->w_channel
           && memcmp(L->x, F->x, F->m * F->k) == 0
           && memcmp(L->w, F->w, F->n * F->k) == 0
           && L->x_q.scale == F->x_q.scale && L->w_q.scale == F->w_q.scale
           && L->y_q.scale == F->y_q.scale
           && L->x_q.zero_point == F->x_q.zero_point
           && L->w_q.zero_point == F->w_q.zero_point
           && L->y_q.zero_point == F->y_q.zero_point;
}

static void arm_walk(const arm_library *lib, arm_counts *c, uint8_t *forum,
                     int *forum_seen)
{
    for (size_t k = 0; k < 6 && lib->layers[k]; k++) {
        char px[1024], pa[1024], arm[300], x86[300];
        corpus_reader cr;
        snprintf(arm, sizeof arm, "%s-arm64", lib->answers[k]);
        snprintf(x86, sizeof x86, "%s%s", lib->answers[k], lib->x86);
        corpus_path(px, sizeof px, x86, "expected");
        corpus_path(pa, sizeof pa, arm, "expected");
        FILE *fx = fopen(px, "r"), *fa = fopen(pa, "r");
        ql_reader rx, ra;
        if (!fx || !fa)
            fail_book("cannot open an x86 or ARM64 answer file");
        ql_reader_init(&rx, fx, px);
        ql_reader_init(&ra, fa, pa);
        corpus_open(&cr, lib->layers[k], NULL);
        while (corpus_next(&cr)) {
            int f = !*forum_seen && is_forum_layer(&cr.L);
            arm_layer(lib, &cr.L, &rx, &ra, c, f ? forum : NULL);
            *forum_seen |= f;
        }
        corpus_close(&cr);
        fclose(fx);
        fclose(fa);
    }
}

static void arm_numbers(const char *out_dir)
{
    FILE *t = table_open(out_dir, "arm-table.tex", "@{}llrrrr@{}",
        "library & PyTorch & layers & layers that differ"
        " & outputs: rounding & outputs: overflow ");
    FILE *f = table_open(out_dir, "arm-forum.tex", "@{}lll@{}",
        "library & x86 & ARM64 ");
    xnnpack_arm64_examples();
    for (size_t l = 0; l < sizeof arm_libraries / sizeof *arm_libraries; l++) {
        const arm_library *lib = &arm_libraries[l];
        arm_counts c = { 0 };
        uint8_t y[4];
        int seen = 0;
        arm_walk(lib, &c, y, &seen);
        if (c.refusals)
            fail_book("x86 and ARM64 answers: refusals that differ");
        def(nm("Arm%sLayers", lib->macro), "%zu", c.layers);
        def(nm("Arm%sDiffLayers", lib->macro), "%zu", c.diff_layers);
        def(nm("Arm%sRounding", lib->macro), "%zu", c.rounding);
        def(nm("Arm%sOverflow", lib->macro), "%zu", c.overflow);
        def(nm("Arm%sZeroFull", lib->macro), "%zu", c.zero_full);
        char x86v[16];
        snprintf(x86v, sizeof x86v, "%s", pt_version(lib->answers[0]));
        table_row(t, "%s & %s%s%s & %zu & %zu & %zu & %zu ", lib->name, x86v,
                  strcmp(x86v, "---") ? " / " : "",
                  strcmp(x86v, "---") ? pt_version(nm("%s-arm64",
                                                      lib->answers[0])) : "",
                  c.layers, c.diff_layers, c.rounding, c.overflow);
        if (seen)
            table_row(f, "%s & $[%d, %d]$ & $[%d, %d]$ ", lib->name, y[0],
                      y[1], y[2], y[3]);
        if ((strcmp(lib->name, "QNNPACK") == 0
             && (c.rounding || c.zero_full != c.overflow || !c.overflow))
            || ((strcmp(lib->name, "gemmlowp") == 0
                 || strcmp(lib->name, "ONNX Runtime") == 0) && c.diff_layers)
            || (seen && memcmp(y, y + 2, 2) != 0))
            warn_book("%s: its x86 and ARM64 answers no longer differ as "
                      "section 'Server and phone, counted' says", lib->name);
    }
    table_close(t);
    table_close(f);
}

static void dynamic_swaps(void);

static void dynamic_numbers(void)
{
    ql_corpus_stats q, o;
    char pl[1024], pe[1024];
    snprintf(pl, sizeof pl, "%s/qnnpack/dynamic-layers.txt", data_dir);
    snprintf(pe, sizeof pe, "%s/qnnpack/dynamic-expected.txt", data_dir);
    if (ql_compare_dynamic(pl, pe, ql_find_dynamic_engine("qnnpack"), &q)
        || q.bad_outputs)
        warn_book("dynamic qnnpack: %zu outputs differ; %s", q.bad_outputs,
                  q.detail);
    snprintf(pl, sizeof pl, "%s/onednn/dynamic-layers.txt", data_dir);
    snprintf(pe, sizeof pe, "%s/onednn/dynamic-avx2-expected.txt",
             data_dir);
    if (ql_compare_dynamic(pl, pe, ql_find_dynamic_engine("onednn-avx2"),
                           &o) || o.bad_outputs)
        warn_book("dynamic onednn-avx2: %zu outputs differ; %s",
                  o.bad_outputs, o.detail);
    def("DynQnnpackLayers", "%zu", q.layers);
    def("DynQnnpackOutputs", "%zu", q.outputs);
    def("DynOnednnLayers", "%zu", o.layers + o.refused);
    def("DynOnednnOutputs", "%zu", o.outputs);
    dynamic_swaps();
}

typedef struct {
    size_t order, order_outputs, reorder, inputs, recip, layers;
    size_t norr, pairs;
} dyn_swaps;

static void swaps_qnnpack(const ql_dynamic *D, dyn_swaps *c)
{
    ql_layer L = D->q;
    size_t n = L.m * L.k;
    float lo = D->x[0], hi = D->x[0];
    for (size_t i = 1; i < n; i++) {
        lo = D->x[i] < lo ? D->x[i] : lo;
        hi = D->x[i] > hi ? D->x[i] : hi;
    }
    ql_dynamic_qparams p = ql_choose_dynamic(lo, hi, 0);
    L.x_q.scale = (float)p.scale;
    L.x_q.zero_point = p.zero_point;
    uint8_t *x = malloc(n);
    if (!x)
        return;
    float s = 1.0f / L.x_q.scale;
    for (size_t i = 0; i < n; i++) {
        float v = D->x[i] * s;
        float after = ql_round_half_even(v) + (float)p.zero_point;
        float before = ql_round_half_even(v + (float)p.zero_point);
        after = after < 0.0f ? 0.0f : after > 255.0f ? 255.0f : after;
        before = before < 0.0f ? 0.0f : before > 255.0f ? 255.0f : before;
        x[i] = (uint8_t)ql_quantize(D->x[i], L.x_q, QL_QUINT8);
        c->reorder += after != before;
        c->inputs++;
    }
    L.x = x;
    for (size_t i = 0; i < L.m && L.bias; i++)
        for (size_t j = 0; j < L.n; j++) {
            float m = ql_weight_q(&L, j).scale * L.x_q.scale;
            float a = (float)ql_wrap_i32(ql_acc_exact(&L, i, j));
            float qn = m * a + L.bias[j];
            float od = (a + L.bias[j] / m) * m;
            c->order += memcmp(&qn, &od, sizeof qn) != 0;
            c->order_outputs++;
        }
    free(x);
}

static void swaps_onednn(const ql_dynamic *D, dyn_swaps *c)
{
    size_t n = D->q.m * D->q.k, no = D->q.m * D->q.n;
    float lo = D->x[0], hi = D->x[0];
    for (size_t i = 1; i < n; i++) {
        lo = D->x[i] < lo ? D->x[i] : lo;
        hi = D->x[i] > hi ? D->x[i] : hi;
    }
    ql_dynamic_qparams p = ql_choose_dynamic(lo, hi, D->reduce_range);
    c->recip += (float)(1.0 / p.scale) != 1.0f / (float)p.scale;
    c->layers++;
    if (D->reduce_range)
        return;
    float *ya = malloc(no * sizeof *ya), *yb = malloc(no * sizeof *yb);
    if (ya && yb && ql_find_dynamic_engine("onednn")->run(D, ya) == 0
        && ql_find_dynamic_engine("onednn-avx2")->run(D, yb) == 0) {
        c->norr++;
        for (size_t o = 0; o < no; o++)
            c->pairs += memcmp(&ya[o], &yb[o], sizeof *ya) != 0;
    }
    free(ya);
    free(yb);
}


static void dynamic_swaps(void)
{
    dyn_swaps c = { 0, 0, 0, 0, 0, 0, 0, 0 };
    const char *corpus[2] = { "qnnpack/dynamic", "onednn/dynamic" };
    for (int k = 0; k < 2; k++) {
        char path[1024];
        ql_reader r;
        ql_dynamic D;
        snprintf(path, sizeof path, "%s/%s-layers.txt", data_dir, corpus[k]);
        FILE *f = fopen(path, "r");
        if (!f) {
            warn_book("cannot open %s", path);
            continue;
        }
        ql_reader_init(&r, f, path);
        while (ql_read_dynamic(&r, &D) > 0) {
            if (k == 0)
                swaps_qnnpack(&D, &c);
            else
                swaps_onednn(&D, &c);
            ql_dynamic_free(&D);
        }
        fclose(f);
    }
    def("DynOrderDiffer", "%zu", c.order);
    def("DynOrderOutputs", "%zu", c.order_outputs);
    def("DynReorderDiffer", "%zu", c.reorder);
    def("DynQnnpackInputs", "%zu", c.inputs);
    def("DynRecipDiffer", "%zu", c.recip);
    def("DynNoRRLayers", "%zu", c.norr);
    def("DynPairsDiffer", "%zu", c.pairs);
}

static void exercise5_answer(void)
{
    const ql_layer *F = ql_forum_layer();
    int32_t zx = F->x_q.zero_point, zw = F->w_q.zero_point;
    int64_t hi = 0, lo = 0, k;
    int xh = 0, wh = 0, xl = 0, wl = 0;
    for (int x = 0; x < 256; x++)
        for (int w = -128; w < 128; w++) {
            int64_t p = (int64_t)(x - zx) * (w - zw);
            if (p > hi) { hi = p; xh = x; wh = w; }
            if (p < lo) { lo = p; xl = x; wl = w; }
        }
    k = INT32_MAX / hi;
    if (lo < 0 && -(INT64_C(1) + INT32_MAX) / lo < k) {
        k = -(INT64_C(1) + INT32_MAX) / lo;
        xh = xl;
        wh = wl;
    }
    def("ExFiveProdHi", "%lld", (long long)hi);
    def("ExFiveProdLo", "%lld", (long long)lo);
    def("ExFiveMaxK", "%lld", (long long)k);
    def("ExFiveWrapK", "%lld", (long long)k + 1);
    uint8_t *x = malloc((size_t)k + 1);
    int8_t *w = malloc((size_t)k + 1);
    if (!x || !w)
        fail_book("out of memory");
    memset(x, xh, (size_t)k + 1);
    memset(w, wh, (size_t)k + 1);
    ql_layer L = { .m = 1, .k = (size_t)k, .n = 1, .x_q = { 1.0f, zx },
                   .w_q = { 1.0f, zw }, .y_q = { 1.0f, 0 }, .x = x, .w = w };
    int64_t fits = ql_acc_exact(&L, 0, 0);
    L.k = (size_t)k + 1;
    int64_t wraps = ql_acc_exact(&L, 0, 0);
    if (fits != ql_wrap_i32(fits) || wraps == ql_wrap_i32(wraps))
        warn_book("exercise 5: %lld worst products should fit in int32 and"
                  " %lld should not", (long long)k, (long long)k + 1);
    free(x);
    free(w);
}

static inline uint32_t ex_rand(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

enum { EX07_SEED = 5, EX07_TRIALS = 100000 };
static inline void ex07_triple(uint32_t *s, float *sx, float *sw,
                               float *sy)
{
    *sx = (float)(ex_rand(s) + 1) / 16777216.0f;
    *sw = (float)(ex_rand(s) + 1) / 16777216.0f;
    *sy = (float)(ex_rand(s) + 1) / 16777216.0f;
}

static void exercise7_answer(void)
{
    uint32_t s = EX07_SEED;
    int differ = 0, differ_double = 0, differ_qnnpack = 0;
    for (int t = 0; t < EX07_TRIALS; t++) {
        float sx, sw, sy;
        ex07_triple(&s, &sx, &sw, &sy);
        float mo = ql_multiplier_onednn(sx, sw, sy);
        differ += mo != ql_multiplier_fbgemm(sx, sw, sy);
        differ_double += mo != (float)((double)sx * sw / sy);
        differ_qnnpack += mo != ql_multiplier_qnnpack(sx, sw, sy);
    }
    def("ExSevenTrials", "%d", (int)EX07_TRIALS);
    def("ExSevenDiffer", "%d", differ);
    def("ExSevenDoubleDiffer", "%d", differ_double);
    def("ExSevenQnnpackDiffer", "%d", differ_qnnpack);
}

static uint8_t gemmlowp_by_hand(const ql_layer *L, double m, int32_t *high,
                                int32_t *r, int32_t *q, int *e)
{
    ql_tflite_multiplier(m, q, e);
    int32_t a = (int32_t)ql_acc_exact(L, 0, 0);
    *high = ql_srdhm(ql_wrap_i32((int64_t)a * (INT64_C(1) << (*e > 0 ? *e : 0))),
                     *q);
    *r = ql_rounding_divide_by_pot(*high, *e < 0 ? -*e : 0);
    int32_t v = *r + L->y_q.zero_point;
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

static void gemmlowp_examples(void)
{
    uint8_t x[1] = { 0 }, x2[1] = { 193 }, y, yx;
    int8_t w[1] = { 10 }, w2[1] = { -110 };
    ql_layer T = { 1, 1, 1, { 1.0f, 1 }, { 1.0f, 0 }, { 4.0f, 10 },
                   x, w, NULL, NULL, 0 };
    ql_layer D = { 1, 1, 1, { 0.0348936208f, 0 }, { 0.0551970825f, 0 },
                   { 1.43476963f, 128 }, x2, w2, NULL, NULL, 0 };
    int32_t h, r, q, qf, hf, rf;
    int e, ef;
    double mt = (double)T.x_q.scale * T.w_q.scale / T.y_q.scale;
    double md = (double)D.x_q.scale * D.w_q.scale / D.y_q.scale;
    double mf = (double)(D.x_q.scale * D.w_q.scale) / D.y_q.scale;
    uint8_t yt = gemmlowp_by_hand(&T, mt, &h, &r, &q, &e);
    ql_find_engine("gemmlowp")->run(&T, &y);
    ql_find_engine("exact")->run(&T, &yx);
    if (y != yt || yx == yt || e >= 0)
        warn_book("%s", "the gemmlowp tie no longer goes as the text says");
    def("GlTieQexp", "%d", ilogb((double)q));
    def("GlTieE", "%d", e);
    def("GlTieAcc", "%d", (int)ql_acc_exact(&T, 0, 0));
    def("GlTieScaled", "%g", (double)ql_acc_exact(&T, 0, 0) * mt);
    def("GlTieHigh", "%d", (int)h);
    def("GlTieR", "%d", (int)r);
    def("GlTieRne", "%g",
        (double)ql_round_half_even((float)(ql_acc_exact(&T, 0, 0) * mt)));
    def("GlTieZy", "%d", (int)T.y_q.zero_point);
    def("GlTieY", "%d", yt);
    def("GlTieYexact", "%d", yx);
    uint8_t yd = gemmlowp_by_hand(&D, md, &h, &r, &q, &e);
    uint8_t yf = gemmlowp_by_hand(&D, mf, &hf, &rf, &qf, &ef);
    ql_find_engine("gemmlowp")->run(&D, &y);
    ql_find_engine("exact")->run(&D, &yx);
    if (y != yd || yx != yd || yf == yd)
        warn_book("%s", "the gemmlowp float-product example no longer goes as the "
                  "text says");
    def("GlDblX", "%d", D.x[0]);
    def("GlDblW", "%d", D.w[0]);
    def("GlDblAcc", "%d", (int)ql_acc_exact(&D, 0, 0));
    def("GlDblScaled", "%.3f", (double)ql_acc_exact(&D, 0, 0) * md);
    def("GlDblR", "%d", (int)r);
    def("GlDblZy", "%d", (int)D.y_q.zero_point);
    def("GlDblY", "%d", yd);
    def("GlDblYfloat", "%d", yf);
}

static void quantizer_ties(void)
{
    ql_qparams p = { 1.0f, 1 };
    int32_t up = ql_quantize(2.5f, p, QL_QINT8);
    int32_t down = ql_quantize(-2.5f, p, QL_QINT8);
    float up_rne = ql_round_half_even(2.5f);
    float down_rne = ql_round_half_even(-2.5f);
    if (up != up_rne + p.zero_point || down != down_rne + p.zero_point
        || (up == ql_round_half_even(2.5f + p.zero_point)
            && down == ql_round_half_even(-2.5f + p.zero_point)))
        warn_book("%s", "the quantizer's ties no longer go as the text says");
    def("QtTieUpRne", "%g", up_rne);
    def("QtTieUp", "%d", (int)up);
    def("QtTieDownRne", "%g", down_rne);
    def("QtTieDown", "%d", (int)down);
}

static void reciprocal_fails(void)
{
    int n = 1;
    while (n < 1000 && ql_multiplier_qnnpack((float)n, 1.0f, (float)n) == 1.0f)
        n++;
    if (n <= 3 || n == 1000
        || ql_multiplier_fbgemm((float)n, 1.0f, (float)n) != 1.0f)
        warn_book("%s", "the reciprocal example no longer goes as the text says");
    def("MultRecipFails", "%d", n);
}

static double two_decimals(const ql_layer *L, size_t j)
{
    float sx = L->x_q.scale, sw = L->w_q.scale, sy = L->y_q.scale;
    float a = (float)ql_acc_exact(L, 0, j);
    float vq = a * ql_multiplier_qnnpack(sx, sw, sy);
    float vf = a * ql_multiplier_fbgemm(sx, sw, sy);
    double cut = floor(vq * 100.0) / 100;
    if (cut != floor(vf * 100.0) / 100 || fabs(vq - floor(vq) - 0.5) < 0.01)
        warn_book("%s", "the forum's scaled accumulators no longer go as the "
                  "text says");
    return cut;
}

static void forum_scaled_accumulators(void)
{
    def("MultForumVa", "%.2f", two_decimals(ql_forum_layer(), 0));
    def("MultForumVb", "%.2f", two_decimals(ql_forum_layer(), 1));
}

static void x86_overflow_example(void)
{
    static uint8_t x[4096];
    static int8_t w[4096];
    ql_layer L = { 1, 4096, 1, { 1.0f, 0 }, { 1.0f, 0 },
                   { 0.001f, 100 }, x, w, NULL, NULL, 0 };
    uint8_t yq, ye, ya;
    memset(x, 255, sizeof x);
    memset(w, 127, sizeof w);
    double v = (double)ql_acc_exact(&L, 0, 0) * L.x_q.scale * L.w_q.scale
               / L.y_q.scale;
    int e = (int)floor(log10(v));
    ql_find_engine("qnnpack")->run(&L, &yq);
    ql_find_engine("exact")->run(&L, &ye);
    ql_find_engine("qnnpack-arm64")->run(&L, &ya);
    if (v < 2147483648.0 || yq != 0 || ye != UINT8_MAX || ya != ye)
        warn_book("%s", "the x86 overflow example no longer goes as the text "
                  "says");
    def("ReqOverV", "%.1f\\times10^{%d}", v / pow(10, e), e);
    def("ReqOverY", "%d", yq);
    def("ReqOverExactY", "%d", ye);
    def("ReqOverArmY", "%d", ya);
}

static void bias_units(void)
{
    int32_t tie = ql_qnnpack_bias(2.5f, 1.0f, 1.0f);
    int32_t neg = ql_qnnpack_bias(-1.0f, 0.5f, 0.25f);
    if (tie != ql_round_half_even(2.5f) || neg != -1.0 / (0.5 * 0.25))
        warn_book("%s", "the bias examples no longer go as the text says");
    def("BiasTieUnits", "%d", (int)tie);
    def("BiasNegUnits", "%d", (int)neg);
}

static void fbgemm_bias_example(void)
{
    float sx = 0.128991544f, sw = 0.52767241f, b = 8.06573582f;
    uint8_t x[1] = { 3 }, y, ye, ypc;
    int8_t w[1] = { 5 };
    ql_layer L = { 1, 1, 1, { sx, 3 }, { sw, 0 }, { 0.0680652782f, 115 },
                   x, w, &b, NULL, 0 };
    ql_qparams row = { sw, 0 };
    ql_find_engine("fbgemm")->run(&L, &y);
    ql_find_engine("exact")->run(&L, &ye);
    L.w_channel = &row;
    ql_find_engine("fbgemm")->run(&L, &ypc);
    if (y + 1 != ye || ypc != ye)
        warn_book("%s", "the FBGEMM bias example no longer goes as the text says");
    def("FbBiasExactY", "%d", ye);
}

static uint8_t run_case(const char *row, float sx, float sw, float sy,
                        float b, uint8_t x)
{
    int8_t w[1] = { 1 };
    float bias[1] = { b };
    ql_layer L = { 1, 1, 1, { sx, 0 }, { sw, 0 }, { sy, 0 },
                   &x, w, b != 0 ? bias : NULL, NULL, 0 };
    uint8_t y;
    ql_find_engine(row)->run(&L, &y);
    return y;
}

static uint8_t exact_case(float sx, float sw, float sy, float b,
                          uint8_t x, int all, double *v)
{
    int8_t w[1] = { 1 };
    float bias[1] = { b };
    ql_layer L = { 1, 1, 1, { sx, 0 }, { sw, 0 }, { sy, 0 },
                   &x, w, b != 0 ? bias : NULL, NULL, 0 };
    uint8_t y, ye;
    size_t n;
    const ql_engine *e = ql_engines(&n);
    *v = ((double)sx * sw * x + b) / sy;
    ql_find_engine("exact")->run(&L, &y);
    for (size_t i = 0; i < n; i++)
        if ((all || !strcmp(e[i].name, "fbgemm")
             || !strcmp(e[i].name, "onednn"))
            && !(e[i].refuses && e[i].refuses(&L))
            && (e[i].run(&L, &ye), ye != y))
            warn_book("%s", nm("engine %s no longer agrees on an exact tie or "
                         "bias example", e[i].name));
    return y;
}

static void exact_ties(void)
{
    double v;
    uint8_t y;
    def("ExTieFiveY", "%d", y = exact_case(1, 1, 2, 0, 5, 0, &v));
    def("ExTieFive", "%g", v);
    uint8_t yg = run_case("gemmlowp", 1, 1, 2, 0, 5);
    def("ExTieFiveGemmlowp", "%d", yg);
    if (yg == y)
        warn_book("%s", "gemmlowp no longer rounds the exact tie otherwise");
    def("ExTieSevenY", "%d", exact_case(1, 1, 2, 0, 7, 0, &v));
    def("ExTieSeven", "%g", v);
    def("ExTieFiveBY", "%d", exact_case(1, 1, 2, -0.5f, 5, 0, &v));
    def("ExTieFiveB", "%g", v);
    def("ExTieSevenBY", "%d", y = exact_case(1, 1, 2, -0.5f, 7, 0, &v));
    def("ExTieSevenB", "%g", v);
    uint8_t yq = run_case("qnnpack", 1, 1, 2, -0.5f, 7);
    def("ExTieQnnpackBias", "%d", (int)ql_qnnpack_bias(-0.5f, 1, 1));
    def("ExTieSevenBQnnpack", "%d", yq);
    if (yq == y)
        warn_book("%s", "qnnpack no longer answers otherwise on the exact bias "
                  "tie");
}

static void exact_bias(void)
{
    double v;
    uint8_t up = exact_case(1, 1, 2, 3, 5, 1, &v);
    uint8_t down = exact_case(1, 1, 2, -3, 5, 1, &v);
    uint8_t scaled = exact_case(0.5f, 0.25f, 0.5f, 2, 8, 1, &v);
    if (up != (5 + 3) / 2 || down != (5 - 3) / 2 || scaled != v)
        warn_book("%s", "the exact engine's bias examples are no longer exact");
    def("ExBiasUp", "%d", up);
    def("ExBiasDown", "%d", down);
    def("ExBiasSxSw", "%g", 0.5 * 0.25);
    def("ExBiasScaled", "%d", scaled);
}

static void pair_bound(void)
{
    int32_t p = UINT8_MAX * -(int32_t)INT8_MIN;
    if (p > INT16_MAX || 2 * p <= INT16_MAX)
        warn_book("%s", "the largest byte product no longer fits as the text "
                  "says");
    def("PairMaxProduct", "%d", (int)p);
}

static void xnnpack_clamp(void)
{
    static uint8_t x[1024];
    static int8_t w[1024];
    ql_layer L = { 1, 1024, 1, { 1.0f, 0 }, { 1.0f, 0 },
                   { 1.0f / 128, 100 }, x, w, NULL, NULL, 0 };
    uint8_t yq, yx;
    memset(x, 255, sizeof x);
    memset(w, 127, sizeof w);
    float v = (float)ql_acc_exact(&L, 0, 0)
              * ql_multiplier_fbgemm(1.0f, 1.0f, 1.0f / 128);
    ql_find_engine("qnnpack")->run(&L, &yq);
    ql_find_engine("xnnpack")->run(&L, &yx);
    if (v < 2147483648.0f || yq == yx)
        warn_book("%s", "the XNNPACK clamp example no longer goes as the text "
                  "says");
    def("XnClampV", "%s", grouped((long long)v));
    def("XnClampQnnpack", "%d", yq);
    def("XnClampXnnpack", "%d", yx);
}

static void gemmlowp_ties(void)
{
    int32_t up = ql_srdhm(-5, 1 << 30);
    int32_t away = ql_rounding_divide_by_pot(-5, 1);
    if (up != ceil(-2.5) || away != floor(-2.5))
        warn_book("%s", "gemmlowp's ties of -2.5 no longer go as the text says");
    def("GlSrdhmTie", "%d", (int)up);
    def("GlRdpTie", "%d", (int)away);
}

static void q31_form(const char *name, double m)
{
    int32_t q;
    int e, t = 0;
    ql_tflite_multiplier(m, &q, &e);
    if (q <= 0 || ldexp((double)q, e - 31) != m)
        warn_book("%s", nm("the Q31 form of %g is no longer exact", m));
    while (q % 2 == 0)
        q /= 2, t++;
    if (q == 1)
        def(name, "2^{%d} \\cdot 2^{%d}", t, e);
    else
        def(name, "%d \\cdot 2^{%d} \\cdot 2^{%d}", (int)q, t, e);
}

static void q31_forms(void)
{
    q31_form("GlQHalf", 0.5);
    q31_form("GlQOne", 1.0);
    q31_form("GlQThree", 3.0);
}

static void raw_term_bound(void)
{
    long long bound = (long long)QL_MAX_DIM * UINT8_MAX * -(long long)INT8_MIN;
    if (bound > INT32_MAX)
        warn_book("%s", "the raw term no longer fits in an int32");
    def("RawTermMax", "%s", grouped(bound));
}

static void best_kernel_agrees(const ql_layer *L, uint8_t *want)
{
    size_t ne;
    const ql_engine *e = ql_engines(&ne);
    uint8_t y[2];
    ql_find_engine("exact")->run(L, want);
    for (size_t i = 0; i < ne; i++)
        if (!(e[i].refuses && e[i].refuses(L))
            && (ql_kernel_run(ql_best_kernel(&e[i], L), &e[i], L, y) != 0
                || y[0] != want[0] || y[1] != want[1]))
            warn_book("%s", nm("the best kernel of %s no longer gives the "
                         "text's outputs", e[i].name));
}

static void best_kernel_examples(void)
{
    ql_qparams rows[2] = { { 1.0f, 0 }, { 2.0f, 0 } };
    uint8_t x[1] = { 10 }, pc[2], pre[2], relu[2];
    int8_t w[2] = { 1, 1 };
    ql_layer L = { 1, 1, 2, { 1.0f, 0 }, { 1.0f, 0 }, { 1.0f, 0 },
                   x, w, NULL, rows, 0 };
    best_kernel_agrees(&L, pc);
    L.w_channel = NULL;
    w[1] = -1;
    L.y_q = (ql_qparams){ 2.0f, 20 };
    best_kernel_agrees(&L, pre);
    L.relu = 1;
    best_kernel_agrees(&L, relu);
    if (pre[1] >= L.y_q.zero_point || relu[1] != L.y_q.zero_point)
        warn_book("%s", "the fused ReLU example no longer raises an output");
    def("KbPcA", "%d", pc[0]);
    def("KbPcB", "%d", pc[1]);
    def("KbReluPre", "%d", pre[1]);
    def("KbReluA", "%d", relu[0]);
    def("KbReluB", "%d", relu[1]);
}

static void onednn_split_example(void)
{
    static uint8_t x[257];
    static int8_t w[257];
    ql_layer L = { 1, 257, 1, { 1.0f, 0 }, { 1.0f, 0 }, { 1000.0f, 0 },
                   x, w, NULL, NULL, 0 };
    uint8_t y, ysat;
    memset(x, 255, sizeof x);
    w[128] = w[129] = 127;
    int64_t a = ql_acc_exact(&L, 0, 0);
    int32_t sat = ql_acc_pairs16(&L, 0, 0);
    float m = ql_multiplier_fbgemm(1.0f, 1.0f, 1000.0f);
    y = ql_requantize_x86((float)a * m, 0);
    ysat = ql_requantize_x86((float)sat * m, 0);
    uint8_t row, row_sat;
    ql_find_engine("onednn-avx2")->run(&L, &row);
    ql_find_engine("fbgemm-avx2")->run(&L, &row_sat);
    if (y != row || ysat != row_sat || sat == a || y == ysat)
        warn_book("%s", "the split-at-257 example no longer goes as the text "
                  "says");
    def("KsAcc", "%lld", (long long)a);
    def("KsSat", "%d", (int)sat);
    def("KsY", "%d", y);
    def("KsYsat", "%d", ysat);
}

static void per_channel_accumulators(void)
{
    uint8_t x[2] = { 4, 5 };
    int8_t w[4] = { 1, 2, 3, 4 };
    ql_qparams rows[2] = { { 0.25f, -1 }, { 0.125f, 2 } };
    ql_layer L = { 1, 2, 2, { 0.5f, 3 }, { 0.25f, -1 }, { 0.5f, 7 },
                   x, w, NULL, rows, 0 };
    int64_t a = ql_acc_exact(&L, 0, 0), b = ql_acc_exact(&L, 0, 1);
    if (a != ql_acc_four_terms(&L, 0, 0) || b != ql_acc_four_terms(&L, 0, 1))
        warn_book("%s", "the per-channel accumulators no longer agree");
    rows[1].zero_point = rows[0].zero_point;
    int64_t wrong = ql_acc_exact(&L, 0, 1);
    if (wrong == b)
        warn_book("%s", "row 0's zero point no longer changes the second row");
    def("RdPcA", "%lld", (long long)a);
    def("RdPcB", "%lld", (long long)b);
    def("RdPcWrong", "%lld", (long long)wrong);
}

static float dequantize_checked(int32_t q, ql_qparams p)
{
    float r = ql_dequantize(q, p);
    if (r != ((double)q - p.zero_point) * p.scale
        || r == ((double)q + p.zero_point) * p.scale)
        warn_book("%s", "a dequantize example no longer goes as the text says");
    return r;
}

static void dequantize_examples(void)
{
    ql_qparams x = { 0.5f, 202 }, w = { 0.25f, -3 };
    def("DqA", "%g", dequantize_checked(0, x));
    def("DqB", "%g", dequantize_checked(202, x));
    def("DqC", "%g", dequantize_checked(255, x));
    def("DqD", "%g", dequantize_checked(-128, w));
}

static void zero_point_tie_sum(void)
{
    float sum = zp_example_r + (float)zp_example_z;
    ql_qparams z = { 1.0f, zp_example_z };
    if (ql_forum_quantize(zp_example_r, z) != ql_round_half_even(sum))
        warn_book("%s", "the forum quantizer no longer rounds r + Z");
    def("QuantZpSum", "%g", sum);
}

static void forum_quantizer_clamps(void)
{
    ql_qparams p = { 1.0f, 0 };
    int32_t lo = ql_forum_quantize(-5.0f, p), hi = ql_forum_quantize(300.0f, p);
    if (lo != 0 || hi != UINT8_MAX || ql_forum_quantize(-0.5f, p) != lo
        || ql_forum_quantize(0.25f, p) != lo
        || ql_forum_quantize(254.75f, p) != hi)
        warn_book("%s", "the forum quantizer's clamp examples no longer go as "
                  "the text says");
    def("QcLow", "%d", (int)lo);
    def("QcHigh", "%d", (int)hi);
}

static void wrap_at_the_bound(void)
{
    int64_t prod = 255 * 255, k = INT32_MAX / prod;
    int64_t fits = k * prod, over = (k + 1) * prod;
    if (ql_wrap_i32(fits) != fits || ql_wrap_i32(over) == over)
        warn_book("%s", "the wrap examples no longer go as the text says");
    def("WrapFits", "%lld", (long long)fits);
    def("WrapOverK", "%lld", (long long)(k + 1));
    def("WrapOver", "%lld", (long long)over);
    def("WrapWrapped", "%d", (int)ql_wrap_i32(over));
}

static void answer3_ties(void)
{
    uint8_t x[1] = { 20 };
    int8_t w[1] = { 1 };
    ql_layer L = { 1, 1, 1, { 0.5f, 0 }, { 0.25f, 0 }, { 1.0f, 0 },
                   x, w, NULL, NULL, 0 };
    double up, down, v = 0.5 * 0.25 * 20;
    ql_forum_answer3(&L, &up);
    w[0] = -1;
    L.y_q.zero_point = 10;
    ql_forum_answer3(&L, &down);
    double down_r = down - L.y_q.zero_point;
    if (v - floor(v) != 0.5 || up == round(v) || down_r == round(-v))
        warn_book("%s", "answer 3's ties no longer go as the text says");
    def("AtTie", "%g", v);
    def("AtTieY", "%g", up);
    def("AtTieNeg", "%g", -v);
    def("AtTieNegR", "%g", down_r);
    def("AtTieNegY", "%g", down);
}

static void past_the_bound(void)
{
    enum { K = 40000 };
    static uint8_t x[K];
    static int8_t w[K];
    ql_layer L = { 1, K, 1, { 1.0f, 0 }, { 1.0f, -128 }, { 1e6f, 0 },
                   x, w, NULL, NULL, 0 };
    uint8_t yq, yf, ye;
    memset(x, 255, sizeof x);
    memset(w, 127, sizeof w);
    int64_t a = ql_acc_exact(&L, 0, 0);
    ql_find_engine("qnnpack")->run(&L, &yq);
    ql_find_engine("fbgemm")->run(&L, &yf);
    ql_find_engine("exact")->run(&L, &ye);
    if (yq != yf || yq == ye || ql_wrap_i32(a) >= 0)
        warn_book("%s", "the layer past the bound no longer goes as the text "
                  "says");
    def("PbAcc", "%lld", (long long)a);
    def("PbTrue", "%.0f", (double)a / 1e6);
    def("PbWrapped", "%d", (int)ql_wrap_i32(a));
    def("PbWrapY", "%d", yq);
    def("PbExactY", "%d", ye);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--fma") == 0) {
        data_dir = argv[2];
        fma_report(argv[3]);
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: bookdata [--fma] DATA_DIR OUT_DIR\n");
        return 2;
    }
    out = open_out(argv[2], "numbers.tex");
    def("QLversion", "%s", QL_VERSION);
    forum_numbers();
    forum_walk();
    quantizer_examples();
    counts_and_bounds();
    multiplier_orders();
    data_dir = argv[1];
    corpus_numbers(argv[2]);
    per_channel_numbers();
    fbgemm_example();
    fbgemm_table(argv[2]);
    fbgemm_same();
    fbgemm_perchannel();
    answer3_causes();
    fma_example(argv[2]);
    pipeline_data(argv[2]);
    grid_data(argv[2]);
    error_data(argv[2]);
    algebra_data(argv[2]);
    tie_data(argv[2]);
    pairs_data(argv[2]);
    many_engines(argv[2]);
    torch2_table(argv[2]);
    arm_numbers(argv[2]);
    dynamic_numbers();
    gemmlowp_examples();
    quantizer_ties();
    reciprocal_fails();
    forum_scaled_accumulators();
    x86_overflow_example();
    bias_units();
    fbgemm_bias_example();
    exact_ties();
    exact_bias();
    pair_bound();
    xnnpack_clamp();
    gemmlowp_ties();
    q31_forms();
    raw_term_bound();
    best_kernel_examples();
    onednn_split_example();
    per_channel_accumulators();
    dequantize_examples();
    zero_point_tie_sum();
    forum_quantizer_clamps();
    wrap_at_the_bound();
    answer3_ties();
    past_the_bound();
    rounding_failures("RoundFloorFails", floor_half);
    rounding_failures("RoundRoundfFails", roundf);
    rounding_cases();
    exercise5_answer();
    exercise7_answer();
    fclose(out);
    rounding_table(argv[2]);
    forum_table(argv[2]);
    write_warnings(argv[2]);
    return 0;
}

