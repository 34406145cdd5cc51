#!/usr/bin/env bash
# The workshop exercises (the book's section "Workshop exercises").
#   tests/exercises.sh status NAME...  one line per exercise, then a count;
#                                      a learner's status report: exits 0
#   tests/exercises.sh run N NAME...   build exercise N, run its test with
#                                      every message; exits as the test does
# NAME is NN-title (tests/exercises/NN-title.c); the Makefile passes them.
set -u
mode=${1:-}; shift || true
# The title is that of the book's starting file: "/* Exercise 3: zero-point
# algebra." gives "03 zero-point algebra".
title() {
    local t
    t=$(sed -n '1s|^/\* Exercise [0-9]*: \(.*\)\.$|\1|p' \
        "build/plain/exercises/$1.c" 2>/dev/null)
    echo "${1%%-*} ${t:-${1#*-}}"
}
# Check's failure lines (file:line:F:case:test:iteration: message) name
# a line of the test program; the learner needs only the message, which
# names the learner's file and function.
strip() { sed -E 's/^[^:]*:[0-9]+:[FE]:[^:]*:[^:]*:[0-9]+: //'; }
# (the Makefile has just made the library; -o deps skips the package check)
build() { make -s --no-print-directory -o deps "build/ex/learner/$1"; }

if [ "$mode" = status ]; then
    solved=0; todo=0
    mkdir -p build/ex/learner
    for e in "$@"; do
        log=build/ex/learner/$e.log
        if ! build "$e" > "$log" 2>&1; then
            msg="does not compile: $(grep -m1 -E 'error' "$log")"
        elif build/ex/learner/"$e" > "$log" 2>&1; then
            echo "$(title "$e"): solved"; solved=$((solved + 1)); continue
        else   # Check's failure line: file:line:F:case:test:iteration: message
            msg=$(grep -m1 -E '^[^:]*:[0-9]+:[FE]:' "$log" | strip)
            [ -n "$msg" ] || msg="the test crashed (make exercise N=${e%%-*})"
        fi
        echo "$(title "$e"): to do: $msg"; todo=$((todo + 1))
    done
    echo "exercises: $solved solved, $todo to do"
    exit 0
elif [ "$mode" = run ]; then
    n=${1:-}; shift || true
    if ! [[ $n =~ ^[0-9]+$ ]]; then
        echo "usage: make exercise N=NUMBER (one of: ${*%%-*})" >&2; exit 2
    fi
    nn=$(printf %02d "$((10#$n))"); e=""
    for x in "$@"; do case $x in "$nn"-*) e=$x;; esac; done
    if [ -z "$e" ]; then
        echo "make exercise: there is no exercise $n" >&2; exit 2
    fi
    echo "exercise $(title "$e"): tests/exercises/$e.c"
    build "$e" || exit 1
    log=build/ex/learner/$e.log
    build/ex/learner/"$e" > "$log" 2>&1; rc=$?
    if [ $rc = 0 ]; then
        echo "solved: every check passes"
    else
        grep -E '^[^:]*:[0-9]+:[FE]:' "$log" | strip | sed 's/^/to do: /' | awk 1
        grep -qE '^[^:]*:[0-9]+:[FE]:' "$log" || cat "$log"
        grep '^Your file: ' "$log" || :
    fi
    exit $rc
else
    echo "usage: $0 status NAME... | run N NAME..." >&2; exit 2
fi
