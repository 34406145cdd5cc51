/* bench.c: time the fast kernels on random layers (make bench).
   Tangled from qlinear.nw: edit that, not this file. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

static int time_kernel(const ql_kernel *kern, const ql_engine *e,
                       const ql_layer *L, uint8_t *y, int samples,
                       double min_seconds, double *best, double *worst)
{
    ql_packed *P = ql_pack(kern, e, L);
    long reps = 1;
    if (!P || ql_packed_run(P, L, y) != 0)        /* warm-up */
        return -1;
    *best = 1e300, *worst = 0.0;
    for (int s = -1; s < samples; s++) {
        double t0 = seconds();
        for (long r = 0; r < reps; r++)
            ql_packed_run(P, L, y);
        double t = (seconds() - t0) / (double)reps;
        if (s < 0) {                               /* calibrate */
            reps = (long)(min_seconds / (t > 1e-9 ? t : 1e-9)) + 1;
            continue;
        }
        *best = t < *best ? t : *best;
        *worst = t > *worst ? t : *worst;
    }
    ql_packed_free(P);
    return 0;
}

static void report(const ql_layer *L, const char *impl, double best,
                   double worst)
{
    double ops = 2.0 * (double)L->m * (double)L->k * (double)L->n;
    printf("bench %zu %zu %zu %s %.1f\n", L->m, L->k, L->n, impl,
           ops / best / 1e9);
    printf("# spread %zu %zu %zu %s %.1f..%.1f\n", L->m, L->k, L->n, impl,
           ops / worst / 1e9, ops / best / 1e9);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int samples = getenv("BENCH_SAMPLES") ? atoi(getenv("BENCH_SAMPLES")) : 5;
    double secs = getenv("BENCH_SAMPLE_SECONDS")
                  ? atof(getenv("BENCH_SAMPLE_SECONDS")) : 0.05;
    for (int a = 1; a < argc; a++) {
        size_t m, k, n;
        ql_layer L;
        if (sscanf(argv[a], "%zux%zux%zu", &m, &k, &n) != 3
            || random_layer(&L, m, k, n) != 0) {
            fprintf(stderr, "bench: bad shape '%s' (want MxKxN)\n", argv[a]);
            return 2;
        }
        uint8_t *y = malloc(m * n);
        size_t ne, nk;
        const ql_engine *e = ql_engines(&ne);
        const ql_kernel *kt = ql_kernels(&nk);
        double best, worst;
        char impl[64];
        float *bias = L.bias;
        for (size_t i = 0; y && i < ne; i++) {
            L.bias = e[i].refuses && e[i].refuses(&L) ? NULL : bias;
            const ql_kernel *b = ql_best_kernel(&e[i], &L);
            if (strcmp(e[i].name, "exact") == 0 || b == &kt[0]
                || time_kernel(b, &e[i], &L, y, samples, secs, &best, &worst) != 0)
                continue;
            snprintf(impl, sizeof impl, "qlinear-%s%s", e[i].name,
                     L.bias ? "" : "-nobias");
            report(&L, impl, best, worst);
        }
        L.bias = bias;
        for (size_t i = 0; y && i < nk; i++)
            if (!ql_kernel_refuses(&kt[i], ql_find_engine("onednn"), &L)
                && time_kernel(&kt[i], ql_find_engine("onednn"), &L, y,
                               i < 2 ? 2 : samples, secs, &best, &worst) == 0) {
                snprintf(impl, sizeof impl, "step-%s", kt[i].name);
                report(&L, impl, best, worst);
            }
        free(y);
        ql_layer_free(&L);
    }
    return 0;
}

