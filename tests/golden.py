#!/usr/bin/env python3
"""Ground truth for qlinear, from real PyTorch (Debian's python3-torch).

Writes every corpus the tests read into one directory: layer files in the
format of `qlinear eval` with the real engine's outputs beside them, and
observer and quantize cases with PyTorch's answers.  Seeds are fixed, so
`make golden` reproduces tests/data; `--seed` makes a fresh set for
`make crosscheck`.

Usage: golden.py [--seed S] [--onednn "NAME:CAP ..."] OUT_DIR
"""
import argparse
import os
import random
import subprocess
import sys
import warnings

import numpy as np
import torch
from torch.ao.quantization.observer import MinMaxObserver

f32 = np.float32
FLT_MAX = float(np.finfo(np.float32).max)
warnings.filterwarnings("ignore", message=".*reduce_range will be deprecated.*")

# ---------------------------------------------------------------- engines

def run_layer(layer, engine):
    """The real engine's output codes for one layer in integer form."""
    torch.backends.quantized.engine = engine
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


def observe(t, dtype, symmetric=False, reduce_range=False):
    scheme = torch.per_tensor_symmetric if symmetric else torch.per_tensor_affine
    obs = MinMaxObserver(dtype=dtype, qscheme=scheme, reduce_range=reduce_range)
    obs(t)
    scale, zp = obs.calculate_qparams()
    return float(scale), int(zp)

# ---------------------------------------------------------------- layers

FORUM = (1, 2, 2, (0.010773413814604282, 202, [0, 255]),
         (0.003769818227738142, 26, [25, 127, -128, -112]), None,
         (0.003812584327533841, 0))


def log_uniform_int(rng, lo, hi):
    return int(round(10 ** rng.uniform(np.log10(lo), np.log10(hi))))


def observed_layer(rng, m, k, n, with_bias, symmetric_weight=False):
    """Float data -> MinMaxObserver -> quantize -> layer, as the forum does."""
    spread = 10 ** rng.uniform(-2, 1)
    xf = torch.randn(m, k) * spread + rng.uniform(-1, 1) * spread
    wf = torch.randn(n, k) * 10 ** rng.uniform(-2, 0)
    bf = torch.randn(n) * 10 ** rng.uniform(-2, 1) if with_bias else None
    sx, zx = observe(xf, torch.quint8)
    sw, zw = observe(wf, torch.qint8, symmetric=symmetric_weight)
    qx = torch.quantize_per_tensor(xf, sx, zx, torch.quint8)
    qw = torch.quantize_per_tensor(wf, sw, zw, torch.qint8)
    yf = torch.nn.functional.linear(qx.dequantize(), qw.dequantize(), bf)
    sy, zy = observe(yf, torch.quint8)
    bias = None if bf is None else bf.tolist()
    return (m, k, n, (sx, zx, qx.int_repr().flatten().tolist()),
            (sw, zw, qw.int_repr().flatten().tolist()), bias, (sy, zy))


def random_shape(rng, mn=64):
    return (log_uniform_int(rng, 1, mn), log_uniform_int(rng, 1, 512),
            log_uniform_int(rng, 1, mn))


def qnnpack_multiplier(sx, sw, sy):
    """fl(fl(sw*sx) * fl(1/sy)), as PyTorch 1.13 feeds QNNPACK."""
    return f32(f32(f32(sw) * f32(sx)) * f32(f32(1) / f32(sy)))


def realise(rng, a, zx, zw):
    """Codes x (uint8) and w (int8) with sum (x-zx)(w-zw) == a, or None."""
    for _ in range(2000):
        d0, e0 = rng.randint(-zx, 255 - zx), rng.randint(-128 - zw, 127 - zw)
        r = a - d0 * e0
        for d1 in range(-zx, 256 - zx):
            if d1 != 0 and r % d1 == 0 and -128 - zw <= r // d1 <= 127 - zw:
                pad = rng.randint(0, 6)                  # terms that add 0
                x = [d0 + zx, d1 + zx] + [zx] * pad
                w = [e0 + zw, r // d1 + zw] + [rng.randint(-128, 127)
                                               for _ in range(pad)]
                return x, w
    return None


def near_tie_layer(rng, want_double_to_differ, multiplier=None):
    """A one-output layer whose fl(acc)*M lies within 3 ulps of k + 1/2,
    M made by `multiplier` (QNNPACK's unless another is given)."""
    while True:
        sx, sw, sy = (float(f32(10 ** rng.uniform(-4, -1))) for _ in range(3))
        zx, zw, zy = rng.randint(0, 255), rng.randint(-128, 127), rng.randint(0, 255)
        m = (multiplier or qnnpack_multiplier)(sx, sw, sy)
        acc = np.arange(-60000, 60001, dtype=np.int64)
        v = acc.astype(np.float32) * m
        tie = np.floor(v) + f32(0.5)
        near = np.abs(v - tie) <= 3 * np.spacing(np.abs(v))
        out = np.rint(v) + zy
        near &= (out > 0) & (out < 255)
        differ = np.rint(acc * (sx * sw) / sy) != np.rint(v)
        pick = np.flatnonzero(near & (differ == want_double_to_differ))
        if len(pick) == 0:
            continue
        layer = layer_for_acc(rng, int(acc[rng.choice(list(pick))]),
                              (sx, sw, sy), (zx, zw, zy))
        if layer is not None:
            return layer


def layer_for_acc(rng, acc, scales, zero_points):
    """A one-output layer whose accumulator is acc, or None."""
    (sx, sw, sy), (zx, zw, zy) = scales, zero_points
    codes = realise(rng, acc, zx, zw)
    if codes is None:
        return None
    x, w = codes
    return (1, len(x), 1, (sx, zx, x), (sw, zw, w), None, (sy, zy))


def extreme_layer(rng, i):
    """Zero points at the ends, long K, clamping, conversion overflow."""
    kind = i % 6
    k = rng.choice([1, 3, 255, 1024, 4096, 8192])
    m, n = (1, 1) if k > 255 else (rng.randint(1, 3), rng.randint(1, 4))
    zx, zw = rng.choice([0, 255]), rng.choice([-128, 127])
    sx, sw = (float(f32(10 ** rng.uniform(-3, 0))) for _ in range(2))
    sy, zy = float(f32(10 ** rng.uniform(-3, 1))), rng.choice([0, 128, 255])
    x = [rng.choice([0, 255, rng.randint(0, 255)]) for _ in range(m * k)]
    w = [rng.choice([-128, 127, rng.randint(-128, 127)]) for _ in range(n * k)]
    bias = None
    if kind == 1:                       # every output clamps: tiny S_y
        sy = float(f32(1e-6))
    elif kind == 2:                     # float -> int32 conversion overflows
        k, zx, zw, sx, sw = rng.choice([1, 2, 4096]), 0, 0, 1.0, 1.0
        m, n = 1, rng.randint(1, 2)
        x = [255] * (m * k)
        w = [rng.choice([127, -128]) for _ in range(n * k)]
        sy = float(f32(10 ** rng.uniform(-6, -5) if k < 8 else 10 ** rng.uniform(-4, -2)))
        zy = rng.randint(0, 255)
    elif kind == 3:                     # large biases, both signs
        bias = [rng.choice([-1, 1]) * 10 ** rng.uniform(-2, 6) for _ in range(n)]
    elif kind == 4:                     # constant codes at the zero points
        x, w = [zx] * (m * k), [zw] * (n * k)
    return (m, k, n, (sx, zx, x), (sw, zw, w), bias, (sy, zy))


def long_layer(rng, symmetric_weight):
    """Random codes with K from 257 to 2048, where oneDNN blocks K."""
    m, n = rng.randint(1, 4), rng.randint(1, 4)
    k = rng.choice([rng.randint(257, 767), rng.randint(768, 2048)])
    zx, zw = rng.randint(0, 255), 0 if symmetric_weight else rng.randint(-128, 127)
    sx, sw = (float(f32(10 ** rng.uniform(-3, -1))) for _ in range(2))
    sy = float(f32(sx * sw * k ** 0.5 * 11000 / 100))
    x = [rng.randint(0, 255) for _ in range(m * k)]
    w = [rng.randint(-127, 127) for _ in range(n * k)]
    bias = [rng.gauss(0, 1) for _ in range(n)] if rng.random() < 0.5 else None
    return (m, k, n, (sx, zx, x), (sw, zw, w), bias, (sy, 128))


def small_codes(rng, a, zx, zw):
    """Codes with sum (x-zx)(w-zw) == a for a small a, K from 1 to 4."""
    for _ in range(200):
        k = rng.randint(1, 4)
        d = [rng.randint(max(-zx, -6), min(255 - zx, 6)) for _ in range(k)]
        e = [rng.randint(max(-128 - zw, -6), min(127 - zw, 6)) for _ in range(k - 1)]
        r = a - sum(di * ei for di, ei in zip(d, e))
        if d[-1] != 0 and r % d[-1] == 0 and -128 - zw <= r // d[-1] <= 127 - zw:
            e.append(r // d[-1])
            return [di + zx for di in d], [ei + zw for ei in e]
    return None


def qnnpack_bias_tie_layer(rng):
    """A biased layer where QNNPACK's b*fl(1/s) and b/s quantize the bias
    to different integers, and M >= 1, so the output shows which."""
    while True:
        sx, sw = (float(f32(10 ** rng.uniform(-3, -1))) for _ in range(2))
        s = f32(np.float64(sw) * np.float64(sx))
        nb = rng.randint(-60, 60)
        b = f32((nb + 0.5) * float(s))
        for _ in range(rng.randint(0, 3)):
            b = np.nextafter(b, f32(rng.choice([-np.inf, np.inf])))
        if np.rint(f32(b * f32(f32(1) / s))) == np.rint(f32(b / s)):
            continue
        sy = float(f32(float(s) / rng.uniform(1, 3)))
        zx, zw, zy = rng.randint(0, 255), rng.randint(-128, 127), rng.randint(60, 190)
        codes = small_codes(rng, rng.randint(-10, 10), zx, zw)
        if codes is not None:
            x, w = codes
            return (1, len(x), 1, (sx, zx, x), (sw, zw, w), [float(b)], (sy, zy))


def onednn_out(acc, b, sx, sw, sy, zy, mutant=None):
    """Our reading of oneDNN's requantization, in float32 (numpy never fuses),
    and the two plausible misreadings a corpus must tell apart."""
    src, wei, dst = (f32(1.0 / np.float64(v)) for v in (sx, sw, sy))
    mult = f32(f32(dst / src) / wei) if mutant == "order" else f32(dst / f32(src * wei))
    d = acc.astype(np.float32)
    if b is not None:
        d = d + (f32(b) / f32(f32(sx) * f32(sw)) if mutant == "bias"
                 else f32(b) * f32(src * wei))
    d = d * mult + f32(zy)
    return np.rint(np.clip(d, f32(0), f32(255)))


def onednn_tie_layer(rng, mutant):
    """A one-output layer with symmetric weights whose output differs
    between oneDNN's float32 order and the given misreading."""
    while True:
        sx, sw, sy = (float(f32(10 ** rng.uniform(-4, -1))) for _ in range(3))
        zx, zy = rng.randint(0, 255), rng.randint(0, 255)
        b = float(f32(rng.gauss(0, 1) * sx * sw * 1000)) if mutant == "bias" \
            or rng.random() < 0.5 else None
        acc = np.arange(-60000, 60001, dtype=np.int64)
        out = onednn_out(acc, b, sx, sw, sy, zy)
        pick = np.flatnonzero((out != onednn_out(acc, b, sx, sw, sy, zy, mutant))
                              & (out > 0) & (out < 255))
        if len(pick) == 0:
            continue
        codes = realise(rng, int(acc[rng.choice(list(pick))]), zx, 0)
        if codes is not None:
            x, w = codes
            return (1, len(x), 1, (sx, zx, x), (sw, 0, w),
                    None if b is None else [b], (sy, zy))


def onednn_block_layer(rng, k):
    """Activations 255 and weight rows with two 127s side by side, placed
    around where oneDNN's AVX2 GEMM cuts a reduction of length k into
    blocks: whether the two products form one saturating int16 pair
    depends on where each block starts."""
    n = 4
    half = (k + 1) // 2
    w = []
    for _ in range(n):
        row = [0] * k
        j = min(max(rng.choice([half - 2, half - 1, half, 255, 383, 384]), 0), k - 2)
        row[j] = row[j + 1] = 127
        w += row
    sx, sw = (float(f32(10 ** rng.uniform(-3, -1))) for _ in range(2))
    sy = float(f32(sx * sw * 64770 / 200))
    return (1, k, n, (sx, 0, [255] * k), (sw, 0, w), None, (sy, 0))

# ---------------------------------------------------------------- writing

def write_layer(f, layer):
    m, k, n, (sx, zx, x), (sw, zw, w), bias, (sy, zy) = layer
    f.write(f"layer {m} {k} {n}\n")
    f.write(f"input {sx!r} {zx} " + " ".join(map(str, x)) + "\n")
    f.write(f"weight {sw!r} {zw} " + " ".join(map(str, w)) + "\n")
    if bias is not None:
        f.write("bias " + " ".join(repr(float(f32(v))) for v in bias) + "\n")
    f.write(f"output {sy!r} {zy}\n")


def write_corpus(out, name, engine, layers, note):
    os.makedirs(os.path.dirname(os.path.join(out, name)), exist_ok=True)
    with open(os.path.join(out, name + "-layers.txt"), "w") as lf, \
         open(os.path.join(out, name + "-expected.txt"), "w") as ef:
        lf.write(f"# {note}\n# real PyTorch {torch.__version__}, engine {engine}\n")
        for layer in layers:
            if layer[5] is not None:    # the bias as the float32 we write
                layer = layer[:5] + ([float(f32(v)) for v in layer[5]],) + layer[6:]
            write_layer(lf, layer)
            ef.write(" ".join(map(str, run_layer(layer, engine))) + "\n")

def read_layers(f):
    """Parse layer files as written by write_layer (comments allowed)."""
    words = [ln.split() for ln in f if ln.strip() and not ln.startswith("#")]
    layer, bias = None, None
    for w in words:
        if w[0] == "layer":
            m, k, n = map(int, w[1:4])
            bias = None
        elif w[0] == "input":
            x = (float(w[1]), int(w[2]), list(map(int, w[3:])))
        elif w[0] == "weight":
            wt = (float(w[1]), int(w[2]), list(map(int, w[3:])))
        elif w[0] == "bias":
            bias = list(map(float, w[1:]))
        elif w[0] == "output":
            yield (m, k, n, x, wt, bias, (float(w[1]), int(w[2])))


def write_onednn_corpus(out, name, layers, isas, note):
    """The layers once, then oneDNN's answers once per instruction set.

    oneDNN picks its kernel from the CPU when first used, capped by the
    environment variable ONEDNN_MAX_CPU_ISA; a fresh process per set makes
    every answer file the work of exactly the set in its name.
    """
    lp = os.path.join(out, name + "-layers.txt")
    os.makedirs(os.path.dirname(lp), exist_ok=True)
    with open(lp, "w") as lf:
        lf.write(f"# {note}\n# real PyTorch {torch.__version__}, engine "
                 "onednn; answers in one file per instruction set, "
                 f"{name}-ISA-expected.txt\n")
        for layer in layers:
            if layer[5] is not None:
                layer = layer[:5] + ([float(f32(v)) for v in layer[5]],) + layer[6:]
            write_layer(lf, layer)
    for isa in isas.split():
        nm, cap = isa.split(":")
        env = dict(os.environ, ONEDNN_MAX_CPU_ISA=cap)
        subprocess.run([sys.executable, __file__, "--run-onednn", lp,
                        os.path.join(out, f"{name}-{nm}-expected.txt")],
                       env=env, check=True)
        print(f"golden.py: {name}-{nm}-expected.txt with ONEDNN_MAX_CPU_ISA={cap}")

# ---------------------------------------------------------------- observers

def observer_vectors(rng):
    """Float vectors that probe every branch of _calculate_qparams."""
    fixed = [[0.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -3.5], [1.0, 2.0, 3.0],
             [1e-30, 2e-30], [-1e-30, 1e-30], [1e-40, -3e-41],
             [3e38, -3e38], [1e30, 2e30], [-3.4e38], [3.4e38, 1.0],
             [-2.1787893772125244, 0.5684312582015991], [1.17549435e-38],
             [0.5], [-0.5], [1e-7, -1e-7], [2.0 ** -23, 0.0]]
    for v in fixed:
        yield v
    made = 0
    while made < 400:
        n = rng.randint(1, 20)
        scale = 10 ** rng.uniform(-38, 38)
        shift = rng.choice([0.0, 0.0, 1.0, -1.0]) * scale * rng.random()
        v = [rng.gauss(0, 1) * scale + shift for _ in range(n)]
        # near 1e38 a value can round to inf in float32, which is not a
        # tensor a network has (and our reader refuses it): draw again
        if all(abs(x) <= FLT_MAX for x in v):
            made += 1
            yield v


def write_observers(out, rng):
    with open(os.path.join(out, "observers.txt"), "w") as f, \
         open(os.path.join(out, "observers-expected.txt"), "w") as e:
        for v in observer_vectors(rng):
            t = torch.tensor(v, dtype=torch.float32)
            vals = " ".join(repr(float(x)) for x in t.tolist())
            for dtype, dname in ((torch.quint8, "quint8"), (torch.qint8, "qint8")):
                for sym in (False, True):
                    for rr in (False, True):
                        if sym and rr and dtype == torch.quint8:
                            continue    # PyTorch refuses this combination
                        words = ("symmetric " if sym else "") + \
                                ("reduce_range " if rr else "")
                        s, z = observe(t, dtype, sym, rr)
                        f.write(f"{words}{dname} {len(v)} {vals}\n")
                        e.write(f"{float(f32(s))!r} {z}\n")

# ---------------------------------------------------------------- quantize

def quantize_cases(rng):
    """(dtype, scale, zp, values): ties after scaling, x/S vs x*(1/S)."""
    for _ in range(300):
        dtype = rng.choice(["quint8", "qint8"])
        s = float(f32(10 ** rng.uniform(-4, 1)))
        z = rng.randint(0, 255) if dtype == "quint8" else rng.randint(-128, 127)
        inv = f32(1) / f32(s)
        vals = []
        for _ in range(8):             # values near (k + 1/2) * S
            k = rng.randint(-300, 300)
            v = f32((k + 0.5) * s)
            for d in range(-2, 3):
                vals.append(float(np.nextafter(v, f32(np.inf)) if d > 0 else v) if d else float(v))
        cand = (np.arange(-40000, 40000, dtype=np.float32) + f32(0.5)) * f32(s)
        differ = np.rint(cand * inv) != np.rint(cand / f32(s))
        vals += [float(v) for v in cand[differ][:8]]
        vals += [rng.gauss(0, 1) * s * 100 for _ in range(8)]
        yield dtype, s, z, [float(f32(v)) for v in vals]
    yield "quint8", 1.0, 3, [1e30, 3e9, 1e19, 9e18, -1e30, 255.4, 255.5, 256.5]
    yield "qint8", 1.0, 1, [2.5, 3.5, -2.5, 0.5, 1e19, -1e19, 126.5, -129.5]


def write_quantize(out, rng):
    with open(os.path.join(out, "quantize.txt"), "w") as f, \
         open(os.path.join(out, "quantize-expected.txt"), "w") as e:
        for dtype, s, z, vals in quantize_cases(rng):
            td = torch.quint8 if dtype == "quint8" else torch.qint8
            q = torch.quantize_per_tensor(torch.tensor(vals, dtype=torch.float32),
                                          s, z, td)
            f.write(f"{dtype} {s!r} {z} {len(vals)} " +
                    " ".join(repr(v) for v in vals) + "\n")
            e.write(" ".join(map(str, q.int_repr().tolist())) + "\n")

# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20221027)
    ap.add_argument("--onednn", default="", metavar="NAME:CAP ...",
                    help="oneDNN instruction sets to make answers for, as "
                    "`qlinear cpu` lists them in onednn-corpora")
    ap.add_argument("--run-onednn", nargs=2, metavar=("LAYERS", "EXPECTED"),
                    help=argparse.SUPPRESS)
    ap.add_argument("out", nargs="?")
    a = ap.parse_args()
    if a.run_onednn:                    # the child of write_onednn_corpus
        with open(a.run_onednn[0]) as lf, open(a.run_onednn[1], "w") as ef:
            for layer in read_layers(lf):
                ef.write(" ".join(map(str, run_layer(layer, "onednn"))) + "\n")
        return
    if a.out is None:
        ap.error("OUT_DIR is required")
    rng = random.Random(a.seed)
    torch.manual_seed(a.seed)
    observed = [FORUM, observed_layer(rng, 1, 1, 1, False),
                observed_layer(rng, 64, 512, 64, True)] + \
               [observed_layer(rng, *random_shape(rng), i % 2 == 1)
                for i in range(1100)]
    write_corpus(a.out, "qnnpack/observed", "qnnpack", observed,
                 f"seed {a.seed}: the forum layer, then MinMaxObserver-driven "
                 "layers of 1x1x1 and 64x512x64, then random shapes between "
                 "them, every second with a float bias")
    ties = [near_tie_layer(rng, i % 2 == 0) for i in range(520)]
    write_corpus(a.out, "qnnpack/ties", "qnnpack", ties,
                 f"seed {a.seed}: layers whose fl(acc)*M lies within 3 ulps "
                 "of k + 1/2; half of them round differently in double")
    extremes = [extreme_layer(rng, i) for i in range(150)]
    write_corpus(a.out, "qnnpack/extremes", "qnnpack", extremes,
                 f"seed {a.seed}: zero points at the ends, K up to 8192, "
                 "clamping, int32 conversion overflow, large biases")
    onednn = [observed_layer(rng, *random_shape(rng), i % 2 == 1, True)
              for i in range(400)] + [long_layer(rng, True) for _ in range(60)]
    write_onednn_corpus(a.out, "onednn/observed", onednn, a.onednn,
                        f"seed {a.seed}: MinMaxObserver-driven layers with "
                        "symmetric weights (zero point 0), every second with "
                        "a float bias; then random layers with K from 257 to "
                        "2048")
    write_observers(a.out, rng)
    write_quantize(a.out, rng)
    biased = [qnnpack_bias_tie_layer(rng) for _ in range(200)]
    write_corpus(a.out, "qnnpack/ties-bias", "qnnpack", biased,
                 f"seed {a.seed}: biased layers whose bias QNNPACK's b*fl(1/s) "
                 "and b/s quantize to different integers, with M from 1 to 3")
    otie = [onednn_tie_layer(rng, ("order", "bias")[i % 2]) for i in range(200)]
    write_onednn_corpus(a.out, "onednn/ties", otie, a.onednn,
                        f"seed {a.seed}: layers whose output differs between "
                        "oneDNN's multiplier dst/(src*wei) and (dst/src)/wei "
                        "(odd lines) or between the bias b*(src*wei) and "
                        "b/(Sx*Sw) (even lines)")
    blocks = [onednn_block_layer(rng, k) for k in
              (254, 255, 256, 257, 258, 259, 260, 511, 513,
               763, 764, 765, 766, 767, 768, 769, 770) for _ in range(3)]
    write_onednn_corpus(a.out, "onednn/blocks", blocks, a.onednn,
                        f"seed {a.seed}: K around 256 and 768, where oneDNN's "
                        "AVX2 GEMM cuts the reduction into blocks; two "
                        "products 255*127 side by side near each cut")
    print(f"golden.py: seed {a.seed}, corpora written to {a.out}")


if __name__ == "__main__":
    main()
