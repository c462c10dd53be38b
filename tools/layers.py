#!/usr/bin/env python3
"""tools/layers.py - check the one-way rule of src/layers.txt.

  tools/layers.py [--src DIR] [--obj DIR] [--dot FILE]

Checks every `#include "FOLDER/NAME.h"` of DIR (default src) against the
rule table DIR/layers.txt (an `#include "../../spec/NAME.acsl"` is ACSL
logic, not code: allowed from every folder, but only inside
`#ifdef __FRAMAC__`, so that the compiler never sees it), and, when --obj is given, every call between the
objects under OBJ/FOLDER/ (nm: an undefined llr_ symbol of one object
resolved to the object that defines it). Prints one line per violation,
"FILE:LINE: FOLDER may not include OTHER/NAME.h (FOLDER may use: ...)" or
"OBJECT: FOLDER may not call SYMBOL of OTHER (defined in OBJECT2)", and
exits 1 when there is any; 0 otherwise. A folder of DIR missing from the
table, or a table row naming an unknown folder, is a violation too.
--dot FILE writes the rule as a graphviz graph (docs/architecture.md).
"""

import argparse
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
# The ACSL logic of the contracts (spec/ beside src/), for Frama-C only.
SPEC = re.compile(r'^\.\./\.\./spec/\w+\.acsl$')
CONDITIONAL = re.compile(r'^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)')
FRAMAC = re.compile(r'^\s*(__FRAMAC__|defined\s*\(?\s*__FRAMAC__\s*\)?)\s*'
                    r'(/\*.*)?$')


def read_rule(path):
    rule, order = {}, []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].split()
            if not line:
                continue
            folder, uses = line[0], line[1:]
            if folder in rule:
                sys.exit(f"{path}:{n}: {folder} appears twice")
            rule[folder] = uses
            order.append(folder)
    return rule, order


def allowed(rule, src_folder, dst_folder):
    if src_folder == dst_folder:
        return True
    uses = rule.get(src_folder, [])
    return "*" in uses or dst_folder in uses


def check_table(rule, folders, table):
    bad = []
    for f in sorted(folders):
        if f not in rule:
            bad.append(f"{table}: folder {f} of src/ has no row")
    for f, uses in rule.items():
        for u in uses:
            if u != "*" and u not in rule:
                bad.append(f"{table}: {f} names an unknown folder {u}")
    return bad


def check_includes(src, rule):
    bad = []
    for folder in sorted(os.listdir(src)):
        d = os.path.join(src, folder)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(d, name)
            framac = []  # per open #if: is its branch Frama-C only?
            with open(path, errors="replace") as f:
                for n, line in enumerate(f, 1):
                    c = CONDITIONAL.match(line)
                    if c:
                        word, rest = c.groups()
                        if word in ("if", "ifdef"):
                            framac.append(bool(FRAMAC.match(rest)))
                        elif word == "ifndef":
                            framac.append(False)
                        elif word in ("elif", "else") and framac:
                            framac[-1] = False
                        elif word == "endif" and framac:
                            framac.pop()
                        continue
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    inc = m.group(1)
                    if inc.endswith(".acsl"):
                        if not SPEC.match(inc):
                            bad.append(f"{path}:{n}: include \"{inc}\": "
                                       f"ACSL logic is included as "
                                       f"\"../../spec/NAME.acsl\"")
                        elif not any(framac):
                            bad.append(f"{path}:{n}: {inc} outside "
                                       f"#ifdef __FRAMAC__ (ACSL logic is "
                                       f"for Frama-C only)")
                        continue
                    if "/" not in inc:
                        bad.append(f"{path}:{n}: include \"{inc}\" does not "
                                   f"name its folder (write FOLDER/{inc})")
                        continue
                    other = inc.split("/", 1)[0]
                    if not allowed(rule, folder, other):
                        uses = " ".join(rule.get(folder, [])) or "nothing"
                        bad.append(f"{path}:{n}: {folder} may not include "
                                   f"{inc} ({folder} may use: {uses})")
    return bad


def nm(path, *flags):
    out = subprocess.run(["nm", *flags, path], capture_output=True,
                         text=True, check=True).stdout
    return out.split("\n")


def check_calls(obj, rule):
    defined, undefined = {}, []
    for folder in sorted(os.listdir(obj)):
        d = os.path.join(obj, folder)
        if not os.path.isdir(d) or folder not in rule:
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith(".o"):
                continue
            path = os.path.join(d, name)
            for line in nm(path, "--defined-only", "--extern-only"):
                parts = line.split()
                if len(parts) == 3:
                    defined[parts[2]] = (folder, path)
            for line in nm(path, "--undefined-only"):
                parts = line.split()
                if parts and parts[-1].startswith("llr_"):
                    undefined.append((folder, path, parts[-1]))
    bad = []
    for folder, path, sym in undefined:
        if sym not in defined:
            continue
        other, where = defined[sym]
        if not allowed(rule, folder, other):
            bad.append(f"{path}: {folder} may not call {sym} of {other} "
                       f"(defined in {where})")
    return bad


def write_dot(rule, order, path):
    lines = ["digraph layers {", "  rankdir=TB;",
             '  node [shape=box, fontname="Helvetica"];']
    for f in order:
        lines.append(f'  "{f}";')
    for f in order:
        uses = rule[f]
        if "*" in uses:
            uses = [u for u in order if u != f]
        # Draw only the edges not implied by a longer path, so that the
        # picture stays readable; the table is the rule.
        direct = set(uses)
        for u in uses:
            for v in (rule[u] if "*" not in rule[u] else []):
                direct.discard(v)
        for u in order:
            if u in direct:
                lines.append(f'  "{f}" -> "{u}";')
    lines.append("}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default="src")
    ap.add_argument("--obj")
    ap.add_argument("--dot")
    a = ap.parse_args()
    table = os.path.join(a.src, "layers.txt")
    rule, order = read_rule(table)
    if a.dot:
        write_dot(rule, order, a.dot)
        return 0
    folders = [f for f in os.listdir(a.src)
               if os.path.isdir(os.path.join(a.src, f))]
    bad = check_table(rule, folders, table)
    bad += check_includes(a.src, rule)
    if a.obj:
        bad += check_calls(a.obj, rule)
    for b in bad:
        print(b)
    what = "includes" + (" and calls" if a.obj else "")
    if bad:
        print(f"layers: {len(bad)} violation(s) of {table}")
        return 1
    print(f"layers: {what} of {len(folders)} folders follow {table}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
