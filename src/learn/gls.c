/* learn/gls.c - the epoch loop of GLS2 Algorithm 1 (docs/mathematics.md §3,
 * docs/learner.md).
 *
 * 1. Basis: per cut s >= 1, the rows on F~_s of the pooled histories
 *    (prefixes of spanner_n samples of the teacher, plus histories that
 *    validation found unspanned); a 2-barycentric spanner of them.
 * 2. Validate: for every prefix y_{1:t} of the validation samples, the
 *    reconstruction LP's prediction against the teacher's l(y_{1:t}). On a
 *    gap > g, locate the smallest cut s whose coefficients fail on
 *    f = y_{s+1:t} (witness.c) and add f to F^_s (or, when f is already
 *    there, the history y_{1:s} to cut s's pool); rebuild; next epoch.
 * 3. Done when a round of valid_n fresh samples passes with no change.
 */
#include "learn/gls.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    int rc = 0;
    for (int i = 0; rc == 0 && i < n; i++)
        rc = llr_gls_row(R->o, g, s, s ? llr_strings_at(P, i) : NULL,
                         X + (size_t)i * m, R->e);
    llr_spanner_result sr = {0};
    if (rc == 0 && s == 0) {
        sr.k = 1;
        idx[0] = 0;
    } else if (rc == 0) {
        double floor = 2 * (llr_oracle_options(R->o)->xi + llr_oracle_options(R->o)->quantum) * sqrt(m);
        rc = llr_spanner_traced(X, n, m, g->d, g->box, R->p->rank_tol,
                                floor, 0, idx, &sr, R->tr, R->e);
        /* An empty basis (every row zero) has no coefficients to check. */
        R->st->spanner_solves += rc != 0 || sr.k > 0;
        R->st->spanner_checked += rc == 0 && sr.certified;
    }
    if (rc == 0) {
        free(c->basis), free(c->rhat), free(c->rext);
        c->k = sr.k;
        c->basis = malloc(((size_t)sr.k * s + 1) * sizeof *c->basis);
        c->rhat = malloc(((size_t)sr.k * nf * V + 1) * sizeof *c->rhat);
        c->rext = nn ? malloc(((size_t)sr.k * V * nn * V + 1) *
                              sizeof *c->rext)
                     : NULL;
        if (!c->basis || !c->rhat || (nn && !c->rext))
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
        }
    }
    if (rc == 0 && R->tr) {
        llr_trace_begin(R->tr, "basis");
        llr_trace_int(R->tr, "epoch", R->epoch);
        llr_trace_int(R->tr, "cut", s);
        llr_trace_int(R->tr, "pool", n);
        llr_trace_int(R->tr, "futures", nf);
        llr_trace_int(R->tr, "columns", m);
        llr_trace_int(R->tr, "k", sr.k);
        llr_trace_ints(R->tr, "chosen", idx, (size_t)sr.k);
        llr_trace_int_rows(R->tr, "histories", c->basis, (size_t)sr.k,
                           (size_t)s);
        llr_trace_int(R->tr, "swaps", sr.swaps);
        llr_trace_real(R->tr, "max_coef", sr.max_coef);
        llr_trace_real(R->tr, "max_resid", sr.max_resid);
        llr_trace_end(R->tr);
    }
    free(X), free(idx);
    return rc;
}

static void trace_sample(run *R, const char *stream, int index,
                         const int *y)
{
    llr_trace_begin(R->tr, "sample");
    llr_trace_str(R->tr, "stream", stream);
    llr_trace_int(R->tr, "index", index);
    llr_trace_ints(R->tr, "tokens", y, (size_t)R->g->T);
    llr_trace_end(R->tr);
}

static void trace_epoch_begin(run *R)
{
    llr_trace_begin(R->tr, "epoch_begin");
    llr_trace_int(R->tr, "epoch", R->epoch);
    llr_trace_int(R->tr, "witnesses", R->st->witnesses);
    llr_trace_int(R->tr, "basis_additions", R->st->basis_additions);
    llr_trace_int(R->tr, "distinct", (long long)llr_oracle_counts(R->o).distinct);
    llr_trace_end(R->tr);
}

static void trace_epoch_end(run *R, const char *outcome, int checked)
{
    llr_trace_begin(R->tr, "epoch_end");
    llr_trace_int(R->tr, "epoch", R->epoch);
    llr_trace_str(R->tr, "outcome", outcome);
    llr_trace_int(R->tr, "validated", checked);
    llr_trace_int(R->tr, "calls", (long long)llr_oracle_counts(R->o).calls);
    llr_trace_int(R->tr, "distinct", (long long)llr_oracle_counts(R->o).distinct);
    llr_trace_end(R->tr);
}

static void trace_begin(run *R)
{
    const llr_gls_params *p = R->p;
    const llr_oracle_opts *oo = llr_oracle_options(R->o);
    llr_trace *tr = R->tr;
    llr_trace_begin(tr, "learn_begin");
    llr_trace_str(tr, "method", "gls");
    llr_trace_int(tr, "V", R->g->V);
    llr_trace_int(tr, "T", R->g->T);
    llr_trace_int(tr, "rank", p->d);
    llr_trace_real(tr, "eps", p->eps);
    llr_trace_real(tr, "delta", p->delta);
    llr_trace_real(tr, "box", p->box);
    llr_trace_real(tr, "tau", p->tau);
    llr_trace_real(tr, "gap", p->gap);
    llr_trace_int(tr, "spanner_n", p->spanner_n);
    llr_trace_int(tr, "valid_n", p->valid_n);
    llr_trace_int(tr, "max_epochs", p->max_epochs);
    llr_trace_real(tr, "rank_tol", p->rank_tol);
    llr_trace_u64str(tr, "seed", p->seed);
    llr_trace_real(tr, "xi", oo->xi);
    llr_trace_u64str(tr, "noise_seed", oo->noise_seed);
    llr_trace_real(tr, "quantum", oo->quantum);
    llr_trace_u64str(tr, "budget", oo->budget);
    llr_trace_end(tr);
}

static void trace_end(run *R)
{
    llr_trace *tr = R->tr;
    const llr_gls *g = R->g;
    const llr_gls_stats *st = R->st;
    for (int s = 0; s < g->T; s++) {
        const llr_gls_cut *c = &g->cut[s];
        llr_trace_begin(tr, "cut");
        llr_trace_int(tr, "cut", s);
        llr_trace_int(tr, "k", c->k);
        llr_trace_int_rows(tr, "histories", c->basis, (size_t)c->k,
                           (size_t)s);
        llr_trace_int(tr, "witnesses", c->witnesses);
        llr_trace_bool(tr, "separated", g->separated ? g->separated[s] : 0);
        llr_trace_strings(tr, "futures", &c->fhat);
        llr_trace_end(tr);
    }
    llr_trace_begin(tr, "learn_end");
    llr_trace_str(tr, "status", "ok");
    llr_trace_int(tr, "epochs", st->epochs);
    llr_trace_int(tr, "witnesses", st->witnesses);
    llr_trace_int(tr, "basis_additions", st->basis_additions);
    llr_trace_int(tr, "lp_solves", st->lp_solves);
    llr_trace_int(tr, "spanner_solves", st->spanner_solves);
    llr_trace_real(tr, "max_residual", st->max_residual);
    llr_trace_int(tr, "calls", (long long)llr_oracle_counts(R->o).calls);
    llr_trace_int(tr, "distinct", (long long)llr_oracle_counts(R->o).distinct);
    llr_trace_int(tr, "tokens", (long long)llr_oracle_counts(R->o).tokens);
    llr_trace_end(tr);
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
    llr_gls g = {V, T, p->d, p->box, p->tau, NULL, NULL};
    g.cut = calloc((size_t)T, sizeof *g.cut);
    llr_strings *pool = calloc((size_t)T, sizeof *pool);
    llr_strings valid = {0};
    int *y = malloc((size_t)T * sizeof *y);
    double *pred = malloc(2 * (size_t)V * sizeof *pred);
    double *c = malloc((1 + (size_t)T * p->d) * sizeof *c);
    run R = {o, p, &g, pool, st, llr_oracle_options(o)->trace, 1, e};
    int rc = -1;
    if (!g.cut || !pool || !y || !pred || !c) {
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
    if (R.tr)
        trace_begin(&R);
    for (int i = 0; i < p->spanner_n; i++) {
        if (llr_oracle_sample(o, &gs, y, e))
            goto done;
        if (R.tr)
            trace_sample(&R, "spanner", i, y);
        if (pool_sample(&R, y))
            goto done;
    }
    if (R.tr)
        trace_epoch_begin(&R);
    if (build_all(&R))
        goto done;
    st->epochs = 1;
    int round = 0;
    int checked = 0; /* samples validated under the current representation */
    int clean = 0;   /* the newest round was drawn after the last change */
    for (;;) {
        if (checked == valid.count) {
            if (R.tr && round > 0) {
                /* Every sample drawn so far passes. */
                llr_trace_begin(R.tr, "round_end");
                llr_trace_int(R.tr, "epoch", R.epoch);
                llr_trace_int(R.tr, "round", round);
                llr_trace_int(R.tr, "validated", valid.count);
                llr_trace_bool(R.tr, "final", clean);
                llr_trace_end(R.tr);
            }
            if (clean)
                break;
            if (R.tr) {
                llr_trace_begin(R.tr, "round_begin");
                llr_trace_int(R.tr, "epoch", R.epoch);
                llr_trace_int(R.tr, "round", ++round);
                llr_trace_int(R.tr, "first", valid.count);
                llr_trace_int(R.tr, "samples", p->valid_n);
                llr_trace_end(R.tr);
            }
            for (int i = 0; i < p->valid_n; i++) {
                if (llr_oracle_sample(o, &gv, y, e))
                    goto done;
                if (R.tr)
                    trace_sample(&R, "validation", valid.count, y);
                if (llr_strings_push(&valid, y, T, e))
                    goto done;
            }
            clean = 1;
        }
        const int *ys = llr_strings_at(&valid, checked);
        llr_witness_fix fix;
        llr_lp_result lr = {0};
        lr.c = c;
        if (R.tr) {
            llr_trace_begin(R.tr, "validate");
            llr_trace_int(R.tr, "epoch", R.epoch);
            llr_trace_int(R.tr, "sample", checked);
            llr_trace_end(R.tr);
        }
        if (llr_validate(o, &g, pool, ys, p->gap, pred, &lr, &fix,
                         &st->max_residual, e))
            goto done;
        st->lp_solves += fix.lp_solves;
        st->lp_checked += fix.lp_certified;
        st->lp_tiebreaks += fix.lp_tiebreaks;
        if (fix.kind == LLR_FIX_NONE) {
            checked++;
            continue;
        }
        /* A failure: change the representation and start a new epoch. */
        if (fix.kind == LLR_FIX_WITNESS) {
            if (llr_strings_push(&g.cut[fix.cut].fhat, ys + fix.cut,
                                 fix.t - fix.cut, e))
                goto done;
            g.cut[fix.cut].witnesses++;
            st->witnesses++;
            if (R.tr) {
                llr_trace_begin(R.tr, "witness");
                llr_trace_int(R.tr, "epoch", R.epoch);
                llr_trace_int(R.tr, "cut", fix.cut);
                llr_trace_int(R.tr, "sample", checked);
                llr_trace_ints(R.tr, "future", ys + fix.cut,
                               (size_t)(fix.t - fix.cut));
                llr_trace_int(R.tr, "futures", g.cut[fix.cut].fhat.count);
                llr_trace_end(R.tr);
            }
        } else {
            /* llr_validate blames a pooled history only when every prefix
             * y_{1:u}, u <= t, is pooled: each was offered to the spanner
             * of its cut, whose certified basis spans it in the box, and
             * the prediction still misses by more than the gap, so no
             * bases of d rows do better: the run cannot succeed. */
            if (llr_strings_find(&pool[fix.cut], ys, fix.cut) >= 0) {
                llr_fail(e, LLR_EINPUT,
                         "a teacher sample is not reproduced within the "
                            "gap %.3g at length %d (error %.3g) although "
                            "each of its prefixes up to that length was "
                            "offered to the spanner of its cut: the teacher "
                            "is not within the gap of logit rank %d; raise "
                            "--eps or --rank",
                         p->gap, fix.t, fix.error, p->d);
                goto done;
            }
            if (llr_strings_push(&pool[fix.cut], ys, fix.cut, e))
                goto done;
            st->basis_additions++;
            if (R.tr) {
                llr_trace_begin(R.tr, "history");
                llr_trace_int(R.tr, "epoch", R.epoch);
                llr_trace_int(R.tr, "cut", fix.cut);
                llr_trace_int(R.tr, "sample", checked);
                llr_trace_ints(R.tr, "history", ys, (size_t)fix.cut);
                llr_trace_int(R.tr, "pool", pool[fix.cut].count);
                llr_trace_end(R.tr);
            }
        }
        if (R.tr)
            trace_epoch_end(&R, fix.kind == LLR_FIX_WITNESS ? "witness"
                                                            : "history",
                            checked);
        if (++st->epochs > p->max_epochs) {
            llr_fail(e, LLR_EBUDGET,
                     "validation still fails after the epoch cap of %d "
                        "(%d witnesses, %d basis additions); the model may "
                        "not have logit rank %d, or the tolerances are too "
                        "tight for the oracle's noise",
                     p->max_epochs, st->witnesses, st->basis_additions, p->d);
            goto done;
        }
        R.epoch = st->epochs;
        if (R.tr)
            trace_epoch_begin(&R);
        if (build_all(&R))
            goto done;
        checked = 0;
        clean = 0;
        st->max_residual = 0;
        if (progress)
            fprintf(progress, "epoch %d: %d witnesses, %d basis additions, "
                              "%llu distinct queries\n",
                    st->epochs, st->witnesses, st->basis_additions,
                    (unsigned long long)llr_oracle_counts(o).distinct);
    }
    if (R.tr) {
        trace_epoch_end(&R, "passed", checked);
        trace_end(&R);
    }
    rc = llr_gls_model(&g, out, e);
    g.cut = NULL; /* taken over (or freed) by llr_gls_model */
    g.separated = NULL;
done:
    llr_gls_free(&g);
    for (int s = 0; pool && s < T; s++)
        llr_strings_free(&pool[s]);
    free(pool);
    llr_strings_free(&valid);
    free(y), free(pred), free(c);
    return rc;
}
