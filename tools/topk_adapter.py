#!/usr/bin/python3
"""An example adapter: any llr model behind API-shaped access only.

It stands where a thin adapter to a real text-generation API would stand:
it answers the topk requests of protocol version 2 (top-K log-probabilities
after a logit bias, rounded) and sample requests (sequences with their
log-probabilities), and refuses whole logit vectors, which such APIs do
not give. Behind it, `llr serve MODEL` computes the answers; an adapter to
a real API would translate each topk call into one API call instead (the
bias into the API's logit_bias, K into its top_logprobs).

    llr learn "exec:tools/topk_adapter.py MODEL" --access topk:5,bias:100,round:6 ...

Options:
  --llr PATH        the llr binary (default: $LLR_BIN, else llr on PATH)
  --allow-logits    also answer logit requests (llr learn computes the
                    exact TV of its result against the teacher when V^T is
                    small: that is evaluation, not learning, and needs them)
  --hostile MODE    misbehave, for tests: ignore-bias (answer as if no bias
                    were asked), coarse (round to 2 decimals whatever is
                    asked), inconsistent (shift every second call's answers
                    by -0.01)
See docs/access.md and docs/oracle-protocol.md.
"""
import json
import os
import subprocess
import sys


def main():
    args = sys.argv[1:]
    llr = os.environ.get("LLR_BIN", "llr")
    allow_logits = False
    hostile = None
    model = None
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--llr":
            llr = args[i + 1]
            i += 2
        elif a == "--allow-logits":
            allow_logits = True
            i += 1
        elif a == "--hostile":
            hostile = args[i + 1]
            if hostile not in ("ignore-bias", "coarse", "inconsistent"):
                sys.exit("topk_adapter: unknown --hostile mode " + hostile)
            i += 2
        elif model is None:
            model = a
            i += 1
        else:
            sys.exit("topk_adapter: usage: topk_adapter.py MODEL [--llr PATH]"
                     " [--allow-logits] [--hostile MODE]")
    if model is None:
        sys.exit("topk_adapter: no MODEL given")
    child = subprocess.Popen([llr, "serve", model], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, bufsize=1)
    greeting = json.loads(child.stdout.readline())
    if 2 not in greeting.get("versions", []) or \
            "topk" not in greeting.get("requests", []):
        sys.exit("topk_adapter: the server behind does not answer topk")
    out = {"llr": 1, "versions": [2], "vocab": greeting["vocab"],
           "horizon": greeting["horizon"], "logits": greeting["logits"],
           "requests": ["sample", "topk"]}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    ncalls = 0
    for line in sys.stdin:
        try:
            req = json.loads(line)
        except ValueError:
            sys.stdout.write(json.dumps({"error": "not JSON"}) + "\n")
            sys.stdout.flush()
            continue
        rid = req.get("id")
        if ("prefixes" in req or "prefix" in req) and not allow_logits:
            sys.stdout.write(json.dumps(
                {"id": rid, "error": "this API answers top-k log-"
                 "probabilities and samples, not whole logit vectors"}) + "\n")
            sys.stdout.flush()
            continue
        if "topk" in req and hostile == "ignore-bias":
            for c in req["topk"]:
                c.pop("bias", None)
        if "topk" in req and hostile == "coarse":
            req["round"] = 2
        child.stdin.write(json.dumps(req) + "\n")
        child.stdin.flush()
        reply = json.loads(child.stdout.readline())
        if "topk" in req and hostile == "inconsistent" and "top" in reply:
            nd = req.get("round", 17)
            for t in reply["top"]:
                ncalls += 1
                if ncalls % 2 == 0:
                    t["logprobs"] = [min(0.0, round(x - 0.01, nd))
                                     for x in t["logprobs"]]
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    child.stdin.close()
    child.wait()


if __name__ == "__main__":
    main()
