#define _POSIX_C_SOURCE 200809L          /* fmemopen */
#include <stdio.h>
#include <stdlib.h>
#include "qlinear.h"
static void run_all(const ql_layer *L)
{
    size_t n;
    const ql_engine *e = ql_engines(&n);
    uint8_t *y = malloc(L->m * L->n);
    double *d = malloc(L->m * L->n * sizeof *d);
    if (y && d && L->m * L->n * L->k <= 1u << 16) {
        for (size_t i = 0; i < n; i++)
            if (!e[i].refuses || !e[i].refuses(L))
                e[i].run(L, y);
        ql_forum_question(L, d);
        ql_forum_answer2(L, d);
        ql_forum_answer3(L, d);
    }
    free(y);
    free(d);
}
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ql_reader r;
    ql_layer L;
    ql_scheme sc;
    ql_dtype t;
    ql_qparams p;
    float *v;
    size_t n, rows;
    for (int pass = 0; pass < 3 && size > 0; pass++) {
        FILE *f = fmemopen((void *)data, size, "r");
        if (!f)
            return 0;
        ql_reader_init(&r, f, "fuzz");
        if (pass == 0)
            while (ql_read_layer(&r, &L) > 0) {
                run_all(&L);
                ql_layer_free(&L);
            }
        else if (pass == 1)
            while (ql_read_observation_rows(&r, &sc, &rows, &v, &n) > 0) {
                ql_qparams *pc = rows ? malloc(rows * sizeof *pc) : NULL;
                if (pc)
                    ql_observe_rows(sc, v, rows, n / rows, pc);
                else
                    ql_observe(sc, v, n);
                free(pc);
                free(v);
            }
        else
            while (ql_read_quantize(&r, &t, &p, &v, &n) > 0) {
                for (size_t i = 0; i < n; i++)
                    ql_quantize(v[i], p, t);
                free(v);
            }
        fclose(f);
    }
    return 0;
}
