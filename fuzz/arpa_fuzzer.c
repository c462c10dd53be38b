/* arpa_fuzzer.c - libFuzzer target for the ARPA n-gram reader (src/io/arpa_file.c).
 *
 * The bytes are an ARPA file (horizon 3). Oracles, independent of the
 * reader's internals:
 *   - a rejection leaves a message that starts with the file's name;
 *   - an accepted model has V >= 2 and order >= 1; at the empty prefix and
 *     after each of the first (up to 4) tokens, its logits are finite and
 *     centred (|sum| within (V + 4) V 2^-52 of a bound on the raw ln P,
 *     ln 10 (N + 1) times the largest number in the file, found here by
 *     scanning the text) and their softmax sums to 1;
 *   - a sampled sequence has tokens in [0, V) and a finite log-probability,
 *     equal to the sum of the log-softmax entries along it (recomputed here
 *     from llr_model_logits, a different code path from llr_model_logprob);
 *   - saving the model fails with a message (ARPA models are read-only).
 * Every failed check calls abort(). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/arpa.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK FZ_CHECK

#define NAME "fuzz.arpa"

/* An upper bound on |raw logit| (ln P before centring): each is ln 10 times a
 * sum of at most N + 1 numbers of the file (a probability and back-off
 * weights), so ln 10 (N + 1) max|number in the file|. */
static double raw_bound;

static double max_number(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    CHECK(text != NULL);
    memcpy(text, data, size);
    text[size] = 0;
    /* NUL bytes may stand in ignored text: they separate words too. */
    for (size_t i = 0; i < size; i++)
        if (text[i] == 0)
            text[i] = ' ';
    double m = 0;
    char *save = NULL;
    for (char *w = strtok_r(text, " \t\r\n", &save); w;
         w = strtok_r(NULL, " \t\r\n", &save)) {
        char *end;
        double x = strtod(w, &end);
        if (end != w && isfinite(x))
            m = fmax(m, fabs(x));
    }
    free(text);
    return m;
}

/* Logits at prefix tok[0..len-1]: finite, centred, a distribution. Returns
 * log softmax of token z. */
static double check_logits(const llr_model *m, const int *tok, int len, int z)
{
    int V = m->V;
    double *l = malloc((size_t)V * sizeof *l);
    CHECK(l != NULL);
    llr_error e;
    CHECK(llr_model_logits(m, tok, len, l, &e) == 0);
    double sum = 0, big = 0, mx = -INFINITY;
    for (int i = 0; i < V; i++) {
        CHECK(isfinite(l[i]));
        sum += l[i];
        big = fmax(big, fabs(l[i]));
        mx = fmax(mx, l[i]);
    }
    /* Centring rounds each entry by about u (|raw| + |mean|) and the mean by
     * about V u max|raw|: |sum| <= (V + 4) V u raw_bound (u = 2^-53,
     * doubled for margin). big only guards a bound of 0. */
    CHECK(fabs(sum) <= (V + 4.0) * V * (raw_bound + big) * 0x1p-52);
    double s = 0;
    for (int i = 0; i < V; i++)
        s += exp(l[i] - mx);
    CHECK(s >= 1.0 && s <= V * (1 + 1e-12));
    double lz = l[z] - mx - log(s);
    free(l);
    return lz;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 16))
        return 0;
    llr_model *m;
    llr_error e;
    e.msg[0] = 0;
    if (llr_arpa_parse((const char *)data, size, NAME, 3, &m, &e)) {
        CHECK(strncmp(e.msg, NAME, strlen(NAME)) == 0);
        return 0;
    }
    CHECK(m->V >= 2 && m->T == 3 && llr_arpa_order(m) >= 1);
    raw_bound = 2.302585092994046 * (llr_arpa_order(m) + 1) *
                max_number(data, size);
    int tok[3] = {0, 0, 0};
    check_logits(m, tok, 0, 0);
    for (int z = 0; z < m->V && z < 4; z++) {
        tok[0] = z;
        check_logits(m, tok, 1, 0);
    }
    llr_prng g;
    llr_prng_seed(&g, size);
    int seq[3];
    double lp;
    CHECK(llr_model_sample(m, &g, seq, &e) == 0);
    CHECK(llr_model_logprob(m, seq, 3, &lp, &e) == 0);
    double again = 0;
    for (int t = 0; t < 3; t++) {
        CHECK(seq[t] >= 0 && seq[t] < m->V);
        again += check_logits(m, seq, t, seq[t]);
    }
    /* Both sums start from the same centred logits, each rounded by up to
     * about (V + 4) u raw_bound (see check_logits): when one raw logit is
     * huge (a log10 probability of -5e13, say), the centred ones keep only a
     * few bits below the point, and the two paths may round differently. */
    CHECK(isfinite(lp) &&
          fabs(lp - again) <= 1e-9 * (1 + fabs(lp)) +
                                  3 * 4 * (m->V + 4.0) * raw_bound * 0x1p-52);
    e.msg[0] = 0;
    CHECK(llr_model_save(m, "/nonexistent/x", &e) != 0 && e.msg[0] != 0);
    llr_model_free(m);
    return 0;
}
