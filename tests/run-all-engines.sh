#!/usr/bin/env bash
# run-all-engines.sh QLINEAR OUTDIR [small] -- every corpus in tests/data
# through every engine with every kernel this CPU has (and the observer
# and quantize cases), one output file per run, so that builds can be
# compared byte for byte.  With "small", only three small corpora (for
# valgrind: one of them dynamic), still with every engine and every kernel.  With QL_LAYERS=N
# (what .ci/run's checks use), only the first N layers of each corpus,
# copied once to build/ci-layers/N/ (the same path for every build, so
# that the outputs and refusals compare byte for byte); QL_LAYERS unset,
# empty or "all" runs the whole corpora.
#
# The engines and kernels come from 'qlinear list', the program's own
# tables; the script fails if either list is empty or shorter than the
# table in qlinear.nw, so that it cannot silently run nothing.  It fails
# on anything on standard error except an engine's or a kernel's refusal
# of a layer: a sanitizer's or valgrind's report fails it even when the
# outputs are right.  Every kernel's outputs must also be the reference
# kernel's, byte for byte.  QL_WRAP, if set, is put in front of each
# command (e.g. valgrind).
set -euo pipefail
q=$1 out=$2 small=${3:-}
nw=${QL_NW:-qlinear.nw}
rm -rf "$out"
mkdir -p "$out"
die() { echo "run-all-engines: $*" >&2; exit 1; }

# --- the lists, and the tables they must match ------------------------
engines=$($q list engines) || die "'$q list engines' failed"
kernels=$($q list kernels | awk '$2 == "yes" {print $1}') \
    || die "'$q list kernels' failed"
all_kernels=$($q list kernels | awk '{print $1}')
# Rows of the engine table: the lines '{ "name", ...' of the chunks
# <<engine table rows>>.  Rows of the kernel table: those outside any
# #if count everywhere, those under '#ifdef QL_X86' on x86.
want_e=$(awk '/^<<engine table rows>>=$/ {on = 1; next} /^@/ {on = 0}
              on && /^\{ "/ {n++} END {print n + 0}' "$nw")
want_k=$(awk -v x86="$(uname -m | grep -cE '^(x86_64|i[3-6]86)$')" '
    /kernel_table\[\] = \{/ {on = 1; next} on && /^};/ {on = 0}
    on && /^#if/ {cond = $0} on && /^#endif/ {cond = ""}
    on && /^ *\{ "/ {n += cond == "" || (cond ~ /QL_X86/ && x86)}
    END {print n + 0}' "$nw")
n_e=$(wc -w <<< "$engines") n_k=$(wc -w <<< "$all_kernels")
[[ $n_e -gt 0 && $n_e -ge $want_e ]] \
    || die "'$q list engines' lists $n_e engines; $nw's table has $want_e"
[[ $n_k -gt 0 && $n_k -ge $want_k ]] \
    || die "'$q list kernels' lists $n_k kernels; $nw's table has $want_k"
[[ $want_e -gt 0 && $want_k -gt 0 ]] \
    || die "found no engine or kernel table in $nw"
[[ -n $kernels ]] || die "'$q list kernels' says this CPU has no kernel"

layers=$(ls tests/data/*/*-layers.txt)
[[ -n $small ]] && layers="tests/data/qnnpack/ties-layers.txt tests/data/onednn/perchannel-layers.txt tests/data/qnnpack/dynamic-layers.txt"
[[ -n $layers ]] || die "no corpora in tests/data"
n_layers=${QL_LAYERS:-all}
if [[ $n_layers != all ]]; then
    [[ $n_layers =~ ^[1-9][0-9]*$ ]] || die "QL_LAYERS=$n_layers: not a count"
    cut=build/ci-layers/$n_layers
    short=
    for f in $layers; do
        mkdir -p "$cut/$(dirname "$f")"
        if [[ ! -s $cut/$f || $f -nt $cut/$f ]]; then
            awk -v n="$n_layers" '/^(layer|dynamic) / && ++l > n {exit} {print}' "$f" \
                > "$cut/$f.tmp.$$" && mv "$cut/$f.tmp.$$" "$cut/$f"
        fi
        grep -qE '^(layer|dynamic) ' "$cut/$f" || die "$cut/$f: no layer"
        short="$short $cut/$f"
    done
    layers=$short
fi

# ok ERRFILE E K -- the run's standard error is empty, or one line:
# engine E's or kernel K's refusal of a layer.
ok() {
    [[ ! -s $1 ]] && return 0
    [[ $(wc -l < "$1") == 1 ]] \
        && grep -qE "^qlinear: .*:[0-9]+: (engine $2|kernel $3): " "$1"
}

runs=0 refused=0
for e in $engines; do
    for k in $kernels; do
        # A kernel without a path for the engine says so before reading.
        if ! msg=$($q eval --engine "$e" --kernel "$k" < /dev/null 2>&1) \
           && [[ $msg == "qlinear: kernel $k cannot run engine $e: "* ]]; then
            continue
        fi
        for f in $layers; do
            name=$(echo "$f" | tr / _)-$e-$k
            # A dynamic layer runs without a kernel: once per engine.
            kopt=(--kernel "$k")
            if grep -q '^dynamic ' "$f"; then
                [[ $k == reference ]] || continue
                kopt=()
            fi
            runs=$((runs + 1))
            if ${QL_WRAP:-} $q eval --engine "$e" "${kopt[@]}" "$f" \
                   > "$out/$name" 2> "$out/$name.err"; then
                [[ ! -s $out/$name.err ]] \
                    || die "$e/$k on $f: $(head -5 "$out/$name.err")"
            else
                ok "$out/$name.err" "$e" "$k" \
                    || die "$e/$k on $f: $(head -5 "$out/$name.err")"
                refused=$((refused + 1))
            fi
            ref=$(echo "$f" | tr / _)-$e-reference
            if [[ $k != reference && ! -s $out/$name.err && ! -s $out/$ref.err ]]; then
                cmp -s "$out/$name" "$out/$ref" \
                    || die "$e on $f: kernel $k differs from the reference"
            fi
        done
    done
done
for what in observe:observers quantize:quantize; do
    ${QL_WRAP:-} $q ${what%%:*} tests/data/${what#*:}.txt \
        > "$out/${what#*:}" 2> "$out/${what#*:}.err" \
        || die "${what%%:*}: $(head -5 "$out/${what#*:}.err")"
    [[ ! -s $out/${what#*:}.err ]] || die "${what%%:*}: $(head -5 "$out/${what#*:}.err")"
done
echo "run-all-engines: $n_e engines x $(wc -w <<< "$kernels") kernels" \
     "x $(wc -w <<< "$layers") corpora ($n_layers layers each):" \
     "$runs runs ($refused stopped at" \
     "a refusal), every kernel as the reference"
