#!/bin/bash
# Command-line tests: exit codes (0 success, 1 failure, 2 usage), error
# messages, determinism of files and samples, atomic output.
# Usage: tests/cli.sh path/to/llr
set -u
. "$(dirname "$0")/lib.sh"
LLR=$(realpath "$1")
SRC=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/llr-cli-XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"

# Help and usage errors.
expect 0 "commands:" "$LLR" --help
expect 2 "usage" "$LLR"
expect 2 "unknown command 'frobnicate'" "$LLR" frobnicate
for c in gen info logits sample tv spectrum version; do
    expect 0 "usage: llr $c" "$LLR" $c --help
done
expect 2 "--vocab is required" "$LLR" gen isan --rank 2 --horizon 3 --seed 1 -o m.st
expect 2 "--vocab '1' is not an integer in \[2" "$LLR" gen isan --vocab 1 --rank 2 --horizon 3 --seed 1 -o m.st
expect 2 "--seed is required" "$LLR" gen isan --vocab 3 --rank 2 --horizon 3 -o m.st
expect 2 "-o FILE is required" "$LLR" gen isan --vocab 3 --rank 2 --horizon 3 --seed 1
expect 2 "unknown kind 'gpt'" "$LLR" gen gpt -o m.st
expect 2 "--eps is required" "$LLR" gen approx --vocab 3 --rank 2 --horizon 3 --seed 1 -o m.st
expect 2 "--scale 'nan'" "$LLR" gen isan --vocab 3 --rank 2 --horizon 3 --seed 1 --scale nan -o m.st
expect 2 "--seed 'x1'" "$LLR" gen isan --vocab 3 --rank 2 --horizon 3 --seed x1 -o m.st
expect 2 "bad option" "$LLR" gen isan --bogus
expect 2 "expected two MODEL files" "$LLR" tv m.st
expect 2 "--cut t is required" "$LLR" spectrum m.st
expect 2 "-n N is required" "$LLR" sample m.st --seed 1

# Generation and the commands on the files.
expect 0 "wrote m.st: isan, V=3, T=4, d=2" "$LLR" gen isan --vocab 3 --rank 2 --horizon 4 --seed 5 -o m.st
expect 0 "" "$LLR" gen isan --vocab 3 --rank 2 --horizon 4 --seed 5 -o m2.st
expect 0 "" "$LLR" gen isan --vocab 3 --rank 2 --horizon 4 --seed 6 -o m3.st
check "same seed, identical files" cmp -s m.st m2.st
check "different seed, different files" bash -c '! cmp -s m.st m3.st'
expect 0 "approx" "$LLR" gen approx --vocab 3 --rank 2 --horizon 4 --seed 5 --eps 0.2 -o a.st
expect 0 "wrote t.st: table, V=3, T=4" "$LLR" gen table --from a.st -o t.st
expect 0 "" "$LLR" gen table --vocab 3 --horizon 3 --seed 2 -o r.st
expect 0 '"kind": "isan"' "$LLR" info m.st --json
expect 0 "eps: +0.2" "$LLR" info a.st
expect 0 '"logits"' "$LLR" logits m.st 0 2 --json
expect 1 "token 3 at position 0 is outside" "$LLR" logits m.st 3
expect 1 "prefix length 4 is outside" "$LLR" logits m.st 0 0 0 0
"$LLR" sample m.st -n 20 --seed 9 >s1.txt
"$LLR" sample m.st -n 20 --seed 9 >s2.txt
"$LLR" sample m.st -n 20 --seed 10 >s3.txt
check "same seed, identical samples" cmp -s s1.txt s2.txt
check "different seed, different samples" bash -c '! cmp -s s1.txt s3.txt'
check "20 samples of 4 tokens" bash -c '[ "$(wc -l <s1.txt)" -eq 20 ] && ! grep -Evq "^[0-2] [0-2] [0-2] [0-2]$" s1.txt'
expect 0 '"tv": 0.0,' "$LLR" tv m.st m2.st --json
expect 0 '"method": "exact"' "$LLR" tv m.st a.st --json
expect 0 '"tv": [0-9.e-]+,' "$LLR" tv a.st t.st --json
check "table of a model is at TV ~ 0 from it" bash -c "\"$LLR\" tv a.st t.st --json | grep -Eq '\"tv\": ([0-9]\\.[0-9]+e-1[0-9]|0),'"
expect 0 '"ci": \[' "$LLR" tv m.st a.st --mc 2000 --seed 3 --json
expect 2 "exclude each other" "$LLR" tv m.st a.st --exact --mc 10
expect 0 '"rank": 2' "$LLR" spectrum m.st --cut 2 --json
expect 0 "numerical rank: 2" "$LLR" spectrum m.st --cut 1 --histories 30 --futures 10 --seed 4
expect 0 '"svd": "dgesvd"' "$LLR" spectrum m.st --cut 1 --gesvd --json
expect 1 "cut 4 is outside" "$LLR" spectrum m.st --cut 4
expect 0 "/blas/libblas.so" "$LLR" version

# Bad input files: a clear error naming the file, exit 1.
printf 'abc' >short.st
expect 1 "short.st: truncated file" "$LLR" info short.st
expect 1 "nothere.st: cannot open" "$LLR" tv nothere.st m.st
printf '\x0f\x00\x00\x00\x00\x00\x00\x00{"a":[1,2,}    ' >json.st
expect 1 "json.st: invalid JSON header" "$LLR" logits json.st
mkdir dir.st
expect 1 "dir.st: not a regular file" "$LLR" info dir.st
expect 1 "differ in shape" "$LLR" tv m.st r.st
"$LLR" gen isan --vocab 2 --rank 2 --horizon 4 --seed 1 -o v2.st >/dev/null
expect 1 "differ in shape" "$LLR" tv m.st v2.st

# A failing command leaves an existing output file intact.
cp m.st keep.st
expect 1 "short.st" "$LLR" gen table --from short.st -o keep.st
check "failed gen left the output intact" cmp -s m.st keep.st
expect 1 "cannot" "$LLR" gen isan --vocab 3 --rank 2 --horizon 4 --seed 1 -o no/such/dir/m.st
check "no temporary files left" bash -c '! ls *.tmp.* 2>/dev/null | grep -q .'

# Learning: exit codes, the report, budgets, traces, export.
expect 2 "--rank is required" "$LLR" learn m.st --eps 0.1 -o l.st
expect 2 "unknown --method 'magic'" "$LLR" learn m.st --rank 2 --eps 0.1 --method magic -o l.st
expect 0 '"distinct_queries": [0-9]+' "$LLR" learn m.st --rank 2 --eps 0.1 --seed 3 --trace tr.jsonl -o l.st --json
check "the trace has one query line per distinct query" bash -c "[ \"\$(grep -c '\"type\": \"query\"' tr.jsonl)\" -eq \"\$(grep -o '\"distinct_queries\": [0-9]*' out.txt | grep -o '[0-9]*\$')\" ]"
expect 0 '"tv": [0-9.e-]+' "$LLR" learn m.st --rank 2 --eps 0.1 --seed 3 -o l2.st --json
check "same seed, identical learned files" cmp -s l.st l2.st
expect 0 "kind: +gls" "$LLR" info l.st
expect 0 '"method": "exact"' "$LLR" tv m.st l.st --json
expect 0 "wrote e.st: isan" "$LLR" export l.st -o e.st
expect 1 "not a learned" "$LLR" export m.st -o e2.st
cp m.st keep2.st
expect 1 "budget of 5 distinct prefixes is exhausted" "$LLR" learn m.st --rank 2 --eps 0.1 --budget 5 -o keep2.st --trace tr2.jsonl
check "a run stopped by its budget writes nothing" bash -c 'cmp -s m.st keep2.st && [ ! -e tr2.jsonl ]'
expect 0 "a baseline" "$LLR" learn m.st --rank 2 --method spectral -o s.st
expect 0 "a baseline" "$LLR" learn m.st --method exhaustive -o x.st
expect 1 "declining to run with the theory settings" "$LLR" learn m.st --rank 2 --eps 0.1 --params theory -o t2.st

# Noisy parity and the samples-only baseline.
expect 0 "noisy parity of 6 bits, secret weight 3" "$LLR" gen parity --bits 6 --noise 0.1 --secret 0x2c -o p.st
expect 2 "exactly one of --secret and --seed" "$LLR" gen parity --bits 6 --noise 0.1 -o p.st
expect 2 "--noise '0.5'" "$LLR" gen parity --bits 6 --noise 0.5 --seed 1 -o p.st
expect 1 "beyond the 6 input bits" "$LLR" gen parity --bits 6 --noise 0.1 --secret ff -o p2.st
expect 0 "numerical rank: 1 " "$LLR" spectrum p.st --cut 3
expect 0 '"tv": [0-9.e-]+' "$LLR" learn p.st --rank 1 --eps 0.1 -o pg.st --json
expect 0 "0 distinct queries" "$LLR" learn p.st --method samples --samples 50 -o ps.st
expect 2 "--samples M goes with --method samples" "$LLR" learn p.st --method samples -o ps.st
expect 0 "gls \\(GLS2\\)" "$LLR" demo parity --bits 6
expect 2 "the demo is 'parity'" "$LLR" demo chess

# A model behind a process: the reference server, the NumPy adapter, and
# every way a child can fail.
expect 0 '"tv": 0.0,' "$LLR" tv m.st "exec:$LLR serve m.st" --json
expect 0 '"tv": [0-9.e-]+' "$LLR" tv m.st "exec:/usr/bin/python3 $SRC/tools/serve_isan.py m.st" --exact --json
check "the NumPy adapter agrees to 1e-12" bash -c "\"$LLR\" tv m.st \"exec:/usr/bin/python3 $SRC/tools/serve_isan.py m.st\" --json | /usr/bin/python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)[\"tv\"] < 1e-12 else 1)'"
expect 0 '"distinct_queries"' "$LLR" learn "exec:$LLR serve m.st" --rank 2 --eps 0.1 -o lx.st --json
# llr serve answers a request line beyond the protocol's 64 MiB with an
# error (without reading it into memory whole) and goes on serving.
/usr/bin/python3 -c "import sys; sys.stdout.write('{\"prefix\": [' + '0,' * (33 << 20) + '0]}\n{\"prefix\": []}\n')" >long.txt
expect 0 '' "$LLR" serve m.st <long.txt
check "llr serve: a too long request line gets an error, the next an answer" bash -c "sed -n 2p out.txt | grep -q 'request line too long' && sed -n 3p out.txt | grep -q '\"logits\"'"
rm -f long.txt
BAD="/usr/bin/python3 $SRC/tests/bad_server.py"
expect 1 "closed its output before the greeting \\(it exited with status 3" "$LLR" logits "exec:$BAD exit-now"
expect 1 "exited with status 127" "$LLR" logits "exec:/no/such/program"
expect 1 "greeting is not valid JSON" "$LLR" logits "exec:$BAD bad-greeting"
expect 1 "protocol version 7" "$LLR" logits "exec:$BAD old-version"
expect 1 "closed its output before the reply|cannot send a request: Broken pipe" "$LLR" logits "exec:$BAD exit-after-greeting" 0
expect 1 "reply is not valid JSON" "$LLR" logits "exec:$BAD garbage" 0
expect 1 "logits 0 has 2 entries; the vocabulary has 3" "$LLR" logits "exec:$BAD short" 0
expect 1 "reply is not valid JSON" "$LLR" logits "exec:$BAD nan" 0
expect 1 "server answered an error: model offline" "$LLR" logits "exec:$BAD error" 0
check "a stalled process times out" bash -c "LLR_EXEC_TIMEOUT=1 \"$LLR\" logits \"exec:$BAD stall\" 0 2>&1 | grep -q 'no reply within 1 s'"
cp m.st keep3.st
expect 1 "exec:" "$LLR" learn "exec:$BAD garbage" --rank 2 --eps 0.1 -o keep3.st
check "a failing child leaves the output intact" cmp -s m.st keep3.st
expect 0 "usage: llr serve" "$LLR" serve --help

# Protocol version 2: ids, batches, sample and topk requests, the client's
# cache. Its counters in the JSON agree with what the server read.
EXLOG="/usr/bin/python3 $SRC/tests/exec_log.py"
expect 0 '"tv": 0.0,' "$LLR" tv m.st "exec:tee req.log | $LLR serve m.st" --exact --json
cp out.txt tv.json
check "tv: the exec counters agree with the server's log" bash -c "$EXLOG req.log tv.json b >/dev/null"
# V = 800: a node and its children do not fit in one batch, so each node
# asks for its children, in two pipelined requests.
"$LLR" gen isan --vocab 800 --rank 2 --horizon 2 --seed 1 -o v800.st >/dev/null
expect 0 '"max_pipelined": 2' "$LLR" tv v800.st "exec:tee req.log | $LLR serve v800.st" --exact --json
cp out.txt tv800.json
check "tv, V = 800: TV 0, the exec counters agree with the server's log" bash -c "grep -q '\"tv\": 0.0,' tv800.json && $EXLOG req.log tv800.json b >/dev/null"
expect 0 '"candidate"' "$LLR" compare a.st "exec:tee req.log | $LLR serve m.st" --samples 3000 --json
cp out.txt cmp.json
check "compare: the exec counters agree with the server's log" bash -c "$EXLOG req.log cmp.json candidate >/dev/null"
"$LLR" compare a.st m.st --samples 3000 --json >cmp_file.json
check "compare through a server = compare of the files" /usr/bin/python3 -c 'import json, sys; a = json.load(open("cmp_file.json")); b = json.load(open("cmp.json")); del b["exec"]; sys.exit(a != b)'
expect 0 '"teacher"' "$LLR" learn "exec:$LLR serve m.st" --rank 2 --eps 0.1 -o lx2.st --json
check "learn: the report has the teacher's round trips" grep -q '"round_trips"' out.txt
"$LLR" learn m.st --rank 2 --eps 0.1 -o lf.st >/dev/null
check "learning through a server = learning from the file" cmp -s lf.st lx2.st
expect 0 '"version": 2' "$LLR" tv m.st "exec:/usr/bin/python3 $SRC/tools/serve_isan.py m.st" --json
expect 0 '"version": 1' "$LLR" tv m.st "exec:/usr/bin/python3 $SRC/tools/serve_isan.py m.st --protocol 1" --json
check "a version 1 adapter still agrees to 1e-12" /usr/bin/python3 -c 'import json; import sys; sys.exit(0 if json.load(open("out.txt"))["tv"] < 1e-12 else 1)'
"$LLR" sample m.st -n 5000 --seed 12 >s_local.txt
expect 0 '' "$LLR" sample "exec:$LLR serve m.st" -n 5000 --seed 12
check "sampling through sample requests draws the same sequences" cmp -s s_local.txt out.txt
printf '{"prefix": [0]}\n{"id": 7, "prefixes": [[0], []]}\n{"id": 8, "sample": {"n": 2, "seed": 12, "skip": 3}}\n{"id": 9, "topk": [{"prefix": [0], "k": 2, "bias": [[2, 5.5]]}], "round": 3}\n{"id": 10, "sample": {"n": 0, "seed": 1}}\n' >reqs.txt
expect 0 '' "$LLR" serve m.st <reqs.txt
cp out.txt served.txt
check "llr serve: each request gets its reply, ids echoed" /usr/bin/python3 -c '
import json, sys
r = [json.loads(l) for l in open("served.txt")][1:]
local = [l.split() for l in open("s_local.txt")]
ok = len(r) == 5 and "id" not in r[0] and len(r[0]["logits"]) == 3
ok = ok and [x.get("id") for x in r[1:]] == [7, 8, 9, 10]
ok = ok and len(r[1]["logits"]) == 2 and r[1]["logits"][0] == r[0]["logits"]
ok = ok and [list(map(str, s)) for s in r[2]["samples"]] == local[3:5]
ok = ok and all(x <= 0 for s in r[2]["logprobs"] for x in s)
ok = ok and r[3]["top"][0]["tokens"][0] == 2 and len(r[3]["top"][0]["logprobs"]) == 2
ok = ok and "\"n\" must be an integer" in r[4]["error"]
sys.exit(0 if ok else 1)'
check "llr serve: topk rounds to 3 decimals" grep -Eq '"logprobs": \[-?[0-9]+\.[0-9]{3}, -?[0-9]+\.[0-9]{3}\]' served.txt

# Hostile servers: output that answers no request, wrong ids, huge values,
# stalls with grandchildren, bad timeouts. A clean error, never a wrong
# answer or an abort; no process survives.
expect 1 "answers no request" "$LLR" tv m.st "exec:$BAD extra"
expect 1 "answers no request" "$LLR" tv m.st "exec:$BAD extra2"
expect 1 "answers no request" "$LLR" logits "exec:$BAD extra" 0
expect 1 "it answers request id 2, but the next pending request is id 1" "$LLR" tv m.st "exec:$BAD wrong-id"
expect 1 'no "id"' "$LLR" compare m.st "exec:$BAD no-id"
expect 1 "is 6.66667e\+307 after centring; the client accepts centred logits within" "$LLR" tv m.st "exec:$BAD huge"
expect 1 "is 1e\+308; the client accepts" "$LLR" tv m.st "exec:$BAD huge-centred" --mc 100
expect 1 "is -inf after centring" "$LLR" logits "exec:$BAD overflow" 1
expect 1 "the client accepts centred logits" "$LLR" learn "exec:$BAD huge" --rank 2 --eps 0.1 -o hx.st
expect 1 "entry 0 is 1e\+308; the client accepts" "$LLR" learn "exec:$BAD huge1" --rank 2 --eps 0.1 -o hx.st
expect 1 "entry 0 is 1e\+308; the client accepts" "$LLR" tv m.st "exec:$BAD huge1"
check "no model from a server of huge values" test ! -e hx.st
expect 0 '' "$LLR" sample "exec:$BAD big" -n 20 --seed 3
check "logits of +-1e14: the point mass, exactly" bash -c '[ "$(sort -u out.txt)" = "0 0 0 0" ]'
# gone PID: the process has ended (no such process, or a zombie left to
# its reaper).
gone() { [ ! -e /proc/$1 ] || grep -q '^State:.*Z' /proc/$1/status; }
rm -f gpid.txt
check "a stalled server times out" bash -c "LLR_EXEC_TIMEOUT=1 \"$LLR\" logits \"exec:$BAD fork-stall $W/gpid.txt\" 0 2>&1 | grep -q 'no reply within 1 s'"
sleep 0.2
check "a stalled server's grandchild does not survive" gone "$(cat gpid.txt)"
rm -f gpid.txt
expect 0 '' "$LLR" logits "exec:$BAD leave-behind $W/gpid.txt" 0
sleep 0.2
check "a grandchild the server leaves behind does not survive" gone "$(cat gpid.txt)"
for v in abc inf nan 0 -1 5x " 5" 1e7; do
    expect 1 "LLR_EXEC_TIMEOUT='$v' is not a number in \(0, 1000000\]" env LLR_EXEC_TIMEOUT="$v" "$LLR" logits "exec:$LLR serve m.st" 0
done
expect 0 '' env LLR_EXEC_TIMEOUT=0.5 "$LLR" logits "exec:$LLR serve m.st" 0
expect 1 "LLR_EXEC_CACHE_MB='-3' is not a number in \[0, 1048576\]" env LLR_EXEC_CACHE_MB=-3 "$LLR" logits "exec:$LLR serve m.st" 0
# A FIFO with no writer is refused at once (it used to block forever); a
# pipe with a writer (process substitution) is read.
mkfifo nowriter.fifo
expect 2 "nowriter.fifo: a FIFO with no writer" timeout 20 "$LLR" trace diff nowriter.fifo tr.jsonl
expect 0 "traces are equal" timeout 20 bash -c "\"$LLR\" trace diff <(cat tr.jsonl) tr.jsonl"
expect 0 '"cache_flushes": [1-9]' env LLR_EXEC_CACHE_MB=0 "$LLR" tv m.st "exec:tee req.log | $LLR serve m.st" --json
cp out.txt tv0.json
check "a cache of no room still gives the same TV, and counts right" bash -c "grep -q '\"tv\": 0.0,' tv0.json && $EXLOG req.log tv0.json b >/dev/null"

# API-shaped answers: the top k logits; the learners refuse them.
expect 0 "top 2 of 3 centred logits" "$LLR" logits m.st 0 1 --top-k 2
expect 0 "\"top\": " "$LLR" logits m.st --top-k 1 --json
expect 1 "gls needs whole logit vectors, but this oracle answers only the top 2 of 3" "$LLR" learn m.st --rank 2 --eps 0.1 --top-k 2 -o tk.st
expect 1 "spectral needs whole logit vectors" "$LLR" learn m.st --rank 2 --method spectral --top-k 1 -o tk.st

# ARPA n-gram models: a global --horizon, every command, learning.
/usr/bin/python3 "$SRC/tools/make_arpa.py" --order 2 --lower --min-count 12 "$SRC/README.md" r.arpa >/dev/null 2>&1
expect 1 "has no horizon of its own: give --horizon T" "$LLR" info r.arpa
expect 0 "order: +2" "$LLR" info r.arpa --horizon 3
expect 0 '"logits"' "$LLR" logits r.arpa 0 --horizon 3 --json
expect 0 "" "$LLR" sample --horizon 3 r.arpa -n 3 --seed 1
expect 2 "--horizon '0'" "$LLR" logits r.arpa --horizon 0
expect 0 '"distinct_queries"' "$LLR" learn r.arpa --horizon 3 --method exhaustive -o rx.st --json
expect 0 '"tv": [0-9.e-]+' "$LLR" learn r.arpa --horizon 3 --rank 4 --eps 0.2 -o rg.st --json
check "the exhaustive table of an ARPA model is within rounding of it" bash -c "\"$LLR\" tv r.arpa rx.st --horizon 3 --json | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); sys.exit(0 if r[\"tv\"] <= r[\"bound\"] else 1)'"
printf '\\data\\\nngram 1=2\n\n\\1-grams:\n-1 a\n\\end\\\n' >bad.arpa
expect 1 "bad.arpa:[0-9]+:" "$LLR" info bad.arpa --horizon 3

# Golden vectors (docs/vectors.md): make twice gives identical files, equal
# to the committed ones; check passes; one changed number is caught and
# named, a change within the tolerance is not; a missing file is an error.
# bump FILE TENSOR INDEX DELTA: add DELTA to one F64 element in place.
bump() {
    /usr/bin/python3 - "$@" <<'PY'
import json, struct, sys
path, name, index, delta = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
b = bytearray(open(path, "rb").read())
n = struct.unpack("<Q", b[:8])[0]
off = 8 + n + json.loads(b[8:8 + n])[name]["data_offsets"][0] + 8 * index
b[off:off + 8] = struct.pack("<d", struct.unpack("<d", b[off:off + 8])[0] + delta)
open(path, "wb").write(b)
PY
}
expect 0 "wrote v1/manifest.json" "$LLR" vectors make v1
expect 0 "made  tv/parity~parity_gls" "$LLR" vectors make v2
check "vectors make twice: byte-identical files" diff -r v1 v2
check "tests/vectors is what vectors make writes" diff -r v1 "$SRC/tests/vectors"
expect 0 "vectors: [0-9]+ items checked \([0-9]+ values\), [0-9]+ passed, 0 failed" "$LLR" vectors check v1
bump v2/logits_isan.safetensors logits 7 1e-9
expect 1 "FAIL  logits/isan: tensor 'logits' \[2, 1\] = .* \(\|diff\| 1e-09 > atol 1e-12" "$LLR" vectors check v2
check "the other items still pass" grep -q "1 failed" out.txt
expect 1 '"first_difference": "tensor .logits. \[2, 1\]' "$LLR" vectors check v2 --json
expect 1 "FAIL  logits/isan +40 prefixes" /usr/bin/python3 "$SRC/tests/second_impl.py" v2
cp v1/logits_isan.safetensors v2/
bump v2/logits_isan.safetensors logits 7 1e-13
expect 0 " 0 failed" "$LLR" vectors check v2
/usr/bin/python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); [i.update(tv=i["tv"]*(1+1e-6)) for i in m["items"] if i["name"]=="tv/isan~approx"]; json.dump(m, open(sys.argv[1],"w"))' v2/manifest.json
expect 1 "FAIL  tv/isan~approx: tv = " "$LLR" vectors check v2
cp v1/manifest.json v2/
rm v2/lp_isan_gls.safetensors
expect 1 "items\[[0-9]+\] \('lp/isan_gls'\): .*v2/lp_isan_gls.safetensors: cannot open" "$LLR" vectors check v2
mkdir v3
expect 1 "v3/manifest.json: cannot open" "$LLR" vectors check v3
printf '{"format": "llr-vectors", "version": 1, "models": [], "items": [{"name": "x", "type": "logits", "model": "m", "file": "x.st"}]}' >v3/manifest.json
expect 1 "items\[0\] \('x'\): no model named 'm'" "$LLR" vectors check v3
expect 2 "expected 'make DIR' or 'check DIR'" "$LLR" vectors check
expect 0 "usage: llr vectors make DIR" "$LLR" vectors --help

finish cli
