#!/usr/bin/env python3
"""The PyTorch round trip (make check-torch): quantize small random models
with real PyTorch, export them with from-torch.py, and require
`qlinear eval --engine qnnpack` to reproduce PyTorch's output codes of
every layer, bit for bit.

Usage: torch-roundtrip.py QLINEAR FROM_TORCH WORKDIR
"""
import os
import random
import subprocess
import sys
import warnings

import torch
from torch.ao.quantization import (QConfig, MinMaxObserver,
                                   PerChannelMinMaxObserver, QuantStub,
                                   DeQuantStub, prepare, convert)

warnings.filterwarnings("ignore")


def qconfig(per_channel):
    """Activations as the forum's MinMaxObserver; weights per tensor or
    per channel (axis 0), affine, as QNNPACK takes them."""
    weight = (PerChannelMinMaxObserver.with_args(
                  dtype=torch.qint8, qscheme=torch.per_channel_affine)
              if per_channel else
              MinMaxObserver.with_args(dtype=torch.qint8))
    return QConfig(activation=MinMaxObserver.with_args(dtype=torch.quint8),
                   weight=weight)


def random_model(rng, per_channel, bias):
    k, h, n = rng.randint(1, 40), rng.randint(1, 40), rng.randint(1, 20)
    model = torch.nn.Sequential(
        QuantStub(), torch.nn.Linear(k, h, bias=bias), torch.nn.ReLU(),
        torch.nn.Linear(h, n, bias=bias), DeQuantStub())
    model.eval()
    model.qconfig = qconfig(per_channel)
    prepare(model, inplace=True)
    shape = (rng.randint(1, 5), rng.randint(1, 3), k)   # batched rows
    for _ in range(3):                                  # calibration
        model(torch.randn(*shape) * 10 ** rng.uniform(-2, 1))
    convert(model, inplace=True)
    return model, torch.randn(*shape) * 10 ** rng.uniform(-2, 1)


def round_trip(qlinear, from_torch, work, i, model, x):
    paths = [os.path.join(work, f"{i}-{name}") for name in
             ("model.pt", "input.pt", "layers.txt", "torch.txt")]
    torch.save(model, paths[0])
    torch.save(x, paths[1])
    subprocess.run([sys.executable, from_torch, "--expected", paths[3],
                    paths[0], paths[1], paths[2]], check=True)
    got = subprocess.run([qlinear, "eval", "--engine", "qnnpack", paths[2]],
                         check=True, capture_output=True, text=True).stdout
    want = open(paths[3]).read()
    return got.split(), want.split(), open(paths[2]).read().count("layer ")


def refused_fused(from_torch, work, rng):
    """A fused Linear+ReLU clamps at Z_y: no layer of ours, so the script
    must stop with a message that says so, not write a wrong layer."""
    model = torch.nn.Sequential(QuantStub(), torch.nn.Linear(4, 3),
                                torch.nn.ReLU(), DeQuantStub())
    model.eval()
    torch.ao.quantization.fuse_modules(model, [["1", "2"]], inplace=True)
    model.qconfig = qconfig(False)
    prepare(model, inplace=True)
    model(torch.randn(2, 4))
    convert(model, inplace=True)
    paths = [os.path.join(work, f"fused-{n}") for n in ("model.pt", "input.pt")]
    torch.save(model, paths[0])
    torch.save(torch.randn(2, 4), paths[1])
    r = subprocess.run([sys.executable, from_torch, *paths],
                       capture_output=True, text=True)
    if r.returncode == 0 or "is not a plain quantized Linear" not in r.stderr:
        sys.exit(f"torch-roundtrip: a fused LinearReLU was not refused: "
                 f"status {r.returncode}, {r.stderr.strip()}")


def main():
    qlinear, from_torch, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    torch.backends.quantized.engine = "qnnpack"
    rng = random.Random(20261128)
    torch.manual_seed(20261128)
    models = layers = outputs = bad = 0
    for i in range(16):
        model, x = random_model(rng, per_channel=i % 2 == 1, bias=i % 4 < 2)
        got, want, n = round_trip(qlinear, from_torch, work, i, model, x)
        if len(got) != len(want) or n != 2:
            sys.exit(f"torch-roundtrip: model {i}: {len(got)} outputs and "
                     f"{n} layers, want {len(want)} outputs and 2 layers")
        bad += sum(g != w for g, w in zip(got, want))
        models, layers, outputs = models + 1, layers + n, outputs + len(got)
    refused_fused(from_torch, work, rng)
    print(f"torch-roundtrip: {models} models, {layers} layers, {outputs} "
          f"outputs, {bad} differ (PyTorch {torch.__version__}, qnnpack)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
