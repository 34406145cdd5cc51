#!/usr/bin/env bash
# make check-demos: the live demonstrations of the instructor's guide
# (docs/instructor.md, "Live demonstrations"), rehearsed.  Each demo is
# an edit of qlinear.nw, applied to a scratch copy in build/demos/NAME.
# There bookdata must still finish (the disagreement becomes a warning
# for the book's box, naming engine and corpus) and the Check suite must
# fail, printing every line that the guide quotes for the demo: the
# lines of its fenced block {.demo-NAME}.  What bookdata and the suite
# printed (without Check's file:line: prefixes) is in build/demos/NAME.txt.
#   tests/check-demos.sh [NAME...]      (default: every demo)
set -euo pipefail
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}

# NAME@@the text of qlinear.nw to replace@@its replacement (\n: a newline)
demos() {
    cat <<'EOF'
rounding@@    float f = floorf(v);\n    float d = v - f;                      /* exact, see text */\n    if (d > 0.5f || (d == 0.5f && fmodf(f, 2.0f) != 0.0f))\n        f += 1.0f;\n    return f;@@    return floorf(v + 0.5f);
multiplier@@float ql_multiplier_qnnpack(float sx, float sw, float sy)\n{\n    float product = sw * sx;\n    float inverse = 1.0f / sy;\n    return product * inverse;@@float ql_multiplier_qnnpack(float sx, float sw, float sy)\n{\n    float act_times_w = sx * sw;\n    return act_times_w / sy;
EOF
}

# The lines the guide quotes for demo $1.
quoted() {
    awk -v tag="{.demo-$1}" '
        /^ *```/ && inside { inside = 0; next }
        /^ *```/ && index($0, tag) { inside = 1; next }
        inside { sub(/^ +/, ""); print }' docs/instructor.md
}

want=("$@")
fail=0
while IFS= read -r spec; do
    name=${spec%%@@*}; rest=${spec#*@@}; from=${rest%%@@*}; to=${rest#*@@}
    if [ ${#want[@]} -gt 0 ] && ! [[ " ${want[*]} " == *" $name "* ]]; then
        continue
    fi
    d=build/demos/$name
    rm -rf "$d"; mkdir -p "$d"
    cp Makefile "$d/"
    ln -s ../../../tests "$d/tests"
    ln -s ../../../tangled "$d/tangled"
    FROM=$(printf '%b' "$from") TO=$(printf '%b' "$to") perl -0pe \
        'BEGIN { $n = 0 } $n += s/\Q$ENV{FROM}\E/$ENV{TO}/g;
         END { exit($n == 1 ? 0 : 3) }' qlinear.nw > "$d/qlinear.nw" || {
        echo "check-demos: $name: the demo's edit no longer applies to qlinear.nw"
        fail=1; continue; }
    $MAKE -s --no-print-directory -C "$d" -o deps build/bookdata \
        build/check-qlinear > "$d/build.log" 2>&1 || {
        cat "$d/build.log"; echo "check-demos: $name: the edited copy does not build"
        fail=1; continue; }
    mkdir -p "$d/build/gen"
    (cd "$d" && build/bookdata tests/data build/gen) > "$d/bookdata.log" 2>&1 || {
        tail -5 "$d/bookdata.log"
        echo "check-demos: $name: bookdata stopped; it must warn and go on"
        fail=1; continue; }
    test -s "$d/build/gen/warnings.txt" || {
        echo "check-demos: $name: bookdata found nothing to warn about"
        fail=1; continue; }
    if (cd "$d" && CK_VERBOSITY=normal build/check-qlinear) > "$d/check.log" 2>&1; then
        echo "check-demos: $name: the Check suite passes on the broken copy"
        fail=1; continue
    fi
    # Check's failure lines, without the file:line: and test-case prefix.
    grep -E '^[^:]*:[0-9]+:[FE]:' "$d/check.log" \
        | sed -E 's/^[^:]*:[0-9]+:[FE]:[^:]*:([^:]*):[0-9]+: /\1: /' \
        > "build/demos/$name.txt" || :
    failed=$(wc -l < "build/demos/$name.txt")
    grep -h '^bookdata: warning:' "$d/bookdata.log" >> "build/demos/$name.txt" || :
    n=0; missing=0
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        n=$((n + 1))
        grep -qF -- "$line" "build/demos/$name.txt" || {
            echo "check-demos: $name: the guide quotes a message the suite did not print:"
            echo "  $line"; fail=1; missing=1; }
    done < <(quoted "$name")
    [ "$n" -gt 0 ] || { echo "check-demos: $name: the guide quotes no message (a \`\`\`{.demo-$name} block)"; fail=1; }
    [ "$missing" = 0 ] || continue
    echo "check-demos: $name: bookdata warned, $failed failures, every quoted message printed"
done < <(demos)
exit $fail
