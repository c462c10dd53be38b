#!/bin/bash
# Traces (llr learn --trace), llr trace diff and llr compare: determinism,
# a single changed number caught with its line and field, tolerances,
# malformed input, and llr compare against llr tv.
# Usage: tests/trace.sh path/to/llr
set -u
. "$(dirname "$0")/lib.sh"
LLR=$(realpath "$1")
TESTS=$(cd "$(dirname "$0")" && pwd)
VEC=$TESTS/vectors
W=$(mktemp -d /tmp/llr-trace-XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"

# A model whose learning needs witnesses (7, in 8 epochs) and tie-breaks.
expect 0 "" "$LLR" gen isan --vocab 2 --rank 3 --horizon 6 --seed 1 -o m.st
expect 0 '"witnesses": 7' "$LLR" learn m.st --rank 3 --eps 0.1 --seed 1 --trace a.jsonl -o la.st --json
distinct=$(grep -o '"distinct_queries": [0-9]*' out.txt | grep -o '[0-9]*$')
expect 0 "" "$LLR" learn m.st --rank 3 --eps 0.1 --seed 1 --trace b.jsonl -o lb.st
check "same seed, byte-identical traces" cmp -s a.jsonl b.jsonl
expect 0 "" "$LLR" learn m.st --rank 3 --eps 0.1 --seed 2 --trace c.jsonl -o lc.st
check "another seed, another trace" bash -c '! cmp -s a.jsonl c.jsonl'
check "no temporary trace files left" bash -c '! ls *.tmp.* 2>/dev/null | grep -q .'

# The schema: every line a JSON object with seq = 0, 1, ... and a type;
# every type of docs/trace.md that this run has; as many query lines as
# distinct queries; reals always written as JSON reals.
check "schema of the trace" python3 - a.jsonl "$distinct" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "", "the trace ends with a newline"
recs = [json.loads(l) for l in lines[:-1]]
for i, r in enumerate(recs):
    assert list(r)[:2] == ["seq", "type"], r
    assert r["seq"] == i, (i, r["seq"])
types = {r["type"] for r in recs}
need = {"learn_begin", "query", "sample", "epoch_begin", "spanner_initial",
        "basis", "round_begin", "validate", "lp", "failure", "witness",
        "epoch_end", "round_end", "certificate", "cut", "learn_end"}
assert need <= types, need - types
assert types <= need | {"spanner_swap", "history"}, types - need
assert sum(r["type"] == "query" for r in recs) == int(sys.argv[2])
assert recs[0]["type"] == "learn_begin" and recs[-1]["type"] == "learn_end"
assert sum(r["type"] == "witness" for r in recs) == recs[-1]["witnesses"] == 7
assert any(r["type"] == "lp" and r["tiebreak"] for r in recs)
# Every sample comes with T log-probabilities; the run ends on a
# certificate of TV <= eps, and learn_end repeats it.
assert all(len(r["logprobs"]) == 6 for r in recs if r["type"] == "sample")
cert = [r for r in recs if r["type"] == "certificate"]
assert cert[-1]["certified"] and cert[-1]["upper"] <= 0.1
assert recs[-1]["tv_certified"] == cert[-1]["upper"]
assert recs[-1]["samples"] == sum(r["type"] == "sample" for r in recs)
# Reals keep a '.' or an exponent: 2.0, never 2.
for l in lines[:-1]:
    r = json.loads(l)
    if r["type"] == "learn_begin":
        assert '"box": 2.0' in l, l
PY
check "the first line is learn_begin" bash -c "head -1 a.jsonl | grep -q '\"type\": \"learn_begin\"'"

# A single changed number: trace diff names the line and the field.
n=$(grep -n '"type": "lp"' a.jsonl | sed -n 400p | cut -d: -f1)
python3 - a.jsonl "$n" >d.jsonl <<'PY'
import math, re, sys
lines = open(sys.argv[1]).read().split("\n")
i = int(sys.argv[2]) - 1
m = re.search(r'"residual": ([^,]*),', lines[i])
x = float(m.group(1))
new = "%.17g" % math.nextafter(x, 1.0)   # the next double up
new += "" if ("." in new or "e" in new) else ".0"
changed = lines[i][:m.start(1)] + new + lines[i][m.end(1):]
assert changed != lines[i]
lines[i] = changed
sys.stdout.write("\n".join(lines))
PY
expect 1 "traces diverge at line $n " "$LLR" trace diff a.jsonl d.jsonl
check "the field is named" grep -q 'field: *\$\.residual$' out.txt
check "the context names the epoch and the sample" grep -Eq 'context: epoch [0-9]+ \(line [0-9]+, [a-z_]+\);.* sample [0-9]+' out.txt
check "the line before is shown" grep -q "line $((n - 1)) (A): " out.txt
expect 0 "equal within rtol 1e-12" "$LLR" trace diff a.jsonl d.jsonl --rtol 1e-12 --atol 1e-300
expect 0 "equal within rtol 0, atol 0: $(wc -l <a.jsonl) lines" "$LLR" trace diff a.jsonl b.jsonl
expect 1 '"path": "\$\.residual"' "$LLR" trace diff a.jsonl d.jsonl --json
check "the JSON report has the line" grep -q "\"line\": $n," out.txt
# A changed integer (a token of a sample) is never within tolerance.
s=$(grep -n '"type": "sample"' a.jsonl | sed -n 3p | cut -d: -f1)
sed "${s}s/\"sequence\": \[\([01]\)/\"sequence\": [9/" a.jsonl >e.jsonl
expect 1 "traces diverge at line $s .*" "$LLR" trace diff a.jsonl e.jsonl --rtol 1 --atol 100
check "an integer field is named" grep -q 'field: *\$\.sequence\[0\]$' out.txt
# Different runs diverge at their first sample.
expect 1 "traces diverge at line" "$LLR" trace diff a.jsonl c.jsonl
# Structure: a missing key, a longer array, a truncated file.
q=$(grep -n '"type": "query"' a.jsonl | head -1 | cut -d: -f1)
sed "${q}s/, \"calls\": [0-9]*//" a.jsonl >f.jsonl
expect 1 "key present in A only" "$LLR" trace diff a.jsonl f.jsonl
check "the missing key is named" grep -q 'field: *\$\.calls$' out.txt
sed "${q}s/\"prefix\": \[/\"prefix\": [0, /" a.jsonl >g.jsonl
len=$(sed -n "${q}p" a.jsonl | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["prefix"]))')
expect 1 "arrays differ in length: $len against $((len + 1))" "$LLR" trace diff a.jsonl g.jsonl
head -100 a.jsonl >h.jsonl
expect 1 "A ends after 100 lines; B goes on" "$LLR" trace diff h.jsonl a.jsonl
expect 1 "traces diverge at line 101" "$LLR" trace diff a.jsonl h.jsonl
# Malformed input, missing files, usage.
{ head -6 a.jsonl; echo '{"seq": 6, "type": "lp", "t": '; } >bad.jsonl
expect 2 "bad.jsonl, line 7: not valid JSON" "$LLR" trace diff a.jsonl bad.jsonl
{ head -2 a.jsonl; echo '[1, 2]'; } >arr.jsonl
expect 2 "arr.jsonl, line 3: a trace line must be a JSON object" "$LLR" trace diff arr.jsonl a.jsonl
expect 2 "no-such.jsonl: cannot open" "$LLR" trace diff a.jsonl no-such.jsonl
expect 2 "expected a subcommand" "$LLR" trace
expect 2 "unknown subcommand 'merge'" "$LLR" trace merge a.jsonl b.jsonl
expect 2 "diff expects two trace files" "$LLR" trace diff a.jsonl
expect 2 "--rtol '-1'" "$LLR" trace diff a.jsonl b.jsonl --rtol -1
expect 0 "usage: llr trace diff" "$LLR" trace --help

# --all with --ignore: two bookkeeping fields (a query's "calls", the
# summary's "tokens") and one LP coefficient changed; ignoring the two
# fields leaves exactly the coefficient.
python3 - a.jsonl >k.jsonl <<'PY'
import json, re, sys
lines = open(sys.argv[1]).read().split("\n")[:-1]
q = next(i for i, l in enumerate(lines) if '"type": "query"' in l and i > 100)
lines[q] = lines[q].replace('"calls": %d,' % json.loads(lines[q])["calls"],
                            '"calls": %d,' % (json.loads(lines[q])["calls"] + 5))
lines[-1] = re.sub(r'"tokens": \d+', '"tokens": 3141', lines[-1], count=1)
lp = [i for i, l in enumerate(lines) if '"type": "lp"' in l]
n = lp[len(lp) // 2]
m = re.search(r'"coefficients": \[[^,\]]*, ([^,\]]*)', lines[n])
x = float(m.group(1)) + 2**-20
lines[n] = lines[n][:m.start(1)] + "%.17g" % x + lines[n][m.end(1):]
sys.stdout.write("\n".join(lines) + "\n")
PY
cl=$(python3 -c "
import json
for i, l in enumerate(open('k.jsonl')):
    if '\"type\": \"lp\"' in l and json.loads(l)['coefficients'] != json.loads(open('a.jsonl').readlines()[i])['coefficients']: print(i + 1)")
expect 1 "traces diverge: 3 divergences" "$LLR" trace diff a.jsonl k.jsonl --all
check "--all lists the two bookkeeping fields and the coefficient" bash -c "grep -q '^  query.calls  *1$' out.txt && grep -q '^  learn_end.tokens  *1$' out.txt && grep -q '^  lp.coefficients  *1$' out.txt"
expect 1 "traces diverge: 1 divergence " "$LLR" trace diff a.jsonl k.jsonl --all --ignore calls --ignore tokens
check "only the coefficient is left" bash -c "grep -q '^1\. line $cl of A, $cl of B (lp): \$\.coefficients\[1\]$' out.txt && grep -q '^  lp.coefficients  *1$' out.txt && [ \$(grep -c '^  [a-z_(]*\.[a-z_]*  *[0-9]*$' out.txt) -eq 1 ]"
expect 1 "" "$LLR" trace diff a.jsonl k.jsonl --all --ignore calls --ignore tokens --json
check "--json: the divergences as a list, the summary per field" python3 - out.txt "$cl" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["equal"] is False and r["count"] == 1, r
d = r["divergences"]
assert len(d) == 1 and d[0]["kind"] == "field", d
assert d[0]["line_a"] == d[0]["line_b"] == int(sys.argv[2])
assert d[0]["path"] == "$.coefficients[1]" and d[0]["field"] == "lp.coefficients"
assert "epoch" in d[0]["context"] and "sample" in d[0]["context"]
assert r["summary"] == {"lp.coefficients": 1}, r["summary"]
assert r["ignore"] == ["calls", "tokens"]
PY
# Per-type and path forms, and a tolerance, also leave the coefficient out.
expect 0 "equal within rtol 0, atol 1e-05" "$LLR" trace diff a.jsonl k.jsonl --ignore query:calls --ignore 'learn_end:$.tokens' --atol 1e-5
expect 1 "field: *\\\$\\.calls" "$LLR" trace diff a.jsonl k.jsonl --ignore 'lp:calls' --ignore tokens --atol 1e-5
expect 0 "equal within" "$LLR" trace diff a.jsonl k.jsonl --ignore-type query --ignore-type learn_end --ignore-type lp
expect 2 "--ignore 'a.b': expected a field name" "$LLR" trace diff a.jsonl k.jsonl --ignore a.b
# --all resynchronises: two lines deleted from B are two gaps, the rest is
# compared in step.
# (the 20th sample line and the 300th lp line: events --all keys on)
d1=$(grep -n '"type": "sample"' a.jsonl | sed -n '20s/:.*//p')
d2=$(grep -n '"type": "lp"' a.jsonl | sed -n '300s/:.*//p')
sed "${d1}d;${d2}d" a.jsonl >del.jsonl
expect 1 "traces diverge: 2 divergences" "$LLR" trace diff a.jsonl del.jsonl --all
check "two gaps of one line of A each" test "$(grep -c '^[12]\. A line [0-9]*, B none (before line [0-9]*): gap$' out.txt)" -eq 2
check "in step again after each gap" grep -q "$(($(wc -l <a.jsonl) - 2)) line pairs compared" out.txt
# Another seed: every divergence is counted, --max limits the list.
expect 1 "more not listed" "$LLR" trace diff a.jsonl c.jsonl --all --max 3
check "the summary counts the samples" grep -q '^  sample.sequence  *[0-9]*$' out.txt
expect 1 "" "$LLR" trace diff a.jsonl c.jsonl --all --ignore calls --ignore tokens
check "--ignore tokens leaves the samples compared" grep -q '^  sample.sequence  *[0-9]*$' out.txt
# Reading: a line-length limit (/dev/zero), a FIFO nobody writes to.
expect 2 "/dev/zero, line 1: longer than the limit of 1048576 bytes" timeout 20 "$LLR" trace diff a.jsonl /dev/zero --max-line 1048576
mkfifo fifo
expect 2 "fifo: no data for 0.5 s" timeout 20 "$LLR" trace diff a.jsonl fifo --timeout 0.5
expect 0 "equal within" "$LLR" trace diff a.jsonl <(cat a.jsonl)

# A failed run writes no trace.
expect 1 "budget of 5 distinct prefixes is exhausted" "$LLR" learn m.st --rank 3 --eps 0.1 --budget 5 --trace z.jsonl -o z.st
check "no trace from a failed run" test ! -e z.jsonl
# The baselines trace their queries.
expect 0 "" "$LLR" learn m.st --method exhaustive --trace x.jsonl -o x.st
check "exhaustive: 63 query lines" test "$(grep -c '"type": "query"' x.jsonl)" -eq 63

# llr inspect: a learned model's reconstruction LP at a prefix, checked
# from the model file alone by tests/inspect_check.py (NumPy): residuals,
# binding constraints, prediction, and every end point of every range on
# the optimal face; coefficients against the golden vectors' lp items.
PY=/usr/bin/python3
# The prefix of approx_gls whose Chebyshev optimal face is widest (r* > 0
# there: the face is not a point, and the tie-break stages pick the answer).
wp=$("$PY" - "$LLR" "$VEC/approx_gls.safetensors" <<'PYW'
import itertools, json, subprocess, sys
llr, m = sys.argv[1], sys.argv[2]
best = (0.0, None)
for t in range(1, 4):
    for y in itertools.product(range(3), repeat=t):
        r = json.loads(subprocess.run([llr, "inspect", m, *map(str, y), "--json"],
                                      capture_output=True, text=True).stdout)
        w = r["optimum"]["coefficient_width"]
        if not r["optimum"]["unique"] and w > best[0]:
            best = (w, y)
print(" ".join(map(str, best[1])) if best[1] else "")
PYW
)
check "approx_gls has a prefix whose optimal face is not a point" test -n "$wp"
expect 0 "optimum: +stage 1 alone is NOT unique: .* the coefficients move by up to .* the later stages picked the point above" "$LLR" inspect "$VEC/approx_gls.safetensors" $wp
check "inspect gives each coefficient's range" grep -Eq '^  c_[0-9]\[[0-9]\] +in \[' out.txt
check "inspect counts the binding residuals" grep -Eq '^binding: *[1-9][0-9]* of [0-9]+ residuals' out.txt
expect 0 "" "$LLR" inspect "$VEC/approx_gls.safetensors" $wp --json
check "approx_gls [$wp]: two optimal points apart, checked from the file" "$PY" "$TESTS/inspect_check.py" "$VEC/approx_gls.safetensors" out.txt --unique no --lp "$VEC/lp_approx_gls.safetensors"
cp out.txt nu.json
python3 -c "
import json; r = json.load(open('nu.json'))
r['optimum']['coefficient_ranges'][-1]['at_hi'][1] += 0.01
json.dump(r, open('bad.json', 'w'))"
check "the checker rejects a point moved off the face" bash -c "! '$PY' '$TESTS/inspect_check.py' '$VEC/approx_gls.safetensors' bad.json >/dev/null"
for p in "" "1" "1 0" "2 1 0"; do
    expect 0 "" "$LLR" inspect "$VEC/isan_gls.safetensors" $p --json
    check "isan_gls [$p]: unique, as the vectors" "$PY" "$TESTS/inspect_check.py" "$VEC/isan_gls.safetensors" out.txt --unique yes --lp "$VEC/lp_isan_gls.safetensors"
done
expect 0 "tie-break: +not run: the stage-1 optimum is provably a single point .*every cut s <= t separates its basis and 2 r\* K <= 1e-11" "$LLR" inspect "$VEC/isan_gls.safetensors" 2 1 0
check "exact teacher: unique optimum" grep -q '^optimum: *unique' out.txt
check "logits and probabilities as llr logits" bash -c "'$LLR' logits '$VEC/isan_gls.safetensors' 2 1 0 --json >l.json && python3 -c \"
import json, subprocess
a = json.load(open('l.json'))
b = json.loads(subprocess.run(['$LLR', 'inspect', '$VEC/isan_gls.safetensors', '2', '1', '0', '--json'], capture_output=True, text=True).stdout)
assert a['logits'] == b['logits'] and a['probs'] == b['probs'], (a, b)\""
expect 0 "" "$LLR" inspect "$VEC/isan.safetensors" 2 1 --json
check "isan: x_t and logits recomputed" "$PY" "$TESTS/inspect_check.py" "$VEC/isan.safetensors" out.txt
expect 0 "state: +row = \[7\]" "$LLR" inspect "$VEC/table.safetensors" 1 0
expect 0 "perturbation = \[" "$LLR" inspect "$VEC/approx.safetensors" 1 0
expect 0 "state: +parity = \[" "$LLR" inspect "$VEC/parity.safetensors" 1 0 1
expect 0 "state: +none beyond the prefix \(kind exec\)" "$LLR" inspect "exec:$LLR serve $VEC/isan.safetensors" 1
expect 2 "TOKEN 3 at position 1 is outside \[0, 2\]" "$LLR" inspect "$VEC/isan_gls.safetensors" 0 3
expect 2 "a prefix of 4 tokens: MODEL has horizon 4" "$LLR" inspect "$VEC/isan_gls.safetensors" 0 0 0 0
expect 1 "nosuch.st: cannot open" "$LLR" inspect nosuch.st
expect 0 "usage: llr inspect" "$LLR" inspect --help

# llr compare: a model against itself, against a perturbed copy (as llr tv).
expect 0 "" "$LLR" gen isan --vocab 3 --rank 2 --horizon 5 --seed 4 -o t.st
expect 0 "" "$LLR" gen approx --vocab 3 --rank 2 --horizon 5 --seed 4 --eps 0.1 -o q.st
expect 0 "TV\(TRUTH, CANDIDATE\) = 0  \(exact over 243 sequences" "$LLR" compare t.st t.st
check "itself: no prefix contributes" grep -q "no prefix contributes" out.txt
expect 0 "" "$LLR" tv t.st q.st
tv=$(sed -n 's/^TV = \([^ ]*\) .*/\1/p' out.txt)
tele=$(sed -n 's/^telescoping bound = \([^ ]*\) .*/\1/p' out.txt)
expect 0 "TV\(TRUTH, CANDIDATE\) = $tv  \(exact" "$LLR" compare t.st q.st --top 4
check "the telescoping bound is llr tv's" grep -q "^telescoping bound = $tele$" out.txt
check "5 per-step terms" test "$(grep -c '^  t = [1-5] ' out.txt)" -eq 5
check "4 top prefixes" test "$(sed -n '/^top 4 prefixes/,$p' out.txt | grep -c '^  [0-9(]')" -eq 4
expect 0 "" "$LLR" compare t.st q.st --top 6 --json
check "check --json: steps sum to the telescoping bound, top prefixes ordered" python3 - out.txt "$tv" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["method"] == "exact" and r["tv"] == float(sys.argv[2])
assert abs(sum(r["steps"]) - r["telescoping"]) <= 1e-12, r
assert r["tv"] <= r["telescoping"]
top = r["top"]
assert len(top) == 6
c = [x["contribution"] for x in top]
assert c == sorted(c, reverse=True)
for x in top:
    assert abs(x["p"] * x["tv"] - x["contribution"]) <= 1e-15
# The empty prefix has P = 1 and its TV is the first step's term.
e = [x for x in top if x["prefix"] == []]
assert e and e[0]["p"] == 1.0 and e[0]["tv"] == r["steps"][0]
PY
# Monte Carlo: its interval holds the exact TV (seeded, so reproducible).
expect 0 '"samples": 4000' "$LLR" compare t.st q.st --samples 4000 --seed 3 --json
check "the MC interval holds the exact TV" python3 -c "
import json; r = json.load(open('out.txt'))
assert r['method'] == 'mc' and r['ci'][0] <= $tv <= r['ci'][1], r"
# An exec: candidate is checked like a file.
expect 0 "TV\(TRUTH, CANDIDATE\) = $tv  \(exact" "$LLR" compare t.st "exec:$LLR serve q.st"
# --max-tv: exit 1 above it, 0 below.
expect 1 "exceeds --max-tv 0.001" "$LLR" compare t.st q.st --max-tv 0.001
expect 0 "" "$LLR" compare t.st q.st --max-tv 0.5
# Errors.
expect 1 "nosuch.st: cannot open" "$LLR" compare t.st nosuch.st
expect 1 "nosuch.st: cannot open" "$LLR" compare nosuch.st t.st
expect 1 "differ in shape" "$LLR" compare t.st m.st
expect 2 "expected TRUTH and CANDIDATE" "$LLR" compare t.st
expect 2 "--exact and --samples exclude each other" "$LLR" compare t.st q.st --exact --samples 10
expect 2 "--top '-1'" "$LLR" compare t.st q.st --top -1
expect 0 "usage: llr compare" "$LLR" compare --help
expect 0 "usage: llr compare" "$LLR" check --help # the older name

finish trace
