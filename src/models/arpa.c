#include "models/arpa.h"

#include <stdlib.h>
#include <string.h>

#include "io/arpa_file.h"
#include "kernels/softmax.h"

#define LN10 2.302585092994045684017991454684364208

_Static_assert(LLR_ARPA_MAX_VOCAB == LLR_MAX_VOCAB,
               "io/arpa_bounds.h states the vocabulary limit of model.h");

static const llr_arpa_tables *impl(const llr_model *m)
{
    return (const llr_arpa_tables *)m->impl;
}


static int arpa_root(const llr_model *m, void *state, llr_error *e)
{
    (void)e;
    const llr_arpa_tables *a = impl(m);
    int32_t *s = state;
    memset(s, 0, m->state_bytes);
    if (a->N > 1 && a->bos >= 0) {
        s[0] = 1;
        s[1] = a->bos;
    }
    return 0;
}

static int arpa_step(const llr_model *m, const void *state, int t, int tok,
                     void *next, llr_error *e)
{
    (void)t;
    const llr_arpa_tables *a = impl(m);
    if (llr_arpa_check_token(tok, m->V))
        return llr_fail(e, LLR_EINPUT,
                        "arpa: token %d is outside [0, %d]", tok,
                        m->V - 1);
    int32_t s[LLR_ARPA_MAX_ORDER];
    memcpy(s, state, m->state_bytes);
    int k = s[0];
    if (llr_arpa_check_context(k, a->N))
        return llr_fail(e, LLR_EINPUT,
                        "arpa: corrupt state (context length %d)", k);
    if (a->N > 1) {
        if (k < a->N - 1) {
            s[++k] = a->sigma[tok];
        } else {
            memmove(s + 1, s + 2, (size_t)(k - 1) * sizeof *s);
            s[k] = a->sigma[tok];
        }
        s[0] = k;
    }
    memcpy(next, s, m->state_bytes);
    return 0;
}

static int arpa_logits(const llr_model *m, const void *state, int t,
                       double *out, llr_error *e)
{
    const llr_arpa_tables *a = impl(m);
    int32_t s[LLR_ARPA_MAX_ORDER];
    memcpy(s, state, m->state_bytes);
    int k = s[0];
    if (llr_arpa_check_context(k, a->N))
        return llr_fail(e, LLR_EINPUT,
                        "arpa: corrupt state (context length %d)", k);
    /* key = c_1..c_k z: the suffix starting at j is key + j. */
    int32_t key[LLR_ARPA_MAX_ORDER];
    memcpy(key, s + 1, (size_t)k * sizeof *key);
    /* For the context c_{j+1..k} (0 <= j < k, of n = k - j words): H[j] its
     * hash, P[j] its entry of order n (-1 if not listed; its word for
     * n = 1), cum[j] the sum of the back-off weights of the longer contexts
     * (those passed through to reach it). */
    uint64_t H[LLR_ARPA_MAX_ORDER];
    long P[LLR_ARPA_MAX_ORDER];
    double cum[LLR_ARPA_MAX_ORDER + 1];
    cum[0] = 0;
    for (int j = 0; j < k; j++) {
        int n = k - j;
        H[j] = llr_arpa_hash_ids(key + j, n);
        double bo = 0;
        if (n == 1) {
            P[j] = key[j];
            bo = a->ubo[key[j]];
        } else {
            P[j] = llr_arpa_find_ngram(&a->lev[n], n, key + j, H[j]);
            if (P[j] >= 0)
                bo = a->lev[n].bo[P[j]];
        }
        cum[j + 1] = cum[j] + bo;
    }
    /* From the shortest context to the longest, so that the longest listed
     * n-gram (c_{j+1..k}, z) sets z's value: its log10prob plus cum[j]. */
    for (int z = 0; z < m->V; z++)
        out[z] = a->uprob[a->sigma[z]] + cum[k];
    for (int j = k - 1; j >= 0; j--) {
        int n = k - j + 1;
        const llr_arpa_level *L = &a->lev[n];
        if (L->count == 0)
            continue;
        if (!L->orphans) {
            if (P[j] < 0)
                continue;
            for (uint32_t r = L->first[P[j]]; r < L->first[P[j] + 1]; r++) {
                uint32_t i = L->kids[r];
                int z = a->tok[L->ids[(size_t)i * (size_t)n + (size_t)n - 1]];
                if (z >= 0)
                    out[z] = L->prob[i] + cum[j];
            }
            continue;
        }
        for (int z = 0; z < m->V; z++) {
            key[k] = a->sigma[z];
            long i = llr_arpa_find_ngram(L, n, key + j, llr_arpa_hash_id(H[j], key[k]));
            if (i >= 0)
                out[z] = L->prob[i] + cum[j];
        }
    }
    for (int z = 0; z < m->V; z++)
        out[z] *= LN10;
    llr_centre(out, m->V, out);
    return llr_check_finite_logits(out, m->V, t, e);
}

static int arpa_save(const llr_model *m, const char *path, llr_error *e)
{
    (void)m;
    return llr_fail(e, LLR_EUSAGE,
                    "%s: ARPA models are read-only; use llr gen table "
                       "--from", path);
}

static void arpa_destroy(llr_model *m)
{
    llr_arpa_tables_free(m->impl);
    free(m);
}

static const llr_model_ops arpa_ops = {
    "arpa", arpa_root, arpa_step, arpa_logits, arpa_save, arpa_destroy,
    llr_model_sample_direct, NULL, NULL,
    NULL,
};

const char *llr_arpa_word(const llr_model *m, int z)
{
    if (!m || m->ops != &arpa_ops || z < 0 || z >= m->V)
        return NULL;
    const llr_arpa_tables *a = impl(m);
    return a->pool + a->woff[a->sigma[z]];
}

int llr_arpa_order(const llr_model *m)
{
    return m && m->ops == &arpa_ops ? impl(m)->N : 0;
}


static int check_horizon(const char *name, int T, llr_error *e)
{
    if (T < 1 || T > LLR_MAX_HORIZON)
        return llr_fail(e, LLR_EINPUT,
                        "%s: horizon %d is outside [1, %d]", name, T,
                        LLR_MAX_HORIZON);
    return 0;
}

static int wrap(llr_arpa_tables *a, int T, llr_model **out, llr_error *e,
                const char *name)
{
    llr_model *m = calloc(1, sizeof *m);
    if (!m) {
        llr_arpa_tables_free(a);
        return llr_fail(e, LLR_ENOMEM, "%s: out of memory", name);
    }
    *m = (llr_model){&arpa_ops, a->V, T, 0, (size_t)a->N * sizeof(int32_t),
                     a, NULL, 0};
    *out = m;
    return 0;
}

int llr_arpa_parse(const char *bytes, size_t size, const char *name, int T,
                   llr_model **out, llr_error *e)
{
    llr_arpa_tables *a;
    *out = NULL;
    if (check_horizon(name, T, e) ||
        llr_arpa_tables_parse(bytes, size, name, &a, e))
        return -1;
    return wrap(a, T, out, e, name);
}

int llr_arpa_load(const char *path, int T, llr_model **out, llr_error *e)
{
    llr_arpa_tables *a;
    *out = NULL;
    if (check_horizon(path, T, e) || llr_arpa_tables_read(path, &a, e))
        return -1;
    return wrap(a, T, out, e, path);
}
