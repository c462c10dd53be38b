/* protocol_fuzzer.c - libFuzzer target for the query protocol's parsers
 * (src/io/protocol.c): the bytes a child process sends llr, and the requests
 * `llr serve` reads.
 *
 * Input: byte 0 picks V = 2 + b0 % 16, byte 1 the longest prefix 1 + b1 % 8,
 * byte 2 the batch size n = b2 % 4 (0: the single form), byte 3 raw (b3 & 1);
 * the rest is one line, parsed three ways. Oracles, independent of the code
 * under test:
 *   - a rejection leaves a non-empty message (and, for requests, no arrays);
 *   - an accepted greeting has V in [2, 2^24], T in [1, 4096], and
 *     formatting (V, T) and parsing it again gives the same values;
 *   - an accepted request has every token in [0, V) and every prefix no
 *     longer than the limit, and each prefix formatted and parsed again is
 *     the same;
 *   - an accepted reply has only finite values within +-1e15; when raw,
 *     centred ones whose sum is within (V + 4) V 2^-52 max|raw value| of 0
 *     (the raw values read from the same line by jansson); formatting them
 *     and parsing again gives the same doubles bit for bit;
 *   - version 2: an accepted request (llr_proto_parse) has its id in
 *     [1, 2^53 - 1] or none, and by kind: prefixes as above; a sample
 *     count in [1, 10^6]; topk calls with k in
 *     [1, min(V, 4096)], distinct biased tokens in [0, V) with finite
 *     biases within +-10^6, and rounding in [-1, 17]; formatting it and
 *     parsing again gives the same request;
 *   - an accepted sample reply (T = the longest prefix, max(n, 1)
 *     sequences) has tokens in [0, V) and finite log-probabilities <= 0;
 *     an accepted topk reply (max(n, 1) calls of k = min(V, 3)) has
 *     distinct tokens in [0, V) and finite, non-increasing log-probabilities
 *     <= 0; both format and parse again to the same values.
 * Every failed check calls abort(). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "io/protocol.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK FZ_CHECK

static void greeting(const char *line, size_t len)
{
    llr_greeting g;
    llr_error e;
    e.msg[0] = 0;
    if (llr_proto_greeting(line, len, &g, &e)) {
        CHECK(e.msg[0] != 0);
        return;
    }
    CHECK(g.V >= 2 && g.V <= (1 << 24) && g.T >= 1 && g.T <= 4096);
    CHECK(g.raw == 0 || g.raw == 1);
    char *s = llr_proto_format_greeting(g.V, g.T);
    CHECK(s != NULL);
    llr_greeting h;
    CHECK(llr_proto_greeting(s, strlen(s) - 1, &h, &e) == 0);
    CHECK(h.V == g.V && h.T == g.T && h.raw == 0);
    free(s);
}

static void request(const char *line, size_t len, int V, int maxlen)
{
    int n = -1, *off = NULL, *tok = NULL, batch = -1;
    llr_error e;
    e.msg[0] = 0;
    if (llr_proto_request(line, len, V, maxlen, &n, &off, &tok, &batch, &e)) {
        CHECK(e.msg[0] != 0);
        CHECK(off == NULL && tok == NULL);
        return;
    }
    CHECK(n >= 0 && (batch == 0 || batch == 1));
    CHECK(batch || n == 1);
    CHECK(off[0] == 0);
    for (int i = 0; i < n; i++) {
        int k = off[i + 1] - off[i];
        CHECK(k >= 0 && k <= maxlen);
        for (int q = 0; q < k; q++)
            CHECK(tok[off[i] + q] >= 0 && tok[off[i] + q] < V);
        char *s = llr_proto_format_request(tok + off[i], k);
        CHECK(s != NULL);
        int n2, *off2, *tok2, b2;
        CHECK(llr_proto_request(s, strlen(s) - 1, V, maxlen, &n2, &off2,
                                &tok2, &b2, &e) == 0);
        CHECK(n2 == 1 && b2 == 0 && off2[1] == k);
        CHECK(k == 0 || memcmp(tok2, tok + off[i], (size_t)k * sizeof *tok) == 0);
        free(s), free(off2), free(tok2);
    }
    free(off), free(tok);
}

static void reply(const char *line, size_t len, int V, int raw, int n)
{
    int rows = n ? n : 1;
    double *out = malloc((size_t)rows * V * sizeof *out);
    double *back = malloc((size_t)rows * V * sizeof *back);
    CHECK(out && back);
    llr_error e;
    e.msg[0] = 0;
    if (llr_proto_reply(line, len, V, raw, n, out, &e)) {
        CHECK(e.msg[0] != 0);
        free(out), free(back);
        return;
    }
    /* The raw values themselves, read by jansson here: the library's own
     * parse without centring may refuse them (raw values beyond the 1e15
     * limit whose centred values are within it). */
    double *rawv = malloc((size_t)rows * V * sizeof *rawv);
    CHECK(rawv != NULL);
    json_t *j = json_loadb(line, len, 0, NULL);
    json_t *l = json_object_get(j, "logits");
    CHECK(j != NULL && l != NULL);
    for (int i = 0; i < rows; i++)
        for (int z = 0; z < V; z++) {
            json_t *x = json_array_get(n ? json_array_get(l, (size_t)i) : l,
                                       (size_t)z);
            CHECK(json_is_number(x));
            rawv[(size_t)i * V + z] = json_number_value(x);
        }
    json_decref(j);
    for (int i = 0; i < rows; i++) {
        double sum = 0, big = 0;
        for (int z = 0; z < V; z++) {
            double x = out[(size_t)i * V + z];
            CHECK(isfinite(x) && fabs(x) <= 1e15);
            sum += x;
            big = fmax(big, fabs(rawv[(size_t)i * V + z]));
        }
        /* Centring x_z - mean rounds each entry by u (|x_z| + |mean|) and
         * the mean by about V u max|x|; summing V entries adds V u per
         * term. So |sum| <= (V + 4) V u max|raw|, u = 2^-53 (doubled for
         * margin). Without centring the values are those of the line. */
        if (raw)
            CHECK(fabs(sum) <= (V + 4.0) * V * big * 0x1p-52);
        else
            CHECK(memcmp(out + (size_t)i * V, rawv + (size_t)i * V,
                         (size_t)V * sizeof *out) == 0);
    }
    free(rawv);
    char *s = llr_proto_format_reply(out, V, rows, n != 0);
    CHECK(s != NULL);
    CHECK(llr_proto_reply(s, strlen(s) - 1, V, 0, n, back, &e) == 0);
    CHECK(memcmp(out, back, (size_t)rows * V * sizeof *out) == 0);
    free(s), free(out), free(back);
}

/* n bytes at x and y are equal (either may be NULL when n is 0). */
static int same_bytes(const void *x, const void *y, size_t n)
{
    return n == 0 || memcmp(x, y, n) == 0;
}

/* Two parsed requests are the same. */
static void same_request(const llr_request *a, const llr_request *b)
{
    CHECK(a->id == b->id && a->kind == b->kind && a->n == b->n);
    if (a->kind == LLR_REQ_SAMPLE) {
        CHECK(a->seed == b->seed && a->skip == b->skip);
        return;
    }
    CHECK(same_bytes(a->off, b->off, ((size_t)a->n + 1) * sizeof *a->off));
    CHECK(same_bytes(a->tok, b->tok, (size_t)a->off[a->n] * sizeof *a->tok));
    if (a->kind == LLR_REQ_TOPK) {
        CHECK(a->round == b->round);
        CHECK(same_bytes(a->k, b->k, (size_t)a->n * sizeof *a->k));
        CHECK(same_bytes(a->boff, b->boff,
                         ((size_t)a->n + 1) * sizeof *a->boff));
        int nb = a->boff[a->n];
        CHECK(same_bytes(a->btok, b->btok, (size_t)nb * sizeof *a->btok));
        CHECK(same_bytes(a->bval, b->bval, (size_t)nb * sizeof *a->bval));
    }
}

static void request2(const char *line, size_t len, int V, int maxlen)
{
    llr_request r, back;
    llr_error e;
    e.msg[0] = 0;
    if (llr_proto_parse(line, len, V, maxlen, &r, &e)) {
        CHECK(e.msg[0] != 0);
        CHECK(r.off == NULL && r.tok == NULL && r.k == NULL &&
              r.btok == NULL && r.bval == NULL && r.boff == NULL);
        CHECK(r.id >= 0 && r.id <= 9007199254740991LL);
        return;
    }
    CHECK(r.id >= 0 && r.id <= 9007199254740991LL);
    char *s = NULL;
    if (r.kind == LLR_REQ_SAMPLE) {
        CHECK(r.id > 0 && r.n >= 1 && r.n <= 1000000);
        s = llr_proto_format_sample_request((uint64_t)r.id, r.n, r.seed,
                                            r.skip);
    } else {
        for (int i = 0; i < r.n; i++) {
            CHECK(r.off[i + 1] - r.off[i] >= 0 &&
                  r.off[i + 1] - r.off[i] <= maxlen);
            for (int q = r.off[i]; q < r.off[i + 1]; q++)
                CHECK(r.tok[q] >= 0 && r.tok[q] < V);
        }
        if (r.kind == LLR_REQ_LOGITS && r.id > 0)
            s = llr_proto_format_logits_request((uint64_t)r.id, r.tok, r.off,
                                                r.n);
    }
    if (r.kind == LLR_REQ_TOPK) {
        CHECK(r.id > 0 && r.round >= -1 && r.round <= 17);
        llr_topk_call *c = calloc((size_t)r.n + 1, sizeof *c);
        CHECK(c != NULL);
        for (int i = 0; i < r.n; i++) {
            CHECK(r.k[i] >= 1 && r.k[i] <= V && r.k[i] <= 4096);
            for (int q = r.boff[i]; q < r.boff[i + 1]; q++) {
                CHECK(r.btok[q] >= 0 && r.btok[q] < V);
                CHECK(isfinite(r.bval[q]) && fabs(r.bval[q]) <= 1e6);
                for (int u = r.boff[i]; u < q; u++)
                    CHECK(r.btok[u] != r.btok[q]);
            }
            c[i] = (llr_topk_call){r.tok + r.off[i], r.off[i + 1] - r.off[i],
                                   r.k[i], r.boff[i + 1] - r.boff[i],
                                   r.btok + r.boff[i], r.bval + r.boff[i],
                                   NULL, NULL};
        }
        s = llr_proto_format_topk_request((uint64_t)r.id, c, r.n, r.round);
        free(c);
    }
    if (s) {
        CHECK(llr_proto_parse(s, strlen(s) - 1, V, maxlen, &back, &e) == 0);
        if (r.kind == LLR_REQ_LOGITS)
            CHECK(back.batch == 1);
        same_request(&r, &back);
        llr_proto_request_free(&back);
        free(s);
    }
    llr_proto_request_free(&r);
}

static void reply2(const char *line, size_t len, int V, int T, int n)
{
    llr_error e;
    e.msg[0] = 0;
    int rows = n ? n : 1;
    int *seq = malloc((size_t)rows * T * sizeof *seq);
    double *lp = malloc((size_t)rows * T * sizeof *lp);
    int *seq2 = malloc((size_t)rows * T * sizeof *seq2);
    double *lp2 = malloc((size_t)rows * T * sizeof *lp2);
    CHECK(seq && lp && seq2 && lp2);
    if (llr_proto_sample_reply(line, len, 5, V, T, rows, seq, lp, &e) == 0) {
        for (int i = 0; i < rows * T; i++)
            CHECK(seq[i] >= 0 && seq[i] < V && isfinite(lp[i]) && lp[i] <= 0);
        char *s = llr_proto_format_sample_reply(5, seq, lp, T, rows);
        CHECK(s && llr_proto_sample_reply(s, strlen(s) - 1, 5, V, T, rows,
                                          seq2, lp2, &e) == 0);
        CHECK(!memcmp(seq, seq2, (size_t)rows * T * sizeof *seq) &&
              !memcmp(lp, lp2, (size_t)rows * T * sizeof *lp));
        free(s);
    } else
        CHECK(e.msg[0] != 0);
    free(seq), free(lp), free(seq2), free(lp2);
    int k = V < 3 ? V : 3;
    llr_topk_call c[4], d[4];
    int tok[24];
    double val[24];
    for (int i = 0; i < rows; i++) {
        c[i] = (llr_topk_call){NULL, 0, k, 0, NULL, NULL, tok + 3 * i,
                               val + 3 * i};
        d[i] = c[i];
        d[i].tok = tok + 12 + 3 * i, d[i].logprob = val + 12 + 3 * i;
    }
    e.msg[0] = 0;
    if (llr_proto_topk_reply(line, len, 5, V, c, rows, &e)) {
        CHECK(e.msg[0] != 0);
        return;
    }
    for (int i = 0; i < rows; i++)
        for (int q = 0; q < k; q++) {
            CHECK(c[i].tok[q] >= 0 && c[i].tok[q] < V);
            CHECK(isfinite(c[i].logprob[q]) && c[i].logprob[q] <= 0);
            for (int u = 0; u < q; u++)
                CHECK(c[i].tok[u] != c[i].tok[q] &&
                      c[i].logprob[u] >= c[i].logprob[q]);
        }
    char *s = llr_proto_format_topk_reply(5, c, rows, -1);
    CHECK(s && llr_proto_topk_reply(s, strlen(s) - 1, 5, V, d, rows, &e) == 0);
    CHECK(!memcmp(tok, tok + 12, (size_t)rows * 3 * sizeof *tok) &&
          !memcmp(val, val + 12, (size_t)rows * 3 * sizeof *val));
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4 || size > (1u << 16))
        return 0;
    int V = 2 + data[0] % 16, maxlen = 1 + data[1] % 8, n = data[2] % 4;
    int raw = data[3] & 1;
    const char *line = (const char *)data + 4;
    size_t len = size - 4;
    greeting(line, len);
    request(line, len, V, maxlen);
    reply(line, len, V, raw, n);
    request2(line, len, V, maxlen);
    reply2(line, len, V, maxlen, n);
    return 0;
}
