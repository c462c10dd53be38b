#!/bin/bash
# The valgrind subset: the unsanitized llr under memcheck on the commands
# that exercise LAPACK (which ASan cannot see into), the readers and the
# error paths. Any memcheck error or definite leak fails.
# Usage: tests/valgrind.sh path/to/llr
set -u
LLR=$(realpath "$1")
SRC=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/llr-vg-XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite"
pass=0 fail=0
run() { # run EXPECTED_EXIT CMD...
    local want=$1; shift
    $VG "$LLR" "$@" >/dev/null 2>vg.txt
    local rc=$?
    if [ "$rc" -eq "$want" ]; then pass=$((pass + 1)); else
        echo "FAIL (exit $rc, expected $want): llr $*"; cat vg.txt; fail=$((fail + 1)); fi
}
run 0 gen isan --vocab 3 --rank 3 --horizon 5 --seed 1 -o m.st
run 0 gen approx --vocab 3 --rank 3 --horizon 5 --seed 1 --eps 0.1 -o a.st
run 0 gen table --from a.st -o t.st
run 0 info a.st --json
run 0 logits m.st 0 1 2
run 0 sample m.st -n 5 --seed 2
run 0 tv m.st a.st
run 0 tv m.st t.st --mc 200 --seed 1 --json
run 0 spectrum a.st --cut 2
run 0 spectrum m.st --cut 1 --gesvd --histories 20 --futures 8
run 0 learn m.st --rank 3 --eps 0.2 --seed 2 -o l.st
run 0 learn m.st --rank 3 --method spectral -o sp.st
run 0 export l.st -o ex.st
run 0 tv m.st l.st --json
run 0 vectors check "$SRC/tests/vectors"
printf 'short' >bad.st
run 1 info bad.st
run 1 logits m.st 7
run 2 gen isan --vocab 3
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
