#!/bin/sh
# make demo: the default job. Generate the default ISAN (V=8, d=3, T=6),
# sample it, print its spectrum and its TV to a perturbed copy, then learn
# it with GLS2's learner and the two baselines, and print the two resources
# (distinct logit queries against the exhaustive count, teacher samples),
# the certified TV and the exact TV side by side; then learn the perturbed
# copy, which is only approximately of rank 3, with the spectral baseline
# and with gls at the baseline's distinct logit queries (--budget), and
# without a budget (spec/learner.md rule 10: gls stops and returns a
# model, certified).
# Files go to build/demo/.
set -eu
LLR=${1:-build/llr}
D=build/demo
mkdir -p "$D"
V=8 RANK=3 T=6 SEED=1 EPS=0.1 TARGET=0.01
M="$D/isan.safetensors"
echo "== llr gen isan: V=$V, d=$RANK, T=$T, seed $SEED"
"$LLR" gen isan --vocab $V --rank $RANK --horizon $T --seed $SEED -o "$M"
echo "== llr sample: 3 sequences, seed 7"
"$LLR" sample "$M" -n 3 --seed 7
echo "== llr spectrum at cut 2: rank $RANK expected"
"$LLR" spectrum "$M" --cut 2
echo "== llr tv: against a copy with every logit perturbed by less than $EPS"
"$LLR" gen approx --vocab $V --rank $RANK --horizon $T --seed $SEED --eps $EPS -o "$D/approx.safetensors"
"$LLR" tv "$M" "$D/approx.safetensors"
echo "== llr learn: from logit queries and teacher samples, target TV $TARGET"
printf '%-22s %14s %10s %8s %14s %12s\n' method logit_queries exhaustive samples "certified TV" "exact TV"
for method in gls spectral exhaustive; do
    "$LLR" learn "$M" --rank $RANK --eps $TARGET --method $method --seed 1 \
        -o "$D/learned-$method.safetensors" --json >"$D/learn-$method.json"
    label=$method
    [ "$method" = gls ] || label="$method (baseline)"
    /usr/bin/python3 - "$D/learn-$method.json" "$label" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("%-22s %14d %10d %8d %14.6f %12.3g" % (sys.argv[2], r["distinct_queries"], r["exhaustive_queries"],
                                           r["samples"], r["tv_certified"], r["tv"]))
PY
done
echo "(logit queries: distinct prefixes queried; samples: teacher samples with their"
echo "log-probabilities, the certificate's included; certified TV: with probability"
echo ">= 0.95 the TV is at most this, from fresh samples alone; exact TV: enumerated)"
A="$D/approx.safetensors"
echo "== llr learn on the perturbed copy (approximately rank $RANK): same rank, target TV $TARGET"
printf '%-22s %14s %8s %14s %12s  %s\n' method logit_queries samples "certified TV" "exact TV" ended
row() { # label json
    /usr/bin/python3 - "$2" "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ended = "target met" if r["target_met"] else "stopped: %s" % r.get("stopped", "-")
if "stopped" not in r:
    ended = "target met" if r["target_met"] else "target not met"
print("%-22s %14d %8d %14.6f %12.3g  %s" % (sys.argv[2], r["distinct_queries"], r["samples"],
                                            r["tv_certified"], r["tv"], ended))
PY
}
"$LLR" learn "$A" --rank $RANK --eps $TARGET --method spectral --seed 1 \
    -o "$D/approx-spectral.safetensors" --json >"$D/approx-spectral.json"
row "spectral (baseline)" "$D/approx-spectral.json"
B=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["distinct_queries"])' "$D/approx-spectral.json")
"$LLR" learn "$A" --rank $RANK --eps $TARGET --budget "$B" --seed 1 \
    -o "$D/approx-gls.safetensors" --json >"$D/approx-gls.json" 2>"$D/approx-gls.err"
row "gls --budget $B" "$D/approx-gls.json"
"$LLR" learn "$A" --rank $RANK --eps $TARGET --seed 1 \
    -o "$D/approx-gls-nobudget.safetensors" --json >"$D/approx-gls-nobudget.json" 2>"$D/approx-gls-nobudget.err"
row "gls (no budget)" "$D/approx-gls-nobudget.json"
echo "(gls's budget: the distinct logit queries of the spectral baseline's run; a run that"
echo "stops without its target returns the model read by least squares over denoised"
echo "rows, certified; its reason is on stderr, kept in build/demo/approx-gls*.err)"

