#!/usr/bin/env python3
"""Estimate a back-off n-gram model from a text file and write it in ARPA.

Usage: make_arpa.py [--order N] [--discount D] [--add-k K] [--min-count C]
                    [--lower] [--verify] TEXT [OUT]

Each non-blank line of TEXT is a sentence; its words are the runs of
characters separated by white space. Sentences are padded as
<s> w1 ... wm </s>. Literal <s>, </s>, <unk> and <UNK> in the text, and words
seen fewer than C times (--min-count, default 1), become <unk>.

The estimate (documented in docs/arpa.md) is interpolated absolute
discounting, written in the ARPA back-off form:

  unigrams:  P1(w) = (c(w) + K) / (n + K |U|) for w in U = the words,
             </s> and <unk> (add-K smoothing; <s> gets the conventional
             log10prob -99), n = sum of c(w) over U;
  order n >= 2, context h of n-1 words with c(h) = sum_w c(h w) > 0:
             gamma(h) = D N1+(h) / c(h), N1+(h) = #{w : c(h w) > 0},
             P(w | h) = (c(h w) - D) / c(h) + gamma(h) P(w | h')  if c(h w) > 0
                      = gamma(h) P(w | h')                         otherwise,
             h' = h without its first word.

Every n-gram seen in the text is listed with log10 P(w | h), and every
listed n-gram of order < N carries log10 gamma of itself as a context
(0 when it is never followed by a word). So the standard back-off reading
of the file gives exactly this interpolated distribution, and each
context's distribution sums to 1 over U (up to the 8 decimals printed).
--verify checks those sums before writing. Standard library only.
"""
import argparse
import math
import sys

SPECIAL = {"<s>", "</s>", "<unk>", "<UNK>"}


def read_sentences(path, lower):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            words = line.split()
            if not words:
                continue
            if lower:
                words = [w.lower() for w in words]
            yield ["<unk>" if w in SPECIAL else w for w in words]


def estimate(sentences, order, D, K, min_count):
    freq = {}
    for s in sentences:
        for w in s:
            freq[w] = freq.get(w, 0) + 1
    vocab = ["</s>", "<unk>"]
    seen = set(vocab)
    for s in sentences:
        for w in s:
            if w not in seen and freq[w] >= min_count:
                seen.add(w)
                vocab.append(w)
    # counts[n][ngram tuple] = count (insertion order = first occurrence)
    counts = [None] + [{} for _ in range(order)]
    for s in sentences:
        padded = ["<s>"] + [w if w in seen else "<unk>" for w in s] + ["</s>"]
        for n in range(1, order + 1):
            c = counts[n]
            for i in range(len(padded) - n + 1):
                g = tuple(padded[i:i + n])
                if n == 1 and g[0] == "<s>":
                    continue
                c[g] = c.get(g, 0) + 1
    # Unigrams.
    total = sum(counts[1].values())
    denom = total + K * len(vocab)
    prob = [None] + [{} for _ in range(order)]
    for w in vocab:
        prob[1][(w,)] = (counts[1].get((w,), 0) + K) / denom
    # Context statistics per order: c(h) and N1+(h).
    gamma = [None] + [{} for _ in range(order)]
    for n in range(2, order + 1):
        ctx_total, ctx_types = {}, {}
        for g, c in counts[n].items():
            h = g[:-1]
            ctx_total[h] = ctx_total.get(h, 0) + c
            ctx_types[h] = ctx_types.get(h, 0) + 1
        for h in ctx_total:
            gamma[n - 1][h] = D * ctx_types[h] / ctx_total[h]
        for g, c in counts[n].items():
            h = g[:-1]
            lower = backoff_prob(prob, gamma, g[1:])
            prob[n][g] = (c - D) / ctx_total[h] + gamma[n - 1][h] * lower
    return vocab, counts, prob, gamma


def backoff_prob(prob, gamma, g):
    """P(g[-1] | g[:-1]) by the back-off rule over the listed n-grams."""
    n = len(g)
    if g in prob[n]:
        return prob[n][g]
    return gamma[n - 1].get(g[:-1], 1.0) * backoff_prob(prob, gamma, g[1:])


def verify(vocab, prob, gamma, order):
    for n in range(2, order + 1):
        for h in gamma[n - 1]:
            s = sum(backoff_prob(prob, gamma, h + (w,)) for w in vocab)
            if abs(s - 1) > 1e-9:
                sys.exit("make_arpa.py: context %r sums to %r" % (h, s))
    s = sum(prob[1].values())
    if abs(s - 1) > 1e-9:
        sys.exit("make_arpa.py: unigrams sum to %r" % s)


def log10(p):
    return min(0.0, math.log10(p))


def write(out, vocab, counts, prob, gamma, order):
    unigrams = [("<s>",)] + [(w,) for w in vocab]
    lists = [None, unigrams] + [list(counts[n]) for n in range(2, order + 1)]
    out.write("\\data\\\n")
    for n in range(1, order + 1):
        out.write("ngram %d=%d\n" % (n, len(lists[n])))
    for n in range(1, order + 1):
        out.write("\n\\%d-grams:\n" % n)
        for g in lists[n]:
            lp = -99.0 if g == ("<s>",) else log10(prob[n][g])
            line = "%.8f\t%s" % (lp, " ".join(g))
            if n < order:
                bo = gamma[n].get(g)
                line += "\t%.8f" % (math.log10(bo) if bo else 0.0)
            out.write(line + "\n")
    out.write("\n\\end\\\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("text")
    ap.add_argument("out", nargs="?")
    ap.add_argument("--order", type=int, default=3)
    ap.add_argument("--discount", type=float, default=0.75)
    ap.add_argument("--add-k", type=float, default=1.0)
    ap.add_argument("--min-count", type=int, default=1)
    ap.add_argument("--lower", action="store_true")
    ap.add_argument("--verify", action="store_true")
    a = ap.parse_args()
    if a.order < 1:
        ap.error("--order must be at least 1")
    if not 0 < a.discount <= 1:
        ap.error("--discount must be in (0, 1]")
    if not a.add_k > 0:
        ap.error("--add-k must be positive")
    sentences = list(read_sentences(a.text, a.lower))
    vocab, counts, prob, gamma = estimate(sentences, a.order, a.discount,
                                          a.add_k, a.min_count)
    if a.verify:
        verify(vocab, prob, gamma, a.order)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            write(f, vocab, counts, prob, gamma, a.order)
    else:
        try:
            write(sys.stdout, vocab, counts, prob, gamma, a.order)
            sys.stdout.flush()
        except BrokenPipeError:  # e.g. piped into head
            sys.stderr.close()
            sys.exit(0)


if __name__ == "__main__":
    main()
