/* learn/gls.c - the epoch loop of GLS2 Algorithm 1 (docs/mathematics.md §3,
 * docs/learner.md).
 *
 * 1. Basis: per cut s >= 1, the rows on F~_s of the pooled histories
 *    (prefixes of spanner_n teacher samples, plus histories that
 *    validation found unspanned); a 2-barycentric spanner of them.
 * 2. Validate: every kept teacher sample y is screened with the teacher's
 *    log-probabilities that came with it (no logit query): at each prefix
 *    y_{1:t} the reconstruction LP's log-probability of y_t against the
 *    teacher's. On an infeasible LP or an error > g, the logits at that
 *    prefix are queried and the smallest cut s whose coefficients fail on
 *    f = y_{s+1:t} located (witness.c); f joins F^_s (or, when f is
 *    already there, the history y_{1:s} joins cut s's pool); rebuild; next
 *    epoch, every kept sample screened again.
 * 3. Certify: once every kept sample passes, the samples drawn after the
 *    last change (fresh for the current representation) give the
 *    certificate of certify.h; the k-th certificate of a run is computed
 *    at confidence 1 - delta / (k (k + 1)), so that all of them hold at
 *    once with probability >= 1 - delta. Done when it certifies TV <= eps;
 *    otherwise more fresh samples are drawn (spec/learner.md rules 7, 8).
 */
#include "learn/gls.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "learn/denoise.h"
#include "learn/gls_trace.h"
#include "learn/reconstruct.h"
#include "learn/spanner.h"
#include "learn/witness.h"

typedef struct run {
    llr_oracle *o;
    const llr_gls_params *p;
    llr_gls *g;
    llr_strings *pool;   /* per cut: candidate basis histories */
    llr_gls_stats *st;
    llr_trace *tr;       /* the oracle's trace sink (NULL: none) */
    int epoch;           /* the current epoch, for the trace */
    llr_error *e;
} run;

/* The row of history h (length s) on F~_s: V values per future. */
int llr_gls_row(llr_oracle *o, const llr_gls *g, int s, const int *h,
                double *row, llr_error *e)
{
    int V = g->V, T = g->T;
    int *tok = malloc((size_t)T * sizeof *tok);
    if (!tok)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    if (s)
        memcpy(tok, h, (size_t)s * sizeof *tok);
    const llr_strings *F = &g->cut[s].fhat;
    int col = 0, rc = 0;
    for (int j = 0; rc == 0 && j < F->count; j++, col++) {
        int len = llr_strings_len(F, j);
        memcpy(tok + s, llr_strings_at(F, j), (size_t)len * sizeof *tok);
        rc = llr_oracle_query(o, tok, s + len, row + (size_t)col * V, e);
    }
    if (s + 1 < T) {
        const llr_strings *G = &g->cut[s + 1].fhat;
        for (int a = 0; rc == 0 && a < V; a++)
            for (int j = 0; rc == 0 && j < G->count; j++, col++) {
                int len = llr_strings_len(G, j);
                tok[s] = a;
                memcpy(tok + s + 1, llr_strings_at(G, j),
                       (size_t)len * sizeof *tok);
                rc = llr_oracle_query(o, tok, s + 1 + len,
                                      row + (size_t)col * V, e);
            }
    }
    free(tok);
    return rc;
}

/* Number of columns (futures) of F~_s. */
static int ext_count(const llr_gls *g, int s)
{
    return g->cut[s].fhat.count +
           (s + 1 < g->T ? g->V * g->cut[s + 1].fhat.count : 0);
}

/* Ask a teacher that batches (behind a process) for every prefix of the n
 * rows below at once (llr_oracle_prefetch: no change to answers or
 * counts): the queries llr_gls_row makes, in its order. */
static int prefetch_rows(llr_oracle *o, const llr_gls *g, int s,
                         const llr_strings *P, int n, llr_error *e)
{
    if (!llr_model_batch(llr_oracle_model(o)))
        return 0;
    int cols = ext_count(g, s), V = g->V;
    size_t cnt = (size_t)n * cols;
    int *off = malloc((cnt + 1) * sizeof *off);
    int *tok = malloc((cnt * g->T + 1) * sizeof *tok);
    if (!off || !tok) {
        free(off), free(tok);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    const llr_strings *F = &g->cut[s].fhat;
    const llr_strings *G = s + 1 < g->T ? &g->cut[s + 1].fhat : NULL;
    size_t k = 0;
    off[0] = 0;
    for (int i = 0; i < n; i++) {
        const int *h = s ? llr_strings_at(P, i) : NULL;
        for (int j = 0; j < F->count; j++, k++) {
            int len = llr_strings_len(F, j), *d = tok + off[k];
            if (s)
                memcpy(d, h, (size_t)s * sizeof *d);
            memcpy(d + s, llr_strings_at(F, j), (size_t)len * sizeof *d);
            off[k + 1] = off[k] + s + len;
        }
        for (int a = 0; G && a < V; a++)
            for (int j = 0; j < G->count; j++, k++) {
                int len = llr_strings_len(G, j), *d = tok + off[k];
                if (s)
                    memcpy(d, h, (size_t)s * sizeof *d);
                d[s] = a;
                memcpy(d + s + 1, llr_strings_at(G, j),
                       (size_t)len * sizeof *d);
                off[k + 1] = off[k] + s + 1 + len;
            }
    }
    int rc = llr_oracle_prefetch(o, tok, off, (int)k, e);
    free(off), free(tok);
    return rc;
}

/* Step 1 for cut s: choose the basis and store its rows. */
static int build_cut(run *R, int s)
{
    llr_gls *g = R->g;
    llr_gls_cut *c = &g->cut[s];
    int V = g->V, nf = c->fhat.count;
    int nn = s + 1 < g->T ? g->cut[s + 1].fhat.count : 0;
    int m = ext_count(g, s) * V;
    const llr_strings *P = &R->pool[s];
    int n = s == 0 ? 1 : P->count;
    double *X = malloc((size_t)n * m * sizeof *X);
    int *idx = malloc((size_t)(g->d > 1 ? g->d : 1) * sizeof *idx);
    if (!X || !idx) {
        free(X), free(idx);
        return llr_fail(R->e, LLR_ENOMEM, "out of memory");
    }
    int rc = prefetch_rows(R->o, g, s, P, n, R->e);
    for (int i = 0; rc == 0 && i < n; i++)
        rc = llr_gls_row(R->o, g, s, s ? llr_strings_at(P, i) : NULL,
                         X + (size_t)i * m, R->e);
    llr_spanner_result sr = {0};
    if (rc == 0 && s == 0) {
        sr.k = 1;
        idx[0] = 0;
    } else if (rc == 0) {
        const llr_oracle_opts *oo = llr_oracle_options(R->o);
        llr_spanner_opts so = {g->d, g->box, R->p->rank_tol,
                               2 * (oo->xi + oo->quantum) * sqrt(m), 0,
                               R->tr};
        rc = llr_spanner(X, n, m, &so, idx, &sr, R->e);
        /* An empty basis (every row zero) has no coefficients to check. */
        R->st->spanner_solves += rc != 0 || sr.k > 0;
        R->st->spanner_checked += rc == 0 && sr.certified;
    }
    /* The denoised rows (denoise.h): at s = 0 the one row is its own
     * projection. */
    double *dn = NULL;
    if (rc == 0) {
        dn = malloc(((size_t)sr.k * m + 1) * sizeof *dn);
        if (!dn)
            rc = llr_fail(R->e, LLR_ENOMEM, "out of memory");
        else if (s == 0)
            memcpy(dn, X, (size_t)m * sizeof *dn);
        else
            rc = llr_denoise_rows(X, n, m, g->d, idx, sr.k, dn, R->e);
    }
    if (rc == 0) {
        free(c->basis), free(c->rhat), free(c->rext);
        free(c->rhat_dn), free(c->rext_dn);
        c->rhat_dn = malloc(((size_t)sr.k * nf * V + 1) * sizeof *c->rhat);
        c->rext_dn = nn ? malloc(((size_t)sr.k * V * nn * V + 1) *
                                 sizeof *c->rext)
                        : NULL;
        c->k = sr.k;
        c->basis = malloc(((size_t)sr.k * s + 1) * sizeof *c->basis);
        c->rhat = malloc(((size_t)sr.k * nf * V + 1) * sizeof *c->rhat);
        c->rext = nn ? malloc(((size_t)sr.k * V * nn * V + 1) *
                              sizeof *c->rext)
                     : NULL;
        if (!c->basis || !c->rhat || (nn && !c->rext) || !c->rhat_dn ||
            (nn && !c->rext_dn))
            rc = llr_fail(R->e, LLR_ENOMEM, "out of memory");
        for (int i = 0; rc == 0 && i < sr.k; i++) {
            const double *x = X + (size_t)idx[i] * m;
            if (s)
                memcpy(c->basis + (size_t)i * s, llr_strings_at(P, idx[i]),
                       (size_t)s * sizeof *c->basis);
            memcpy(c->rhat + (size_t)i * nf * V, x,
                   (size_t)nf * V * sizeof *x);
            if (nn)
                memcpy(c->rext + (size_t)i * V * nn * V, x + (size_t)nf * V,
                       (size_t)V * nn * V * sizeof *x);
            const double *p = dn + (size_t)i * m;
            memcpy(c->rhat_dn + (size_t)i * nf * V, p,
                   (size_t)nf * V * sizeof *p);
            if (nn)
                memcpy(c->rext_dn + (size_t)i * V * nn * V,
                       p + (size_t)nf * V, (size_t)V * nn * V * sizeof *p);
        }
    }
    if (rc == 0)
        llr_gls_trace_basis(R->tr, R->epoch, s, n, nf, m, c, idx, &sr);
    free(X), free(idx), free(dn);
    return rc;
}

static int build_all(run *R)
{
    for (int s = R->g->T - 1; s >= 0; s--)
        if (build_cut(R, s))
            return llr_fail_prefix(R->e, "basis at cut %d", s);
    return llr_gls_prepare(R->g, R->e);
}

/* Append the prefixes of one teacher sample to every cut's pool. */
static int pool_sample(run *R, const int *y)
{
    for (int s = 1; s < R->g->T; s++)
        if (llr_strings_find(&R->pool[s], y, s) < 0 &&
            llr_strings_push(&R->pool[s], y, s, R->e))
            return -1;
    return 0;
}

/* The kept validation samples: tokens, the teacher's log-probabilities
 * (T per sample) and W under the current representation. */
typedef struct kept {
    llr_strings y;
    double *logp, *w;
    size_t cap;
} kept;

/* Draw n fresh validation samples from the teacher (stream gv). */
static int draw_round(run *R, llr_prng *gv, kept *K, int n, int *y)
{
    int T = R->g->T;
    if (llr_oracle_prefetch_samples(R->o, gv, n, R->e))
        return -1;
    for (int i = 0; i < n; i++) {
        if ((size_t)K->y.count + 1 > K->cap) {
            size_t cap = K->cap ? 2 * K->cap : 256;
            double *lp = realloc(K->logp, cap * T * sizeof *lp);
            if (lp)
                K->logp = lp;
            double *w = realloc(K->w, cap * sizeof *w);
            if (w)
                K->w = w;
            if (!lp || !w)
                return llr_fail(R->e, LLR_ENOMEM, "out of memory");
            K->cap = cap;
        }
        double *lp = K->logp + (size_t)K->y.count * T;
        if (llr_oracle_sample(R->o, gv, y, lp, R->e))
            return -1;
        llr_gls_trace_sample(R->tr, "validation", K->y.count, y, lp, T);
        if (llr_strings_push(&K->y, y, T, R->e))
            return -1;
    }
    return 0;
}

/* The size of a new round for test number `test` (1, 2, ...) when `fresh`
 * fresh samples are kept already: with none, valid_n scaled to the test's
 * confidence (ln(2/delta_k) / ln(2/delta_1), delta_k = delta / (k (k+1)));
 * otherwise enough to reach that size, and at least to double the fresh
 * samples. */
static int round_size(const llr_gls_params *p, int test, int fresh)
{
    double dk = p->delta / ((double)test * (test + 1));
    double r = ceil(p->valid_n * log(2 / dk) / log(4 / p->delta));
    if (r > 2e9)
        r = 2e9;
    int need = (int)r - fresh;
    return need > fresh ? need : fresh > 0 ? fresh : 1;
}

/* Change the representation as validation of sample ys asked (fix):
 * a witness future y_{s+1:t} joins F^_s, or the history y_{1:s} joins cut
 * s's spanner pool. */
static int apply_fix(run *R, const int *ys, int sample,
                     const llr_witness_fix *fix)
{
    llr_gls_cut *c = &R->g->cut[fix->cut];
    llr_strings *pool = &R->pool[fix->cut];
    if (fix->kind == LLR_FIX_WITNESS) {
        if (llr_strings_push(&c->fhat, ys + fix->cut, fix->t - fix->cut,
                             R->e))
            return -1;
        c->witnesses++;
        R->st->witnesses++;
        llr_gls_trace_witness(R->tr, R->epoch, sample, ys, fix,
                              c->fhat.count);
        return 0;
    }
    if (llr_strings_push(pool, ys, fix->cut, R->e))
        return -1;
    R->st->basis_additions++;
    llr_gls_trace_history(R->tr, R->epoch, sample, ys, fix->cut,
                          pool->count);
    return 0;
}

/* llr_validate blames a pooled history only when every prefix y_{1:u},
 * u <= t, is pooled: each was offered to the spanner of its cut, whose
 * certified basis spans it in the box, and the prediction still misses by
 * more than the gap, so no bases of d rows do better: the representation
 * cannot change, and the run stops ("no progress"). */
static int stuck(const run *R, const int *ys, const llr_witness_fix *fix)
{
    return fix->kind == LLR_FIX_BASIS &&
           llr_strings_find(&R->pool[fix->cut], ys, fix->cut) >= 0;
}

/* 1 when the failure in e is the distinct-query budget running out. */
static int query_budget_out(const llr_oracle *o, const llr_error *e)
{
    uint64_t b = llr_oracle_options(o)->budget;
    return e && e->code == LLR_EBUDGET && b && llr_oracle_counts(o).distinct >= b;
}

static double *dup_d(const double *p, size_t n, int *bad)
{
    if (!p)
        return NULL;
    double *q = malloc((n + 1) * sizeof *q);
    if (!q)
        *bad = 1;
    else
        memcpy(q, p, n * sizeof *q);
    return q;
}

/* A deep copy of g and the pools (the state before an epoch's change, to
 * return to when the change's queries run out of budget). */
static int snapshot(const llr_gls *g, const llr_strings *pool, llr_gls *c,
                     llr_strings *cpool, llr_error *e)
{
    int T = g->T, V = g->V, bad = 0;
    *c = *g;
    c->cut = calloc((size_t)T, sizeof *c->cut);
    c->separated = malloc(((size_t)T + 1) * sizeof *c->separated);
    if (!c->cut || !c->separated) {
        free(c->cut), free(c->separated);
        c->cut = NULL, c->separated = NULL;
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    memcpy(c->separated, g->separated, (size_t)T * sizeof *c->separated);
    for (int s = 0; s < T; s++) {
        const llr_gls_cut *a = &g->cut[s];
        llr_gls_cut *b = &c->cut[s];
        size_t k = (size_t)a->k, nf = (size_t)a->fhat.count;
        size_t nn = s + 1 < T ? (size_t)g->cut[s + 1].fhat.count : 0;
        b->k = a->k;
        b->witnesses = a->witnesses;
        b->basis = malloc((k * s + 1) * sizeof *b->basis);
        if (!b->basis)
            bad = 1;
        else if (s)
            memcpy(b->basis, a->basis, k * s * sizeof *b->basis);
        b->rhat = dup_d(a->rhat, k * nf * V, &bad);
        b->rext = dup_d(a->rext, k * V * nn * V, &bad);
        b->rhat_dn = dup_d(a->rhat_dn, k * nf * V, &bad);
        b->rext_dn = dup_d(a->rext_dn, k * V * nn * V, &bad);
        b->bound = dup_d(a->bound, (size_t)V + 1, &bad);
        if (bad || llr_strings_copy(&a->fhat, &b->fhat, e) ||
            llr_strings_copy(&pool[s], &cpool[s], e)) {
            llr_gls_free(c);
            for (int q = 0; q <= s; q++)
                llr_strings_free(&cpool[q]);
            return bad ? llr_fail(e, LLR_ENOMEM, "out of memory") : -1;
        }
    }
    return 0;
}

/* Stuck but with budget left: spanner_n more teacher samples from the
 * spanner stream gs, their prefixes into the pools (*added: how many were
 * new). */
static int grow_pools(run *R, llr_prng *gs, int *y, double *ylp, int *added)
{
    int before = 0, after = 0, futs = 0;
    for (int s = 1; s < R->g->T; s++)
        before += R->pool[s].count;
    if (llr_oracle_prefetch_samples(R->o, gs, R->p->spanner_n, R->e))
        return -1;
    char *grown = calloc((size_t)R->g->T, 1); /* a future added at cut s */
    if (!grown)
        return llr_fail(R->e, LLR_ENOMEM, "out of memory");
    for (int i = 0; i < R->p->spanner_n; i++) {
        if (llr_oracle_sample(R->o, gs, y, ylp, R->e)) {
            free(grown);
            return -1;
        }
        llr_gls_trace_sample(R->tr, "spanner", i, y, ylp, R->g->T);
        if (pool_sample(R, y)) {
            free(grown);
            return -1;
        }
        /* And one future per cut and growth, until a cut has 2d + 4 (the
         * spectral baseline's count): y_{s+1:s+l} of the first sample i
         * whose one is new, l = 1 + i mod (T-1-s). More futures give the
         * least squares more equations to average the misspecification
         * over. */
        for (int s = 0; s + 1 < R->g->T; s++) {
            llr_strings *F = &R->g->cut[s].fhat;
            int l = 1 + i % (R->g->T - 1 - s);
            if (F->count < 2 * R->p->d + 4 && !grown[s] &&
                llr_strings_find(F, y + s, l) < 0) {
                grown[s] = 1;
                if (llr_strings_push(F, y + s, l, R->e)) {
                    free(grown);
                    return -1;
                }
                R->st->pool_futures++;
                after++, futs++;
            }
        }
    }
    free(grown);
    for (int s = 1; s < R->g->T; s++)
        after += R->pool[s].count;
    *added = after - before; /* new histories and new futures */
    R->st->basis_additions += after - before - futs;
    return 0;
}

/* End the run without its target: reason and its one line. */
static void stop(llr_gls_stats *st, const char *why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void stop(llr_gls_stats *st, const char *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    st->stop = why;
    vsnprintf(st->stop_detail, sizeof st->stop_detail, fmt, ap);
    va_end(ap);
}

/* The run stopped without certifying its target on a representation
 * validation found misspecified: read it by least squares over the
 * denoised rows (spec/learner.md rule 9). */
static int to_lsq(llr_gls *g, llr_error *e)
{
    for (int s = 0; s < g->T; s++) {
        llr_gls_cut *c = &g->cut[s];
        double *h = c->rhat, *x = c->rext;
        c->rhat = c->rhat_dn, c->rext = c->rext_dn;
        c->rhat_dn = h, c->rext_dn = x;
    }
    g->recon = LLR_RECON_LSQ;
    return llr_gls_prepare(g, e);
}

int llr_gls_learn(llr_oracle *o, const llr_gls_params *p, FILE *progress,
                  llr_model **out, llr_gls_stats *st, llr_error *e)
{
    *out = NULL;
    memset(st, 0, sizeof *st);
    int V = llr_oracle_model(o)->V, T = llr_oracle_model(o)->T;
    if (p->d < 1 || p->d > LLR_MAX_RANK)
        return llr_fail(e, LLR_EUSAGE,
                        "rank %d is outside [1, %d]", p->d, LLR_MAX_RANK);
    if (!(p->eps > 0 && p->eps < 1))
        return llr_fail(e, LLR_EUSAGE, "eps %g is outside (0, 1)", p->eps);
    if (!(p->delta > 0 && p->delta < 1))
        return llr_fail(e, LLR_EUSAGE, "delta %g is outside (0, 1)",
                        p->delta);
    if (p->valid_n < 1 || p->max_cert_n < p->valid_n)
        return llr_fail(e, LLR_EUSAGE,
                        "valid_n %d must be >= 1 and at most max_cert_n %d",
                        p->valid_n, p->max_cert_n);
    llr_gls g = {V, T, p->d, p->box, p->tau, NULL, NULL, LLR_RECON_LP};
    g.cut = calloc((size_t)T, sizeof *g.cut);
    llr_strings *pool = calloc((size_t)T, sizeof *pool);
    llr_strings *spool = calloc((size_t)T, sizeof *spool);
    double t0 = llr_clock_seconds();
    uint64_t budget0 = llr_oracle_options(o)->budget, reserve_n = 0;
    kept K = {0};
    int *y = malloc((size_t)T * sizeof *y);
    double *ylp = malloc((size_t)T * sizeof *ylp);
    llr_validation v = {.o = o, .g = &g, .pools = pool, .gap = p->gap};
    v.pred = malloc(3 * (size_t)V * sizeof *v.pred);
    v.lr.c = malloc((1 + (size_t)T * p->d) * sizeof *v.lr.c);
    run R = {o, p, &g, pool, st, llr_oracle_options(o)->trace, 1, e};
    int rc = -1;
    if (!g.cut || !pool || !spool || !y || !ylp || !v.pred || !v.lr.c) {
        llr_fail(e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    for (int s = 0; s < T; s++)
        if (llr_strings_push(&g.cut[s].fhat, NULL, 0, e))
            goto done;
    /* Two independent streams: spanner histories, validation samples. */
    llr_prng gs, gv;
    llr_prng_seed(&gs, llr_mix64(p->seed ^ 0x5350414e4e4552ULL));
    llr_prng_seed(&gv, llr_mix64(p->seed ^ 0x56414c4944ULL));
    llr_gls_trace_learn_begin(R.tr, V, T, p, llr_oracle_options(o));

    /* Step 1's pools: the prefixes of spanner_n teacher samples. */
    if (llr_oracle_prefetch_samples(o, &gs, p->spanner_n, e))
        goto done;
    for (int i = 0; i < p->spanner_n; i++) {
        if (llr_oracle_sample(o, &gs, y, ylp, e))
            goto done;
        llr_gls_trace_sample(R.tr, "spanner", i, y, ylp, T);
        if (pool_sample(&R, y))
            goto done;
    }
    llr_gls_trace_epoch_begin(R.tr, R.epoch, st, llr_oracle_counts(o));
    if (build_all(&R))
        goto done;
    st->epochs = 1;
    /* Teacher samples by logit queries: once the first basis stands, the
     * last certificate's samples (at most 2 valid_n, T-1 new prefixes
     * each) are kept out of the budget until then (spec/learner.md rule
     * 10); without room for them the run does not grow. */
    int can_grow = budget0 != 0;
    if (budget0 && !llr_oracle_samples_direct(o)) {
        uint64_t n2 = 2 * (uint64_t)p->valid_n;
        uint64_t r = n2 * (uint64_t)(T > 1 ? T - 1 : 1);
        if (budget0 > r && budget0 - r > llr_oracle_counts(o).distinct) {
            reserve_n = n2;
            llr_oracle_set_budget(o, budget0 - r);
        } else {
            can_grow = 0; /* no room for the reserve: stuck stops */
        }
    }
    st->best_cert = INFINITY;
    int round = 0;
    int checked = 0; /* samples validated under the current representation */
    int fresh0 = 0;  /* the first sample drawn after the last change */
    int certified_lp = 0; /* the run ends on its own certificate */
    for (;;) {
        /* Step 3: every kept sample passes; certify on the fresh ones. */
        if (checked == K.y.count) {
            int fresh = K.y.count - fresh0;
            if (round > 0)
                llr_gls_trace_round_end(R.tr, R.epoch, round, K.y.count,
                                        fresh);
            if (fresh > 0) {
                llr_mean_acc acc = {0};
                for (int i = fresh0; i < K.y.count; i++)
                    llr_mean_acc_add(&acc, K.w[i]);
                st->tests++;
                double dk = p->delta / ((double)st->tests * (st->tests + 1));
                llr_cert_from(&acc, dk, &st->cert);
                st->cert.delta = p->delta;
                st->target_met = st->cert.upper <= p->eps;
                if (st->cert.upper < st->best_cert)
                    st->best_cert = st->cert.upper;
                llr_gls_trace_certificate(R.tr, R.epoch, st->tests, fresh0,
                                          &st->cert, st->target_met);
                if (progress)
                    fprintf(progress, "certificate %d: TV <= %.4g from %d "
                                      "fresh samples (estimate %.3g)\n",
                            st->tests, st->cert.upper, fresh,
                            st->cert.estimate);
                if (st->target_met) {
                    certified_lp = 1;
                    break;
                }
                if (fresh >= p->max_cert_n) {
                    stop(st, "samples",
                         "the certificate stays above eps %g: TV <= %.4g "
                         "certified from %d fresh samples (the cap; "
                         "estimate %.3g)",
                         p->eps, st->cert.upper, fresh, st->cert.estimate);
                    certified_lp = 1;
                    break;
                }
            }
            int n = round_size(p, st->tests + 1, fresh);
            if (fresh + n > p->max_cert_n)
                n = p->max_cert_n - fresh;
            llr_gls_trace_round_begin(R.tr, R.epoch, ++round, K.y.count, n);
            if (draw_round(&R, &gv, &K, n, y)) {
                if (!query_budget_out(o, e))
                    goto done;
                stop(st, "budget", "%s (drawing validation samples)",
                     e->msg);
                break;
            }
        }
        /* Step 2: validate the next sample. */
        const int *ys = llr_strings_at(&K.y, checked);
        llr_witness_fix fix;
        llr_gls_trace_validate(R.tr, R.epoch, checked);
        if (llr_validate(&v, ys, K.logp + (size_t)checked * T, &fix,
                         &K.w[checked], e)) {
            if (!query_budget_out(o, e))
                goto done;
            stop(st, "budget", "%s (validating epoch %d)", e->msg,
                 st->epochs);
            break;
        }
        st->lp_solves += fix.lp_solves;
        st->lp_checked += fix.lp_certified;
        st->lp_duality += fix.lp_duality;
        st->lp_uncertified += fix.lp_uncertified;
        st->lp_tiebreaks += fix.lp_tiebreaks;
        st->max_residual = v.max_residual;
        if (fix.kind == LLR_FIX_NONE) {
            checked++;
            continue;
        }
        /* A failure: change the representation and start a new epoch
         * (step 1 again on the changed futures and pools), unless a
         * limit says stop (spec/learner.md rule 9). */
        /* Stuck: with a distinct-query budget, the spanner pools grow
         * (spanner_n more teacher samples: more rows to denoise with);
         * without one, the run stops. */
        int grow = stuck(&R, ys, &fix);
        if (grow && !can_grow) {
            stop(st, "no progress",
                 "a teacher sample is not reproduced within the gap %.3g "
                 "at length %d (log-probability error %.3g, logit error "
                 "%.3g) although each of its prefixes up to that length was "
                 "offered to the spanner of its cut: the teacher is not "
                 "within the gap of logit rank %d",
                 p->gap, fix.t, fix.lp_error, fix.error, p->d);
            break;
        }
        if (st->epochs + 1 > p->max_epochs) {
            stop(st, "epochs",
                 "validation still fails after the epoch cap of %d (%d "
                 "witnesses, %d basis additions)",
                 p->max_epochs, st->witnesses, st->basis_additions);
            break;
        }
        if (p->max_seconds > 0 && llr_clock_seconds() - t0 > p->max_seconds) {
            stop(st, "time", "the time limit of %g s ran out after %d epochs",
                 p->max_seconds, st->epochs);
            break;
        }
        llr_gls snap;
        llr_gls_stats st0 = *st; /* the counters, for a return to snap */
        if (snapshot(&g, pool, &snap, spool, e))
            goto done;
        int added = 0, frc = grow ? grow_pools(&R, &gs, y, ylp, &added)
                                  : apply_fix(&R, ys, checked, &fix);
        if (frc || (grow && added == 0)) {
            llr_gls_free(&g);
            g = snap;
            for (int s = 0; s < T; s++) {
                llr_strings_free(&pool[s]);
                pool[s] = spool[s];
                memset(&spool[s], 0, sizeof spool[s]);
            }
            if (frc && !query_budget_out(o, e))
                goto done;
            st->basis_additions = st0.basis_additions;
            st->pool_futures = st0.pool_futures;
            if (frc)
                stop(st, "budget", "%s (growing the spanner pools)",
                     e->msg);
            else
                stop(st, "no progress",
                     "the teacher is not within the gap %.3g of logit rank "
                     "%d, and %d more teacher samples added no history to "
                     "the spanner pools", p->gap, p->d, p->spanner_n);
            break;
        }
        llr_gls_trace_epoch_end(R.tr, R.epoch,
                                grow ? "pool"
                                : fix.kind == LLR_FIX_WITNESS ? "witness"
                                                              : "history",
                                checked, llr_oracle_counts(o));
        ++st->epochs;
        R.epoch = st->epochs;
        llr_gls_trace_epoch_begin(R.tr, R.epoch, st, llr_oracle_counts(o));
        int brc = build_all(&R);
        if (brc && query_budget_out(o, e)) {
            /* Back to the representation before this change. */
            llr_gls_free(&g);
            g = snap;
            for (int s = 0; s < T; s++) {
                llr_strings_free(&pool[s]);
                pool[s] = spool[s];
                memset(&spool[s], 0, sizeof spool[s]);
            }
            st->epochs--;
            st->witnesses = st0.witnesses;
            st->basis_additions = st0.basis_additions;
            st->pool_futures = st0.pool_futures;
            R.epoch = st->epochs;
            stop(st, "budget", "%s (building epoch %d)", e->msg,
                 st->epochs + 1);
            break;
        }
        llr_gls_free(&snap);
        for (int s = 0; s < T; s++)
            llr_strings_free(&spool[s]);
        if (brc)
            goto done;
        checked = 0;
        fresh0 = K.y.count;
        v.max_residual = 0;
        st->max_residual = 0;
        if (progress) {
            fprintf(progress, "epoch %d: %d witnesses, %d basis additions, "
                              "%llu distinct queries, %llu samples, ",
                    st->epochs, st->witnesses, st->basis_additions,
                    (unsigned long long)llr_oracle_counts(o).distinct,
                    (unsigned long long)llr_oracle_counts(o).samples);
            if (st->best_cert < INFINITY)
                fprintf(progress, "best certified TV %.4g\n",
                        st->best_cert);
            else
                fprintf(progress, "no certificate yet\n");
        }
    }
    llr_gls_trace_epoch_end(R.tr, R.epoch,
                            certified_lp && !st->stop ? "certified"
                                                      : "stopped",
                            checked, llr_oracle_counts(o));
    st->recon = LLR_RECON_LP;
    if (!certified_lp) {
        /* Misspecified (or out of budget before any certificate): the
         * denoised least-squares model, certified on fresh samples at the
         * next test's confidence. */
        if (to_lsq(&g, e))
            goto done;
        st->recon = LLR_RECON_LSQ;
    }
    int mrc = llr_gls_model(&g, out, e);
    g.cut = NULL; /* taken over (or freed) by llr_gls_model */
    g.separated = NULL;
    if (mrc)
        goto done;
    if (reserve_n && st->stop && !strcmp(st->stop, "budget")) {
        size_t l = strlen(st->stop_detail);
        snprintf(st->stop_detail + l, sizeof st->stop_detail - l,
                 " (the budget %llu less %llu queries kept for the teacher "
                 "samples of the last certificate)",
                 (unsigned long long)budget0,
                 (unsigned long long)(budget0 -
                                      llr_oracle_options(o)->budget));
    }
    llr_oracle_set_budget(o, budget0); /* the reserve, for the samples */
    if (!certified_lp) {
        int n = round_size(p, st->tests + 1, 0);
        if (n > p->max_cert_n)
            n = p->max_cert_n;
        if (reserve_n && (uint64_t)n > reserve_n)
            n = (int)reserve_n;
        st->tests++;
        double dk = p->delta / ((double)st->tests * (st->tests + 1));
        if (llr_certify(o, *out, (uint64_t)n, dk, p->seed, &st->cert, e)) {
            llr_fail_prefix(e, "certifying the returned model");
            goto done;
        }
        st->cert.delta = p->delta;
        st->target_met = st->cert.upper <= p->eps;
        if (st->cert.upper < st->best_cert)
            st->best_cert = st->cert.upper;
        llr_gls_trace_certificate(R.tr, R.epoch, st->tests, K.y.count, &st->cert,
                                  st->target_met);
        if (progress)
            fprintf(progress, "certificate %d (least squares, denoised): "
                              "TV <= %.4g from %d fresh samples (estimate "
                              "%.3g)\n",
                    st->tests, st->cert.upper, n, st->cert.estimate);
    }
    llr_gls_trace_learn_end(R.tr, llr_gls_of(*out), st, llr_oracle_counts(o));
    rc = 0;
done:
    llr_oracle_set_budget(o, budget0);
    llr_gls_free(&g);
    for (int s = 0; pool && s < T; s++)
        llr_strings_free(&pool[s]);
    free(pool), free(spool);
    if (rc && *out) {
        llr_model_free(*out);
        *out = NULL;
    }
    llr_strings_free(&K.y);
    free(K.logp), free(K.w);
    free(y), free(ylp), free(v.pred), free(v.lr.c);
    return rc;
}
