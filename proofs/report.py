#!/usr/bin/env python3
"""proofs/report.py - judge the WP results written by proofs/run.sh.

For each run of the plan (proofs/plan.tsv; with --only FILE, the runs of
FILE) it reads build/proofs/<name>.wp.json (WP's goal report; <name>.real
for a real-model run) and build/proofs/<name>.csv (the report plugin's
property statuses), then
  - fails when a goal or a property of a selected function is not proved;
  - writes (--mode update) or compares with (--mode check) the committed
    proofs/results/<name>.json and proofs/results/summary.json (with
    --only: that file's JSON and its entries of the summary, whose totals
    are recomputed over the whole plan from the committed results of the
    other files);
  - prints a table of every function defined in src/*/*.c (with --only, in
    FILE): whether it has an ACSL contract and whether all its goals are
    proved.

The committed JSON holds only what is the same from run to run: goal counts
(per file, per function, and how many the Qed simplifier closed), the
settings and the properties left out. Which SMT prover closes a goal first
is a race, so the per-prover split is printed but not committed.
"""

import argparse
import csv
import glob
import json
import os
import re
import sys

MODEL = "typed+ieee"
REAL_MODEL = "typed+real"
IDEALISATION = "exact-arithmetic idealisation"

CONTRACT_WORDS = {
    "requires", "assigns", "ensures", "behavior", "terminates", "decreases",
    "allocates", "frees", "exits", "complete", "disjoint", "assumes",
}


PLAN_COLUMNS = ("file", "model", "functions", "left_out", "options", "why")


def read_plan(path):
    """The runs of proofs/plan.tsv, in order: one dict per line, with the
    columns of PLAN_COLUMNS ("-" read as empty; left_out as a list)."""
    plan = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = re.split(r"\t+", line.strip("\t"))
            if len(cols) != len(PLAN_COLUMNS):
                sys.exit("%s:%d: %d columns, expected %d (%s)" % (
                    path, n, len(cols), len(PLAN_COLUMNS),
                    ", ".join(PLAN_COLUMNS)))
            e = dict(zip(PLAN_COLUMNS, ("" if c == "-" else c for c in cols)))
            if e["model"] not in ("ieee", "real"):
                sys.exit("%s:%d: model %r is neither ieee nor real" % (
                    path, n, e["model"]))
            plan.append({
                "file": e["file"],
                "model": e["model"],
                "selection": e["functions"],
                "left_out": [p for p in e["left_out"].split(",") if p],
                "options": e["options"],
                "why": e["why"],
            })
    return plan


# --- C source scanning (for the table) -------------------------------------

def strip_comments(text):
    """Blank out comments and string/char literals, keeping line breaks."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def defined_functions(path):
    """Names of the functions defined (with a body) in a C file, in order."""
    text = strip_comments(open(path, encoding="utf-8", errors="replace").read())
    text = re.sub(r"(?m)^[ \t]*#.*$", "", text)  # preprocessor lines
    names, depth, head = [], 0, []
    paren = 0
    for c in text:
        if depth == 0:
            if c == "(":
                paren += 1
            elif c == ")":
                paren -= 1
            if c == "{" and paren == 0:
                h = "".join(head).strip()
                m = re.search(r"\b([A-Za-z_]\w*)\s*\((?:[^()]|\([^()]*\))*\)\s*$", h)
                if m and "=" not in h and m.group(1) not in (
                        "if", "while", "for", "switch", "sizeof"):
                    names.append(m.group(1))
                head = []
                depth = 1
                continue
            if c in ";}":
                head = []
            else:
                head.append(c)
        else:
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    head = []
    return names


def contracted_functions(paths):
    """Names of functions whose declaration or definition follows an ACSL
    function contract (a /*@ ... */ block of requires/assigns/... clauses)."""
    found = set()
    for path in paths:
        text = open(path, encoding="utf-8", errors="replace").read()
        for m in re.finditer(r"/\*@(.*?)\*/", text, re.S):
            body = re.sub(r"//[^\n]*", "", m.group(1)).strip()
            first = re.match(r"[A-Za-z_\\]+", body)
            if not first or first.group(0) not in CONTRACT_WORDS:
                continue
            rest = text[m.end():]
            decl = re.match(r"\s*([^;{(]*?)\b([A-Za-z_]\w*)\s*\(", rest)
            if decl and not decl.group(1).lstrip().startswith(("/", "#")):
                found.add(decl.group(2))
    return found


def contracts_on_definitions(paths):
    """file:line: name for each ACSL function contract that sits on the
    definition of a function other than a static one in a .c file: the
    contract of a public function belongs on its declaration (the header).
    Ghost code (/*@ ghost ... */) is not looked at."""
    found = []
    for path in paths:
        text = open(path, encoding="utf-8", errors="replace").read()
        for m in re.finditer(r"/\*@(.*?)\*/", text, re.S):
            body = re.sub(r"//[^\n]*", "", m.group(1)).strip()
            first = re.match(r"[A-Za-z_\\]+", body)
            if not first or first.group(0) not in CONTRACT_WORDS:
                continue
            rest = text[m.end():]
            decl = re.match(r"\s*([^;{(]*?)\b([A-Za-z_]\w*)\s*\(", rest)
            if not decl or decl.group(1).lstrip().startswith(("/", "#")):
                continue
            end = re.search(r"[;{]", rest[decl.end():])
            is_def = end is not None and end.group(0) == "{"
            if is_def and not re.search(r"\bstatic\b", decl.group(1)):
                found.append("%s:%d: %s" % (
                    path, text.count("\n", 0, m.start()) + 1,
                    decl.group(2)))
    return found


# --- WP results --------------------------------------------------------------

def wp_counts(path):
    """(per-function {name: [proved, total]}, qed, per-prover proved)."""
    data = json.load(open(path))
    funcs = {}
    for fct, props in data.get("wp:functions", {}).items():
        proved = total = 0
        for prop, stats in props.items():
            if prop == "wp:section":  # the function's own summary
                continue
            main = stats.get("wp:main", {})
            proved += main.get("valid", 0)
            total += main.get("total", 0)
        funcs[fct] = [proved, total]
    glob_stats = data.get("wp:global", {})
    qed = glob_stats.get("qed", {}).get("valid", 0)
    provers = {k: v.get("valid", 0) for k, v in glob_stats.items()
               if k not in ("qed", "wp:main")}
    for key in data:
        if key not in ("wp:global", "wp:functions"):
            # lemmas or anything else WP may report: count them as a unit
            proved = total = 0
            for props in data[key].values():
                if not isinstance(props, dict):
                    continue
                for prop, stats in props.items():
                    if prop != "wp:section" and isinstance(stats, dict) \
                            and "wp:main" in stats:
                        proved += stats["wp:main"].get("valid", 0)
                        total += stats["wp:main"].get("total", 0)
            if total:
                funcs["<" + key + ">"] = [proved, total]
    return funcs, qed, provers


def csv_problems(path, selected, exact=False):
    """Properties of selected functions (in src/) whose status is not Valid.

    exact: the real-model run, which proves only the clauses named "exact"
    (-wp-prop=exact); those must be proved, and may rest on the IEEE
    clauses proved by the other run ("Partially proven": valid under
    hypotheses not proved in this run). Other properties are not judged
    there (the IEEE run does)."""
    bad = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["directory"] != "src":
                continue
            if selected is not None and row["function"] not in selected:
                continue
            if exact:
                if not re.match(r"\s*exact\s*:", row["property"]):
                    continue
                if row["status"] not in ("Valid", "Partially proven"):
                    bad.append("%s:%s %s %s: %s" % (
                        row["file"], row["line"], row["function"],
                        row["property kind"], row["status"]))
                continue
            if row["status"] != "Valid":
                bad.append("%s:%s %s %s: %s" % (
                    row["file"], row["line"], row["function"],
                    row["property kind"], row["status"]))
    return bad



def selected_functions(sel, funcs):
    """The functions a plan line selects: "only:f,g", "skip:f,g", or every
    function WP analysed in the run (those defined in the file, ghost lemma
    functions included); callees declared in other headers ("Considered
    valid" there) are proved in their own run."""
    if sel.startswith("only:"):
        return set(sel[5:].split(","))
    if sel.startswith("skip:"):
        return set(funcs) - set(sel[5:].split(","))
    return set(funcs)


def run_counts(sel, funcs, qed):
    """The goal counts of one run, as the results JSON records them."""
    proved = sum(p for p, _ in funcs.values())
    return {
        "selection": sel,
        "proved": proved,
        "total": sum(t for _, t in funcs.values()),
        "proved_by_qed": qed,
        "proved_by_smt": proved - qed,
        "functions": {f: {"proved": p, "total": t}
                      for f, (p, t) in sorted(funcs.items())},
    }

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=("check", "update"), required=True)
    ap.add_argument("--plan", required=True)
    ap.add_argument("--only")
    ap.add_argument("--raw", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--timeout", type=int, required=True)
    ap.add_argument("--provers", required=True)
    args = ap.parse_args()

    plan = read_plan(args.plan)
    only = os.path.normpath(args.only) if args.only else None
    if only and only not in [e["file"] for e in plan]:
        sys.exit("proofs: %s is not in %s" % (only, args.plan))
    ieee_plan = [e for e in plan if e["model"] == "ieee"]
    real_plan = [e for e in plan if e["model"] == "real"]

    def ran(entry):
        return only is None or entry["file"] == only

    errors = []
    results = {}
    status_of = {}  # function -> table status
    for entry in filter(ran, ieee_plan):
        file = entry["file"]
        name = os.path.basename(file)[:-2]
        funcs, qed, provers = wp_counts(os.path.join(args.raw, name + ".wp.json"))
        sel = entry["selection"]
        source_fns = defined_functions(file)
        selected = selected_functions(sel, funcs)
        for fct, (p, t) in sorted(funcs.items()):
            if p != t:
                errors.append("%s: %s: %d of %d goals proved" % (file, fct, p, t))
        for problem in csv_problems(os.path.join(args.raw, name + ".csv"), selected):
            errors.append("%s: property not proved: %s" % (file, problem))
        proved = sum(p for p, _ in funcs.values())
        total = sum(t for _, t in funcs.values())
        ghost = sorted(f for f in funcs if f not in source_fns and not f.startswith("<"))
        res = {
            "file": file,
            "model": MODEL,
            "provers": args.provers.split(","),
            "timeout_s": args.timeout,
            **run_counts(sel, funcs, qed),
            "ghost_lemma_functions": ghost,
            "not_proved_left_out": entry["left_out"],
        }
        if entry["why"]:
            res["note"] = entry["why"]
        results[name] = res
        split = ", ".join("%s %d" % (k, v) for k, v in sorted(provers.items()))
        print("proofs: %-16s %d/%d goals (Qed %d; SMT %d: %s)" % (
            file, proved, total, qed, proved - qed, split or "none"))
        for f in source_fns:
            if f in funcs:
                p, t = funcs[f]
                mark = "proved" if p == t else "FAILED"
                if entry["left_out"] and f in left_out_owner(
                        file, entry["left_out"]):
                    mark = "partial"
                status_of[(file, f)] = "%s %d/%d" % (mark, p, t)
            else:
                status_of[(file, f)] = "not selected"

    # The real-model runs (exact-arithmetic idealisation).
    real_status = {}  # (file, function) -> "p/t"
    real_files = {}
    for entry in filter(ran, real_plan):
        file = entry["file"]
        name = os.path.basename(file)[:-2]
        funcs, qed, provers = wp_counts(
            os.path.join(args.raw, name + ".real.wp.json"))
        sel = entry["selection"]
        selected = selected_functions(sel, funcs)
        for fct, (p, t) in sorted(funcs.items()):
            if p != t:
                errors.append("%s (real model): %s: %d of %d goals proved" % (
                    file, fct, p, t))
        for problem in csv_problems(
                os.path.join(args.raw, name + ".real.csv"), selected, True):
            errors.append("%s (real model): property not proved: %s" % (
                file, problem))
        proved = sum(p for p, _ in funcs.values())
        total = sum(t for _, t in funcs.values())
        if total == 0:
            errors.append("%s (real model): no goal (no LLR_EXACT clause?)" % file)
        real = {
            "model": REAL_MODEL,
            "meaning": IDEALISATION + ": doubles read as real numbers "
                       "(no rounding, overflow or NaN); only the clauses "
                       "named exact (LLR_EXACT, spec/exact.acsl)",
            **run_counts(sel, funcs, qed),
        }
        real_files[file] = {"proved": proved, "total": total}
        if name in results:
            results[name]["real_model"] = real
        else:
            results[name] = {"file": file, "model": MODEL, "proved": 0,
                             "total": 0, "functions": {},
                             "not_proved_left_out": [], "real_model": real}
        split = ", ".join("%s %d" % (k, v) for k, v in sorted(provers.items()))
        print("proofs: %-16s %d/%d goals in the real model, %s "
              "(Qed %d; SMT %d: %s)" % (file, proved, total, IDEALISATION,
                                        qed, proved - qed, split or "none"))
        for f, (p, t) in funcs.items():
            real_status[(file, f)] = (p, t)

    # The summary is over the whole plan: with --only, the other files'
    # results are the committed ones.
    all_results = {}
    for e in plan:
        name = os.path.basename(e["file"])[:-2]
        if name in results or name in all_results:
            all_results.setdefault(name, results.get(name))
            continue
        path = os.path.join(args.results, name + ".json")
        if os.path.exists(path):
            all_results[name] = json.load(open(path))
        else:
            errors.append("%s missing: run `make proofs-update`" % path)

    def counts(res):
        return {"proved": res["proved"], "total": res["total"]}

    def base(file):
        return os.path.basename(file)[:-2]

    summary = {
        "model": MODEL,
        "provers": args.provers.split(","),
        "timeout_s": args.timeout,
        "proved": sum(r["proved"] for r in all_results.values()),
        "total": sum(r["total"] for r in all_results.values()),
        "files": {e["file"]: counts(all_results[base(e["file"])])
                  for e in ieee_plan if base(e["file"]) in all_results},
        "not_proved_left_out": sorted(
            "%s:%s" % (r["file"], p) for r in all_results.values()
            for p in r["not_proved_left_out"]),
        "real_model": {
            "model": REAL_MODEL,
            "meaning": IDEALISATION + ", counted apart from proved/total",
            "files": {e["file"]: counts(all_results[base(e["file"])].get(
                          "real_model", {"proved": 0, "total": 0}))
                      for e in real_plan if base(e["file"]) in all_results},
        },
    }
    rfiles = summary["real_model"]["files"]
    summary["real_model"]["proved"] = sum(v["proved"] for v in rfiles.values())
    summary["real_model"]["total"] = sum(v["total"] for v in rfiles.values())

    # Regression check against the committed results.
    def dump(obj):
        return json.dumps(obj, indent=2, sort_keys=True) + "\n"

    if args.mode == "update":
        os.makedirs(args.results, exist_ok=True)
        for name, res in results.items():
            with open(os.path.join(args.results, name + ".json"), "w") as f:
                f.write(dump(res))
        with open(os.path.join(args.results, "summary.json"), "w") as f:
            f.write(dump(summary))
        print("proofs: wrote %s/{%s,summary}.json" % (
            args.results, ",".join(sorted(results))))
    else:
        for name, res in results.items():
            path = os.path.join(args.results, name + ".json")
            if not os.path.exists(path):
                errors.append("%s missing: run `make proofs-update`" % path)
                continue
            old = json.load(open(path))
            if (old.get("proved"), old.get("total")) != (res["proved"], res["total"]):
                errors.append("%s: %d/%d goals proved, committed %s says %s/%s" % (
                    res["file"], res["proved"], res["total"], path,
                    old.get("proved"), old.get("total")))
            ra, rb = old.get("real_model", {}), res.get("real_model", {})
            if (ra.get("proved"), ra.get("total"), ra.get("functions")) != \
                    (rb.get("proved"), rb.get("total"), rb.get("functions")):
                errors.append("%s: real model %s/%s goals proved, committed "
                              "%s says %s/%s" % (
                                  res["file"], rb.get("proved"), rb.get("total"),
                                  path, ra.get("proved"), ra.get("total")))
            oldf = old.get("functions", {})
            for f in sorted(set(oldf) | set(res["functions"])):
                a = oldf.get(f, {})
                b = res["functions"].get(f, {})
                if (a.get("proved"), a.get("total")) != (b.get("proved"), b.get("total")):
                    errors.append("%s: %s: %s/%s goals proved, committed %s/%s" % (
                        res["file"], f, b.get("proved"), b.get("total"),
                        a.get("proved"), a.get("total")))
        spath = os.path.join(args.results, "summary.json")
        if not os.path.exists(spath):
            errors.append("%s missing: run `make proofs-update`" % spath)
        else:
            old = json.load(open(spath))
            a = (old.get("files"), old.get("real_model", {}).get("files"))
            b = (summary["files"], summary["real_model"]["files"])
            if only:  # only this file's entries
                a = tuple((x or {}).get(only) for x in a)
                b = tuple(x.get(only) for x in b)
            if a != b:
                errors.append("%s differs from this run: run `make "
                              "proofs-update` if the change is intended"
                              % spath)

    # The table of all functions in src/*.c, with one status each:
    #   proved (IEEE) p/t      every goal proved in the IEEE model, plus
    #                          "+ real model p/t" when it also has clauses
    #                          proved in the real model only
    #   real model only p/t    goals only in the real-model run
    #   partial / FAILED       some clause left out / a goal not proved
    #   contract only          a contract that WP uses at the call sites but
    #                          does not prove (assumed; outside the core)
    #   no contract            outside the verified core
    sources = sorted(glob.glob("src/*/*.c"))
    contracted = contracted_functions(sorted(glob.glob("src/*/*.h")) + sources)
    for where in contracts_on_definitions(sources):
        errors.append("%s: a contract on the definition of a public "
                      "function: move it to the declaration in its header"
                      % where)
    rows = []
    for path in sources if only is None else [only]:
        for f in defined_functions(path):
            has = "yes" if f in contracted else "no"
            ieee = status_of.get((path, f))
            real = real_status.get((path, f))
            realtxt = ("real model %d/%d, %s" % (real[0], real[1], IDEALISATION)
                       if real else "")
            if ieee and ieee != "not selected":
                st = ieee + " (IEEE)"
                if st.startswith("proved") and ieee.endswith(" 0/0"):
                    st = "proved (IEEE), no goal"
                if realtxt:
                    st += " + " + realtxt
            elif real:
                st = "real model only: " + realtxt
            elif has == "yes":
                st = "contract only (assumed, not proved)"
            else:
                st = "no contract (outside the core)"
            rows.append((path, f, has, st))
        name = os.path.basename(path)[:-2]
        for f in results.get(name, {}).get("ghost_lemma_functions", []):
            p = results[name]["functions"][f]
            rows.append((path, f, "ghost", "%s %d/%d (IEEE)" % (
                "proved" if p["proved"] == p["total"] else "FAILED",
                p["proved"], p["total"])))
    w1 = max([len(r[0]) for r in rows] + [4])
    w2 = max([len(r[1]) for r in rows] + [8])
    print()
    print("%-*s  %-*s  %-8s  %s" % (w1, "file", w2, "function", "contract",
                                    "status (WP goals proved/total)"))
    print("%s  %s  %s  %s" % ("-" * w1, "-" * w2, "-" * 8, "-" * 30))
    for r in rows:
        print("%-*s  %-*s  %-8s  %s" % (w1, r[0], w2, r[1], r[2], r[3]))
    fns = [r for r in rows if r[2] != "ghost"]
    n_con = sum(1 for r in fns if r[2] == "yes")
    n_ok = sum(1 for r in fns if r[3].startswith("proved"))
    n_real = sum(1 for r in fns if "real model" in r[3])
    n_only = sum(1 for r in fns if r[3].startswith("contract only"))
    print("%d functions, %d with a contract, %d with all goals proved in the "
          "IEEE model (%d of them also with real-model clauses), %d with a "
          "contract assumed but not proved; \"ghost\": ghost lemma function "
          "(ACSL, not compiled)" % (len(fns), n_con, n_ok, n_real, n_only))
    for r in results.values():
        for p in r["not_proved_left_out"]:
            print("NOT PROVED (left out of the run): %s: %s%s" % (
                r["file"], p, " - " + r["note"] if r.get("note") else ""))
    print()
    # The totals of this run: the whole plan, or with --only one file.
    ieee_files = sum(1 for r in results.values() if r["total"])
    proved = sum(r["proved"] for r in results.values())
    total = sum(r["total"] for r in results.values())
    which = "" if only is None else ", " + only

    def files(n):
        return "%d file%s" % (n, "" if n == 1 else "s")

    print("proofs: %d/%d goals proved in %s%s (model %s, provers %s, "
          "timeout %ds)" % (proved, total, files(ieee_files), which,
                            MODEL, args.provers, args.timeout))
    if only and not real_files:
        print("proofs: real model: no run of %s in %s" % (only, args.plan))
        return report_errors(errors)
    print("proofs: real model: %d/%d goals proved in %s%s (model %s: "
          "%s, counted apart)" % (
              sum(v["proved"] for v in real_files.values()),
              sum(v["total"] for v in real_files.values()),
              files(len(real_files)), which, REAL_MODEL, IDEALISATION))

    return report_errors(errors)


def report_errors(errors):
    for e in errors:
        print("proofs: ERROR: " + e, file=sys.stderr)
    return 1 if errors else 0


def left_out_owner(file, names):
    """Functions whose contracts hold one of the named (left out) clauses."""
    owners = set()
    header = file[:-2] + ".h"
    for path in (header, file):
        if not os.path.exists(path):
            continue
        text = open(path, encoding="utf-8", errors="replace").read()
        for m in re.finditer(r"/\*@(.*?)\*/", text, re.S):
            if not any(re.search(r"\b%s\s*:" % re.escape(n), m.group(1)) for n in names):
                continue
            decl = re.match(r"\s*[^;{(]*?\b([A-Za-z_]\w*)\s*\(", text[m.end():])
            if decl:
                owners.add(decl.group(1))
    return owners


if __name__ == "__main__":
    sys.exit(main())
