#!/bin/bash
# Traces (llr learn --trace), llr trace diff and llr compare: determinism,
# a single changed number caught with its line and field, tolerances,
# malformed input, and llr compare against llr tv.
# Usage: tests/trace.sh path/to/llr
set -u
. "$(dirname "$0")/lib.sh"
LLR=$(realpath "$1")
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
sed "${s}s/\"tokens\": \[\([01]\)/\"tokens\": [9/" a.jsonl >e.jsonl
expect 1 "traces diverge at line $s .*" "$LLR" trace diff a.jsonl e.jsonl --rtol 1 --atol 100
check "an integer field is named" grep -q 'field: *\$\.tokens\[0\]$' out.txt
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

# A failed run writes no trace.
expect 1 "budget of 5 distinct prefixes is exhausted" "$LLR" learn m.st --rank 3 --eps 0.1 --budget 5 --trace z.jsonl -o z.st
check "no trace from a failed run" test ! -e z.jsonl
# The baselines trace their queries.
expect 0 "" "$LLR" learn m.st --method exhaustive --trace x.jsonl -o x.st
check "exhaustive: 63 query lines" test "$(grep -c '"type": "query"' x.jsonl)" -eq 63

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
