#!/usr/bin/env bash
# make bench: query-count benchmark of the three learners (docs/bench.md).
#
# Usage: tools/bench.sh [LLR]        (default LLR=build/llr)
#
# For every cell (V, d, T) of the grid it generates an ISAN with `llr gen
# isan`, runs `llr learn --method gls|spectral|exhaustive --json` on it and
# records distinct queries, exact TV (model against learned copy) and the
# learner's own `seconds`. On the sweep cell it also varies --eps for gls and
# --spanner-n for spectral, to give several points per method for the plot.
#
# Raw results:  build/bench/results.tsv (one row per run; per-run JSON and
#               stderr are kept in build/bench/runs/)
# Table:        stdout
# Plot:         docs/plots/queries.png (tools/queries.gp, gnuplot)
#
# A failing run (non-zero exit, or no JSON) is shown as FAILED in the table,
# with its error message verbatim; the script then exits 1 after writing the
# table and the plot. This is a benchmark, not a test: it is not part of
# `make check`.
set -uo pipefail

LLR=${1:-build/llr}
PY=/usr/bin/python3
SEED=${BENCH_SEED:-1}
OUT=build/bench
PNG=docs/plots/queries.png

# The grid: "V d T" per cell; default settings (gls --eps 0.05, spectral
# --spanner-n 8d+8) on every cell.
# BENCH_GRID="3 2 5;8 3 5" and BENCH_SWEEP_CELL="8 3 5" override both (for a
# quick run; docs/bench.md shows the default).
IFS=';' read -r -a GRID <<< "${BENCH_GRID:-3 2 5;4 3 6;8 3 5;8 3 7}"
GRID_EPS=0.05
# The sweep cell (must be in GRID) and its extra settings. Spectral:
# n = d-1 (fewer histories than the rank: expected to fail to reach TV 0),
# 4, and 32d; 8d+8 is already in the grid run.
SWEEP_CELL=${BENCH_SWEEP_CELL:-8 3 7}
SWEEP_GLS_EPS=(0.2 0.01)
sweep_spectral_n() { local d=$1; echo "$((d - 1)) 4 $((32 * d))"; }

if [[ ! -x $LLR ]]; then
  echo "tools/bench.sh: $LLR is not an executable (run make first)" >&2
  exit 2
fi
command -v gnuplot >/dev/null || { echo "tools/bench.sh: gnuplot not found (make deps-plots)" >&2; exit 2; }

rm -rf "$OUT"
mkdir -p "$OUT/models" "$OUT/runs" "$OUT/learned" "$(dirname "$PNG")"
MANIFEST=$OUT/manifest.tsv
printf 'id\tV\td\tT\tsweep\tmethod\teps\tspanner_n\trc\twall\tgen_error\n' > "$MANIFEST"

nruns=0
for cell in "${GRID[@]}"; do
  read -r V d T <<< "$cell"
  nruns=$((nruns + 3))
  [[ $cell == "$SWEEP_CELL" ]] && nruns=$((nruns + ${#SWEEP_GLS_EPS[@]} + $(sweep_spectral_n "$d" | wc -w)))
done

t_start=$EPOCHREALTIME
i=0
# run V d T sweep method eps spanner_n(or -) gen_error(or -)
run() {
  local V=$1 d=$2 T=$3 sweep=$4 method=$5 eps=$6 sn=$7 generr=$8
  i=$((i + 1))
  local id; id=$(printf '%02d' "$i")
  local model=$OUT/models/isan_V${V}_d${d}_T${T}.safetensors
  local args=(learn "$model" --rank "$d" --eps "$eps" --method "$method"
              --seed "$SEED" -o "$OUT/learned/$id-$method.safetensors" --json)
  [[ $sn != - ]] && args+=(--spanner-n "$sn")
  local label="V=$V d=$d T=$T $method eps=$eps"
  [[ $sn != - ]] && label+=" spanner-n=$sn"
  printf '[%2d/%d] %-50s ' "$i" "$nruns" "$label" >&2
  local rc wall t0=$EPOCHREALTIME
  if [[ $generr != - ]]; then
    rc=gen; : > "$OUT/runs/$id.json"; : > "$OUT/runs/$id.err"
  else
    echo "$LLR ${args[*]}" > "$OUT/runs/$id.cmd"
    "$LLR" "${args[@]}" > "$OUT/runs/$id.json" 2> "$OUT/runs/$id.err"
    rc=$?
  fi
  wall=$("$PY" -c "print(f'{$EPOCHREALTIME - $t0:.3f}')")
  if [[ $rc == 0 ]]; then echo "${wall} s" >&2; else echo "FAILED (rc=$rc) after ${wall} s" >&2; fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$id" "$V" "$d" "$T" "$sweep" "$method" "$eps" "$sn" "$rc" "$wall" "$generr" >> "$MANIFEST"
}

for cell in "${GRID[@]}"; do
  read -r V d T <<< "$cell"
  model=$OUT/models/isan_V${V}_d${d}_T${T}.safetensors
  generr=-
  if ! gout=$("$LLR" gen isan --vocab "$V" --rank "$d" --horizon "$T" --seed "$SEED" -o "$model" 2>&1); then
    generr=$(echo "llr gen isan failed: $gout" | tr '\t\n' '  ')
  fi
  run "$V" "$d" "$T" 0 gls "$GRID_EPS" - "$generr"
  run "$V" "$d" "$T" 0 spectral "$GRID_EPS" "$((8 * d + 8))" "$generr"
  run "$V" "$d" "$T" 0 exhaustive "$GRID_EPS" - "$generr"
  if [[ $cell == "$SWEEP_CELL" ]]; then
    for e in "${SWEEP_GLS_EPS[@]}"; do run "$V" "$d" "$T" 1 gls "$e" - "$generr"; done
    for n in $(sweep_spectral_n "$d"); do run "$V" "$d" "$T" 1 spectral "$GRID_EPS" "$n" "$generr"; done
  fi
done
total=$("$PY" -c "print(f'{$EPOCHREALTIME - $t_start:.1f}')")

# Collect the JSON reports into results.tsv, print the table, write the plot
# data (sweep cell only: every run on it, grid and sweep settings alike).
read -r SV Sd ST <<< "$SWEEP_CELL"
"$PY" - "$OUT" "$SV" "$Sd" "$ST" "$SEED" "$total" <<'EOF'
import csv, json, os, sys

out, SV, Sd, ST, seed, total = sys.argv[1], *map(int, sys.argv[2:6]), sys.argv[6]
rows = list(csv.DictReader(open(os.path.join(out, "manifest.tsv")), delimiter="\t"))

def exhaustive_count(V, T):
    return sum(V ** t for t in range(T))

results = []
for r in rows:
    V, d, T = int(r["V"]), int(r["d"]), int(r["T"])
    res = dict(id=r["id"], V=V, d=d, T=T, sweep=int(r["sweep"]), method=r["method"],
               eps=float(r["eps"]),
               spanner_n=None if r["spanner_n"] == "-" else int(r["spanner_n"]),
               wall=float(r["wall"]), status="ok", error="",
               distinct=None, queries=None, tv=None, seconds=None,
               exhaustive=exhaustive_count(V, T))
    err_path = os.path.join(out, "runs", r["id"] + ".err")
    err = open(err_path).read().strip() if os.path.exists(err_path) else ""
    if r["rc"] == "gen":
        res["status"], res["error"] = "FAILED", r["gen_error"]
    elif r["rc"] != "0":
        res["status"], res["error"] = "FAILED", f"exit {r['rc']}: {err}"
    else:
        try:
            j = json.load(open(os.path.join(out, "runs", r["id"] + ".json")))
            res["distinct"] = int(j["distinct_queries"])
            res["queries"] = int(j["queries"])
            res["seconds"] = float(j["seconds"])
            res["tv"] = j.get("tv")
            if int(j["exhaustive_queries"]) != res["exhaustive"]:
                res["status"] = "FAILED"
                res["error"] = (f"exhaustive_queries {j['exhaustive_queries']} != "
                                f"sum_t V^t = {res['exhaustive']}")
            elif r["method"] == "exhaustive" and res["distinct"] != res["exhaustive"]:
                res["status"] = "FAILED"
                res["error"] = (f"exhaustive made {res['distinct']} distinct queries, "
                                f"expected {res['exhaustive']}")
        except (OSError, ValueError, KeyError, TypeError) as e:
            res["status"], res["error"] = "FAILED", f"bad JSON report ({e}); stderr: {err}"
    res["error"] = " ".join(res["error"].split())
    results.append(res)

cols = ["V", "d", "T", "method", "sweep", "eps", "spanner_n", "status", "distinct",
        "queries", "exhaustive", "ratio", "tv", "seconds", "wall", "error"]
with open(os.path.join(out, "results.tsv"), "w") as f:
    f.write("\t".join(cols) + "\n")
    for r in results:
        r["ratio"] = None if r["distinct"] is None else r["distinct"] / r["exhaustive"]
        f.write("\t".join("" if r[c] is None else repr(r[c]) if isinstance(r[c], float)
                          else str(r[c]) for c in cols) + "\n")

order = {"gls": 0, "spectral": 1, "exhaustive": 2}
name = {"gls": "gls", "spectral": "spectral (baseline)", "exhaustive": "exhaustive (baseline)"}
def setting(r):
    if r["method"] == "gls":
        return f"eps={r['eps']:g}"
    if r["method"] == "spectral":
        n, d = r["spanner_n"], r["d"]
        tag = " (8d+8)" if n == 8 * d + 8 else " (32d)" if n == 32 * d else " (d-1)" if n == d - 1 else ""
        return f"n={n}{tag}"
    return "-"
def key(r):
    return (r["V"], r["d"], r["T"], order[r["method"]],
            -r["eps"] if r["method"] == "gls" else (r["spanner_n"] or 0))

hdr = (f"{'V':>2} {'d':>2} {'T':>2}  {'method':<21} {'setting':<14} {'distinct':>8} "
       f"{'exhaustive':>10} {'ratio':>7}  {'TV':>9} {'learn s':>8} {'wall s':>7}  status")
print(f"llr learn benchmark: ISAN from `llr gen isan --seed {seed}`, learner --seed {seed}, "
      f"exact oracle (no --xi, no --quantum)")
print(hdr)
print("-" * len(hdr))
prev = None
for r in sorted(results, key=key):
    cell = (r["V"], r["d"], r["T"])
    if prev is not None and cell != prev:
        print()
    prev = cell
    ok = r["distinct"] is not None
    tv = "n/a" if r["tv"] is None else f"{r['tv']:.2e}"
    print(f"{r['V']:>2} {r['d']:>2} {r['T']:>2}  {name[r['method']]:<21} {setting(r):<14} "
          + (f"{r['distinct']:>8} {r['exhaustive']:>10} {r['ratio']:>7.4f}  {tv:>9} "
             f"{r['seconds']:>8.3f} " if ok else
             f"{'-':>8} {r['exhaustive']:>10} {'-':>7}  {'-':>9} {'-':>8} ")
          + f"{r['wall']:>7.2f}  " + (r["status"] if r["status"] == "ok" else "FAILED"))
print("-" * len(hdr))
print("distinct = distinct queries; exhaustive = sum_{t<T} V^t (what the exhaustive baseline "
      "queries);\nratio = distinct / exhaustive; TV = exact total variation between the model "
      "and the learned copy;\nlearn s = the learner's `seconds` (learning only); wall s = the whole "
      "`llr learn` call,\nincluding the exact-TV evaluation. spectral n = --spanner-n (sampled "
      "histories); n=d-1 is\ndeliberately below the rank d, to show the baseline failing to "
      "recover the model (status ok:\nthe run succeeded; the TV is that of what it learned).")
failed = [r for r in results if r["status"] != "ok"]
for r in failed:
    print(f"FAILED: V={r['V']} d={r['d']} T={r['T']} {r['method']} {setting(r)}: {r['error']}")
print(f"{len(results)} runs, {len(failed)} failed, {total} s")

for m in order:
    with open(os.path.join(out, f"plot_{m}.dat"), "w") as f:
        f.write("# distinct_queries\ttv\tlabel\n")
        pts = sorted((r for r in results if (r["V"], r["d"], r["T"]) == (SV, Sd, ST)
                      and r["method"] == m and r["distinct"] is not None and r["tv"] is not None),
                     key=lambda r: r["distinct"])
        for r in pts:
            f.write(f"{r['distinct']}\t{r['tv']!r}\t\"{setting(r).split(' ')[0]}\"\n")
sys.exit(1 if failed else 0)
EOF
status=$?

gnuplot -e "datadir='$OUT'; outfile='$PNG'; V=$SV; d=$Sd; T=$ST; seed=$SEED" tools/queries.gp \
  || { echo "tools/bench.sh: gnuplot failed" >&2; exit 1; }
echo "wrote $OUT/results.tsv and $PNG"
exit $status
