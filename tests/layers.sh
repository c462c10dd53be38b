#!/bin/bash
# The one-way rule of src/layers.txt (tools/layers.py): the tree follows
# it; a planted include and a planted call that break it are found, named
# by file and line; the committed diagram of the rule and the table of
# docs/architecture.md are up to date; an ARPA-only program links without
# GLPK, LAPACKE and Jansson.
# Usage: tests/layers.sh (from the source tree, after make all).
set -u
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/llr-layers-XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$SRC"

check "src/ follows src/layers.txt (includes and calls)" \
    python3 tools/layers.py --obj build/obj

# A planted include: base may include nothing of another folder.
cp -r src "$W/src"
printf '#include "learn/gls.h"\n' >>"$W/src/base/error.c"
line=$(wc -l <"$W/src/base/error.c")
python3 tools/layers.py --src "$W/src" >"$W/inc.txt" 2>&1
check "a planted include fails the check" test $? -eq 1
check "... naming the file and line" \
    grep -q "^$W/src/base/error.c:$line: base may not include learn/gls.h" \
    "$W/inc.txt"
check "... and only that one" test "$(grep -c 'may not' "$W/inc.txt")" -eq 1

# ACSL logic (spec/*.acsl) may be included from any folder, but only for
# Frama-C: outside #ifdef __FRAMAC__ the compiler would read it.
rm -rf "$W/src" && cp -r src "$W/src"
printf '#include "../../spec/prng.acsl"\n' >>"$W/src/base/error.c"
line=$(wc -l <"$W/src/base/error.c")
python3 tools/layers.py --src "$W/src" >"$W/acsl.txt" 2>&1
msg="../../spec/prng.acsl outside #ifdef __FRAMAC__"
check "ACSL logic included outside #ifdef __FRAMAC__ fails the check" \
    grep -q "^$W/src/base/error.c:$line: $msg" "$W/acsl.txt"
check "... and only that one" test "$(grep -c 'outside' "$W/acsl.txt")" -eq 1
printf '#ifdef __FRAMAC__\n#include "../../spec/lp.acsl"\n#endif\n' \
    >>"$W/src/base/error.c"
check "... while inside it, it is allowed from any folder" \
    test "$(python3 tools/layers.py --src "$W/src" | grep -c 'spec/')" -eq 1

# A folder the table does not know.
rm -rf "$W/src" && cp -r src "$W/src" && mkdir "$W/src/extra"
python3 tools/layers.py --src "$W/src" >"$W/fold.txt" 2>&1
check "a folder without a row fails the check" \
    grep -q "folder extra of src/ has no row" "$W/fold.txt"

# A rule with a cycle: base may use kernels, which may use base.
rm -rf "$W/src" && cp -r src "$W/src"
sed -i 's/^base$/base kernels/' "$W/src/layers.txt"
python3 tools/layers.py --src "$W/src" >"$W/cyc.txt" 2>&1
check "a cycle in the rule fails the check" \
    grep -q "the rule has a cycle: base -> kernels -> base" "$W/cyc.txt"

# A planted call: an object of kernels/ that calls the learner without
# including its header (only nm sees it).
mkdir -p "$W/obj" && cp -r build/obj/* "$W/obj/"
printf 'int llr_gls_prepare(void *, void *);\nint planted(void) { return llr_gls_prepare(0, 0); }\n' \
    >"$W/planted.c"
gcc -c "$W/planted.c" -o "$W/obj/kernels/planted.o"
python3 tools/layers.py --obj "$W/obj" >"$W/call.txt" 2>&1
check "a planted call fails the check" test $? -eq 1
check "... naming the object and the symbol" \
    grep -q "kernels/planted.o: kernels may not call llr_gls_prepare of learn" \
    "$W/call.txt"

# The committed diagram (docs/plots/architecture.svg, make
# architecture-plot) shows the rule of today; a changed rule makes it stale.
check "docs/plots/architecture.svg shows src/layers.txt" \
    python3 tools/layers.py --svg docs/plots/architecture.svg
rm -rf "$W/src" && cp -r src "$W/src"
sed -i 's/^measure .*/measure models io kernels base/' "$W/src/layers.txt"
python3 tools/layers.py --src "$W/src" --svg docs/plots/architecture.svg \
    >"$W/svg.txt" 2>&1
check "a changed rule makes the diagram stale" test $? -eq 1
check "... naming what differs" grep -q \
    'note says "measure may not use io", which the rule does not give' \
    "$W/svg.txt"

# The table of docs/architecture.md says what the rule says and names
# every file of src/; a row that disagrees and an unlisted file are found.
check "docs/architecture.md agrees with src/layers.txt" \
    python3 tools/layers.py --doc docs/architecture.md
rm -rf "$W/src" && cp -r src "$W/src" && touch "$W/src/base/planted.c"
# (measure's row gains io)
sed '/^| \*\*`measure\/`/s/| \*\*`models`/| **`io` `models`/' \
    docs/architecture.md >"$W/arch.md"
python3 tools/layers.py --src "$W/src" --doc "$W/arch.md" >"$W/doc.txt" 2>&1
check "a disagreeing table fails the check" test $? -eq 1
check "... naming the row" grep -q \
    "measure/ may use models kernels base in src/layers.txt, but the" \
    "$W/doc.txt"
check "... and the unlisted file" \
    grep -q "src/base/planted.c is not listed under base/" "$W/doc.txt"

# One model family links alone.
python3 tools/make_arpa.py --order 2 --lower --min-count 12 README.md \
    "$W/r.arpa" >/dev/null 2>&1
check "an ARPA-only program links with libllr.a and libm alone" \
    gcc -std=c11 -Isrc tests/link/arpa_only.c build/libllr.a -lm \
        -o "$W/arpa_only"
check "... runs" bash -c "'$W/arpa_only' '$W/r.arpa' >'$W/out.txt'"
check "... and prints what llr logits prints" bash -c \
    "[ \"\$(cut -d' ' -f2 '$W/out.txt')\" = \"\$(build/llr logits '$W/r.arpa' --horizon 2 --json | python3 -c 'import json,sys; [print(repr(x)) for x in json.load(sys.stdin)[\"logits\"]]' | python3 -c 'import sys; [print(\"%.17g\" % float(x)) for x in sys.stdin]')\" ]"
check "... without GLPK, LAPACK, BLAS or Jansson in it" bash -c \
    "! nm '$W/arpa_only' | grep -E ' [TU] (glp_|LAPACKE_|dge|dgels|json_|_glp)'"

finish layers
