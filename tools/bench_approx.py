#!/usr/bin/python3
"""make bench-approx: gls against the spectral baseline on approximately
low-rank teachers, at equal distinct-logit-query budgets (docs/bench.md).

Usage: tools/bench_approx.py [LLR]     (default LLR=build/llr)

Teachers (all built here from the repository, nothing downloaded):
  approx    `llr gen approx --vocab 8 --rank 3 --horizon 5 --seed 3 --eps E`
            for E = 0.001, 0.01, 0.1, learned at ranks 2, 3, 4;
  arpa      bigram models of docs/*.md but docs/bench.md (lower-cased; all
            but the 24 most frequent words made <unk>; V = 24 as llr reads
            them; the models change when those docs change: the output
            gives the corpus's SHA-256), one written
            by tools/make_arpa.py and one by IRSTLM's tlm (Witten-Bell,
            back-off), at horizon 4, learned at ranks 10 and 20 (below
            their rank, about 25);
  charlm    the character-level RNN of tools/charlm.py (V = 29), trained on
            README.md (weights build/bench-approx/charlm.npz, a make target
            of bench.mk), served over exec: at horizon 3, learned at ranks 8
            and 16;
  rare      `llr gen isan --vocab 8 --rank 3 --horizon 5 --seed 3` served by
            tools/serve_rare.py: exact rank 3 except about one prefix in 16,
            which gets an error of size 1; learned at rank 3.
For each (teacher, rank): the spectral baseline at its defaults, whose
distinct queries S are a budget; gls with its practical defaults
(`--eps 0.05`), which stops where validation makes no progress (a model
read by least squares over denoised rows, spec/learner.md rule 10), and
gls with `--budget S`, which grows its spanner pools where it is stuck
(when the teacher's samples cost no logit query) until the budget. For
each gls run, B = its distinct queries; then the spectral baseline with
the largest --spanner-n whose run stays within B distinct queries (the
same budget). TV is exact where V^T <= 10^7 (every teacher here). Then,
for the approx teachers' models at rank 3 read by the LP, the exact TV of
the same learned representation under four LP objectives
(tools/lp_objectives.py).

Writes build/bench-approx/results.tsv, prints the table, renders
docs/plots/approx.png (tools/approx.gp, gnuplot). A benchmark, not a test:
it asserts nothing about the numbers. BENCH_APPROX_QUICK=1 runs the approx
teachers at rank 3 only and skips the objective comparison.
"""
import collections
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3"
OUT = os.path.join("build", "bench-approx")
TLM = "/usr/lib/irstlm/bin/tlm"
SEED = 1
EPS = 0.05
QUICK = os.environ.get("BENCH_APPROX_QUICK") == "1"
NOTES = []


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def must(cmd, what):
    r = run(cmd)
    if r.returncode != 0:
        raise SystemExit("bench_approx: %s failed: %s\n%s" % (what, " ".join(cmd), r.stderr))
    return r


def make_corpus():
    """docs/*.md but docs/bench.md (which holds this benchmark's results),
    lower-cased, one sentence per non-blank line, all but the 24 most
    frequent words replaced by <unk>. Returns its path and SHA-256."""
    files = sorted(f for f in glob.glob(os.path.join(ROOT, "docs", "*.md")) if not f.endswith("bench.md"))
    lines = []
    for f in files:
        with open(f, encoding="utf-8", errors="replace") as fh:
            lines += [l.lower().split() for l in fh if l.strip()]
    count = collections.Counter(w for l in lines for w in l if w not in ("<s>", "</s>", "<unk>"))
    keep = {w for w, _ in sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))[:24]}
    path = os.path.join(OUT, "corpus.txt")
    text = "".join(" ".join(w if w in keep else "<unk>" for w in l) + "\n" for l in lines)
    with open(path, "w") as fh:
        fh.write(text)
    return path, hashlib.sha256(text.encode()).hexdigest()


def teachers(llr):
    """(name, model argument, V, T, ranks, eps-or-None) in table order."""
    os.makedirs(os.path.join(OUT, "models"), exist_ok=True)
    m = lambda f: os.path.join(OUT, "models", f)
    out = []
    for E in (0.001, 0.01, 0.1):
        f = m("approx_%g.st" % E)
        must([llr, "gen", "approx", "--vocab", "8", "--rank", "3", "--horizon", "5", "--seed", "3",
              "--eps", str(E), "-o", f], "gen approx")
        out.append(("approx eps=%g" % E, f, 8, 5, [3] if QUICK else [2, 3, 4], E))
    corpus, digest = make_corpus()
    NOTES.append("ARPA corpus: docs/*.md but bench.md, %d bytes after <unk>, sha256 %s"
                 % (os.path.getsize(corpus), digest[:16]))
    must([PY, os.path.join(ROOT, "tools", "make_arpa.py"), "--order", "2", corpus, m("make_arpa.arpa")],
         "tools/make_arpa.py")
    irst_in = m("irstlm_input.txt")
    with open(corpus) as fi, open(irst_in, "w") as fo:
        for l in fi:
            fo.write("<s> " + l.strip() + " </s>\n")
    must([TLM, "-tr=" + irst_in, "-n=2", "-lm=wb", "-bo=yes", "-o=" + m("irstlm.arpa")], "IRSTLM tlm")
    for name in ("make_arpa", "irstlm"):
        f = m(name + ".arpa")
        info = must([llr, "info", f, "--horizon", "4", "--json"], "llr info")
        V = json.loads(info.stdout)["vocab"]
        out.append(("arpa %s" % name, f, V, 4, [10] if QUICK else [10, 20], None))
    w = os.path.join(OUT, "charlm.npz")  # made by bench.mk from README.md
    if not os.path.exists(w):
        must([PY, os.path.join(ROOT, "tools", "charlm.py"), "train", os.path.join(ROOT, "README.md"), w],
             "tools/charlm.py train")
    with open(w, "rb") as fh:
        NOTES.append("charlm weights: %s, sha256 %s" % (w, hashlib.sha256(fh.read()).hexdigest()[:16]))
    out.append(("charlm (RNN, exec:)",
                "exec:%s %s serve %s --horizon 3" % (PY, os.path.join(ROOT, "tools", "charlm.py"), w),
                29, 3, [8] if QUICK else [8, 16], None))
    base = m("rare_base.st")
    must([llr, "gen", "isan", "--vocab", "8", "--rank", "3", "--horizon", "5", "--seed", "3", "-o", base],
         "gen isan")
    out.append(("rare (structured)", "exec:%s %s %s" % (PY, os.path.join(ROOT, "tools", "serve_rare.py"), base),
                8, 5, [3], None))
    return out


def horizon_args(model, T):
    return ["--horizon", str(T)] if model.endswith(".arpa") else []


def learn(llr, model, T, rank, extra, tag):
    """One llr learn run: (ok, distinct, tv, message, seconds, file, report)."""
    out = os.path.join(OUT, "learned", tag + ".st")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    cmd = [llr, "learn", model, "--rank", str(rank), "--seed", str(SEED), "--json", "-o", out] + \
        horizon_args(model, T) + extra
    t0 = time.time()
    r = run(cmd)
    wall = time.time() - t0
    with open(os.path.join(OUT, "learned", tag + ".cmd"), "w") as f:
        f.write(" ".join(cmd) + "\n" + r.stderr)
    if r.returncode == 0:
        j = json.loads(r.stdout)
        return True, int(j["distinct_queries"]), j.get("tv"), "", wall, out, j
    spent = re.search(r"after (\d+) distinct queries", r.stderr)
    msg = " ".join(r.stderr.strip().splitlines()[0].split()) if r.stderr.strip() else "exit %d" % r.returncode
    return False, int(spent.group(1)) if spent else None, None, msg, wall, None, {}


def spectral_at(llr, model, T, rank, budget, tag):
    """The spectral baseline with the largest --spanner-n whose run makes
    at most `budget` distinct queries (bisection; --budget stops a run
    that would exceed it)."""
    best, lo, hi = None, 1, 4096
    while lo <= hi:
        n = (lo + hi) // 2
        ok, distinct, tv, msg, wall, f, _ = learn(llr, model, T, rank,
                                               ["--method", "spectral", "--spanner-n", str(n),
                                                "--budget", str(budget)], "%s-spectral" % tag)
        if ok:
            best, lo = (n, distinct, tv), n + 1
        else:
            hi = n - 1
    return best


def main():
    llr = sys.argv[1] if len(sys.argv) > 1 else "build/llr"
    if not os.access(llr, os.X_OK):
        raise SystemExit("bench_approx: %s is not an executable (run make first)" % llr)
    os.makedirs(OUT, exist_ok=True)
    t_start = time.time()
    rows = []
    for name, model, V, T, ranks, E in teachers(llr):
        for d in ranks:
            # gls as it runs by default (it stops where validation makes no
            # progress), and gls given the distinct queries of the spectral
            # baseline's default run (--spanner-n 8d+8) as its --budget.
            tag0 = re.sub(r"[^A-Za-z0-9.]+", "_", "%s_r%d_spdefault" % (name, d))
            ok0, S, tv0, _, _, _, _ = learn(llr, model, T, d, ["--method", "spectral"], tag0)
            variants = [("gls", ["--eps", str(EPS)])]
            if ok0:
                variants.append(("gls --budget %d" % S, ["--eps", str(EPS), "--budget", str(S)]))
            for label, extra in variants:
                tag = re.sub(r"[^A-Za-z0-9.]+", "_", "%s_r%d_%s" % (name, d, label))
                print("[%5.0f s] %s, rank %d: %s" % (time.time() - t_start, name, d, label), file=sys.stderr)
                ok, distinct, tv, msg, wall, f, j = learn(llr, model, T, d, extra, tag)
                sp = spectral_at(llr, model, T, d, distinct, tag) if distinct else None
                rows.append(dict(teacher=name, V=V, T=T, rank=d, method=label, ok=ok, budget=distinct,
                                 tv=tv, msg=msg, wall=wall, file=f, eps=E,
                                 stop=j.get("stopped") or ("met" if j.get("target_met") else "-"),
                                 recon=j.get("reconstruction"), cert=j.get("tv_certified"),
                                 sp_n=sp[0] if sp else None, sp_distinct=sp[1] if sp else None,
                                 sp_tv=sp[2] if sp else None))
    total = time.time() - t_start

    cols = ["teacher", "V", "T", "rank", "method", "ok", "budget", "stop", "recon", "cert", "tv", "sp_n",
            "sp_distinct", "sp_tv", "msg"]
    with open(os.path.join(OUT, "results.tsv"), "w") as f:
        f.write("\t".join(cols) + "\n")
        for r in rows:
            f.write("\t".join("" if r[c] is None else repr(r[c]) if isinstance(r[c], float) else str(r[c])
                              for c in cols) + "\n")
    fmt = lambda x: "-" if x is None else "%.3g" % x
    hdr = "%-20s %4s %2s %4s  %-17s %7s  %-11s %4s %9s %9s  %5s %7s %9s  %7s" % (
        "teacher", "V", "T", "rank", "gls run", "budget", "gls ended", "read", "gls cert", "gls TV", "n", "distinct",
        "spec. TV", "ratio")
    print("gls against the spectral baseline at equal distinct-query budgets (exact TV; learner --seed %d)"
          % SEED)
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        ratio = r["tv"] / r["sp_tv"] if r["ok"] and r["sp_tv"] else None
        print("%-20s %4d %2d %4d  %-17s %7s  %-11s %4s %9s %9s  %5s %7s %9s  %7s" % (
            r["teacher"], r["V"], r["T"], r["rank"], r["method"], r["budget"] or "-",
            r["stop"] if r["ok"] else "REFUSED", r["recon"] or "-", fmt(r["cert"]), fmt(r["tv"]),
            r["sp_n"] or "-", r["sp_distinct"] or "-", fmt(r["sp_tv"]), "-" if ratio is None else "%.3gx" % ratio))
    print("-" * len(hdr))
    print("gls run: by default, or with --budget B, B the spectral baseline's distinct queries at its default\n"
          "--spanner-n 8d+8 (gls then grows its spanner pools where it is stuck; when the teacher's samples\n"
          "cost logit queries it keeps 2 valid_n (T-1) of them for its last certificate). "
          "budget = distinct queries gls made; the spectral baseline gets the largest --spanner-n n whose\n"
          "distinct queries stay within it. gls ended: met (certified TV <= %g) or why it stopped; read: lp\n"
          "or lsq (least squares over denoised rows); gls cert: its certified TV. ratio = gls TV / spectral TV."
          % EPS)
    refused = [r for r in rows if not r["ok"]]
    worse = [r for r in rows if r["ok"] and r["sp_tv"] and r["tv"] / r["sp_tv"] > 1.1]
    print("gls returned a model on %d of %d runs; its TV is more than 1.1 times the spectral baseline's on %d"
          % (len(rows) - len(refused), len(rows), len(worse)))
    if refused:
        print("the first line of the first failure per teacher:")
    seen = set()
    for r in refused:
        if r["teacher"] not in seen:
            seen.add(r["teacher"])
            print("  %s, rank %d: %s" % (r["teacher"], r["rank"], r["msg"]))

    # The LP objectives, on the LP-read models of the approx teachers.
    obj = []
    if not QUICK:
        for r in rows:
            if r["eps"] is not None and r["rank"] == 3 and r["ok"] and r["recon"] == "lp" and r["method"] == "gls":
                teacher = os.path.join(OUT, "models", "approx_%g.st" % r["eps"])
                o = must([PY, os.path.join(ROOT, "tools", "lp_objectives.py"), teacher, r["file"]],
                         "tools/lp_objectives.py")
                obj.append((r, o.stdout))
        if obj:
            print("\nThe learned representations of the approx teachers at rank 3 (the runs above that returned "
                  "a model)\nunder four LP objectives (exact TV; tools/lp_objectives.py, HiGHS):")
            for r, text in obj:
                print("%s, rank %d, %s, spectral %s:" % (r["teacher"], r["rank"], r["method"], fmt(r["sp_tv"])))
                print(text.rstrip())

    with open(os.path.join(OUT, "plot.dat"), "w") as f:
        f.write("# label\tgls_tv\tspectral_tv\n")
        for r in rows:
            label = "%s r%d%s" % (r["teacher"].split(" (")[0].replace("_", "-"), r["rank"],
                                  " B" if "--budget" in r["method"] else "")
            f.write("\"%s\"\t%s\t%s\n" % (label, repr(r["tv"]) if r["ok"] and r["tv"] else "NaN",
                                          repr(r["sp_tv"]) if r["sp_tv"] else "NaN"))
    for n in NOTES:
        print(n)
    print("%d runs in %.0f s" % (len(rows), total))
    png = os.path.join("docs", "plots", "approx.png")
    r = run(["gnuplot", "-e", "datafile='%s'; outfile='%s'" % (os.path.join(OUT, "plot.dat"), png),
             os.path.join(ROOT, "tools", "approx.gp")])
    if r.returncode != 0:
        raise SystemExit("bench_approx: gnuplot failed: " + r.stderr)
    print("wrote %s and %s" % (os.path.join(OUT, "results.tsv"), png))


if __name__ == "__main__":
    main()
