#!/usr/bin/python3
"""make_seeds_numeric.py - write the seed corpora of the numeric fuzz targets
(softmax, distance, linalg).

Usage: /usr/bin/python3 fuzz/make_seeds_numeric.py [ROOT]   (default:
fuzz/corpus). Deterministic. Each seed is encoded for the readers of
fuzz/fuzz_input.h (the class Enc below mirrors fz_int, fz_bool, fz_range,
fz_double_in and fz_bits byte for byte), so that each names one
interesting case: specials, overflow, underflow, ties, rank deficiency,
zero rows, extreme scales. Files named regression_* (inputs the fuzzer
found) are left alone. Standard library only.
"""
import os
import struct
import sys

SPECIAL = {"0": 0, "-0": 1, "tiny": 2, "min": 3, "-tiny": 4, "max": 5,
           "-max": 6, "inf": 7, "-inf": 8, "nan": 9, "-nan": 10,
           "bound": 11, "-bound": 12}


class Enc:
    """Bytes that fuzz/fuzz_input.c decodes to the values given."""

    def __init__(self):
        self.b = bytearray()

    def bits(self, v, nbytes):
        self.b += (v % (1 << (8 * nbytes))).to_bytes(nbytes, "little")

    def int(self, v, lo, hi):
        assert lo <= v <= hi
        width = hi - lo
        n = 0
        while width >> (8 * n):
            n += 1
        self.bits(v - lo, n)

    def bool(self, v):
        self.bits(1 if v else 0, 1)

    def range(self, x, lo, hi):
        k = round((x - lo) / (hi - lo) * 4294967295.0)
        self.bits(max(0, min(k, 4294967295)), 4)

    def dbl_in(self, x, bound):
        """x a number in [-bound, bound], or a SPECIAL name."""
        if isinstance(x, str):
            self.bits((SPECIAL[x] << 4) | 13, 1)
        else:
            self.bits(0, 1)
            self.range(x, -bound, bound)

    def raw_double(self, x):
        self.bits((13 << 4) | 13, 1)
        self.b += struct.pack("<d", x)


def softmax_seed(xs, scale=0, special=False, seed=1, target=0.5,
                 wide=None):
    """V = len(xs); bound 2^scale (scale in [-2, 9]) or 2^wide."""
    e = Enc()
    e.int(len(xs), 1, 64)
    if wide is None:
        e.int(scale + 2, 0, 255)
    else:
        e.int(192, 0, 255)
        e.int(wide, -1074, 1000)
    e.bool(special)
    bound = 2.0 ** (scale if wide is None else wide)
    for x in xs:
        e.dbl_in(x, bound)
    e.bits(seed, 8)
    e.dbl_in(target, 2.0)
    return bytes(e.b)


def distance_seed(a, b, c, perm_steps, walk, scale=0):
    """Three logit vectors of length V, Fisher-Yates choices, then the walk
    (V', T, j, P's raw logits, Q's)."""
    V = len(a)
    e = Enc()
    e.int(V, 1, 64)
    e.int(scale + 2, 0, 255)
    bound = 2.0 ** scale
    for vec in (a, b, c):
        for x in vec:
            e.dbl_in(x, bound)
    for z, j in zip(range(V - 1, 0, -1), perm_steps):
        e.int(j, 0, z)
    v2, t2, j2, p, q = walk
    e.int(v2, 2, 8)
    tmax = 0
    n = v2
    while n <= 64:
        tmax += 1
        n *= v2
    e.int(t2, 1, tmax)
    e.int(j2, -4, 4)
    for x in p + q:
        e.dbl_in(x, 2.0 ** j2)
    return bytes(e.b)


def linalg_seed(m, n, kind, entries, rank=None, zero_rows=0, scale=None,
                nrhs=1, rhs=None, rcond=0, vec=True, gesvd1=False,
                gesvd2=False):
    """kind 0 dense [-1, 1], 1 product X Y (entries = X then Y), 2 dense with
    zero rows, 3 with specials."""
    e = Enc()
    e.int(m, 1, 12)
    e.int(n, 1, 12)
    e.int(kind, 0, 3)
    if kind == 1:
        e.int(rank, 0, min(m, n))
        for x in entries:
            e.range(x, -1, 1)
    else:
        for x in entries:
            if kind == 3:
                e.dbl_in(x, 1.0)
            else:
                e.range(x, -1, 1)
        if kind == 2:
            e.bits(zero_rows, 2)
    if scale is None:
        e.int(1, 0, 3)
    else:
        e.int(0, 0, 3)
        e.int(scale, -1074, 1023)
    e.int(nrhs, 1, 3)
    for x in rhs if rhs is not None else [0.5] * (m * nrhs):
        if kind == 3:
            e.dbl_in(x, 1.0)
        else:
            e.dbl_in(x, 1.0)
    e.int(rcond, 0, 3)
    e.bool(vec)
    e.bool(gesvd1)
    e.bool(gesvd2)
    return bytes(e.b)


def wave(k, n, a=1.0):
    """Deterministic values in [-a, a]."""
    return [a * ((i * 37 + k * 11) % 29 - 14) / 14.0 for i in range(n)]


def softmax_seeds():
    s = {}
    s["one"] = softmax_seed([0.25])
    s["small"] = softmax_seed([1, 2, 3, 4], scale=3)
    s["v64"] = softmax_seed(wave(1, 64, 0.9), scale=5, seed=7)
    s["ties_and_negzero"] = softmax_seed(["0", "-0", 1, 1, "-0"], scale=1,
                                         special=True)
    s["subnormals"] = softmax_seed(["tiny", "-tiny", "min", "0"], scale=0,
                                   special=True)
    s["centre_overflow"] = softmax_seed(["max", "max", 1.0], special=True)
    s["centre_huge_no_overflow"] = softmax_seed(["max", "-max", 0.5],
                                                special=True)
    s["nan_first"] = softmax_seed(["nan", 1, 2], special=True)
    s["nan_later"] = softmax_seed([1, "nan", 2], special=True)
    s["pinf_one"] = softmax_seed([1, "inf", 2], special=True)
    s["pinf_two"] = softmax_seed(["inf", 0, "inf"], special=True)
    s["ninf_some"] = softmax_seed(["-inf", 1, "-inf", 0.5], special=True)
    s["ninf_all"] = softmax_seed(["-inf", "-inf"], special=True)
    s["mixed_inf"] = softmax_seed(["inf", "-inf", 0], special=True)
    s["underflowing_weights"] = softmax_seed([1, -1, 0.999, -0.5],
                                             wide=1000)
    s["range_700"] = softmax_seed([-700, 0, -745, -746, -1000, 3], scale=9)
    s["sample_top"] = softmax_seed([0, -40, -800], scale=9,
                                   seed=0xffffffffffffffff)
    s["choose_nan_target"] = softmax_seed([0.1, 0.2, 0.3], target="nan",
                                          special=True)
    return s


def distance_seeds():
    s = {}
    w1 = (2, 1, 0, [0.0] * 2, [0.0] * 2)
    s["one"] = distance_seed([0], [0], [0], [], w1)
    s["same"] = distance_seed([1, 2], [1, 2], [1, 2], [0],
                              (2, 2, 1, wave(1, 6), wave(1, 6)), scale=1)
    s["v8"] = distance_seed(wave(1, 8), wave(2, 8), wave(3, 8),
                            [3, 0, 5, 1, 2, 0, 1],
                            (8, 2, 3, wave(4, 72), wave(5, 72)), scale=3)
    s["v64"] = distance_seed(wave(1, 64), wave(2, 64), wave(3, 64),
                             [(z * 7) % (z + 1) for z in range(63, 0, -1)],
                             (2, 6, 4, wave(6, 126), wave(7, 126)), scale=4)
    s["one_hot"] = distance_seed([0, 1, 0], [1, 0, 0], [0, 0, 1], [1, 0],
                                 (4, 3, 4, wave(8, 84, 1), wave(9, 84, -1)),
                                 scale=9)
    s["walk_v3"] = distance_seed([0.5, -0.5], [0, 0], [1, -1], [1],
                                 (3, 3, -4, wave(1, 39), wave(2, 39)))
    return s


def linalg_seeds():
    s = {}
    s["one_by_one"] = linalg_seed(1, 1, 0, [-0.75])
    s["dense_12x12"] = linalg_seed(12, 12, 0, wave(1, 144), nrhs=3,
                                   rhs=wave(2, 36))
    s["tall_12x3_gesvd"] = linalg_seed(12, 3, 0, wave(3, 36), gesvd1=True,
                                       gesvd2=True)
    s["wide_3x12"] = linalg_seed(3, 12, 0, wave(4, 36), nrhs=2,
                                 rhs=wave(5, 6), rcond=1)
    s["rank3_12x12"] = linalg_seed(12, 12, 1, wave(6, 36) + wave(7, 36),
                                   rank=3, nrhs=2, rhs=wave(8, 24))
    s["rank0"] = linalg_seed(5, 7, 1, [], rank=0)
    s["rank1_truncated"] = linalg_seed(6, 4, 1, wave(9, 6) + wave(10, 4),
                                       rank=1, rcond=2)
    s["zero_rows"] = linalg_seed(8, 5, 2, wave(11, 40), zero_rows=0b10110101)
    s["all_zero_rows"] = linalg_seed(4, 4, 2, wave(12, 16), zero_rows=0xf)
    s["huge_scale"] = linalg_seed(6, 6, 0, wave(13, 36), scale=1020)
    s["tiny_scale"] = linalg_seed(6, 6, 0, wave(14, 36), scale=-1070)
    s["overflow_scale"] = linalg_seed(4, 4, 0, wave(15, 16), scale=1023)
    s["specials_max"] = linalg_seed(3, 3, 3, ["max", 1, "-max", 0, "tiny",
                                              1, "max", -1, "max"])
    s["specials_inf"] = linalg_seed(2, 3, 3, [1, "inf", 3, 4, 5, 6])
    s["specials_nan"] = linalg_seed(3, 2, 3, [1, 2, "nan", 4, 5, 6])
    s["rhs_nan"] = linalg_seed(2, 2, 3, [1, 0, 0, 1], rhs=["nan", 1])
    s["singular_tiny_sv"] = linalg_seed(2, 2, 3, [1, "tiny", "tiny", "tiny"],
                                        rhs=[1, 1], rcond=3)
    return s


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus"
    for target, seeds in (("softmax", softmax_seeds()),
                          ("distance", distance_seeds()),
                          ("linalg", linalg_seeds())):
        d = os.path.join(root, target)
        os.makedirs(d, exist_ok=True)
        for name in os.listdir(d):
            if not name.startswith("regression_"):
                os.remove(os.path.join(d, name))
        for name, data in sorted(seeds.items()):
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print("%s: %d seeds in %s" % (target, len(seeds), d))


if __name__ == "__main__":
    main()
