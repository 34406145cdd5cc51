#!/usr/bin/env bash
# bad-inputs.sh -- the catalogue of bad inputs.  Each case feeds one input
# file to the qlinear command and requires exit status 2, the exact
# message on standard error (@F@ stands for the input file) and the exact
# standard output (the outputs of the layers before the bad one).
# Usage: tests/bad-inputs.sh [QLINEAR]   (default build/qlinear)
set -u
QLINEAR=${1:-build/qlinear}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
passed=0 failed=0 n=0

# bad NAME ARGS STDOUT STDERR INPUT -- INPUT is a printf format
bad() {
    local name=$1 args=$2 want_out=$3 want_err=$4 input=$5
    local f="$DIR/case$((++n)).txt" out err status
    printf -- "$input" > "$f"
    out=$($QLINEAR $args "$f" 2> "$DIR/err") && status=0 || status=$?
    err=$(cat "$DIR/err")
    want_err=${want_err//@F@/$f}
    if [[ $status == 2 && "$err" == "$want_err" && "$out" == "$want_out" ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'bad-inputs: FAIL %s\n  status %s\n  stderr %s\n  want   %s\n  stdout %s\n' \
            "$name" "$status" "$err" "$want_err" "$out"
    fi
}

GOOD='layer 1 2 1\ninput 0.5 0 2 4\nweight 0.25 0 1 -1\noutput 0.5 3\n'
H='layer 1 2 2\ninput 0.1 10 '          # a layer up to its input values
W='weight 0.01 0 1 2 3 4\n'

bad "empty file" eval "" \
    "qlinear: @F@:1: no layer found" ''
bad "only a comment" eval "" \
    "qlinear: @F@:2: no layer found" '# nothing here\n'
bad "truncated layer" eval "" \
    "qlinear: @F@:2: input: expected 2 values, found 1 before the end of input" \
    'layer 1 2 2\ninput 0.1 10 5'
bad "too few input values" eval "" \
    "qlinear: @F@:3: input: expected 2 values, found 1 before 'weight'" \
    "${H}5\n${W}output 1 0\n"
bad "too many input values" eval "" \
    "qlinear: @F@:2: expected 'weight', found '7' (too many values?)" \
    "${H}5 6 7\n${W}output 1 0\n"
bad "too few weight values" eval "" \
    "qlinear: @F@:4: weight: expected 4 values, found 3 before 'output'" \
    "${H}5 6\nweight 0.01 0 1 2 3\noutput 1 0\n"
bad "misspelled keyword" eval "" \
    "qlinear: @F@:3: expected 'weight', found 'wieght'" \
    "${H}5 6\nwieght 0.01 0 1 2 3 4\noutput 1 0\n"
bad "missing output section" eval "" \
    "qlinear: @F@:4: expected 'bias' or 'output', found end of input" \
    "${H}5 6\n${W}"
bad "not a layer" eval "" \
    "qlinear: @F@:1: expected 'layer', found 'layers'" 'layers 1 2 2\n'
bad "non-numeric value" eval "" \
    "qlinear: @F@:2: input: expected 2 values, found 1 before 'x'" \
    "${H}5 x\n${W}output 1 0\n"
bad "uint8 out of range" eval "" \
    "qlinear: @F@:2: input 256 out of range [0, 255]" \
    "${H}5 256\n${W}output 1 0\n"
bad "int8 out of range" eval "" \
    "qlinear: @F@:3: weight -129 out of range [-128, 127]" \
    "${H}5 6\nweight 0.01 0 1 2 3 -129\noutput 1 0\n"
bad "input zero point out of range" eval "" \
    "qlinear: @F@:2: input zero point 300 out of range [0, 255]" \
    'layer 1 1 1\ninput 0.1 300 5\n'
bad "weight zero point out of range" eval "" \
    "qlinear: @F@:3: weight zero point 128 out of range [-128, 127]" \
    'layer 1 1 1\ninput 0.1 3 5\nweight 0.1 128 1\n'
bad "output zero point negative" eval "" \
    "qlinear: @F@:4: output zero point -1 out of range [0, 255]" \
    'layer 1 1 1\ninput 0.1 3 5\nweight 0.1 1 1\noutput 0.1 -1\n'
bad "zero scale" eval "" \
    "qlinear: @F@:2: input scale 0 must be a positive normal float32" \
    'layer 1 1 1\ninput 0 3 5\n'
bad "negative scale" eval "" \
    "qlinear: @F@:3: weight scale -0.5 must be a positive normal float32" \
    'layer 1 1 1\ninput 0.1 3 5\nweight -0.5 0 1\n'
bad "NaN scale" eval "" \
    "qlinear: @F@:4: output scale nan is not a finite float32" \
    'layer 1 1 1\ninput 0.1 3 5\nweight 0.5 0 1\noutput nan 0\n'
bad "infinite scale" eval "" \
    "qlinear: @F@:2: input scale inf is not a finite float32" \
    'layer 1 1 1\ninput inf 3 5\n'
bad "subnormal scale" eval "" \
    "qlinear: @F@:2: input scale 1e-40 must be a positive normal float32" \
    'layer 1 1 1\ninput 1e-40 3 5\n'
bad "scale overflows float32" eval "" \
    "qlinear: @F@:2: input scale 1e39 is not a finite float32" \
    'layer 1 1 1\ninput 1e39 3 5\n'
bad "M is zero" eval "" \
    "qlinear: @F@:1: M 0 out of range [1, 65536]" 'layer 0 1 1\n'
bad "K too large" eval "" \
    "qlinear: @F@:1: K 65537 out of range [1, 65536]" 'layer 1 65537 1\n'
bad "M*K too large" eval "" \
    "qlinear: @F@:1: layer 65536 65536 1 is larger than 16777216 elements per matrix" \
    'layer 65536 65536 1\n'
bad "M*N too large" eval "" \
    "qlinear: @F@:1: layer 4097 1 4097 is larger than 16777216 elements per matrix" \
    'layer 4097 1 4097\n'
bad "N*K too large" eval "" \
    "qlinear: @F@:1: layer 1 65536 65536 is larger than 16777216 elements per matrix" \
    'layer 1 65536 65536\n'
bad "N overflows long" eval "" \
    "qlinear: @F@:1: N 99999999999999999999 out of range [1, 65536]" \
    'layer 1 1 99999999999999999999\n'
bad "bias count" eval "" \
    "qlinear: @F@:5: bias: expected 2 values, found 1 before 'output'" \
    "${H}5 6\n${W}bias 0.5\noutput 1 0\n"
bad "NaN bias" eval "" \
    "qlinear: @F@:4: bias value nan is not a finite float32" \
    "${H}5 6\n${W}bias 0.5 nan\noutput 1 0\n"
bad "binary junk" eval "" \
    "qlinear: @F@:1: unexpected byte 0x00" 'layer\0001 1 1\n\377\001'
bad "binary junk after a good layer" eval "3" \
    "qlinear: @F@:5: unexpected byte 0xff" "${GOOD}\377\376"
bad "UTF-8 byte-order mark" eval "" \
    "qlinear: @F@:1: byte 0xef: the file starts with a UTF-8 byte-order mark; save it as plain ASCII" \
    "\357\273\277${GOOD}"
bad "very long token" eval "" \
    "qlinear: @F@:2: token longer than 80 characters" \
    "layer 1 1 1\ninput $(printf '1%.0s' {1..100}) 0 1\n"
bad "good layer, then a bad one" eval "3" \
    "qlinear: @F@:7: input: expected 2 values, found 1 before 'weight'" \
    "${GOOD}${H}5\n${W}output 1 0\n"
bad "unknown engine" "eval --engine fbgemm2" "" \
    "qlinear: unknown engine 'fbgemm2'; 'qlinear help eval' lists them" "${GOOD}"
bad "unknown kernel" "eval --kernel fastest" "" \
    "qlinear: unknown kernel 'fastest'; 'qlinear help eval' lists them" "${GOOD}"
bad "kernel without a path for the engine" "eval --engine gemmlowp --kernel portable" "" \
    "qlinear: kernel portable cannot run engine gemmlowp: no fast path for this engine" "${GOOD}"
bad "engine refuses the layer" "eval --engine onednn" "" \
    "qlinear: @F@:1: engine onednn: oneDNN only supports symmetric weights (zero point 0)" \
    'layer 1 1 1\ninput 1 0 3\nweight 1 1 2\noutput 1 0\n'
PC='layer 1 2 2\ninput 0.5 3 4 5\nweight per-channel '  # up to the scales
bad "per-channel: zero scale" eval "" \
    "qlinear: @F@:3: weight scale [1] 0 must be a positive normal float32" \
    "${PC}0.25 0 -1 2 1 2 3 4\noutput 0.5 7\n"
bad "per-channel: zero point out of range" eval "" \
    "qlinear: @F@:3: weight zero point [1] 200 out of range [-128, 127]" \
    "${PC}0.25 0.5 -1 200 1 2 3 4\noutput 0.5 7\n"
bad "per-channel: a zero point missing" eval "" \
    "qlinear: @F@:4: weight: expected 4 values, found 3 before 'output'" \
    "${PC}0.25 0.5 -1 1 2 3 4\noutput 0.5 7\n"
bad "per-channel: nothing after the keyword" eval "" \
    "qlinear: @F@:3: missing weight scale [0] at end of input" "${PC}"
bad "per-channel: engine refuses" "eval --engine xnnpack" "" \
    "qlinear: @F@:1: engine xnnpack: XNNPACK's qu8 fully-connected operator has one weight scale" \
    "${PC}0.25 0.5 -1 1 1 2 3 4\noutput 0.5 7\n"
R='layer 1 2 1\ninput 0.5 0 2 4\nweight 0.25 0 1 -1\n'  # a layer up to its output
bad "relu: after the zero point" eval "3" \
    "qlinear: @F@:4: 'relu' belongs after the word 'output': write 'output relu SCALE ZERO_POINT'" \
    "${R}output 0.5 3 relu\n"
bad "relu: given twice" eval "" \
    "qlinear: @F@:4: 'relu' given twice" "${R}output relu relu 0.5 3\n"
bad "relu: no scale after it" eval "" \
    "qlinear: @F@:5: missing output scale at end of input" "${R}output relu\n"
bad "relu: in the input section" eval "" \
    "qlinear: @F@:2: input scale: expected a number, found 'relu'" \
    'layer 1 2 1\ninput relu 0.5 0 2 4\nweight 0.25 0 1 -1\noutput 0.5 3\n'
bad "relu: ONNX Runtime has no fused activation" "eval --engine onnxruntime" "" \
    "qlinear: @F@:1: engine onnxruntime: QLinearMatMul has no fused activation; a ReLU is a separate operator" \
    "${R}output relu 0.5 3\n"
D='dynamic 1 2 1\ninput 0.5 -2\nweight 0.25 0 1 -1\n'  # a dynamic layer up to its end
bad "dynamic: output with a scale" eval "" \
    "qlinear: @F@:4: a dynamic layer's output is 'output float', without a scale or zero point; found '0.5'" \
    "${D}output 0.5 3\n"
bad "dynamic: no output line" eval "" \
    "qlinear: @F@:4: expected 'bias' or 'output float', found end of input" "${D}"
bad "dynamic: input with a scale and zero point" eval "" \
    "qlinear: @F@:2: expected 'weight', found '-2' (too many values?)" \
    'dynamic 1 2 1\ninput 0.5 3 -2\nweight 0.25 0 1 -1\noutput float\n'
bad "dynamic: too few inputs" eval "" \
    "qlinear: @F@:3: input: expected 2 values, found 1 before 'weight'" \
    'dynamic 1 2 1\ninput reduce_range 0.5\nweight 0.25 0 1 -1\noutput float\n'
bad "dynamic: input not a finite float32" eval "" \
    "qlinear: @F@:2: input value 1e39 is not a finite float32" \
    'dynamic 1 2 1\ninput 0.5 1e39\nweight 0.25 0 1 -1\noutput float\n'
bad "dynamic: bias cut short" eval "" \
    "qlinear: @F@:5: bias: expected 2 values, found 1 before 'output'" \
    'dynamic 1 1 2\ninput 0.5\nweight 0.25 0 1 -1\nbias 0.5\noutput float\n'
bad "dynamic: a static command" "compare" "" \
    "qlinear: @F@:1: a dynamic layer (float input and output): only 'qlinear eval' runs it" \
    "${D}output float\n"
bad "dynamic: oneDNN refuses asymmetric weights" "eval --engine onednn" "" \
    "qlinear: @F@:1: engine onednn: oneDNN only supports symmetric weights (zero point 0)" \
    'dynamic 1 2 1\ninput 0.5 -2\nweight 0.25 3 1 -1\noutput float\n'
bad "dynamic: an engine without a dynamic row" "eval --engine fbgemm" "" \
    "qlinear: @F@:1: engine fbgemm: no dynamic row; 'qlinear help eval' lists them" \
    "${D}output float\n"
bad "dynamic: after a static layer, with a kernel" "eval --kernel reference" "0" \
    "qlinear: @F@:2: engine qnnpack: a dynamic layer runs without --kernel" \
    'layer 1 1 1 input 0.5 0 2 weight 0.25 0 1 output 0.5 0\n'"${D}output float\n"
bad "observe: per-channel count not a multiple of the rows" observe "" \
    "qlinear: @F@:1: count 4 is not a positive multiple of the 3 rows" \
    'per-channel 3 qint8 4 1 -2 0.5 0.25\n'
bad "observe: per-channel without the rows" observe "" \
    "qlinear: @F@:1: rows: expected an integer, found 'qint8'" \
    'per-channel qint8 4 1 -2 0.5 0.25\n'
bad "observe: bad dtype" observe "" \
    "qlinear: @F@:1: expected quint8 or qint8, found 'quint16'" \
    'quint16 2 1 2\n'
bad "observe: too few values" observe "" \
    "qlinear: @F@:1: expected 3 values, found 2" 'quint8 3 1 2\nqint8 1 1\n'
bad "observe: too many values" observe "" \
    "qlinear: @F@:1: more than 2 values" 'quint8 2 1 2 3\n'
bad "observe: bad count" observe "" \
    "qlinear: @F@:1: count: expected an integer, found 'two'" 'qint8 two 1 2\n'
bad "observe: missing count" observe "" \
    "qlinear: @F@:1: missing count" 'qint8\n1 2\n'
bad "observe: refused scheme" observe "" \
    "qlinear: @F@:1: PyTorch cannot reduce the range of a symmetric quint8 observer" \
    'symmetric reduce_range quint8 1 1\n'
bad "quantize: zero point" quantize "" \
    "qlinear: @F@:1: zero point 128 out of range [-128, 127]" \
    'qint8 0.5 128 1 1\n'
# A value rounds to float32 before it is checked: from FLT_MAX plus half
# an ulp (2^128 - 2^103, which rounds to even: infinity) on, it is refused.
bad "quantize: value at FLT_MAX + ulp/2" quantize "0" \
    "qlinear: @F@:2: value 340282356779733661637539395458142568448 is not a finite float32" \
    'quint8 1 0 1 3.4028235e38\nquint8 1 0 1 340282356779733661637539395458142568448\n'
bad "quantize: value past FLT_MAX, negative" quantize "" \
    "qlinear: @F@:1: value -3.5e38 is not a finite float32" \
    'qint8 1 0 1 -3.5e38\n'
bad "quantize: empty" quantize "" \
    "qlinear: @F@:1: no quantize case found" ''

# A file that does not exist, and bad command lines.
out=$($QLINEAR eval "$DIR/missing.txt" 2>&1); status=$?
if [[ $status == 2 && "$out" == "qlinear: $DIR/missing.txt: cannot open: No such file or directory" ]]
then passed=$((passed + 1)); else failed=$((failed + 1)); echo "bad-inputs: FAIL missing file: $out"; fi
# usage ARGS FIRST-LINE -- exit status 2 and the first line of the message
usage() {
    local args=$1 want=$2 out status
    out=$($QLINEAR $args 2>&1 </dev/null) && status=0 || status=$?
    if [[ $status == 2 && "${out%%$'\n'*}" == "$want" ]]; then passed=$((passed + 1))
    else failed=$((failed + 1)); printf 'bad-inputs: FAIL %s\n  status %s\n  got  %s\n  want %s\n' "$args" "$status" "$out" "$want"; fi
}
usage "frobnicate" "qlinear: unknown command 'frobnicate'; 'qlinear help' lists the commands"
usage "eval --bogus" "qlinear eval: unknown option '--bogus'"
usage "eval --engine" "qlinear eval: option '--engine' needs an engine's NAME"
usage "eval --kernel" "qlinear eval: option '--kernel' needs a kernel's NAME"
usage "forum extra" "qlinear forum: too many arguments ('extra' is one too many)"
usage "observe a b" "qlinear observe: too many arguments ('b' is one too many)"
usage "quantize - -" "qlinear quantize: too many arguments ('-' is one too many)"
usage "list" "qlinear list: say what to list: engines or kernels"
usage "list engine" "qlinear list: cannot list 'engine'; say engines or kernels"
usage "list engines kernels" "qlinear list: too many arguments ('kernels' is one too many)"
usage "help nothing" "qlinear help: unknown command 'nothing'; 'qlinear help' lists them"
usage "" "usage: qlinear COMMAND [ARGUMENTS]"
usage "eval $DIR" "qlinear: $DIR: is a directory; give a file"

# Output that cannot be written: every command fails with a message.
if [[ -w /dev/full ]]; then
    for args in "eval $DIR/case1.txt" forum "observe $DIR/obs.txt" \
                "quantize $DIR/quant.txt" help "help eval" --version; do
        printf 'quint8 2 1 2\n' > "$DIR/obs.txt"
        printf 'quint8 0.5 3 2 1 2\n' > "$DIR/quant.txt"
        printf "$GOOD" > "$DIR/case1.txt"
        err=$($QLINEAR $args 2>&1 >/dev/full) && status=0 || status=$?
        if [[ $status != 0 && "$err" == "qlinear: cannot write standard output: No space left on device" ]]
        then passed=$((passed + 1))
        else failed=$((failed + 1)); printf 'bad-inputs: FAIL %s > /dev/full\n  status %s\n  stderr %s\n' "$args" "$status" "$err"; fi
    done
fi

echo "bad-inputs: $passed passed, $failed failed"
[[ $failed == 0 ]]
