#!/usr/bin/env python3
"""Per-channel ground truth for qlinear, from real PyTorch (Debian's python3-torch).

Layers whose weights have one scale and zero point per output row
(torch.quantize_per_channel, axis 0), run through PyTorch's quantized
Linear with the qnnpack engine (affine weights) and the onednn engine
(symmetric weights: oneDNN needs every zero point 0), and PyTorch's
PerChannelMinMaxObserver on float matrices.  oneDNN's answer depends on
the CPU: on a CPU with AVX512-VNNI or AVX-VNNI it accumulates exactly;
with ONEDNN_MAX_CPU_ISA=AVX2 (or on an AVX2-only CPU) u8*s8 pairs
saturate in 16 bits.  The onednn answers are written once per ISA named
by --onednn (NAME:ONEDNN_MAX_CPU_ISA, as `qlinear cpu` lists those this
CPU can run), and each file name says which ISA made it.

Usage: golden-perchannel.py [--seed S] OUT_DIR
"""
import argparse
import os
import random
import subprocess
import sys
import warnings

import numpy as np
import torch
from torch.ao.quantization.observer import PerChannelMinMaxObserver

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden import log_uniform_int, random_shape  # noqa: E402

f32 = np.float32
warnings.filterwarnings("ignore", message=".*reduce_range will be deprecated.*")

# ---------------------------------------------------------------- engines

def run_layer(layer, engine):
    """The real engine's output codes for one per-channel layer."""
    torch.backends.quantized.engine = engine
    m, k, n, (sx, zx, x), (sw, zw, w), bias, (sy, zy) = layer
    qx = torch._make_per_tensor_quantized_tensor(
        torch.tensor(x, dtype=torch.uint8).reshape(m, k), sx, zx)
    qw = torch._make_per_channel_quantized_tensor(
        torch.tensor(w, dtype=torch.int8).reshape(n, k),
        torch.tensor(sw, dtype=torch.double),
        torch.tensor(zw, dtype=torch.long), 0)
    lin = torch.ao.nn.quantized.Linear(k, n, bias_=bias is not None)
    b = None if bias is None else torch.tensor(bias, dtype=torch.float32)
    lin.set_weight_bias(qw, b)
    lin.scale, lin.zero_point = sy, zy
    return lin(qx).int_repr().flatten().tolist()


def observe_rows(t, dtype, symmetric=False, reduce_range=False):
    """PerChannelMinMaxObserver along axis 0: one (scale, zp) per row."""
    scheme = (torch.per_channel_symmetric if symmetric
              else torch.per_channel_affine)
    obs = PerChannelMinMaxObserver(ch_axis=0, dtype=dtype, qscheme=scheme,
                                   reduce_range=reduce_range)
    obs(t)
    scale, zp = obs.calculate_qparams()
    return [float(s) for s in scale.tolist()], [int(z) for z in zp.tolist()]


def observe_tensor(t, dtype):
    from torch.ao.quantization.observer import MinMaxObserver
    obs = MinMaxObserver(dtype=dtype)
    obs(t)
    scale, zp = obs.calculate_qparams()
    return float(scale), int(zp)

# ---------------------------------------------------------------- layers

def observed_layer(rng, m, k, n, with_bias, symmetric):
    """Float data -> observers (per-channel weights) -> quantize -> layer.

    Rows of the weight get very different magnitudes, which is why one
    quantizes them per channel."""
    spread = 10 ** rng.uniform(-2, 1)
    xf = torch.randn(m, k) * spread + rng.uniform(-1, 1) * spread
    row_mag = torch.tensor([10 ** rng.uniform(-3, 0) for _ in range(n)])
    wf = torch.randn(n, k) * row_mag[:, None] + \
        torch.tensor([rng.uniform(-1, 1) for _ in range(n)])[:, None] \
        * row_mag[:, None] * (0 if symmetric else 1)
    bf = torch.randn(n) * 10 ** rng.uniform(-2, 1) if with_bias else None
    sx, zx = observe_tensor(xf, torch.quint8)
    sw, zw = observe_rows(wf, torch.qint8, symmetric=symmetric)
    qx = torch.quantize_per_tensor(xf, sx, zx, torch.quint8)
    qw = torch.quantize_per_channel(wf, torch.tensor(sw, dtype=torch.double),
                                    torch.tensor(zw), 0, torch.qint8)
    yf = torch.nn.functional.linear(qx.dequantize(), qw.dequantize(), bf)
    sy, zy = observe_tensor(yf, torch.quint8)
    bias = None if bf is None else bf.tolist()
    return (m, k, n, (sx, zx, qx.int_repr().flatten().tolist()),
            (sw, zw, qw.int_repr().flatten().tolist()), bias, (sy, zy))


def extreme_layer(rng, i, symmetric):
    """Per-channel zero points at the ends, tiny and huge row scales,
    clamping, saturating pairs (codes 255 and -128/127), large biases."""
    m, n = rng.randint(1, 3), rng.randint(2, 8)
    k = rng.choice([1, 2, 3, 64, 255, 300, 511, 1024])
    zx = rng.choice([0, 255, rng.randint(0, 255)])
    zw = [0 if symmetric else rng.choice([-128, 127, rng.randint(-128, 127)])
          for _ in range(n)]
    sx = float(f32(10 ** rng.uniform(-3, 0)))
    sw = [float(f32(10 ** rng.uniform(-6, 0))) for _ in range(n)]
    x = [rng.choice([0, 255, rng.randint(0, 255)]) for _ in range(m * k)]
    w = [rng.choice([-128, 127, rng.randint(-128, 127)]) for _ in range(n * k)]
    sy = float(f32(sx * max(sw) * (k ** 0.5) * 10 ** rng.uniform(0, 3)))
    zy = rng.choice([0, 128, 255, rng.randint(0, 255)])
    bias = None
    if i % 3 == 1:
        bias = [rng.choice([-1, 1]) * 10 ** rng.uniform(-3, 3)
                for _ in range(n)]
    return (m, k, n, (sx, zx, x), (sw, zw, w), bias, (sy, zy))


def near_tie_layer(rng, symmetric):
    """One output per row whose fl(acc)*M_j lies within 3 ulps of k + 1/2
    for QNNPACK's multiplier of that row (random codes tried until one
    lands there)."""
    n, k = rng.randint(2, 6), rng.randint(1, 8)
    while True:
        sx, sy = (float(f32(10 ** rng.uniform(-3, -1))) for _ in range(2))
        zx, zy = rng.randint(0, 255), rng.randint(0, 255)
        sw, zw, w = [], [], []
        x = [rng.randint(0, 255) for _ in range(k)]
        for j in range(n):
            for _ in range(4000):
                s = float(f32(10 ** rng.uniform(-4, -1)))
                z = 0 if symmetric else rng.randint(-128, 127)
                row = [rng.randint(-128, 127) for _ in range(k)]
                a = sum((xv - zx) * (wv - z) for xv, wv in zip(x, row))
                mult = f32(f32(f32(s) * f32(sx)) * f32(f32(1) / f32(sy)))
                v = f32(a) * mult
                tie = np.floor(v) + f32(0.5)
                if abs(v - tie) <= 3 * np.spacing(abs(v)) and 0 < np.rint(v) + zy < 255:
                    break
            sw.append(s); zw.append(z); w += row
        return (1, k, n, (sx, zx, x), (sw, zw, w), None, (sy, zy))

# ---------------------------------------------------------------- writing

def write_layer(f, layer):
    m, k, n, (sx, zx, x), (sw, zw, w), bias, (sy, zy) = layer
    f.write(f"layer {m} {k} {n}\n")
    f.write(f"input {sx!r} {zx} " + " ".join(map(str, x)) + "\n")
    f.write("weight per-channel " + " ".join(repr(float(f32(s))) for s in sw)
            + "  " + " ".join(map(str, zw)) + "\n  "
            + " ".join(map(str, w)) + "\n")
    if bias is not None:
        f.write("bias " + " ".join(repr(float(f32(v))) for v in bias) + "\n")
    f.write(f"output {sy!r} {zy}\n")


def as_written(layer):
    """The layer with every float as the float32 the file holds."""
    m, k, n, (sx, zx, x), (sw, zw, w), bias, (sy, zy) = layer
    sw = [float(f32(s)) for s in sw]
    if bias is not None:
        bias = [float(f32(v)) for v in bias]
    return (m, k, n, (sx, zx, x), (sw, zw, w), bias, (sy, zy))


def write_layers(out, name, layers, note):
    path = os.path.join(out, name + "-layers.txt")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as lf:
        lf.write(f"# {note}\n# written by tests/golden-perchannel.py, "
                 f"PyTorch {torch.__version__}\n")
        for layer in layers:
            write_layer(lf, layer)


def write_expected(out, name, engine, layers):
    with open(os.path.join(out, name + "-expected.txt"), "w") as ef:
        for layer in layers:
            ef.write(" ".join(map(str, run_layer(layer, engine))) + "\n")

# ---------------------------------------------------------------- observers

def observer_matrices(rng):
    """Float matrices whose rows probe every branch of _calculate_qparams."""
    yield [[0.0, 0.0], [1.0, -1.0], [-2.1787893772125244, 0.5684312582015991]]
    yield [[1e-30, 2e-30], [3e38, -3e38], [-1e-7, 1e-7], [0.5, 0.25]]
    for _ in range(150):
        rows, cols = rng.randint(1, 8), rng.randint(1, 12)
        mat = []
        for _ in range(rows):
            scale = 10 ** rng.uniform(-30, 30)
            shift = rng.choice([0.0, 1.0, -1.0]) * scale * rng.random()
            mat.append([rng.gauss(0, 1) * scale + shift for _ in range(cols)])
        yield mat


def write_observers(out, rng):
    with open(os.path.join(out, "observers-perchannel.txt"), "w") as f, \
         open(os.path.join(out, "observers-perchannel-expected.txt"),
              "w") as e:
        for mat in observer_matrices(rng):
            t = torch.tensor(mat, dtype=torch.float32)
            vals = " ".join(repr(float(x)) for x in t.flatten().tolist())
            rows, cols = t.shape
            for dtype, dname in ((torch.quint8, "quint8"),
                                 (torch.qint8, "qint8")):
                for sym in (False, True):
                    for rr in (False, True):
                        if sym and rr and dtype == torch.quint8:
                            continue    # PyTorch refuses this combination
                        words = ("symmetric " if sym else "") + \
                                ("reduce_range " if rr else "")
                        s, z = observe_rows(t, dtype, sym, rr)
                        f.write(f"per-channel {rows} {words}{dname} "
                                f"{rows * cols} {vals}\n")
                        e.write(" ".join(f"{float(f32(a))!r} {b}"
                                         for a, b in zip(s, z)) + "\n")

# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--onednn-expected", metavar="NAME",
                    help=argparse.SUPPRESS)   # internal: one ISA, in a child
    ap.add_argument("--onednn", default="", metavar="NAME:CAP ...",
                    help="oneDNN instruction sets to make answers for, as "
                    "`qlinear cpu` lists them in onednn-corpora")
    ap.add_argument("out")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    torch.manual_seed(a.seed)
    qnnpack = [observed_layer(rng, *random_shape(rng, 32), i % 2 == 1, False)
               for i in range(300)] + \
              [extreme_layer(rng, i, False) for i in range(90)] + \
              [near_tie_layer(rng, False) for _ in range(60)]
    onednn = [observed_layer(rng, *random_shape(rng, 32), i % 2 == 1, True)
              for i in range(300)] + \
             [extreme_layer(rng, i, True) for i in range(90)] + \
             [near_tie_layer(rng, True) for _ in range(60)]
    qnnpack = [as_written(l) for l in qnnpack]
    onednn = [as_written(l) for l in onednn]
    if a.onednn_expected:       # the child: oneDNN under one ISA only
        write_expected(a.out, a.onednn_expected, "onednn", onednn)
        return
    note = (f"seed {a.seed}: per-channel weights; observer-driven layers "
            "(every second with a bias), then extremes (zero points at the "
            "ends, row scales from 1e-6 to 1, saturating pairs, clamping, "
            "large biases), then near-ties of each row's multiplier")
    write_layers(a.out, "qnnpack/perchannel", qnnpack, note)
    write_expected(a.out, "qnnpack/perchannel", "qnnpack", qnnpack)
    write_layers(a.out, "onednn/perchannel", onednn,
                 note + "; symmetric weights, as oneDNN requires")
    # oneDNN reads ONEDNN_MAX_CPU_ISA once, when it starts: one child
    # process per ISA.
    for isa in a.onednn.split():
        name, cap = isa.split(":")
        env = dict(os.environ, ONEDNN_MAX_CPU_ISA=cap)
        env.pop("DNNL_MAX_CPU_ISA", None)
        subprocess.run([sys.executable, __file__, "--seed", str(a.seed),
                        "--onednn-expected", f"onednn/perchannel-{name}",
                        a.out], env=env, check=True)
    write_observers(a.out, rng)
    print(f"golden-perchannel.py: seed {a.seed}, corpora written to {a.out}")


if __name__ == "__main__":
    main()
