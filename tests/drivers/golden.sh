#!/bin/bash
# Ground truth for the engines checked by real libraries (issue 11):
# fresh layer files from tests/engines.py, then each engine's driver
# (tests/drivers/) writes the real library's outputs beside them, and
# for the FBGEMM layer files (and, for ONNX Runtime, the per-channel
# layers of qnnpack/perchannel) too.
#
# Usage: tests/drivers/golden.sh DATA_DIR DRIVER_DIR [SEED]
#   DATA_DIR   tests/data, or build/crosscheck (which holds fbgemm/)
#   DRIVER_DIR where the built drivers are (build/drivers)
#   SEED       a fresh seed; without it, the fixed one of engines.py
#
# ONNX Runtime picks its kernel by CPU, so its files name the ISA:
# *-vnni-expected.txt from this CPU when it has AVX512-VNNI or AVX-VNNI,
# *-avx2-expected.txt from the same node under qemu-user emulating a
# Haswell (AVX2, no AVX-512, no VNNI).  QL_ORT_ISAS lists what was made.
set -euo pipefail
data=$1 drivers=$2 seed=${3:-}
ort="node tests/drivers/onnxruntime.cjs"
haswell="qemu-x86_64 -cpu Haswell,-pcid,-x2apic,-tsc-deadline,-hle,-invpcid,-rtm"
export NODE_PATH=$PWD/build/ort/node_modules

# drive ENGINE LAYERS EXPECTED: one engine (or ISA variant) on one file
drive() {
    case $1 in
    onnxruntime-vnni) $ort "$2" | grep -v '^#' > "$3" ;;
    onnxruntime-avx2) $haswell /usr/bin/$ort "$2" | grep -v '^#' > "$3" ;;
    *) "$drivers/$1" "$2" > "$3" ;;
    esac
}

# The VNNI flags MLAS needs for vpdpbusd are oneDNN's: ask qlinear cpu,
# the one place that reads them.
ort_isas=avx2
build/qlinear cpu | grep -qE '^onednn-corpora.* (vnni|avxvnni):' \
    && ort_isas="vnni avx2"
for e in ${QL_DRIVEN_ENGINES:-xnnpack gemmlowp onnxruntime}; do
    /usr/bin/python3 tests/engines.py ${seed:+--seed "$seed"} "$e" "$data"
    variants=$e
    if [[ $e == onnxruntime ]]; then
        variants=$(printf "onnxruntime-%s " $ort_isas)
    fi
    for v in $variants; do
        isa=""                                  # -vnni or -avx2 for ORT
        [[ $v == onnxruntime-* ]] && isa=${v#onnxruntime}
        for c in observed ties extremes; do
            drive "$v" "$data/$e/$c-layers.txt" "$data/$e/$c$isa-expected.txt"
        done
        for c in mixed observed; do
            drive "$v" "$data/fbgemm/$c-layers.txt" \
                "$data/$e/fbgemm-$c$isa-expected.txt"
        done
        if [[ $e == onnxruntime ]]; then
            drive "$v" "$data/qnnpack/perchannel-layers.txt" \
                "$data/$e/qnnpack-perchannel$isa-expected.txt"
        fi
        echo "golden.sh: $v: $(cat "$data/$e"/*$isa-expected.txt | wc -l) layers," \
             "$(cat "$data/$e"/*$isa-expected.txt | grep -c '^unsupported' || true) refused"
    done
done
echo "QL_ORT_ISAS=$ort_isas"
