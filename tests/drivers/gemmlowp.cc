// Ground truth for qlinear's gemmlowp engine: every layer of a layer file
// through the real gemmlowp (Debian's libgemmlowp-dev), one line of output
// codes per layer, or "unsupported: REASON".  The layer is read with
// qlinear's own reader; the arithmetic is gemmlowp's.
//
// Usage: gemmlowp LAYERS > EXPECTED
//
// Driven as TensorFlow Lite's uint8 FullyConnected drives it through its
// gemmlowp backend (tensorflow/lite/kernels/cpu_backend_gemm_gemmlowp.h):
// the filter is the left-hand side, the input the right-hand side, the
// offsets are minus the zero points, and the output pipeline is
// OutputStageScaleInt32ByFixedPointAndExponent then
// OutputStageSaturatingCastToUint8.  The multiplier and exponent come from
// TFLite's QuantizeMultiplier (tensorflow/lite/kernels/internal/
// quantization_util.cc) applied to double(Sx)*double(Sw)/double(Sy)
// (GetQuantizedConvolutionMultipler, tensorflow/lite/kernels/kernel_util.cc),
// written out below as TFLite writes it; gemmlowp does all the rest.
// A qint8 weight w with zero point Zw is the uint8 weight w + 128 with zero
// point Zw + 128.  A float bias has no place here (TFLite's is int32).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <tuple>
#include <vector>
#include <gemmlowp/public/gemmlowp.h>
extern "C" {
#include "qlinear.h"
}

// TFLite's QuantizeMultiplier, default (double rounding) build.
static void quantize_multiplier(double m, int32_t *qm, int *shift)
{
    if (m == 0.0) { *qm = 0; *shift = 0; return; }
    const double q = std::frexp(m, shift);
    int64_t q_fixed = static_cast<int64_t>(std::round(q * (1LL << 31)));
    if (q_fixed == (1LL << 31)) { q_fixed /= 2; ++*shift; }
    if (*shift < -31) { *shift = 0; q_fixed = 0; }
    *qm = static_cast<int32_t>(q_fixed);
}

static const char *run_layer(gemmlowp::GemmContext *ctx, const ql_layer *L,
                             uint8_t *y)
{
    // gemmlowp's per-channel stage, OutputStageScaleInt32ByFixedPoint-
    // AndExponentPC, does not compile for SSE in this gemmlowp
    // (internal/output.h calls Max on an SSE register and an int).
    if (L->w_channel)
        return "per-channel weights (gemmlowp's PC stage does not build for SSE)";
    if (L->bias)
        return "bias (TFLite's bias is int32)";
    double m = static_cast<double>(L->x_q.scale) *
               static_cast<double>(L->w_q.scale) /
               static_cast<double>(L->y_q.scale);
    int32_t qm;
    int shift;
    quantize_multiplier(m, &qm, &shift);
    if (shift > 30)     // gemmlowp's scalar ShiftLeft computes 1 << 31
        return "left shift of 31 or more";
    std::vector<uint8_t> w(L->n * L->k);
    for (size_t i = 0; i < w.size(); i++)
        w[i] = static_cast<uint8_t>(L->w[i] + 128);
    const int n = static_cast<int>(L->n), k = static_cast<int>(L->k),
              mm = static_cast<int>(L->m);
    gemmlowp::MatrixMap<const uint8_t, gemmlowp::MapOrder::RowMajor>
        lhs(w.data(), n, k);
    gemmlowp::MatrixMap<const uint8_t, gemmlowp::MapOrder::ColMajor>
        rhs(L->x, k, mm);
    gemmlowp::MatrixMap<uint8_t, gemmlowp::MapOrder::ColMajor>
        out(y, n, mm);
    gemmlowp::OutputStageScaleInt32ByFixedPointAndExponent scale;
    scale.result_fixedpoint_multiplier = qm;
    scale.result_exponent = shift;
    scale.result_offset_after_shift = L->y_q.zero_point;
    gemmlowp::OutputStageSaturatingCastToUint8 cast;
    auto pipeline = std::make_tuple(scale, cast);
    gemmlowp::GemmWithOutputPipeline<uint8_t, uint8_t,
                                     gemmlowp::DefaultL8R8BitDepthParams>(
        ctx, lhs, rhs, &out, -(L->w_q.zero_point + 128), -L->x_q.zero_point,
        pipeline);
    return nullptr;
}

int main(int argc, char **argv)
{
    FILE *in = argc == 2 ? std::fopen(argv[1], "r") : nullptr;
    if (!in) {
        std::fprintf(stderr, "usage: gemmlowp LAYERS (cannot open %s)\n",
                     argc == 2 ? argv[1] : "-");
        return 2;
    }
    gemmlowp::GemmContext ctx;
    ctx.set_max_num_threads(1);
    ql_reader r;
    ql_layer L;
    int t;
    ql_reader_init(&r, in, argv[1]);
    while ((t = ql_read_layer(&r, &L)) > 0) {
        std::vector<uint8_t> y(L.m * L.n);
        const char *why = run_layer(&ctx, &L, y.data());
        if (why)
            std::printf("unsupported: %s\n", why);
        else
            for (size_t i = 0; i < y.size(); i++)
                std::printf(i + 1 < y.size() ? "%d " : "%d\n", y[i]);
        ql_layer_free(&L);
    }
    std::fclose(in);
    if (t < 0) {
        std::fprintf(stderr, "%s\n", r.err);
        return 1;
    }
    return 0;
}
