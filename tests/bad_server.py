#!/usr/bin/python3
"""A deliberately broken protocol server for the error tests.
Usage: bad_server.py MODE, MODE one of: exit-now, exit-after-greeting,
bad-greeting, old-version, garbage, short, nan, stall, error, huge (finite
answers, but +-1e308 at the prefix (1))."""
import json
import sys
import time

mode = sys.argv[1]
out = sys.stdout
if mode == "exit-now":
    sys.exit(3)
if mode == "bad-greeting":
    out.write("hello\n")
elif mode == "old-version":
    out.write('{"llr": 7, "vocab": 3, "horizon": 4, "logits": "raw"}\n')
else:
    out.write('{"llr": 1, "vocab": 3, "horizon": 4, "logits": "raw"}\n')
out.flush()
if mode == "exit-after-greeting":
    sys.exit(0)
for line in sys.stdin:
    if mode == "garbage":
        out.write("%%% not json\n")
    elif mode == "short":
        out.write('{"logits": [0.5, 0.25]}\n')
    elif mode == "nan":
        out.write('{"logits": [0.5, NaN, 1]}\n')
    elif mode == "stall":
        time.sleep(60)
    elif mode == "error":
        out.write('{"error": "model offline"}\n')
    elif mode == "huge":
        req = json.loads(line)
        ls = [[1e308, -1e308, 0.0] if p == [1] else [0.1 * len(p), 0.2 * sum(p), -0.3]
              for p in req.get("prefixes", [req.get("prefix")])]
        out.write(json.dumps({"logits": ls if "prefixes" in req else ls[0]}) + "\n")
    else:
        out.write('{"logits": [0.5, 0.25, 1]}\n')
    out.flush()
