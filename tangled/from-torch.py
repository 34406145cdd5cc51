#!/usr/bin/env python3
"""from-torch.py: the quantized Linear layers of a PyTorch model, with
the inputs they see, as a qlinear layer file.  Tangled from qlinear.nw
(section "From PyTorch to a layer file"): edit that, not this file.

usage: from-torch.py [--engine E] [--expected FILE] MODEL INPUT [LAYERS]

MODEL   a quantized model saved with torch.save(model): a
        torch.ao.nn.quantized.Linear, or any module that calls them
INPUT   a tensor saved with torch.save: the model's input
LAYERS  the layer file to write (standard output if not given)
"""
import argparse
import sys

import torch
import torch.ao.nn.quantized as nnq
def weight_text(w):
    codes = " ".join(map(str, w.int_repr().flatten().tolist()))
    if w.qscheme() in (torch.per_tensor_affine, torch.per_tensor_symmetric):
        return f"weight {w.q_scale()!r} {w.q_zero_point()} {codes}"
    if w.q_per_channel_axis() != 0:
        sys.exit("from-torch.py: per-channel weights must be quantized "
                 "along axis 0, the output rows")
    s = " ".join(repr(float(v)) for v in w.q_per_channel_scales().tolist())
    z = " ".join(str(int(v)) for v in w.q_per_channel_zero_points().tolist())
    return f"weight per-channel {s}  {z}  {codes}"
def layer_text(lin, qx):
    w = lin.weight()
    n, k = w.shape
    x = qx.int_repr().reshape(-1, k)
    lines = [f"layer {x.shape[0]} {k} {n}",
             f"input {qx.q_scale()!r} {qx.q_zero_point()} "
             + " ".join(map(str, x.flatten().tolist())),
             weight_text(w)]
    if lin.bias() is not None:
        lines.append("bias " + " ".join(repr(float(v))
                                        for v in lin.bias().tolist()))
    lines.append(f"output {float(lin.scale)!r} {int(lin.zero_point)}")
    return "\n".join(lines) + "\n"
def check_module(m):
    if isinstance(m, nnq.Linear) and type(m) is not nnq.Linear:
        sys.exit(f"from-torch.py: {type(m).__module__}.{type(m).__name__} "
                 "is not a plain quantized Linear; qlinear has no layer "
                 "for it")
def run_and_catch(model, x):
    seen = []
    def hook(module, inputs, output):
        if inputs[0].dtype != torch.quint8:
            sys.exit("from-torch.py: a Linear's input is not quint8")
        seen.append((module, inputs[0], output))
    for m in model.modules():
        check_module(m)
    handles = [m.register_forward_hook(hook) for m in model.modules()
               if type(m) is nnq.Linear]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return seen
def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="qnnpack",
                    help="torch.backends.quantized.engine (default qnnpack)")
    ap.add_argument("--expected", metavar="FILE",
                    help="also write PyTorch's output codes, a line a layer")
    ap.add_argument("model")
    ap.add_argument("input")
    ap.add_argument("layers", nargs="?")
    a = ap.parse_args()
    torch.backends.quantized.engine = a.engine
    model = torch.load(a.model, weights_only=False)
    model.eval()
    seen = run_and_catch(model, torch.load(a.input, weights_only=False))
    if not seen:
        sys.exit("from-torch.py: the model called no quantized Linear")
    with (open(a.layers, "w") if a.layers else sys.stdout) as out:
        for lin, qx, _ in seen:
            out.write(layer_text(lin, qx))
    if a.expected:
        with open(a.expected, "w") as out:
            for _, _, qy in seen:
                out.write(" ".join(map(str, qy.int_repr().flatten().tolist()))
                          + "\n")


if __name__ == "__main__":
    main()
