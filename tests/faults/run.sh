#!/bin/bash
# tests/faults/run.sh LLR FAILALLOC.so - make check-faults
# (docs/reliability.md). Five classes of faults, each printing its counts:
#   alloc    the k-th allocation fails (LD_PRELOAD failalloc.so)
#   output   full disk, read-only and missing directories, collisions,
#            devices, symlinks, modes
#   signal   SIGINT/SIGTERM at random points of a learn
#   server   hostile exec: servers
#   huge     huge finite values in model files and ARPA files
# CLASSES="signal server" runs only those classes (default: all).
# An outcome is a success (exit 0, checked where a value can be checked)
# or a clean error (exit 1 and an "llr ...:" message); anything else (a
# signal, an abort, a sanitizer report, a wrong answer, a file left
# behind) is a failure, listed. Exit status 1 if any class has one.
set -u
LLR=$(realpath "$1")
SO=$(realpath "$2")
SRC=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d /tmp/llr-faults-XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
BAD="/usr/bin/python3 $SRC/tests/bad_server.py"
FAILS=0
CLASSES=${CLASSES:-alloc output signal server huge}
want() { [[ " $CLASSES " == *" $1 "* ]]; }
LOG=$W/failures.txt
: >"$LOG"

# outcome RC ERRFILE: prints success, clean or fail.
outcome() {
    if grep -Eq 'Assertion|AddressSanitizer|runtime error|LeakSanitizer|Segmentation|core dumped|Aborted' "$2"; then
        echo fail
    elif [ "$1" -eq 0 ]; then
        echo success
    elif [ "$1" -eq 1 ] && grep -q '^llr' "$2"; then
        echo clean
    else
        echo fail
    fi
}
declare -A N
count_reset() { N=([cases]=0 [clean]=0 [success]=0 [fail]=0); }
# tally CLASS WHAT RESULT [WHY]
tally() {
    N[cases]=$((N[cases] + 1))
    N[$3]=$((N[$3] + 1))
    if [ "$3" = fail ]; then
        echo "$1: $2: ${4:-$(head -c 300 err.txt)}" | tr '\n' ' ' >>"$LOG"
        echo >>"$LOG"
    fi
}
count_print() {
    printf '%-7s %6d cases: %6d clean errors, %6d successes, %d failures\n' \
        "$1" "${N[cases]}" "${N[clean]}" "${N[success]}" "${N[fail]}"
    FAILS=$((FAILS + N[fail]))
}
no_tmp() { ! find "$W" -name '*.tmp.*' | grep -q .; }

"$LLR" gen isan --vocab 4 --rank 3 --horizon 6 --seed 1 -o isan.st >/dev/null
"$LLR" learn isan.st --rank 3 --eps 0.05 -o isan.gls >/dev/null
"$LLR" gen isan --vocab 3 --rank 2 --horizon 4 --seed 1 -o m3.st >/dev/null
"$LLR" learn m3.st --rank 2 --eps 0.1 -o m3.gls >/dev/null
cp "$SRC/tests/data/readme_bigram.arpa" bigram.arpa

if want alloc; then
# ---- alloc: every k up to 120, then 120 points spread over the rest
# (small models: a run makes from 200 to 20000 allocations).
count_reset
ALLOC_CMDS=(
    "info isan.gls"
    "logits isan.gls 0 1"
    "sample isan.gls -n 5 --seed 1"
    "tv m3.st m3.gls"
    "spectrum isan.st --cut 3"
    "compare m3.st m3.gls --samples 100 --seed 1"
    "inspect isan.gls 0"
    "gen isan --vocab 4 --rank 3 --horizon 6 --seed 1 -o a/g.st"
    "export isan.gls -o a/x.st"
    "learn m3.st --rank 2 --eps 0.1 -o a/l.gls --trace a/l.trace"
    "tv bigram.arpa bigram.arpa --horizon 2"
)
mkdir -p a
for c in "${ALLOC_CMDS[@]}"; do
    LD_PRELOAD=$SO LLR_FAIL_COUNT=$W/cnt "$LLR" $c >/dev/null 2>&1
    total=$(cat cnt)
    ks=$(seq 1 $((total < 120 ? total : 120)))
    if [ "$total" -gt 120 ]; then
        ks="$ks $(seq 121 $(((total - 120) / 120 + 1)) "$total")"
    fi
    for k in $ks; do
        rm -f a/*
        LD_PRELOAD=$SO LLR_FAIL_AT=$k timeout 60 "$LLR" $c >/dev/null 2>err.txt
        rc=$?
        r=$(outcome $rc err.txt)
        if [ "$r" != fail ] && ls a | grep -q '\.tmp\.'; then
            r=fail
            echo "alloc: llr $c (k=$k): a .tmp file left" >>"$LOG"
            N[cases]=$((N[cases] + 1)); N[fail]=$((N[fail] + 1))
            continue
        fi
        # Out of memory must not be reported as a bad file (the category).
        if [ "$r" = clean ] && grep -Eq 'invalid|malformed|not valid' err.txt; then
            tally alloc "llr $c (k=$k of $total, exit $rc)" fail "out of memory reported as bad input: $(head -c 200 err.txt | tr '\n' ' ')"
            continue
        fi
        tally alloc "llr $c (k=$k of $total, exit $rc)" "$r"
    done
done
count_print alloc

fi

if want output; then
# ---- output: every command that writes, against each fault.
count_reset
mkdir -p ro keep
cp isan.st keep/old.st
# run_out WHAT EXPECT(0|1) CHECK-COMMAND -- LLR-ARGS...
run_out() {
    local what=$1 want=$2 chk=$3
    shift 4
    timeout 120 "$@" >out.txt 2>err.txt
    local rc=$?
    local r
    r=$(outcome $rc err.txt)
    if [ "$r" = success ] && [ "$want" = 1 ]; then
        tally output "$what" fail "exit 0; expected a clean error"
    elif [ "$r" != fail ] && ! eval "$chk"; then
        tally output "$what" fail "check failed: $chk"
    else
        tally output "$what" "$r"
    fi
}
WRITERS=(
    "gen isan --vocab 4 --rank 3 --horizon 6 --seed 1 -o"
    "export isan.gls -o"
    "learn isan.st --rank 3 --eps 0.05 -o"
    "learn isan.st --rank 3 --eps 0.05 -o keep/t.gls --trace"
)
for c in "${WRITERS[@]}"; do
    run_out "llr $c /dev/full" 1 "no_tmp && test ! -e keep/t.gls" -- "$LLR" $c /dev/full
    run_out "llr $c missing/dir/f" 1 "no_tmp && test ! -e keep/t.gls && ! grep -q 'distinct logit queries' err.txt" -- "$LLR" $c missing/dir/f
    run_out "llr $c keep/old.st (read-only mount)" 1 "no_tmp && cmp -s keep/old.st isan.st && test ! -e keep/t.gls" -- \
        unshare -m bash -c 'mount --bind keep keep && mount -o remount,ro,bind keep && exec "$0" "$@"' "$LLR" $c keep/old.st
    mknod keep/null c 1 3
    run_out "llr $c keep/null (a private /dev/null)" 0 "test -c keep/null && no_tmp" -- "$LLR" $c keep/null
    rm -f keep/null keep/t.gls
done
# Standard output on a full disk, for every command that prints.
PRINTERS=("info isan.gls" "logits isan.gls 0" "sample isan.gls -n 5 --seed 1"
    "tv isan.st isan.gls" "spectrum isan.st --cut 3"
    "compare isan.st isan.gls --samples 200 --seed 1" "inspect isan.gls 0"
    "gen isan --vocab 4 --rank 3 --horizon 6 --seed 1 -o keep/s.st"
    "export isan.gls -o keep/s.st" "learn isan.st --rank 3 --eps 0.05 -o keep/s.st"
    "version" "vectors check $SRC/tests/vectors")
for c in "${PRINTERS[@]}"; do
    run_out "llr $c >/dev/full" 1 "no_tmp" -- bash -c '"$0" "$@" >/dev/full' "$LLR" $c
done
# Collisions: --trace = -o, --trace = the input (by name, by symlink).
cp isan.st keep/in.st
ln -sf in.st keep/lnk.st
for t in keep/o.gls keep/in.st keep/lnk.st ./keep/../keep/in.st; do
    run_out "llr learn keep/in.st -o keep/o.gls --trace $t" 1 "cmp -s keep/in.st isan.st && test ! -e keep/o.gls && no_tmp" -- \
        "$LLR" learn keep/in.st --rank 3 --eps 0.05 -o keep/o.gls --trace $t
done
# A symlink is followed; a 0600 file stays 0600.
cp isan.st keep/m600.st && chmod 600 keep/m600.st && ln -sf m600.st keep/l600
run_out "llr gen -o SYMLINK to a 0600 file" 0 "test -L keep/l600 && [ \$(stat -c %a keep/m600.st) = 600 ] && ! cmp -s keep/m600.st isan.st" -- \
    "$LLR" gen isan --vocab 3 --rank 2 --horizon 4 --seed 9 -o keep/l600
count_print output

fi

if want signal; then
# ---- signal: SIGINT/SIGTERM at random points of a learn with a trace.
count_reset
"$LLR" gen isan --vocab 4 --rank 3 --horizon 7 --seed 2 -o big.st >/dev/null
mkdir -p s
t0=$(date +%s%N)
"$LLR" learn big.st --rank 3 --eps 0.05 -o s/ref.gls --trace s/ref.trace >/dev/null
ref_ms=$((($(date +%s%N) - t0) / 1000000))
echo old >s/old.gls
echo old >s/old.trace
RANDOM=14
for i in $(seq 1 24); do
    sig=INT
    [ $((i % 2)) = 0 ] && sig=TERM
    cp s/old.gls s/o.gls
    cp s/old.trace s/o.trace
    ms=$((RANDOM % (ref_ms * 2 / 3 + 1)))
    "$LLR" learn big.st --rank 3 --eps 0.05 -o s/o.gls --trace s/o.trace >/dev/null 2>err.txt &
    pid=$!
    sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
    kill -$sig $pid 2>/dev/null
    wait $pid
    rc=$?
    what="SIG$sig after ${ms} ms (exit $rc)"
    if find s -name '*.tmp.*' | grep -q .; then
        tally signal "$what" fail "a .tmp file left"
        find s -name '*.tmp.*' -delete
    elif ! { cmp -s s/o.gls s/old.gls && cmp -s s/o.trace s/old.trace; } &&
         ! { cmp -s s/o.gls s/ref.gls && cmp -s s/o.trace s/ref.trace; }; then
        tally signal "$what" fail "outputs neither old nor complete"
    elif [ $rc -eq 0 ]; then
        tally signal "$what" success
    elif [ $rc -eq 130 ] || [ $rc -eq 143 ]; then
        tally signal "$what" clean
    else
        tally signal "$what" fail "exit $rc"
    fi
done
count_print signal

fi

if want server; then
# ---- server: hostile exec: servers (tests/bad_server.py, V = 3).
count_reset
export LLR_EXEC_TIMEOUT=1
gone() { [ -z "$1" ] || [ ! -e /proc/$1 ] || grep -q '^State:.*Z' /proc/$1/status; }
for mode in extra extra2 wrong-id no-id huge huge-centred huge1 huge-at-1 overflow garbage short nan stall error fork-stall leave-behind big; do
    for c in "tv m3.st" "logits" "learn" "compare m3.st"; do
        rm -f gpid.txt
        case $c in
        learn) args=(learn "exec:$BAD $mode $W/gpid.txt" --rank 2 --eps 0.1 -o srv.st) ;;
        logits) args=(logits "exec:$BAD $mode $W/gpid.txt" 0) ;;
        "tv m3.st") args=(tv m3.st "exec:$BAD $mode $W/gpid.txt" --json) ;;
        *) args=(compare m3.st "exec:$BAD $mode $W/gpid.txt" --samples 100 --seed 1) ;;
        esac
        timeout 60 "$LLR" "${args[@]}" >out.txt 2>err.txt
        rc=$?
        r=$(outcome $rc err.txt)
        sleep 0.1
        what="llr $c with exec:bad_server.py $mode (exit $rc)"
        if [ -s gpid.txt ] && ! gone "$(cat gpid.txt)"; then
            tally server "$what" fail "a grandchild survived"
            kill "$(cat gpid.txt)" 2>/dev/null
        elif [ "$r" = success ] && case $mode in extra*|wrong-id|no-id) true ;; *) false ;; esac; then
            tally server "$what" fail "a desynchronized server accepted: $(head -c 200 out.txt)"
        elif [ "$r" = success ] && [ "$c" = "tv m3.st" ] &&
             ! /usr/bin/python3 -c 'import json,sys; t=json.load(open("out.txt"))["tv"]; sys.exit(0 if t is None or 0 <= t <= 1 else 1)'; then
            tally server "$what" fail "TV outside [0, 1]: $(head -c 200 out.txt)"
        else
            tally server "$what" "$r"
        fi
        rm -f srv.st
    done
done
unset LLR_EXEC_TIMEOUT
count_print server

fi

if want huge; then
# ---- huge: huge finite values in model files and ARPA files.
count_reset
bump() { # FILE TENSOR INDEX VALUE (a float64 or float32 entry)
    /usr/bin/python3 - "$@" <<'PY'
import json, struct, sys
f, name, i, v = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
b = bytearray(open(f, "rb").read())
n = struct.unpack("<Q", b[:8])[0]
h = json.loads(b[8:8 + n])
t = h[name]
fmt, sz = {"F64": ("<d", 8), "F32": ("<f", 4)}[t["dtype"]]
off = 8 + n + t["data_offsets"][0] + sz * i
if t["dtype"] == "F32":
    v = max(min(v, 3.4e38), -3.4e38)
b[off:off + sz] = struct.pack(fmt, v)
open(f, "wb").write(bytes(b))
PY
}
tensors() {
    /usr/bin/python3 -c '
import json, struct, sys
b = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", b[:8])[0]
h = json.loads(b[8:8 + n])
for k, t in h.items():
    if k != "__metadata__" and t["dtype"] in ("F64", "F32") and t["data_offsets"][1] > t["data_offsets"][0]:
        print(k)' "$1"
}
for base in isan.st isan.gls; do
    for t in $(tensors $base); do
        for v in 1e308 -1e308 1e300 1e20 -1e20; do
            cp $base h.st
            bump h.st "$t" 0 "$v"
            for c in "logits h.st 0" "tv isan.st h.st --json" "sample h.st -n 3 --seed 1" "info h.st"; do
                timeout 60 "$LLR" $c >out.txt 2>err.txt
                rc=$?
                r=$(outcome $rc err.txt)
                what="$base $t[0] = $v: llr $c (exit $rc)"
                if [ "$r" = success ] && [ "${c%% *}" = tv ] &&
                   ! /usr/bin/python3 -c 'import json,sys; j=json.load(open("out.txt")); t=j["tv"]; sys.exit(0 if t is None or 0 <= t <= 1 else 1)'; then
                    tally huge "$what" fail "TV outside [0, 1]: $(head -c 200 out.txt)"
                elif [ "$r" = success ] && grep -Eqi '\b(nan|-?inf)\b' out.txt; then
                    tally huge "$what" fail "a non-finite value printed"
                else
                    tally huge "$what" "$r"
                fi
            done
        done
    done
done
for v in 1e308 -1e308 1e30 -1e30 99; do
    /usr/bin/python3 - "$v" <<'PY'
import sys
v = sys.argv[1]
out, n = [], 0
for line in open("bigram.arpa"):
    p = line.split("\t")
    if len(p) >= 2 and n < 3:
        try:
            float(p[0]); p[0] = v; n += 1
        except ValueError:
            pass
    out.append("\t".join(p))
open("h.arpa", "w").write("".join(out))
PY
    for c in "tv bigram.arpa h.arpa --horizon 3 --json" "logits h.arpa --horizon 3" "sample h.arpa --horizon 3 -n 3 --seed 1"; do
        timeout 60 "$LLR" $c >out.txt 2>err.txt
        rc=$?
        r=$(outcome $rc err.txt)
        what="ARPA log10 probability $v: llr $c (exit $rc)"
        if [ "$r" = success ] && [ "${c%% *}" = tv ] &&
           ! /usr/bin/python3 -c 'import json,sys; t=json.load(open("out.txt"))["tv"]; sys.exit(0 if t is None or 0 <= t <= 1 else 1)'; then
            tally huge "$what" fail "TV outside [0, 1]: $(head -c 200 out.txt)"
        else
            tally huge "$what" "$r"
        fi
    done
done
count_print huge

fi

if [ "$FAILS" -gt 0 ]; then
    # Grouped: the same command and reason at different k on one line.
    echo "check-faults: $FAILS failures (count, class: command: reason):"
    sed -E 's/\(k=[0-9]+ of [0-9]+, exit ([0-9]+)\)/(exit \1)/; s/(line|column) [0-9-]+/\1 N/g; s/near .*\(/near ... (/' "$LOG" |
        cut -c1-240 | sort | uniq -c | sort -rn
    if [ -n "${FAULTS_LOG:-}" ]; then
        cp "$LOG" "$FAULTS_LOG"
        echo "every failure: $FAULTS_LOG"
    fi
    exit 1
fi
echo "check-faults: no failures"
