#!/bin/sh
# make demo: generate the default ISAN, sample it, print its spectrum and its
# TV distance to a perturbed copy. Files go to build/demo/.
set -eu
LLR=${1:-build/llr}
D=build/demo
mkdir -p "$D"
V=4 RANK=3 T=6 SEED=1 EPS=0.1
echo "== llr gen isan: V=$V, d=$RANK, T=$T, seed $SEED"
"$LLR" gen isan --vocab $V --rank $RANK --horizon $T --seed $SEED -o "$D/isan.safetensors"
echo "== llr sample: 5 sequences, seed 7"
"$LLR" sample "$D/isan.safetensors" -n 5 --seed 7
echo "== llr spectrum at cut 2 (all histories and futures): rank $RANK expected"
"$LLR" spectrum "$D/isan.safetensors" --cut 2
echo "== llr gen approx: the same ISAN, every logit perturbed by less than $EPS"
"$LLR" gen approx --vocab $V --rank $RANK --horizon $T --seed $SEED --eps $EPS -o "$D/approx.safetensors"
echo "== llr tv: the ISAN against its perturbed copy"
"$LLR" tv "$D/isan.safetensors" "$D/approx.safetensors"
