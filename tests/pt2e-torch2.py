#!/usr/bin/env python3
"""PT2E on PyTorch 2.x: the forum's layer and a small MLP, quantized with
X86InductorQuantizer, run (a) as the converted reference graph in eager
mode and (b) through torch.compile; prints both beside qlinear's engines.

PyTorch 2.13 no longer ships torch.ao.quantization.quantize_pt2e or the
x86 Inductor quantizer; both live in torchao (torchao.quantization.pt2e),
which this script imports.  (b) needs a C++ compiler at run time (g++).

The answers are pinned to AVX2 on every CPU: oneDNN's kernels by
ONEDNN_MAX_CPU_ISA=AVX2 and ATen's and Inductor's vector code by
ATEN_CPU_CAPABILITY=avx2, both set before torch is imported, so the files'
name (-avx2-) is true on a CPU with VNNI too.  A CPU without AVX2 (as
`qlinear cpu` reports its flags) is refused.

Usage: pt2e-torch2.py QLINEAR WORKDIR [DATA_DIR]
"""
import os
import random
import subprocess
import sys
import warnings

os.environ["ONEDNN_MAX_CPU_ISA"] = "AVX2"      # before oneDNN first runs
os.environ["ATEN_CPU_CAPABILITY"] = "avx2"
ISA = "avx2"

import numpy as np  # noqa: E402
import torch  # noqa: E402

warnings.filterwarnings("ignore")
from torchao.quantization.pt2e.quantize_pt2e import prepare_pt2e, convert_pt2e  # noqa: E402
import torchao.quantization.pt2e.quantizer.x86_inductor_quantizer as xiq  # noqa: E402

ENGINES = ["onednn-2.13-avx2", "exact", "qnnpack"]
FORUM_Y = (0.003812584327533841, 0)     # the forum's output scale, zero point


def quantize(model, x):
    gm = torch.export.export(model, (x,)).module()
    q = xiq.X86InductorQuantizer()
    q.set_global(xiq.get_default_x86_inductor_quantization_config())
    p = prepare_pt2e(gm, q)
    p(x)
    return convert_pt2e(p)


def compiled(c, x):
    import torch._inductor.config as ic
    ic.freezing = True
    torch._dynamo.reset()
    with torch.no_grad():
        return torch.compile(c)(x)


def graph_qparams(c):
    """The converted graph's quantize nodes and per-channel weights, in order."""
    acts, weights = [], []
    for n in c.graph.nodes:
        t = str(n.target)
        if "quantize_per_tensor" in t and "dequantize" not in t:
            acts.append((float(n.args[1]), int(n.args[2])))
        if "dequantize_per_channel" in t:
            w = getattr(c, n.args[0].target) if hasattr(n.args[0], "target") else n.args[0]
            sc = getattr(c, n.args[1].target)
            zp = getattr(c, n.args[2].target)
            weights.append((w.int_repr() if w.is_quantized else w, sc, zp))
    return acts, weights


def layer_text(x_codes, sx, zx, w, sc, zp, bias, sy, zy):
    m, k = x_codes.shape
    n = w.shape[0]
    s = f"layer {m} {k} {n}\ninput {sx!r} {zx} " + " ".join(
        map(str, x_codes.flatten().tolist())) + "\n"
    s += "weight per-channel " + " ".join(repr(float(v)) for v in sc.tolist()) \
        + "  " + " ".join(str(int(v)) for v in zp.tolist()) + "\n  " \
        + " ".join(map(str, w.flatten().tolist())) + "\n"
    if bias is not None:
        s += "bias " + " ".join(repr(float(np.float32(v))) for v in bias.tolist()) + "\n"
    return s + f"output {sy!r} {zy}\n"


def ours(qlinear, work, name, text, relu_zy=None):
    path = os.path.join(work, name + "-layers.txt")
    with open(path, "w") as f:
        f.write(text)
    res = {}
    for e in ENGINES:
        out = subprocess.run([qlinear, "eval", "--engine", e, path],
                             capture_output=True, text=True)
        if out.returncode:
            res[e] = None
            continue
        v = np.array(out.stdout.split(), dtype=np.int64)
        res[e] = np.maximum(v, relu_zy) if relu_zy is not None else v
    return res


def show(title, cols):
    print(f"\n{title}")
    names = list(cols)
    n = len(next(c for c in cols.values() if c is not None))
    print("  " + " | ".join(f"{c:>17}" for c in names))
    for i in range(min(n, 8)):
        print("  " + " | ".join(
            f"{'refused':>17}" if cols[c] is None else f"{cols[c][i]:>17}"
            for c in names))
    ref = cols[names[0]]
    for c in names[1:]:
        if cols[c] is not None:
            print(f"  {c}: {int((cols[c] != ref).sum())} of {n} differ from {names[0]}")


def forum(qlinear, work):
    np.random.seed(0)
    torch.manual_seed(0)
    random.seed(0)
    model = torch.nn.Linear(2, 2, bias=False).eval()
    x = torch.randn(1, 2)
    c = quantize(model, x)
    eager = c(x)
    comp = compiled(c, x)
    (sx, zx), = graph_qparams(c)[0][:1]
    w, sc, zp = graph_qparams(c)[1][0]
    xq = torch.ops.quantized_decomposed.quantize_per_tensor(
        x, sx, zx, 0, 255, torch.uint8)
    sy, zy = FORUM_Y
    qe = torch.quantize_per_tensor(eager, sy, zy, torch.quint8).int_repr().flatten().numpy()
    qc = torch.quantize_per_tensor(comp, sy, zy, torch.quint8).int_repr().flatten().numpy()
    r = ours(qlinear, work, "pt2e-forum",
             layer_text(xq, sx, zx, w, sc, zp, None, sy, zy))
    print(f"forum layer, PT2E: x scale {sx!r} zero point {zx}, codes "
          f"{xq.flatten().tolist()}; weights per channel, scales "
          f"{[float(v) for v in sc]}, codes {w.flatten().tolist()}")
    print(f"  eager reference (float): {eager.flatten().tolist()}")
    print(f"  torch.compile (float):   {comp.flatten().tolist()}")
    print(f"  float outputs equal: {bool(torch.equal(eager, comp))}")
    show("forum layer, outputs quantized with the forum's S_y, Z_y",
         {"eager ref": qe, "compiled": qc, **r})
    return layer_text(xq, sx, zx, w, sc, zp, None, sy, zy), qe, qc


class MLP(torch.nn.Module):
    """fc1, ReLU, fc2; with probe=True fc2 is the 32x32 identity, so that
    its float output reveals the hidden codes the engine produced."""
    def __init__(self, probe=False):
        super().__init__()
        self.fc1 = torch.nn.Linear(16, 32)
        self.relu = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(32, 32 if probe else 8, bias=not probe)
        if probe:
            with torch.no_grad():
                self.fc2.weight.copy_(torch.eye(32))

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


def hidden_codes(y, sh, zh, c):
    """Hidden codes from the identity probe's float output: each output is
    (h - Z_h) * S_h * w, w the dequantized diagonal weight."""
    w, sc, zp = graph_qparams(c)[1][1]
    d = torch.diagonal(w.float() * sc.float().reshape(-1, 1))
    v = y / (sh * d)
    h = torch.round(v) + zh
    if float((v - torch.round(v)).abs().max()) > 1e-3:
        sys.exit("pt2e-torch2.py: the probe's outputs are not whole codes")
    return h.flatten().numpy().astype(np.int64)


def mlp(qlinear, work, out):
    torch.manual_seed(1)
    model = MLP().eval()
    calib = torch.randn(64, 16)
    x = torch.randn(64, 16)
    probe = MLP(probe=True).eval()
    probe.fc1.load_state_dict(model.fc1.state_dict())
    c = quantize(model, calib)
    eager = c(x)
    comp = compiled(c, x)
    cp = quantize(probe, calib)
    acts, weights = graph_qparams(c)
    (sx, zx), (sh, zh) = acts[0], acts[1]
    if graph_qparams(cp)[0][1] != (sh, zh):
        sys.exit("pt2e-torch2.py: the probe's hidden quantization differs")
    he = hidden_codes(cp(x), sh, zh, cp)
    hc = hidden_codes(compiled(cp, x), sh, zh, cp)
    w, sc, zp = weights[0]
    xq = torch.ops.quantized_decomposed.quantize_per_tensor(
        x, sx, zx, 0, 255, torch.uint8)
    text = layer_text(xq, sx, zx, w, sc, zp, model.fc1.bias.detach(), sh, zh)
    r = ours(qlinear, work, "pt2e-mlp-fc1", text, relu_zy=zh)
    print(f"\nMLP 16-32-8 (fc1, ReLU, fc2), batch 64: x scale {sx!r} zp {zx}; "
          f"hidden scale {sh!r} zp {zh}")
    print(f"  final float outputs: eager and compiled equal in "
          f"{int((eager == comp).sum())} of {eager.numel()}; largest "
          f"difference {float((eager - comp).abs().max())}")
    show("MLP fc1+ReLU: hidden codes, eager reference and compiled, beside "
         "our engines (ReLU as max(y, Z_h))",
         {"eager ref": he, "compiled": hc, **r})
    if out:
        save(out, "pt2e-mlp-fc1", text, {"eager": he, "compiled": hc}, zh)


def save(out, name, text, answers, relu_zy):
    """The layer (ReLU applied by max(y, Z_y), which our format lacks, so
    only layers whose Z_y is 0 or whose outputs are all >= Z_y are exact
    stand-ins) and each path's codes, one line for the layer."""
    d = os.path.join(out, "torch-" + ".".join(
        torch.__version__.split("+")[0].split(".")[:2]))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + "-layers.txt"), "w") as f:
        f.write(f"# PT2E (X86InductorQuantizer, torchao) on PyTorch "
                f"{torch.__version__}: tests/pt2e-torch2.py\n" + text)
    for k, v in answers.items():
        with open(os.path.join(d, f"{name}-{k}-{ISA}-expected.txt"), "w") as f:
            f.write(" ".join(map(str, v.tolist())) + "\n")


def main():
    qlinear, work = sys.argv[1:3]
    out = sys.argv[3] if len(sys.argv) > 3 else None
    flags = subprocess.run([qlinear, "cpu"], check=True, capture_output=True,
                           text=True).stdout
    if not any(ln.split()[:1] == ["flags"] and ISA in ln.split()[1:]
               for ln in flags.splitlines()):
        sys.exit(f"pt2e-torch2.py: this CPU lacks {ISA} (qlinear cpu), "
                 "to which the answers are pinned")
    os.makedirs(work, exist_ok=True)
    print(f"PyTorch {torch.__version__}, torchao "
          f"{__import__('torchao').__version__}")
    text, qe, qc = forum(qlinear, work)
    if out:
        save(out, "pt2e-forum", text, {"eager": qe, "compiled": qc}, 0)
    mlp(qlinear, work, out)


if __name__ == "__main__":
    main()
