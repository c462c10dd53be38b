#!/bin/sh
# make demo: the default job. Generate the default ISAN (V=8, d=3, T=6),
# sample it, print its spectrum and its TV to a perturbed copy, then learn
# it with GLS2's learner and the two baselines, and print the two resources
# (distinct logit queries against the exhaustive count, teacher samples),
# the certified TV and the exact TV side by side.
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
