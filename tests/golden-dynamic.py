#!/usr/bin/env python3
"""Dynamic quantization ground truth for qlinear, from real PyTorch (Debian's python3-torch).

Random float Linear layers are quantized with torch.ao.quantization.quantize_dynamic
(weights qint8: per tensor symmetric, per channel symmetric, and for qnnpack
also per tensor affine) and run through quantized::linear_dynamic, the op
that torch.ao.nn.quantized.dynamic.Linear calls, once with reduce_range=True
(what the module passes) and, for a third of the layers, with
reduce_range=False (what a direct call may pass).  Inputs are random floats of
sizes from 1e-7 to 1e3, all of one sign, all zero, or constant.

Layer files use the `dynamic` layer of qlinear's format; inputs and biases are
written as C99 hexadecimal floats (exact); the expected outputs are float32
bit patterns, eight hex digits each, a line per layer.  oneDNN's answers are
written once per instruction set named by --onednn (NAME:ONEDNN_MAX_CPU_ISA, as
`qlinear cpu` lists those this CPU can run); each file name says which ISA
made it.  QNNPACK's come from its x86 SSE2 kernel.

Usage: golden-dynamic.py [--seed S] [--onednn "NAME:CAP ..."] OUT_DIR
"""
import argparse
import os
import random
import struct
import subprocess
import sys
import warnings

import torch
from torch.ao.quantization import (QConfig, MinMaxObserver,
                                   PerChannelMinMaxObserver,
                                   PlaceholderObserver, quantize_dynamic)

warnings.filterwarnings("ignore")


def weight_qconfig(kind):
    if kind == "per-channel":
        w = PerChannelMinMaxObserver.with_args(
            dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
    else:
        w = MinMaxObserver.with_args(
            dtype=torch.qint8, qscheme=torch.per_tensor_affine
            if kind == "affine" else torch.per_tensor_symmetric)
    return QConfig(activation=PlaceholderObserver.with_args(
        dtype=torch.quint8, compute_dtype=torch.quint8)
        if "compute_dtype" in PlaceholderObserver.__init__.__code__.co_varnames
        else PlaceholderObserver.with_args(dtype=torch.float), weight=w)


def random_input(rng, m, k, i):
    kind = i % 10
    size = 10 ** rng.uniform(-7, 3)
    x = torch.randn(m, k) * size
    if kind == 1:
        x = x.abs()
    elif kind == 2:
        x = -x.abs()
    elif kind == 3 and i % 30 == 3:
        x = torch.zeros(m, k)
    elif kind == 4:
        x = torch.full((m, k), float(x.flatten()[0]))
    elif kind == 5:
        x = x + size * rng.uniform(-3, 3)
    return x


def make_layer(rng, i, engine):
    kinds = ["per-tensor", "per-channel"] + (["affine"] if engine == "qnnpack"
                                             else [])
    wkind = kinds[i % len(kinds)]
    n, m = rng.randint(1, 16), rng.randint(1, 5)
    if i % 10 == 9:             # oneDNN's AVX2 GEMM cuts K in blocks
        k, n, m = rng.randint(250, 700), rng.randint(1, 4), rng.randint(1, 2)
    else:
        k = rng.choice([rng.randint(1, 64), rng.randint(1, 256)])
    lin = torch.nn.Linear(k, n, bias=i % 4 < 2)
    with torch.no_grad():
        lin.weight.mul_(10 ** rng.uniform(-2, 1))
        if lin.bias is not None:
            lin.bias.mul_(10 ** rng.uniform(-3, 2))
    torch.backends.quantized.engine = engine
    q = quantize_dynamic(torch.nn.Sequential(lin),
                         {"0": weight_qconfig(wkind)}, dtype=torch.qint8)
    packed = q[0]._packed_params._packed_params
    w, b = torch.ops.quantized.linear_unpack(packed)
    if lin.bias is None:        # QNNPACK unpacks the zeros it adds itself
        b = None
    x = random_input(rng, m, k, i)
    reduce_range = i % 3 != 2
    return (m, k, n, x, w, b, reduce_range, packed)


def hex_float(v):
    """A float32 value as a short, exact C99 hexadecimal literal."""
    if v == 0:
        return "-0x0p+0" if str(v).startswith("-") else "0x0p+0"
    mant, exp = float(v).hex().split("p")
    return (mant.rstrip("0").rstrip(".") + "p" + exp)


def layer_text(layer):
    m, k, n, x, w, b, reduce_range, _ = layer
    hexes = lambda t: " ".join(hex_float(v) for v in t.flatten().tolist())
    codes = " ".join(map(str, w.int_repr().flatten().tolist()))
    if w.qscheme() in (torch.per_tensor_affine, torch.per_tensor_symmetric):
        wline = f"weight {w.q_scale()!r} {w.q_zero_point()} {codes}"
    else:
        s = " ".join(repr(float(v)) for v in w.q_per_channel_scales().tolist())
        z = " ".join(str(int(v)) for v in
                     w.q_per_channel_zero_points().tolist())
        wline = f"weight per-channel {s}  {z}  {codes}"
    lines = [f"dynamic {m} {k} {n}",
             f"input {'reduce_range ' if reduce_range else ''}{hexes(x)}",
             wline]
    if b is not None:
        lines.append("bias " + hexes(b))
    lines.append("output float")
    return "\n".join(lines) + "\n"


def outputs(layer, engine):
    torch.backends.quantized.engine = engine
    *_, x, w, b, reduce_range, packed = layer
    y = torch.ops.quantized.linear_dynamic(x, packed, reduce_range)
    return " ".join("%08x" % struct.unpack("<I", struct.pack("<f", v))[0]
                    for v in y.flatten().tolist())


def layers_for(seed, engine, count):
    rng = random.Random(f"{seed}-{engine}")
    torch.manual_seed(seed + (0 if engine == "qnnpack" else 1))
    return [make_layer(rng, i, engine) for i in range(count)]


def write(out, name, engine, layers, note, expected_only=False):
    os.makedirs(os.path.join(out, os.path.dirname(name)), exist_ok=True)
    if not expected_only:
        with open(os.path.join(out, name + "-layers.txt"), "w") as f:
            f.write(f"# {note}\n# written by tests/golden-dynamic.py, "
                    f"PyTorch {torch.__version__}\n")
            for layer in layers:
                f.write(layer_text(layer))
    return [outputs(layer, engine) for layer in layers]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--onednn-expected", metavar="NAME",
                    help=argparse.SUPPRESS)   # internal: one ISA, in a child
    ap.add_argument("--onednn", default="", metavar="NAME:CAP ...",
                    help="oneDNN instruction sets to make answers for, as "
                    "`qlinear cpu` lists them in onednn-corpora")
    ap.add_argument("out")
    a = ap.parse_args()
    note = (f"seed {a.seed}: dynamic quantization (quantize_dynamic, "
            "quantized::linear_dynamic); float inputs as hex floats; every "
            "third layer called with reduce_range=False")
    if a.onednn_expected:       # the child: oneDNN under one ISA only
        layers = layers_for(a.seed, "onednn", a.count)
        with open(os.path.join(a.out, a.onednn_expected + "-expected.txt"),
                  "w") as f:
            f.write("".join(o + "\n" for o in
                            write(a.out, "", "onednn", layers, "", True)))
        return
    layers = layers_for(a.seed, "qnnpack", a.count)
    got = write(a.out, "qnnpack/dynamic", "qnnpack", layers,
                note + "; weights per tensor symmetric, per channel, and "
                "per tensor affine")
    with open(os.path.join(a.out, "qnnpack/dynamic-expected.txt"), "w") as f:
        f.write("".join(o + "\n" for o in got))
    write(a.out, "onednn/dynamic", "onednn", layers_for(a.seed, "onednn",
                                                        a.count),
          note + "; symmetric weights, as oneDNN requires")
    for isa in a.onednn.split():
        name, cap = isa.split(":")
        env = dict(os.environ, ONEDNN_MAX_CPU_ISA=cap)
        env.pop("DNNL_MAX_CPU_ISA", None)
        subprocess.run([sys.executable, __file__, "--seed", str(a.seed),
                        "--count", str(a.count), "--onednn-expected",
                        f"onednn/dynamic-{name}", a.out],
                       env=env, check=True)


if __name__ == "__main__":
    main()
