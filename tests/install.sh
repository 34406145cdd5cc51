#!/usr/bin/env bash
# install.sh -- `make install` into a temporary DESTDIR, then use the
# installed tree as another project would: compile a small program
# (tangled from qlinear.nw into tests/install-example.c) with
# `pkg-config --cflags --libs qlinear`, run the forum's layer through it
# and through the installed command, and want PyTorch's answer quoted in
# the forum thread ("Understanding quantized linear layer": [59, 253]).
# Last, `make uninstall` must leave no file behind.
# Usage: tests/install.sh [EXAMPLE.c]   (MAKE from the environment)
set -u
EXAMPLE=${1:-tests/install-example.c}
MAKE=${MAKE:-make}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DEST=$WORK/dest
PREFIX=/opt/qlinear
ROOT=$DEST$PREFIX
passed=0 failed=0
ok()   { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "install: FAIL $*"; }

FORUM='layer 1 2 2
input  0.010773413814604282 202  0 255
weight 0.003769818227738142 26   25 127 -128 -112
output 0.003812584327533841 0'
PYTORCH="59 253"

$MAKE --no-print-directory -s install DESTDIR="$DEST" PREFIX="$PREFIX" >/dev/null \
    || { echo "install: FAIL make install"; exit 1; }
for f in bin/qlinear include/qlinear.h lib/libqlinear.a lib/libqlinear.so \
         lib/libqlinear.so.1 lib/pkgconfig/qlinear.pc share/man/man1/qlinear.1; do
    [[ -e $ROOT/$f ]] && ok || fail "$f not installed"
done
soname=$(readelf -d "$ROOT/lib/libqlinear.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[[ $soname == libqlinear.so.1 ]] && ok || fail "soname '$soname', want libqlinear.so.1"
grep -q '^\.TH "QLINEAR" "1"' "$ROOT/share/man/man1/qlinear.1" \
    && grep -q '^\.SH COMMANDS' "$ROOT/share/man/man1/qlinear.1" \
    && ok || fail "man page without .TH QLINEAR 1 or a COMMANDS section"

# The manual page is the book's command reference: it must name every
# command that 'qlinear help' lists, and every option of their usages.
man=$(sed 's/\\-/-/g; s/\\f\[[A-Z]*\]//g' "$ROOT/share/man/man1/qlinear.1")
while read -r name usage; do
    grep -qE "^qlinear $name( |$)" <<< "$man" && ok \
        || fail "man page: no 'qlinear $name' in SYNOPSIS; add it to the book's \"Command reference\" (qlinear.nw, between the man page marks)"
    for opt in $(grep -oE -- '--[a-z][a-z-]*' <<< "$usage"); do
        grep -qF -- "$opt" <<< "$man" && ok \
            || fail "man page: no option $opt of 'qlinear $name'; describe it in the book's \"Command reference\" (qlinear.nw)"
    done
done < <("$ROOT/bin/qlinear" help | awk '/^commands:/ {on = 1; next} on && NF == 0 {exit} on && /^  [^ ]/')

# pkg-config as another project would use it; the sysroot maps the
# installed paths (under PREFIX) into the staging directory.
export PKG_CONFIG_PATH=$ROOT/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$DEST
flags=$(pkg-config --cflags --libs qlinear) || fail "pkg-config qlinear"
[[ $(pkg-config --modversion qlinear) == "$("$ROOT/bin/qlinear" --version | cut -d' ' -f2)" ]] \
    && ok || fail "pkg-config version differs from qlinear --version"
if ${CC:-cc} -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$WORK/example" \
       "$EXAMPLE" $flags; then
    ok
    # The program must load the installed shared library, not another.
    lib=$(LD_LIBRARY_PATH=$ROOT/lib ldd "$WORK/example" | awk '/libqlinear/ {print $3}')
    [[ $lib == "$ROOT/lib/libqlinear.so.1" ]] && ok || fail "example loads '$lib'"
    for e in qnnpack fbgemm; do
        got=$(LD_LIBRARY_PATH=$ROOT/lib "$WORK/example" $e <<< "$FORUM")
        [[ $got == "$PYTORCH" ]] && ok || fail "example, engine $e: got '$got', want '$PYTORCH'"
    done
else
    fail "compiling $EXAMPLE with: $flags"
fi
got=$("$ROOT/bin/qlinear" eval <<< "$FORUM")
[[ $got == "$PYTORCH" ]] && ok || fail "installed qlinear: got '$got', want '$PYTORCH'"

$MAKE --no-print-directory -s uninstall DESTDIR="$DEST" PREFIX="$PREFIX" >/dev/null
left=$(find "$DEST" ! -type d)
[[ -z $left ]] && ok || fail "make uninstall left: $left"

echo "install: $passed passed, $failed failed"
[[ $failed == 0 ]]
