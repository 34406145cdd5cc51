#!/usr/bin/env bash
# compare.sh -- `qlinear compare` names the right cause: on the forum's
# layer, and on one layer built for each cause.  Each layer is small
# enough to work by hand; the comment says why its cause is the right one.
# Usage: tests/compare.sh [QLINEAR]   (default build/qlinear)
set -u
QLINEAR=${1:-build/qlinear}
passed=0 failed=0

# cause NAME ENGINES WANT LAYER -- every differing output of LAYER, run on
# ENGINES ('' = all), must have cause WANT, and there must be one.
cause() {
    local name=$1 engines=$2 want=$3 layer=$4 got status tsv
    tsv=$(printf -- "$layer" | $QLINEAR compare ${engines:+--engines $engines} \
          --format tsv) && status=0 || status=$?
    got=$(awk -F'\t' 'NR > 1 && $3 != "-" {print $15}' <<< "$tsv" | sort -u)
    if [[ $status == 0 && "$got" == "$want" ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'compare: FAIL %s: causes "%s", want "%s" (status %s)\n' \
            "$name" "$got" "$want" "$status"
    fi
}

FORUM='layer 1 2 2\ninput 0.010773413814604282 202 0 255\nweight 0.003769818227738142 26 25 127 -128 -112\noutput 0.003812584327533841 0\n'
# The thread's question shifts x by both zero points: accumulators
# -2271 and 26160 instead of 5555 and 23794 (section "The question's
# identity"), so its [0, 255] differs from QNNPACK's [59, 253].
cause "forum layer, question vs qnnpack" qnnpack,question zero-point "$FORUM"
# Every engine that takes the forum's layer agrees; oneDNN refuses it.
out=$(printf -- "$FORUM" | $QLINEAR compare)
if [[ "$out" == *"0 of 2 outputs differ"* && "$out" == *"refused: onednn: oneDNN only supports"* ]]
then passed=$((passed + 1)); else failed=$((failed + 1)); echo "compare: FAIL forum layer, all engines: $out"; fi
# 5 * 1 * 1 / 2 = 2.5 exactly in every engine; Z_y = 1 is odd: rounding
# first gives 2 + 1 = 3, oneDNN's rne(2.5 + 1) gives 4.
cause "Z_y before rounding a tie" "" zero-point \
    'layer 1 1 1\ninput 1 0 5\nweight 1 0 1\noutput 2 1\n'
# K = 4096 products 255 * 127 = 132,644,160 * 1000 = 1.3e11 > 2^31:
# cvtps2dq gives INT32_MIN, so QNNPACK and FBGEMM answer 0, the others 255.
cause "conversion overflow" qnnpack,fbgemm,onednn,exact overflow \
    "layer 1 4096 1\ninput 1 0 $(printf '255 %.0s' {1..4096})\nweight 1 0 $(printf '127 %.0s' {1..4096})\noutput 0.001 100\n"
# 255*127 + 255*127 = 64770 saturates to 32767 in one vpmaddubsw pair.
cause "saturating pair" "" pairs \
    'layer 1 2 1\ninput 1 0 255 255\nweight 1 0 127 127\noutput 1000 0\n'
# acc 1, bias 0.4: QNNPACK rounds the bias to 0 first (1 / 0.5 = 2),
# the others keep it (1.4 / 0.5 = 2.8 -> 3); without the bias all say 2.
cause "bias quantized to int32" "" bias \
    'layer 1 1 1\ninput 1 0 1\nweight 1 0 1\nbias 0.4\noutput 0.5 0\n'
# A near-tie from qnnpack/ties: fl(3777 * M) is exactly 102.5 in float32,
# the exact quotient lies just above it (PyTorch's answer is 222).
cause "tie" "" tie \
    'layer 1 2 1\ninput 0.056238509714603424 78 66 17\nweight 0.0002554426610004157 -5 92 -86\noutput 0.000529359036590904 120\n'
# Per-channel weights: row 1 has its own zero point; the same pair as
# above, so the AVX2 rows differ from the others in row 1 only.
cause "per-channel layer, saturating pair" "" pairs \
    'layer 1 2 2\ninput 1 0 255 255\nweight per-channel 1 1 0 0 1 1 127 127\noutput 1000 0\n'
# Bad engine names are refused like other bad usage.
$QLINEAR compare --engines qnnpack,nosuch </dev/null >/dev/null 2>&1; status=$?
[[ $status == 2 ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "compare: FAIL unknown engine: status $status"; }

echo "compare: $passed passed, $failed failed"
[[ $failed == 0 ]]
