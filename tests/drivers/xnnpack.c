/* Ground truth for qlinear's xnnpack engine: every layer of a layer file
 * through the real XNNPACK (Debian's libxnnpack-dev, ae108ef), one line
 * of output codes per layer, or "unsupported: REASON" where XNNPACK
 * cannot run the layer.  The layer is read with qlinear's own reader;
 * the arithmetic is XNNPACK's.
 *
 * Usage: xnnpack LAYERS > EXPECTED
 *
 * XNNPACK's qu8 fully-connected operator takes uint8 weights with a
 * uint8 zero point: a qint8 weight w with zero point Zw is the same
 * layer as w + 128 with zero point Zw + 128.  Its bias is int32, in
 * accumulator units: a layer with a float bias is not one XNNPACK
 * can run as it is.
 *
 * Debian's build keeps XNNPACK's assertions: a requantization scale
 * below 2^-32 aborts the process (xnn_init_qu8_conv_minmax_fp32_*_params,
 * src/params-init.c).  So each layer runs in a child process, and a
 * child that dies is reported as the engine's refusal. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <xnnpack.h>
#include "qlinear.h"

/* NULL with the outputs in y, or why XNNPACK refused the layer. */
static const char *run_layer(const ql_layer *L, uint8_t *y)
{
    static char why[120];
    xnn_operator_t op = NULL;
    enum xnn_status st;
    uint8_t *w;
    if (L->w_channel)
        return "per-channel weights (qu8 takes one weight scale)";
    if (L->bias)
        return "bias (XNNPACK takes an int32 bias)";
    if (!(w = malloc(L->n * L->k)))
        return "out of memory";
    for (size_t i = 0; i < L->n * L->k; i++)
        w[i] = (uint8_t)(L->w[i] + 128);
    st = xnn_create_fully_connected_nc_qu8(
        L->k, L->n, L->k, L->n,
        (uint8_t)L->x_q.zero_point, L->x_q.scale,
        (uint8_t)(L->w_q.zero_point + 128), L->w_q.scale, w, NULL,
        (uint8_t)L->y_q.zero_point, L->y_q.scale, 0, 255, 0, &op);
    if (st == xnn_status_success)
        st = xnn_setup_fully_connected_nc_qu8(op, L->m, L->x, y, NULL);
    if (st == xnn_status_success)
        st = xnn_run_operator(op, NULL);
    xnn_delete_operator(op);
    free(w);
    if (st == xnn_status_success)
        return NULL;
    snprintf(why, sizeof why, "xnn_status %d%s", (int)st,
             st == xnn_status_unsupported_parameter
             ? " (unsupported parameter)" : "");
    return why;
}

/* The child writes 'y' and the outputs, or 'n' and the reason. */
static void child(const ql_layer *L, int fd)
{
    size_t n = L->m * L->n;
    uint8_t *buf = malloc(n + 1);
    const char *why = buf ? run_layer(L, buf + 1) : "out of memory";
    if (why) {
        (void)!write(fd, "n", 1);
        (void)!write(fd, why, strlen(why));
    } else {
        buf[0] = 'y';
        for (size_t done = 0; done < n + 1;) {
            ssize_t k = write(fd, buf + done, n + 1 - done);
            if (k <= 0) _exit(4);
            done += (size_t)k;
        }
    }
    _exit(0);
}

/* Run one layer in a child process; print its line. */
static void run_in_child(const ql_layer *L)
{
    size_t n = L->m * L->n, cap = n + 200, len = 0;
    uint8_t *buf = malloc(cap);
    int fd[2], status;
    if (!buf || pipe(fd) != 0) { fprintf(stderr, "xnnpack: no pipe\n"); exit(1); }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) { fprintf(stderr, "xnnpack: fork failed\n"); exit(1); }
    if (pid == 0) { close(fd[0]); child(L, fd[1]); }
    close(fd[1]);
    for (ssize_t k; len < cap && (k = read(fd[0], buf + len, cap - len)) > 0;)
        len += (size_t)k;
    close(fd[0]);
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status))
        printf("unsupported: XNNPACK aborts (signal %d)\n", WTERMSIG(status));
    else if (len >= 1 && buf[0] == 'n')
        printf("unsupported: %.*s\n", (int)(len - 1), (char *)buf + 1);
    else if (len == n + 1 && WEXITSTATUS(status) == 0)
        for (size_t i = 0; i < n; i++)
            printf(i + 1 < n ? "%d " : "%d\n", buf[i + 1]);
    else { fprintf(stderr, "xnnpack: child failed\n"); exit(1); }
    free(buf);
}

int main(int argc, char **argv)
{
    ql_reader r;
    ql_layer L;
    int t;
    FILE *in = argc == 2 ? fopen(argv[1], "r") : NULL;
    if (!in) {
        fprintf(stderr, "usage: xnnpack LAYERS (cannot open %s)\n",
                argc == 2 ? argv[1] : "-");
        return 2;
    }
    if (xnn_initialize(NULL) != xnn_status_success) {
        fprintf(stderr, "xnnpack: xnn_initialize failed\n");
        return 1;
    }
    ql_reader_init(&r, in, argv[1]);
    while ((t = ql_read_layer(&r, &L)) > 0) {
        run_in_child(&L);
        ql_layer_free(&L);
    }
    fclose(in);
    if (t < 0) {
        fprintf(stderr, "%s\n", r.err);
        return 1;
    }
    return 0;
}
