#!/usr/bin/env python3
"""Ground truth from a second PyTorch (2.x, in the venv build/torch213).

Reads the layer corpora that golden.py and golden-perchannel.py wrote
(made with Debian's PyTorch 1.13) and runs the same layers through this
PyTorch's quantized Linear with each of its engines: qnnpack, fbgemm,
onednn and x86 (the default engine since PyTorch 2.0, which dispatches
between FBGEMM and oneDNN).  Answers go to OUT_DIR/torch-VERSION/, one
file per corpus, engine and instruction set:

    torch-2.13/qnnpack-observed-fbgemm-avx2-expected.txt

answers the layers of qnnpack/observed-layers.txt with the fbgemm engine
on AVX2.  A layer marked `output relu` runs as the fused LinearReLU; a
corpus listed as fused runs every layer so (its layer file, FBGEMM's,
carries no mark) and its name gains -relu1: fbgemm-perchannel-relu1.  Every set named by --isas (NAME:ONEDNN_MAX_CPU_ISA, as
`qlinear cpu` lists them in onednn-corpora) runs in a fresh process with
oneDNN capped by ONEDNN_MAX_CPU_ISA and FBGEMM by
FBGEMM_ENABLE_INSTRUCTIONS, so each file is the work of the set in its
name.  The x86 engine chooses between FBGEMM and oneDNN from the CPU's
own flags (cpuinfo), which no variable caps: it runs only for the first
set, the CPU's own.  oneDNN refuses weights with a zero point other
than 0, so it runs only on corpora whose weights are all symmetric.

Usage: golden-torch2.py --isas "NAME:CAP ..." DATA_DIR OUT_DIR
"""
import argparse
import os
import subprocess
import sys
import warnings

import torch

warnings.filterwarnings("ignore")

# The corpora: (layer file stem under DATA_DIR, every layer fused with
# ReLU?).  The relu corpora mark their layers themselves.
CORPORA = [
    ("qnnpack/observed", False), ("qnnpack/ties", False),
    ("qnnpack/extremes", False), ("qnnpack/ties-bias", False),
    ("qnnpack/perchannel", False),
    ("onednn/observed", False), ("onednn/ties", False),
    ("onednn/blocks", False), ("onednn/perchannel", False),
    ("fbgemm/mixed", False), ("fbgemm/observed", False),
    ("fbgemm/observed-reduce-range", False),
    ("qnnpack/relu", False), ("onednn/relu", False),
    ("fbgemm/perchannel", False), ("fbgemm/perchannel", True),
]
ENGINES = ["qnnpack", "fbgemm", "onednn", "x86"]
# FBGEMM_ENABLE_INSTRUCTIONS for each of our ISA names (FBGEMM's
# fbgemmEnvGetIsa in src/Utils.cc); FBGEMM has no AVX-VNNI kernel.
FBGEMM_ISA = {"vnni": "AVX512_E1", "avxvnni": "AVX2", "avx2": "AVX2"}


def version_dir():
    return "torch-" + ".".join(torch.__version__.split("+")[0].split(".")[:2])


def read_layers(path):
    """Layers in the format of `qlinear eval` (a stream of words, so a
    per-channel weight may continue on the next lines)."""
    with open(path) as f:
        words = [w for ln in f if not ln.lstrip().startswith("#")
                 for w in ln.split()]
    i = 0

    def take(count, conv):
        nonlocal i
        v = [conv(t) for t in words[i:i + count]]
        i += count
        return v
    while i < len(words):
        if words[i] != "layer":
            sys.exit(f"{path}: expected 'layer', found '{words[i]}'")
        i += 1
        m, k, n = take(3, int)
        L = {"m": m, "k": k, "n": n, "bias": None, "relu": False}
        while True:
            key = words[i]
            i += 1
            if key == "input":
                (sx,), (zx,) = take(1, float), take(1, int)
                L["x"] = (sx, zx, take(m * k, int))
            elif key == "weight" and words[i] == "per-channel":
                i += 1
                sw, zw = take(n, float), take(n, int)
                L["w"] = (sw, zw, take(n * k, int))
            elif key == "weight":
                (sw,), (zw,) = take(1, float), take(1, int)
                L["w"] = (sw, zw, take(n * k, int))
            elif key == "bias":
                L["bias"] = take(n, float)
            elif key == "output":
                if words[i] == "relu":      # output relu S Z: LinearReLU
                    L["relu"] = True
                    i += 1
                (sy,), (zy,) = take(1, float), take(1, int)
                L["y"] = (sy, zy)
                yield L
                break
            else:
                sys.exit(f"{path}: unknown word '{key}'")


def symmetric(layer):
    zw = layer["w"][1]
    return all(z == 0 for z in zw) if isinstance(zw, list) else zw == 0


def run_layer(layer, engine):
    """The engine's output codes for one layer."""
    torch.backends.quantized.engine = engine
    m, k, n = layer["m"], layer["k"], layer["n"]
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
    if layer["relu"]:
        lin = torch.ao.nn.intrinsic.quantized.LinearReLU(
            k, n, bias=layer["bias"] is not None)
    else:
        lin = torch.ao.nn.quantized.Linear(
            k, n, bias_=layer["bias"] is not None)
    b = layer["bias"]
    lin.set_weight_bias(qw, None if b is None else
                        torch.tensor(b, dtype=torch.float32))
    lin.scale, lin.zero_point = layer["y"]
    return lin(qx).int_repr().flatten().tolist()


def run_isa(data, out, isa, native):
    """Every corpus through every engine, in this process's ISA."""
    os.makedirs(out, exist_ok=True)
    for stem, fused in CORPORA:
        lp = os.path.join(data, stem + "-layers.txt")
        if not os.path.exists(lp):
            sys.exit(f"golden-torch2.py: {lp}: no such corpus")
        layers = list(read_layers(lp))
        if fused:
            for L in layers:
                L["relu"] = True
        sym = all(symmetric(L) for L in layers)
        for engine in ENGINES:
            if engine == "onednn" and not sym:
                continue                # oneDNN refuses affine weights
            if engine == "x86" and not native:
                continue                # dispatch follows the real CPU
            if engine not in torch.backends.quantized.supported_engines:
                sys.exit(f"golden-torch2.py: PyTorch {torch.__version__} "
                         f"has no engine {engine}")
            name = (stem.replace("/", "-") + ("-relu1" if fused else "")
                    + f"-{engine}-{isa}-expected.txt")
            with open(os.path.join(out, name), "w") as ef:
                for L in layers:
                    ef.write(" ".join(map(str, run_layer(L, engine))) + "\n")
            print(f"golden-torch2.py: {os.path.basename(out)}/{name}: "
                  f"{len(layers)} layers", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--isas", required=True, metavar="NAME:CAP ...",
                    help="instruction sets, as `qlinear cpu` lists them "
                    "in onednn-corpora; the first is the CPU's own")
    ap.add_argument("--run", nargs=2, metavar=("ISA", "NATIVE"),
                    help=argparse.SUPPRESS)
    ap.add_argument("data")
    ap.add_argument("out")
    a = ap.parse_args()
    out = os.path.join(a.out, version_dir())
    if a.run:                           # the child: one ISA
        run_isa(a.data, out, a.run[0], a.run[1] == "1")
        return
    isas = a.isas.split()
    if not isas:
        ap.error("--isas names no instruction set")
    for i, spec in enumerate(isas):
        nm, cap = spec.split(":")
        env = dict(os.environ, ONEDNN_MAX_CPU_ISA=cap,
                   FBGEMM_ENABLE_INSTRUCTIONS=FBGEMM_ISA.get(nm, "AVX2"))
        subprocess.run([sys.executable, __file__, "--isas", a.isas, "--run",
                        nm, "1" if i == 0 else "0", a.data, a.out],
                       env=env, check=True)
    with open(os.path.join(out, "versions.txt"), "w") as f:
        f.write(f"torch {torch.__version__}\n")
        for ln in torch.__config__.show().splitlines():
            if "MKL-DNN" in ln or "CPU capability" in ln:
                f.write(ln.strip().lstrip("- ") + "\n")
        f.write("engines " + " ".join(
            torch.backends.quantized.supported_engines) + "\n")
        f.write("isas " + a.isas + "\n")


if __name__ == "__main__":
    main()
