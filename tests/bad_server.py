#!/usr/bin/python3
"""A deliberately broken protocol server for the error tests.
Usage: bad_server.py MODE [ARG], MODE one of:
  exit-now, exit-after-greeting, bad-greeting, old-version, garbage, short,
  nan, stall, error          version 1 servers failing in the obvious ways;
  huge1                      version 1: centred logits of +-1e308;
  huge-at-1                  version 1: finite answers, but +-1e308 at the
                             prefix (1);
  extra                      version 1: a second reply to the first request;
  extra2                     version 2: a second reply to the first request;
  wrong-id                   version 2: each reply carries the id of the
                             request plus one;
  no-id                      version 2: replies without "id";
  huge, huge-centred         version 2: logits of +-1e308 (raw, centred);
  overflow                   version 2: raw logits whose sum overflows;
  big                        version 2: raw logits (1e14, -1e14, 0): large
                             but within the client's limit;
  fork-stall PIDFILE         version 2: starts a grandchild that sleeps,
                             writes its pid to PIDFILE, then stalls;
  leave-behind PIDFILE       version 2: starts a grandchild that sleeps,
                             writes its pid to PIDFILE, then answers
                             normally (and exits at the end of its input).
Replies to version 2 requests are otherwise correct logits for V = 3.
"""
import json
import os
import subprocess
import sys
import time

mode = sys.argv[1]
out = sys.stdout
V2 = ("extra2", "wrong-id", "no-id", "huge", "huge-centred", "overflow",
      "big", "fork-stall", "leave-behind")
if mode == "exit-now":
    sys.exit(3)
if mode == "bad-greeting":
    out.write("hello\n")
elif mode == "old-version":
    out.write('{"llr": 7, "vocab": 3, "horizon": 4, "logits": "raw"}\n')
elif mode == "huge1":
    out.write('{"llr": 1, "vocab": 3, "horizon": 4, "logits": "centred"}\n')
elif mode in V2:
    kind = "centred" if mode == "huge-centred" else "raw"
    out.write('{"llr": 1, "versions": [1, 2], "vocab": 3, "horizon": 4, '
              '"logits": "%s"}\n' % kind)
else:
    out.write('{"llr": 1, "vocab": 3, "horizon": 4, "logits": "raw"}\n')
out.flush()
if mode in ("fork-stall", "leave-behind"):
    # A grandchild in the same process group: the shell that runs this
    # server is its grandparent's child.
    p = subprocess.Popen(["sleep", "300"])
    with open(sys.argv[2], "w") as f:
        f.write("%d\n" % p.pid)
if mode == "exit-after-greeting":
    sys.exit(0)
first = True
for line in sys.stdin:
    req = json.loads(line) if line.startswith("{") else {}
    rid = req.get("id")
    n = len(req["prefixes"]) if "prefixes" in req else 1
    vec = [0.5, 0.25, 1]
    if mode == "garbage":
        out.write("%%% not json\n")
    elif mode == "short":
        out.write('{"logits": [0.5, 0.25]}\n')
    elif mode == "nan":
        out.write('{"logits": [0.5, NaN, 1]}\n')
    elif mode in ("stall", "fork-stall"):
        time.sleep(60)
    elif mode == "error":
        out.write('{"error": "model offline"}\n')
    elif mode == "huge1":
        out.write('{"logits": [1e308, -1e308, 0]}\n')
    elif mode == "huge-at-1":
        p = req.get("prefix")
        ls = ([1e308, -1e308, 0.0] if p == [1]
              else [0.1 * len(p), 0.2 * sum(p), -0.3])
        out.write(json.dumps({"logits": ls}) + "\n")
    elif mode in V2:
        if mode in ("huge", "huge-centred"):
            vec = [1e308, -1e308, 1e308]
        elif mode == "overflow":
            vec = [1.5e308, 1.5e308, 0]
        elif mode == "big":
            vec = [1e14, -1e14, 0]
        reply = {"id": rid, "logits": [vec] * n}
        if mode == "wrong-id":
            reply["id"] = rid + 1
        if mode == "no-id":
            del reply["id"]
        out.write(json.dumps(reply) + "\n")
        if mode == "extra2" and first:
            out.write(json.dumps(reply) + "\n")
    else:
        if "prefixes" in req:
            out.write(json.dumps({"logits": [vec] * n}) + "\n")
        else:
            out.write('{"logits": [0.5, 0.25, 1]}\n')
        if mode == "extra" and first:
            out.write('{"logits": [0.5, 0.25, 1]}\n')
    first = False
    out.flush()
