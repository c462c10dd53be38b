#!/usr/bin/python3
"""An example adapter: serve an llr ISAN file over the query protocol.

Only NumPy and the standard library: it reads the safetensors file itself,
answers {"prefix": [...]} and {"prefixes": [[...], ...]} with the ISAN's
raw logits (the client centres them), and exits at the end of its input.
Usage: llr tv MODEL "exec:/usr/bin/python3 tools/serve_isan.py MODEL"
See docs/oracle-protocol.md.
"""
import json
import struct
import sys

import numpy as np


def read_isan(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    t = {}
    for name in ("x0", "B", "A"):
        info = header[name]
        b, e = info["data_offsets"]
        t[name] = np.frombuffer(data[b:e], dtype="<f8").reshape(info["shape"])
    return t["x0"], t["B"], t["A"]


def logits(x0, B, A, prefix):
    x = x0
    for t, z in enumerate(prefix):
        x = A[t, z] @ x
    return B[len(prefix)] @ x


def main():
    x0, B, A = read_isan(sys.argv[1])
    T, V, _ = B.shape
    out = sys.stdout
    out.write(json.dumps({"llr": 1, "vocab": V, "horizon": T, "logits": "raw"}) + "\n")
    out.flush()
    for line in sys.stdin:
        try:
            req = json.loads(line)
            if "prefixes" in req:
                reply = {"logits": [logits(x0, B, A, p).tolist() for p in req["prefixes"]]}
            else:
                reply = {"logits": logits(x0, B, A, req["prefix"]).tolist()}
        except Exception as exc:  # a bad request gets an error, not an exit
            reply = {"error": str(exc)}
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
