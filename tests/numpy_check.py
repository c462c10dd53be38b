#!/usr/bin/python3
"""An independent NumPy computation checked against llr.

It reads model files with its own safetensors reader (following the format
description, not llr's code), evaluates ISAN and approx logits from the
layout in docs/file-formats.md, enumerates Sigma^T for exact TV, and
reproduces `llr sample` from the PRNG and sampling rule in docs/models.md.
Agreement required: 1e-12 for logits and TV, identical samples. The
certified TV bounds (docs/learner.md, "The certificate") are recomputed
from the samples with SciPy (brentq for the binomial-KL bound, the
empirical Bernstein formula): 1e-8 relative.
Usage: tests/numpy_check.py path/to/llr
"""
import itertools
import json
import math
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
from scipy.optimize import brentq

LLR = os.path.abspath(sys.argv[1])
M64 = (1 << 64) - 1
TOL = 1e-12
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    dt = {"F64": "<f8", "I64": "<i8", "U8": "u1"}
    tensors = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        tensors[name] = np.frombuffer(data[b:e], dtype=dt[info["dtype"]]).reshape(info["shape"])
    return tensors, meta


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class Model:
    """ISAN or approx, from the file's tensors alone."""

    def __init__(self, path):
        t, meta = read_safetensors(path)
        self.kind = meta["llr.kind"]
        self.x0, self.B, self.A = t["x0"], t["B"], t["A"]
        self.T, self.V, self.d = self.B.shape
        if self.kind == "approx":
            self.eps = float(meta["llr.eps"])
            self.pseed = int(meta["llr.perturb_seed"])

    def eta(self, prefix):
        h = mix64(self.pseed)
        for z in prefix:
            h = mix64(h ^ (((z + 1) * 0x9E3779B97F4A7C15) & M64))
        u = np.array([2.0 * ((mix64((h + (z + 1) * 0xD1B54A32D192ED03) & M64) >> 11) * 2.0**-53) - 1.0
                      for z in range(self.V)])
        return self.eps / 2 * (u - u.mean())

    def logits(self, prefix):
        x = self.x0.copy()
        for t, z in enumerate(prefix):
            x = self.A[t, z] @ x
        raw = self.B[len(prefix)] @ x
        l = raw - raw.mean()
        if self.kind == "approx":
            l = l + self.eta(prefix)
        return l

    def logprob_all(self):
        """log M(y) for every y in Sigma^T, in enumeration order."""
        out = []
        for y in itertools.product(range(self.V), repeat=self.T):
            lp = 0.0
            for t in range(self.T):
                l = self.logits(y[:t])
                m = l.max()
                lp += l[y[t]] - (m + math.log(np.exp(l - m).sum()))
            out.append(lp)
        return np.array(out)


def llr(*args):
    r = subprocess.run([LLR, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("llr %s failed: %s" % (" ".join(args), r.stderr))
    return r.stdout


class Prng:
    def __init__(self, seed):
        self.s = seed & M64

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & M64
        return mix64(self.s)

    def uniform(self):
        return (self.next() >> 11) * 2.0**-53


def sample(model, n, seed):
    g = Prng(seed)
    out = []
    for _ in range(n):
        y = []
        for t in range(model.T):
            l = model.logits(y)
            m = max(l)
            cum, c = [], 0.0
            for z in range(model.V):  # left-to-right sums, as specified
                c += math.exp(l[z] - m)
                cum.append(c)
            target = g.uniform() * cum[-1]
            z = next((i for i in range(model.V) if target < cum[i]), None)
            if z is None:
                z = next(i for i in range(model.V - 1, 0, -1) if cum[i] > cum[i - 1])
            y.append(z)
        out.append(y)
    return out


def kl(p, q):
    """kl(Bernoulli(p) || Bernoulli(q))."""
    out = 0.0
    if p > 0:
        out += p * math.log(p / q)
    if p < 1:
        out += (1 - p) * math.log((1 - p) / (1 - q))
    return out


def kl_upper(m, n, delta):
    c = math.log(1 / delta) / n
    if m >= 1:
        return 1.0
    hi = 1 - 1e-16
    if kl(m, hi) <= c:
        return 1.0
    return brentq(lambda q: kl(m, q) - c, m, hi, xtol=1e-300, rtol=1e-15)


def kl_lower(m, n, delta):
    c = math.log(1 / delta) / n
    if m <= 0:
        return 0.0
    lo = 1e-300
    if kl(m, lo) <= c:
        return 0.0
    return brentq(lambda q: kl(m, q) - c, lo, m, xtol=1e-300, rtol=1e-15)


def bounds(w, delta):
    """(lower, upper) of the mean of w in [0, 1], each at 1 - delta: the
    tighter of binomial-KL and empirical Bernstein, each at delta / 2."""
    n, m, v = len(w), float(np.mean(w)), float(np.var(w, ddof=1))
    L = math.log(4 / delta)
    width = math.sqrt(2 * v * L / n) + 7 * L / (3 * (n - 1))
    up = min(kl_upper(m, n, delta / 2), min(1.0, m + width))
    lo = max(kl_lower(m, n, delta / 2), max(0.0, m - width))
    return lo, up


def close(got, want):
    return abs(got - want) <= 1e-8 * abs(want) + 1e-15


with tempfile.TemporaryDirectory() as w:
    files = {}
    for name, args in [("a", ["isan", "--vocab", "3", "--rank", "2", "--horizon", "5", "--seed", "1"]),
                       ("b", ["isan", "--vocab", "3", "--rank", "3", "--horizon", "5", "--seed", "2", "--scale", "4"]),
                       ("c", ["approx", "--vocab", "3", "--rank", "2", "--horizon", "5", "--seed", "1", "--eps", "0.3"])]:
        files[name] = os.path.join(w, name + ".safetensors")
        llr("gen", *args, "-o", files[name])
    models = {k: Model(v) for k, v in files.items()}

    # Logits at every prefix of length <= 2 and a few longer ones.
    for k, m in models.items():
        prefixes = [p for L in range(3) for p in itertools.product(range(m.V), repeat=L)]
        prefixes += [(0, 1, 2, 1), (2, 2, 2, 2), (1, 0, 1)]
        worst = 0.0
        for p in prefixes:
            got = np.array(json.loads(llr("logits", files[k], *map(str, p), "--json"))["logits"])
            worst = max(worst, float(np.abs(got - m.logits(list(p))).max()))
        check(worst <= TOL, "logits of %s (%s): max difference %.3g" % (k, m.kind, worst))
        print("logits %s (%s): %d prefixes, max |llr - numpy| = %.3g" % (k, m.kind, len(prefixes), worst))

    # Exact TV by enumeration.
    lp = {k: m.logprob_all() for k, m in models.items()}
    for a, b in [("a", "b"), ("a", "c"), ("b", "c")]:
        tv_np = 0.5 * np.abs(np.exp(lp[a]) - np.exp(lp[b])).sum()
        got = json.loads(llr("tv", files[a], files[b], "--exact", "--json"))
        diff = abs(got["tv"] - tv_np)
        check(diff <= TOL, "tv(%s, %s): llr %.17g numpy %.17g" % (a, b, got["tv"], tv_np))
        kl_np = float((np.exp(lp[a]) * (lp[a] - lp[b])).sum())
        check(abs(got["kl"] - kl_np) <= 1e-12, "kl(%s, %s): llr %.17g numpy %.17g" % (a, b, got["kl"], kl_np))
        print("tv(%s, %s) = %.15f: |llr - numpy| = %.3g; kl differs by %.3g" % (a, b, tv_np, diff, abs(got["kl"] - kl_np)))

    # llr check: the per-step telescoping terms and the top prefixes, from
    # the conditionals of every prefix computed here.
    def softmax(l):
        e = np.exp(l - l.max())
        return e / e.sum()
    a, c = models["a"], models["c"]
    steps, contrib = np.zeros(a.T), []
    for t in range(a.T):
        for h in itertools.product(range(a.V), repeat=t):
            ph = 1.0
            for s in range(t):
                ph *= softmax(a.logits(list(h[:s])))[h[s]]
            tv = 0.5 * np.abs(softmax(a.logits(list(h))) - softmax(c.logits(list(h)))).sum()
            steps[t] += ph * tv
            contrib.append((ph * tv, list(h), ph, tv))
    contrib.sort(key=lambda x: -x[0])
    got = json.loads(llr("check", files["a"], files["c"], "--top", "5", "--json"))
    worst = float(np.abs(np.array(got["steps"]) - steps).max())
    check(worst <= TOL, "check steps: max difference %.3g" % worst)
    check([x["prefix"] for x in got["top"]] == [x[1] for x in contrib[:5]],
          "check top prefixes: llr %s numpy %s" % ([x["prefix"] for x in got["top"]], [x[1] for x in contrib[:5]]))
    wtop = max(max(abs(x["p"] - y[2]), abs(x["tv"] - y[3])) for x, y in zip(got["top"], contrib))
    check(wtop <= TOL, "check top prefixes: P(h), TV differ by %.3g" % wtop)
    print("check(a, c): per-step terms |llr - numpy| = %.3g; the same top 5 prefixes (P, TV within %.3g)" % (worst, wtop))

    # The certified TV of llr tv --mc: the same samples drawn here, W(y) =
    # (1 - c(y) / a(y))+ from log-probabilities computed here, the bounds
    # from SciPy.
    def logprob(m, y):
        lp = 0.0
        for t in range(m.T):
            l = m.logits(list(y[:t]))
            mx = l.max()
            lp += l[y[t]] - (mx + math.log(np.exp(l - mx).sum()))
        return lp
    ys = sample(models["a"], 3000, 12)
    wv = np.array([max(0.0, -math.expm1(logprob(models["c"], y) - logprob(models["a"], y))) for y in ys])
    got = json.loads(llr("tv", files["a"], files["c"], "--mc", "3000", "--seed", "12", "--delta", "0.1", "--json"))
    lo, up = bounds(wv, 0.1)
    lo2, up2 = bounds(wv, 0.05)
    check(abs(got["tv"] - wv.mean()) <= TOL, "mc tv: llr %.17g numpy %.17g" % (got["tv"], wv.mean()))
    check(close(got["tv_certified"], up) and got["tv_certified"] >= up * (1 - 1e-12),
          "tv_certified: llr %.17g scipy %.17g" % (got["tv_certified"], up))
    check(close(got["ci"][0], lo2) and close(got["ci"][1], up2),
          "mc interval: llr %s scipy [%.17g, %.17g]" % (got["ci"], lo2, up2))
    print("tv --mc(a, c): estimate %.6f, certified %.6f (scipy %.6f), interval [%.6f, %.6f]"
          % (got["tv"], got["tv_certified"], up, lo2, up2))

    # llr learn's certificate for a baseline: its fresh samples (stream
    # mix(seed ^ 0x43455254)), the learned ISAN's log-probabilities, and
    # the round size from --eps (the smallest n at which a mean of eps/100
    # certifies eps by binomial-KL at delta/2).
    lf = os.path.join(w, "learned.safetensors")
    got = json.loads(llr("learn", files["c"], "--rank", "2", "--method", "spectral", "--eps", "0.05",
                         "--seed", "3", "-o", lf, "--json"))
    n = got["certificate_samples"]
    want_n = next(k for k in range(1, 100000) if kl_upper(0.0005, k, 0.025) <= 0.05)
    check(abs(n - want_n) <= 1, "certificate_samples %d, scipy %d" % (n, want_n))
    learned = Model(lf)
    ys = sample(models["c"], n, mix64(3 ^ 0x43455254))
    wv = np.array([max(0.0, -math.expm1(logprob(learned, y) - logprob(models["c"], y))) for y in ys])
    lo, up = bounds(wv, 0.05)
    check(abs(got["tv_estimate"] - wv.mean()) <= 1e-12, "learn tv_estimate: llr %.17g numpy %.17g"
          % (got["tv_estimate"], wv.mean()))
    check(close(got["tv_certified"], up), "learn tv_certified: llr %.17g scipy %.17g" % (got["tv_certified"], up))
    check(got["tv"] <= got["tv_certified"], "learn: exact TV %.6g above the certificate %.6g"
          % (got["tv"], got["tv_certified"]))
    print("learn --method spectral: %d certificate samples, estimate %.6f, certified %.6f (scipy %.6f), exact %.6f"
          % (n, got["tv_estimate"], got["tv_certified"], up, got["tv"]))

    # Samples, bit for bit.
    for k in ("a", "c"):
        got = [list(map(int, line.split())) for line in llr("sample", files[k], "-n", "25", "--seed", "12").splitlines()]
        check(got == sample(models[k], 25, 12), "samples of %s differ" % k)
    print("samples: llr and numpy draw the same sequences")

print("numpy: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
