#!/usr/bin/env bash
# make bench-speed: speed benchmark (issue 13). A benchmark, not a test: it
# is not part of `make check`. Usage: tools/bench_speed.sh [LLR]
#
# Section "exec": round trips against distinct prefixes of a model behind a
# process. The model (an ISAN, V d T of BENCH_SPEED_CELL, default the bench
# grid's "8 3 7", seed 1) is served by `llr serve` behind `tee`, so that the
# server's own log of requests is kept; for `llr learn`, `llr tv --exact`
# and `llr compare` (Monte Carlo, --samples 100000) it records the client's
# counters from the JSON (`exec`: round trips, requests, prefixes, the
# sequences of sample requests), checks them against that log
# (tests/exec_log.py), and prints a table. The same commands against
# tools/serve_isan.py speaking protocol version 1 (one prefix per request,
# no batching: what a version 1 server gets) give the reference rows.
# Target (issue 13): round trips at most a tenth of the distinct prefixes
# for llr tv --exact and llr compare.
#
# Raw results: build/bench-speed/exec.tsv; per-run JSON, stderr and request
# logs in build/bench-speed/runs/. Exit status 1 when a run fails, a count
# disagrees with the server's log, or a target is missed.
set -uo pipefail

LLR=$(realpath "${1:-build/llr}")
PY=/usr/bin/python3
SRC=$(cd "$(dirname "$0")/.." && pwd)
OUT=$SRC/build/bench-speed
read -r V D T <<< "${BENCH_SPEED_CELL:-8 3 7}"
EPS=${BENCH_SPEED_EPS:-0.05}
MC=${BENCH_SPEED_MC:-100000}

if [[ ! -x $LLR ]]; then
  echo "tools/bench_speed.sh: $LLR is not an executable (run make first)" >&2
  exit 2
fi
rm -rf "$OUT"
mkdir -p "$OUT/runs"
M=$OUT/isan.st
"$LLR" gen isan --vocab "$V" --rank "$D" --horizon "$T" --seed 1 -o "$M" \
  >/dev/null || exit 1

status=0
TSV=$OUT/exec.tsv
printf 'command\tprotocol\tround_trips\trequests\tprefixes\tdistinct\tsamples\tseconds\tlog_check\ttarget\n' >"$TSV"

# exec_row NAME PROTO ROLE SHOWN TARGET CMD...: run CMD (whose model is
# "exec:$SERVER"), check the JSON's exec.ROLE against the server's log and
# record exec.SHOWN (the same, or llr learn's teacher_learning) as a row.
exec_row() {
  local name=$1 proto=$2 role=$3 shown=$4 target=$5
  shift 5
  local id=${name// /_}_v$proto log=$OUT/runs/${name// /_}_v$proto.requests
  local t0=$EPOCHREALTIME
  "$@" >"$OUT/runs/$id.json" 2>"$OUT/runs/$id.err"
  local rc=$? t1=$EPOCHREALTIME
  local secs
  secs=$($PY -c "print('%.2f' % ($t1 - $t0))")
  if [[ $rc -ne 0 ]]; then
    printf '%s\t%s\tFAILED\t\t\t\t\t%s\t\t\n' "$name" "$proto" "$secs" >>"$TSV"
    sed 's/^/  /' "$OUT/runs/$id.err" >&2
    status=1
    return
  fi
  local check="ok"
  if ! $PY "$SRC/tests/exec_log.py" "$OUT/runs/requests.log" \
      "$OUT/runs/$id.json" "$role" >"$OUT/runs/$id.check"; then
    check="MISMATCH"
    status=1
  fi
  mv "$OUT/runs/requests.log" "$log"
  $PY - "$OUT/runs/$id.json" "$shown" "$target" "$secs" "$check" \
      "$name" "$proto" >>"$TSV" <<'PY' || status=1
import json, sys
path, role, target, secs, check, name, proto = sys.argv[1:8]
x = json.load(open(path))["exec"][role]
met = ""
if target == "tenth":
    met = "met" if 10 * x["round_trips"] <= x["distinct_prefixes"] else "MISSED"
print("\t".join(map(str, (name, proto, x["round_trips"], x["requests"],
                          x["prefixes"], x["distinct_prefixes"],
                          x["samples"], secs, check, met))))
sys.exit(1 if met == "MISSED" else 0)
PY
}

echo "== exec: round trips against distinct prefixes (ISAN V=$V d=$D T=$T;"
echo "   protocol 2: llr serve; protocol 1: tools/serve_isan.py --protocol 1,"
echo "   the reference without batching; target for protocol 2 only)"
for proto in 2 1; do
  if [[ $proto == 2 ]]; then
    SERVER="tee $OUT/runs/requests.log | $LLR serve $M"
  else
    SERVER="tee $OUT/runs/requests.log | $PY $SRC/tools/serve_isan.py $M --protocol 1"
  fi
  exec_row "llr learn --eps $EPS" "$proto" teacher teacher_learning "" \
    "$LLR" learn "exec:$SERVER" --rank "$D" --eps "$EPS" \
    -o "$OUT/runs/learned_v$proto.st" --json
  target=$([[ $proto == 2 ]] && echo tenth)
  exec_row "llr tv --exact" "$proto" b b "$target" \
    "$LLR" tv "$M" "exec:$SERVER" --exact --json
  exec_row "llr compare --samples $MC" "$proto" candidate candidate "$target" \
    "$LLR" compare "$M" "exec:$SERVER" --samples "$MC" --json
done

# The table (llr learn's row: the learning alone, without the exact TV of
# the result that llr learn computes afterwards; its log check covers both).
$PY - "$TSV" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter="\t"))
head = ["command", "proto", "round trips", "requests", "distinct",
        "distinct/trip", "samples", "seconds", "server log", "<= 1/10"]
out = [head]
for r in rows[1:]:
    cmd, proto, trips, reqs, pre, dist, samples, secs, check, met = r
    ratio = ("%.0f" % (int(dist) / int(trips))) if trips.isdigit() and int(trips) else ""
    out.append([cmd, proto, trips, reqs, dist, ratio, samples, secs, check,
                met or "-"])
w = [max(len(r[i]) for r in out) for i in range(len(head))]
for r in out:
    print("  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i])
                    for i, c in enumerate(r)))
PY
echo "(rows: ${TSV#"$SRC"/})"
exit $status
