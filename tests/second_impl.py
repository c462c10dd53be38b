#!/usr/bin/python3
"""A second implementation of llr's models, written from docs/ alone.

It reads a golden-vectors directory (docs/vectors.md) with its own
safetensors reader (docs/file-formats.md), implements SplitMix64, the
sampling rule, the generators and the four model families isan, approx,
table and parity from docs/models.md, and the learned models' one LP answer
from docs/learner.md, solving every reconstruction LP itself with SciPy's
HiGHS. It reproduces, within the tolerances the manifest states:
  - the generated models (regenerated from their "gen" entries),
  - every lp item: coefficients, residual, stage objectives, feasibility
    and prediction, from its own LP solutions,
  - the centred logits at the stored prefixes (learned models included),
  - the samples, bit for bit,
  - exact TV, telescoping bound and KL by enumeration of Sigma^T.
In this mode learning itself (the learned files, the spanner choices) is
skipped and counted as such, and llr is never run.

With --learn LLR it re-runs the gls learner itself (spec/learner.md,
docs/learner.md, docs/trace.md) on the teachers of CASES (made with
`LLR gen`), writes the trace docs/trace.md describes, and compares it with
`LLR learn --trace` by `LLR trace diff --all`, within ATOL and RTOL and
ignoring the fields of classes B and S (IGNORE). The cases' parameters are
in CASES, one line each. Usage:
  tests/second_impl.py DIR
  tests/second_impl.py --learn LLR [CASE...]
"""
import itertools
import json
import math
import os
import struct
import sys

import numpy as np
from scipy.optimize import linprog

M64 = (1 << 64) - 1
passed = failed = skipped = 0


def report(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("ok    " + what)
    else:
        failed += 1
        print("FAIL  " + what)


# ---- safetensors (docs/file-formats.md) ----

DTYPES = {"F64": ("<f8", 8), "I64": ("<i8", 8), "U8": ("u1", 1)}


def read_safetensors(path):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise SystemExit("%s: cannot open: %s" % (path, e.strerror))
    if len(raw) < 8:
        raise SystemExit("%s: truncated file" % path)
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise SystemExit("%s: header length %d is beyond the end of the file" % (path, n))
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    tensors, spans = {}, []
    for name, info in header.items():
        dt, size = DTYPES[info["dtype"]]
        b, e = info["data_offsets"]
        count = int(np.prod(info["shape"], dtype=np.int64))
        if not (0 <= b <= e <= len(data)) or e - b != count * size:
            raise SystemExit("%s: tensor %r: bad data_offsets %r" % (path, name, [b, e]))
        spans.append((b, e))
        tensors[name] = np.frombuffer(data[b:e], dtype=dt).reshape(info["shape"])
    # The tensors tile the data section exactly.
    end = 0
    for b, e in sorted(spans):
        if b != end:
            raise SystemExit("%s: the tensors do not tile the data section" % path)
        end = e
    if end != len(data):
        raise SystemExit("%s: %d data bytes belong to no tensor" % (path, len(data) - end))
    return tensors, meta


# ---- SplitMix64 and the sampling rule (docs/models.md) ----

def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & M64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M64
        return mix(self.state)

    def uniform(self):
        return (self.next() >> 11) * 2.0**-53

    def below(self, n):
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            r = self.next()
            if r < limit:
                return r % n

    def normal(self):
        u1 = 1.0 - self.uniform()
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def sample_token(logits, g):
    m = max(logits)
    cum, c = [], 0.0
    for l in logits:  # summed left to right
        c += math.exp(l - m)
        cum.append(c)
    u = g.uniform()
    for z, cz in enumerate(cum):
        if u * cum[-1] < cz:
            return z
    # Rounding left none: the last token with positive weight.
    return max(z for z in range(len(cum)) if cum[z] > (cum[z - 1] if z else 0.0))


# ---- the model families (docs/models.md, docs/file-formats.md) ----

def centre(v):
    return v - v.mean()


class Isan:
    def __init__(self, t, meta):
        self.x0, self.B, self.A = t["x0"], t["B"], t["A"]
        self.T, self.V, self.d = self.B.shape
        self.eps = float(meta["llr.eps"]) if meta["llr.kind"] == "approx" else None
        if self.eps is not None:
            self.p = int(meta["llr.perturb_seed"])

    def eta(self, prefix):
        H = mix(self.p)
        for z in prefix:
            H = mix(H ^ (((z + 1) * 0x9E3779B97F4A7C15) & M64))
        u = np.array([2.0 * ((mix((H + (z + 1) * 0xD1B54A32D192ED03) & M64) >> 11) * 2.0**-53) - 1.0
                      for z in range(self.V)])
        return (self.eps / 2) * centre(u)

    def logits(self, prefix):
        x = self.x0
        for t, z in enumerate(prefix):
            x = self.A[t, z] @ x
        l = centre(self.B[len(prefix)] @ x)
        return l + self.eta(prefix) if self.eps is not None else l


class Table:
    def __init__(self, t, meta):
        self.L = t["logits"]
        N, self.V = self.L.shape
        self.T, n = 0, 0
        while n < N:
            n += self.V ** self.T
            self.T += 1
        if n != N:
            raise SystemExit("table: %d rows is not 1 + V + ... + V^(T-1)" % N)

    def logits(self, prefix):
        t = len(prefix)
        row = sum(self.V ** i for i in range(t)) + sum(h * self.V ** (t - 1 - i) for i, h in enumerate(prefix))
        return centre(self.L[row])


class Parity:
    def __init__(self, t, meta):
        self.s = t["secret"].astype(int)
        self.nu = float(meta["llr.noise"])
        self.V, self.T = 2, len(self.s) + 1

    def logits(self, prefix):
        if len(prefix) < self.T - 1:
            return np.zeros(2)
        label = int(np.dot(self.s, prefix)) % 2
        b = 0.5 * math.log((1 - self.nu) / self.nu)
        out = np.full(2, -b)
        out[label] = b
        return out


class Learned:
    """A learned model (kind gls, docs/learner.md): its tensors and the
    reconstruction LP, solved here with SciPy's HiGHS: the lexicographic
    minimum of (max |e|, the sum of the levels' max |e|, sum |c|, then each
    coefficient in turn), every stage restricted to the optimal face of
    the one before by fixing what has a reduced cost above 1e-9."""

    TIE = 1e-9

    def __init__(self, t, meta):
        T = sum(1 for k in t if k.endswith(".basis"))
        self.setup(float(meta["llr.box"]), float(meta["llr.tau"]),
                   [t["cut%d.rhat" % s] for s in range(T)], [t.get("cut%d.rext" % s) for s in range(T)])

    def setup(self, box, tau, rhat, rext):
        """rhat[s]: k_s x |F^_s| x V, rext[s]: k_s x V x |F^_{s+1}| x V
        (None at s = T-1), as in the learned file (docs/learner.md)."""
        self.box, self.tau = box, tau
        self.T = len(rhat)
        self.k = [r.shape[0] for r in rhat]
        self.rhat, self.rext = rhat, rext
        self.V = self.rhat[0].shape[2]
        self.cache = {}
        self.lps = 0
        self.objective = {}
        return self

    def system(self, y):
        """The residuals e = A c - b at prefix y, one row per (level s,
        future j, token z) in that order, and each row's level."""
        t, V = len(y), self.V
        off = np.cumsum([0] + [self.k[s] for s in range(1, t + 1)])
        n = int(off[-1])
        A, b, lev = [], [], []
        for s in range(t):
            nf = self.rhat[s + 1].shape[1]
            for j in range(nf):
                for z in range(V):
                    a = np.zeros(n)
                    a[off[s]:off[s + 1]] = self.rhat[s + 1][:, j, z]
                    ext = self.rext[s][:, y[s], j, z]
                    if s == 0:
                        bk = float(ext[0])  # c_0 = (1)
                    else:
                        a[off[s - 1]:off[s]] -= ext
                        bk = 0.0
                    A.append(a), b.append(bk), lev.append(s)
        return np.array(A).reshape(len(A), n), np.array(b), np.array(lev), off

    def solve(self, y):
        """The one answer c_1 .. c_t at prefix y (length >= 1)."""
        A, b, lev, off = self.system(y)
        m, n = A.shape
        t = len(y)
        nv = 2 * n + 1 + t  # c, r, the level maxima r_s, u = |c|
        rows, rhs = [], []
        for k in range(m):
            for sg in (1.0, -1.0):
                for col in (n, n + 1 + lev[k]):  # +-e_k <= r, +-e_k <= r_s
                    a = np.zeros(nv)
                    a[:n], a[col] = sg * A[k], -1.0
                    rows.append(a), rhs.append(sg * b[k])
        for j in range(n):
            for sg in (1.0, -1.0):  # +-c_j <= u_j
                a = np.zeros(nv)
                a[j], a[n + 1 + t + j] = sg, -1.0
                rows.append(a), rhs.append(0.0)
        R, rhs = np.array(rows), np.array(rhs)
        eq = np.zeros(len(R), dtype=bool)
        lo = np.array([-self.box] * n + [0.0] * (1 + t + n))
        hi = np.array([self.box] * n + [np.inf] * (1 + t + n))
        stages = []
        for cols in ([n], range(n + 1, n + 1 + t), range(n + 1 + t, nv)):
            f = np.zeros(nv)
            f[list(cols)] = 1.0
            stages.append(f)
        for j in range(n):
            f = np.zeros(nv)
            f[j] = 1.0
            stages.append(f)
        first = None
        for f in stages:
            res = linprog(f, A_ub=R[~eq] if (~eq).any() else None, b_ub=rhs[~eq] if (~eq).any() else None,
                          A_eq=R[eq] if eq.any() else None, b_eq=rhs[eq] if eq.any() else None,
                          bounds=[(l, None if h == np.inf else h) for l, h in zip(lo, hi)],
                          method="highs", options={"presolve": False})
            self.lps += 1
            if res.status != 0:
                raise SystemExit("HiGHS: %s at prefix %r" % (res.message, y))
            if first is None:
                first = float(res.fun)
                self.objective[tuple(y)] = first
            # The optimal face: rows and bounds with a dual beyond TIE.
            idx = np.where(~eq)[0]
            eq[idx[np.abs(res.ineqlin.marginals) > self.TIE]] = True
            free = lo < hi
            at_lo = free & (res.lower.marginals > self.TIE)
            at_hi = free & (res.upper.marginals < -self.TIE)
            hi[at_lo], lo[at_hi] = lo[at_lo], hi[at_hi]
            if self.determined(R[eq], lo == hi, n):
                break  # the face is one point: later stages cannot move c
        c = res.x[:n]
        return np.concatenate([[1.0], c]), A, b, lev, off

    @staticmethod
    def determined(E, fixed, n):
        """True when the equality rows E and the fixed variables leave the
        first n variables (c) no freedom: no direction of the null space
        of [E; unit rows of the fixed variables] moves c."""
        M = np.vstack([E, np.eye(len(fixed))[fixed]])
        if M.shape[0] == 0:
            return False
        _, sv, vt = np.linalg.svd(M)
        rank = int((sv > 1e-9 * sv[0]).sum())
        null = vt[rank:, :n]
        return null.size == 0 or float(np.abs(null).max()) < 1e-9

    def lp(self, y):
        """(coefficients c_0 .. c_t, residual, stage values (max |e|, sum of
        the levels' max |e|, sum |c|), prediction) at prefix y."""
        y = tuple(y)
        if y not in self.cache:
            if not y:
                self.cache[y] = (np.array([1.0]), 0.0, np.zeros(3), self.rhat[0][0, 0, :].copy())
            else:
                c, A, b, lev, off = self.solve(list(y))
                e = np.abs(A @ c[1:] - b)
                r = float(e.max())
                levels = sum(float(e[lev == s].max()) for s in range(len(y)))
                t = len(y)
                pred = np.tensordot(c[1 + off[t - 1]:1 + off[t]], self.rhat[t][:, 0, :], 1)
                if r > self.tau:
                    pred = np.zeros(self.V)
                self.cache[y] = (c, r, np.array([r, levels, float(np.abs(c[1:]).sum())]), pred)
        return self.cache[y]

    def logits(self, prefix):
        return self.lp(prefix)[3]


FAMILIES = {"isan": Isan, "approx": Isan, "table": Table, "parity": Parity, "gls": Learned}


# ---- the generators (docs/models.md) ----

def gen_isan(V, d, T, seed, scale):
    g = SplitMix64(seed)
    x0 = np.array([g.normal() for _ in range(d)])
    x0 = x0 / np.linalg.norm(x0)
    B = np.empty((T, V, d))
    for t in range(T):
        b = np.array([g.normal() for _ in range(V * d)]).reshape(V, d)
        B[t] = b * ((scale / 2) / np.linalg.norm(b, axis=1).max())
    A = np.empty((T, V, d, d))
    for t in range(T):
        for z in range(V):
            m = np.array([g.normal() for _ in range(d * d)]).reshape(d, d)
            q, r = np.linalg.qr(m)
            A[t, z] = q * np.where(np.diag(r) < 0, -1.0, 1.0)
    return {"x0": x0, "B": B, "A": A}, {"llr.kind": "isan"}


def generate(gen):
    k = gen["kind"]
    if k in ("isan", "approx"):
        t, meta = gen_isan(gen["vocab"], gen["rank"], gen["horizon"], gen["seed"], gen["scale"])
        if k == "approx":
            meta = {"llr.kind": "approx", "llr.eps": gen["eps"], "llr.perturb_seed": mix(gen["seed"])}
        return t, meta
    if k == "table":
        g, V, T = SplitMix64(gen["seed"]), gen["vocab"], gen["horizon"]
        N = sum(V ** i for i in range(T))
        L = np.array([gen["scale"] * (g.uniform() - 0.5) for _ in range(N * V)]).reshape(N, V)
        return {"logits": L}, {"llr.kind": "table"}
    if k == "parity":
        g, n, k = SplitMix64(gen["seed"]), gen["bits"], gen.get("weight", 0)
        if k == 0:
            s = np.array([g.next() >> 63 for _ in range(n)])
        else:  # partial Fisher-Yates
            pos, s = list(range(n)), np.zeros(n, dtype=int)
            for i in range(k):
                j = i + g.below(n - i)
                pos[i], pos[j] = pos[j], pos[i]
                s[pos[i]] = 1
        return {"secret": s}, {"llr.kind": "parity", "llr.noise": gen["noise"]}
    return None, None


# ---- comparison with the manifest's tolerances (docs/vectors.md) ----

def tolerance(entry, q):
    t = entry["tolerance"].get(q, entry["tolerance"].get("*"))
    return (0.0, 0.0) if t == "exact" else (t["atol"], t["rtol"])


def close(got, want, tol):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    diff = np.abs(got - want)
    ok = bool(np.all(diff <= tol[0] + tol[1] * np.abs(want)))
    return ok, float(diff.max()) if diff.size else 0.0


def unpad(row):
    return [int(z) for z in row if z >= 0]


def conditionals(model, prefix):
    l = model.logits(prefix)
    w = np.exp(l - l.max())
    return w / w.sum()


def exact_distances(a, b):
    """TV, telescoping bound and KL by enumeration of the prefix tree."""
    tv = tele = kl = 0.0
    layer = [((), 1.0, 1.0)]
    for t in range(a.T):
        nxt = []
        for h, pa, pb in layer:
            ca, cb = conditionals(a, list(h)), conditionals(b, list(h))
            tele += pa * 0.5 * float(np.abs(ca - cb).sum())
            kl += pa * float(np.sum(ca * (np.log(ca) - np.log(cb))))
            for z in range(a.V):
                nxt.append((h + (z,), pa * ca[z], pb * cb[z]))
        layer = nxt
    tv = 0.5 * sum(abs(pa - pb) for _, pa, pb in layer)
    return {"tv": tv, "telescoping": tele, "kl": kl, "leaves": len(layer)}


# ---- the gls learner (spec/learner.md, docs/learner.md, docs/trace.md) ----
#
# Re-runs `llr learn MODEL --method gls` from the rules of spec/learner.md
# and writes the trace docs/trace.md describes; `llr trace diff` compares it
# with llr's own. Classes B (llr bookkeeping: calls) and S (LP-solver
# specific: objective, tiebreak, stages) are not reproduced (calls written
# as 0) and are ignored in the comparison.

# The cases: (name, `llr gen` arguments of the teacher, `llr learn`
# arguments). Edit here when the learner's defaults change.
CASES = [
    ("exact", ["isan", "--vocab", "3", "--rank", "2", "--horizon", "4", "--seed", "3"],
     ["--rank", "2", "--eps", "0.1", "--seed", "1"]),
    ("exact-witnesses", ["isan", "--vocab", "2", "--rank", "2", "--horizon", "4", "--seed", "1"],
     ["--rank", "2", "--eps", "0.1", "--seed", "1"]),
    ("exact-history", ["isan", "--vocab", "3", "--rank", "2", "--horizon", "4", "--seed", "5"],
     ["--rank", "2", "--eps", "0.1", "--seed", "3"]),
    ("exact-noisy", ["isan", "--vocab", "3", "--rank", "2", "--horizon", "4", "--seed", "3"],
     ["--rank", "2", "--eps", "0.1", "--seed", "1", "--xi", "1e-3", "--quantum", "1e-3"]),
    ("parity", ["parity", "--bits", "4", "--noise", "0.1", "--seed", "2"],
     ["--rank", "1", "--eps", "0.1", "--seed", "1"]),
    ("approx", ["approx", "--vocab", "3", "--rank", "2", "--horizon", "4", "--seed", "1", "--eps", "0.05"],
     ["--rank", "2", "--eps", "0.2", "--seed", "1", "--gap", "0.1", "--tau", "0.1"]),
]
# Numeric tolerance of the comparison (class N fields): |a - b| <= ATOL + RTOL max(|a|, |b|).
ATOL, RTOL = 1e-9, 1e-9
IGNORE = ["calls", "lp:objective", "lp:tiebreak", "lp:stages"]


def fmt(v):
    """A trace value as docs/trace.md writes it (doubles always as reals)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if v != v:
            return '"NaN"'
        if math.isinf(v):
            return '"Infinity"' if v > 0 else '"-Infinity"'
        r = repr(v)
        return r if ("." in r or "e" in r or "n" in r) else r + ".0"
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, np.ndarray):
        v = v.tolist()
    return "[" + ", ".join(fmt(x) for x in v) + "]"


class NoTrace:
    def line(self, typ, **kv):
        pass


class Trace:
    def __init__(self, f):
        self.f, self.seq = f, 0

    def line(self, typ, **kv):
        parts = ['"seq": %d' % self.seq, '"type": %s' % json.dumps(typ)]
        parts += ['%s: %s' % (json.dumps(k), fmt(v)) for k, v in kv.items()]
        self.f.write("{" + ", ".join(parts) + "}\n")
        self.seq += 1


def log_softmax(l):
    m = float(np.max(l))
    return l - (m + math.log(float(np.sum(np.exp(l - m)))))


class Oracle:
    """Logit queries (cached; a new prefix writes a `query` line) and
    direct teacher samples (no query), docs/learner.md "Two resources"."""

    def __init__(self, model, tr, xi=0.0, quantum=0.0, noise_seed=0):
        self.m, self.tr, self.cache, self.tokens = model, tr, {}, 0
        self.xi, self.quantum = xi, quantum
        if xi > 0:  # the approx family's perturbation, E = xi, p = noise_seed (docs/trace.md)
            self.noise = Isan.__new__(Isan)
            self.noise.eps, self.noise.p, self.noise.V = xi, noise_seed, model.V

    def query(self, h):
        h = tuple(int(z) for z in h)
        if h not in self.cache:
            l = np.asarray(self.m.logits(list(h)), dtype=float)
            if self.xi > 0:
                l = l + self.noise.eta(list(h))
            if self.quantum > 0:  # q round(x / q), ties away from zero
                l = np.array([self.quantum * math.copysign(math.floor(abs(x) / self.quantum + 0.5), x) for x in l])
            self.cache[h] = l
            self.tokens += len(h)
            self.tr.line("query", prefix=list(h), logits=self.cache[h], calls=0, distinct=len(self.cache))
        return self.cache[h]

    def sample(self, g):
        y, lp = [], []
        for _ in range(self.m.T):
            l = np.asarray(self.m.logits(y), dtype=float)
            z = sample_token(l, g)
            lp.append(float(log_softmax(l)[z]))
            y.append(z)
        return y, lp


def kl_bern(p, q):
    if p <= 0:
        return -math.log1p(-q)
    if p >= 1:
        return -math.log(q)
    if q <= 0 or q >= 1:
        return math.inf
    return p * math.log(p / q) + (1 - p) * (math.log1p(-p) - math.log1p(-q))


def kl_upper(m, n, delta):
    """sup{q >= m: n kl(m, q) <= ln(1/delta)} by bisection, widened by a
    relative 1e-9 (spec/learner.md rule 8)."""
    m, c = min(max(m, 0.0), 1.0), math.log(1 / delta) / n
    if m >= 1:
        return 1.0
    lo, hi = m, 1.0
    for _ in range(200):
        mid = lo + (hi - lo) / 2
        if mid <= lo or mid >= hi:
            break
        if kl_bern(m, mid) > c:
            hi = mid
        else:
            lo = mid
    return min(max(hi * (1 + 1e-9) + 1e-300, 0.0), 1.0)


def bernstein_upper(m, v, n, delta):
    if n < 2:
        return 1.0
    L = math.log(2 / delta)
    b = min(max(m, 0.0), 1.0) + math.sqrt(2 * max(v, 0.0) * L / n) + 7 * L / (3 * (n - 1))
    return min(max(b * (1 + 1e-12), 0.0), 1.0)


def cert_samples(eps, delta):
    """valid_n: the smallest n whose KL bound at mean eps/100 is <= eps at
    confidence delta/2 (spec rule 8: llr_cert_samples(eps, delta/2))."""
    d = delta / 2 / 2
    n = max(1, math.ceil(math.log(1 / d) / kl_bern(eps / 100, eps)))
    while kl_upper(eps / 100, n, d) > eps:
        n += 1
    while n > 1 and kl_upper(eps / 100, n - 1, d) <= eps:
        n -= 1
    return n


def tv_weight(logp, logq):
    d = logq - logp
    return 0.0 if not d < 0 else min(1.0, -math.expm1(d))


def spanner(X, d, box, rank_tol, floor, tr):
    """spec rule 3: greedy pivoted Gram-Schmidt, then basis exchange."""
    n, m = X.shape
    big = float(np.linalg.norm(X, axis=1).max())
    R, idx = X.copy(), []
    while len(idx) < min(d, m):
        nr = np.linalg.norm(R, axis=1)
        best = int(np.argmax(nr))
        if nr[best] <= max(rank_tol * big, floor):
            break
        idx.append(best)
        q = R[best] / nr[best]
        R -= np.outer(R @ q, q)
    tr.line("spanner_initial", rows=n, columns=m, basis=idx)
    res = {"k": len(idx), "swaps": 0, "max_coef": 0.0, "max_resid": 0.0}
    if not idx:
        return idx, res
    while True:
        C = np.linalg.lstsq(X[idx].T, X.T, rcond=None)[0].T  # n x k
        at = int(np.argmax(np.abs(C)))
        i, j = divmod(at, len(idx))
        if abs(C[i, j]) <= box:
            break
        res["swaps"] += 1
        tr.line("spanner_swap", swap=res["swaps"], row=i, position=j, replaced=idx[j], coef=float(C[i, j]))
        idx[j] = i
    C = np.linalg.lstsq(X[idx].T, X.T, rcond=None)[0].T
    res["max_coef"] = float(np.abs(C).max())
    nx = np.linalg.norm(X, axis=1)
    rr = np.linalg.norm(X - C @ X[idx], axis=1)
    res["max_resid"] = float(max((rr[nx > 0] / nx[nx > 0]).tolist() or [0.0]))
    return idx, res


class GLS:
    def __init__(self, teacher, args, tr):
        a = dict(zip(args[::2], args[1::2]))
        self.V, self.T = teacher.V, teacher.T
        self.d = int(a["--rank"])
        self.eps, self.delta = float(a["--eps"]), float(a.get("--delta", 0.05))
        self.seed = int(a.get("--seed", 1))
        self.box, self.rank_tol = 2.0, 1e-9
        self.xi, self.quantum = float(a.get("--xi", 0.0)), float(a.get("--quantum", 0.0))
        self.gap = float(a.get("--gap", self.eps / (2 * self.T)))
        self.tau = float(a.get("--tau", self.gap + 4 * self.xi + self.quantum))
        self.spanner_n = int(a.get("--spanner-n", 8 * self.d + 8))
        self.valid_n = int(a.get("--valid-n", cert_samples(self.eps, self.delta)))
        self.max_cert_n = 64 * self.valid_n
        self.max_epochs = 50 * self.T * self.d + 50
        self.tr, self.o = tr, Oracle(teacher, tr, self.xi, self.quantum, mix(self.seed ^ 0x4e4f495345))
        self.fhat = [[()] for _ in range(self.T)]
        self.pool = [[] for _ in range(self.T)]
        self.nwit = [0] * self.T
        self.epoch, self.witnesses, self.additions = 1, 0, 0
        self.lp_solves = self.spanner_solves = 0
        self.max_residual = 0.0

    def row(self, s, h):
        F = self.fhat[s]
        G = self.fhat[s + 1] if s + 1 < self.T else []
        fs = [tuple(f) for f in F] + [(a,) + tuple(g) for a in range(self.V) for g in G]
        return np.concatenate([self.o.query(tuple(h) + f) for f in fs])

    def build(self):
        V, T = self.V, self.T
        self.basis, rhat, rext = [None] * T, [None] * T, [None] * T
        for s in range(T - 1, -1, -1):
            nf = len(self.fhat[s])
            nn = len(self.fhat[s + 1]) if s + 1 < T else 0
            rows = [()] if s == 0 else self.pool[s]
            X = np.array([self.row(s, h) for h in rows])
            m = X.shape[1]
            if s == 0:
                idx, res = [0], {"k": 1, "swaps": 0, "max_coef": 0.0, "max_resid": 0.0}
            else:
                idx, res = spanner(X, self.d, self.box, self.rank_tol, 2 * (self.xi + self.quantum) * math.sqrt(m),
                                   self.tr)
                self.spanner_solves += res["k"] > 0
            k = len(idx)
            self.basis[s] = [rows[i] for i in idx]
            rhat[s] = X[idx, :nf * V].reshape(k, nf, V)
            rext[s] = X[idx, nf * V:].reshape(k, V, nn, V) if nn else None
            self.tr.line("basis", epoch=self.epoch, cut=s, pool=len(rows), futures=nf, columns=m, k=k, chosen=idx,
                         histories=[list(h) for h in self.basis[s]], swaps=res["swaps"], max_coef=res["max_coef"],
                         max_resid=res["max_resid"])
        self.rhat = rhat
        self.L = Learned.__new__(Learned).setup(self.box, self.tau, rhat, rext)

    def validate(self, idx, y, logp):
        """spec rules 5-6: None and W when y passes, else the fix."""
        V, T, L = self.V, self.T, self.L
        sp = sq = 0.0
        for t in range(T):
            if t == 0:
                pred, r, c = self.rhat[0][0, 0, :], 0.0, None
            else:
                c, r, _, pred = L.lp(y[:t])
            q = float(log_softmax(np.asarray(pred, dtype=float))[y[t]])
            lperr = abs(q - logp[t])
            sp, sq = sp + logp[t], sq + q
            if t == 0:
                continue
            feasible = r <= self.tau
            self.lp_solves += 1
            self.max_residual = max(self.max_residual, r)
            self.tr.line("lp", t=t, prefix=y[:t], coefficients=c, residual=r,
                         objective=L.objective.get(tuple(y[:t]), 0.0), feasible=feasible, tiebreak=False, stages=0,
                         logprob=q, teacher_logprob=logp[t])
            if feasible and lperr <= self.gap:
                continue
            truth = self.o.query(y[:t])
            err = float(np.abs(pred - truth).max())
            if not feasible and tuple(y[:t]) not in self.pool[t]:
                self.tr.line("failure", t=t, logprob_error=lperr, error=err, feasible=False, locate_errors=[],
                             cut=t, kind="history")
                return ("history", t, t), None
            cut, errs, off = t, [], 1
            for s in range(1, t + 1):
                v = np.zeros(V)
                for i, h in enumerate(self.basis[s]):
                    v += c[off + i] * self.o.query(tuple(h) + tuple(y[s:t]))
                errs.append(float(np.abs(v - truth).max()))
                if errs[-1] > self.gap / 2:
                    cut = s
                    break
                off += len(self.basis[s])
            kind = "witness" if tuple(y[cut:t]) not in self.fhat[cut] else "history"
            if kind == "history" and tuple(y[:cut]) in self.pool[cut]:
                for u in range(1, t + 1):
                    if tuple(y[:u]) not in self.pool[u]:
                        cut = u
                        break
            self.tr.line("failure", t=t, logprob_error=lperr, error=err, feasible=feasible, locate_errors=errs,
                         cut=cut, kind=kind)
            return (kind, cut, t), None
        return None, tv_weight(sp, sq)

    def run(self):
        T, tr = self.T, self.tr
        tr.line("learn_begin", method="gls", V=self.V, T=T, rank=self.d, eps=self.eps, delta=self.delta,
                box=self.box, tau=self.tau, gap=self.gap, spanner_n=self.spanner_n, valid_n=self.valid_n,
                max_cert_n=self.max_cert_n, max_epochs=self.max_epochs, rank_tol=self.rank_tol,
                seed=str(self.seed), xi=self.xi, noise_seed=str(mix(self.seed ^ 0x4e4f495345)),
                quantum=self.quantum, budget="0", sample_budget="0")
        gs = SplitMix64(mix(self.seed ^ 0x5350414e4e4552))
        gv = SplitMix64(mix(self.seed ^ 0x56414c4944))
        for i in range(self.spanner_n):
            y, lp = self.o.sample(gs)
            tr.line("sample", stream="spanner", index=i, sequence=y, logprobs=lp)
            for s in range(1, T):
                if tuple(y[:s]) not in self.pool[s]:
                    self.pool[s].append(tuple(y[:s]))
        tr.line("epoch_begin", epoch=1, witnesses=0, basis_additions=0, distinct=len(self.o.cache))
        self.build()
        K, W = [], []
        rnd = checked = fresh0 = tests = 0
        while True:
            if checked == len(K):
                fresh = len(K) - fresh0
                if rnd > 0:
                    tr.line("round_end", epoch=self.epoch, round=rnd, validated=len(K), fresh=fresh)
                if fresh > 0:
                    tests += 1
                    w = np.array(W[fresh0:])
                    n, mean = len(w), float(np.mean(w))
                    var = float(np.var(w, ddof=1)) if n > 1 else 0.0
                    dk = self.delta / (tests * (tests + 1))
                    kl, be = kl_upper(mean, n, dk / 2), bernstein_upper(mean, var, n, dk / 2)
                    self.cert = (min(kl, be), mean, n)
                    ok = self.cert[0] <= self.eps
                    tr.line("certificate", epoch=self.epoch, test=tests, first=fresh0, samples=n, delta=dk,
                            mean=mean, variance=var, kl=kl, bernstein=be, upper=min(kl, be), certified=ok)
                    if ok:
                        break
                    if fresh >= self.max_cert_n:
                        raise SystemExit("the certificate stays above eps")
                dk = self.delta / ((tests + 1) * (tests + 2))
                need = math.ceil(self.valid_n * math.log(2 / dk) / math.log(4 / self.delta)) - fresh
                n = need if need > fresh else (fresh if fresh > 0 else 1)
                n = min(n, self.max_cert_n - fresh)
                rnd += 1
                tr.line("round_begin", epoch=self.epoch, round=rnd, first=len(K), samples=n)
                for _ in range(n):
                    y, lp = self.o.sample(gv)
                    tr.line("sample", stream="validation", index=len(K), sequence=y, logprobs=lp)
                    K.append((y, lp))
                    W.append(None)
            tr.line("validate", epoch=self.epoch, sample=checked)
            fix, w = self.validate(checked, *K[checked])
            if fix is None:
                W[checked] = w
                checked += 1
                continue
            kind, cut, t = fix
            y = K[checked][0]
            if kind == "witness":
                self.fhat[cut].append(tuple(y[cut:t]))
                self.nwit[cut] += 1
                self.witnesses += 1
                tr.line("witness", epoch=self.epoch, cut=cut, sample=checked, future=y[cut:t],
                        futures=len(self.fhat[cut]))
            else:
                if tuple(y[:cut]) in self.pool[cut]:
                    raise SystemExit("the teacher is not within the gap of rank %d" % self.d)
                self.pool[cut].append(tuple(y[:cut]))
                self.additions += 1
                tr.line("history", epoch=self.epoch, cut=cut, sample=checked, history=y[:cut],
                        pool=len(self.pool[cut]))
            tr.line("epoch_end", epoch=self.epoch, outcome=kind, validated=checked, calls=0,
                    distinct=len(self.o.cache))
            self.epoch += 1
            if self.epoch > self.max_epochs:
                raise SystemExit("the epoch cap")
            tr.line("epoch_begin", epoch=self.epoch, witnesses=self.witnesses, basis_additions=self.additions,
                    distinct=len(self.o.cache))
            self.build()
            checked, fresh0, self.max_residual = 0, len(K), 0.0
        tr.line("epoch_end", epoch=self.epoch, outcome="certified", validated=checked, calls=0,
                distinct=len(self.o.cache))
        for s in range(T):
            M = self.rhat[s].reshape(self.rhat[s].shape[0], -1)
            sep = M.shape[0] == 0 or int(np.linalg.matrix_rank(M)) == M.shape[0]
            tr.line("cut", cut=s, k=len(self.basis[s]), histories=[list(h) for h in self.basis[s]],
                    witnesses=self.nwit[s], separated=sep, futures=[list(f) for f in self.fhat[s]])
        nsamp = self.spanner_n + len(K)
        tr.line("learn_end", status="ok", epochs=self.epoch, witnesses=self.witnesses,
                basis_additions=self.additions, lp_solves=self.lp_solves, spanner_solves=self.spanner_solves,
                max_residual=self.max_residual, calls=0, distinct=len(self.o.cache), tokens=self.o.tokens,
                samples=nsamp, sample_tokens=nsamp * T, tv_certified=self.cert[0], tv_estimate=self.cert[1],
                certificate_samples=self.cert[2], target_met=True)


def learn_cases(llr, only=None):
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        for name, gen, args in CASES:
            if only and name not in only:
                continue
            teacher = os.path.join(tmp, name + ".st")
            theirs, mine = os.path.join(tmp, name + ".llr.jsonl"), os.path.join(tmp, name + ".py.jsonl")
            rg = subprocess.run([llr, "gen"] + gen + ["-o", teacher], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, universal_newlines=True)
            rl = rg.returncode or subprocess.run([llr, "learn", teacher] + args + ["--trace", theirs, "-o",
                                                 os.path.join(tmp, name + ".gls")], stdout=subprocess.PIPE,
                                                 stderr=subprocess.STDOUT, universal_newlines=True)
            if rg.returncode or rl.returncode:
                report(False, "learn/%-18s llr gen or llr learn failed: %s" % (name, (rg.returncode and rg or rl).stdout))
                continue
            t, meta = read_safetensors(teacher)
            model = FAMILIES[meta["llr.kind"]](t, meta)
            with open(mine, "w") as f:
                g = GLS(model, args, Trace(f))
                g.run()
            cmd = [llr, "trace", "diff", theirs, mine, "--all", "--max", "5", "--atol", repr(ATOL), "--rtol", repr(RTOL)]
            for fld in IGNORE:
                cmd += ["--ignore", fld]
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
            nlines = sum(1 for _ in open(theirs))
            report(r.returncode == 0, "learn/%-18s %d trace lines, %d epochs, %d witnesses, %d histories, %d LPs "
                   "(HiGHS), largest residual of the last epoch %.3g: %s" % (name, nlines, g.epoch, g.witnesses, g.additions,
                                                                   g.lp_solves, g.max_residual,
                                                                   r.stdout.splitlines()[0] if r.stdout else "?"))
            if r.returncode != 0:
                print(r.stdout)
            # The comparison has teeth: one lp logprob moved by 1e-7 in a copy is reported.
            with open(mine) as f:
                lines = f.readlines()
            at = next(i for i, l in enumerate(lines) if '"type": "lp"' in l)
            v = json.loads(lines[at])["logprob"]
            lines[at] = lines[at].replace('"logprob": %s' % fmt(v), '"logprob": %s' % fmt(v + 1e-7))
            with open(mine + ".moved", "w") as f:
                f.writelines(lines)
            rm = subprocess.run(cmd[:4] + [mine + ".moved"] + cmd[5:], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, universal_newlines=True)
            report(rm.returncode == 1 and "$.logprob" in rm.stdout and "1 divergence " in rm.stdout,
                   "learn/%-18s a copy with one lp logprob moved by 1e-7 is reported (line %d)" % (name, at + 1))


def main():
    global skipped
    if len(sys.argv) >= 3 and sys.argv[1] == "--learn":
        learn_cases(sys.argv[2], sys.argv[3:])
        print("second_impl --learn: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
        sys.exit(1 if failed else 0)
    if len(sys.argv) != 2:
        raise SystemExit("usage: tests/second_impl.py DIR | tests/second_impl.py --learn LLR [CASE...]")
    d = sys.argv[1]
    try:
        with open(os.path.join(d, "manifest.json")) as f:
            man = json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit("%s/manifest.json: %s" % (d, e))
    if man.get("format") != "llr-vectors" or man.get("version") != 1:
        raise SystemExit("%s: not an llr-vectors manifest of version 1" % d)
    models = {}
    for m in man["models"]:
        t, meta = read_safetensors(os.path.join(d, m["file"]))
        kind = meta["llr.kind"]
        if kind not in FAMILIES:
            models[m["name"]] = None
            skipped += 1
            print("skip  %s (kind %s: the learner is not reimplemented here)" % (m["name"], kind))
            continue
        models[m["name"]] = FAMILIES[kind](t, meta)
        if "learn" in m:
            continue  # learned again below, once every teacher is read
        gt, gmeta = generate(m["gen"]) if "gen" in m else (None, None)
        if gt is None:
            skipped += 1
            print("skip  %s (no generator here)" % m["name"])
            continue
        ok, worst = set(gt) == set(t), 0.0
        for name, arr in gt.items():
            if name not in t or t[name].shape != arr.shape:
                ok = False
                continue
            c, w = close(arr, t[name], tolerance(m, name))
            ok, worst = ok and c, max(worst, w)
        for key, val in gmeta.items():
            s = meta.get(key)
            if isinstance(val, float):
                ok = ok and s is not None and abs(float(s) - val) <= 1e-15 * abs(val)
            else:
                ok = ok and s == str(val)
        report(ok, "%-24s regenerated from its gen entry, max |diff| %.3g" % (m["name"], worst))

    # The learned models: the learner run again from the `learn` entry
    # (docs/vectors.md), its file's tensors compared with the stored ones.
    relearned = {}
    for m in man["models"]:
        if "learn" not in m:
            continue
        ln = m["learn"]
        args = []
        for key, opt in (("rank", "--rank"), ("eps", "--eps"), ("delta", "--delta"), ("seed", "--seed"),
                         ("gap", "--gap"), ("tau", "--tau")):
            if key in ln:
                args += [opt, repr(ln[key])]
        g = GLS(models[ln["teacher"]], args, NoTrace())
        g.run()
        relearned[m["name"]] = g
        t, meta = read_safetensors(os.path.join(d, m["file"]))
        ok, worst = float(meta["llr.tau"]) == g.tau and float(meta["llr.box"]) == g.box, 0.0
        ok = ok and int(meta["llr.rank"]) == g.d
        for s in range(g.T):
            width = g.T - 1 - s
            fut = np.array([list(f) + [-1] * (width - len(f)) for f in g.fhat[s]], dtype=np.int64).reshape(len(g.fhat[s]), width)
            bas = np.array([list(h) for h in g.basis[s]], dtype=np.int64).reshape(len(g.basis[s]), s)
            ok = ok and np.array_equal(t["cut%d.basis" % s], bas) and np.array_equal(t["cut%d.futures" % s], fut)
            mine = {"rhat": g.rhat[s], "rext": g.L.rext[s]}
            for q in ("rhat", "rext"):
                key = "cut%d.%s" % (s, q)
                if (key in t) != (mine[q] is not None):
                    ok = False
                elif key in t:
                    if t[key].shape != mine[q].shape:
                        ok = False
                        continue
                    c, w = close(mine[q], t[key], tolerance(m, key))
                    ok, worst = ok and c, max(worst, w)
        report(ok, "%-24s learned again (%d epochs, %d witnesses, %d histories, %d LPs): bases and futures "
               "exact, rhat and rext max |diff| %.3g" % (m["name"], g.epoch, g.witnesses, g.additions,
                                                          g.lp_solves, worst))

    # The LP items: every stored LP is solved again here (HiGHS).
    for it in man["items"]:
        if it["type"] != "lp":
            continue
        m = models[it["model"]]
        t, _ = read_safetensors(os.path.join(d, it["file"]))
        ok, worst = True, {"coefficients": 0.0, "residual": 0.0, "objectives": 0.0, "logits": 0.0}
        lps = m.lps
        for p, nc, cw, rw, ow, feas, lw in zip(t["prefixes"], t["ncoef"], t["coefficients"], t["residual"],
                                               t["objectives"], t["feasible"], t["logits"]):
            y = unpad(p)
            c, r, obj, pred = m.lp(y)
            n = len(c)
            ok = ok and nc == n and not cw[n:].any() and bool(feas) == (r <= m.tau)
            ok = ok and bool(np.all(np.abs(c) <= m.box + 1e-7 * (1 + m.box)))
            for q, got, want in (("coefficients", c, cw[:n]), ("residual", r, rw), ("objectives", obj, ow),
                                 ("logits", pred, lw)):
                cq, wq = close(got, want, tolerance(it, q))
                ok, worst[q] = ok and cq, max(worst[q], wq)
        report(ok, "%-24s %d prefixes, %d LPs solved by HiGHS: max |diff| coefficients %.3g, residual %.3g, "
               "objectives %.3g, logits %.3g" % (it["name"], len(t["prefixes"]), m.lps - lps,
                                                 worst["coefficients"], worst["residual"], worst["objectives"],
                                                 worst["logits"]))

    for it in man["items"]:
        typ, name = it["type"], it["name"]
        if typ == "lp":
            continue
        if typ == "spanner":
            g = relearned[it["model"]]
            t, _ = read_safetensors(os.path.join(d, it["file"]))
            ok = all(np.array_equal(t["cut%d.basis" % s], np.array([list(h) for h in g.basis[s]], dtype=np.int64)
                                    .reshape(len(g.basis[s]), s)) for s in range(g.T))
            report(ok, "%-24s the bases of the learner run again, exact" % name)
            continue
        if typ not in ("logits", "samples", "tv"):
            skipped += 1
            print("skip  %s (item type %s is not reproduced here)" % (name, typ))
            continue
        if typ == "logits":
            m = models[it["model"]]
            t, _ = read_safetensors(os.path.join(d, it["file"]))
            got = np.array([m.logits(unpad(p)) for p in t["prefixes"]])
            ok, worst = close(got, t["logits"], tolerance(it, "logits"))
            report(ok, "%-24s %d prefixes, max |diff| %.3g" % (name, len(got), worst))
        elif typ == "samples":
            m = models[it["model"]]
            t, _ = read_safetensors(os.path.join(d, it["file"]))
            g = SplitMix64(it["seed"])
            got = []
            for _ in range(it["count"]):
                y = []
                for _ in range(m.T):
                    y.append(sample_token(m.logits(y), g))
                got.append(y)
            report(got == t["samples"].tolist(), "%-24s %d sequences, bit for bit" % (name, len(got)))
        else:
            r = exact_distances(models[it["a"]], models[it["b"]])
            ok, msg = r["leaves"] == it["leaves"], []
            for q in ("tv", "telescoping", "kl"):
                c, w = close(r[q], it[q], tolerance(it, q))
                ok = ok and c
                msg.append("%s %.17g (|diff| %.3g)" % (q, r[q], w))
            report(ok, "%-24s %s" % (name, ", ".join(msg)))
    print("second_impl: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
