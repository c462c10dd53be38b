#!/bin/sh
# fuzz/run.sh - run libFuzzer campaigns on built targets (see fuzz/fuzz.mk).
#
#   fuzz/run.sh SECONDS TARGET...
#
# Each target build/fuzz/TARGET runs for SECONDS on a fresh copy of
# fuzz/corpus/TARGET in build/fuzz/corpus/TARGET, with its dictionary
# fuzz/TARGET.dict if there is one. Crash, leak, timeout and out-of-memory
# inputs go to build/fuzz/artifacts/TARGET-*; the log is build/fuzz/TARGET.log.
# Environment: FUZZ_MAX_LEN (default 4096), FORK=n (libFuzzer -fork=n).
# Exit status 1 when any target failed; all targets run regardless, and a
# table of their final statistics ends the output.
set -u
cd "$(dirname "$0")/.."

[ $# -ge 2 ] || { echo "usage: fuzz/run.sh SECONDS TARGET..." >&2; exit 2; }
secs=$1
shift
case "$secs" in ''|*[!0-9]*) echo "fuzz/run.sh: SECONDS must be a number" >&2; exit 2 ;; esac
maxlen=${FUZZ_MAX_LEN:-4096}
fork=${FORK:-}
n=$#
i=0
failed=""
table=$(mktemp)
trap 'rm -f "$table"' EXIT
mkdir -p build/fuzz/artifacts build/fuzz/corpus

for t in "$@"; do
  i=$((i + 1))
  bin=build/fuzz/$t
  [ -x "$bin" ] || { echo "fuzz/run.sh: $bin is not built (make fuzz-build)" >&2; exit 2; }
  echo "== [$i/$n] $t: $secs s$( [ -n "$fork" ] && echo ", -fork=$fork")"
  rm -rf "build/fuzz/corpus/$t"
  mkdir -p "build/fuzz/corpus/$t"
  cp fuzz/corpus/"$t"/* "build/fuzz/corpus/$t/" 2>/dev/null || true
  seeds=$(ls "build/fuzz/corpus/$t" | wc -l)
  set -- -max_total_time="$secs" -max_len="$maxlen" -timeout=10 \
         -rss_limit_mb=2048 -print_final_stats=1 \
         -artifact_prefix="build/fuzz/artifacts/$t-"
  [ -f "fuzz/$t.dict" ] && set -- "$@" -dict="fuzz/$t.dict"
  [ -n "$fork" ] && set -- "$@" -fork="$fork" -ignore_crashes=0
  rc=0
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$bin" "$@" "build/fuzz/corpus/$t" >"build/fuzz/$t.log" 2>&1 || rc=$?
  # The last status line libFuzzer printed (DONE, or the last before a
  # crash): runs, cov, ft, corp, exec/s.
  last=$(grep -aE '^#[0-9]+[[:space:]]+(INITED|NEW|REDUCE|pulse|RELOAD|DONE)[[:space:]]' \
           "build/fuzz/$t.log" | tail -n 1)
  runs=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
  cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  eps=$(grep '^stat::average_exec_per_sec' "build/fuzz/$t.log" | tail -n 1 | awk '{print $2}')
  [ -n "$eps" ] || eps=$(echo "$last" | sed -n 's/.* exec\/s: \([0-9]*\).*/\1/p')
  files=$(ls "build/fuzz/corpus/$t" | wc -l)
  bytes=$(cat "build/fuzz/corpus/$t"/* 2>/dev/null | wc -c)
  if [ $rc -ne 0 ]; then
    tail -n 40 "build/fuzz/$t.log"
    echo "fuzz: $t FAILED (exit $rc); log build/fuzz/$t.log; inputs in build/fuzz/artifacts/" >&2
    failed="$failed $t"
    status=FAILED
  else
    grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::|^Done ' "build/fuzz/$t.log"
    status=ok
  fi
  printf '%-12s %-7s %10s %10s %6s %6s %5s->%-5s %6s\n' "$t" "$status" \
    "${runs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" "$seeds" "$files" \
    "$bytes" >>"$table"
done

echo
echo "== fuzz summary ($secs s per target)"
printf '%-12s %-7s %10s %10s %6s %6s %12s %6s\n' target status runs exec/s \
  edges feats corpus bytes
cat "$table"
if [ -n "$failed" ]; then
  echo "fuzz: failed:$failed" >&2
  exit 1
fi
