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

# Section "time": seconds of the LP-bound commands with cold LPs (the
# previous version's path, LLR_LP_COLD=1) and warm-started LPs (the
# default), both on 1 thread, then warm on all the online cores
# (--threads N, N = nproc), in the same run, with the ratios. Rows: the
# exact TV of a learned ISAN (V d T of BENCH_SPEED_TIME_CELL, default
# "8 3 7", seed 11, --eps 0.01) against its teacher (target: <= 20 s), the
# learning of that ISAN, and the learning of an ARPA trigram model of
# docs/mathematics.md (tools/make_arpa.py --order 3 --lower --min-count 23:
# V = 41) at --horizon 4 --rank 80 --eps 0.01 (target: <= 30 s; llr
# learn's "seconds", the learning alone, without the exact TV of the result
# that llr learn computes afterwards). A run is cut off after
# BENCH_SPEED_TIMEOUT seconds (default 600) and shown as "> N" (wall) and
# "> its CPU seconds until then". BENCH_SPEED_ARPA=0 skips the ARPA rows.
# BENCH_SPEED_TIME=0 skips this section, BENCH_SPEED_EXEC=0 the next.
TMO=${BENCH_SPEED_TIMEOUT:-600}
NT=$(nproc)
TTSV=$OUT/time.tsv
printf 'what\tlp\tthreads\twall\tcpu\tlearn_seconds\n' >"$TTSV"
# time_row WHAT LP THREADS KEY CMD...: run CMD --threads THREADS with
# LLR_LP_COLD set for LP=cold; record its wall and CPU (user + system)
# seconds, and KEY of its JSON (llr learn's "seconds": the learning alone)
# unless KEY is "-".
time_row() {
  local what=$1 lp=$2 nt=$3 key=$4
  shift 4
  local id=time_${what//[^a-zA-Z0-9]/_}_${lp}_$nt cold=0
  [[ $lp == cold ]] && cold=1
  LLR_LP_COLD=$cold /usr/bin/time -f "%e %U %S" -o "$OUT/runs/$id.time" \
    timeout "$TMO" "$@" --threads "$nt" >"$OUT/runs/$id.json" \
    2>"$OUT/runs/$id.err"
  local rc=$? wall cpu learn=-
  read -r wall cpu <<< "$(awk 'END {printf "%.2f %.2f", $1, $2 + $3}' \
    "$OUT/runs/$id.time")"
  if [[ $rc -eq 124 ]]; then
    wall="> $TMO" cpu="> $cpu" # the CPU seconds used until the cut-off
  elif [[ $rc -ne 0 ]]; then
    wall=FAILED cpu=FAILED
    status=1
  elif [[ $key != - ]]; then
    learn=$($PY -c "import json,sys; print('%.2f' % json.load(open(sys.argv[1]))[sys.argv[2]])" \
      "$OUT/runs/$id.json" "$key")
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$what" "$lp" "$nt" "$wall" "$cpu" \
    "$learn" >>"$TTSV"
}
if [[ ${BENCH_SPEED_TIME:-1} != 0 ]]; then
  read -r TV_ TD_ TT_ <<< "${BENCH_SPEED_TIME_CELL:-8 3 7}"
  TM=$OUT/time_isan.st
  "$LLR" gen isan --vocab "$TV_" --rank "$TD_" --horizon "$TT_" --seed 11 \
    -o "$TM" >/dev/null || exit 1
  "$LLR" learn "$TM" --rank "$TD_" --eps 0.01 -o "$OUT/time_learned.gls" \
    >/dev/null || exit 1
  ARPA=$OUT/mathematics3.arpa
  $PY "$SRC/tools/make_arpa.py" --order 3 --lower --min-count 23 \
    "$SRC/docs/mathematics.md" "$ARPA" >/dev/null || exit 1
  AV=$("$LLR" info "$ARPA" --horizon 4 | awk '/^vocab:/ {print $2}')
  for run in "cold 1" "warm 1" "warm $NT"; do
    read -r lp nt <<< "$run"
    time_row "llr tv --exact (learned ISAN V=$TV_ d=$TD_ T=$TT_)" $lp $nt - \
      "$LLR" tv "$TM" "$OUT/time_learned.gls" --exact --json
    time_row "llr learn (ISAN V=$TV_ d=$TD_ T=$TT_, eps 0.01)" $lp $nt \
      seconds "$LLR" learn "$TM" --rank "$TD_" --eps 0.01 \
      -o "$OUT/runs/time_isan_${lp}_$nt.gls" --json
    [[ ${BENCH_SPEED_ARPA:-1} == 0 ]] ||
      time_row "llr learn (ARPA V=$AV T=4, rank 80, eps 0.01)" $lp $nt \
        seconds "$LLR" learn "$ARPA" --horizon 4 --rank 80 --eps 0.01 \
        -o "$OUT/runs/time_arpa_${lp}_$nt.gls" --json
  done
  echo "== time: cold LPs (LLR_LP_COLD=1, the previous path) against"
  echo "   warm-started LPs (the default), same run, 1 thread, then warm on"
  echo "   all $NT online cores (--threads $NT); seconds: wall and CPU of the"
  echo "   whole command, and llr learn's own \"seconds\" (the learning,"
  echo "   without the exact TV of its result)"
  $PY - "$TTSV" "$NT" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter="\t"))[1:]
nt = sys.argv[2]
order, t = [], {}
for what, lp, th, wall, cpu, learn in rows:
    if what not in t:
        order.append(what)
        t[what] = {}
    t[what][(lp, th)] = (wall, cpu, learn)
def num(x):
    try:
        return float(x)
    except ValueError:
        return None
def ratio(a, b):
    if num(a) and num(b):
        return "%.2f" % (num(a) / num(b))
    if a.startswith(">") and num(b):
        return "> %.1f" % (float(a.split()[1]) / num(b))
    return ""
out = [["command", "cold wall", "cold cpu", "cold learn",
        "warm wall", "warm cpu", "warm learn",
        "x%s wall" % nt, "x%s cpu" % nt,
        "cpu cold/warm", "wall warm/x%s" % nt]]
for what in order:
    e = ("", "", "")
    c = t[what].get(("cold", "1"), e); w = t[what].get(("warm", "1"), e)
    p = t[what].get(("warm", nt), e) if nt != "1" else e
    out.append([what, c[0], c[1], c[2], w[0], w[1], w[2], p[0], p[1],
                ratio(c[1], w[1]), ratio(w[0], p[0])])
wd = [max(len(r[i]) for r in out) for i in range(len(out[0]))]
for r in out:
    print("  ".join(x.ljust(wd[i]) if i == 0 else x.rjust(wd[i])
                    for i, x in enumerate(r)))
PY
  echo "(rows: ${TTSV#"$SRC"/})"
fi

if [[ ${BENCH_SPEED_EXEC:-1} == 0 ]]; then
  exit $status
fi
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
