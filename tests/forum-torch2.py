#!/usr/bin/env python3
"""The forum thread's own script, as its author ran it, on this PyTorch.

The model, the seeds, the observers (MinMaxObserver, quint8 activations,
qint8 weights, per tensor, no reduce_range) and the calibration input are
the thread's; only the eager-mode API is spelled torch.ao.quantization
(PyTorch 2.x keeps it there; `torch.quantization` was its old alias).
Prints, for each engine (fbgemm, x86, qnnpack), the layer in the format
of `qlinear eval` and PyTorch's outputs; with --out DIR --isa NAME it
writes DIR/torch-VERSION/forum-layers.txt and one answer file per engine,
forum-ENGINE-NAME-expected.txt (NAME: the CPU's instruction set, as
`qlinear cpu` names it).

With --isas "NAME:CAP ..." it runs once per instruction set in a fresh
process, oneDNN and FBGEMM capped as golden-torch2.py caps them; the x86
engine, which follows the CPU's own flags, only for the first.

Usage: forum-torch2.py [--out DIR --isas "NAME:CAP ..."]
"""
import argparse
import os
import random
import sys
import warnings

import numpy as np
import torch
from torch.ao.quantization import QConfig, QuantStub, DeQuantStub, convert, prepare
from torch.ao.quantization.observer import MinMaxObserver

warnings.filterwarnings("ignore")


class M(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = QuantStub()
        self.fc = torch.nn.Linear(2, 2, bias=False)
        self.dequant = DeQuantStub()

    def forward(self, inp):
        return self.dequant(self.fc(self.quant(inp)))


def forum(engine):
    """The thread's script with one engine: (layer text, output codes)."""
    torch.backends.quantized.engine = engine
    np.random.seed(0)
    torch.manual_seed(0)
    random.seed(0)
    model = M().eval()
    model.qconfig = QConfig(
        activation=MinMaxObserver.with_args(dtype=torch.quint8),
        weight=MinMaxObserver.with_args(dtype=torch.qint8))
    prepared = prepare(model)
    x = torch.randn(1, 2)
    prepared(x)
    q = convert(prepared)
    qx = q.quant(x)
    w = q.fc.weight()
    y = q.fc(qx)
    layer = ("layer 1 2 2\n"
             f"input {qx.q_scale()!r} {qx.q_zero_point()} "
             + " ".join(map(str, qx.int_repr().flatten().tolist())) + "\n"
             f"weight {w.q_scale()!r} {w.q_zero_point()} "
             + " ".join(map(str, w.int_repr().flatten().tolist())) + "\n"
             f"output {float(q.fc.scale)!r} {int(q.fc.zero_point)}\n")
    return layer, " ".join(map(str, y.int_repr().flatten().tolist()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out")
    ap.add_argument("--isa", help=argparse.SUPPRESS)
    ap.add_argument("--isas")
    ap.add_argument("--no-x86", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.out and a.isas:
        import subprocess
        from importlib.util import module_from_spec, spec_from_file_location
        spec = spec_from_file_location("golden_torch2", os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "golden-torch2.py"))
        g2 = module_from_spec(spec)
        spec.loader.exec_module(g2)
        for i, one in enumerate(a.isas.split()):
            nm, cap = one.split(":")
            env = dict(os.environ, ONEDNN_MAX_CPU_ISA=cap,
                       FBGEMM_ENABLE_INSTRUCTIONS=g2.FBGEMM_ISA.get(nm, "AVX2"))
            subprocess.run([sys.executable, __file__, "--out", a.out,
                            "--isa", nm] + (["--no-x86"] if i else []),
                           env=env, check=True)
        return
    engines = ["fbgemm", "qnnpack"] + ([] if a.no_x86 else ["x86"])
    runs = {e: forum(e) for e in engines}
    if len({layer for layer, _ in runs.values()}) != 1:
        sys.exit("forum-torch2.py: the engines quantized the layer differently")
    layer = runs["fbgemm"][0]
    head = f"# the forum's script, PyTorch {torch.__version__}\n"
    if not a.out:
        sys.stdout.write(head + layer)
        for e in engines:
            print(f"# {e}: {runs[e][1]}")
        return
    if not a.isa:
        ap.error("--out needs --isas")
    d = os.path.join(a.out, "torch-" + ".".join(
        torch.__version__.split("+")[0].split(".")[:2]))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "forum-layers.txt"), "w") as f:
        f.write(head + layer)
    for e in engines:
        with open(os.path.join(d, f"forum-{e}-{a.isa}-expected.txt"), "w") as f:
            f.write(runs[e][1] + "\n")
    print(f"forum-torch2.py: {d}/forum-*: " + ", ".join(
        f"{e} {runs[e][1]}" for e in engines))


if __name__ == "__main__":
    main()
