#!/bin/sh
# proofs/run.sh - prove the ACSL contracts of the files of proofs/plan.tsv
# with Frama-C/WP: each line of the plan is one run on one file, in the
# IEEE model (typed memory, IEEE floats: the defaults, with -wp-rte) or in
# the real model (-wp-model real, the exact-arithmetic idealisation, only
# the LLR_EXACT clauses); then check the results against
# proofs/results/*.json and print a table of all functions.
#
#   proofs/run.sh [--only FILE]            prove; fail on any unproved
#                       goal, and when the goal counts differ from
#                       proofs/results/*.json
#   proofs/run.sh --update [--only FILE]   prove; fail on any unproved
#                       goal; rewrite proofs/results/*.json
#
# --only FILE (`make proofs ONLY=FILE`): only the runs of FILE (a file of
# the plan, e.g. src/kernels/softmax.c), only its committed results, only
# its rows of the table; with --update, only its results JSON and its
# entries of summary.json (whose totals are recomputed).
#
# `make proofs` / `make proofs-update` run it after `make deps-proofs`.
# Everything it writes besides proofs/results/ goes under build/: the Why3
# configuration (build/why3.conf), the WP proof cache (build/wp-cache) and
# the logs and raw reports (build/proofs/).
set -eu

cd "$(dirname "$0")/.."
root=$(pwd)

usage() {
  echo "usage: proofs/run.sh [--update] [--only FILE]" >&2; exit 2; }
mode=check
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --update) mode=update ;;
    --only) [ $# -ge 2 ] || usage; only=${2#./}; shift ;;
    *) usage ;;
  esac
  shift
done

# Pinned proof settings, common to every run. The timeout is per prover
# and goal, in seconds of wall-clock time; every goal proves in well under
# 4 s on a 2-core machine, so 20 s leaves room for a loaded machine without
# hiding a regression (a line of the plan may raise it).
timeout=20
provers=z3,cvc5,cvc4
par=2

# What is proved: proofs/plan.tsv (its header says what each column means).
plan=proofs/plan.tsv
tab=$(printf '\t')
# The plan's lines without comments and blank lines.
plan_lines() { grep -v -e '^#' -e '^[[:space:]]*$' "$plan"; }
bad=$(plan_lines | while IFS="$tab" read -r file model sel leftout opts why
  do
    case "$model" in ieee|real) ;; *) echo "$file: model '$model'" ;; esac
    case "$sel" in
      all|only:?*|skip:?*) ;;
      *) echo "$file: functions '$sel'" ;;
    esac
    [ -f "$file" ] || echo "$file: no such file"
    [ -n "$why" ] || echo "$file: fewer than 6 columns"
  done)
if [ -n "$bad" ]; then
  printf '%s\n' "$bad" | sed "s|^|proofs: $plan: |" >&2; exit 2
fi
if [ -n "$only" ] && ! plan_lines | cut -f1 | grep -qxF "$only"; then
  echo "proofs: $only is not in $plan; its files:" >&2
  plan_lines | cut -f1 | uniq | sed 's/^/  /' >&2
  exit 2
fi

out=build/proofs
mkdir -p "$out" proofs/results
export WHY3CONFIG="$root/build/why3.conf"

# --- 1. Why3: detect the provers, add cvc5 (docs/verification.md) -------
# Rebuilt from scratch on every run (cheap), so it is idempotent and always
# matches the installed provers.
tmpconf="$root/build/why3.conf.tmp"
rm -f "$tmpconf"
WHY3CONFIG="$tmpconf" why3 config detect >"$out/why3-detect.log" 2>&1 || {
  cat "$out/why3-detect.log" >&2; exit 1; }
cvc5_version=$(cvc5 --version 2>/dev/null |
  sed -n 's/^This is cvc5 version \([^ ]*\).*/\1/p' | head -n 1)
[ -n "$cvc5_version" ] || { echo "proofs: cvc5 not found" >&2; exit 1; }
cat >>"$tmpconf" <<EOF

[prover]
command = "cvc5 --tlimit-per=%t000 --lang=smt2 %f"
driver = "$root/proofs/cvc5.drv"
editor = ""
in_place = false
interactive = false
name = "CVC5"
shortcut = "cvc5"
version = "$cvc5_version"
EOF
mv "$tmpconf" "$WHY3CONFIG"
for p in Z3 CVC4 CVC5; do
  why3 config list-provers 2>/dev/null | grep -q "^$p " || {
    echo "proofs: Why3 does not see prover $p (see $out/why3-detect.log)" >&2
    exit 1; }
done

# --- 2. WP on each file ----------------------------------------------------
# The ACSL logic the contracts use is in spec/*.acsl: each header (or .c
# file with contracts of its own) includes the files it uses under
# #ifdef __FRAMAC__, which Frama-C defines and the compiler does not.
# All IEEE runs first, then all real-model runs, each in the order of the
# plan.
start_all=$(date +%s)
rm -f "$out/failed.txt"
set -f  # the options column is split into words, never globbed
for model in ieee real; do
plan_lines | while IFS="$tab" read -r file model_ sel leftout opts why; do
  [ "$model_" = "$model" ] || continue
  [ -z "$only" ] || [ "$file" = "$only" ] || continue
  name=$(basename "$file" .c)
  [ "$model" = real ] && name="$name.real"
  set --
  case "$sel" in
    all) ;;
    only:*) set -- -wp-fct "${sel#only:}" ;;
    skip:*) set -- -wp-skip-fct "${sel#skip:}" ;;
  esac
  [ "$opts" = - ] || set -- "$@" $opts
  rte=-wp-rte
  exact=""
  if [ "$model" = real ]; then
    rte=""; exact=" -DLLR_EXACT_MODEL"
    set -- "$@" -wp-model real -wp-prop=exact
  fi
  if [ "$leftout" != - ]; then
    props=""
    for p in $(echo "$leftout" | tr ',' ' '); do props="$props,-$p"; done
    set -- "$@" "-wp-prop=${props#,}"
  fi
  rm -f "$out/$name.wp.json" "$out/$name.csv"
  t0=$(date +%s)
  label="$file"
  [ "$model" = real ] && label="$file (real model)"
  printf 'proofs: %-16s ' "$label"
  # frama-c -wp exits 0 even when goals fail: report.py judges the results.
  if frama-c -wp $rte -wp-prover "$provers" -wp-par "$par" \
       -wp-timeout "$timeout" -wp-cache update -wp-cache-dir build/wp-cache \
       -cpp-extra-args="-D_GNU_SOURCE -Isrc$exact" \
       -wp-report-json "$out/$name.wp.json" "$@" "$file" \
       -then -report-csv "$out/$name.csv" </dev/null >"$out/$name.log" 2>&1
  then
    printf '%s (%ss)\n' "$(grep 'Proved goals:' "$out/$name.log" | tail -n 1 |
      sed 's/.*Proved goals: *//')" "$(( $(date +%s) - t0 ))"
  else
    echo "FRAMA-C FAILED (see $out/$name.log)"
    tail -n 20 "$out/$name.log" >&2
    echo failed >>"$out/failed.txt"
  fi
done
done
set +f
echo "proofs: WP finished in $(( $(date +%s) - start_all ))s"
[ ! -s "$out/failed.txt" ] || exit 1

# --- 3./4. JSON results, regression check, table ---------------------------
set -- --mode "$mode" --plan "$plan" --raw "$out" --results proofs/results \
  --timeout "$timeout" --provers "$provers"
[ -z "$only" ] || set -- "$@" --only "$only"
python3 proofs/report.py "$@"
