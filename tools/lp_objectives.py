#!/usr/bin/python3
"""Exact TV of one learned gls model under different reconstruction-LP
objectives (make bench-approx; spec/learner.md rule 4).

Usage: lp_objectives.py TEACHER LEARNED

TEACHER is an isan/approx/table file, LEARNED a gls file learned from it.
The learned representation is kept; only the LP that reads it changes. For
each objective list below the LP at every prefix is the lexicographic
minimum of the list (then sum |c| and each coefficient, as in rule 4),
solved with SciPy's HiGHS through the reader and LP set-up of
tests/second_impl.py; the exact TV to the teacher follows. Objectives:
  cheb    max |e|                     (GLS2's Chebyshev form; llr's stage 1)
  levels  sum over levels of max |e|  (llr's stage 2)
  l1      sum |e|                     (matches GLS2's average-l1 error)
A prefix is infeasible (uniform next token) when max |e| > tau, as in llr.
"""
import itertools
import os
import sys
import time

import numpy as np
from scipy.optimize import linprog

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
import second_impl as si  # noqa: E402

VARIANTS = [
    ("cheb, levels, sum|c| (llr's one answer)", ["cheb", "levels"]),
    ("cheb, sum|c|", ["cheb"]),
    ("levels first, sum|c|", ["levels"]),
    ("l1 first, sum|c|", ["l1"]),
]


def solve(L, y, first):
    A, b, lev, off = L.system(y)
    m, n = A.shape
    t = len(y)
    # variables: c (n), r, r_s (t), w (m) >= |e_k|, u (n) >= |c_j|
    ir, il, iw, iu = n, n + 1, n + 1 + t, n + 1 + t + m
    nv = iu + n
    rows, rhs = [], []
    for k in range(m):
        for sg in (1.0, -1.0):
            for col in (ir, il + lev[k], iw + k):
                a = np.zeros(nv)
                a[:n], a[col] = sg * A[k], -1.0
                rows.append(a), rhs.append(sg * b[k])
    for j in range(n):
        for sg in (1.0, -1.0):
            a = np.zeros(nv)
            a[j], a[iu + j] = sg, -1.0
            rows.append(a), rhs.append(0.0)
    R, rhs = np.array(rows), np.array(rhs)
    eq = np.zeros(len(R), dtype=bool)
    lo = np.array([-L.box] * n + [0.0] * (nv - n))
    hi = np.array([L.box] * n + [np.inf] * (nv - n))
    cols = {"cheb": [ir], "levels": list(range(il, il + t)), "l1": list(range(iw, iw + m)),
            "sumc": list(range(iu, iu + n))}
    stages = [cols[s] for s in first + ["sumc"]] + [[j] for j in range(n)]
    for cs in stages:
        f = np.zeros(nv)
        f[cs] = 1.0
        res = linprog(f, A_ub=R[~eq] if (~eq).any() else None, b_ub=rhs[~eq] if (~eq).any() else None,
                      A_eq=R[eq] if eq.any() else None, b_eq=rhs[eq] if eq.any() else None,
                      bounds=[(l, None if h == np.inf else h) for l, h in zip(lo, hi)],
                      method="highs", options={"presolve": False})
        if res.status != 0:
            raise SystemExit("lp_objectives: HiGHS: %s at prefix %r" % (res.message, y))
        idx = np.where(~eq)[0]
        eq[idx[np.abs(res.ineqlin.marginals) > L.TIE]] = True
        free = lo < hi
        at_lo = free & (res.lower.marginals > L.TIE)
        at_hi = free & (res.upper.marginals < -L.TIE)
        hi[at_lo], lo[at_hi] = lo[at_lo], hi[at_hi]
        if L.determined(R[eq], lo == hi, n):
            break
    c = res.x[:n]
    r = float(np.abs(A @ c - b).max())
    if r > L.tau:
        return np.zeros(L.V)
    return np.tensordot(c[off[t - 1]:off[t]], L.rhat[t][:, 0, :], 1)


def conditionals(l):
    w = np.exp(l - l.max())
    return w / w.sum()


def exact_tv(teacher, pred, V, T):
    layer = [((), 1.0, 1.0)]
    for t in range(T):
        nxt = []
        for h, pa, pb in layer:
            ca, cb = conditionals(teacher.logits(list(h))), conditionals(pred[h])
            nxt += [(h + (z,), pa * ca[z], pb * cb[z]) for z in range(V)]
        layer = nxt
    return 0.5 * sum(abs(pa - pb) for _, pa, pb in layer)


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: lp_objectives.py TEACHER LEARNED")
    t, meta = si.read_safetensors(sys.argv[1])
    teacher = si.FAMILIES[meta["llr.kind"]](t, meta)
    t, meta = si.read_safetensors(sys.argv[2])
    L = si.Learned(t, meta)
    for label, first in VARIANTS:
        t0 = time.time()
        pred = {(): L.rhat[0][0, 0, :].copy()}
        for n in range(1, L.T):
            for y in itertools.product(range(L.V), repeat=n):
                pred[y] = solve(L, list(y), first)
        print("  %-42s exact TV %.6g  (%.0f s)" % (label, exact_tv(teacher, pred, L.V, L.T), time.time() - t0),
              flush=True)


if __name__ == "__main__":
    main()
