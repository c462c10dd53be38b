#!/usr/bin/python3
"""Check a model-behind-a-process report against the server's own log.

Usage: exec_log.py REQUESTS REPORT ROLE
  REQUESTS  the request lines the server read (`exec:tee REQUESTS | SERVER`)
  REPORT    the JSON report of llr tv, compare or learn (--json)
  ROLE      the key under "exec" ("a", "b", "truth", "candidate", ...)
Checks that the client counted what the server saw: the request lines, the
logit prefixes they carried and the distinct ones among them, the sequences
its sample requests asked for, and (version 2) that the ids run 1, 2, 3, ...
in order; then prints one line of counts.
Exit status 1 on a mismatch.
"""
import json
import sys


def main():
    log, report, role = sys.argv[1:4]
    reqs = [json.loads(line) for line in open(log)]
    st = json.load(open(report))["exec"][role]
    prefixes = []
    samples = sum(r["sample"]["n"] for r in reqs if "sample" in r)
    for r in reqs:
        if "prefixes" in r:
            prefixes += [tuple(p) for p in r["prefixes"]]
        elif "prefix" in r:
            prefixes.append(tuple(r["prefix"]))
    bad = []
    if st["version"] >= 2:
        ids = [r.get("id") for r in reqs]
        if ids != list(range(1, len(reqs) + 1)):
            bad.append("request ids are not 1, 2, 3, ... in order")
    for key, want in (("requests", len(reqs)), ("prefixes", len(prefixes)),
                      ("distinct_prefixes", len(set(prefixes))),
                      ("samples", samples)):
        if st[key] != want:
            bad.append("%s: the report says %d, the server saw %d"
                       % (key, st[key], want))
    if st["cache_flushes"] == 0 and len(prefixes) != len(set(prefixes)):
        bad.append("a prefix was asked twice although the cache never "
                   "flushed")
    print("%d requests, %d round trips, %d prefixes, %d distinct, "
          "%d samples%s"
          % (len(reqs), st["round_trips"], len(prefixes), len(set(prefixes)),
             samples, "; " + "; ".join(bad) if bad else ""))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
