# tests/lib.sh - the assertions of the shell test scripts (cli.sh,
# trace.sh, install.sh); sourced, not run. Counts in $pass and $fail;
# `finish NAME` prints "NAME: P passed, F failed" and fails when F > 0.
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# expect CODE PATTERN CMD...: run CMD (stdout to out.txt, stderr to err.txt
# in the current directory), check its exit code and that stdout or stderr
# matches the extended regex PATTERN (empty: no check).
expect() {
    local code=$1 pat=$2
    shift 2
    "$@" >out.txt 2>err.txt
    local rc=$?
    if [ "$rc" -ne "$code" ]; then
        bad "'$*' exited $rc, expected $code"; cat out.txt err.txt
        return
    fi
    if [ -n "$pat" ] && ! grep -Eq -- "$pat" out.txt err.txt; then
        bad "'$*': output does not match /$pat/"; cat out.txt err.txt
        return
    fi
    ok
}

# check DESCRIPTION COMMAND...: a shell condition.
check() {
    local what=$1; shift
    if "$@"; then ok; else bad "$what"; fi
}

finish() {
    echo "$1: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
