#!/usr/bin/python3
"""A small neural language model the project builds itself: a character-level
recurrent network (Elman RNN) in NumPy, trained on a text of the repository
and served over llr's query protocol (docs/oracle-protocol.md).

  charlm.py train TEXT WEIGHTS [--steps N] [--seed S]
      trains on TEXT and writes WEIGHTS (an .npz file), deterministically;
  charlm.py serve WEIGHTS --horizon T
      answers {"prefix": [...]} and {"prefixes": [[...], ...]} with the raw
      logits of the next character (the client centres them).

Vocabulary (V = 29): the letters a-z (the text is lower-cased), space (any
run of white space), '.' (also '!' and '?'), and one token for every other
character. A prefix starts from a start symbol that is an input only, so
the first token's distribution is that of a character at a random place in
the text. The network: embedding E (V+1 x 16), h_t = tanh(W x_t + U h_{t-1}
+ b) with 48 hidden units, logits O h_t + c; trained by Adam (learning rate
0.01) on windows of 16 characters at random places, 64 windows a step,
backpropagation through the whole window. Only NumPy and the standard
library. Used by `make bench-approx` (tools/bench_approx.py).
"""
import argparse
import json
import sys

import numpy as np

ALPHABET = "abcdefghijklmnopqrstuvwxyz ."
V = len(ALPHABET) + 1  # + "other"
EMB, HID, WIN, BATCH = 16, 48, 16, 64


def encode(text):
    out, space = [], False
    for ch in text.lower():
        if ch.isspace():
            if not space:
                out.append(ALPHABET.index(" "))
            space = True
            continue
        space = False
        if ch in "!?":
            ch = "."
        out.append(ALPHABET.index(ch) if ch in ALPHABET else V - 1)
    return np.array(out, dtype=np.int64)


def init(rng):
    s = lambda *shape: rng.standard_normal(shape) * 0.1
    return {"E": s(V + 1, EMB), "W": s(HID, EMB), "U": s(HID, HID), "b": np.zeros(HID),
            "O": s(V, HID), "c": np.zeros(V)}


def forward(p, inputs):
    """inputs: B x L token ids (V = the start symbol). Hidden states and
    logits, B x L x HID and B x L x V."""
    B, L = inputs.shape
    h = np.zeros((B, HID))
    hs, xs = [], []
    for t in range(L):
        x = p["E"][inputs[:, t]]
        h = np.tanh(x @ p["W"].T + h @ p["U"].T + p["b"])
        hs.append(h), xs.append(x)
    H = np.stack(hs, 1)
    return H, np.stack(xs, 1), H @ p["O"].T + p["c"]


def loss_grad(p, inputs, targets):
    B, L = inputs.shape
    H, X, logits = forward(p, inputs)
    z = logits - logits.max(-1, keepdims=True)
    P = np.exp(z)
    P /= P.sum(-1, keepdims=True)
    loss = -np.log(P[np.arange(B)[:, None], np.arange(L)[None, :], targets]).mean()
    dlog = P
    dlog[np.arange(B)[:, None], np.arange(L)[None, :], targets] -= 1
    dlog /= B * L
    g = {k: np.zeros_like(v) for k, v in p.items()}
    g["O"] = np.einsum("blv,blh->vh", dlog, H)
    g["c"] = dlog.sum((0, 1))
    dh_next = np.zeros((B, HID))
    for t in reversed(range(L)):
        dh = dlog[:, t] @ p["O"] + dh_next
        da = dh * (1 - H[:, t] ** 2)
        hprev = H[:, t - 1] if t else np.zeros((B, HID))
        g["W"] += da.T @ X[:, t]
        g["U"] += da.T @ hprev
        g["b"] += da.sum(0)
        np.add.at(g["E"], inputs[:, t], da @ p["W"])
        dh_next = da @ p["U"]
    return loss, g


def train(args):
    with open(args.text, encoding="utf-8", errors="replace") as f:
        data = encode(f.read())
    if len(data) < WIN + 1:
        raise SystemExit("charlm.py: %s is too short to train on" % args.text)
    rng = np.random.default_rng(args.seed)
    p = init(rng)
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v2 = {k: np.zeros_like(v) for k, v in p.items()}
    lr, b1, b2 = 0.01, 0.9, 0.999
    for step in range(1, args.steps + 1):
        start = rng.integers(0, len(data) - WIN, size=BATCH)
        win = data[start[:, None] + np.arange(WIN)]
        inputs = np.concatenate([np.full((BATCH, 1), V), win[:, :-1]], 1)
        loss, g = loss_grad(p, inputs, win)
        for k in p:
            m[k] = b1 * m[k] + (1 - b1) * g[k]
            v2[k] = b2 * v2[k] + (1 - b2) * g[k] ** 2
            p[k] -= lr * (m[k] / (1 - b1 ** step)) / (np.sqrt(v2[k] / (1 - b2 ** step)) + 1e-8)
        if step % 500 == 0 or step == args.steps:
            print("step %d: cross-entropy %.4f nats" % (step, loss), file=sys.stderr)
    np.savez(args.weights, **p)


def serve(args):
    p = dict(np.load(args.weights))
    T = args.horizon

    def logits(prefix):
        if len(prefix) >= T or any(not (0 <= z < V) for z in prefix):
            raise ValueError("prefix %r is not a prefix of length < %d over %d tokens" % (prefix, T, V))
        inputs = np.array([[V] + list(prefix)], dtype=np.int64)
        return forward(p, inputs)[2][0, -1].tolist()

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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("text")
    t.add_argument("weights")
    t.add_argument("--steps", type=int, default=3000)
    t.add_argument("--seed", type=int, default=1)
    s = sub.add_parser("serve")
    s.add_argument("weights")
    s.add_argument("--horizon", type=int, required=True)
    args = ap.parse_args()
    train(args) if args.cmd == "train" else serve(args)


if __name__ == "__main__":
    main()
