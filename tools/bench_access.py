#!/usr/bin/python3
"""make bench-access: what API-shaped access costs (docs/access.md).

1. API calls: `llr learn --method spectral --eps 0.01` on ISANs through
   whole vectors, and through top-K access (K = 1, 2, 5, 20; bias 100,
   answers rounded to 6 decimals): distinct logit queries, API calls,
   certified and exact TV. Top-1 is refused (recovery needs K >= 2).
2. Conditional sampling against lambda: tables V=4 T=3 (rank 4) of raw
   logits uniform in [-lambda/2, lambda/2), so centred logits in [-lambda,
   lambda] (llr gen table --scale lambda), learned
   through --access sample. "formula": the draws per vector of GLS2
   Remark 5.8 with the constants of oracle/cond_sample.h for xi 0.1, delta
   0.001, times the distinct queries (and, when at most 2e6 per vector,
   the run that uses them: its certified and exact TV); "measured": the smallest n = 2^j draws per
   vector (n:N forced, j <= 22) whose learned model is within exact TV
   0.005.
Writes build/bench-access/{calls,sampling}.tsv and the data of the plot;
prints both tables. Usage: tools/bench_access.py LLR OUTDIR
"""
import json
import math
import os
import subprocess
import sys

LLR, OUT = sys.argv[1], sys.argv[2]
os.makedirs(OUT, exist_ok=True)


def run(args):
    p = subprocess.run([LLR] + args, capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr.strip().splitlines()[0]
    return json.loads(p.stdout), None


def gen(V, d, T, seed, scale, path):
    subprocess.run([LLR, "gen", "isan", "--vocab", str(V), "--rank", str(d),
                    "--horizon", str(T), "--seed", str(seed), "--scale",
                    str(scale), "-o", path], check=True,
                   capture_output=True)


rows = []
for (V, d, T) in ((8, 3, 7), (32, 3, 3)):
    m = f"{OUT}/isan_{V}_{d}_{T}.st"
    gen(V, d, T, 1, 3, m)
    for acc in (None, "topk:1,bias:100,round:6", "topk:2,bias:100,round:6",
                "topk:5,bias:100,round:6", "topk:20,bias:100,round:6"):
        args = ["learn", m, "--rank", str(d), "--eps", "0.01", "--method",
                "spectral", "-o", f"{OUT}/l.st", "--json"]
        if acc:
            args += ["--access", acc]
        j, err = run(args)
        if j is None:
            rows.append((V, d, T, acc or "whole vectors", "-", "-", "-", "-",
                         err))
        else:
            rows.append((V, d, T, acc or "whole vectors",
                         j["distinct_queries"], j["api_calls"],
                         "%.4g" % j["tv_certified"], "%.3g" % j["tv"], ""))
with open(f"{OUT}/calls.tsv", "w") as f:
    f.write("V\td\tT\taccess\tdistinct_queries\tapi_calls\ttv_certified\t"
            "tv\tnote\n")
    for r in rows:
        f.write("\t".join(str(x) for x in r) + "\n")
print("API calls of llr learn --method spectral --eps 0.01 (ISAN seed 1, "
      "scale 3; learner seed 1)")
print("%-4s %-2s %-2s %-26s %9s %9s %9s %9s" % ("V", "d", "T", "access",
      "distinct", "api_calls", "certified", "tv"))
for r in rows:
    print("%-4s %-2s %-2s %-26s %9s %9s %9s %9s %s" % r)

srows = []
for lam in (1, 2, 3, 4, 5, 6):
    m = f"{OUT}/s_{lam}.st"
    subprocess.run([LLR, "gen", "table", "--vocab", "4", "--horizon", "3",
                    "--seed", "1", "--scale", str(lam), "-o", m], check=True,
                   capture_output=True)
    base = ["learn", m, "--rank", "4", "--eps", "0.1", "--method",
            "spectral", "-o", f"{OUT}/s.st", "--json"]
    t = -math.expm1(-0.1 / 2)
    per = 3 * 4 * math.exp(2 * lam) * math.log(2 * 4 / 0.001) / t ** 2
    formula = (math.ceil(per), 21 * math.ceil(per), None, None)
    if per <= 2e6:  # run it (and check llr's own count) only when cheap
        j, err = run(base + ["--access", f"sample,lambda:{lam},xi:0.1,"
                             "delta:0.001"])
        if j is None:
            sys.exit("bench_access: " + err)
        if abs(j["access"]["samples_per_vector"] - per) > 1e-6 * per:
            sys.exit("bench_access: llr's formula differs from this one")
        formula = (math.ceil(per), j["api_calls"], j["tv_certified"],
                   j["tv"])
    meas = None
    for e in range(4, 23):
        n = 1 << e
        jm, err = run(base + ["--access",
                              f"sample,lambda:{lam},xi:0.1,n:{n}"])
        if jm is not None and jm["tv"] <= 0.005:
            meas = (n, jm["api_calls"], jm["tv_certified"], jm["tv"])
            break
    srows.append((lam,) + formula + (meas or (None,) * 4))
with open(f"{OUT}/sampling.tsv", "w") as f:
    f.write("lambda\tformula_per_vector\tformula_api_calls\t"
            "formula_tv_certified\tformula_tv\tmeasured_per_vector\t"
            "measured_api_calls\tmeasured_tv_certified\tmeasured_tv\n")
    for r in srows:
        f.write("\t".join("-" if x is None else str(x) for x in r) + "\n")
print()
print("conditional sampling, table V=4 T=3 seed 1 with centred logits in "
      "[-lambda, lambda], spectral --rank 4 --eps 0.1 (21 distinct queries)")
print("%-6s %14s %14s %9s %9s | %12s %12s %9s" % (
      "lambda", "formula/vec", "formula calls", "certified", "tv",
      "measured/vec", "meas. calls", "tv"))
for r in srows:
    print("%-6s %14s %14s %9s %9s | %12s %12s %9s" % (
        r[0], r[1], r[2], "-" if r[3] is None else "%.4g" % r[3],
        "-" if r[4] is None else "%.3g" % r[4], r[5], r[6],
        "-" if r[8] is None else "%.3g" % r[8]))
