#include "qlinear.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
static void usage(FILE *f)
{
    size_t n;
    const ql_engine *e = ql_engines(&n);
    fputs("usage: qlinear forum\n"
          "       qlinear eval [--engine NAME] [FILE]\n"
          "       qlinear observe [FILE]\n"
          "       qlinear quantize [FILE]\n"
          "       qlinear --help | --version\n\n"
          "  forum    the forum's layer, step by step\n"
          "  eval     read layers (see the book, appendix A) from FILE\n"
          "           or standard input; print each layer's outputs\n"
          "  observe  read lines '[symmetric] [reduce_range] DTYPE N v1..vN'\n"
          "           and print 'SCALE ZERO_POINT' as MinMaxObserver would\n"
          "  quantize read lines 'DTYPE SCALE ZERO_POINT N v1..vN' and\n"
          "           print the codes quantize_per_tensor would give\n\n"
          "engines (default qnnpack):\n", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %-12s %s\n", e[i].name, e[i].summary);
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
    int t;
    if (!in)
        return 2;
    ql_reader_init(&r, in, name);
    while ((t = one(&r, ctx)) > 0)
        seen++;
    if (in != stdin)
        fclose(in);
    if (t == 0 && seen == 0) {
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

static int eval_one(ql_reader *r, const void *ctx)
{
    const ql_engine *e = ctx;
    ql_layer L;
    int t = ql_read_layer(r, &L);
    if (t <= 0)
        return t;
    uint8_t *y = malloc(L.m * L.n);
    const char *why = !y ? "out of memory"
                    : e->refuses ? e->refuses(&L) : NULL;
    if (why) {
        t = -1;
        snprintf(r->err, sizeof r->err, "%s:%ld: engine %s: %s", r->name,
                 r->start_line, e->name, why);
    } else {
        e->run(&L, y);
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
    size_t n;
    int t = ql_read_observation(r, &sc, &v, &n);
    (void)ctx;
    if (t > 0) {
        ql_qparams p = ql_observe(sc, v, n);
        print_float(p.scale);
        printf(" %d\n", (int)p.zero_point);
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

static void print_pair(const char *label, const double *y)
{
    printf("  %-38s [%g, %g]\n", label, y[0], y[1]);
}

static int cmd_forum(void)
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
        e[i].run(L, q);
        y[0] = q[0];
        y[1] = q[1];
        snprintf(label, sizeof label, "engine %s", e[i].name);
        print_pair(label, y);
    }
    printf("\nPyTorch (QNNPACK) answered [59, 253]; the thread's question "
           "got [0, 255].\n");
    return 0;
}

static int eval_args(int argc, char **argv)
{
    const char *engine = "qnnpack", *path = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--engine") == 0 && i + 1 < argc)
            engine = argv[++i];
        else if (strncmp(argv[i], "--engine=", 9) == 0)
            engine = argv[i] + 9;
        else if (!path && (argv[i][0] != '-' || argv[i][1] == '\0'))
            path = argv[i];
        else {
            fprintf(stderr, "qlinear: eval: unexpected argument '%s'\n"
                    "Try 'qlinear --help'.\n", argv[i]);
            return 2;
        }
    }
    const ql_engine *e = ql_find_engine(engine);
    if (!e) {
        fprintf(stderr, "qlinear: unknown engine '%s'; "
                "'qlinear --help' lists them\n", engine);
        return 2;
    }
    return run_items(path, "layer", eval_one, e);
}

int main(int argc, char **argv)
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
    if (strcmp(argv[1], "forum") == 0 && argc == 2)
        return cmd_forum();
    if (strcmp(argv[1], "observe") == 0 && argc <= 3)
        return run_items(argc == 3 ? argv[2] : NULL, "observation",
                         observe_one, NULL);
    if (strcmp(argv[1], "quantize") == 0 && argc <= 3)
        return run_items(argc == 3 ? argv[2] : NULL, "quantize case",
                         quantize_one, NULL);
    if (strcmp(argv[1], "eval") == 0)
        return eval_args(argc - 2, argv + 2);
    fprintf(stderr, "qlinear: unknown command or arguments: '%s'\n"
            "Try 'qlinear --help'.\n", argv[1]);
    return 2;
}

