#!/usr/bin/env python3
"""The PyTorch round trip (make check-torch): quantize small random models
with real PyTorch, save them the ways users do, export them with
from-torch.py, and require `qlinear eval` with the matching engine row to
reproduce PyTorch's output codes of every layer, bit for bit.

Kinds of model, each counted on its own line:
  sequential   nn.Sequential, per-tensor and per-channel weights (qnnpack)
  script-class a model whose class lives in the user's script, run as
               __main__ and saved with torch.save; exported with --module
               (and refused with a one-line hint without it)
  torchscript  the same kind of model saved with torch.jit.save(script(...))
  fused        Linear+ReLU fused by fuse_modules (LinearReLU), on qnnpack and
               on onednn
  fbgemm-qconfig  get_default_qconfig("fbgemm"): per-channel symmetric weights,
               reduce_range activations; Debian's PyTorch has no FBGEMM, so the
               layers run on qnnpack and onednn and are checked against those
               rows (the fbgemm rows meet real FBGEMM in the Check suite)
  dynamic      quantize_dynamic (per tensor and per channel weights), eager and
               TorchScript, on qnnpack and on onednn: float outputs compared
               as the nine-digit text of their float32 (the same float32)

oneDNN's answer depends on the CPU: the row is the one `qlinear cpu` names
(onednn-engine); on a CPU it names none, the onednn models are skipped.
Under PyTorch 2 the row is onednn-2.13-avx2 where that is onednn-avx2; on a
CPU with VNNI no oneDNN 3 row is measured, and the onednn models are
skipped, saying so.

Usage: torch-roundtrip.py QLINEAR FROM_TORCH WORKDIR
"""
import os
import random
import subprocess
import sys
import textwrap
import warnings

import torch
from torch.ao.quantization import (QConfig, MinMaxObserver,
                                   PerChannelMinMaxObserver, QuantStub,
                                   DeQuantStub, prepare, convert,
                                   get_default_qconfig, fuse_modules,
                                   quantize_dynamic, default_dynamic_qconfig,
                                   per_channel_dynamic_qconfig)

warnings.filterwarnings("ignore")


def qconfig(per_channel, symmetric=False):
    """Activations as the forum's MinMaxObserver; weights per tensor or
    per channel (axis 0), affine (QNNPACK) or symmetric (oneDNN)."""
    if per_channel:
        weight = PerChannelMinMaxObserver.with_args(
            dtype=torch.qint8, qscheme=torch.per_channel_symmetric
            if symmetric else torch.per_channel_affine)
    else:
        weight = MinMaxObserver.with_args(
            dtype=torch.qint8, qscheme=torch.per_tensor_symmetric
            if symmetric else torch.per_tensor_affine)
    return QConfig(activation=MinMaxObserver.with_args(dtype=torch.quint8),
                   weight=weight)


def quantize(model, shape, rng, qc, fuse=None):
    model.eval()
    if fuse:
        fuse_modules(model, fuse, inplace=True)
    model.qconfig = qc
    prepare(model, inplace=True)
    for _ in range(3):                                  # calibration
        model(torch.randn(*shape) * 10 ** rng.uniform(-2, 1))
    convert(model, inplace=True)
    return model, torch.randn(*shape) * 10 ** rng.uniform(-2, 1)


def random_sequential(rng, per_channel, bias, qc=None):
    k, h, n = rng.randint(1, 40), rng.randint(1, 40), rng.randint(1, 20)
    model = torch.nn.Sequential(
        QuantStub(), torch.nn.Linear(k, h, bias=bias), torch.nn.ReLU(),
        torch.nn.Linear(h, n, bias=bias), DeQuantStub())
    shape = (rng.randint(1, 5), rng.randint(1, 3), k)   # batched rows
    return quantize(model, shape, rng, qc or qconfig(per_channel))


def random_fused(rng, per_channel, symmetric):
    k, h, n = rng.randint(1, 40), rng.randint(1, 40), rng.randint(1, 20)
    model = torch.nn.Sequential(
        QuantStub(), torch.nn.Linear(k, h), torch.nn.ReLU(),
        torch.nn.Linear(h, n, bias=False), torch.nn.ReLU(), DeQuantStub())
    shape = (rng.randint(1, 5), k)
    return quantize(model, shape, rng, qconfig(per_channel, symmetric),
                    fuse=[["1", "2"], ["3", "4"]])


def random_dynamic(rng, per_channel, bias):
    """Two dynamic Linear layers with a float ReLU between them."""
    k, h, n = rng.randint(1, 40), rng.randint(1, 40), rng.randint(1, 20)
    model = torch.nn.Sequential(
        torch.nn.Linear(k, h, bias=bias), torch.nn.ReLU(),
        torch.nn.Linear(h, n, bias=bias)).eval()
    qc = per_channel_dynamic_qconfig if per_channel else default_dynamic_qconfig
    model = quantize_dynamic(model, {torch.nn.Linear: qc}, dtype=torch.qint8)
    shape = (rng.randint(1, 5), rng.randint(1, 3), k)   # batched rows
    return model, torch.randn(*shape) * 10 ** rng.uniform(-3, 2)


class Checker:
    def __init__(self, qlinear, from_torch, work):
        self.qlinear, self.from_torch, self.work = qlinear, from_torch, work
        self.counts = {}
        self.bad = 0

    def export(self, tag, model_path, x, engine, extra=()):
        paths = [os.path.join(self.work, f"{tag}-{name}") for name in
                 ("input.pt", "layers.txt", "torch.txt")]
        torch.save(x, paths[0])
        subprocess.run([sys.executable, self.from_torch, "--engine", engine,
                        *extra, "--expected", paths[2], model_path, paths[0],
                        paths[1]], check=True)
        return paths[1], paths[2]

    def compare(self, kind, tag, layers, expected, row, want_layers,
                want_relu=0):
        got = subprocess.run([self.qlinear, "eval", "--engine", row, layers],
                             check=True, capture_output=True,
                             text=True).stdout.split()
        want = open(expected).read().split()
        text = open(layers).read()
        n = text.count("layer ") + text.count("dynamic ")
        relu = text.count("output relu ")
        if len(got) != len(want) or n != want_layers or relu != want_relu:
            sys.exit(f"torch-roundtrip: {tag}: {len(got)} outputs, {n} layers "
                     f"({relu} fused), want {len(want)} outputs, {want_layers}"
                     f" layers ({want_relu} fused)")
        bad = sum(g != w for g, w in zip(got, want))
        c = self.counts.setdefault((kind, row), [0, 0, 0, 0])
        c[0] += 1
        c[1] += n
        c[2] += len(got)
        c[3] += bad
        self.bad += bad

    def refused(self, tag, model_path, x, words, extra=()):
        inp = os.path.join(self.work, f"{tag}-input.pt")
        torch.save(x, inp)
        r = subprocess.run([sys.executable, self.from_torch, *extra,
                            model_path, inp], capture_output=True, text=True)
        # PyTorch 2 adds its own deprecation warnings; the script's
        # message is the one line that names it.
        lines = [line for line in r.stderr.splitlines()
                 if line.startswith("from-torch.py:")]
        if r.returncode == 0 or len(lines) != 1 or words not in lines[0]:
            sys.exit(f"torch-roundtrip: {tag}: not refused with one line "
                     f"containing '{words}': status {r.returncode}, "
                     f"{r.stderr.strip()}")
        c = self.counts.setdefault((tag, "refused"), [0, 0, 0, 0])
        c[0] += 1


USER_SCRIPT = '''
    import sys
    import torch
    from torch.ao.quantization import (QuantStub, DeQuantStub, prepare,
                                       convert, get_default_qconfig,
                                       fuse_modules)


    class MLP(torch.nn.Module):
        """A model as tutorials write it: its class in the user's script."""
        def __init__(self, k, h, n):
            super().__init__()
            self.quant = QuantStub()
            self.fc1 = torch.nn.Linear(k, h)
            self.relu = torch.nn.ReLU()
            self.fc2 = torch.nn.Linear(h, n)
            self.dequant = DeQuantStub()

        def forward(self, x):
            return self.dequant(self.fc2(self.relu(self.fc1(self.quant(x)))))


    if __name__ == "__main__":
        k, h, n, seed, fuse, out, ts = sys.argv[1:8]
        torch.manual_seed(int(seed))
        torch.backends.quantized.engine = "qnnpack"
        model = MLP(int(k), int(h), int(n)).eval()
        if fuse == "1":
            fuse_modules(model, [["fc1", "relu"]], inplace=True)
        model.qconfig = get_default_qconfig("qnnpack")
        prepare(model, inplace=True)
        for _ in range(3):
            model(torch.randn(4, int(k)))
        convert(model, inplace=True)
        torch.save(model, out)
        torch.jit.save(torch.jit.script(model), ts)
'''


def user_script_models(ck, rng):
    """A class defined in a script run as __main__: torch.save pickles it as
    __main__.MLP; the same model as TorchScript."""
    script = os.path.join(ck.work, "train_mlp.py")
    with open(script, "w") as f:
        f.write(textwrap.dedent(USER_SCRIPT))
    for i in range(6):
        k, h, n = rng.randint(1, 40), rng.randint(1, 40), rng.randint(1, 20)
        fuse = i % 2
        pt = os.path.join(ck.work, f"user-{i}.pt")
        ts = os.path.join(ck.work, f"user-{i}.ts")
        subprocess.run([sys.executable, script, str(k), str(h), str(n),
                        str(1000 + i), str(fuse), pt, ts], check=True)
        x = torch.randn(rng.randint(1, 4), k) * 10 ** rng.uniform(-1, 1)
        if i == 0:
            ck.refused("script-class-without-module", pt, x, "--module")
        lay, exp = ck.export(f"user-{i}", pt, x, "qnnpack",
                             ("--module", script))
        ck.compare("script-class", f"user-{i}", lay, exp, "qnnpack", 2, fuse)
        lay_ts, exp_ts = ck.export(f"user-ts-{i}", ts, x, "qnnpack")
        ck.compare("torchscript", f"user-ts-{i}", lay_ts, exp_ts, "qnnpack",
                   2, fuse)
        if open(lay_ts).read() != open(lay).read():
            sys.exit(f"torch-roundtrip: user-{i}: the TorchScript archive "
                     "gives other layers than the pickled model")


def dynamic_models(ck, rng, onednn):
    """quantize_dynamic on each engine, eager and TorchScript."""
    for engine in ("qnnpack", "onednn"):
        if engine == "onednn" and not onednn:
            print("torch-roundtrip: no oneDNN row for this CPU; dynamic "
                  "onednn models skipped")
            continue
        if engine == "onednn" and not torch.__version__.startswith("1."):
            print(f"torch-roundtrip: PyTorch {torch.__version__}: its dynamic "
                  "oneDNN path (a later ideep on oneDNN 3) is not the 1.13 "
                  "row's; dynamic onednn models skipped")
            continue
        torch.backends.quantized.engine = engine
        row = engine if engine == "qnnpack" else onednn
        for i in range(8):
            model, x = random_dynamic(rng, i % 2 == 1, i % 4 < 2)
            tag = f"dynamic-{engine}-{i}"
            path = os.path.join(ck.work, tag + ".pt")
            torch.save(model, path)
            ck.compare("dynamic", tag, *ck.export(tag, path, x, engine), row,
                       2)
            if i < 2:
                ts = os.path.join(ck.work, tag + ".ts")
                torch.jit.save(torch.jit.script(model), ts)
                ck.compare("dynamic-torchscript", tag + "-ts",
                           *ck.export(tag + "-ts", ts, x, engine), row, 2)
    torch.backends.quantized.engine = "qnnpack"


def onednn_row(qlinear):
    out = subprocess.run([qlinear, "cpu"], check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        if line.startswith("onednn-engine "):
            row = line.split()[1]
            return None if row == "none" else row
    return None


def main():
    qlinear, from_torch, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    ck = Checker(qlinear, from_torch, work)
    onednn = onednn_row(qlinear)
    rng = random.Random(20261128)
    torch.manual_seed(20261128)
    torch.backends.quantized.engine = "qnnpack"
    for i in range(16):
        model, x = random_sequential(rng, per_channel=i % 2 == 1,
                                     bias=i % 4 < 2)
        path = os.path.join(work, f"seq-{i}.pt")
        torch.save(model, path)
        ck.compare("sequential", f"seq-{i}", *ck.export(f"seq-{i}", path, x,
                                                         "qnnpack"),
                   "qnnpack", 2)
        if i == 0:
            ts = os.path.join(work, "seq-0.ts")
            torch.jit.save(torch.jit.script(model), ts)
            ck.compare("torchscript", "seq-ts-0",
                       *ck.export("seq-ts-0", ts, x, "qnnpack"), "qnnpack", 2)
    user_script_models(ck, rng)
    for engine, symmetric in (("qnnpack", False), ("onednn", True)):
        if engine == "onednn" and not onednn:
            print("torch-roundtrip: no oneDNN row for this CPU; onednn "
                  "models skipped")
            continue
        row = engine if engine == "qnnpack" else onednn
        if engine == "onednn" and not torch.__version__.startswith("1."):
            if onednn != "onednn-avx2":     # oneDNN 3 with VNNI: no row
                print(f"torch-roundtrip: PyTorch {torch.__version__}: no "
                      f"oneDNN 3 row for this CPU ({onednn}); onednn "
                      "models skipped")
                continue
            row = "onednn-2.13-avx2"
        torch.backends.quantized.engine = engine
        for i in range(6):
            model, x = random_fused(rng, per_channel=i % 2 == 1,
                                    symmetric=symmetric)
            tag = f"fused-{engine}-{i}"
            path = os.path.join(work, tag + ".pt")
            torch.save(model, path)
            ck.compare("fused", tag, *ck.export(tag, path, x, engine), row,
                       2, 2)
            if i == 0:
                ts = os.path.join(work, tag + ".ts")
                torch.jit.save(torch.jit.script(model), ts)
                ck.compare("torchscript", tag + "-ts",
                           *ck.export(tag + "-ts", ts, x, engine), row, 2, 2)
        for i in range(6):
            model, x = random_sequential(rng, True, i % 2 == 0,
                                         get_default_qconfig("fbgemm"))
            tag = f"fbgemm-qconfig-{engine}-{i}"
            path = os.path.join(work, tag + ".pt")
            torch.save(model, path)
            ck.compare("fbgemm-qconfig", tag,
                       *ck.export(tag, path, x, engine), row, 2)
    dynamic_models(ck, rng, onednn)
    for (kind, row), (m, layers, outputs, bad) in ck.counts.items():
        if row == "refused":
            print(f"torch-roundtrip: {kind}: {m} refused with a one-line "
                  "message, as it should be")
        else:
            print(f"torch-roundtrip: {kind} ({row}): {m} models, {layers} "
                  f"layers, {outputs} outputs, {bad} differ")
    print(f"torch-roundtrip: PyTorch {torch.__version__}: "
          f"{'all outputs match' if not ck.bad else f'{ck.bad} outputs differ'}")
    sys.exit(1 if ck.bad else 0)


if __name__ == "__main__":
    main()
