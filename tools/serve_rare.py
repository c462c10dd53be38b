#!/usr/bin/python3
"""A teacher with structured perturbations, served over llr's query protocol
(docs/oracle-protocol.md): an ISAN file's logits, exactly of low rank,
except at a few rare prefixes, which get a large error.

  serve_rare.py MODEL [--every K] [--size S] [--seed P]

A prefix h of length >= 1 is perturbed when H(h) mod K == 0 (about one
prefix in K; default K = 16), H a SplitMix64 hash of the seed P and the
tokens (the `approx` family's, docs/models.md); its logits then gain
S * (sign_z - mean sign) (default S = 1), sign_z = +-1 from further hash
bits. Every other prefix is answered exactly. Unlike the `approx` family,
whose small error is spread over every prefix, this error is
concentrated: least squares over many histories cannot average it away
where a perturbed history enters the fit. Used by `make bench-approx`
(tools/bench_approx.py). Only NumPy and the standard library.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_isan import logits as isan_logits, read_isan  # noqa: E402

M64 = (1 << 64) - 1


def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def perturbation(prefix, V, every, size, seed):
    if not prefix:
        return np.zeros(V)
    H = mix(seed & M64)
    for z in prefix:
        H = mix(H ^ (((z + 1) * 0x9E3779B97F4A7C15) & M64))
    if H % every:
        return np.zeros(V)
    s = np.array([1.0 if mix((H + (z + 1) * 0xD1B54A32D192ED03) & M64) >> 63 else -1.0
                  for z in range(V)])
    return size * (s - s.mean())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("--every", type=int, default=16)
    ap.add_argument("--size", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    x0, B, A = read_isan(args.model)
    T, V, _ = B.shape

    def logits(prefix):
        if len(prefix) >= T or any(not (0 <= z < V) for z in prefix):
            raise ValueError("prefix %r is not a prefix of length < %d over %d tokens" % (prefix, T, V))
        return (isan_logits(x0, B, A, prefix) + perturbation(prefix, V, args.every, args.size,
                                                             args.seed)).tolist()

    out = sys.stdout
    out.write(json.dumps({"llr": 1, "vocab": V, "horizon": T, "logits": "raw"}) + "\n")
    out.flush()
    for line in sys.stdin:
        try:
            req = json.loads(line)
            if "prefixes" in req:
                reply = {"logits": [logits(q) for q in req["prefixes"]]}
            else:
                reply = {"logits": logits(req["prefix"])}
        except Exception as exc:  # a bad request gets an error, not an exit
            reply = {"error": str(exc)}
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
