#!/bin/bash
# The installed library: `make install` into a temporary PREFIX (and a
# DESTDIR staging), a program built with `pkg-config --cflags --libs llr`
# against the installed shared library and, statically, against libllr.a;
# both print the logits of a model made by llr gen, which must equal what
# `llr logits` prints; so does a C++ program. Then the man page renders and `make uninstall`
# removes every file. Usage: tests/install.sh (from the source tree).
set -u
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/llr-install-XXXXXX)
trap 'rm -rf "$W"' EXIT

P="$W/prefix"
if ! make -s -C "$SRC" install PREFIX="$P" >"$W/install.log" 2>&1; then
    cat "$W/install.log"; bad "make install PREFIX=$P"
    echo "install: $pass passed, $fail failed"; exit 1
fi
V=$(sed -n 's/^#define LLR_VERSION_STRING "\(.*\)"/\1/p' "$SRC/src/base/version.h")
MAJOR=${V%%.*}
for f in bin/llr include/llr.h include/llr/models/model.h include/llr/base/version.h \
         lib/libllr.a "lib/libllr.so.$V" lib/pkgconfig/llr.pc \
         share/man/man1/llr.1; do
    check "installed $f" test -f "$P/$f"
done
for f in include/llr/oracle/trie.h include/llr/learn/reconstruct.h \
         include/llr/base/fileio.h include/llr/kernels/linalg.h; do
    check "internal header $f is not installed" test ! -e "$P/$f"
done
check "installed headers include only <llr/...> headers" \
    bash -c "! grep -rh '^#include \"' '$P/include/llr'"
# The ACSL logic the installed headers include for Frama-C is installed too.
acsl=$(grep -rhoE '<llr/spec/[a-z_]+\.acsl>' "$P/include/llr" | sort -u |
       tr -d '<>')
check "installed headers include ACSL logic (llr/spec/*.acsl)" \
    test -n "$acsl"
for s in $acsl; do
    check "... $s is installed" test -f "$P/include/$s"
done
check "libllr.so.$MAJOR -> libllr.so.$V" \
    test "$(readlink "$P/lib/libllr.so.$MAJOR")" = "libllr.so.$V"
check "libllr.so -> libllr.so.$MAJOR" \
    test "$(readlink "$P/lib/libllr.so")" = "libllr.so.$MAJOR"
check "the soname is libllr.so.$MAJOR" \
    bash -c "readelf -d '$P/lib/libllr.so.$V' | grep -q 'SONAME.*\[libllr.so.$MAJOR\]'"

export PKG_CONFIG_PATH="$P/lib/pkgconfig"
check "pkg-config knows llr $V" test "$(pkg-config --modversion llr)" = "$V"
CFLAGS=$(pkg-config --cflags llr)
LIBS=$(pkg-config --libs llr)
STATIC=$(pkg-config --static --libs llr | sed 's/-lllr\b/-l:libllr.a/')
check "Cflags name the include directory" test "$(echo $CFLAGS)" = "-I$P/include"
check "Libs.private has LAPACKE, BLAS, GLPK, Jansson" \
    bash -c "pkg-config --static --libs llr | grep -q -- '-llapacke.*-lblas.*-lglpk -ljansson -lm'"

"$P/bin/llr" gen isan --vocab 5 --rank 2 --horizon 4 --seed 9 -o "$W/m.st" >/dev/null
{ echo "header $V library $V"
  "$P/bin/llr" logits "$W/m.st" 3 1 --json |
      python3 -c 'import json,sys; [print(repr(x)) for x in json.load(sys.stdin)["logits"]]'
} >"$W/expect.txt"
# Python's repr is the shortest round-trip form; print %.17g's parse too.
python3 - "$W/expect.txt" <<'PY' >"$W/expect17.txt"
import sys
lines = open(sys.argv[1]).read().split("\n")
print(lines[0])
for x in lines[1:]:
    if x:
        print("%.17g" % float(x))
PY

FLAGS="-std=c11 -Wall -Wextra -Wpedantic -Werror"
if gcc $FLAGS $CFLAGS -o "$W/shared" "$SRC/tests/install/logits.c" $LIBS \
       -Wl,-rpath,"$P/lib" 2>"$W/cc.log"; then
    ok
    check "the shared build needs libllr.so.$MAJOR" \
        bash -c "readelf -d '$W/shared' | grep -q 'NEEDED.*libllr.so.$MAJOR'"
    check "and loads it from the prefix" \
        bash -c "ldd '$W/shared' | grep -q 'libllr.so.$MAJOR => $P/lib/'"
    "$W/shared" "$W/m.st" 3 1 >"$W/shared.txt" 2>&1
    check "shared: logits equal llr logits" cmp -s "$W/shared.txt" "$W/expect17.txt"
else
    cat "$W/cc.log"; bad "build against the shared library"
fi
if gcc $FLAGS $CFLAGS -o "$W/static" "$SRC/tests/install/logits.c" $STATIC \
       2>"$W/cc.log"; then
    ok
    check "the static build does not need libllr.so" \
        bash -c "! readelf -d '$W/static' | grep -q 'NEEDED.*libllr'"
    "$W/static" "$W/m.st" 3 1 >"$W/static.txt" 2>&1
    check "static: logits equal llr logits" cmp -s "$W/static.txt" "$W/expect17.txt"
else
    cat "$W/cc.log"; bad "build against the static library"
fi
if g++ -std=c++17 -Wall -Wextra -Wpedantic -Werror $CFLAGS -o "$W/cxx" \
       "$SRC/tests/install/logits.cpp" $LIBS -Wl,-rpath,"$P/lib" 2>"$W/cc.log"; then
    ok
    "$W/cxx" "$W/m.st" 3 1 >"$W/cxx.txt" 2>&1
    check "C++: logits equal llr logits" cmp -s "$W/cxx.txt" "$W/expect17.txt"
else
    cat "$W/cc.log"; bad "build a C++ program against the shared library"
fi
check "a bad model is an error, not a crash" \
    bash -c "'$W/shared' '$W/none.st' 2>&1 | grep -q 'none.st'"

check "man -l renders llr.1" \
    bash -c "MANWIDTH=80 man -l '$P/share/man/man1/llr.1' 2>/dev/null | grep -q 'llr trace diff A B'"
# Every command of llr --help has a section in the man page.
for c in $("$P/bin/llr" --help | awk '/^commands:/{on=1; next} on && NF==0{exit} on{print $1}'); do
    check "the man page covers llr $c" grep -q "^\.SS \"llr $c" "$P/share/man/man1/llr.1"
done

make -s -C "$SRC" uninstall PREFIX="$P" >/dev/null 2>&1
left=$(find "$P" -type f -o -type l | wc -l)
check "make uninstall leaves no file ($left left)" test "$left" -eq 0

# DESTDIR: staged under DESTDIR, llr.pc still names PREFIX.
D="$W/stage"
make -s -C "$SRC" install DESTDIR="$D" PREFIX=/opt/llr >/dev/null 2>&1
check "DESTDIR staging" test -f "$D/opt/llr/lib/libllr.a"
check "llr.pc names PREFIX, not DESTDIR" \
    grep -qx 'prefix=/opt/llr' "$D/opt/llr/lib/pkgconfig/llr.pc"
make -s -C "$SRC" uninstall DESTDIR="$D" PREFIX=/opt/llr >/dev/null 2>&1
check "uninstall with DESTDIR" bash -c "[ -z \"\$(find '$D' -type f)\" ]"

finish install
