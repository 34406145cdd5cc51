#!/usr/bin/env bash
# run-all-engines.sh QLINEAR OUTDIR [small] -- every corpus in tests/data
# through every engine (and the observer and quantize cases), one output
# file per pair, so that builds can be compared byte for byte.  With
# "small", only the corpora of small layers (for valgrind).  QL_WRAP, if
# set, is put in front of each command (e.g. valgrind).
set -euo pipefail
q=$1 out=$2 small=${3:-}
mkdir -p "$out"
engines=$($q --help | awk '/^engines/ {on = 1; next} on && NF {print $1}')
layers=$(ls tests/data/*/*-layers.txt)
[[ -n $small ]] && layers="tests/data/qnnpack/ties-layers.txt tests/data/fbgemm/mixed-layers.txt"
for f in $layers; do
    for e in $engines; do
        name=$(echo "$f" | tr / _)-$e
        # An engine that refuses a layer (oneDNN a weight zero point, most
        # engines per-channel weights) stops there, with that message.
        ${QL_WRAP:-} $q eval --engine "$e" "$f" > "$out/$name" 2> "$out/$name.err" \
            || grep -q ": engine $e: " "$out/$name.err"
    done
done
${QL_WRAP:-} $q observe tests/data/observers.txt > "$out/observers"
${QL_WRAP:-} $q quantize tests/data/quantize.txt > "$out/quantize"
