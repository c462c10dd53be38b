#!/usr/bin/env python3
"""tools/layers.py - check the one-way rule of src/layers.txt.

  tools/layers.py [--src DIR] [--obj DIR] [--dot FILE | --svg FILE |
                  --doc FILE]

Checks every `#include "FOLDER/NAME.h"` of DIR (default src) against the
rule table DIR/layers.txt (an `#include "../../spec/NAME.acsl"` is ACSL
logic, not code: allowed from every folder, but only inside
`#ifdef __FRAMAC__`, so that the compiler never sees it), and, when --obj is given, every call between the
objects under OBJ/FOLDER/ (nm: an undefined llr_ symbol of one object
resolved to the object that defines it). Prints one line per violation,
"FILE:LINE: FOLDER may not include OTHER/NAME.h (FOLDER may use: ...)" or
"OBJECT: FOLDER may not call SYMBOL of OTHER (defined in OBJECT2)", and
exits 1 when there is any; 0 otherwise. A folder of DIR missing from the
table, a table row naming an unknown folder, and a cycle among the rows
(A may use B and B, directly or not, may use A) are violations too.
--dot FILE writes the rule as a graphviz graph (docs/architecture.md; make
architecture-plot renders it): the allowed edges that no longer path
shows, and a note naming the folders a path reaches but the rule forbids.
--svg FILE checks that FILE, the graph rendered by dot, shows exactly those
arrows and that note (exit 1 and a line per difference otherwise).
--doc FILE checks the table of docs/architecture.md: each folder's row
says what the rule says, and the rows under it name every file of the
folder and no other.
"""

import argparse
import html
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
    # One way: no folder may reach itself through the rows.
    nxt = {f: [u for u in rule if u != f and allowed(rule, f, u)]
           for f in rule}
    state = {}

    def cycle(f, path):
        state[f] = 1
        for u in nxt[f]:
            if state.get(u) == 1:
                return path[path.index(u):] + [u]
            if u not in state:
                c = cycle(u, path + [u])
                if c:
                    return c
        state[f] = 2
        return None

    for f in rule:
        if f not in state:
            c = cycle(f, [f])
            if c:
                bad.append(f"{table}: the rule has a cycle: "
                           + " -> ".join(c))
                break
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


def drawing(rule, order):
    """The arrows and the note of the diagram: the allowed edges that no
    longer path shows, and per folder the folders a path of arrows reaches
    that the folder itself may not use (the rule is not transitive)."""
    edges = {}
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
        edges[f] = [u for u in order if u in direct]
    notes = []
    for f in order:
        seen, todo = set(), list(edges[f])
        while todo:
            u = todo.pop()
            if u not in seen:
                seen.add(u)
                todo.extend(edges[u])
        banned = [u for u in order
                  if u in seen and not allowed(rule, f, u)]
        if banned:
            notes.append(f"{f} may not use {', '.join(banned)}")
    return [(f, u) for f in order for u in edges[f]], notes


def write_dot(rule, order, path):
    arrows, notes = drawing(rule, order)
    lines = ["digraph layers {", "  rankdir=TB;",
             '  node [shape=box, fontname="Helvetica"];']
    for f in order:
        lines.append(f'  "{f}";')
    for f, u in arrows:
        lines.append(f'  "{f}" -> "{u}";')
    if notes:
        label = ("An arrow: may include and call.\\l"
                 "An allowed arrow that a path already shows is not"
                 " drawn.\\l"
                 "Not allowed, although a path leads there:\\l" +
                 "".join("  " + n + "\\l" for n in notes))
        lines.append(f'  note [shape=plaintext, fontname="Helvetica", '
                     f'label="{label}"];')
        lines.append('  { rank=same; "base"; note; }')
    lines.append("}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def check_svg(rule, order, path):
    """The diagram rendered by dot (make architecture-plot) has exactly the
    arrows and the notes that the rule gives today."""
    with open(path) as f:
        svg = html.unescape(f.read())
    drawn = set(tuple(t.split("->"))
                for t in re.findall(r"<title>([^<>]*->[^<>]*)</title>", svg))
    texts = set(t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>",
                                              svg))
    arrows, notes = drawing(rule, order)
    bad = [f"{path}: no arrow {f} -> {u}" for f, u in arrows
           if (f, u) not in drawn]
    bad += [f"{path}: an arrow {f} -> {u} that the rule does not give"
            for f, u in sorted(drawn - set(arrows))]
    bad += [f"{path}: the note lacks \"{n}\"" for n in notes
            if n not in texts]
    bad += [f"{path}: the note says \"{t}\", which the rule does not give"
            for t in sorted(texts) if " may not use " in t and t not in notes]
    if bad:
        bad.append(f"{path} is out of date: run make architecture-plot")
    return bad


def check_doc(rule, src, path):
    """The table of docs/architecture.md: one row per folder, "| **`F/`**
    | ... | MAY USE |" (backquoted folders, **nothing** or **every
    folder**), followed by rows "| `FILE`, `FILE` | ... |" naming every file
    of src/F/. It must agree with the rule and with the tree."""
    folder, uses, files = None, {}, {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.startswith("|"):
                continue
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            if len(cells) != 3:
                continue
            m = re.fullmatch(r"\*\*`([a-z_]+)/`\*\*", cells[0])
            if m:
                folder = m.group(1)
                if "every folder" in cells[2]:
                    uses[folder] = ["*"]
                else:
                    uses[folder] = re.findall(r"`([a-z_]+)`", cells[2])
                files.setdefault(folder, set())
            elif folder and cells[0].startswith("`"):
                files[folder].update(re.findall(r"`([^`]+)`", cells[0]))
    bad = []
    for f in rule:
        if f not in uses:
            bad.append(f"{path}: no row for the folder {f}/")
        elif sorted(uses[f]) != sorted(rule[f]):
            want = " ".join(rule[f]) or "nothing"
            got = " ".join(uses[f]) or "nothing"
            bad.append(f"{path}: {f}/ may use {want} in src/layers.txt, "
                       f"but the table says {got}")
    for f in uses:
        if f not in rule:
            bad.append(f"{path}: a row for {f}/, which src/layers.txt "
                       f"does not have")
            continue
        d = os.path.join(src, f)
        have = set(x for x in os.listdir(d) if x.endswith((".c", ".h")))
        for x in sorted(have - files[f]):
            bad.append(f"{path}: src/{f}/{x} is not listed under {f}/")
        for x in sorted(files[f] - have):
            bad.append(f"{path}: lists {f}/{x}, which does not exist")
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default="src")
    ap.add_argument("--obj")
    ap.add_argument("--dot")
    ap.add_argument("--svg")
    ap.add_argument("--doc")
    a = ap.parse_args()
    table = os.path.join(a.src, "layers.txt")
    rule, order = read_rule(table)
    if a.dot:
        write_dot(rule, order, a.dot)
        return 0
    if a.svg or a.doc:
        bad = check_svg(rule, order, a.svg) if a.svg else \
            check_doc(rule, a.src, a.doc)
        for b in bad:
            print(b)
        if not bad:
            print(f"layers: {a.svg} shows {table}" if a.svg else
                  f"layers: {a.doc} agrees with {table}")
        return 1 if bad else 0
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
