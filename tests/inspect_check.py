#!/usr/bin/python3
"""Checks `llr inspect --json` from the model file alone (NumPy only).

Usage: inspect_check.py MODEL REPORT.json [--unique yes|no] [--lp LP_ITEM]

For a gls model it rebuilds the reconstruction LP at the report's prefix
from the file's tensors (docs/learner.md, "The reconstruction LP,
exactly"), and checks: the residual count, the residuals and the
coefficients' recomputed maximum, the binding list, the prediction; every
end point of every range on the optimal face (in the box, residual within
the face's bound, the coordinate or logit equal to the range's end),
which certifies each range from below; and, with --lp, the coefficients
against an `lp` item of the golden vectors. For an isan model it
recomputes x_t and the logits. Exit 1 with a message on the first failure.
"""
import json
import struct
import sys

import numpy as np


def read_st(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    head = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, d in head.items():
        if name == "__metadata__":
            continue
        a, b = d["data_offsets"]
        dt = {"F64": "<f8", "I64": "<i8"}[d["dtype"]]
        out[name] = np.frombuffer(data[a:b], dtype=dt).reshape(d["shape"])
    return out, head.get("__metadata__", {})


def fail(msg):
    print("inspect_check: " + msg)
    sys.exit(1)


def check_gls(tens, meta, r, args):
    V, t, y = r["vocab"], r["t"], r["prefix"]
    box = float(meta["llr.box"])
    k = [tens["cut%d.basis" % s].shape[0] for s in range(r["horizon"])]
    fut = [[row[row >= 0].tolist() for row in tens["cut%d.futures" % s]]
           for s in range(r["horizon"])]
    off = [0, 1]
    for s in range(1, t + 1):
        off.append(off[-1] + k[s])
    n = off[-1] - 1
    rows_A, rows_b, labels = [], [], []
    for s in range(t):
        rhat = tens["cut%d.rhat" % (s + 1)]
        rext = tens["cut%d.rext" % s]
        for j in range(len(fut[s + 1])):
            for z in range(V):
                a = np.zeros(n)
                bb = 0.0
                for i in range(k[s + 1]):
                    a[off[s + 1] - 1 + i] = rhat[i, j, z]
                for i in range(k[s]):
                    if s == 0:
                        bb += rext[i, y[s], j, z]
                    else:
                        a[off[s] - 1 + i] -= rext[i, y[s], j, z]
                rows_A.append(a)
                rows_b.append(bb)
                labels.append((s, j, z))
    A = np.array(rows_A).reshape(len(rows_A), n)
    b = np.array(rows_b)
    if r["residual_constraints"] != len(b):
        fail("%d residual constraints, expected %d" %
             (r["residual_constraints"], len(b)))
    c = np.concatenate([lv["coefficients"] for lv in r["levels"]])
    if len(c) != n + 1 or c[0] != 1.0:
        fail("coefficients %s" % c)
    e = A @ c[1:] - b if n else -b
    rr = float(np.max(np.abs(e))) if len(e) else 0.0
    if abs(rr - r["residual"]) > 1e-12 or abs(rr - r["residual_recomputed"]) > 1e-12:
        fail("residual %r, recomputed here %r" % (r["residual"], rr))
    tol = r["binding"]["tolerance"]
    want = sorted((s, j, z) for (s, j, z), x in zip(labels, e)
                  if abs(x) >= rr - tol)
    got = sorted((x["level"], x["future_index"], x["token"])
                 for x in r["binding"]["residuals"])
    if len(set(want) ^ set(got)) > 0 and rr > 1e-12:
        fail("binding residuals %s, expected %s" % (got, want))
    for x in r["binding"]["residuals"]:
        if x["future"] != fut[x["level"] + 1][x["future_index"]]:
            fail("binding future %s" % x)
    rhat_t = tens["cut%d.rhat" % t]

    def predict(cc):
        return sum(cc[off[t] + i] * rhat_t[i, 0, :] for i in range(k[t]))

    L = predict(c) if r["feasible"] else np.zeros(V)
    if np.max(np.abs(L - np.array(r["logits"]))) > 1e-12:
        fail("prediction %s, expected %s" % (r["logits"], L))
    opt = r["optimum"]
    bound = rr + opt["slack"] + 1e-9
    width = 0.0
    for x in opt["coefficient_ranges"]:
        for end in ("lo", "hi"):
            p = np.array(x["at_" + end])
            ep = A @ p[1:] - b
            if p[0] != 1.0 or np.max(np.abs(p[1:])) > box + 1e-9:
                fail("%s: the point is outside the box" % x["coefficient"])
            if np.max(np.abs(ep)) > bound:
                fail("%s: the point's residual %g exceeds %g" %
                     (x["coefficient"], np.max(np.abs(ep)), bound))
            if abs(p[x["index"]] - x[end]) > 1e-9:
                fail("%s: the point has %r, not %r" %
                     (x["coefficient"], p[x["index"]], x[end]))
        width = max(width, x["at_hi"][x["index"]] - x["at_lo"][x["index"]])
    lwidth = 0.0
    for x in opt["logit_ranges"]:
        lo = predict(np.array(x["at_lo"]))[x["token"]]
        hi = predict(np.array(x["at_hi"]))[x["token"]]
        for p in (x["at_lo"], x["at_hi"]):
            if np.max(np.abs(A @ np.array(p)[1:] - b)) > bound:
                fail("logit %d: a point leaves the face" % x["token"])
        if abs(lo - x["lo"]) > 1e-9 or abs(hi - x["hi"]) > 1e-9:
            fail("logit %d: range [%r, %r], the points give [%r, %r]" %
                 (x["token"], x["lo"], x["hi"], lo, hi))
        lwidth = max(lwidth, hi - lo)
    if abs(width - opt["coefficient_width"]) > 1e-9 or \
            abs(lwidth - opt["logit_width"]) > 1e-9:
        fail("widths %r %r, the points give %r %r" %
             (opt["coefficient_width"], opt["logit_width"], width, lwidth))
    if "unique" in args:
        u = args["unique"] == "yes"
        if opt["unique"] != u:
            fail("unique is %s" % opt["unique"])
        if not u and width < 0.1:
            fail("not unique, but the points are only %g apart" % width)
    if "lp" in args:
        it, _ = read_st(args["lp"])
        P = it["prefixes"]
        row = [i for i in range(len(P))
               if list(P[i][P[i] >= 0]) == list(y)]
        if len(row) != 1:
            fail("prefix %s not in %s" % (y, args["lp"]))
        cw = it["coefficients"][row[0]][:int(it["ncoef"][row[0]])]
        if np.max(np.abs(cw - c)) > 1e-9:
            fail("coefficients %s, the vectors have %s" % (c, cw))
    return "gls at %s: %d residuals, %d binding, unique %s, widths %.3g %.3g" % (
        y, len(b), len(got), opt["unique"], width, lwidth)


def check_isan(tens, r):
    x = tens["x0"].copy()
    for i, z in enumerate(r["prefix"]):
        x = tens["A"][i, z] @ x
    if np.max(np.abs(x - np.array(r["state"]["x"]))) > 1e-12:
        fail("x_t %s, expected %s" % (r["state"]["x"], x))
    raw = tens["B"][r["t"]] @ x
    L = raw - raw.mean()
    if np.max(np.abs(L - np.array(r["logits"]))) > 1e-12:
        fail("logits")
    p = np.exp(L - L.max())
    p /= p.sum()
    if np.max(np.abs(p - np.array(r["probs"]))) > 1e-12:
        fail("probabilities")
    return "isan at %s: x_t and logits" % r["prefix"]


def main():
    model, report = sys.argv[1], sys.argv[2]
    args = dict(zip([a.lstrip("-") for a in sys.argv[3::2]], sys.argv[4::2]))
    r = json.load(open(report))
    tens, meta = read_st(model)
    if r["kind"] == "gls":
        print(check_gls(tens, meta, r, args))
    elif r["kind"] == "isan":
        print(check_isan(tens, r))
    else:
        fail("kind %s is not checked here" % r["kind"])


main()
