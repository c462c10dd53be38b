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
 *   - an accepted reply has only finite values; when raw, centred ones
 *     whose sum is within (V + 4) V 2^-52 max|raw value| of 0 (the raw values
 *     read from the same line without centring); formatting them and
 *     parsing again gives the same doubles bit for bit.
 * Every failed check calls abort(). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    /* The raw values themselves: the same line parsed without centring. */
    double *rawv = malloc((size_t)rows * V * sizeof *rawv);
    CHECK(rawv != NULL);
    CHECK(llr_proto_reply(line, len, V, 0, n, rawv, &e) == 0);
    for (int i = 0; i < rows; i++) {
        double sum = 0, big = 0;
        for (int z = 0; z < V; z++) {
            double x = out[(size_t)i * V + z];
            CHECK(isfinite(x));
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
    return 0;
}
