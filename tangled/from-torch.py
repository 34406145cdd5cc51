#!/usr/bin/env python3
"""from-torch.py: the quantized Linear layers of a PyTorch model, with
the inputs they see, as a qlinear layer file.  Tangled from qlinear.nw
(section "From PyTorch to a layer file"): edit that, not this file.

usage: from-torch.py [--engine E] [--module SCRIPT] [--expected FILE]
                     MODEL INPUT [LAYERS]

MODEL   a quantized model saved with torch.save(model) (its classes
        importable, or defined in SCRIPT), or a TorchScript archive
        (torch.jit.save); its quantized Linear and LinearReLU layers,
        and its dynamic Linear layers (quantize_dynamic), are exported
INPUT   a tensor saved with torch.save: the model's input
LAYERS  the layer file to write (standard output if not given)
"""
import argparse
import importlib.util
import os
import sys
import zipfile

import torch
import torch.ao.nn.quantized as nnq
try:
    from torch.ao.nn.intrinsic.quantized import LinearReLU
except ImportError:
    from torch.nn.intrinsic.quantized import LinearReLU
from torch.ao.nn.quantized.dynamic import Linear as DynamicLinear
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
def layer_text(w, b, qx, scale, zero_point, relu):
    n, k = w.shape
    x = qx.int_repr().reshape(-1, k)
    lines = [f"layer {x.shape[0]} {k} {n}",
             f"input {qx.q_scale()!r} {qx.q_zero_point()} "
             + " ".join(map(str, x.flatten().tolist())),
             weight_text(w)]
    if b is not None:
        lines.append("bias " + " ".join(repr(float(v)) for v in b.tolist()))
    lines.append(f"output {'relu ' if relu else ''}{float(scale)!r} "
                 f"{int(zero_point)}")
    return "\n".join(lines) + "\n"
def dynamic_text(w, b, x, reduce_range):
    n, k = w.shape
    x = x.reshape(-1, k)
    lines = [f"dynamic {x.shape[0]} {k} {n}",
             f"input {'reduce_range ' if reduce_range else ''}"
             + " ".join(repr(float(v)) for v in x.flatten().tolist()),
             weight_text(w)]
    if b is not None:
        lines.append("bias " + " ".join(repr(float(v)) for v in b.tolist()))
    lines.append("output float")
    return "\n".join(lines) + "\n"
def check_module(m):
    if type(m) is DynamicLinear and m._packed_params.dtype != torch.qint8:
        sys.exit("from-torch.py: a dynamic Linear with "
                 f"{m._packed_params.dtype} weights; qlinear's dynamic layers "
                 "have qint8 weights (quantize_dynamic(..., dtype=torch.qint8))")
    if isinstance(m, nnq.Linear) and type(m) not in (nnq.Linear, LinearReLU,
                                                     DynamicLinear):
        sys.exit(f"from-torch.py: {type(m).__module__}.{type(m).__name__} "
                 "is not a quantized Linear or LinearReLU; qlinear has no "
                 "layer for it")
def run_and_catch(model, x):
    seen = []
    def hook(module, inputs, output):
        w, b = module.weight(), module.bias()
        if type(module) is DynamicLinear:
            seen.append((w, b, inputs[0], None, dynamic_reduce_range(module),
                         False, output))
            return
        if inputs[0].dtype != torch.quint8:
            sys.exit("from-torch.py: a Linear's input is not quint8")
        seen.append((w, b, inputs[0], module.scale, module.zero_point,
                     type(module) is LinearReLU, output))
    for m in model.modules():
        check_module(m)
    handles = [m.register_forward_hook(hook) for m in model.modules()
               if type(m) in (nnq.Linear, LinearReLU, DynamicLinear)]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return seen
def dynamic_reduce_range(module):
    return module.version is not None and module.version >= 4
LINEAR_OPS = {"quantized::linear": False, "quantized::linear_relu": True,
              "quantized::linear_dynamic": None,
              "quantized::linear_dynamic_fp16": None}


def run_and_catch_script(model, x):
    g = model.inlined_graph
    calls = [n for n in all_nodes(g.block()) if n.kind() in LINEAR_OPS
             and taken(model, n)]
    outs = [list(g.outputs())[0]]
    for n in calls:
        inner = n.owningBlock() != g.block()
        if inner and (LINEAR_OPS[n.kind()] is not None
                      or n.inputsAt(0).node().owningBlock() != g.block()
                      or n.inputsAt(2).toIValue() is None):
            sys.exit("from-torch.py: a quantized Linear inside a branch of the "
                     "TorchScript graph; export the eager model instead")
        outs += [n.inputsAt(0), n.output() if n.owningBlock() == g.block()
                 else n.inputsAt(0)]
    tup = g.create("prim::TupleConstruct", outs)
    g.appendNode(tup)
    tup.output().setType(torch._C.TupleType([v.type() for v in outs]))
    g.eraseOutput(0)
    g.registerOutput(tup.output())
    tap = torch._C._create_function_from_graph("from_torch_tap", g)
    with torch.no_grad():
        got = tap(model._c, x)
    seen = []
    for c, n in enumerate(calls):
        qx, qy = got[1 + 2 * c], got[2 + 2 * c]
        packed = packed_params(model, n)
        w, b = torch.ops.quantized.linear_unpack(packed)
        if LINEAR_OPS[n.kind()] is None:       # dynamic: x and y are float
            rr = bool(n.inputsAt(2).toIValue())
            qy = torch.ops.quantized.linear_dynamic(qx, packed, rr)
            seen.append((w, b, qx, None, rr, False, qy))
        else:
            seen.append((w, b, qx, qy.q_scale(), qy.q_zero_point(),
                         LINEAR_OPS[n.kind()], qy))
    return seen
def all_nodes(block):
    for n in block.nodes():
        yield n
        for b in n.blocks():
            yield from all_nodes(b)

def taken(model, call):
    """Whether the dynamic module's forward takes this call: the branch
    for qint8 weights and for the module's version (reduce_range)."""
    if LINEAR_OPS[call.kind()] is not None:
        return True
    names, node = [], call.inputsAt(1).node()
    while node.kind() == "prim::GetAttr":
        names.append(node.s("name"))
        node = node.inputsAt(0).node()
    owner = model
    for name in reversed(names[2:]):
        owner = getattr(owner, name)
    if owner._packed_params.dtype not in (torch.qint8, QINT8_CODE):
        sys.exit("from-torch.py: a dynamic Linear with float16 weights; "
                 "qlinear's dynamic layers have qint8 weights")
    if call.kind() == "quantized::linear_dynamic_fp16":
        return False
    return bool(call.inputsAt(2).toIValue()) == dynamic_reduce_range(owner)


QINT8_CODE = 12     # torch.qint8 as a TorchScript module stores it
def packed_params(model, call):
    names, node = [], call.inputsAt(1).node()
    while node.kind() == "prim::GetAttr":
        names.append(node.s("name"))
        node = node.inputsAt(0).node()
    obj = model
    for name in reversed(names):
        obj = getattr(obj, name)
    return obj
def load_model(path, module):
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            if any("/code/" in name for name in z.namelist()):
                return torch.jit.load(path), True
    if module:
        import_user_script(module)
    try:
        model = torch.load(path, weights_only=False)
    except (AttributeError, ModuleNotFoundError) as e:
        sys.exit(f"from-torch.py: {path}: {e}; if the model's class is "
                 "defined in your own script, name it with --module "
                 "SCRIPT.py, or save the model as TorchScript "
                 "(torch.jit.save(torch.jit.script(model), PATH))")
    if not isinstance(model, torch.nn.Module):
        sys.exit(f"from-torch.py: {path} holds a {type(model).__name__}, not "
                 "a model (a state_dict?): save the converted model itself "
                 "with torch.save(model, PATH), or as TorchScript")
    return model, False
def import_user_script(path):
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None:
        sys.exit(f"from-torch.py: --module {path}: not a Python file")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    spec.loader.exec_module(mod)
    main_module = sys.modules["__main__"]
    for key, value in vars(mod).items():
        if isinstance(value, type) and not hasattr(main_module, key):
            setattr(main_module, key, value)
def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="qnnpack",
                    help="torch.backends.quantized.engine (default qnnpack)")
    ap.add_argument("--module", metavar="SCRIPT",
                    help="the Python file that defines the model's classes "
                    "(imported; code under if __name__ == '__main__' "
                    "does not run)")
    ap.add_argument("--expected", metavar="FILE",
                    help="also write PyTorch's output codes, a line a layer")
    ap.add_argument("model")
    ap.add_argument("input")
    ap.add_argument("layers", nargs="?")
    a = ap.parse_args()
    torch.backends.quantized.engine = a.engine
    model, scripted = load_model(a.model, a.module)
    model.eval()
    x = torch.load(a.input, weights_only=False)
    seen = run_and_catch_script(model, x) if scripted else run_and_catch(model, x)
    if not seen:
        sys.exit("from-torch.py: the model called no quantized Linear")
    with (open(a.layers, "w") if a.layers else sys.stdout) as out:
        for w, b, qx, scale, zp, relu, _ in seen:
            out.write(dynamic_text(w, b, qx, zp) if scale is None
                      else layer_text(w, b, qx, scale, zp, relu))
    if a.expected:
        with open(a.expected, "w") as out:
            for *_, qy in seen:
                out.write(expected_text(qy) + "\n")
def expected_text(qy):
    if qy.is_quantized:
        return " ".join(map(str, qy.int_repr().flatten().tolist()))
    return " ".join(f"{v:.9g}" for v in qy.flatten().tolist())


if __name__ == "__main__":
    main()
