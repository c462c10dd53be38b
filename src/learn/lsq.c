#include "learn/lsq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/certificate.h"
#include "kernels/linalg.h"

/* The residual system of prefix y (reconstruct.h), with every logit b
 * within the range too. */
typedef llr_residual_sys sys;

static int build(const llr_gls *g, const int *y, int t, sys *S,
                 llr_error *e)
{
    if (llr_residual_build(g, y, t, S, e))
        return -1;
    int m = S->m;
    for (int r = 0; r < m; r++)
        if (!(fabs(S->b[r]) <= LLR_LP_DATA_MAX))
            return llr_fail(e, LLR_EINPUT,
                            "least-squares reconstruction: a logit %.3g is "
                            "beyond the range 1e15", S->b[r]);
    return 0;
}

/* grad = A^T (A x - b); scale[j] = sum_i |A_ij| (|b_i| + sum_l |A_il x_l|),
 * a bound on the magnitude of the terms that make grad[j]. */
static void gradient(const sys *S, const double *x, double *grad,
                     double *scale)
{
    int m = S->m, n = S->n;
    memset(grad, 0, (size_t)n * sizeof *grad);
    if (scale)
        memset(scale, 0, (size_t)n * sizeof *scale);
    for (int i = 0; i < m; i++) {
        const double *Ar = S->A + (size_t)i * n;
        double r = -S->b[i], mag = fabs(S->b[i]);
        for (int j = 0; j < n; j++)
            r += Ar[j] * x[j], mag += fabs(Ar[j] * x[j]);
        for (int j = 0; j < n; j++) {
            grad[j] += Ar[j] * r;
            if (scale)
                scale[j] += fabs(Ar[j]) * mag;
        }
    }
}

/* The checker: x in the box and the optimality conditions. */
static int check(const sys *S, const double *x, double box, llr_error *e)
{
    int n = S->n;
    double tolb = 1e-9 * (1 + box);
    if (!llr_cert_box(x, n, box, tolb))
        return llr_fail(e, LLR_ECERT,
                        "least-squares certificate rejected: a coefficient "
                        "lies outside the box [-%g, %g]", box, box);
    double *g = malloc(2 * ((size_t)n + 1) * sizeof *g), *sc = g + n + 1;
    if (!g)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    gradient(S, x, g, sc);
    int rc = 0;
    for (int j = 0; rc == 0 && j < n; j++) {
        double tol = LLR_LSQ_TOL * (1 + sc[j]);
        int up = x[j] >= box - tolb, lo = x[j] <= -box + tolb;
        int ok = up ? g[j] <= tol : lo ? g[j] >= -tol : fabs(g[j]) <= tol;
        if (!ok)
            rc = llr_fail(e, LLR_ECERT,
                          "least-squares certificate rejected: gradient "
                          "%.3g at coefficient %d (%s) is not optimal",
                          g[j], j, up ? "at +box" : lo ? "at -box" : "free");
    }
    free(g);
    return rc;
}

/* The primal active-set method: minimise |A x - b|^2 over the box. */
static int solve(const sys *S, double box, double *x, llr_error *e)
{
    int m = S->m, n = S->n, rc = 0;
    size_t n1 = (size_t)n + 1;
    int *st = calloc(n1, sizeof *st); /* 0 free, -1/+1 at -box/+box */
    int *fr = malloc(n1 * sizeof *fr);
    double *Af = malloc(((size_t)m * n + 1) * sizeof *Af);
    double *bf = malloc(((size_t)m + 1) * sizeof *bf);
    double *z = malloc(n1 * sizeof *z), *zf = malloc(n1 * sizeof *zf);
    double *g = malloc(n1 * sizeof *g);
    if (!st || !fr || !Af || !bf || !z || !zf || !g) {
        rc = llr_fail(e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    memset(x, 0, (size_t)n * sizeof *x);
    for (int it = 0;; it++) {
        if (it > 20 * n + 100) {
            rc = llr_fail(e, LLR_ESOLVER,
                          "least-squares reconstruction: the active-set "
                          "method did not end in %d steps", it);
            goto done;
        }
        int nf = 0;
        for (int j = 0; j < n; j++)
            if (!st[j])
                fr[nf++] = j;
        for (int i = 0; i < m; i++) {
            const double *Ar = S->A + (size_t)i * n;
            bf[i] = S->b[i];
            for (int j = 0; j < n; j++)
                if (st[j])
                    bf[i] -= Ar[j] * x[j];
            for (int q = 0; q < nf; q++)
                Af[(size_t)i * nf + q] = Ar[fr[q]];
        }
        memcpy(z, x, (size_t)n * sizeof *z);
        if (nf > 0) {
            if (llr_lstsq(Af, m, nf, bf, 1, -1.0, zf, NULL, e)) {
                rc = -1;
                goto done;
            }
            for (int q = 0; q < nf; q++)
                z[fr[q]] = zf[q];
        }
        /* The longest step from x toward z that stays in the box. */
        double alpha = 1;
        int blk = -1;
        for (int q = 0; q < nf; q++) {
            int j = fr[q];
            if (fabs(z[j]) <= box)
                continue;
            double lim = z[j] > 0 ? box : -box;
            double a = (lim - x[j]) / (z[j] - x[j]);
            if (a < alpha)
                alpha = a, blk = j;
        }
        if (blk >= 0) {
            for (int q = 0; q < nf; q++) {
                int j = fr[q];
                x[j] += alpha * (z[j] - x[j]);
                if (x[j] > box)
                    x[j] = box;
                if (x[j] < -box)
                    x[j] = -box;
            }
            st[blk] = z[blk] > 0 ? 1 : -1;
            x[blk] = st[blk] * box;
            continue;
        }
        memcpy(x, z, (size_t)n * sizeof *x);
        /* Release the bound whose multiplier is most negative. */
        gradient(S, x, g, NULL);
        int worst = -1;
        double wv = 0;
        for (int j = 0; j < n; j++) {
            if (!st[j])
                continue;
            double lambda = st[j] > 0 ? -g[j] : g[j];
            if (lambda < wv)
                wv = lambda, worst = j;
        }
        if (worst < 0 || -wv <= 1e-12 * (1 + fabs(g[worst])))
            break;
        st[worst] = 0;
    }
done:
    free(st), free(fr), free(Af), free(bf), free(z), free(zf), free(g);
    return rc;
}

int llr_reconstruct_lsq(const llr_gls *g, const int *y, int t,
                        double *logits, llr_lp_result *res, int flags,
                        llr_error *e)
{
    int V = g->V;
    res->feasible = 1;
    res->c[0] = 1.0;
    res->nc = 1;
    res->objective = res->levels = res->coef_sum = 0;
    res->tiebreak = res->stages = res->certified = 0;
    res->residual = 0;
    if (t == 0) {
        memcpy(logits, g->cut[0].rhat, (size_t)V * sizeof *logits);
        return 0;
    }
    sys S;
    int rc = build(g, y, t, &S, e);
    double *x = res->c + 1;
    if (rc == 0 && !(g->box > 0 && g->box <= LLR_LP_DATA_MAX))
        rc = llr_fail(e, LLR_EINPUT,
                      "least-squares reconstruction: the box %g is not in "
                      "(0, 1e15]", g->box);
    if (rc == 0)
        rc = solve(&S, g->box, x, e);
    if (rc == 0 && (flags & LLR_LP_CORRUPT_FOR_TEST) && S.n > 0)
        x[S.n - 1] = g->box + 0.5;
    if (rc == 0)
        rc = check(&S, x, g->box, e);
    if (rc == 0) {
        double ss = 0, lev = 0, cur = 0, mx = 0;
        for (int i = 0; i < S.m; i++) {
            if (i > 0 && S.lev[i] != S.lev[i - 1])
                lev += cur, cur = 0;
            double r = -S.b[i];
            for (int j = 0; j < S.n; j++)
                r += S.A[(size_t)i * S.n + j] * x[j];
            ss += r * r;
            cur = fmax(cur, fabs(r));
            mx = fmax(mx, fabs(r));
        }
        res->residual = mx;
        res->objective = ss;
        res->levels = lev + cur;
        for (int j = 0; j < S.n; j++)
            res->coef_sum += fabs(x[j]);
        res->certified = 1;
        res->nc = 1 + S.n;
        const llr_gls_cut *ct = &g->cut[t];
        int nf = ct->fhat.count;
        memset(logits, 0, (size_t)V * sizeof *logits);
        for (int i = 0; i < ct->k; i++)
            for (int z = 0; z < V; z++)
                logits[z] += x[S.off[t] + i] *
                             ct->rhat[((size_t)i * nf + 0) * V + z];
    }
    llr_residual_free(&S);
    return rc;
}
