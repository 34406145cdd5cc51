#!/bin/bash
# Ground truth for the engines checked by real libraries (issue 11):
# fresh layer files from tests/engines.py, then each engine's driver
# (tests/drivers/) writes the real library's outputs beside them, and
# for the FBGEMM layer files too.
#
# Usage: tests/drivers/golden.sh DATA_DIR DRIVER_DIR [SEED]
#   DATA_DIR   tests/data, or build/crosscheck (which holds fbgemm/)
#   DRIVER_DIR where the built drivers are (build/drivers)
#   SEED       a fresh seed; without it, the fixed one of engines.py
set -euo pipefail
data=$1 drivers=$2 seed=${3:-}
for e in ${QL_DRIVEN_ENGINES:-xnnpack gemmlowp}; do
    /usr/bin/python3 tests/engines.py ${seed:+--seed "$seed"} "$e" "$data"
    for c in observed ties extremes; do
        "$drivers/$e" "$data/$e/$c-layers.txt" > "$data/$e/$c-expected.txt"
    done
    for c in mixed observed; do
        "$drivers/$e" "$data/fbgemm/$c-layers.txt" \
            > "$data/$e/fbgemm-$c-expected.txt"
    done
    echo "golden.sh: $e: $(cat "$data/$e"/*-expected.txt | wc -l) layers," \
         "$(cat "$data/$e"/*-expected.txt | grep -c '^unsupported' || true) refused"
done
