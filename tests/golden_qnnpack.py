#!/usr/bin/env python3
"""Ground truth for qlinear: run real PyTorch (engine qnnpack) on random layers.

Writes a layer file in the format of `qlinear eval` and, beside it, one line of
expected outputs per layer, exactly as torch.ao.nn.quantized.Linear computed
them.  Needs Debian's python3-torch; `make golden` runs it.  The seed is fixed,
so the files are reproducible; `--seed` makes a fresh corpus for crosschecks.

Usage: golden_qnnpack.py [--seed S] [--layers N] LAYERS_OUT EXPECTED_OUT
"""
import argparse
import random

import numpy as np
import torch
from torch.ao.quantization.observer import MinMaxObserver

torch.backends.quantized.engine = "qnnpack"


def observe(t, dtype):
    """Scale and zero point of t, as the forum's MinMaxObserver chooses them."""
    obs = MinMaxObserver(dtype=dtype)
    obs(t)
    scale, zp = obs.calculate_qparams()
    return float(scale), int(zp)


def run(layer):
    """The real engine's output for one layer given in integer form."""
    m, k, n, (sx, zx, x), (sw, zw, w), bias, (sy, zy) = layer
    qx = torch._make_per_tensor_quantized_tensor(
        torch.tensor(x, dtype=torch.uint8).reshape(m, k), sx, zx)
    qw = torch._make_per_tensor_quantized_tensor(
        torch.tensor(w, dtype=torch.int8).reshape(n, k), sw, zw)
    lin = torch.ao.nn.quantized.Linear(k, n, bias_=bias is not None)
    b = None if bias is None else torch.tensor(bias, dtype=torch.float32)
    lin.set_weight_bias(qw, b)
    lin.scale, lin.zero_point = sy, zy
    return lin(qx).int_repr().flatten().tolist()


def observed_layer(rng, m, k, n, with_bias):
    """Float data -> observers -> quantized layer, as the forum's script does."""
    spread = 10 ** rng.uniform(-2, 1)
    xf = torch.randn(m, k) * spread + rng.uniform(-1, 1) * spread
    wf = torch.randn(n, k) * 10 ** rng.uniform(-2, 0)
    bf = torch.randn(n) * 10 ** rng.uniform(-2, 1) if with_bias else None
    sx, zx = observe(xf, torch.quint8)
    sw, zw = observe(wf, torch.qint8)
    qx = torch.quantize_per_tensor(xf, sx, zx, torch.quint8)
    qw = torch.quantize_per_tensor(wf, sw, zw, torch.qint8)
    yf = torch.nn.functional.linear(qx.dequantize(), qw.dequantize(), bf)
    sy, zy = observe(yf, torch.quint8)
    bias = None if bf is None else bf.tolist()
    return (m, k, n, (sx, zx, qx.int_repr().flatten().tolist()),
            (sw, zw, qw.int_repr().flatten().tolist()), bias, (sy, zy))


def f32(v):
    return np.float32(v)


def qnnpack_multiplier(sx, sw, sy):
    """fl(fl(sw*sx) * fl(1/sy)), as PyTorch 1.13 feeds QNNPACK."""
    return f32(f32(f32(sw) * f32(sx)) * f32(f32(1) / f32(sy)))


def near_tie_layer(rng, want_double_to_differ):
    """A one-output layer whose fl(acc)*M lies within a few ulps of k+1/2.

    Scales and zero points are random; the accumulator is chosen from all
    reachable values by scanning, and then realised by codes."""
    while True:
        sx, sw, sy = (float(f32(10 ** rng.uniform(-4, -1))) for _ in range(3))
        zx, zw, zy = rng.randint(0, 255), rng.randint(-128, 127), rng.randint(0, 255)
        m = qnnpack_multiplier(sx, sw, sy)
        acc = np.arange(-60000, 60001, dtype=np.int64)
        v = acc.astype(np.float32) * m                      # float32 product
        tie = np.floor(v) + f32(0.5)
        near = np.abs(v - tie) <= 3 * np.spacing(np.abs(v))
        out = np.rint(v) + zy
        near &= (out > 0) & (out < 255)
        dbl = np.rint(acc * (sx * sw) / sy)                 # answer 3
        differ = dbl != np.rint(v)
        pick = np.flatnonzero(near & (differ == want_double_to_differ))
        if len(pick) == 0:
            continue
        a = int(acc[rng.choice(list(pick))])
        codes = realise(rng, a, zx, zw)
        if codes is None:
            continue
        x, w = codes
        return (1, len(x), 1, (sx, zx, x), (sw, zw, w), None, (sy, zy))


def realise(rng, a, zx, zw):
    """Codes x (uint8) and w (int8) with sum (x-zx)(w-zw) == a, or None."""
    for _ in range(2000):
        d0, e0 = rng.randint(-zx, 255 - zx), rng.randint(-128 - zw, 127 - zw)
        r = a - d0 * e0
        for d1 in range(-zx, 256 - zx):
            if d1 != 0 and r % d1 == 0 and -128 - zw <= r // d1 <= 127 - zw:
                pad = rng.randint(0, 6)                  # terms that add 0
                x = [d0 + zx, d1 + zx] + [zx] * pad
                w = [e0 + zw, r // d1 + zw] + [rng.randint(-128, 127) for _ in range(pad)]
                return x, w
    return None


FORUM = (1, 2, 2, (0.010773413814604282, 202, [0, 255]),
         (0.003769818227738142, 26, [25, 127, -128, -112]), None,
         (0.003812584327533841, 0))


def write_layer(f, layer):
    m, k, n, (sx, zx, x), (sw, zw, w), bias, (sy, zy) = layer
    f.write(f"layer {m} {k} {n}\n")
    f.write(f"input {sx!r} {zx} " + " ".join(map(str, x)) + "\n")
    f.write(f"weight {sw!r} {zw} " + " ".join(map(str, w)) + "\n")
    if bias is not None:
        f.write("bias " + " ".join(repr(v) for v in bias) + "\n")
    f.write(f"output {sy!r} {zy}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20221027)
    ap.add_argument("--layers", type=int, default=320)
    ap.add_argument("--ties", type=int, default=60)
    ap.add_argument("layers_out")
    ap.add_argument("expected_out")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    torch.manual_seed(a.seed)
    layers = [FORUM]
    for i in range(a.layers - 1):
        m, k, n = rng.randint(1, 8), rng.choice([1, 2, 3, 7, 16, 64, 200]), rng.randint(1, 24)
        layers.append(observed_layer(rng, m, k, n, with_bias=i % 2 == 1))
    for i in range(a.ties):
        layers.append(near_tie_layer(rng, want_double_to_differ=i % 2 == 0))
    with open(a.layers_out, "w") as lf, open(a.expected_out, "w") as ef:
        lf.write(f"# real PyTorch {torch.__version__}, engine qnnpack, seed {a.seed}: "
                 "the forum layer, then observer-driven random layers "
                 "(every second one with a float bias), then near-tie "
                 "layers without bias\n")
        for layer in layers:
            write_layer(lf, layer)
            ef.write(" ".join(map(str, run(layer))) + "\n")


if __name__ == "__main__":
    main()
