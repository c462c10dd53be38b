#!/usr/bin/python3
"""An example adapter: serve an llr ISAN file over the query protocol.

Only NumPy and the standard library: it reads the safetensors file itself
and answers logit requests with the ISAN's raw logits (the client centres
them). It speaks protocol version 2 (every request carries an "id" that
the reply echoes; batches of prefixes) and, for clients that send no ids,
version 1. It offers no sample or topk requests (its greeting lists only
"logits"), so llr samples from it by logit queries. It exits at the end of
its input.
Usage: llr tv MODEL "exec:/usr/bin/python3 tools/serve_isan.py MODEL"
       tools/serve_isan.py MODEL --protocol 1   (greet as a version 1 server)
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
    v1 = sys.argv[2:] == ["--protocol", "1"]
    T, V, _ = B.shape
    out = sys.stdout
    greeting = {"llr": 1, "vocab": V, "horizon": T, "logits": "raw"}
    if not v1:
        greeting.update(versions=[1, 2], requests=["logits"])
    out.write(json.dumps(greeting) + "\n")
    out.flush()
    for line in sys.stdin:
        reply = {}
        try:
            req = json.loads(line)
            if "id" in req and not v1:
                reply["id"] = req["id"]  # version 2: echo the id first
            if "prefixes" in req:
                reply["logits"] = [logits(x0, B, A, p).tolist()
                                   for p in req["prefixes"]]
            else:
                reply["logits"] = logits(x0, B, A, req["prefix"]).tolist()
        except Exception as exc:  # a bad request gets an error, not an exit
            reply.pop("logits", None)
            reply["error"] = str(exc)
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
