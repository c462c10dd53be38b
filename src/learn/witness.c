#include "learn/witness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/softmax.h"
#include "learn/certify.h"
#include "learn/gls_trace.h"

static double max_gap(const double *a, const double *b, int V)
{
    double m = 0;
    for (int z = 0; z < V; z++)
        m = fmax(m, fabs(a[z] - b[z]));
    return m;
}

/* The smallest failing cut for prefix y_{1:t} with LP coefficients c. */
static int locate(llr_oracle *o, const llr_gls *g, const int *y, int t,
                  const double *c, const double *truth, double gap,
                  int *cut, double *errs, int *nerrs, llr_error *e)
{
    int V = g->V;
    int *tok = malloc((size_t)g->T * sizeof *tok);
    double *v = malloc(2 * (size_t)V * sizeof *v), *q = v + V;
    if (!tok || !v) {
        free(tok), free(v);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    int off = 1, rc = 0;
    *cut = t;
    for (int s = 1; s <= t; s++) {
        const llr_gls_cut *cs = &g->cut[s];
        memset(v, 0, (size_t)V * sizeof *v);
        for (int i = 0; rc == 0 && i < cs->k; i++) {
            memcpy(tok, cs->basis + (size_t)i * s, (size_t)s * sizeof *tok);
            memcpy(tok + s, y + s, (size_t)(t - s) * sizeof *tok);
            rc = llr_oracle_query(o, tok, t, q, e);
            for (int z = 0; rc == 0 && z < V; z++)
                v[z] += c[off + i] * q[z];
        }
        if (rc)
            break;
        errs[(*nerrs)++] = max_gap(v, truth, V);
        if (errs[*nerrs - 1] > gap / 2) {
            *cut = s;
            break;
        }
        off += cs->k;
    }
    free(tok), free(v);
    return rc;
}

static int validate(llr_validation *v, const int *y, const double *logp,
                    llr_witness_fix *fix, double *w, llr_lp_warm *warm,
                    llr_error *e);

int llr_validate(llr_validation *v, const int *y, const double *logp,
                 llr_witness_fix *fix, double *w, llr_error *e)
{
    memset(fix, 0, sizeof *fix);
    /* Warm starts along the sample (g may change between calls). */
    llr_lp_warm *warm = llr_lp_warm_new(v->g->V, v->g->T, v->g->d);
    if (!warm)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    int rc = validate(v, y, logp, fix, w, warm, e);
    llr_lp_warm_free(warm);
    return rc;
}

static int validate(llr_validation *v, const int *y, const double *logp,
                    llr_witness_fix *fix, double *w, llr_lp_warm *warm,
                    llr_error *e)
{
    llr_oracle *o = v->o;
    const llr_gls *g = v->g;
    const llr_strings *pools = v->pools;
    double gap = v->gap, *pred = v->pred;
    llr_lp_result *lr = &v->lr;
    int V = g->V;
    llr_trace *tr = llr_oracle_options(o)->trace;
    double *lsm = pred + V, *truth = pred + 2 * V;
    double logp_sum = 0, logq_sum = 0;
    for (int t = 0; t < g->T; t++) {
        if (llr_reconstruct_warm(g, y, t, pred, lr, 0, warm, e))
            return -1;
        llr_log_softmax(pred, V, lsm);
        double q = lsm[y[t]], lperr = fabs(q - logp[t]);
        logp_sum += logp[t];
        logq_sum += q;
        if (t == 0)
            continue; /* no LP: the queried l(empty) itself */
        fix->lp_solves++;
        fix->lp_certified += lr->certified;
        fix->lp_duality += lr->duality;
        fix->lp_uncertified += lr->uncertified;
        fix->lp_tiebreaks += lr->tiebreak;
        if (lr->residual > v->max_residual)
            v->max_residual = lr->residual;
        llr_gls_trace_lp(tr, y, t, lr, q, logp[t]);
        if (lr->feasible && lperr <= gap)
            continue;
        /* The first failing prefix: its logits, queried. */
        if (llr_oracle_query(o, y, t, truth, e))
            return -1;
        double err = max_gap(pred, truth, V);
        const llr_strings *pool_t = &pools[t];
        fix->t = t;
        fix->lp_error = lperr;
        fix->error = err;
        if (!lr->feasible &&
            llr_strings_find(pool_t, y, t) < 0) {
            /* Every shorter prefix passed, so its LP was feasible: the
             * constraints added at length t (between c_{t-1} and c_t) are
             * the ones no coefficients meet. The basis of cut t does not
             * span y_{1:t}. (The coefficients of an infeasible Chebyshev LP
             * spread the residual over all levels and locate nothing.) */
            fix->cut = t;
            fix->kind = LLR_FIX_BASIS;
            llr_gls_trace_failure(tr, fix, 0, NULL, 0);
            return 0;
        }
        int s = t, nerrs = 0;
        double *errs = malloc((size_t)t * sizeof *errs);
        if (!errs)
            return llr_fail(e, LLR_ENOMEM, "out of memory");
        if (locate(o, g, y, t, lr->c, truth, gap, &s, errs, &nerrs, e)) {
            free(errs);
            return -1;
        }
        fix->cut = s;
        fix->kind = llr_strings_find(&g->cut[s].fhat, y + s, t - s) < 0
                        ? LLR_FIX_WITNESS
                        : LLR_FIX_BASIS;
        if (fix->kind == LLR_FIX_BASIS &&
            llr_strings_find(&pools[s], y, s) >= 0) {
            /* y_{1:s} was offered to cut s's spanner, so the certified basis
             * spans it with coefficients in the box: the LP did not put its
             * residual at level s for want of a basis row there but because
             * another level's constraints could not be met in the box (a
             * longer prefix whose coefficients leave the box, the LP trading
             * its residual across levels up to tau). The shortest prefix of
             * y_{1:t} not yet pooled joins its cut's pool; only when every
             * one is pooled does the run stop (gls.c). */
            for (int u = 1; u <= t; u++)
                if (llr_strings_find(&pools[u], y, u) < 0) {
                    fix->cut = u;
                    break;
                }
        }
        llr_gls_trace_failure(tr, fix, lr->feasible, errs, nerrs);
        free(errs);
        return 0;
    }
    *w = llr_tv_weight(logp_sum, logq_sum);
    return 0;
}
