#!/bin/bash
# Hostile and unlucky inputs (issue 14): each check is a reproducer of a
# defect that once crashed, hung, or gave a wrong answer or a misleading
# message.
# Usage: tests/hostile.sh path/to/llr
set -u
. "$(dirname "$0")/lib.sh"
LLR=$(realpath "$1")
SRC=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/llr-hostile-XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"

"$LLR" gen isan --vocab 4 --rank 3 --horizon 6 --seed 1 -o isan.st >/dev/null

# 13: a FIFO nobody writes to, given as a model, is refused at once.
mkfifo fifo
for c in "info fifo" "logits fifo 0" "tv fifo isan.st"; do
    expect 1 "fifo: not a regular file" timeout 10 $LLR $c
done
expect 1 "fifo: not a regular file" timeout 10 "$LLR" learn fifo --rank 3 --eps 0.1 -o f.gls

# 18: seeds are decimal: 010 is ten, not octal eight.
"$LLR" gen isan --vocab 4 --rank 3 --horizon 6 --seed 010 -o s010.st >/dev/null
"$LLR" gen isan --vocab 4 --rank 3 --horizon 6 --seed 10 -o s10.st >/dev/null
check "--seed 010 is ten" cmp -s s010.st s10.st
expect 2 "--seed '0x10' is not an unsigned 64-bit decimal integer" "$LLR" sample isan.st -n 1 --seed 0x10

# 2: a tiny --eps is refused with the sample count it would need (it
# overflowed an int and crashed, later it ran without end).
expect 2 "eps 1e-09 needs certificate rounds of [0-9]+ teacher samples, more than the limit" timeout 20 "$LLR" learn isan.st --rank 3 --eps 1e-9 -o x.gls
expect 2 "more than the limit" timeout 20 "$LLR" learn isan.st --rank 3 --eps 2e-8 -o x.gls
check "no output after a refused --eps" test ! -e x.gls

# 15: spectral ranks that no model has, or whose tensors would not fit,
# are refused at once (rank 4096 ran past 110 s and 3 GB).
expect 1 "spectral: rank 4096 exceeds the number of prefixes \\(1365\\)" timeout 20 "$LLR" learn isan.st --method spectral --rank 4096 -o y.gls
"$LLR" gen isan --vocab 20 --rank 3 --horizon 8 --seed 1 -o v20.st >/dev/null
expect 1 "spectral: rank 3000 with V=20, T=8 needs 1.15e\\+10 bytes" timeout 20 "$LLR" learn v20.st --method spectral --rank 3000 -o y.gls
check "no output after a refused rank" test ! -e y.gls

finish hostile
