#!/usr/bin/python3
"""eacsl_strip.py - copy a C file for the E-ACSL build of make check-eacsl
(tools/eacsl.sh) without its memory clauses.

Usage: eacsl_strip.py IN OUT

Inside ACSL comments (/*@ ... */), every `requires` clause whose predicate
is about memory (\\valid, \\valid_read, \\separated) is removed, up to its
terminating ';'. Everything else is copied byte for byte. Why: E-ACSL
checks \\valid against its own record of allocated blocks, which knows
neither the stack of code it did not instrument (the tests, the fuzz
replays, the rest of the library) nor the memory of uninstrumented
libraries, so these clauses would fail on valid memory. Memory validity is
what the ASan builds check (make unit, make fuzz-replay) and WP proves.
"""
import re
import sys

MEM = re.compile(r"\\(valid|valid_read|separated)\b")


def strip_annot(text):
    out, i = [], 0
    # clauses: 'requires' ... ';' (no nested ';' in our contracts)
    pat = re.compile(r"requires\b[^;]*;", re.S)
    for m in pat.finditer(text):
        if MEM.search(m.group(0)):
            out.append(text[i:m.start()])
            i = m.end()
    out.append(text[i:])
    return "".join(out)


def main():
    src = open(sys.argv[1]).read()
    res, i = [], 0
    for m in re.finditer(r"/\*@.*?\*/", src, re.S):
        res.append(src[i:m.start()])
        res.append(strip_annot(m.group(0)))
        i = m.end()
    res.append(src[i:])
    open(sys.argv[2], "w").write("".join(res))


if __name__ == "__main__":
    main()
