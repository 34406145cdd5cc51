#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "qlinear.h"
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
static const char *torch2_made(const char *engine);
static int corpus_skipped(const char *engine, const char *isa,
                          const char *expected)
{
    const char *only = getenv("QL_TRUTH_ISAS");
    const char *skip = getenv("QL_TRUTH_SKIP_ISAS");
    if ((only && !ql_cpu_has(only, *isa ? isa : "any"))
        || (skip && *isa && ql_cpu_has(skip, isa))) {
        fprintf(stderr, "ground truth: no %s corpus made; %s skipped\n",
                *isa ? isa : "x86", expected);
        return 1;
    }
    const char *made = strncmp(expected, "torch-", 6) == 0
                           ? torch2_made(engine)
                       : strncmp(engine, "onednn", 6) == 0
                           ? getenv("QL_ONEDNN_ISAS")
                       : strncmp(engine, "onnxruntime", 11) == 0
                           ? getenv("QL_ORT_ISAS")
                           : NULL;
    if (!made || ql_cpu_has(made, isa))
        return 0;
    fprintf(stderr, "ground truth: no %s corpus on this CPU; %s skipped\n",
            isa, expected);
    return 1;
}

static const char *torch2_made(const char *engine)
{
    return getenv(strncmp(engine, "x86", 3) == 0 ? "QL_TORCH2_X86_ISA"
                                                 : "QL_TORCH2_ISAS");
}

static void read_layer_text(const char *text, ql_layer *L)
{
    FILE *f = tmpfile();
    ql_reader r;
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    rewind(f);
    ql_reader_init(&r, f, "text");
    ck_assert_msg(ql_read_layer(&r, L) == 1, "%s", r.err);
    fclose(f);
}

static int layer_text_reads(const char *text)
{
    FILE *f = tmpfile();
    ql_reader r;
    ql_layer L;
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    rewind(f);
    ql_reader_init(&r, f, "text");
    int t = ql_read_layer(&r, &L);
    if (t > 0)
        ql_layer_free(&L);
    fclose(f);
    return t;
}

static uint8_t round_probe(const ql_probe *p, int32_t zy)
{
    if (p->cvt)
        return ql_requantize_x86((float)p->value, zy);
    float d = (float)p->value;
    d = d < 0.0f ? 0.0f : d > 255.0f ? 255.0f : d;
    return (uint8_t)ql_round_half_even(d);
}

static int probe_misses(const ql_probe *p, int32_t zy, uint8_t code,
                        int far_only, size_t *checked)
{
    double v = p->value + (p->zy_first ? 0.0 : zy);
    if (!far_only) {
        ++*checked;
        return round_probe(p, zy) != code;
    }
    if (v < 0.0 || v > 255.0 || fabs(v - floor(v) - 0.5) < 1e-3)
        return 0;
    ++*checked;
    return (long)nearbyint(v) != code;
}

static size_t walk_probes(const char *corpus, const char *const *names,
                          size_t nn, int far_only, size_t *checked)
{
    char path[1024];
    const char *dir = getenv("QL_TEST_DATA");
    snprintf(path, sizeof path, "%s/%s-layers.txt", dir ? dir : QL_TEST_DATA,
             corpus);
    FILE *f = fopen(path, "r");
    ql_reader r;
    ql_layer L;
    size_t bad = 0;
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ql_reader_init(&r, f, path);
    while (ql_read_layer(&r, &L) > 0) {
        uint8_t *y = malloc(L.m * L.n);
        ck_assert_ptr_nonnull(y);
        for (size_t e = 0; e < nn; e++) {
            const ql_engine *en = ql_find_engine(names[e]);
            if (!en || (en->refuses && en->refuses(&L)))
                continue;
            en->run(&L, y);
            for (size_t o = 0; o < L.m * L.n; o++) {
                ql_probe p;
                ck_assert(ql_engine_probe(en, &L, o / L.n, o % L.n, &p));
                bad += probe_misses(&p, L.y_q.zero_point, y[o], far_only, checked);
            }
        }
        free(y);
        ql_layer_free(&L);
    }
    fclose(f);
    ck_assert_msg(r.err[0] == '\0', "%s", r.err);
    return bad;
}

static uint32_t test_rand(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static void random_layer_1x64(ql_layer *L, int t)
{
    uint32_t s = 7u + (uint32_t)t;
    for (int kk = 0; kk < 64; kk++) {
        L->x[kk] = (uint8_t)(test_rand(&s) & 0xff);
        L->w[kk] = (int8_t)((int)(test_rand(&s) & 0xff) - 128);
    }
    L->x_q.zero_point = t == 0 ? 0 : t == 1 ? 255
                      : (int32_t)(test_rand(&s) % 256);
    L->w_q.zero_point = t == 0 ? -128 : t == 1 ? 127
                      : (int32_t)(test_rand(&s) % 256) - 128;
}

#ifndef QL_TEST_DATA
#define QL_TEST_DATA "tests/data"
#endif
typedef ql_corpus_stats corpus_stats;

static void data_path(char *path, size_t size, const char *file)
{
    const char *dir = getenv("QL_TEST_DATA");
    snprintf(path, size, "%s/%s", dir ? dir : QL_TEST_DATA, file);
}

static FILE *open_data(const char *file)
{
    char path[1024];
    data_path(path, sizeof path, file);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    return f;
}

static corpus_stats compare_engine(const char *layers,
                                   const char *expected, const ql_engine *e)
{
    char pl[1024], pe[1024];
    corpus_stats st;
    data_path(pl, sizeof pl, layers);
    data_path(pe, sizeof pe, expected);
    ck_assert_msg(ql_compare_engine(pl, pe, e, 0, &st) == 0, "%s",
                  st.detail);
    return st;
}

static corpus_stats compare_corpus(const char *layers,
                                   const char *expected, ql_run_fn run,
                                   unsigned flags)
{
    char pl[1024], pe[1024];
    corpus_stats st;
    data_path(pl, sizeof pl, layers);
    data_path(pe, sizeof pe, expected);
    ck_assert_msg(ql_compare_corpus(pl, pe, run, flags, &st) == 0, "%s",
                  st.detail);
    return st;
}

START_TEST(test_cvt_out_of_range)
{
    ck_assert_int_eq(ql_cvt_f32_i32(2147483520.0f), 2147483520);
    ck_assert_int_eq(ql_cvt_f32_i32(-2147483520.0f), -2147483520);
    ck_assert_int_eq(ql_cvt_f32_i32(2147483648.0f), INT32_MIN);
    ck_assert_int_eq(ql_cvt_f32_i32(-2147483648.0f), INT32_MIN);
    ck_assert_int_eq(ql_cvt_f32_i32(1e30f), INT32_MIN);
    ck_assert_int_eq(ql_cvt_f32_i32(NAN), INT32_MIN);
    ck_assert_int_eq(ql_cvt_f32_i32(-2.5f), -2);
}
END_TEST

START_TEST(test_quantize_ties_and_overflow)
{
    ql_qparams p = { 1.0f, 1 };
    ck_assert_int_eq(ql_quantize(2.5f, p, QL_QINT8), 3);
    ck_assert_int_eq(ql_quantize(3.5f, p, QL_QINT8), 5);
    ck_assert_int_eq(ql_quantize(-2.5f, p, QL_QINT8), -1);
    ck_assert_int_eq(ql_quantize(0.5f, p, QL_QINT8), 1);
    p.zero_point = 3;
    ck_assert_int_eq(ql_quantize(1e30f, p, QL_QUINT8), 0);
    ck_assert_int_eq(ql_quantize(INFINITY, p, QL_QUINT8), 0);
    ck_assert_int_eq(ql_quantize(3e9f, p, QL_QUINT8), 255);
    ck_assert_int_eq(ql_quantize(9e18f, p, QL_QUINT8), 255);
    ck_assert_int_eq(ql_quantize(1e19f, p, QL_QINT8), -128);
    ck_assert_int_eq(ql_quantize(-1e30f, p, QL_QINT8), -128);
}
END_TEST

START_TEST(test_multiplier_orders)
{
    ck_assert_msg(ql_multiplier_fbgemm(41.0f, 1.0f, 41.0f) == 1.0f,
                  "FBGEMM's multiplier must be fl(fl(S_x S_w) / S_y): "
                  "41 * 1 / 41 gives exactly 1, got %a",
                  (double)ql_multiplier_fbgemm(41.0f, 1.0f, 41.0f));
    for (int n = 1; n < 41; n++)
        ck_assert_msg(ql_multiplier_qnnpack((float)n, 1.0f, (float)n)
                      == 1.0f, "QNNPACK's multiplier of (%d, 1, %d) must "
                      "be 1, got %a", n, n, (double)ql_multiplier_qnnpack(
                      (float)n, 1.0f, (float)n));
    ck_assert_msg(ql_multiplier_qnnpack(41.0f, 1.0f, 41.0f) != 1.0f,
                  "QNNPACK's multiplier must be fl(fl(S_w S_x) fl(1/S_y)), "
                  "a product with a rounded reciprocal: for (41, 1, 41) it "
                  "is not 1, got exactly 1 (a division?)");
}
END_TEST

START_TEST(test_multiplier_forum)
{
    const ql_layer *L = ql_forum_layer();
    float sx = L->x_q.scale, sw = L->w_q.scale, sy = L->y_q.scale;
    float mq = ql_multiplier_qnnpack(sx, sw, sy);
    float mf = ql_multiplier_fbgemm(sx, sw, sy);
    ck_assert_msg(mq == 0x1.5d1036p-7f, "QNNPACK's multiplier for the "
                  "forum's scales must be 0x1.5d1036p-7 (NumPy), got %a",
                  (double)mq);
    ck_assert_msg(mf == 0x1.5d1038p-7f, "FBGEMM's multiplier for the "
                  "forum's scales must be 0x1.5d1038p-7 (NumPy), got %a",
                  (double)mf);
    ck_assert_msg(5555.0f * mq == 59.17501f && 23794.0f * mq == 253.46718f,
                  "the forum's scaled accumulators must be 59.17501 and "
                  "253.46718, got %.9g and %.9g", (double)(5555.0f * mq),
                  (double)(23794.0f * mq));
}
END_TEST

START_TEST(test_requantize_overflow_is_zero)
{
    ck_assert_int_eq(ql_requantize_x86(2147483648.0f, 100), 0);
    ck_assert_int_eq(ql_requantize_x86(2147483520.0f, 100), 255);
    ck_assert_int_eq(ql_requantize_x86(-3e9f, 100), 0);
    ck_assert_int_eq(ql_requantize_x86(154.5f, 100), 254);
    ck_assert_int_eq(ql_requantize_x86(155.5f, 100), 255);
    ck_assert_int_eq(ql_requantize_x86(-100.5f, 100), 0);
    ck_assert_int_eq(ql_requantize_x86(-99.5f, 100), 0);
    ck_assert_int_eq(ql_requantize_x86(-98.5f, 100), 2);
}
END_TEST

START_TEST(test_bias_units)
{
    ck_assert_int_eq(ql_qnnpack_bias(2.5f, 1.0f, 1.0f), 2);
    ck_assert_int_eq(ql_qnnpack_bias(-1.0f, 0.5f, 0.25f), -8);
    ck_assert_int_eq(ql_qnnpack_bias(3e38f, 1.0f, 1.0f), INT32_MIN);
    ck_assert_int_eq(ql_qnnpack_bias(3e9f, 1.0f, 1.0f), INT32_MAX);
    ck_assert_int_eq(ql_qnnpack_bias(-3e9f, 1.0f, 1.0f), INT32_MIN);
    ck_assert_int_eq(ql_qnnpack_bias(5e18f, 1.0f, 1.0f), INT32_MAX);
    ck_assert(ql_fbgemm_bias(-1.0f, 0.5f, 0.25f) == -8.0f);
    ck_assert(ql_fbgemm_bias(2.5f, 1.0f, 1.0f) == 2.5f);
    ck_assert(ql_fbgemm_bias_per_channel(-1.0f, 0.5f, 0.25f) == -8.0f);
    ck_assert(ql_fbgemm_bias_per_channel(2.5f, 1.0f, 1.0f) == 2.5f);
}
END_TEST

START_TEST(test_fbgemm_bias_reciprocal)
{
    float sx = 0.128991544f, sw = 0.52767241f, b = 8.06573582f;
    uint8_t x[1] = { 3 }, y[2];
    int8_t w[1] = { 5 };
    ql_layer L = { 1, 1, 1, { sx, 3 }, { sw, 0 }, { 0.0680652782f, 115 },
                   x, w, &b, NULL, 0 };
    ck_assert(ql_fbgemm_bias(b, sx, sw) != b / (sx * sw));
    ql_find_engine("fbgemm")->run(&L, &y[0]);
    ql_find_engine("exact")->run(&L, &y[1]);
    ck_assert_int_eq(y[1], 234);
    ck_assert_int_eq(y[0], y[1] - 1);
    ql_qparams row = { sw, 0 };
    L.w_channel = &row;
    ql_find_engine("fbgemm")->run(&L, &y[0]);
    ck_assert_int_eq(y[0], y[1]);
}
END_TEST

START_TEST(test_pair_saturation)
{
    uint8_t x[2] = { 255, 255 };
    int8_t w[2] = { 127, 127 };
    ql_layer L = { 1, 2, 1, { 1.0f, 0 }, { 1.0f, 0 }, { 1.0f, 0 },
                   x, w, NULL, NULL, 0 };
    ck_assert_int_eq(ql_acc_pairs16(&L, 0, 0), 32767);
    ck_assert_int_eq(ql_acc_exact(&L, 0, 0), 64770);
    x[0] = 211; x[1] = 171; w[0] = 71; w[1] = 107;
    ck_assert_int_eq(ql_acc_pairs16(&L, 0, 0), 32767);
    x[0] = 255; x[1] = 255; w[0] = -128; w[1] = -128;
    ck_assert_int_eq(ql_acc_pairs16(&L, 0, 0), -32768);
    x[1] = 0;
    ck_assert_int_eq(ql_acc_pairs16(&L, 0, 0), 255 * -128);
}
END_TEST

START_TEST(test_relu_is_a_floor_at_zy)
{
    char path[1024];
    FILE *f;
    ql_reader r;
    ql_layer L;
    size_t n, checked = 0, bad = 0;
    const ql_engine *e = ql_engines(&n);
    data_path(path, sizeof path, "fbgemm/mixed-layers.txt");
    ck_assert_ptr_nonnull(f = fopen(path, "r"));
    ql_reader_init(&r, f, path);
    while (ql_read_layer(&r, &L) > 0) {
        uint8_t *plain = malloc(L.m * L.n), *fused = malloc(L.m * L.n);
        ck_assert(plain && fused);
        for (size_t i = 0; i < n; i++) {
            L.relu = 0;
            if (e[i].refuses && e[i].refuses(&L))
                continue;
            e[i].run(&L, plain);
            L.relu = 1;
            if (strncmp(e[i].name, "onnxruntime", 11) == 0) {
                bad += e[i].refuses(&L) == NULL;
                continue;
            }
            if (e[i].refuses && e[i].refuses(&L))
                continue;                   /* a row not measured with a ReLU */
            e[i].run(&L, fused);
            for (size_t o = 0; o < L.m * L.n; o++, checked++)
                bad += fused[o] != (plain[o] > L.y_q.zero_point
                                    ? plain[o] : L.y_q.zero_point);
        }
        free(plain);
        free(fused);
        ql_layer_free(&L);
    }
    fclose(f);
    ck_assert_msg(bad == 0, "%zu of %zu fused outputs are not max(Zy, "
                  "plain)", bad, checked);
    ck_assert_uint_gt(checked, 50000);
}
END_TEST

START_TEST(test_onednn_refuses_asymmetric_weights)
{
    uint8_t x[1] = { 3 };
    int8_t w[1] = { 2 };
    ql_layer L = { 1, 1, 1, { 1.0f, 0 }, { 1.0f, 0 }, { 1.0f, 0 },
                   x, w, NULL, NULL, 0 };
    const char *rows[] = { "onednn", "onednn-avx2" };
    for (size_t i = 0; i < 2; i++) {
        const ql_engine *e = ql_find_engine(rows[i]);
        ck_assert_ptr_nonnull(e);
        L.w_q.zero_point = 0;
        ck_assert_msg(e->refuses(&L) == NULL, "%s refuses Zw = 0", rows[i]);
        for (int z = -128; z <= 127; z += z == -1 ? 2 : 1) {
            L.w_q.zero_point = z;
            ck_assert_msg(e->refuses(&L) != NULL, "%s takes Zw = %d",
                          rows[i], z);
        }
    }
}
END_TEST

START_TEST(test_exact_ties)
{
    uint8_t x[1], y[1];
    int8_t w[1] = { 1 };
    float bias[1] = { -0.5f };
    ql_layer L = { 1, 1, 1, { 1.0f, 0 }, { 1.0f, 0 }, { 2.0f, 0 },
                   x, w, NULL, NULL, 0 };
    const ql_engine *e = ql_find_engine("exact");
    ck_assert_ptr_nonnull(e);
    x[0] = 5; e->run(&L, y); ck_assert_int_eq(y[0], 2);
    x[0] = 7; e->run(&L, y); ck_assert_int_eq(y[0], 4);
    L.bias = bias;
    x[0] = 5; e->run(&L, y); ck_assert_int_eq(y[0], 2);
    x[0] = 7; e->run(&L, y); ck_assert_int_eq(y[0], 3);
    L.bias = NULL; L.y_q.zero_point = 250;
    x[0] = 255; e->run(&L, y); ck_assert_int_eq(y[0], 255);
    w[0] = -128; L.y_q.zero_point = 5;
    e->run(&L, y); ck_assert_int_eq(y[0], 0);
}
END_TEST

START_TEST(test_exact_bias)
{
    static const struct { float sx, sw, sy, b; uint8_t x, want; } c[] = {
        { 1.0f, 1.0f, 2.0f, 3.0f, 5, 4 },
        { 1.0f, 1.0f, 2.0f, -3.0f, 5, 1 },
        { 0.5f, 0.25f, 0.5f, 2.0f, 8, 6 },
    };
    size_t n, bad = 0;
    const ql_engine *e = ql_engines(&n);
    for (size_t t = 0; t < sizeof c / sizeof c[0]; t++)
        for (size_t i = 0; i < n; i++) {
            uint8_t x[1] = { c[t].x }, y[1];
            int8_t w[1] = { 1 };
            float b[1] = { c[t].b };
            ql_layer L = { 1, 1, 1, { c[t].sx, 0 }, { c[t].sw, 0 }, { c[t].sy, 0 },
                           x, w, b, NULL, 0 };
            if (e[i].refuses && e[i].refuses(&L))
                continue;
            e[i].run(&L, y);
            if (y[0] != c[t].want && bad++ == 0)
                fprintf(stderr, "engine %s, case %zu: %d, want %d\n", e[i].name, t,
                        y[0], c[t].want);
        }
    ck_assert_msg(bad == 0, "%zu engine answers differ from the hand "
                  "values", bad);
}
END_TEST

START_TEST(test_exact_against_double)
{
    uint32_t s = 99;
    int checked = 0, bad = 0;
    for (int t = 0; t < 2000; t++) {
        uint8_t x[1] = { (uint8_t)(test_rand(&s) & 0xff) }, y[1];
        int8_t w[1] = { (int8_t)((int)(test_rand(&s) & 0xff) - 128) };
        float b[1] = { ((float)(test_rand(&s) % 20001) - 10000.0f) / 64.0f };
        ql_layer L = { 1, 1, 1,
                       { 0.01f + (float)(test_rand(&s) % 1000) / 997.0f,
                         (int32_t)(test_rand(&s) % 256) },
                       { 0.001f + (float)(test_rand(&s) % 1000) / 9973.0f, 0 },
                       { 0.05f + (float)(test_rand(&s) % 1000) / 101.0f,
                         (int32_t)(test_rand(&s) % 256) }, x, w, b, NULL, 0 };
        double v = ((double)ql_acc_exact(&L, 0, 0) * L.x_q.scale
                    * L.w_q.scale + b[0]) / L.y_q.scale;
        if (fabs(v - floor(v) - 0.5) < 1e-6)
            continue;
        double want = floor(v + 0.5) + L.y_q.zero_point;
        ql_find_engine("exact")->run(&L, y);
        checked++;
        bad += y[0] != (want < 0 ? 0 : want > 255 ? 255 : want);
    }
    ck_assert_msg(checked > 1000, "only %d layers checked", checked);
    ck_assert_msg(bad == 0, "%d of %d layers differ", bad, checked);
}
END_TEST

START_TEST(test_engines_on_the_forum_layer)
{
    size_t n;
    const ql_engine *e = ql_engines(&n);
    for (size_t i = 0; i < n; i++) {
        uint8_t y[2];
        e[i].run(ql_forum_layer(), y);
        ck_assert_msg(y[0] == 59 && y[1] == 253, "%s: [%d, %d]",
                      e[i].name, y[0], y[1]);
    }
}
END_TEST

START_TEST(test_engines_on_conversion_overflow)
{
    enum { K = 4096 };
    static uint8_t x[K];
    static int8_t w[K];
    uint8_t y[1];
    ql_layer L = { 1, K, 1, { 1.0f, 0 }, { 1.0f, 0 }, { 0.001f, 100 },
                   x, w, NULL, NULL, 0 };
    memset(x, 255, sizeof x);
    memset(w, 127, sizeof w);
    ql_find_engine("qnnpack")->run(&L, y);
    ck_assert_int_eq(y[0], 0);
    ql_find_engine("fbgemm")->run(&L, y);
    ck_assert_int_eq(y[0], 0);
    ql_find_engine("exact")->run(&L, y);
    ck_assert_int_eq(y[0], 255);
}
END_TEST

static const struct {
    const char *engine, *layers, *expected;
    size_t min_layers;
    const char *isa;
} truth[] = {
    { "qnnpack", "qnnpack/observed-layers.txt",
      "qnnpack/observed-expected.txt", 1000, "" },
    { "qnnpack", "qnnpack/ties-layers.txt", "qnnpack/ties-expected.txt", 500,
      "" },
    { "qnnpack", "qnnpack/extremes-layers.txt",
      "qnnpack/extremes-expected.txt", 100, "" },
    { "qnnpack", "qnnpack/ties-bias-layers.txt",
      "qnnpack/ties-bias-expected.txt", 200, "" },
    { "onednn", "onednn/observed-layers.txt",
      "onednn/observed-vnni-expected.txt", 400, "vnni" },
    { "onednn", "onednn/observed-layers.txt",
      "onednn/observed-avxvnni-expected.txt", 400, "avxvnni" },
    { "onednn-avx2", "onednn/observed-layers.txt",
      "onednn/observed-avx2-expected.txt", 400, "avx2" },
    { "onednn", "onednn/ties-layers.txt", "onednn/ties-vnni-expected.txt",
      200, "vnni" },
    { "onednn", "onednn/ties-layers.txt", "onednn/ties-avxvnni-expected.txt",
      200, "avxvnni" },
    { "onednn-avx2", "onednn/ties-layers.txt",
      "onednn/ties-avx2-expected.txt", 200, "avx2" },
    { "onednn", "onednn/blocks-layers.txt", "onednn/blocks-vnni-expected.txt",
      50, "vnni" },
    { "onednn", "onednn/blocks-layers.txt",
      "onednn/blocks-avxvnni-expected.txt", 50, "avxvnni" },
    { "onednn-avx2", "onednn/blocks-layers.txt",
      "onednn/blocks-avx2-expected.txt", 50, "avx2" },
    { "fbgemm", "fbgemm/mixed-layers.txt", "fbgemm/mixed-vnni-expected.txt",
      500, "vnni" },
    { "fbgemm-avx2", "fbgemm/mixed-layers.txt",
      "fbgemm/mixed-avx2-expected.txt", 500, "avx2" },
    { "fbgemm", "fbgemm/observed-layers.txt",
      "fbgemm/observed-vnni-expected.txt", 200, "vnni" },
    { "fbgemm-avx2", "fbgemm/observed-layers.txt",
      "fbgemm/observed-avx2-expected.txt", 200, "avx2" },
    { "fbgemm", "fbgemm/observed-reduce-range-layers.txt",
      "fbgemm/observed-reduce-range-vnni-expected.txt", 200, "vnni" },
    { "fbgemm-avx2", "fbgemm/observed-reduce-range-layers.txt",
      "fbgemm/observed-reduce-range-avx2-expected.txt", 200, "avx2" },
    { "fbgemm", "fbgemm/perchannel-layers.txt",
      "fbgemm/perchannel-vnni-relu0-expected.txt", 300, "vnni" },
    { "fbgemm-avx2", "fbgemm/perchannel-layers.txt",
      "fbgemm/perchannel-avx2-relu0-expected.txt", 300, "avx2" },
    { "xnnpack", "fbgemm/mixed-layers.txt",
      "xnnpack/fbgemm-mixed-expected.txt", 500, "" },
    { "xnnpack", "fbgemm/observed-layers.txt",
      "xnnpack/fbgemm-observed-expected.txt", 200, "" },
    { "xnnpack", "xnnpack/observed-layers.txt",
      "xnnpack/observed-expected.txt", 200, "" },
    { "xnnpack", "xnnpack/ties-layers.txt", "xnnpack/ties-expected.txt", 300, "" },
    { "xnnpack", "xnnpack/extremes-layers.txt",
      "xnnpack/extremes-expected.txt", 140, "" },
    { "gemmlowp", "fbgemm/mixed-layers.txt",
      "gemmlowp/fbgemm-mixed-expected.txt", 500, "" },
    { "gemmlowp", "fbgemm/observed-layers.txt",
      "gemmlowp/fbgemm-observed-expected.txt", 200, "" },
    { "gemmlowp", "gemmlowp/observed-layers.txt",
      "gemmlowp/observed-expected.txt", 200, "" },
    { "gemmlowp", "gemmlowp/ties-layers.txt", "gemmlowp/ties-expected.txt", 300, "" },
    { "gemmlowp", "gemmlowp/extremes-layers.txt",
      "gemmlowp/extremes-expected.txt", 140, "" },
    { "onnxruntime", "onnxruntime/observed-layers.txt",
      "onnxruntime/observed-vnni-expected.txt", 200, "vnni" },
    { "onnxruntime", "onnxruntime/ties-layers.txt",
      "onnxruntime/ties-vnni-expected.txt", 300, "vnni" },
    { "onnxruntime", "onnxruntime/extremes-layers.txt",
      "onnxruntime/extremes-vnni-expected.txt", 140, "vnni" },
    { "onnxruntime", "fbgemm/mixed-layers.txt",
      "onnxruntime/fbgemm-mixed-vnni-expected.txt", 500, "vnni" },
    { "onnxruntime", "fbgemm/observed-layers.txt",
      "onnxruntime/fbgemm-observed-vnni-expected.txt", 200, "vnni" },
    { "onnxruntime", "qnnpack/perchannel-layers.txt",
      "onnxruntime/qnnpack-perchannel-vnni-expected.txt", 100, "vnni" },
    { "onnxruntime-avx2", "onnxruntime/observed-layers.txt",
      "onnxruntime/observed-avx2-expected.txt", 200, "avx2" },
    { "onnxruntime-avx2", "onnxruntime/ties-layers.txt",
      "onnxruntime/ties-avx2-expected.txt", 300, "avx2" },
    { "onnxruntime-avx2", "onnxruntime/extremes-layers.txt",
      "onnxruntime/extremes-avx2-expected.txt", 140, "avx2" },
    { "onnxruntime-avx2", "fbgemm/mixed-layers.txt",
      "onnxruntime/fbgemm-mixed-avx2-expected.txt", 500, "avx2" },
    { "onnxruntime-avx2", "fbgemm/observed-layers.txt",
      "onnxruntime/fbgemm-observed-avx2-expected.txt", 200, "avx2" },
    { "onnxruntime-avx2", "qnnpack/perchannel-layers.txt",
      "onnxruntime/qnnpack-perchannel-avx2-expected.txt", 100, "avx2" },
    { "xnnpack-arm64", "fbgemm/mixed-layers.txt",
      "xnnpack/fbgemm-mixed-arm64-expected.txt", 500, "arm64" },
    { "xnnpack-arm64", "fbgemm/observed-layers.txt",
      "xnnpack/fbgemm-observed-arm64-expected.txt", 200, "arm64" },
    { "xnnpack-arm64", "xnnpack/observed-layers.txt",
      "xnnpack/observed-arm64-expected.txt", 200, "arm64" },
    { "xnnpack-arm64", "xnnpack/ties-layers.txt",
      "xnnpack/ties-arm64-expected.txt", 300, "arm64" },
    { "xnnpack-arm64", "xnnpack/extremes-layers.txt",
      "xnnpack/extremes-arm64-expected.txt", 140, "arm64" },
    { "gemmlowp", "fbgemm/mixed-layers.txt",
      "gemmlowp/fbgemm-mixed-arm64-expected.txt", 500, "arm64" },
    { "gemmlowp", "fbgemm/observed-layers.txt",
      "gemmlowp/fbgemm-observed-arm64-expected.txt", 200, "arm64" },
    { "gemmlowp", "gemmlowp/observed-layers.txt",
      "gemmlowp/observed-arm64-expected.txt", 200, "arm64" },
    { "gemmlowp", "gemmlowp/ties-layers.txt",
      "gemmlowp/ties-arm64-expected.txt", 300, "arm64" },
    { "gemmlowp", "gemmlowp/extremes-layers.txt",
      "gemmlowp/extremes-arm64-expected.txt", 140, "arm64" },
    { "qnnpack-arm64", "qnnpack/observed-layers.txt",
      "qnnpack/observed-arm64-expected.txt", 1000, "arm64" },
    { "qnnpack-arm64", "qnnpack/ties-layers.txt",
      "qnnpack/ties-arm64-expected.txt", 500, "arm64" },
    { "qnnpack-arm64", "qnnpack/extremes-layers.txt",
      "qnnpack/extremes-arm64-expected.txt", 100, "arm64" },
    { "qnnpack-arm64", "qnnpack/ties-bias-layers.txt",
      "qnnpack/ties-bias-arm64-expected.txt", 200, "arm64" },
    { "qnnpack-arm64", "qnnpack/perchannel-layers.txt",
      "qnnpack/perchannel-arm64-expected.txt", 400, "arm64" },
    { "onednn-arm64", "onednn/observed-layers.txt",
      "onednn/observed-arm64-expected.txt", 400, "arm64" },
    { "onednn-arm64", "onednn/ties-layers.txt",
      "onednn/ties-arm64-expected.txt", 200, "arm64" },
    { "onednn-arm64", "onednn/blocks-layers.txt",
      "onednn/blocks-arm64-expected.txt", 50, "arm64" },
    { "onednn-arm64", "onednn/perchannel-layers.txt",
      "onednn/perchannel-arm64-expected.txt", 400, "arm64" },
    { "onnxruntime", "onnxruntime/observed-layers.txt",
      "onnxruntime/observed-arm64-expected.txt", 200, "arm64" },
    { "onnxruntime", "onnxruntime/ties-layers.txt",
      "onnxruntime/ties-arm64-expected.txt", 300, "arm64" },
    { "onnxruntime", "onnxruntime/extremes-layers.txt",
      "onnxruntime/extremes-arm64-expected.txt", 140, "arm64" },
    { "onnxruntime", "fbgemm/mixed-layers.txt",
      "onnxruntime/fbgemm-mixed-arm64-expected.txt", 500, "arm64" },
    { "onnxruntime", "fbgemm/observed-layers.txt",
      "onnxruntime/fbgemm-observed-arm64-expected.txt", 200, "arm64" },
    { "onnxruntime", "qnnpack/perchannel-layers.txt",
      "onnxruntime/qnnpack-perchannel-arm64-expected.txt", 100, "arm64" },
    { "qnnpack", "qnnpack/observed-layers.txt",
      "torch-2.13/qnnpack-observed-qnnpack-avx2-expected.txt", 1000, "avx2" },
    { "qnnpack", "qnnpack/ties-layers.txt",
      "torch-2.13/qnnpack-ties-qnnpack-avx2-expected.txt", 500, "avx2" },
    { "qnnpack", "qnnpack/extremes-layers.txt",
      "torch-2.13/qnnpack-extremes-qnnpack-avx2-expected.txt", 100, "avx2" },
    { "qnnpack", "qnnpack/ties-bias-layers.txt",
      "torch-2.13/qnnpack-ties-bias-qnnpack-avx2-expected.txt", 200, "avx2" },
    { "qnnpack", "onednn/observed-layers.txt",
      "torch-2.13/onednn-observed-qnnpack-avx2-expected.txt", 400, "avx2" },
    { "qnnpack", "onednn/ties-layers.txt",
      "torch-2.13/onednn-ties-qnnpack-avx2-expected.txt", 200, "avx2" },
    { "qnnpack", "onednn/blocks-layers.txt",
      "torch-2.13/onednn-blocks-qnnpack-avx2-expected.txt", 50, "avx2" },
    { "qnnpack", "fbgemm/mixed-layers.txt",
      "torch-2.13/fbgemm-mixed-qnnpack-avx2-expected.txt", 500, "avx2" },
    { "qnnpack", "fbgemm/observed-layers.txt",
      "torch-2.13/fbgemm-observed-qnnpack-avx2-expected.txt", 200, "avx2" },
    { "qnnpack", "fbgemm/observed-reduce-range-layers.txt",
      "torch-2.13/fbgemm-observed-reduce-range-qnnpack-avx2-expected.txt", 200, "avx2" },
    { "fbgemm-2.13-avx2", "qnnpack/observed-layers.txt",
      "torch-2.13/qnnpack-observed-fbgemm-avx2-expected.txt", 1000, "avx2" },
    { "fbgemm-2.13-avx2", "qnnpack/ties-layers.txt",
      "torch-2.13/qnnpack-ties-fbgemm-avx2-expected.txt", 500, "avx2" },
    { "fbgemm-2.13-avx2", "qnnpack/extremes-layers.txt",
      "torch-2.13/qnnpack-extremes-fbgemm-avx2-expected.txt", 100, "avx2" },
    { "fbgemm-2.13-avx2", "qnnpack/ties-bias-layers.txt",
      "torch-2.13/qnnpack-ties-bias-fbgemm-avx2-expected.txt", 200, "avx2" },
    { "fbgemm-2.13-avx2", "onednn/observed-layers.txt",
      "torch-2.13/onednn-observed-fbgemm-avx2-expected.txt", 400, "avx2" },
    { "fbgemm-2.13-avx2", "onednn/ties-layers.txt",
      "torch-2.13/onednn-ties-fbgemm-avx2-expected.txt", 200, "avx2" },
    { "fbgemm-2.13-avx2", "onednn/blocks-layers.txt",
      "torch-2.13/onednn-blocks-fbgemm-avx2-expected.txt", 50, "avx2" },
    { "fbgemm-2.13-avx2", "fbgemm/mixed-layers.txt",
      "torch-2.13/fbgemm-mixed-fbgemm-avx2-expected.txt", 500, "avx2" },
    { "fbgemm-2.13-avx2", "fbgemm/observed-layers.txt",
      "torch-2.13/fbgemm-observed-fbgemm-avx2-expected.txt", 200, "avx2" },
    { "fbgemm-2.13-avx2", "fbgemm/observed-reduce-range-layers.txt",
      "torch-2.13/fbgemm-observed-reduce-range-fbgemm-avx2-expected.txt", 200, "avx2" },
    { "x86-2.13-avx2", "qnnpack/observed-layers.txt",
      "torch-2.13/qnnpack-observed-x86-avx2-expected.txt", 1000, "avx2" },
    { "x86-2.13-avx2", "qnnpack/ties-layers.txt",
      "torch-2.13/qnnpack-ties-x86-avx2-expected.txt", 500, "avx2" },
    { "x86-2.13-avx2", "qnnpack/extremes-layers.txt",
      "torch-2.13/qnnpack-extremes-x86-avx2-expected.txt", 100, "avx2" },
    { "x86-2.13-avx2", "qnnpack/ties-bias-layers.txt",
      "torch-2.13/qnnpack-ties-bias-x86-avx2-expected.txt", 200, "avx2" },
    { "x86-2.13-avx2", "onednn/observed-layers.txt",
      "torch-2.13/onednn-observed-x86-avx2-expected.txt", 400, "avx2" },
    { "x86-2.13-avx2", "onednn/ties-layers.txt",
      "torch-2.13/onednn-ties-x86-avx2-expected.txt", 200, "avx2" },
    { "x86-2.13-avx2", "onednn/blocks-layers.txt",
      "torch-2.13/onednn-blocks-x86-avx2-expected.txt", 50, "avx2" },
    { "x86-2.13-avx2", "fbgemm/mixed-layers.txt",
      "torch-2.13/fbgemm-mixed-x86-avx2-expected.txt", 500, "avx2" },
    { "x86-2.13-avx2", "fbgemm/observed-layers.txt",
      "torch-2.13/fbgemm-observed-x86-avx2-expected.txt", 200, "avx2" },
    { "x86-2.13-avx2", "fbgemm/observed-reduce-range-layers.txt",
      "torch-2.13/fbgemm-observed-reduce-range-x86-avx2-expected.txt", 200, "avx2" },
    { "onednn-2.13-avx2", "onednn/observed-layers.txt",
      "torch-2.13/onednn-observed-onednn-avx2-expected.txt", 400, "avx2" },
    { "onednn-2.13-avx2", "onednn/ties-layers.txt",
      "torch-2.13/onednn-ties-onednn-avx2-expected.txt", 200, "avx2" },
    { "onednn-2.13-avx2", "onednn/blocks-layers.txt",
      "torch-2.13/onednn-blocks-onednn-avx2-expected.txt", 50, "avx2" },
    { "fbgemm-2.13-avx2", "qnnpack/perchannel-layers.txt",
      "torch-2.13/qnnpack-perchannel-fbgemm-avx2-expected.txt", 400, "avx2" },
    { "x86-2.13-avx2", "qnnpack/perchannel-layers.txt",
      "torch-2.13/qnnpack-perchannel-x86-avx2-expected.txt", 400, "avx2" },
    { "fbgemm-2.13-avx2", "onednn/perchannel-layers.txt",
      "torch-2.13/onednn-perchannel-fbgemm-avx2-expected.txt", 400, "avx2" },
    { "x86-2.13-avx2", "onednn/perchannel-layers.txt",
      "torch-2.13/onednn-perchannel-x86-avx2-expected.txt", 400, "avx2" },
    { "fbgemm-2.13-avx2", "fbgemm/perchannel-layers.txt",
      "torch-2.13/fbgemm-perchannel-fbgemm-avx2-expected.txt", 300, "avx2" },
    { "x86-2.13-avx2", "fbgemm/perchannel-layers.txt",
      "torch-2.13/fbgemm-perchannel-x86-avx2-expected.txt", 300, "avx2" },
    { "qnnpack", "fbgemm/perchannel-layers.txt",
      "torch-2.13/fbgemm-perchannel-qnnpack-avx2-expected.txt", 300, "avx2" },
    { "fbgemm-2.13-avx2", "torch-2.13/forum-layers.txt",
      "torch-2.13/forum-fbgemm-avx2-expected.txt", 1, "avx2" },
    { "x86-2.13-avx2", "torch-2.13/forum-layers.txt",
      "torch-2.13/forum-x86-avx2-expected.txt", 1, "avx2" },
    { "qnnpack", "torch-2.13/forum-layers.txt",
      "torch-2.13/forum-qnnpack-avx2-expected.txt", 1, "avx2" },
    { "onednn-2.13-avx2", "torch-2.13/pt2e-mlp-fc1-layers.txt",
      "torch-2.13/pt2e-mlp-fc1-compiled-avx2-expected.txt", 1, "avx2" },
    { "exact", "torch-2.13/pt2e-mlp-fc1-layers.txt",
      "torch-2.13/pt2e-mlp-fc1-eager-avx2-expected.txt", 1, "avx2" },
    { "onednn-2.13-avx2", "torch-2.13/pt2e-forum-layers.txt",
      "torch-2.13/pt2e-forum-compiled-avx2-expected.txt", 1, "avx2" },
    { "exact", "torch-2.13/pt2e-forum-layers.txt",
      "torch-2.13/pt2e-forum-eager-avx2-expected.txt", 1, "avx2" },
};

START_TEST(test_engine_matches_ground_truth)
{
    const char *name = truth[_i].engine;
    if (corpus_skipped(name, truth[_i].isa, truth[_i].expected))
        return;
    corpus_stats st = compare_engine(truth[_i].layers, truth[_i].expected,
                                     ql_find_engine(name));
    ck_assert_msg(st.layers + st.refused >= truth[_i].min_layers,
                  "%s: only %zu layers", truth[_i].layers,
                  st.layers + st.refused);
    ck_assert_msg(st.bad_outputs == 0, "%s on %s: %zu outputs differ; %s",
                  name, truth[_i].layers, st.bad_outputs, st.detail);
}
END_TEST

START_TEST(test_observers_match_pytorch)
{
    FILE *in = open_data("observers.txt"), *ex = open_data(
        "observers-expected.txt");
    ql_reader r;
    ql_scheme sc;
    float *v;
    size_t n, cases = 0;
    double want_s;
    long want_z = 0;
    size_t bad = 0;
    char first[200] = "";
    ql_reader_init(&r, in, "observers.txt");
    while (ql_read_observation(&r, &sc, &v, &n) > 0) {
        ql_qparams p = ql_observe(sc, v, n);
        ck_assert_int_eq(fscanf(ex, "%lf %ld", &want_s, &want_z), 2);
        if ((p.scale != (float)want_s || p.zero_point != want_z)
            && bad++ == 0)
            snprintf(first, sizeof first, "case %zu: got %.9g %d, want "
                     "%.9g %ld", cases + 1, (double)p.scale,
                     (int)p.zero_point, want_s, want_z);
        free(v);
        cases++;
    }
    ck_assert_msg(r.err[0] == '\0', "%s", r.err);
    ck_assert_msg(bad == 0, "%zu of %zu cases differ; the first: %s", bad,
                  cases, first);
    ck_assert_uint_ge(cases, 2000);
    fclose(in);
    fclose(ex);
}
END_TEST

START_TEST(test_quantize_matches_pytorch)
{
    FILE *in = open_data("quantize.txt"), *ex = open_data(
        "quantize-expected.txt");
    ql_reader r;
    ql_dtype t;
    ql_qparams p;
    float *v;
    size_t n, values = 0;
    long want = 0;
    size_t bad = 0;
    char first[200] = "";
    ql_reader_init(&r, in, "quantize.txt");
    while (ql_read_quantize(&r, &t, &p, &v, &n) > 0) {
        for (size_t i = 0; i < n; i++, values++) {
            ck_assert_int_eq(fscanf(ex, "%ld", &want), 1);
            int32_t got = ql_quantize(v[i], p, t);
            if (got != want && bad++ == 0)
                snprintf(first, sizeof first, "value %.9g (line %ld): got "
                         "%d, want %ld", (double)v[i], r.tok_line,
                         (int)got, want);
        }
        free(v);
    }
    ck_assert_msg(r.err[0] == '\0', "%s", r.err);
    ck_assert_msg(bad == 0, "%zu of %zu values differ; the first: %s", bad,
                  values, first);
    ck_assert_uint_ge(values, 10000);
    fclose(in);
    fclose(ex);
}
END_TEST

static void run_answer3(const ql_layer *L, uint8_t *y)
{
    double *d = malloc(L->m * L->n * sizeof *d);
    ck_assert_ptr_nonnull(d);
    ql_forum_answer3(L, d);
    for (size_t i = 0; i < L->m * L->n; i++)
        y[i] = (uint8_t)d[i];
    free(d);
}

START_TEST(test_double_is_not_enough)
{
    corpus_stats a3 = compare_corpus("qnnpack/ties-layers.txt",
                                     "qnnpack/ties-expected.txt",
                                     run_answer3, QL_SKIP_BIAS);
    corpus_stats ex = compare_corpus("qnnpack/ties-layers.txt",
                                     "qnnpack/ties-expected.txt",
                                     ql_find_engine("exact")->run, 0);
    ck_assert_msg(a3.bad_layers > 0, "answer 3 never differs");
    ck_assert_msg(ex.bad_layers > 0, "exact never differs");
}
END_TEST

static const struct {
    const char *engine, *layers, *expected, *isa;
} per_channel_truth[] = {
    { "qnnpack", "qnnpack/perchannel-layers.txt",
      "qnnpack/perchannel-expected.txt", "" },
    { "onednn", "onednn/perchannel-layers.txt",
      "onednn/perchannel-vnni-expected.txt", "vnni" },
    { "onednn", "onednn/perchannel-layers.txt",
      "onednn/perchannel-avxvnni-expected.txt", "avxvnni" },
    { "onednn-avx2", "onednn/perchannel-layers.txt",
      "onednn/perchannel-avx2-expected.txt", "avx2" },
    { "qnnpack", "qnnpack/perchannel-layers.txt",
      "torch-2.13/qnnpack-perchannel-qnnpack-avx2-expected.txt", "avx2" },
    { "onednn-2.13-avx2", "onednn/perchannel-layers.txt",
      "torch-2.13/onednn-perchannel-onednn-avx2-expected.txt", "avx2" },
};

START_TEST(test_per_channel_matches_pytorch)
{
    const char *name = per_channel_truth[_i].engine;
    if (corpus_skipped(name, per_channel_truth[_i].isa,
                              per_channel_truth[_i].expected))
        return;
    corpus_stats st = compare_corpus(per_channel_truth[_i].layers,
                                     per_channel_truth[_i].expected,
                                     ql_find_engine(name)->run, 0);
    ck_assert_msg(st.layers >= 400, "%s: only %zu layers",
                  per_channel_truth[_i].layers, st.layers);
    ck_assert_msg(st.bad_outputs == 0, "%s on %s: %zu outputs differ; %s",
                  name, per_channel_truth[_i].expected, st.bad_outputs,
                  st.detail);
}
END_TEST

START_TEST(test_per_channel_observers_match_pytorch)
{
    FILE *in = open_data("observers-perchannel.txt"),
         *ex = open_data("observers-perchannel-expected.txt");
    ql_reader r;
    ql_scheme sc;
    ql_qparams p[64];
    float *v;
    size_t n, rows, cases = 0, bad = 0;
    char first[200] = "";
    ql_reader_init(&r, in, "observers-perchannel.txt");
    while (ql_read_observation_rows(&r, &sc, &rows, &v, &n) > 0) {
        ck_assert(rows >= 1 && rows <= 64);
        ql_observe_rows(sc, v, rows, n / rows, p);
        int differs = 0;
        for (size_t i = 0; i < rows; i++) {
            double want_s;
            long want_z = 0;
            ck_assert_int_eq(fscanf(ex, "%lf %ld", &want_s, &want_z), 2);
            if ((p[i].scale != (float)want_s || p[i].zero_point != want_z)
                && !differs++ && bad == 0)
                snprintf(first, sizeof first, "case %zu, row %zu: got %.9g %d, "
                         "want %.9g %ld", cases + 1, i, (double)p[i].scale,
                         (int)p[i].zero_point, want_s, want_z);
        }
        bad += differs != 0;
        free(v);
        cases++;
    }
    ck_assert_msg(r.err[0] == '\0', "%s", r.err);
    ck_assert_msg(bad == 0, "%zu of %zu cases differ; the first: %s", bad,
                  cases, first);
    ck_assert_uint_ge(cases, 1000);
    fclose(in);
    fclose(ex);
}
END_TEST

static const struct {
    const char *engine, *layers, *expected, *isa;
} relu_truth[] = {
    { "fbgemm", "fbgemm/perchannel-layers.txt",
      "fbgemm/perchannel-vnni-relu1-expected.txt", "vnni" },
    { "fbgemm-avx2", "fbgemm/perchannel-layers.txt",
      "fbgemm/perchannel-avx2-relu1-expected.txt", "avx2" },
    { "fbgemm", "fbgemm/mixed-layers.txt",
      "fbgemm/mixed-vnni-relu1-expected.txt", "vnni" },
    { "fbgemm-avx2", "fbgemm/mixed-layers.txt",
      "fbgemm/mixed-avx2-relu1-expected.txt", "avx2" },
    { "qnnpack", "qnnpack/relu-layers.txt", "qnnpack/relu-expected.txt", "" },
    { "onednn-avx2", "onednn/relu-layers.txt",
      "onednn/relu-avx2-expected.txt", "avx2" },
    { "qnnpack", "qnnpack/relu-layers.txt",
      "torch-2.13/qnnpack-relu-qnnpack-avx2-expected.txt", "avx2" },
    { "fbgemm-2.13-avx2", "qnnpack/relu-layers.txt",
      "torch-2.13/qnnpack-relu-fbgemm-avx2-expected.txt", "avx2" },
    { "x86-2.13-avx2", "qnnpack/relu-layers.txt",
      "torch-2.13/qnnpack-relu-x86-avx2-expected.txt", "avx2" },
    { "qnnpack", "onednn/relu-layers.txt",
      "torch-2.13/onednn-relu-qnnpack-avx2-expected.txt", "avx2" },
    { "fbgemm-2.13-avx2", "onednn/relu-layers.txt",
      "torch-2.13/onednn-relu-fbgemm-avx2-expected.txt", "avx2" },
    { "onednn-2.13-avx2", "onednn/relu-layers.txt",
      "torch-2.13/onednn-relu-onednn-avx2-expected.txt", "avx2" },
    { "x86-2.13-avx2", "onednn/relu-layers.txt",
      "torch-2.13/onednn-relu-x86-avx2-expected.txt", "avx2" },
    { "qnnpack", "fbgemm/perchannel-layers.txt",
      "torch-2.13/fbgemm-perchannel-relu1-qnnpack-avx2-expected.txt", "avx2" },
    { "fbgemm-2.13-avx2", "fbgemm/perchannel-layers.txt",
      "torch-2.13/fbgemm-perchannel-relu1-fbgemm-avx2-expected.txt", "avx2" },
    { "x86-2.13-avx2", "fbgemm/perchannel-layers.txt",
      "torch-2.13/fbgemm-perchannel-relu1-x86-avx2-expected.txt", "avx2" },
};

START_TEST(test_fused_relu_matches_ground_truth)
{
    char pl[1024], pe[1024];
    corpus_stats st;
    const char *name = relu_truth[_i].engine;
    if (corpus_skipped(name, relu_truth[_i].isa, relu_truth[_i].expected))
        return;
    data_path(pl, sizeof pl, relu_truth[_i].layers);
    data_path(pe, sizeof pe, relu_truth[_i].expected);
    ck_assert_msg(ql_compare_engine(pl, pe, ql_find_engine(name),
                                    QL_FUSE_RELU, &st) == 0, "%s", st.detail);
    ck_assert_msg(st.layers >= 150, "%s: only %zu layers",
                  relu_truth[_i].layers, st.layers);
    ck_assert_msg(st.bad_outputs == 0, "%s on %s: %zu outputs differ; %s",
                  name, relu_truth[_i].expected, st.bad_outputs, st.detail);
}
END_TEST

START_TEST(test_xnnpack_clamps_before_converting)
{
    static uint8_t x[1024];
    static int8_t w[1024];
    ql_layer L = { 1, 1024, 1, { 1.0f, 0 }, { 1.0f, 0 },
                   { 1.0f / 128, 100 }, x, w, NULL, NULL, 0 };
    uint8_t yq, yx;
    memset(x, 255, sizeof x);
    memset(w, 127, sizeof w);
    ql_find_engine("qnnpack")->run(&L, &yq);
    ql_find_engine("xnnpack")->run(&L, &yx);
    ck_assert_int_eq(yq, 0);
    ck_assert_int_eq(yx, 255);
}
END_TEST

START_TEST(test_xnnpack_refuses)
{
    ql_layer L = *ql_forum_layer();
    float bias[2] = { 0.0f, 0.0f };
    const ql_engine *e = ql_find_engine("xnnpack");
    ck_assert_ptr_null(e->refuses(&L));
    L.x_q.scale = L.w_q.scale = 1.0f;
    L.y_q.scale = 1.0f / 256;
    ck_assert_ptr_nonnull(e->refuses(&L));
    L.y_q.scale = 0x1p32f;
    ck_assert_ptr_null(e->refuses(&L));
    L.y_q.scale = 0x1.000002p32f;
    ck_assert_ptr_nonnull(e->refuses(&L));
    L.y_q.scale = 1.0f;
    L.bias = bias;
    ck_assert_ptr_nonnull(e->refuses(&L));
}
END_TEST

START_TEST(test_gemmlowp_roundings)
{
    ck_assert_int_eq(ql_srdhm(5, 1 << 30), 3);
    ck_assert_int_eq(ql_srdhm(-5, 1 << 30), -2);
    ck_assert_int_eq(ql_srdhm(-3, 1 << 30), -1);
    ck_assert_int_eq(ql_srdhm(INT32_MIN, INT32_MIN), INT32_MAX);
    ck_assert_int_eq(ql_rounding_divide_by_pot(5, 1), 3);
    ck_assert_int_eq(ql_rounding_divide_by_pot(-5, 1), -3);
    ck_assert_int_eq(ql_rounding_divide_by_pot(-3, 1), -2);
    ck_assert_int_eq(ql_rounding_divide_by_pot(-4, 1), -2);
    ck_assert_int_eq(ql_rounding_divide_by_pot(-7, 2), -2);
    ck_assert_int_eq(ql_rounding_divide_by_pot(7, 0), 7);
}
END_TEST

START_TEST(test_tflite_multiplier)
{
    int32_t q;
    int e;
    ql_tflite_multiplier(0.5, &q, &e);
    ck_assert(q == 1 << 30 && e == 0);
    ql_tflite_multiplier(1.0, &q, &e);
    ck_assert(q == 1 << 30 && e == 1);
    ql_tflite_multiplier(3.0, &q, &e);
    ck_assert(q == 3 << 29 && e == 2);
    ql_tflite_multiplier(1.0 - 0x1p-40, &q, &e);
    ck_assert(q == 1 << 30 && e == 1);
    ql_tflite_multiplier(0x1p-40, &q, &e);
    ck_assert(q == 0 && e == 0);
    ql_tflite_multiplier(0x1p-32, &q, &e);     /* the last exponent kept */
    ck_assert(q == 1 << 30 && e == -31);
    ql_tflite_multiplier(0x1p-33, &q, &e);     /* the first one dropped */
    ck_assert(q == 0 && e == 0);
}
END_TEST

START_TEST(test_gemmlowp_engine_tie)
{
    uint8_t x[1] = { 0 }, y[1];
    int8_t w[1] = { 10 };
    ql_layer L = { 1, 1, 1, { 1.0f, 1 }, { 1.0f, 0 }, { 4.0f, 10 },
                   x, w, NULL, NULL, 0 };
    ck_assert_ptr_null(ql_find_engine("gemmlowp")->refuses(&L));
    ql_find_engine("gemmlowp")->run(&L, y);
    ck_assert_int_eq(y[0], 7);
    ql_find_engine("exact")->run(&L, y);
    ck_assert_int_eq(y[0], 8);
    L.y_q.scale = 0x1p-30f;
    ck_assert_ptr_nonnull(ql_find_engine("gemmlowp")->refuses(&L));
    L.y_q.scale = 0x1.000002p-30f;
    ck_assert_ptr_null(ql_find_engine("gemmlowp")->refuses(&L));
}
END_TEST

START_TEST(test_gemmlowp_double_product)
{
    uint8_t x[1] = { 193 }, y[2];
    int8_t w[1] = { -110 };
    ql_layer L = { 1, 1, 1, { 0.0348936208f, 0 }, { 0.0551970825f, 0 },
                   { 1.43476963f, 128 }, x, w, NULL, NULL, 0 };
    ql_find_engine("gemmlowp")->run(&L, &y[0]);
    ql_find_engine("exact")->run(&L, &y[1]);
    ck_assert_int_eq(y[1], 100);
    ck_assert_int_eq(y[0], y[1]);
}
END_TEST

START_TEST(test_xnnpack_arm64_rounds_half_up)
{
    uint8_t x[2] = { 0, 2 }, y[2];
    int8_t w[1] = { 10 };
    ql_layer L = { 2, 1, 1, { 1.0f, 1 }, { 1.0f, 0 }, { 4.0f, 10 },
                   x, w, NULL, NULL, 0 };
    ql_find_engine("xnnpack-arm64")->run(&L, y);
    ck_assert_int_eq(y[0], 8);
    ck_assert_int_eq(y[1], 13);
    ql_find_engine("xnnpack")->run(&L, y);
    ck_assert_int_eq(y[0], 8);
    ck_assert_int_eq(y[1], 12);
}
END_TEST

START_TEST(test_xnnpack_arm64_shift_wraps)
{
    static uint8_t x[1024];
    static int8_t w[1024];
    ql_layer L = { 1, 1024, 1, { 1.0f, 0 }, { 1.0f, 0 },
                   { 1.0f / 128, 100 }, x, w, NULL, NULL, 0 };
    uint8_t y;
    memset(x, 255, sizeof x);
    memset(w, 127, sizeof w);
    ql_find_engine("xnnpack-arm64")->run(&L, &y);
    ck_assert_int_eq(y, 0);
    ql_find_engine("xnnpack")->run(&L, &y);
    ck_assert_int_eq(y, 255);
}
END_TEST

START_TEST(test_qnnpack_arm64_saturates)
{
    static uint8_t x[4096];
    static int8_t w[4096];
    ql_layer L = { 1, 4096, 1, { 1.0f, 0 }, { 1.0f, 0 },
                   { 0.001f, 100 }, x, w, NULL, NULL, 0 };
    uint8_t y;
    memset(x, 255, sizeof x);
    memset(w, 127, sizeof w);
    ql_find_engine("qnnpack")->run(&L, &y);
    ck_assert_int_eq(y, 0);
    ql_find_engine("qnnpack-arm64")->run(&L, &y);
    ck_assert_int_eq(y, 255);
}
END_TEST

static const struct {
    const char *engine, *layers, *expected;
    size_t min_layers;
    const char *isa;
} dynamic_truth[] = {
    { "qnnpack", "qnnpack/dynamic-layers.txt",
      "qnnpack/dynamic-expected.txt", 200, "" },
    { "onednn-avx2", "onednn/dynamic-layers.txt",
      "onednn/dynamic-avx2-expected.txt", 200, "avx2" },
};

START_TEST(test_dynamic_matches_pytorch)
{
    char pl[1024], pe[1024];
    ql_corpus_stats st;
    const char *name = dynamic_truth[_i].engine;
    if (corpus_skipped(name, dynamic_truth[_i].isa,
                       dynamic_truth[_i].expected))
        return;
    data_path(pl, sizeof pl, dynamic_truth[_i].layers);
    data_path(pe, sizeof pe, dynamic_truth[_i].expected);
    ck_assert_msg(ql_compare_dynamic(pl, pe, ql_find_dynamic_engine(name),
                                     &st) == 0, "%s", st.detail);
    ck_assert_msg(st.layers + st.refused >= dynamic_truth[_i].min_layers,
                  "%s: only %zu layers", pl, st.layers + st.refused);
    ck_assert_msg(st.bad_outputs == 0, "dynamic %s on %s: %zu of %zu "
                  "float32 outputs differ; %s", name, pl, st.bad_outputs,
                  st.outputs, st.detail);
}
END_TEST

START_TEST(test_dynamic_pairs_only_without_reduce_range)
{
    char pl[1024];
    FILE *f;
    ql_reader r;
    ql_dynamic D;
    size_t differ[2] = { 0, 0 };
    const ql_dynamic_engine *a = ql_find_dynamic_engine("onednn"),
                            *b = ql_find_dynamic_engine("onednn-avx2");
    data_path(pl, sizeof pl, "onednn/dynamic-layers.txt");
    ck_assert_ptr_nonnull(f = fopen(pl, "r"));
    ql_reader_init(&r, f, pl);
    while (ql_read_dynamic(&r, &D) > 0) {
        size_t n = D.q.m * D.q.n;
        float *ya = malloc(n * sizeof *ya), *yb = malloc(n * sizeof *yb);
        ck_assert(ya && yb && a->run(&D, ya) == 0 && b->run(&D, yb) == 0);
        differ[D.reduce_range != 0] += memcmp(ya, yb, n * sizeof *ya) != 0;
        free(ya);
        free(yb);
        ql_dynamic_free(&D);
    }
    ck_assert_msg(r.err[0] == '\0', "%s", r.err);
    fclose(f);
    ck_assert_msg(differ[1] == 0, "%zu reduce_range layers differ",
                  differ[1]);
    ck_assert_msg(differ[0] > 0, "no layer without reduce_range saturates");
}
END_TEST

START_TEST(test_dynamic_zero_point_before_rounding)
{
    float x[3] = { -1.0f / 128, 254.0f / 128, 1.0f / 256 }, y[2];
    int8_t w[3] = { 0, 0, 1 };
    ql_dynamic D = { x, 0, { 1, 3, 1, { 0.0f, 0 }, { 1.0f, 0 },
                             { 0.0f, 0 }, NULL, w, NULL, NULL, 0 } };
    ql_dynamic_qparams p = ql_choose_dynamic(x[0], x[1], 0);
    ck_assert_msg(p.scale == 1.0 / 128 && p.zero_point == 1,
                  "the inputs choose S = %.17g, Z = %d; want 1/128, 1",
                  p.scale, (int)p.zero_point);
    ck_assert_int_eq(ql_find_dynamic_engine("onednn")->run(&D, &y[0]), 0);
    ck_assert_int_eq(ql_find_dynamic_engine("qnnpack")->run(&D, &y[1]), 0);
    ck_assert_msg(y[0] == 1.0f / 128 && y[1] == 0.0f,
                  "onednn %.9g (want 1/128: Z added, then 1.5 rounds to 2), "
                  "qnnpack %.9g (want 0: 0.5 rounds to 0, then Z)",
                  (double)y[0], (double)y[1]);
}
END_TEST

static size_t kernel_mismatches(const char *layers, const ql_engine *e,
                                size_t *runs, char *detail, size_t len)
{
    FILE *f = open_data(layers);
    ql_reader r;
    ql_layer L;
    size_t bad = 0, nk, seen = 0;
    const ql_kernel *k = ql_kernels(&nk);
    ql_reader_init(&r, f, layers);
    while (ql_read_layer(&r, &L) > 0) {
        L.relu = L.relu || seen++ % 2 == 1;
        if (L.relu && e->refuses && e->refuses(&L))
            L.relu = 0;                 /* a row that refuses a ReLU */
        if (!(e->refuses && e->refuses(&L))) {
            uint8_t *want = malloc(L.m * L.n), *got = malloc(L.m * L.n);
            ck_assert(want && got);
            e->run(&L, want);
            for (size_t ki = 1; ki < nk; ki++) {
                if (ql_kernel_refuses(&k[ki], e, &L))
                    continue;
                ck_assert(ql_kernel_run(&k[ki], e, &L, got) == 0);
                (*runs)++;
                for (size_t i = 0; i < L.m * L.n; i++)
                    if (got[i] != want[i] && bad++ == 0)
                        snprintf(detail, len, "%s, %s, %s, layer at line %ld, "
                                 "output %zu: %d, want %d", layers, e->name,
                                 k[ki].name, r.start_line, i, got[i], want[i]);
            }
            free(want);
            free(got);
        }
        ql_layer_free(&L);
    }
    fclose(f);
    return bad;
}

static const char *const kernel_corpora[] = {
    "qnnpack/observed-layers.txt", "qnnpack/ties-layers.txt",
    "qnnpack/extremes-layers.txt", "onednn/observed-layers.txt",
    "fbgemm/mixed-layers.txt", "fbgemm/observed-layers.txt",
    "qnnpack/perchannel-layers.txt", "onednn/perchannel-layers.txt",
};
START_TEST(test_kernels_match_reference_on_corpora)
{
    size_t ne, bad = 0, runs = 0;
    const ql_engine *e = ql_engines(&ne);
    char detail[300] = "";
    for (size_t ei = 0; ei < ne; ei++)
        bad += kernel_mismatches(kernel_corpora[_i], &e[ei], &runs, detail,
                                 sizeof detail);
    ck_assert_msg(runs >= 12 || strstr(kernel_corpora[_i], "perchannel"),
                  "only %zu layer-kernel runs", runs);  /* see below */
    ck_assert_msg(bad == 0, "%zu outputs differ; first: %s", bad, detail);
}
END_TEST

START_TEST(test_best_kernel_takes_the_layer)
{
    ql_qparams rows[2] = { { 1.0f, 0 }, { 2.0f, 0 } };
    uint8_t x[1] = { 10 }, y[2];
    int8_t w[2] = { 1, 1 };
    ql_layer L = { 1, 1, 2, { 1.0f, 0 }, { 1.0f, 0 }, { 1.0f, 0 },
                   x, w, NULL, NULL, 0 };
    size_t ne;
    const ql_engine *e = ql_engines(&ne), *q = ql_find_engine("qnnpack");
    for (int pc = 0; pc < 2; pc++) {
        L.w_channel = pc ? rows : NULL;
        for (size_t i = 0; i < ne; i++) {
            const ql_kernel *k = ql_best_kernel(&e[i], &L);
            ck_assert_msg(!ql_kernel_refuses(k, &e[i], &L), "%s, %s: the "
                          "best kernel %s refuses", e[i].name,
                          pc ? "per channel" : "per tensor", k->name);
            if (!pc || (e[i].refuses && e[i].refuses(&L)))
                continue;
            ck_assert(ql_kernel_run(k, &e[i], &L, y) == 0);
            ck_assert_msg(y[0] == 10 && y[1] == 20, "%s: %d %d, want 10 20",
                          e[i].name, y[0], y[1]);
        }
    }
    ck_assert(ql_kernel_run(ql_best_kernel(q, &L), q, &L, y) == 0);
    ck_assert_int_eq(y[0] + y[1], 30);
    L.w_channel = NULL;
    w[1] = -1;
    L.y_q = (ql_qparams){ 2.0f, 20 };
    L.relu = 1;
    int ran = 0;
    for (size_t i = 0; i < ne; i++) {
        if (e[i].refuses && e[i].refuses(&L))
            continue;
        ck_assert(ql_kernel_run(ql_best_kernel(&e[i], &L), &e[i], &L, y) == 0);
        ck_assert_msg(y[0] == 25 && y[1] == 20, "%s with ReLU: %d %d, "
                      "want 25 20", e[i].name, y[0], y[1]);
        ran++;
    }
    ck_assert_int_gt(ran, 0);
}
END_TEST

START_TEST(test_onednn_split_at_257)
{
    static uint8_t x[257];
    static int8_t w[257];
    ql_layer L = { 1, 257, 1, { 1.0f, 0 }, { 1.0f, 0 }, { 1000.0f, 0 },
                   x, w, NULL, NULL, 0 };
    const ql_engine *e = ql_find_engine("onednn-avx2");
    size_t nk;
    const ql_kernel *k = ql_kernels(&nk);
    uint8_t y;
    memset(x, 255, sizeof x);
    w[128] = w[129] = 127;
    for (size_t i = 0; i < nk; i++)
        if (!ql_kernel_refuses(&k[i], e, &L)) {
            ck_assert(ql_kernel_run(&k[i], e, &L, &y) == 0);
            ck_assert_msg(y == 65, "kernel %s: %d, want 65", k[i].name, y);
        }
}
END_TEST

static unsigned hard_rand(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 16) & 0x7fff;
}

static ql_layer random_hard_layer(unsigned *seed, size_t m, size_t k,
                                  size_t n)
{
    ql_layer L;
    memset(&L, 0, sizeof L);
    L.m = m, L.k = k, L.n = n;
    L.x_q.scale = 0.02f, L.w_q.scale = 0.004f;
    L.x = malloc(m * k), L.w = malloc(n * k);
    L.bias = malloc(n * sizeof *L.bias);
    ck_assert(L.x && L.w && L.bias);
    L.x_q.zero_point = (int32_t)(hard_rand(seed) % 256);
    L.w_q.zero_point = hard_rand(seed) % 3 ? 0 : (int32_t)(hard_rand(seed) % 256) - 128;
    L.y_q.zero_point = (int32_t)(hard_rand(seed) % 256);
    L.y_q.scale = 0.5f * (float)k / (float)(1 + hard_rand(seed) % 64);
    for (size_t i = 0; i < m * k; i++)
        L.x[i] = hard_rand(seed) % 4 ? (uint8_t)(250 + hard_rand(seed) % 6)
                                  : (uint8_t)(hard_rand(seed) % 256);
    for (size_t i = 0; i < n * k; i++)
        L.w[i] = (int8_t)(hard_rand(seed) % 4 ? (hard_rand(seed) % 2 ? 127 : -128)
                                         : (int)(hard_rand(seed) % 256) - 128);
    for (size_t j = 0; j < n; j++)
        L.bias[j] = (float)((int)(hard_rand(seed) % 2001) - 1000) / 8.0f;
    return L;
}

static int fast_engine_test_skips(const ql_engine *e, const ql_layer *L)
{
    return (e->refuses && e->refuses(L))
           || (strcmp(e->name, "exact") == 0 && L->m * L->n > 1000);
}

START_TEST(test_kernels_match_reference_on_hard_layers)
{
    static const size_t shape[][3] = {
        { 1, 1, 1 }, { 7, 3, 17 }, { 5, 257, 65 }, { 13, 301, 63 },
        { 6, 767, 64 }, { 2, 768, 130 }, { 1, 1031, 129 }, { 8, 260, 16 },
    };
    size_t ne, nk, bad = 0;
    const ql_engine *e = ql_engines(&ne);
    const ql_kernel *k = ql_kernels(&nk);
    char detail[300] = "";
    unsigned seed = 13;
    for (size_t s = 0; s < sizeof shape / sizeof shape[0]; s++) {
        ql_layer L = random_hard_layer(&seed, shape[s][0], shape[s][1],
                                       shape[s][2]);
        uint8_t *want = malloc(L.m * L.n), *got = malloc(L.m * L.n);
        float *bias = L.bias;
        ck_assert(want && got);
        for (size_t ei = 0; ei < 2 * ne; ei++) {
            L.bias = ei < ne ? bias : NULL;          /* with, then without */
            if (fast_engine_test_skips(&e[ei % ne], &L))
                continue;
            e[ei % ne].run(&L, want);
            for (size_t ki = 1; ki < nk; ki++)
                if (!ql_kernel_refuses(&k[ki], &e[ei % ne], &L)) {
                    ck_assert(ql_kernel_run(&k[ki], &e[ei % ne], &L, got) == 0);
                    for (size_t i = 0; i < L.m * L.n; i++)
                        if (got[i] != want[i] && bad++ == 0)
                            snprintf(detail, sizeof detail, "%s, %s, %zux%zux%zu, "
                                     "output %zu: %d, want %d", e[ei % ne].name,
                                     k[ki].name, L.m, L.k, L.n, i, got[i], want[i]);
                }
        }
        L.bias = bias;
        free(want);
        free(got);
        ql_layer_free(&L);
    }
    ck_assert_msg(bad == 0, "%zu outputs differ; first: %s", bad, detail);
}
END_TEST

START_TEST(test_hard_layers_saturate)
{
    unsigned seed = 13;
    ql_layer L = random_hard_layer(&seed, 1, 1, 1);
    ql_layer_free(&L);
    L = random_hard_layer(&seed, 7, 3, 17);
    ql_layer_free(&L);
    L = random_hard_layer(&seed, 5, 257, 65);
    size_t differ = 0;
    for (size_t j = 0; j < L.n; j++)
        differ += ql_acc_pairs16(&L, 0, j) != ql_wrap_i32(ql_acc_exact(&L, 0, j));
    ql_layer_free(&L);
    ck_assert_msg(differ > 0, "no pair saturates in the hard layers");
}
END_TEST

START_TEST(test_onednn_isa_from_cpu_flags)
{
    static const struct { const char *flags, *want; } t[] = {
        { "fpu avx2 avx512f avx512bw avx512_vnni avx_vnni", "vnni" },
        { "avx2 avx512f avx512bw avx512vl avx512_vnni", "vnni" },
        { "sse4_1 avx2 avx_vnni", "avxvnni" },
        { "sse4_1 avx avx2 fma", "avx2" },
        { "avx2\tavx_vnni_int8", "avx2" },
        { "avx2 avx512f avx512bw avx512dq avx512vl", NULL },
        { "sse4_1 sse4_2 avx", NULL },
        { "", NULL },
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        const ql_onednn_isa *d = ql_onednn_default(t[i].flags);
        const char *got = d ? d->name : NULL;
        if (got != t[i].want && (!got || !t[i].want || strcmp(got, t[i].want)))
            bad++, fprintf(stderr, "flags '%s': got %s, want %s\n",
                           t[i].flags, got ? got : "none",
                           t[i].want ? t[i].want : "none");
    }
    ck_assert_msg(bad == 0, "%d flag lists map to the wrong oneDNN", bad);
}
END_TEST

START_TEST(test_read_per_channel)
{
    ql_layer L;
    read_layer_text("layer 1 2 2\ninput 0.5 3 4 5\nweight per-channel "
                    "0.25 0.125 -1 2  1 2 3 4\noutput 0.5 7\n", &L);
    ck_assert_ptr_nonnull(L.w_channel);
    ck_assert(ql_weight_q(&L, 0).scale == 0.25f);
    ck_assert(ql_weight_q(&L, 1).scale == 0.125f);
    ck_assert_int_eq(ql_weight_q(&L, 1).zero_point, 2);
    ck_assert(L.w_q.scale == 0.25f && L.w_q.zero_point == -1);
    ck_assert_int_eq(ql_acc_exact(&L, 0, 0), 8);
    ck_assert_int_eq(ql_acc_exact(&L, 0, 1), 5);
    ck_assert_int_eq(ql_acc_four_terms(&L, 0, 1), 5);
    ck_assert_int_eq(ql_acc_pairs16(&L, 0, 1), 5);
    ck_assert(ql_find_engine("fbgemm")->refuses == NULL);
    ck_assert(ql_find_engine("qnnpack")->refuses == NULL);
    ck_assert_str_eq(ql_find_engine("onednn")->refuses(&L), "oneDNN only "
                     "supports symmetric weights (zero point 0)");
    L.w_channel[0].zero_point = L.w_channel[1].zero_point = 0;
    ck_assert_ptr_null(ql_find_engine("onednn")->refuses(&L));
    L.w_channel[1].zero_point = 1;      /* row 1 alone is not symmetric */
    ck_assert_ptr_nonnull(ql_find_engine("onednn")->refuses(&L));
    ql_layer_free(&L);
    read_layer_text("layer 1 2 2\ninput 0.5 3 4 5\nweight 0.25 -1 "
                    "1 2 3 4\noutput 0.5 7\n", &L);
    ck_assert_ptr_null(L.w_channel);
    ck_assert_int_eq(ql_acc_exact(&L, 0, 1), 14);
    ql_layer_free(&L);
}
END_TEST

START_TEST(test_read_range_bounds)
{
    static const struct { int zx, x, zw, w, zy, ok; } c[] = {
        { 0, 0, -128, -128, 0, 1 },     { 255, 255, 127, 127, 255, 1 },
        { 0, 256, 0, 0, 0, 0 },         { 0, -1, 0, 0, 0, 0 },
        { 0, 0, 0, -129, 0, 0 },        { 0, 0, 0, 128, 0, 0 },
        { -1, 0, 0, 0, 0, 0 },          { 256, 0, 0, 0, 0, 0 },
        { 0, 0, -129, 0, 0, 0 },        { 0, 0, 128, 0, 0, 0 },
        { 0, 0, 0, 0, -1, 0 },          { 0, 0, 0, 0, 256, 0 },
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char text[160];
        snprintf(text, sizeof text, "layer 1 2 1\ninput 0.5 %d %d 1\n"
                 "weight 0.5 %d %d 1\noutput 0.5 %d\n", c[i].zx, c[i].x,
                 c[i].zw, c[i].w, c[i].zy);
        if ((layer_text_reads(text) == 1) != c[i].ok && bad++ == 0)
            fprintf(stderr, "reader: %s for\n%s", c[i].ok ? "refused"
                    : "accepted", text);
    }
    ck_assert_msg(bad == 0, "%d wrong verdicts", bad);
}
END_TEST

START_TEST(test_read_dynamic)
{
    FILE *f = tmpfile();
    ql_reader r;
    ql_dynamic D;
    ck_assert_ptr_nonnull(f);
    fputs("dynamic 1 2 1\ninput reduce_range 0x1.8p+1 -0.5\n"
          "weight 0.25 0 3 -4\nbias 0x1p-2\noutput float\n"
          "dynamic 1 1 1 input 2 weight 0.5 0 1 output float\n", f);
    rewind(f);
    ql_reader_init(&r, f, "text");
    ck_assert_int_eq(ql_next_is_dynamic(&r), 1);
    ck_assert_msg(ql_read_dynamic(&r, &D) == 1, "%s", r.err);
    ck_assert(D.x[0] == 3.0f && D.x[1] == -0.5f && D.reduce_range == 1);
    ck_assert(D.q.w[1] == -4 && D.q.w_q.scale == 0.25f);
    ck_assert(D.q.bias && D.q.bias[0] == 0.25f);
    ql_dynamic_free(&D);
    ck_assert_msg(ql_read_dynamic(&r, &D) == 1, "%s", r.err);
    ck_assert(D.reduce_range == 0 && D.q.bias == NULL && D.x[0] == 2.0f);
    ql_dynamic_free(&D);
    ck_assert_int_eq(ql_next_is_dynamic(&r), 0);
    ck_assert_int_eq(ql_read_dynamic(&r, &D), 0);
    fclose(f);
    ck_assert_int_ne(layer_text_reads("dynamic 1 1 1 input 2 weight 0.5 0"
                                      " 1 output float\n"), 1);
}
END_TEST

static const char *probe_corpus[] = {
    "qnnpack/ties", "qnnpack/extremes", "qnnpack/perchannel",
    "onednn/perchannel", "fbgemm/perchannel",
};

START_TEST(test_probes_reproduce_engines)
{
    static const char *names[] = { "qnnpack", "fbgemm", "fbgemm-avx2",
                                   "onednn", "onednn-avx2" };
    size_t checked = 0;
    size_t bad = walk_probes(probe_corpus[_i], names, 5, 0, &checked);
    ck_assert_msg(bad == 0, "%zu of %zu outputs differ", bad, checked);
    ck_assert_uint_gt(checked, 1000);
}
END_TEST

START_TEST(test_probes_of_clamping_engines)
{
    static const char *names[] = { "xnnpack", "onnxruntime",
                                   "onnxruntime-avx2", "gemmlowp" };
    size_t checked = 0;
    size_t bad = walk_probes(probe_corpus[_i], names, 4, 1, &checked);
    ck_assert_msg(bad == 0, "%zu of %zu outputs differ", bad, checked);
    ck_assert_msg(checked >= 20, "%s: only %zu outputs lie inside the"
                  " range and away from a tie", probe_corpus[_i], checked);
}
END_TEST

START_TEST(test_cause_of)
{
    const ql_layer *F = ql_forum_layer();
    ql_layer L = *F;
    float bias[2] = { 0.5f, 0.5f };
    ql_answer a[2];
    memset(a, 0, sizeof a);
    for (int e = 0; e < 2; e++) {
        a[e].probe.known = 1;
        a[e].probe.acc = ql_acc_exact(F, 0, 0);
        a[e].probe.value = 59.5 - L.y_q.zero_point;
        a[e].code = a[e].nobias = (uint8_t)(59 + e);
    }
    ck_assert_int_eq(ql_cause_of(&L, 0, 0, a, 2), QL_CAUSE_TIE);
    a[1].code = 59;
    ck_assert_int_eq(ql_cause_of(&L, 0, 0, a, 2), QL_CAUSE_NONE);
    a[1].code = 60;
    a[0].probe.value = 300.0;                /* rounds outside [0, 255] */
    ck_assert_int_eq(ql_cause_of(&L, 0, 0, a, 2), QL_CAUSE_CLAMP);
    L.bias = bias;                           /* without it they agree */
    a[1].nobias = 59;
    ck_assert_int_eq(ql_cause_of(&L, 0, 0, a, 2), QL_CAUSE_BIAS);
    a[1].probe.pairs = 1;
    a[1].probe.acc = 5000;
    ck_assert_int_eq(ql_cause_of(&L, 0, 0, a, 2), QL_CAUSE_PAIRS);
    a[0].probe.cvt = 1;
    a[0].probe.value = 3e9;
    ck_assert_int_eq(ql_cause_of(&L, 0, 0, a, 2), QL_CAUSE_OVERFLOW);
    a[1].probe.pairs = 0;                    /* 5000: zero points wrong */
    ck_assert_int_eq(ql_cause_of(&L, 0, 0, a, 2), QL_CAUSE_ZERO_POINT);
    ck_assert_str_eq(ql_cause_name(QL_CAUSE_TIE), "tie");
    ck_assert_str_eq(ql_cause_name(QL_CAUSE_ZERO_POINT), "zero-point");
}
END_TEST

START_TEST(test_read_outputs)
{
    static const char *const bad[] = { "7 256\n", "-1 7\n", "7\n" };
    uint8_t y[2];
    ql_reader r;
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    fputs("0 255\nunsupported: a reason 1 2\n", f);
    rewind(f);
    ql_reader_init(&r, f, "text");
    ck_assert_int_eq(ql_read_outputs(&r, 2, y), 1);
    ck_assert_int_eq(y[0] + 1000 * y[1], 255000);
    ck_assert_int_eq(ql_read_outputs(&r, 2, y), 2);
    ck_assert_int_eq(ql_read_outputs(&r, 2, y), 0);
    fclose(f);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_ptr_nonnull(f = tmpfile());
        fputs(bad[i], f);
        rewind(f);
        ql_reader_init(&r, f, "text");
        ck_assert_msg(ql_read_outputs(&r, 2, y) == -1, "accepted %s", bad[i]);
        fclose(f);
    }
}
END_TEST

START_TEST(test_round_half_even)
{
    int bad = 0, first = 0;
    for (int i = 0; i < ROUND_CASES; i++)
        if (ql_round_half_even(round_cases[i].v) != round_cases[i].want)
            if (bad++ == 0)
                first = i;
    ck_assert_msg(bad == 0, "%d of %d cases wrong; the first: "
                  "rne(%.9g) = %.9g, want %.9g", bad, (int)ROUND_CASES,
                  (double)round_cases[first].v,
                  (double)ql_round_half_even(round_cases[first].v),
                  (double)round_cases[first].want);
}
END_TEST

START_TEST(test_round_matches_nearbyintf)
{
    uint32_t s = 12345u, first = 0;
    long bad = 0;
    for (int i = 0; i < 1000000; i++) {
        float v;
        s = s * 1664525u + 1013904223u;
        memcpy(&v, &s, sizeof v);
        if (!isnan(v) && ql_round_half_even(v) != nearbyintf(v))
            if (bad++ == 0)
                first = s;
    }
    ck_assert_msg(bad == 0, "%ld values differ, the first bits %08x",
                  bad, (unsigned)first);
}
END_TEST

START_TEST(test_observe_forum)
{
    ql_scheme u8 = { QL_QUINT8, 0, 0 }, s8 = { QL_QINT8, 0, 0 };
    ql_qparams px = ql_observe(u8, forum_input_f32, 2);
    ql_qparams pw = ql_observe(s8, forum_weight_f32, 4);
    ck_assert(px.scale == (float)0.010773413814604282);
    ck_assert_int_eq(px.zero_point, 202);
    ck_assert(pw.scale == (float)0.003769818227738142);
    ck_assert_int_eq(pw.zero_point, 26);
}
END_TEST

START_TEST(test_observe_forum_output)
{
    ql_scheme u8 = { QL_QUINT8, 0, 0 };
    float y[2];
    forum_float_output(y);
    ql_qparams py = ql_observe(u8, y, 2);
    ck_assert(py.scale == (float)0.003812584327533841);
    ck_assert_int_eq(py.zero_point, 0);
}
END_TEST

START_TEST(test_observe_includes_zero)
{
    ql_scheme u8 = { QL_QUINT8, 0, 0 };
    const float pos[3] = { 1.0f, 2.0f, 3.0f };
    const float neg[2] = { -4.0f, -1.0f };
    ql_qparams p = ql_observe(u8, pos, 3);
    ck_assert(p.scale == 3.0f / 255.0f);
    ck_assert_int_eq(p.zero_point, 0);
    p = ql_observe(u8, neg, 2);
    ck_assert(p.scale == 4.0f / 255.0f);
    ck_assert_int_eq(p.zero_point, 255);
    p = ql_observe(u8, neg, 0);
    ck_assert(p.scale == 1.0f);
    ck_assert_int_eq(p.zero_point, 0);
}
END_TEST

START_TEST(test_dequantize_subtracts_the_zero_point)
{
    ql_qparams x = { 0.5f, 202 }, w = { 0.25f, -3 };
    ck_assert(ql_dequantize(0, x) == -101.0f);
    ck_assert(ql_dequantize(202, x) == 0.0f);
    ck_assert(ql_dequantize(255, x) == 26.5f);
    ck_assert(ql_dequantize(-128, w) == -31.25f);
}
END_TEST

START_TEST(test_quantize_forum)
{
    ql_qparams px = { (float)0.010773413814604282, 202 };
    ql_qparams pw = { (float)0.003769818227738142, 26 };
    const int32_t want_w[4] = { 25, 127, -128, -112 };
    ck_assert_int_eq(ql_quantize(forum_input_f32[0], px, QL_QUINT8), 0);
    ck_assert_int_eq(ql_quantize(forum_input_f32[1], px, QL_QUINT8),
                     255);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(ql_quantize(forum_weight_f32[i], pw, QL_QINT8),
                         want_w[i]);
}
END_TEST

START_TEST(test_forum_quantizer_differences)
{
    ql_qparams p = { div_example_s, 0 }, z = { 1.0f, zp_example_z };
    ck_assert_int_eq(ql_quantize(div_example_r, p, QL_QUINT8), 128);
    ck_assert_int_eq(ql_forum_quantize(div_example_r, p), 127);
    ck_assert_int_eq(ql_quantize(zp_example_r, z, QL_QUINT8), 1);
    ck_assert_int_eq(ql_forum_quantize(zp_example_r, z), 2);
    for (float t = -300.0f; t < 300.0f; t += 0.125f) {
        float a = ql_round_half_even(t < 0 ? 0 : t > 255 ? 255 : t);
        float b = ql_round_half_even(t);
        b = b < 0 ? 0 : b > 255 ? 255 : b;
        ck_assert(a == b);
    }
}
END_TEST

START_TEST(test_forum_quantizer_clamps)
{
    ql_qparams p = { 1.0f, 0 };
    ck_assert_int_eq(ql_forum_quantize(-5.0f, p), 0);
    ck_assert_int_eq(ql_forum_quantize(-0.5f, p), 0);
    ck_assert_int_eq(ql_forum_quantize(0.25f, p), 0);
    ck_assert_int_eq(ql_forum_quantize(254.75f, p), 255);
    ck_assert_int_eq(ql_forum_quantize(300.0f, p), 255);
}
END_TEST

START_TEST(test_acc_forum)
{
    const ql_layer *L = ql_forum_layer();
    ck_assert_int_eq(ql_acc_exact(L, 0, 0), 5555);
    ck_assert_int_eq(ql_acc_exact(L, 0, 1), 23794);
    ck_assert_int_eq(ql_acc_four_terms(L, 0, 0), 5555);
    ck_assert_int_eq(ql_acc_four_terms(L, 0, 1), 23794);
}
END_TEST

START_TEST(test_four_terms_identity)
{
    uint8_t x[64];
    int8_t w[64];
    ql_layer L = { 1, 64, 1, { 1.0f, 0 }, { 1.0f, 0 }, { 1.0f, 0 },
                   x, w, NULL, NULL, 0 };
    int bad = 0;
    char first[200] = "";
    for (int t = 0; t < 200; t++) {
        random_layer_1x64(&L, t);
        int64_t four = ql_acc_four_terms(&L, 0, 0);
        int64_t exact = ql_acc_exact(&L, 0, 0);
        if (four != exact && bad++ == 0)
            snprintf(first, sizeof first, "layer %d (Z_x = %d, Z_w = %d):"
                     " four terms %lld, exact %lld", t,
                     (int)L.x_q.zero_point, (int)L.w_q.zero_point,
                     (long long)four, (long long)exact);
    }
    ck_assert_msg(bad == 0, "%d of 200 layers differ; the first: %s", bad,
                  first);
}
END_TEST

START_TEST(test_acc_question)
{
    ck_assert_int_eq(ql_acc_question(ql_forum_layer(), 0, 0), -2271);
    ck_assert_int_eq(ql_acc_question(ql_forum_layer(), 0, 1), 26160);
}
END_TEST

START_TEST(test_wrap_at_the_bound)
{
    ck_assert_int_eq(ql_wrap_i32(33025LL * 65025), 2147450625);
    ck_assert_int_eq(ql_wrap_i32(33026LL * 65025), -2147451646);
    ck_assert_int_eq(ql_wrap_i32(-33026LL * 65025), 2147451646);
    ck_assert_int_eq(ql_wrap_i32(-2147483648LL), INT32_MIN);
    ck_assert_int_eq(ql_wrap_i32(4294967295LL), -1);
}
END_TEST

START_TEST(test_requantize_one)
{
    const ql_layer *L = ql_forum_layer();
    float m = ql_multiplier_qnnpack(L->x_q.scale, L->w_q.scale,
                                    L->y_q.scale);
    int32_t zy = L->y_q.zero_point, zys[3] = { requant_order.zy, 0, 255 };
    ck_assert_int_eq(ql_requantize((int32_t)ql_acc_exact(L, 0, 0), m, zy), 59);
    ck_assert_int_eq(ql_requantize((int32_t)ql_acc_exact(L, 0, 1), m, zy), 253);
    int bad = 0, first_a = 0, first_z = 0;
    for (int z = 0; z < 3; z++)
        for (int32_t a = -700; a <= 700; a++) {
            double want = nearbyint(a * (double)requant_tie.m) + zys[z];
            want = want < 0 ? 0 : want > 255 ? 255 : want;
            if (ql_requantize(a, requant_tie.m, zys[z]) != (uint8_t)want
                && bad++ == 0)
                first_a = a, first_z = zys[z];
        }
    ck_assert_msg(bad == 0, "%d codes differ; the first at a = %d, Z_y = %d",
                  bad, first_a, first_z);
}
END_TEST

START_TEST(test_forum_functions)
{
    double y[2];
    ql_forum_question(ql_forum_layer(), y);
    ck_assert(y[0] == 0.0 && y[1] == 255.0);
    ql_forum_answer3(ql_forum_layer(), y);
    ck_assert(y[0] == 59.0 && y[1] == 253.0);
    ql_forum_answer2(ql_forum_layer(), y);
    ck_assert(y[0] != floor(y[0]) && y[1] != floor(y[1]));
    ck_assert(nearbyint(y[0]) == 59.0 && nearbyint(y[1]) == 253.0);
}
END_TEST

START_TEST(test_answer3_ties_to_even)
{
    uint8_t x[1] = { 20 };
    int8_t w[1] = { 1 };
    ql_layer L = { 1, 1, 1, { 0.5f, 0 }, { 0.25f, 0 }, { 1.0f, 0 },
                   x, w, NULL, NULL, 0 };
    double y[1];
    ql_forum_answer3(&L, y);
    ck_assert(y[0] == 2.0);
    w[0] = -1;
    L.y_q.zero_point = 10;
    ql_forum_answer3(&L, y);
    ck_assert(y[0] == 8.0);
}
END_TEST

START_TEST(test_layer_past_the_bound)
{
    enum { K = 40000 };
    static uint8_t x[K];
    static int8_t w[K];
    ql_layer L = { 1, K, 1, { 1.0f, 0 }, { 1.0f, -128 }, { 1.0f, 0 },
                   x, w, NULL, NULL, 0 };
    memset(x, 255, sizeof x);
    memset(w, 127, sizeof w);
    ck_assert_int_eq(ql_acc_exact(&L, 0, 0), 40000LL * 65025);
    ck_assert_int_eq(ql_wrap_i32(ql_acc_exact(&L, 0, 0)),
                     40000LL * 65025 - 4294967296LL);
    uint8_t y;
    L.y_q.scale = 1e6f;
    ql_find_engine("qnnpack")->run(&L, &y);
    ck_assert_int_eq(y, 0);
    ql_find_engine("fbgemm")->run(&L, &y);
    ck_assert_int_eq(y, 0);
    ql_find_engine("exact")->run(&L, &y);
    ck_assert_int_eq(y, 255);
}
END_TEST

START_TEST(test_question_multiplier_in_double)
{
    uint8_t x[1];
    int8_t w[1];
    ql_layer L = { 1, 1, 1, { 0, 0 }, { 0.0037698182f, 0 },
                   { 0.0048f, 0 }, x, w, NULL, NULL, 0 };
    int found = 0, bad = 0;
    for (int i = 0; i < 400 && found < 4; i++) {
        L.x_q.scale = 0.0107734138f + 0.0000173f * (float)i;
        float md = (float)((double)L.x_q.scale * L.w_q.scale / L.y_q.scale);
        float mf = L.x_q.scale * L.w_q.scale;
        mf = mf / L.y_q.scale;
        for (int xv = 1; md != mf && xv < 256; xv++)
            for (int wv = 1; wv < 128; wv++) {
                float a = (float)(xv * wv), want = ql_round_half_even(a * md);
                double y[1];
                if (want == ql_round_half_even(a * mf) || want > 255.0f)
                    continue;
                x[0] = (uint8_t)xv;
                w[0] = (int8_t)wv;
                ql_forum_question(&L, y);
                found++;
                bad += y[0] != want;
            }
    }
    ck_assert_msg(found > 0, "no scales where the two multipliers differ");
    ck_assert_msg(bad == 0, "%d of %d layers got the float32 multiplier",
                  bad, found);
}
END_TEST

START_TEST(test_pair_example)
{
    const ql_engine *avx2 = ql_find_engine("fbgemm-avx2");
    const ql_engine *exact = ql_find_engine("exact");
    for (int rr = 0; rr < 2; rr++) {
        uint8_t x[2], ya, ye;
        int8_t w[2];
        double d;
        ql_layer L = pair_example_layer(rr, x, w);
        int32_t raw = x[0] * w[0] + x[1] * w[1];
        avx2->run(&L, &ya);
        exact->run(&L, &ye);
        ql_forum_answer3(&L, &d);
        ck_assert_msg((ql_sat16(raw) != raw) == !rr,
                      "reduce_range=%d: raw pair %d", rr, (int)raw);
        ck_assert_msg((ya != ye) == !rr,
                      "reduce_range=%d: fbgemm-avx2 %d, exact %d",
                      rr, ya, ye);
        ck_assert_msg(d == ye, "answer 3 %g, exact %d", d, ye);
    }
}
END_TEST

#define QL_TEST_TIMEOUT 20
static const char *case_names[128];
static size_t n_cases;

static TCase *named_tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, QL_TEST_TIMEOUT);
    if (n_cases < sizeof case_names / sizeof case_names[0])
        case_names[n_cases++] = name;
    return tc;
}
#define tcase_create named_tcase

static void list_cases(FILE *f, const char *indent)
{
    for (size_t i = 0; i < n_cases; i++)
        fprintf(f, "%s%s\n", indent, case_names[i]);
}

static Suite *qlinear_suite(void)
{
    Suite *s = suite_create("qlinear");
    TCase *tc;
    tc = tcase_create("rounding");
    tcase_add_test(tc, test_round_half_even);
    tcase_add_test(tc, test_round_matches_nearbyintf);
    suite_add_tcase(s, tc);

    tc = tcase_create("observer");
    tcase_add_test(tc, test_observe_forum);
    tcase_add_test(tc, test_observe_forum_output);
    tcase_add_test(tc, test_observe_includes_zero);
    suite_add_tcase(s, tc);

    tc = tcase_create("quantize");
    tcase_add_test(tc, test_quantize_forum);
    tcase_add_test(tc, test_quantize_ties_and_overflow);
    tcase_add_test(tc, test_dequantize_subtracts_the_zero_point);
    suite_add_tcase(s, tc);

    tc = tcase_create("forum quantizer");
    tcase_add_test(tc, test_forum_quantizer_differences);
    tcase_add_test(tc, test_forum_quantizer_clamps);
    suite_add_tcase(s, tc);

    tc = tcase_create("zero-point algebra");
    tcase_add_test(tc, test_acc_forum);
    tcase_add_test(tc, test_four_terms_identity);
    suite_add_tcase(s, tc);

    tc = tcase_create("the question's identity");
    tcase_add_test(tc, test_acc_question);
    suite_add_tcase(s, tc);

    tc = tcase_create("int32 accumulation");
    tcase_add_test(tc, test_wrap_at_the_bound);
    tcase_add_test(tc, test_layer_past_the_bound);
    suite_add_tcase(s, tc);

    tc = tcase_create("requantize one accumulator");
    tcase_add_test(tc, test_requantize_one);
    suite_add_tcase(s, tc);

    tc = tcase_create("forum functions");
    tcase_add_test(tc, test_forum_functions);
    tcase_add_test(tc, test_answer3_ties_to_even);
    tcase_add_test(tc, test_question_multiplier_in_double);
    suite_add_tcase(s, tc);
    tc = tcase_create("conversion");
    tcase_add_test(tc, test_cvt_out_of_range);
    suite_add_tcase(s, tc);
    tc = tcase_create("multiplier");
    tcase_add_test(tc, test_multiplier_orders);
    tcase_add_test(tc, test_multiplier_forum);
    suite_add_tcase(s, tc);
    tc = tcase_create("requantize");
    tcase_add_test(tc, test_requantize_overflow_is_zero);
    suite_add_tcase(s, tc);
    tc = tcase_create("bias");
    tcase_add_test(tc, test_bias_units);
    tcase_add_test(tc, test_fbgemm_bias_reciprocal);
    suite_add_tcase(s, tc);
    tc = tcase_create("int16 pairs");
    tcase_add_test(tc, test_pair_saturation);
    suite_add_tcase(s, tc);
    tc = tcase_create("fused ReLU");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_relu_is_a_floor_at_zy);
    suite_add_tcase(s, tc);
    tc = tcase_create("oneDNN weights");
    tcase_add_test(tc, test_onednn_refuses_asymmetric_weights);
    suite_add_tcase(s, tc);
    tc = tcase_create("exact engine");
    tcase_add_test(tc, test_exact_ties);
    tcase_add_test(tc, test_exact_bias);
    tcase_add_test(tc, test_exact_against_double);
    suite_add_tcase(s, tc);
    tc = tcase_create("engines");
    tcase_add_test(tc, test_engines_on_the_forum_layer);
    tcase_add_test(tc, test_engines_on_conversion_overflow);
    suite_add_tcase(s, tc);
    tc = tcase_create("ground truth");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_engine_matches_ground_truth, 0,
                        (int)(sizeof truth / sizeof truth[0]));
    tcase_add_test(tc, test_observers_match_pytorch);
    tcase_add_test(tc, test_quantize_matches_pytorch);
    tcase_add_test(tc, test_double_is_not_enough);
    suite_add_tcase(s, tc);
    tc = tcase_create("per-channel observer");
    tcase_add_test(tc, test_per_channel_observers_match_pytorch);
    suite_add_tcase(s, tc);
    tc = tcase_create("per-channel ground truth");
    tcase_add_loop_test(tc, test_per_channel_matches_pytorch, 0,
                        sizeof per_channel_truth / sizeof per_channel_truth[0]);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("fused ReLU ground truth");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_fused_relu_matches_ground_truth, 0,
                        sizeof relu_truth / sizeof relu_truth[0]);
    suite_add_tcase(s, tc);
    tc = tcase_create("xnnpack");
    tcase_add_test(tc, test_xnnpack_clamps_before_converting);
    tcase_add_test(tc, test_xnnpack_refuses);
    suite_add_tcase(s, tc);
    tc = tcase_create("gemmlowp");
    tcase_add_test(tc, test_gemmlowp_roundings);
    tcase_add_test(tc, test_tflite_multiplier);
    tcase_add_test(tc, test_gemmlowp_engine_tie);
    tcase_add_test(tc, test_gemmlowp_double_product);
    suite_add_tcase(s, tc);
    tc = tcase_create("xnnpack-arm64");
    tcase_add_test(tc, test_xnnpack_arm64_rounds_half_up);
    tcase_add_test(tc, test_xnnpack_arm64_shift_wraps);
    suite_add_tcase(s, tc);
    tc = tcase_create("qnnpack-arm64");
    tcase_add_test(tc, test_qnnpack_arm64_saturates);
    suite_add_tcase(s, tc);
    tc = tcase_create("dynamic quantization");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_dynamic_matches_pytorch, 0,
                        (int)(sizeof dynamic_truth / sizeof dynamic_truth[0]));
    tcase_add_test(tc, test_dynamic_pairs_only_without_reduce_range);
    tcase_add_test(tc, test_dynamic_zero_point_before_rounding);
    suite_add_tcase(s, tc);
    tc = tcase_create("fast kernels");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_kernels_match_reference_on_corpora, 0,
                        (int)(sizeof kernel_corpora / sizeof kernel_corpora[0]));
    tcase_add_test(tc, test_kernels_match_reference_on_hard_layers);
    tcase_add_test(tc, test_hard_layers_saturate);
    tcase_add_test(tc, test_best_kernel_takes_the_layer);
    tcase_add_test(tc, test_onednn_split_at_257);
    suite_add_tcase(s, tc);
    tc = tcase_create("cpu");
    tcase_add_test(tc, test_onednn_isa_from_cpu_flags);
    suite_add_tcase(s, tc);
    tc = tcase_create("per-channel weights");
    tcase_add_test(tc, test_read_per_channel);
    suite_add_tcase(s, tc);
    tc = tcase_create("reader bounds");
    tcase_add_test(tc, test_read_range_bounds);
    suite_add_tcase(s, tc);
    tc = tcase_create("dynamic layers");
    tcase_add_test(tc, test_read_dynamic);
    suite_add_tcase(s, tc);
    tc = tcase_create("engine probes");
    tcase_add_loop_test(tc, test_probes_of_clamping_engines, 0,
                        sizeof probe_corpus / sizeof probe_corpus[0]);
    tcase_add_loop_test(tc, test_probes_reproduce_engines, 0,
                        sizeof probe_corpus / sizeof probe_corpus[0]);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    tc = tcase_create("cause");
    tcase_add_test(tc, test_cause_of);
    suite_add_tcase(s, tc);
    tc = tcase_create("expected outputs");
    tcase_add_test(tc, test_read_outputs);
    suite_add_tcase(s, tc);
    tc = tcase_create("the pair example");
    tcase_add_test(tc, test_pair_example);
    suite_add_tcase(s, tc);
    return s;
}
int main(int argc, char **argv)
{
    SRunner *sr = srunner_create(qlinear_suite());
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        list_cases(stdout, "");
        srunner_free(sr);
        return EXIT_SUCCESS;
    }
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr), ran = srunner_ntests_run(sr);
    srunner_free(sr);
    if (ran == 0) {
        const char *c = getenv("CK_RUN_CASE");
        fprintf(stderr, "check-qlinear: no test ran (CK_RUN_CASE=%s); "
                "the test cases are:\n", c ? c : "(unset)");
        list_cases(stderr, "  ");
        return EXIT_FAILURE;
    }
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
