#include <qlinear.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    const ql_engine *e = ql_find_engine(argc > 1 ? argv[1] : "qnnpack");
    ql_reader r;
    ql_layer L;
    int t;
    if (!e)
        return 2;
    ql_reader_init(&r, stdin, "<stdin>");
    while ((t = ql_read_layer(&r, &L)) > 0) {
        uint8_t *y = malloc(L.m * L.n);
        if (!y || (e->refuses && e->refuses(&L)))
            return 2;
        e->run(&L, y);
        for (size_t i = 0; i < L.m * L.n; i++)
            printf(i ? " %d" : "%d", y[i]);
        putchar('\n');
        free(y);
        ql_layer_free(&L);
    }
    if (t < 0)
        fprintf(stderr, "example: %s\n", r.err);
    return t < 0 ? 2 : 0;
}
