#!/bin/bash
# Ground truth from the ARM64 builds of the real libraries (issue 23),
# run on this x86 machine under qemu-user, beside the x86 answers:
# DATA_DIR/ENGINE/*-arm64-expected.txt for the layer files already in
# DATA_DIR (tests/engines.py and the FBGEMM files made them).
#
# Usage: tests/drivers/golden-arm64.sh DATA_DIR [ENGINE...]
#   DATA_DIR  tests/data, or build/crosscheck-arm64
#   ENGINE    xnnpack gemmlowp qnnpack onednn onnxruntime (default: all)
#
# XNNPACK and gemmlowp: Debian's arm64 packages, drivers cross-compiled
# from tests/drivers/.  QNNPACK and oneDNN: Debian's arm64 build of
# PyTorch has no QNNPACK, so PyTorch's own CPU wheel for aarch64 from
# PyPI (TORCH below, fetched with `pip download`, unzipped) runs under
# Debian's arm64 Python 3.11, through tests/drivers/torch-arm64.py.
# ONNX Runtime: the linux/arm64 binaries inside the npm package
# onnxruntime-node ($ORT), run by tests/drivers/onnxruntime.cjs under
# Debian's arm64 Node 18.  Its cpuinfo reads /proc/cpuinfo at load time
# and crashes on the x86 host's; qemu looks files up under its -L root
# first, so ROOT_ORT (ROOT plus an ARM /proc/cpuinfo: a Neoverse N1,
# whose features qemu's CPU has) gives it an ARM one.  The other
# libraries run without it, so that their choice of kernel is the one
# they make with no CPU model at all.
#
# Nothing is installed for arm64: the packages are fetched with
# `apt-get download` and unpacked with `dpkg-deb -x` into ROOT
# (build/arm64/root); the drivers of tests/drivers/ are cross-compiled
# against ROOT and run with `qemu-aarch64 -L ROOT`.  apt needs the
# arm64 package lists (`dpkg --add-architecture arm64`), which
# installs nothing; installing arm64 packages through apt would remove
# the x86 PyTorch.
set -euo pipefail
shopt -s extglob
data=$1; shift
engines=${*:-xnnpack gemmlowp qnnpack onednn onnxruntime}
arm=build/arm64 root=build/arm64/root
debs="libc6 libgcc-s1 libstdc++6 libxnnpack0 libxnnpack-dev libpthreadpool0
      libpthreadpool-dev libcpuinfo0 libcpuinfo-dev libgomp1
      python3.11-minimal libpython3.11-minimal libpython3.11-stdlib
      libexpat1 zlib1g libffi8 libssl3 libbz2-1.0 liblzma5 libsqlite3-0
      libuuid1 libcrypt1 libncursesw6 libtinfo6 libreadline8
      nodejs libnode108 libbrotli1 libc-ares2 libicu72 libnghttp2-14 libuv1"
alldebs="libgemmlowp-dev node-acorn node-cjs-module-lexer node-undici"
ORT=${ORT:-onnxruntime-node@1.30.0}
# The last CPU-only aarch64 wheel of PyTorch on PyPI (later ones need
# CUDA's libraries to import), and the pure-Python packages it imports.
TORCH=torch==2.5.1
pydeps="typing_extensions sympy==1.13.1 mpmath networkx filelock fsspec
        jinja2 markupsafe"
run="qemu-aarch64 -L $root"

# The root: each arm64 package (and gemmlowp's headers, which are the
# same for every architecture) unpacked once.
if [[ ! -e $root/.stamp ]]; then
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        sudo=""; [[ $(id -u) == 0 ]] || sudo=sudo
        $sudo dpkg --add-architecture arm64
        $sudo apt-get update -qq
    fi
    rm -rf "$arm/debs" "$root"; mkdir -p "$arm/debs" "$root"
    (cd "$arm/debs" && apt-get download -q $(printf '%s:arm64 ' $debs) \
        $alldebs 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
    for f in "$arm"/debs/*.deb; do dpkg-deb -x "$f" "$root"; done
    touch "$root/.stamp"
fi
if [[ " $engines " == *" "@(qnnpack|onednn)" "* && ! -e $arm/site/.stamp ]]; then
    rm -rf "$arm/pypi" "$arm/site"; mkdir -p "$arm/pypi" "$arm/site"
    pip download -q --no-deps --only-binary=:all: --python-version 3.11 \
        --platform manylinux2014_aarch64 -d "$arm/pypi" $TORCH $pydeps
    for w in "$arm"/pypi/*.whl; do unzip -q -o "$w" -d "$arm/site"; done
    touch "$arm/site/.stamp"
fi
if [[ " $engines " == *" onnxruntime "* && ! -e $arm/root-ort/.stamp ]]; then
    rm -rf "$arm/ort" "$arm/root-ort"; mkdir -p "$arm/ort" "$arm/root-ort/proc"
    npm install --silent --no-save --no-audit --no-fund --ignore-scripts \
        --prefix "$arm/ort" "$ORT"
    for d in usr lib etc; do ln -s ../root/$d "$arm/root-ort/$d"; done
    printf '%s\t: %s\n' processor 0 Features \
        'fp asimd evtstrm crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp' \
        'CPU implementer' 0x41 'CPU architecture' 8 'CPU variant' 0x3 \
        'CPU part' 0xd0c 'CPU revision' 1 > "$arm/root-ort/proc/cpuinfo"
    touch "$arm/root-ort/.stamp"
fi
for f in "$arm"/debs/*.deb; do
    dpkg-deb -W --showformat='${Package} ${Version}\n' "$f"
done > "$arm/versions.txt"
ls "$arm/pypi" 2>/dev/null >> "$arm/versions.txt" || true
echo "$ORT" >> "$arm/versions.txt"

# qlinear's reader, cross-compiled, then the drivers.
make --no-print-directory -s B=$arm/obj CC=aarch64-linux-gnu-gcc \
    $arm/obj/libqlinear.a
cflags="-O2 -Wall -Wextra -Werror -ffp-contract=off -Ibuild/src -isystem $root/usr/include"
libs="-L$root/usr/lib/aarch64-linux-gnu -Wl,-rpath-link,$root/usr/lib/aarch64-linux-gnu"
aarch64-linux-gnu-gcc -std=c11 -Wpedantic $cflags -o $arm/xnnpack \
    tests/drivers/xnnpack.c $arm/obj/libqlinear.a $libs \
    -lXNNPACK -lpthreadpool -lcpuinfo -lm
aarch64-linux-gnu-g++ -std=c++17 $cflags -o $arm/gemmlowp \
    tests/drivers/gemmlowp.cc $arm/obj/libqlinear.a -lpthread

# drive ENGINE LAYERS EXPECTED; XNNPACK's aborts are reported in the
# file as refusals, so its complaints on standard error are dropped.
drive() {
    $run "$arm/$1" "$2" 2>/dev/null > "$3.tmp" && mv "$3.tmp" "$3"
}
# torch ENGINE NAME...: the layer files ENGINE/NAME-layers.txt through
# PyTorch on ARM, in one process (importing torch takes a minute).
torch() {
    local e=$1 args=() c; shift
    for c in "$@"; do
        args+=("$data/$e/$c-layers.txt" "$data/$e/$c-arm64-expected.txt")
    done
    $run -E PYTHONPATH="$PWD/$arm/site" -E PYTHONHOME="$PWD/$root/usr" \
        "$root/usr/bin/python3.11" tests/drivers/torch-arm64.py "$e" \
        "${args[@]}" 2> >(grep -v -e 'Failed to initialize NumPy' \
                                 -e '_conversion_method_template' >&2)
}
# ort LAYERS EXPECTED: ONNX Runtime on ARM (its first line, a comment
# naming the version, is dropped as for x86).
ort() {
    qemu-aarch64 -L "$arm/root-ort" -E NODE_PATH="$PWD/$arm/ort/node_modules" \
        "$root/usr/bin/node" tests/drivers/onnxruntime.cjs "$1" \
        | grep -v '^#' > "$2.tmp" && mv "$2.tmp" "$2"
}
for e in $engines; do
    if [[ $e == onnxruntime ]]; then
        for c in observed ties extremes; do
            ort "$data/$e/$c-layers.txt" "$data/$e/$c-arm64-expected.txt"
        done
        for c in mixed observed; do
            ort "$data/fbgemm/$c-layers.txt" "$data/$e/fbgemm-$c-arm64-expected.txt"
        done
        ort "$data/qnnpack/perchannel-layers.txt" \
            "$data/$e/qnnpack-perchannel-arm64-expected.txt"
        echo "golden-arm64.sh: $e: $(cat "$data/$e"/*-arm64-expected.txt | wc -l) layers"
        continue
    fi
    if [[ $e == qnnpack || $e == onednn ]]; then
        if [[ $e == qnnpack ]]; then
            torch qnnpack observed ties extremes ties-bias perchannel
        else
            torch onednn observed ties blocks perchannel
        fi
        echo "golden-arm64.sh: $e: $(cat "$data/$e"/*-arm64-expected.txt | wc -l) layers"
        continue
    fi
    for c in observed ties extremes; do
        drive "$e" "$data/$e/$c-layers.txt" "$data/$e/$c-arm64-expected.txt"
    done
    for c in mixed observed; do
        drive "$e" "$data/fbgemm/$c-layers.txt" \
            "$data/$e/fbgemm-$c-arm64-expected.txt"
    done
    echo "golden-arm64.sh: $e: $(cat "$data/$e"/*-arm64-expected.txt | wc -l)" \
         "layers, $(cat "$data/$e"/*-arm64-expected.txt | grep -c '^unsupported' || true) refused"
done
