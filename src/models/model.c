#include "models/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/softmax.h"

int llr_model_check_dims(long long V, long long T, long long d, llr_error *e)
{
    if (V < 2 || V > LLR_MAX_VOCAB)
        return llr_fail(e, LLR_EINPUT,
                        "vocabulary size %lld is outside [2, %d]", V,
                        LLR_MAX_VOCAB);
    if (T < 1 || T > LLR_MAX_HORIZON)
        return llr_fail(e, LLR_EINPUT, "horizon %lld is outside [1, %d]", T,
                        LLR_MAX_HORIZON);
    if (d < 0 || d > LLR_MAX_RANK)
        return llr_fail(e, LLR_EINPUT,
                        "rank %lld is outside [1, %d]", d, LLR_MAX_RANK);
    return 0;
}

int llr_check_finite_logits(const double *l, int V, int t, llr_error *e)
{
    for (int z = 0; z < V; z++)
        if (!isfinite(l[z]))
            return llr_fail(e, LLR_EINPUT,
                            "logit of token %d at a prefix of length %d is "
                            "not finite (the model's values overflow)",
                            z, t);
    return 0;
}

int llr_prefix_state_root(const llr_model *m, void *state, llr_error *e)
{
    (void)e;
    memset(state, 0, m->state_bytes);
    return 0;
}

int llr_prefix_state_step(const llr_model *m, const void *state, int t,
                          int tok, void *next, llr_error *e)
{
    (void)e;
    if (next != state)
        memcpy(next, state, m->state_bytes);
    int *n = next;
    n[1 + t] = tok;
    n[0] = t + 1;
    return 0;
}

void *llr_model_states(const llr_model *m, int count)
{
    size_t sb = m->state_bytes ? m->state_bytes : 1;
    return calloc((size_t)count, sb);
}

void *llr_model_state_at(const llr_model *m, void *states, int i)
{
    return (unsigned char *)states + (size_t)i * m->state_bytes;
}

int llr_model_logits(const llr_model *m, const int *tok, int len, double *out,
                     llr_error *e)
{
    if (len < 0 || len >= m->T)
        return llr_fail(e, LLR_EUSAGE,
                        "prefix length %d is outside [0, %d] (horizon %d)",
                        len, m->T - 1, m->T);
    for (int i = 0; i < len; i++)
        if (tok[i] < 0 || tok[i] >= m->V)
            return llr_fail(e, LLR_EUSAGE,
                            "token %d at position %d is outside [0, %d]",
                            tok[i], i, m->V - 1);
    void *s = llr_model_states(m, 2);
    if (!s)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    void *cur = llr_model_state_at(m, s, 0), *nxt = llr_model_state_at(m, s, 1);
    int rc = m->ops->root(m, cur, e);
    for (int i = 0; rc == 0 && i < len; i++) {
        rc = m->ops->step(m, cur, i, tok[i], nxt, e);
        void *tmp = cur;
        cur = nxt;
        nxt = tmp;
    }
    if (rc == 0)
        rc = m->ops->logits(m, cur, len, out, e);
    free(s);
    return rc;
}

/* Walk seq[0..len-1] through m: when g is non-NULL each token is drawn
 * (llr_sample_token) and stored in seq, else it is read from seq; *lp (if
 * non-NULL) receives log m(seq[0..len-1]), and each[t] (if non-NULL) the
 * log-probability of token t given the ones before it. */
static int walk_sequence(const llr_model *m, int *seq, int len, llr_prng *g,
                         double *lp, double *each, llr_error *e)
{
    void *s = llr_model_states(m, 2);
    double *l = malloc(2 * (size_t)m->V * sizeof *l);
    if (!s || !l) {
        free(s), free(l);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    void *cur = llr_model_state_at(m, s, 0), *nxt = llr_model_state_at(m, s, 1);
    double acc = 0.0;
    int rc = m->ops->root(m, cur, e);
    for (int t = 0; rc == 0 && t < len; t++) {
        rc = m->ops->logits(m, cur, t, l, e);
        if (rc)
            break;
        if (g)
            seq[t] = llr_sample_token(l, m->V, g, l + m->V);
        if (lp || each) {
            llr_log_softmax(l, m->V, l + m->V);
            acc += l[m->V + seq[t]];
            if (each)
                each[t] = l[m->V + seq[t]];
        }
        if (t + 1 < len) {
            rc = m->ops->step(m, cur, t, seq[t], nxt, e);
            void *tmp = cur;
            cur = nxt;
            nxt = tmp;
        }
    }
    free(s);
    free(l);
    if (rc == 0 && lp)
        *lp = acc;
    return rc;
}

int llr_model_sample(const llr_model *m, llr_prng *g, int *seq, llr_error *e)
{
    return walk_sequence(m, seq, m->T, g, NULL, NULL, e);
}

int llr_model_sample_direct(const llr_model *m, llr_prng *g, int *seq,
                            double *logp, llr_error *e)
{
    return walk_sequence(m, seq, m->T, g, NULL, logp, e);
}

int llr_model_logprob(const llr_model *m, const int *seq, int len,
                      double *out, llr_error *e)
{
    if (len < 0 || len > m->T)
        return llr_fail(e, LLR_EINPUT,
                        "sequence length %d is outside [0, %d]", len, m->T);
    for (int i = 0; i < len; i++)
        if (seq[i] < 0 || seq[i] >= m->V)
            return llr_fail(e, LLR_EINPUT,
                            "token %d at position %d is outside [0, %d]",
                            seq[i], i, m->V - 1);
    /* seq is only read when no generator is given. */
    return walk_sequence(m, (int *)seq, len, NULL, out, NULL, e);
}

int llr_model_save(const llr_model *m, const char *path, llr_error *e)
{
    return m->ops->save(m, path, e);
}

void llr_model_free(llr_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < 2 * m->nmeta; i++)
        free(m->meta[i]);
    free(m->meta);
    m->meta = NULL;
    m->nmeta = 0;
    m->ops->destroy(m);
}

int llr_model_fork(const llr_model *m, const llr_model **use,
                   llr_model **owned, llr_error *e)
{
    *owned = NULL;
    *use = m;
    if (!m->ops->fork)
        return 0;
    if (m->ops->fork(m, owned, e)) {
        *use = NULL;
        return -1;
    }
    *use = *owned;
    return 0;
}

int llr_model_fork_none(const llr_model *m, llr_model **out, llr_error *e)
{
    (void)m, (void)e;
    *out = NULL;
    return 0;
}

int llr_model_batch(const llr_model *m)
{
    if (!m->ops->prefetch)
        return 0;
    size_t n = LLR_PREFETCH_BYTES / ((size_t)m->V * sizeof(double));
    return n < 1 ? 1 : n > LLR_PREFETCH_MAX ? LLR_PREFETCH_MAX : (int)n;
}

int llr_model_prefetch(const llr_model *m, const int *tok, const int *off,
                       int n, llr_error *e)
{
    if (!m->ops->prefetch || n <= 0)
        return 0;
    return m->ops->prefetch(m, tok, off, n, e);
}

int llr_model_prefetch_samples(const llr_model *m, const llr_prng *g,
                               long long n, llr_error *e)
{
    if (!m->ops->prefetch_samples || n <= 0)
        return 0;
    return m->ops->prefetch_samples(m, g, n, e);
}

int llr_model_prefetch_sample_prefixes(const llr_model *P,
                                       const llr_model *Q, const llr_prng *g,
                                       int nb, llr_error *e)
{
    int V = P->V, T = P->T, rc = -1;
    llr_prng *gs = malloc((size_t)nb * sizeof *gs);
    int *y = malloc((size_t)nb * T * sizeof *y);
    int *gtok = malloc(((size_t)nb * T + 1) * sizeof *gtok);
    int *off = malloc(((size_t)nb + 1) * sizeof *off);
    double *l = malloc(2 * (size_t)V * sizeof *l);
    void *st = llr_model_states(P, 2 * nb);
    if (!gs || !y || !gtok || !off || !l || !st) {
        llr_fail(e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    for (int b = 0; b < nb; b++) {
        gs[b] = b ? gs[b - 1] : *g;
        for (int t = 0; b && t < T; t++)
            (void)llr_prng_next(&gs[b]);
        if (P->ops->root(P, llr_model_state_at(P, st, b), e))
            goto done;
    }
    for (int t = 0; t < T; t++) {
        off[0] = 0;
        for (int b = 0; b < nb; b++) {
            memcpy(gtok + off[b], y + (size_t)b * T, (size_t)t * sizeof *y);
            off[b + 1] = off[b] + t;
        }
        if (llr_model_prefetch(P, gtok, off, nb, e) ||
            (Q && llr_model_prefetch(Q, gtok, off, nb, e)))
            goto done;
        for (int b = 0; b < nb; b++) {
            void *cur = llr_model_state_at(P, st, (t & 1) * nb + b);
            void *nxt = llr_model_state_at(P, st, (~t & 1) * nb + b);
            if (P->ops->logits(P, cur, t, l, e))
                goto done;
            int z = llr_sample_token(l, V, &gs[b], l + V);
            y[(size_t)b * T + t] = z;
            if (t + 1 < T && P->ops->step(P, cur, t, z, nxt, e))
                goto done;
        }
    }
    rc = 0;
done:
    free(gs), free(y), free(gtok), free(off), free(l), free(st);
    return rc;
}
