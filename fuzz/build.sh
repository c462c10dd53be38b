#!/bin/bash
# fuzz/build.sh - build every fuzz target the way OSS-Fuzz and
# ClusterFuzzLite expect (their build.sh contract), for campaigns that
# outgrow one machine.
#
# Honours: CC, CXX (the linker, as libFuzzer is C++), CFLAGS (the
# sanitizer and coverage flags the infrastructure chooses),
# LIB_FUZZING_ENGINE (the fuzzing engine to link), OUT (where binaries,
# seed corpora and dictionaries go), WORK (scratch; default build/fuzz/oss).
# Without them it builds a local libFuzzer + ASan + UBSan set into
# build/fuzz/oss/out, which is how `make fuzz-oss` checks this script.
#
# Writes, per target T: $OUT/T, $OUT/T_seed_corpus.zip (fuzz/corpus/T) and
# $OUT/T.dict (when fuzz/T.dict exists). The Debian packages the project
# needs (tools/deps.sh build + libmpfr-dev) must be in the build image.
set -euo pipefail
cd "$(dirname "$0")/.."

CC=${CC:-clang}
CXX=${CXX:-clang++}
CFLAGS=${CFLAGS:--O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link}
LIB_FUZZING_ENGINE=${LIB_FUZZING_ENGINE:--fsanitize=fuzzer}
WORK=${WORK:-$PWD/build/fuzz/oss}
OUT=${OUT:-$WORK/out}
# Reference BLAS/LAPACK are pinned the same way as in GNUmakefile.
LIBDIR=/usr/lib/x86_64-linux-gnu
PIN="-Wl,--disable-new-dtags,-rpath,$LIBDIR/blas:$LIBDIR/lapack"
LIBS="-llapacke -llapack -lblas -lglpk -ljansson -lmpfr -lgmp -lm -ldl -pthread"
STD="-std=c11 -D_GNU_SOURCE"

mkdir -p "$WORK/lib" "$WORK/obj" "$OUT"
objs=()
for f in src/*/*.c; do
  case "$f" in src/cli/*) continue ;; esac
  o=$WORK/lib/$(echo "${f#src/}" | tr / _ | sed 's/\.c$//').o
  # shellcheck disable=SC2086
  $CC $CFLAGS $STD -Isrc -c "$f" -o "$o"
  objs+=("$o")
done
rm -f "$WORK/libllr.a"
ar rcs "$WORK/libllr.a" "${objs[@]}"
# shellcheck disable=SC2086
$CC $CFLAGS $STD -Isrc -Ifuzz -c fuzz/fuzz_input.c -o "$WORK/obj/fuzz_input.o"

for f in fuzz/*_fuzzer.c; do
  t=$(basename "${f%_fuzzer.c}")
  # shellcheck disable=SC2086
  $CC $CFLAGS $STD -DLLR_LIBFUZZER -Isrc -Ifuzz -c "$f" -o "$WORK/obj/$t.o"
  # shellcheck disable=SC2086
  $CXX $CFLAGS "$WORK/obj/$t.o" "$WORK/obj/fuzz_input.o" \
    $LIB_FUZZING_ENGINE "$WORK/libllr.a" $PIN $LIBS -o "$OUT/$t"
  rm -f "$OUT/${t}_seed_corpus.zip"
  if [ -d "fuzz/corpus/$t" ]; then
    (cd "fuzz/corpus/$t" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
  fi
  [ -f "fuzz/$t.dict" ] && cp "fuzz/$t.dict" "$OUT/$t.dict"
  echo "fuzz/build.sh: $OUT/$t"
done
