/* bench-xnnpack.c: time XNNPACK's qu8 fully-connected operator on the
   layers of bench.c (make bench).  Tangled from qlinear.nw. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xnnpack.h>
#include "qlinear.h"
static unsigned bench_rand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7fff;
}

static int random_layer(ql_layer *L, size_t m, size_t k, size_t n)
{
    unsigned s = 2026;
    memset(L, 0, sizeof *L);
    L->m = m, L->k = k, L->n = n;
    L->x_q = (ql_qparams){ 0.02f, 100 };
    L->w_q = (ql_qparams){ 0.01f, 0 };
    L->y_q = (ql_qparams){ 0.3f, 128 };
    L->x = malloc(m * k), L->w = malloc(n * k);
    L->bias = malloc(n * sizeof *L->bias);
    if (!L->x || !L->w || !L->bias)
        return -1;
    for (size_t i = 0; i < m * k; i++)
        L->x[i] = (uint8_t)(bench_rand(&s) & 0xff);
    for (size_t i = 0; i < n * k; i++)
        L->w[i] = (int8_t)((int)(bench_rand(&s) & 0xff) - 128);
    for (size_t j = 0; j < n; j++)
        L->bias[j] = (float)((int)bench_rand(&s) % 200 - 100) / 10.0f;
    return 0;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int time_layer(size_t m, size_t k, size_t n, int samples,
                      double min_seconds)
{
    ql_layer L;
    xnn_operator_t op = NULL;
    uint8_t *wu = malloc(n * k), *y = malloc(m * n);
    int32_t *b = malloc(n * sizeof *b);
    if (random_layer(&L, m, k, n) != 0 || !wu || !y || !b)
        return -1;
    for (size_t i = 0; i < n * k; i++)
        wu[i] = (uint8_t)(L.w[i] + 128);
    for (size_t j = 0; j < n; j++)
        b[j] = (int32_t)lrintf(L.bias[j] / (L.x_q.scale * L.w_q.scale));
    if (xnn_create_fully_connected_nc_qu8(k, n, k, n,
            (uint8_t)L.x_q.zero_point, L.x_q.scale, 128, L.w_q.scale, wu, b,
            (uint8_t)L.y_q.zero_point, L.y_q.scale, 0, 255, 0, &op)
        != xnn_status_success)
        return -1;
    double best = 1e300, worst = 0.0, ops = 2.0 * (double)m * k * n;
    long reps = 1;
    for (int s = -2; s < samples; s++) {
        double t0 = seconds();
        for (long r = 0; r < reps; r++)
            if (xnn_setup_fully_connected_nc_qu8(op, m, L.x, y, NULL)
                    != xnn_status_success
                || xnn_run_operator(op, NULL) != xnn_status_success)
                return -1;
        double t = (seconds() - t0) / (double)reps;
        if (s < 0) {                        /* warm-up, then calibrate */
            reps = (long)(min_seconds / (t > 1e-9 ? t : 1e-9)) + 1;
            continue;
        }
        best = t < best ? t : best;
        worst = t > worst ? t : worst;
    }
    printf("bench %zu %zu %zu xnnpack %.1f\n", m, k, n, ops / best / 1e9);
    printf("# spread %zu %zu %zu xnnpack %.1f..%.1f\n", m, k, n,
           ops / worst / 1e9, ops / best / 1e9);
    xnn_delete_operator(op);
    ql_layer_free(&L);
    free(wu), free(y), free(b);
    return 0;
}
int main(int argc, char **argv)
{
    int samples = getenv("BENCH_SAMPLES") ? atoi(getenv("BENCH_SAMPLES")) : 5;
    double secs = getenv("BENCH_SAMPLE_SECONDS")
                  ? atof(getenv("BENCH_SAMPLE_SECONDS")) : 0.05;
    if (xnn_initialize(NULL) != xnn_status_success) {
        fprintf(stderr, "bench-xnnpack: xnn_initialize failed\n");
        return 1;
    }
    for (int a = 1; a < argc; a++) {
        size_t m, k, n;
        if (sscanf(argv[a], "%zux%zux%zu", &m, &k, &n) != 3
            || time_layer(m, k, n, samples, secs) != 0) {
            fprintf(stderr, "bench-xnnpack: shape '%s' failed\n", argv[a]);
            return 1;
        }
    }
    return 0;
}
