#!/usr/bin/python3
"""make_seeds_learner.py - write the seed corpora of the learner's fuzz
targets: fuzz/corpus/spanner, fuzz/corpus/lp, fuzz/corpus/lp_exact and fuzz/corpus/learner.

Usage: /usr/bin/python3 fuzz/make_seeds_learner.py
Deterministic: rerunning it rewrites the same bytes. The inputs are
structured (fuzz/fuzz_input.h): the Enc class below writes the bytes that
fz_int, fz_bool, fz_range and fz_double_in read back as the given values,
field by field in the order each target reads them (see the targets'
LLVMFuzzerTestOneInput). Files whose names start with regression_ are
inputs that once found a defect and are kept as they were found; this
script does not touch them.
"""
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


class Enc:
    """Bytes that fuzz/fuzz_input.c decodes as the values given."""

    def __init__(self):
        self.b = bytearray()

    def bits(self, v, n):
        self.b += int(v).to_bytes(8, "little")[:n]
        return self

    def int(self, v, lo, hi):
        """fz_int(lo, hi) == v."""
        assert lo <= v <= hi
        width, n = hi - lo, 0
        w = width
        while w:
            n += 1
            w >>= 8
        return self.bits(v - lo, n)

    def bool(self, v):
        return self.bits(1 if v else 0, 1)

    def range(self, x, lo, hi):
        """fz_range(lo, hi) close to x (4 bytes)."""
        k = round((x - lo) / (hi - lo) * 4294967295.0)
        return self.bits(max(0, min(k, 4294967295)), 4)

    def dbl(self, x, bound):
        """fz_double_in(bound, .) close to x: selector 0, then fz_range."""
        self.bits(0, 1)
        return self.range(x, -bound, bound)

    def special(self, k):
        """fz_double_in's special value number k; without specials allowed
        0..4 are 0, -0, 2^-1074, DBL_MIN, -2^-1074, and an odd k >= 5 gives
        -bound, an even one +bound."""
        return self.bits(13 | (k << 4), 1)


def lcg(seed):
    """A small deterministic stream of numbers in [-1, 1)."""
    s = seed
    while True:
        s = (s * 6364136223846793005 + 1442695040888963407) % 2**64
        yield ((s >> 11) / 2.0**53) * 2 - 1


# ---- spanner ------------------------------------------------------------
def spanner(n, m, d, ts, mode, rank=0, floor=0.0, rows=None, dup=(),
            scales=None, nonfinite=None, seed=1):
    e = Enc().int(n, 1, 40).int(m, 1, 8).int(d, 1, 8).int(ts, 0, 3)
    if ts == 3:
        e.range(floor, 0, 1e-3)
    e.int(mode, 0, 3)
    r = lcg(seed)
    if mode == 0:
        for i in range(n * m):
            v = rows[i] if rows is not None else next(r)
            if v == 0:
                e.special(0)
            else:
                e.dbl(v, 1.0)
    else:
        e.int(rank, 0, m)
        for _ in range(rank * m):
            e.dbl(next(r), 1.0)
        for i in range(n):
            if mode == 2 and i > 0:
                e.bool(i in dup)
                if i in dup:
                    e.int(i - 1, 0, i - 1).dbl(-2.0, 4.0)
                    continue
            for _ in range(rank):
                e.dbl(3 * next(r), 3.0)
        if mode == 3:
            for i in range(n + m):
                e.int(scales[i % len(scales)], -30, 30)
    if nonfinite is None:
        e.int(1, 0, 15)
    else:
        e.int(0, 0, 15).int(nonfinite[0], 0, n * m - 1).int(nonfinite[1], 0, 2)
    # choices of the corruption checks
    e.bits(0x5a5a5a5a, 4).bits(0x3c3c3c3c, 4).bits(0x0f0f, 2)
    return bytes(e.b)


def spanner_seeds():
    return {
        "rank2_of_12_rows_dim5": spanner(12, 5, 4, 0, 1, rank=2, seed=2),
        "rank3_badly_scaled": spanner(20, 6, 6, 0, 3, rank=3,
                                      scales=[-30, 17, 0, 29, -12, 5, -25],
                                      seed=3),
        "repeated_rows": spanner(10, 4, 3, 0, 2, rank=3, dup={2, 5, 9},
                                 seed=4),
        "full_rank_40x8": spanner(40, 8, 8, 0, 0, seed=5),
        "rank_above_d": spanner(10, 6, 2, 0, 0, seed=6),
        "identity_and_sums": spanner(
            4, 3, 3, 0, 0,
            rows=[1, 0, 0, 0, 1, 0, 1, 1, 0, 0.5, -1, 0]),
        "floor_threshold": spanner(16, 5, 5, 3, 1, rank=4, floor=5e-4,
                                   seed=7),
        "rank_tol_1e-12": spanner(9, 7, 7, 2, 1, rank=5, seed=8),
        "nan_entry": spanner(5, 3, 3, 0, 1, rank=2, nonfinite=(4, 0), seed=9),
        "zero_rows": spanner(6, 4, 4, 0, 1, rank=0),
    }


# ---- lp -----------------------------------------------------------------
def lp(V, t, mode, scale_idx, y, ks, nfs, tau_sel, seed=1, cs=None,
       pivots=None):
    """ks, nfs: basis sizes and future counts of cuts 1..t."""
    K = [1, 16, 1 << 20, 3][scale_idx]
    e = Enc().int(V, 2, 3).int(t, 1, 2).int(mode, 0, 2).int(scale_idx, 0, 3)
    for s in range(t):
        e.int(y[s], 0, V - 1)
    e.bits(tau_sel[0], 1)
    if len(tau_sel) > 1:
        e.bits(tau_sel[1], 4)
    for s in range(t):
        e.int(ks[s], 1, 3).int(nfs[s], 1, 5)
    r = lcg(seed)
    k_all = [1] + list(ks)
    nf_all = [1] + list(nfs)

    def ent():
        v = round(next(r) * K)
        if v == 0:
            e.int(0, 0, 3)
        else:
            e.int(1, 0, 3).int(v, -K, K)

    for s in range(t + 1):
        for _ in range(k_all[s] * nf_all[s] * V):
            ent()
    if mode == 0:
        for s in range(t):
            for _ in range(k_all[s] * V * nf_all[s + 1] * V):
                ent()
    else:
        for s in range(1, t + 1):
            for i in range(k_all[s]):
                e.int(cs[s - 1][i], -2, 2)
            e.int(pivots[s - 1][0], 0, k_all[s] - 1).bool(pivots[s - 1][1])
        for s in range(t):
            for _ in range(k_all[s] * V * nf_all[s + 1] * V):
                ent()
    return bytes(e.b)


def lp_seeds():
    # tau: selector 0 then 4 bytes (a number in [-1, 1]); selector 13|12<<4
    # gives tau = 1 exactly.
    tau1 = [13 | (12 << 4)]
    tau_small = [0, 0x80000100]
    return {
        "consistent_t2_v3": lp(3, 2, 1, 3, [1, 2], [2, 3], [3, 4], tau_small,
                               seed=11, cs=[[2, -1], [0, 1, -2]],
                               pivots=[(1, 1), (0, 0)]),
        "consistent_t1_v2_unit": lp(2, 1, 1, 0, [0], [2], [2], tau1, seed=12,
                                    cs=[[1, 1]], pivots=[(0, 1)]),
        "duplicated_row_tiebreak": lp(3, 2, 2, 0, [2, 0], [2, 2], [2, 3],
                                      tau1, seed=13, cs=[[1, 2], [-1, 1]],
                                      pivots=[(0, 1), (1, 1)]),
        "random_scale_2p20": lp(3, 2, 0, 2, [0, 1], [3, 3], [5, 5], tau1,
                                seed=14),
        "random_small_v2": lp(2, 1, 0, 1, [1], [1], [1], tau_small, seed=15),
        "random_ternary_ties": lp(3, 2, 0, 0, [1, 1], [3, 2], [4, 4], tau1,
                                  seed=16),
    }


# ---- learner --------------------------------------------------------------
def learner(kind, V=2, T=2, dm=1, gseed=1, scale=3.0, arrays=None, bits=None,
            nu=0.1, ddelta=0, eps=0.3, delta=0.2, seed=1, budget=0,
            twice=False):
    e = Enc().int(kind, 0, 2)
    if kind == 2:
        e.int(len(bits), 1, 3)
        for b in bits:
            e.bool(b)
        e.range(nu, 0.02, 0.48)
    else:
        e.int(V, 2, 4).int(T, 1, 4).int(dm, 1, 2)
        if kind == 0:
            e.bits(gseed, 2).range(scale, 0.05, 8)
        else:
            n = dm + T * V * dm + T * V * dm * dm
            for i, x in enumerate(arrays(n)):
                if x == 0:
                    e.special(0)
                elif abs(x) == 2:
                    e.special(12 if x > 0 else 11)
                else:
                    e.dbl(x, 2.0)
    e.int(ddelta, -1, 1).range(eps, 0.2, 0.5).range(delta, 0.1, 0.5)
    e.bits(seed, 2)
    if budget:
        e.int(0, 0, 7).int(budget, 1, 80)
    else:
        e.int(1, 0, 7)
    e.int(0 if twice else 1, 0, 3)
    return bytes(e.b)


def sparse(seed, zero_every):
    def gen(n):
        r = lcg(seed)
        return [0 if i % zero_every == 0 else 2 * next(r) for i in range(n)]
    return gen


def learner_seeds():
    return {
        "isan_v4_t4_d2_small_eps": learner(0, 4, 4, 2, gseed=7, eps=0.2,
                                           delta=0.1, seed=3, twice=True),
        "isan_v3_t3_d1": learner(0, 3, 3, 1, gseed=2, scale=1.0, seed=5),
        "isan_v2_t4_d2_large_scale": learner(0, 2, 4, 2, gseed=9, scale=8.0,
                                             seed=6),
        "isan_explicit_degenerate": learner(1, 3, 3, 2, arrays=sparse(21, 3),
                                            seed=4, twice=True),
        "isan_explicit_dense": learner(1, 2, 4, 2, arrays=sparse(22, 1000),
                                       seed=8),
        "parity_3_bits": learner(2, bits=[1, 0, 1], nu=0.1, seed=2,
                                 twice=True),
        "parity_1_bit": learner(2, bits=[1], nu=0.3, seed=1),
        "under_rank": learner(0, 4, 3, 2, gseed=5, ddelta=-1, seed=7),
        "over_rank": learner(0, 3, 4, 1, gseed=4, ddelta=1, seed=9),
        "budget_exhausted": learner(0, 4, 4, 2, gseed=3, budget=12, seed=1),
        "horizon_1": learner(0, 4, 1, 1, gseed=1, seed=1),
    }


def write(target, seeds):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    print("%s: %d seeds in %s" % (target, len(seeds), d))


if __name__ == "__main__":
    write("spanner", spanner_seeds())
    write("lp", lp_seeds())
    write("lp_exact", lp_seeds())  # the same LP target, exact oracle
    write("learner", learner_seeds())
