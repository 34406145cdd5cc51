#!/usr/bin/env python3
"""Layer files for the engines that real libraries check (issue 11).

Writes OUT/ENGINE/{observed,ties,extremes}-layers.txt for one engine:
observer-driven layers made with real PyTorch (as tests/golden.py makes
them), near ties built for that engine's rounding, and extremes.  The
engine's driver in tests/drivers/ then writes the -expected.txt files
beside them (`make golden`, `make crosscheck`).

Usage: engines.py [--seed S] ENGINE OUT_DIR
"""
import argparse
import math
import os
import random
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden import (FORUM, f32, layer_for_acc, near_tie_layer,  # noqa: E402
                    observed_layer, random_shape, write_layer)
from golden import extreme_layer as golden_extreme_layer  # noqa: E402

# ------------------------------------------------- each engine's scaled value

def fp32_divide(sx, sw, sy):
    """fl(fl(sx*sw)/sy): XNNPACK's and ONNX Runtime's multiplier
    (FBGEMM's order)."""
    return f32(f32(f32(sx) * f32(sw)) / f32(sy))


def tflite_multiplier(m):
    """TFLite's QuantizeMultiplier: (q31, exponent) with M = q31 2^(e-31)."""
    if m == 0:
        return 0, 0
    q, e = math.frexp(m)
    q = int(math.floor(q * 2 ** 31 + 0.5))      # std::round, q > 0
    if q == 2 ** 31:
        q, e = q // 2, e + 1
    return (0, 0) if e < -31 else (q, e)


def gemmlowp_scaled(acc, q, e):
    """RoundingDivideByPOT(SRDHM(acc << e, q), -e) for e <= 0 (numpy)."""
    ab = acc * q
    nudge = np.where(ab >= 0, 2 ** 30, 1 - 2 ** 30)
    t = ab + nudge
    high = np.where(t >= 0, t >> 31, -((-t) >> 31))      # C's truncation
    s = -e
    mask = (1 << s) - 1
    threshold = (mask >> 1) + (high < 0)
    return (high >> s) + ((high & mask) > threshold), ab, high


def gemmlowp_tie(rng, kind):
    """A one-output layer at a tie of SRDHM (kind 0), of RoundingDivideByPOT
    (kind 1), or where the two roundings differ from one (kind 2)."""
    while True:
        if kind == 0:       # dyadic scales: q31 has many trailing zeros
            sx, sw = (float(rng.randrange(1, 256, 2) * 2.0 ** rng.randint(-14, -6))
                      for _ in range(2))
            sy = 2.0 ** rng.randint(-12, -2)
        else:
            sx, sw, sy = (float(f32(10 ** rng.uniform(-4, -1))) for _ in range(3))
        zx, zw, zy = rng.randint(0, 255), rng.randint(-128, 127), rng.randint(0, 255)
        q, e = tflite_multiplier(sx * sw / sy)
        if e > 0 or q == 0 or (kind == 1 and e == 0):
            continue
        acc = np.arange(-60000, 60001, dtype=np.int64)
        out, ab, high = gemmlowp_scaled(acc, q, e)
        ok = (out + zy > 0) & (out + zy < 255)
        if kind == 0:
            pick = ok & (ab % 2 ** 31 == 2 ** 30)
        elif kind == 1:
            pick = ok & (high % (1 << -e) == (1 << (-e - 1)))
        else:
            exact = acc * q / 2.0 ** (31 - e)           # one rounding, half up
            pick = ok & (np.floor(exact + 0.5) != out)
        pick = np.flatnonzero(pick)
        if len(pick) == 0:
            continue
        layer = layer_for_acc(rng, int(acc[rng.choice(list(pick))]),
                              (sx, sw, sy), (zx, zw, zy))
        if layer is not None:
            return layer


def overflow_layer(rng, i):
    """All activations 255 and rows of equal weights: past 2^31 once scaled
    (or shifted), in 1x1 and in wider layers."""
    k = rng.choice([1024, 4096])
    m, n = (1, rng.randint(1, 2)) if i % 2 else (rng.randint(1, 6), rng.randint(1, 9))
    w = [v for _ in range(n) for v in [rng.choice([127, -128])] * k]
    sy = float(f32(10 ** rng.uniform(-2.3, -1)))
    return (m, k, n, (1.0, 0, [255] * (m * k)), (1.0, 0, w), None,
            (sy, rng.randint(0, 255)))


def limit_layer(rng, limits):
    """A multiplier at one of the engine's limits, a factor of 2 either
    side, or one float32 step away."""
    sx, sw = (float(f32(10 ** rng.uniform(-3, 0))) for _ in range(2))
    target = rng.choice(limits) * 2.0 ** rng.choice([-1, 0, 0, 1])
    sy = f32(sx * sw / target)
    sy = float(np.nextafter(sy, f32(rng.choice([0, 1])) * f32(1e30)))
    k, m, n = rng.choice([1, 3]), 1, rng.randint(1, 3)
    x = [rng.randint(0, 255) for _ in range(m * k)]
    w = [rng.randint(-128, 127) for _ in range(n * k)]
    return (m, k, n, (sx, rng.randint(0, 255), x), (sw, rng.randint(-128, 127), w),
            None, (sy, rng.choice([0, 128, 255])))


def extreme_layer(rng, i, limits):
    """golden.py's extremes (zero points at the ends, K up to 8192,
    constant codes), outputs that clamp, overflow, the engine's limits."""
    kind = i % 7
    if kind == 2:
        return overflow_layer(rng, i)
    if kind == 3:
        return limit_layer(rng, limits)
    layer = golden_extreme_layer(rng, 4 if kind == 4 else 0)
    if kind == 1:                       # most outputs clamp: small S_y
        sx, sw = layer[3][0], layer[4][0]
        layer = layer[:6] + ((float(f32(sx * sw * 10 ** rng.uniform(-2, -0.5))),
                              layer[6][1]),)
    return layer


# ------------------------------------------------------------ engines' corpora

def corpora(engine, rng):
    """{name: (note, layers)} for one engine."""
    observed = [FORUM] + [observed_layer(rng, *random_shape(rng), i % 8 == 7)
                          for i in range(240)]
    if engine == "xnnpack":
        ties = [near_tie_layer(rng, i % 2 == 0, fp32_divide) for i in range(300)]
        limits = (2.0 ** -32, 256.0)
    elif engine == "onnxruntime":
        ties = [near_tie_layer(rng, i % 2 == 0, fp32_divide) for i in range(300)]
        limits = (2.0 ** -40, 2.0 ** 24)
    elif engine == "gemmlowp":
        ties = [gemmlowp_tie(rng, i % 3) for i in range(300)]
        limits = (2.0 ** -32, 2.0 ** 30)
    else:
        raise SystemExit(f"engines.py: no corpora for engine {engine}")
    extremes = [extreme_layer(rng, i, limits) for i in range(140)]
    return {
        "observed": ("the forum layer, then MinMaxObserver-driven layers "
                     "(one in eight with a float bias)", observed),
        "ties": (f"layers whose scaled value for {engine} lies within a "
                 "few ulps of (or exactly on) a tie", ties),
        "extremes": ("zero points at the ends, K up to 8192, clamping, "
                     "results past 2^31, multipliers at the engine's "
                     "limits", extremes),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("engine")
    ap.add_argument("out")
    a = ap.parse_args()
    rng = random.Random(f"{a.engine}-{a.seed}")
    torch.manual_seed(a.seed)
    os.makedirs(os.path.join(a.out, a.engine), exist_ok=True)
    for name, (note, layers) in corpora(a.engine, rng).items():
        path = os.path.join(a.out, a.engine, name + "-layers.txt")
        with open(path, "w") as f:
            f.write(f"# {a.engine}/{name}, seed {a.seed}: {note}\n")
            for layer in layers:
                if layer[5] is not None:
                    layer = layer[:5] + ([float(f32(v)) for v in layer[5]],) + layer[6:]
                write_layer(f, layer)
    print(f"engines.py: {a.engine} layers, seed {a.seed}, in {a.out}/{a.engine}")


if __name__ == "__main__":
    main()
