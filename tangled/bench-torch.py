# bench-torch.py: time PyTorch's quantized linear with oneDNN and QNNPACK
# (make bench).  Tangled from qlinear.nw.
import os, sys, time
import torch
torch.set_num_threads(1)
samples = int(os.environ.get("BENCH_SAMPLES", "5"))
min_seconds = float(os.environ.get("BENCH_SAMPLE_SECONDS", "0.05"))
def time_engine(engine, m, k, n):
    torch.backends.quantized.engine = engine
    g = torch.Generator().manual_seed(2026)
    x = torch.quantize_per_tensor(torch.rand(m, k, generator=g) * 5.1 - 2.0,
                                  0.02, 100, torch.quint8)
    w = torch.quantize_per_tensor(torch.rand(n, k, generator=g) * 2.56 - 1.28,
                                  0.01, 0, torch.qint8)
    bias = torch.rand(n, generator=g) * 20 - 10
    packed = torch.ops.quantized.linear_prepack(w, bias)
    run = lambda: torch.ops.quantized.linear(x, packed, 0.3, 128)
    run()
    t0 = time.perf_counter(); run(); t = time.perf_counter() - t0
    reps = int(min_seconds / max(t, 1e-9)) + 1
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(reps):
            run()
        times.append((time.perf_counter() - t0) / reps)
    ops = 2.0 * m * k * n
    print("bench %d %d %d torch-%s %.1f" % (m, k, n, engine, ops / min(times) / 1e9))
    print("# spread %d %d %d torch-%s %.1f..%.1f" % (m, k, n, engine,
          ops / max(times) / 1e9, ops / min(times) / 1e9))
    sys.stdout.flush()
for shape in sys.argv[1:]:
    m, k, n = (int(v) for v in shape.split("x"))
    for engine in ("onednn", "qnnpack"):
        if engine in torch.backends.quantized.supported_engines:
            time_engine(engine, m, k, n)
