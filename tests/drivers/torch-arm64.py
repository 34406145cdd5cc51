#!/usr/bin/env python3
"""Ground truth from PyTorch's ARM64 build (issue 23): run layer files
through torch.ao.nn.quantized.Linear on one quantized engine, under
qemu-aarch64 with an arm64 Python (tests/drivers/golden-arm64.sh).

Usage: torch-arm64.py ENGINE LAYERS EXPECTED [LAYERS EXPECTED ...]

One process for every file: importing torch under qemu takes a minute.
Needs only torch (no numpy).  A layer the engine rejects gets the line
"unsupported: " and PyTorch's message.
"""
import os
import sys
import warnings

import torch

warnings.filterwarnings("ignore")
KEYS = {"layer", "input", "weight", "bias", "output"}


def read_layers(path):
    """The layers of a file in qlinear's format, per tensor or per channel."""
    words = []
    with open(path) as f:
        for line in f:
            words += line.split("#", 1)[0].split()
    i = 0

    def field():
        nonlocal i
        start = i
        while i < len(words) and words[i] not in KEYS:
            i += 1
        return words[start:i]

    layer = {}
    while i < len(words):
        key = words[i]
        i += 1
        v = field()
        if key == "layer":
            layer = {"shape": tuple(map(int, v)), "bias": None}
        elif key == "input":
            layer["x"] = (float(v[0]), int(v[1]), list(map(int, v[2:])))
        elif key == "weight" and v[0] == "per-channel":
            n = layer["shape"][2]
            layer["w"] = ([float(s) for s in v[1:1 + n]],
                          [int(z) for z in v[1 + n:1 + 2 * n]],
                          list(map(int, v[1 + 2 * n:])))
        elif key == "weight":
            layer["w"] = (float(v[0]), int(v[1]), list(map(int, v[2:])))
        elif key == "bias":
            layer["bias"] = [float(b) for b in v]
        elif key == "output":
            layer["y"] = (float(v[0]), int(v[1]))
            yield layer


def run(layer):
    m, k, n = layer["shape"]
    sx, zx, x = layer["x"]
    sw, zw, w = layer["w"]
    qx = torch._make_per_tensor_quantized_tensor(
        torch.tensor(x, dtype=torch.uint8).reshape(m, k), sx, zx)
    wt = torch.tensor(w, dtype=torch.int8).reshape(n, k)
    if isinstance(sw, list):
        qw = torch._make_per_channel_quantized_tensor(
            wt, torch.tensor(sw, dtype=torch.double),
            torch.tensor(zw, dtype=torch.long), 0)
    else:
        qw = torch._make_per_tensor_quantized_tensor(wt, sw, zw)
    bias = layer["bias"]
    lin = torch.ao.nn.quantized.Linear(k, n, bias_=bias is not None)
    lin.set_weight_bias(qw, None if bias is None
                        else torch.tensor(bias, dtype=torch.float32))
    lin.scale, lin.zero_point = layer["y"]
    return lin(qx).int_repr().flatten().tolist()


def main():
    if len(sys.argv) < 4 or len(sys.argv) % 2:
        sys.exit(__doc__)
    engine = sys.argv[1]
    if engine not in torch.backends.quantized.supported_engines:
        sys.exit(f"torch-arm64.py: PyTorch {torch.__version__} has no engine "
                 f"{engine} (it has {torch.backends.quantized.supported_engines})")
    torch.backends.quantized.engine = engine
    for layers, expected in zip(sys.argv[2::2], sys.argv[3::2]):
        with open(expected + ".tmp", "w") as out:
            for layer in read_layers(layers):
                try:
                    out.write(" ".join(map(str, run(layer))) + "\n")
                except RuntimeError as e:
                    why = str(e).strip().splitlines()[0]
                    out.write(f"unsupported: {why}\n")
        os.replace(expected + ".tmp", expected)
        print(f"torch-arm64.py: PyTorch {torch.__version__} {engine}: {expected}")


if __name__ == "__main__":
    main()
