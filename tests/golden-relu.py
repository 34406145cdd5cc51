#!/usr/bin/env python3
"""Fused Linear+ReLU ground truth for qlinear, from real PyTorch (Debian's python3-torch).

The layers of tests/golden-perchannel.py's kinds (observer-driven, extremes,
near ties; per-channel weights), run through PyTorch's fused quantized
LinearReLU (torch.nn.intrinsic.quantized.LinearReLU in 1.13, which calls
quantized::linear_relu) with the qnnpack engine (affine weights) and the
onednn engine (symmetric weights).  Each layer file marks every layer
`output relu`.  oneDNN's answers are written once per instruction set
named by --onednn (NAME:ONEDNN_MAX_CPU_ISA, as `qlinear cpu` lists those
this CPU can run); each file name says which ISA made it.

Usage: golden-relu.py [--seed S] [--onednn "NAME:CAP ..."] OUT_DIR
"""
import argparse
import importlib.util
import os
import random
import subprocess
import sys

import torch
try:                                    # PyTorch 2: torch.ao.nn.intrinsic
    import torch.ao.nn.intrinsic.quantized as nniq
except ImportError:                     # PyTorch 1.13
    import torch.nn.intrinsic.quantized as nniq

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
_spec = importlib.util.spec_from_file_location(
    "golden_perchannel", os.path.join(HERE, "golden-perchannel.py"))
gp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gp)
from golden import random_shape  # noqa: E402


def run_fused(layer, engine):
    """The real engine's output codes for one layer, fused with ReLU."""
    torch.backends.quantized.engine = engine
    m, k, n, (sx, zx, x), (sw, zw, w), bias, (sy, zy) = layer
    qx = torch._make_per_tensor_quantized_tensor(
        torch.tensor(x, dtype=torch.uint8).reshape(m, k), sx, zx)
    qw = torch._make_per_channel_quantized_tensor(
        torch.tensor(w, dtype=torch.int8).reshape(n, k),
        torch.tensor(sw, dtype=torch.double),
        torch.tensor(zw, dtype=torch.long), 0)
    lin = nniq.LinearReLU(k, n, bias=bias is not None)
    b = None if bias is None else torch.tensor(bias, dtype=torch.float32)
    lin.set_weight_bias(qw, b)
    lin.scale, lin.zero_point = sy, zy
    return lin(qx).int_repr().flatten().tolist()


def write_layers(out, name, layers, note):
    path = os.path.join(out, name + "-layers.txt")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as lf:
        lf.write(f"# {note}\n# written by tests/golden-relu.py, "
                 f"PyTorch {torch.__version__}\n")
        for layer in layers:
            text = []

            class W:
                def write(self, s):
                    text.append(s)
            gp.write_layer(W(), layer)
            lf.write("".join(text).replace("\noutput ", "\noutput relu "))


def write_expected(out, name, engine, layers):
    with open(os.path.join(out, name + "-expected.txt"), "w") as ef:
        for layer in layers:
            ef.write(" ".join(map(str, run_fused(layer, engine))) + "\n")


def layers_for(rng, symmetric):
    ls = [gp.observed_layer(rng, *random_shape(rng, 32), i % 2 == 1,
                            symmetric) for i in range(120)] + \
         [gp.extreme_layer(rng, i, symmetric) for i in range(40)] + \
         [gp.near_tie_layer(rng, symmetric) for _ in range(20)]
    return [gp.as_written(layer) for layer in ls]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20261206)
    ap.add_argument("--onednn-expected", metavar="NAME",
                    help=argparse.SUPPRESS)   # internal: one ISA, in a child
    ap.add_argument("--onednn", default="", metavar="NAME:CAP ...",
                    help="oneDNN instruction sets to make answers for, as "
                    "`qlinear cpu` lists them in onednn-corpora")
    ap.add_argument("out")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    torch.manual_seed(a.seed)
    qnnpack = layers_for(rng, False)
    onednn = layers_for(rng, True)
    if a.onednn_expected:       # the child: oneDNN under one ISA only
        write_expected(a.out, a.onednn_expected, "onednn", onednn)
        return
    note = (f"seed {a.seed}: fused Linear+ReLU (LinearReLU), per-channel "
            "weights; observer-driven layers (every second with a bias), "
            "extremes, near ties")
    write_layers(a.out, "qnnpack/relu", qnnpack, note)
    write_expected(a.out, "qnnpack/relu", "qnnpack", qnnpack)
    write_layers(a.out, "onednn/relu", onednn,
                 note + "; symmetric weights, as oneDNN requires")
    for isa in a.onednn.split():
        name, cap = isa.split(":")
        env = dict(os.environ, ONEDNN_MAX_CPU_ISA=cap)
        env.pop("DNNL_MAX_CPU_ISA", None)
        subprocess.run([sys.executable, __file__, "--seed", str(a.seed),
                        "--onednn-expected", f"onednn/relu-{name}", a.out],
                       env=env, check=True)


if __name__ == "__main__":
    main()
