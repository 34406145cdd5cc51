#!/usr/bin/env bash
# cli-contract.sh -- the command's contract on good input, with answers
# from real PyTorch (the forum's layer and parameters, as measured with
# Debian's python3-torch and quoted in the book).
# Usage: tests/cli-contract.sh [QLINEAR]   (default build/qlinear)
set -u
QLINEAR=${1:-build/qlinear}
passed=0 failed=0

# expect NAME WANT -- COMMAND...  (standard input from the caller)
expect() {
    local name=$1 want=$2; shift 3
    local got status
    got=$("$@" 2>&1) && status=0 || status=$?
    if [[ $status == 0 && "$got" == "$want" ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'cli-contract: FAIL %s\n  got  (%s) %s\n  want %s\n' "$name" "$status" "$got" "$want"
    fi
}

FORUM='layer 1 2 2
input  0.010773413814604282 202  0 255
weight 0.003769818227738142 26   25 127 -128 -112
output 0.003812584327533841 0'

for e in qnnpack fbgemm fbgemm-avx2 exact; do
    expect "forum layer, engine $e" "59 253" -- $QLINEAR eval --engine "$e" <<< "$FORUM"
done
# Every kernel this CPU has gives the same bytes (section "Making it fast").
for k in $($QLINEAR help eval | awk '/^kernels/ {on = 1; next} /^$/ {on = 0}
                                    on && /^  / && !/not on this CPU/ {print $1}'); do
    expect "forum layer, engine fbgemm, kernel $k" "59 253" -- \
        $QLINEAR eval --engine fbgemm --kernel "$k" <<< "$FORUM"
done
# Every engine of 'qlinear list engines' with the kernel eval chooses
# itself: the outputs, or the engine's own refusal (oneDNN's of Z_w = 26)
# -- never a kernel's, for the choice falls back to the reference loop.
# The per-channel layer's two rows have scales 1 and 2: 10 20, not 10 10.
PERCHANNEL='layer 1 1 2
input 1 0 10
weight per-channel 1 2 0 0 1 1
output 1 0'
engines=$($QLINEAR list engines)
[[ $(wc -w <<< "$engines") -ge 10 ]] && passed=$((passed + 1)) \
    || { failed=$((failed + 1)); echo "cli-contract: FAIL list engines: $engines"; }
for e in $engines; do
    for layer in FORUM PERCHANNEL; do
        got=$($QLINEAR eval --engine "$e" <<< "${!layer}" 2>&1) && status=0 || status=$?
        if [[ ($status == 0 && $got =~ ^[0-9]+\ [0-9]+$) || ($status == 2 && $got == "qlinear: <stdin>:1: engine $e: "*) ]]; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1)); printf 'cli-contract: FAIL %s layer, engine %s, default kernel\n  got (%s) %s\n' "$layer" "$e" "$status" "$got"
        fi
    done
done
expect "per-channel layer, qnnpack, default kernel" "10 20" -- $QLINEAR eval <<< "$PERCHANNEL"
expect "per-channel layer, qnnpack, reference kernel" "10 20" -- $QLINEAR eval --kernel reference <<< "$PERCHANNEL"
expect "per-channel layer, a fast kernel refuses" "qlinear: <stdin>:1: kernel offsets: no fast path for per-channel weights" -- \
    bash -c "$QLINEAR eval --kernel offsets 2>&1 >/dev/null; test \$? = 2" <<< "$PERCHANNEL"
# 'qlinear list' and 'qlinear help eval' read the same tables.
expect "list engines is help eval's engines" "$($QLINEAR help eval | awk '/^engines/ {on = 1; next} on && NF {print $1}')" -- \
    $QLINEAR list engines
expect "list kernels is help eval's kernels" "$($QLINEAR help eval | awk '/^kernels/ {on = 1; next} /^$/ {on = 0}
    on && /^  / {print $1, (/not on this CPU/ ? "no" : "yes")}')" -- $QLINEAR list kernels
# Values that round to FLT_MAX are finite (section "Numbers"); an
# overflowing conversion then gives the smallest code, as PyTorch does.
for v in 3.4028235e38 3.4028234663852886e38 3.40282356779733e38 -3.4028235e38; do
    expect "quantize $v" "0" -- $QLINEAR quantize <<< "quint8 1 0 1 $v"
done
expect "forum layer, default engine, two layers" $'59 253\n59 253' -- \
    $QLINEAR eval <<< "$FORUM
$FORUM"
# The scale is printed as the shortest text that reads back as the same
# float32: NumPy's repr(np.float32(0.010773413814604282)) is 0.010773414.
expect "forum input observed as PyTorch did" "0.010773414 202" -- \
    $QLINEAR observe <<< "quint8 2 -2.1787893772125244 0.5684312582015991"
expect "forum input quantized as PyTorch did" "0 255" -- \
    $QLINEAR quantize <<< "quint8 0.010773413814604282 202 2 -2.1787893772125244 0.5684312582015991"
expect "forum weight quantized as PyTorch did" "25 127 -128 -112" -- \
    $QLINEAR quantize <<< "qint8 0.003769818227738142 26 4 -0.005293981172144413 0.37932288646698 -0.5819807648658752 -0.5203874707221985"
out=$($QLINEAR forum)
if [[ "$out" == *"[0, 255]"* && "$out" == *"engine qnnpack"*"[59, 253]"* \
      && "$out" == *"engine onednn "*"refuses the layer (Zw = 26)"* ]]; then
    passed=$((passed + 1)); else failed=$((failed + 1)); echo "cli-contract: FAIL forum story"; fi
$QLINEAR --version | grep -q "^qlinear [0-9]" \
    && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "cli-contract: FAIL --version"; }
# Help where people look for it: on standard output, status 0.  Every
# command in 'qlinear help' has its own help, asked for three ways.
for args in --help -h help; do
    expect "qlinear $args" "$($QLINEAR help)" -- $QLINEAR $args
done
cmds=$($QLINEAR help | awk '/^commands:/ {on = 1; next} on && NF == 0 {exit} on && /^  [^ ]/ {print $1}')
[[ $cmds == *eval*observe* ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "cli-contract: FAIL commands listed: $cmds"; }
for c in $cmds; do
    want=$($QLINEAR help "$c")
    [[ $want == "usage: qlinear $c"* ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "cli-contract: FAIL help $c: $want"; }
    expect "qlinear $c --help" "$want" -- $QLINEAR "$c" --help
    expect "qlinear $c -h" "$want" -- $QLINEAR "$c" -h
done
expect "eval's help lists the engines" "1" -- bash -c "$QLINEAR help eval | grep -c '^  qnnpack '"
long=$($QLINEAR help | awk 'length > 79')
[[ -z $long ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "cli-contract: FAIL help lines over 79 columns: $long"; }

echo "cli-contract: $passed passed, $failed failed"
[[ $failed == 0 ]]
