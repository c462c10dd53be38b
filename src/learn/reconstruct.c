#include "learn/reconstruct.h"

#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/certificate.h"


/* GLPK tolerances (glp_smcp defaults): primal feasibility 1e-7. */
#define GLPK_TOL_BND 1e-7

typedef struct lp_data {
    int m, n;      /* residual rows, coefficient variables (c_1..c_t) */
    double *A;     /* m x n */
    double *b;     /* m */
    int *off;      /* off[s] = first variable of c_s (s >= 1), 1-based */
} lp_data;

/* Build the dense residual system A x - b for prefix y of length t. */
static int build(const llr_gls *g, const int *y, int t, lp_data *L,
                 llr_error *e)
{
    int V = g->V;
    memset(L, 0, sizeof *L);
    L->off = calloc((size_t)t + 2, sizeof *L->off);
    if (!L->off)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    int n = 0, m = 0;
    for (int s = 1; s <= t; s++) {
        L->off[s] = n;
        n += g->cut[s].k;
        m += g->cut[s].fhat.count * V;
    }
    L->m = m, L->n = n;
    L->A = calloc((size_t)m * (n ? n : 1), sizeof *L->A);
    L->b = calloc((size_t)(m ? m : 1), sizeof *L->b);
    if (!L->A || !L->b)
        return llr_fail(e, LLR_ENOMEM,
                        "out of memory for an LP of %d rows", m);
    int row = 0;
    for (int s = 0; s < t; s++) {
        const llr_gls_cut *cs = &g->cut[s], *cn = &g->cut[s + 1];
        int nf = cn->fhat.count, a = y[s];
        for (int j = 0; j < nf; j++)
            for (int z = 0; z < V; z++, row++) {
                double *Ar = L->A + (size_t)row * n;
                for (int i = 0; i < cn->k; i++)
                    Ar[L->off[s + 1] + i] =
                        cn->rhat[((size_t)i * nf + j) * V + z];
                double ext_coef;
                for (int i = 0; i < cs->k; i++) {
                    ext_coef = cs->rext[(((size_t)i * V + a) * nf + j) * V + z];
                    if (s == 0)
                        L->b[row] += ext_coef; /* c_0 = e_1 */
                    else
                        Ar[L->off[s] + i] -= ext_coef;
                }
            }
    }
    for (size_t i = 0; i < (size_t)m * n; i++)
        if (!isfinite(L->A[i]))
            return llr_fail(e, LLR_EINPUT, "LP coefficient is not finite");
    return 0;
}

static void lp_free(lp_data *L)
{
    free(L->A), free(L->b), free(L->off);
}

/* True when the optimum is unique: every nonbasic column and every
 * nonbasic bounded row has a reduced cost of magnitude > 1e-9 (strict dual
 * nondegeneracy), so the optimal face is one point. */
static int unique_optimum(glp_prob *lp)
{
    for (int j = 1; j <= glp_get_num_cols(lp); j++)
        if (glp_get_col_stat(lp, j) != GLP_BS &&
            fabs(glp_get_col_dual(lp, j)) <= 1e-9)
            return 0;
    for (int i = 1; i <= glp_get_num_rows(lp); i++)
        if (glp_get_row_stat(lp, i) != GLP_BS &&
            glp_get_row_type(lp, i) != GLP_FR &&
            fabs(glp_get_row_dual(lp, i)) <= 1e-9)
            return 0;
    return 1;
}

/* Simplex iterations allowed per attempt. These LPs take tens; GLPK's
 * primal simplex was seen to cycle forever on an unscaled tie-break LP
 * (fuzz/corpus/lp/regression_tiebreak_cycles), so an attempt is cut off
 * here (deterministically: a count, not a time). */
#define LLR_LP_IT_LIM 20000

/* glp_simplex, and when it fails (GLPK gives up on a basis it finds
 * singular to working precision, or cycles until the iteration limit:
 * both seen on the tie-break LP, whose u columns have entries 1 beside
 * coefficients of 1e6), once more on the problem scaled by GLPK
 * (glp_scale_prob) from the standard basis. The retry only runs where the
 * first attempt failed, so every LP GLPK solves directly is solved as
 * before. */
static int simplex(glp_prob *lp, const glp_smcp *parm)
{
    int rc = glp_simplex(lp, parm);
    if (rc == 0 && glp_get_status(lp) == GLP_OPT)
        return 0;
    int out = glp_term_out(GLP_OFF); /* glp_scale_prob reports otherwise */
    glp_scale_prob(lp, GLP_SF_AUTO);
    glp_term_out(out);
    glp_std_basis(lp);
    rc = glp_simplex(lp, parm);
    return rc ? rc : glp_get_status(lp) == GLP_OPT ? 0 : -1;
}

/* Solve min r s.t. |A x - b| <= r, |x| <= box by GLPK's dual simplex; when
 * the coefficients are not determined (some cut's F^_s does not separate its
 * basis) and the optimum is not provably unique, the l1 tie-break. x
 * receives the solution (n values). */
static int solve(const lp_data *L, double box, int determined, double *x,
                 double *r_claim, int *tiebreak, llr_error *e)
{
    int m = L->m, n = L->n;
    glp_prob *lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MIN);
    /* Columns: 1 = r, 2..n+1 = x. */
    glp_add_cols(lp, 1 + n);
    glp_set_col_bnds(lp, 1, GLP_LO, 0.0, 0.0);
    glp_set_obj_coef(lp, 1, 1.0);
    for (int j = 0; j < n; j++)
        glp_set_col_bnds(lp, 2 + j, GLP_DB, -box, box);
    /* Rows: 2 per residual. */
    glp_add_rows(lp, m ? 2 * m : 1);
    size_t cap = (size_t)2 * m * (n + 1) + 1;
    int *ia = malloc((cap + 1) * sizeof *ia), *ja = malloc((cap + 1) * sizeof *ja);
    double *ar = malloc((cap + 1) * sizeof *ar);
    if (!ia || !ja || !ar) {
        free(ia), free(ja), free(ar);
        glp_delete_prob(lp);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    int ne = 0;
    for (int i = 0; i < m; i++)
        for (int sgn = 0; sgn < 2; sgn++) {
            int row = 2 * i + sgn + 1;
            /* sgn 0: A x - r <= b;  sgn 1: A x + r >= b. */
            glp_set_row_bnds(lp, row, sgn ? GLP_LO : GLP_UP, L->b[i], L->b[i]);
            ne++, ia[ne] = row, ja[ne] = 1, ar[ne] = sgn ? 1.0 : -1.0;
            for (int j = 0; j < n; j++) {
                double v = L->A[(size_t)i * n + j];
                if (v != 0.0)
                    ne++, ia[ne] = row, ja[ne] = 2 + j, ar[ne] = v;
            }
        }
    glp_load_matrix(lp, ne, ia, ja, ar);
    free(ia), free(ja), free(ar);
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.meth = GLP_DUALP;
    parm.it_lim = LLR_LP_IT_LIM;
    int rc = simplex(lp, &parm);
    if (rc != 0) {
        int st = glp_get_status(lp);
        glp_delete_prob(lp);
        return llr_fail(e, LLR_ESOLVER,
                        "GLPK simplex failed on the reconstruction LP "
                           "(code %d, status %d)", rc, st);
    }
    *tiebreak = 0;
    if (n > 0 && !determined && !unique_optimum(lp)) {
        /* Tie-break: r held at its optimum (1 + 1e-9 relative slack),
         * minimise sum u with u_j >= |x_j|. */
        *tiebreak = 1;
        double rstar = fmax(glp_get_col_prim(lp, 1), 0.0);
        glp_set_col_bnds(lp, 1, GLP_DB, 0.0, rstar * (1 + 1e-9) + 1e-15);
        glp_set_obj_coef(lp, 1, 0.0);
        int c0 = glp_add_cols(lp, n), r0 = glp_add_rows(lp, 2 * n);
        for (int j = 0; j < n; j++) {
            int cols[3] = {0, c0 + j, 2 + j};
            double v1[3] = {0, 1.0, -1.0}, v2[3] = {0, 1.0, 1.0};
            glp_set_col_bnds(lp, c0 + j, GLP_LO, 0.0, 0.0);
            glp_set_obj_coef(lp, c0 + j, 1.0);
            glp_set_row_bnds(lp, r0 + 2 * j, GLP_LO, 0.0, 0.0);
            glp_set_row_bnds(lp, r0 + 2 * j + 1, GLP_LO, 0.0, 0.0);
            glp_set_mat_row(lp, r0 + 2 * j, 2, cols, v1);
            glp_set_mat_row(lp, r0 + 2 * j + 1, 2, cols, v2);
        }
        parm.meth = GLP_PRIMAL;
        rc = simplex(lp, &parm);
        if (rc != 0) {
            glp_delete_prob(lp);
            return llr_fail(e, LLR_ESOLVER,
                            "GLPK simplex failed on the tie-break LP "
                               "(code %d)", rc);
        }
    }
    for (int j = 0; j < n; j++)
        x[j] = glp_get_col_prim(lp, 2 + j);
    *r_claim = glp_get_col_prim(lp, 1);
    glp_delete_prob(lp);
    return 0;
}

int llr_reconstruct(const llr_gls *g, const int *y, int t, double *logits,
                    llr_lp_result *res, int flags, llr_error *e)
{
    int V = g->V;
    res->residual = 0;
    res->feasible = 1;
    res->c[0] = 1.0;
    res->nc = 1;
    res->objective = 0;
    res->tiebreak = 0;
    res->certified = 0;
    if (t == 0) {
        memcpy(logits, g->cut[0].rhat, (size_t)V * sizeof *logits);
        return 0;
    }
    lp_data L;
    if (build(g, y, t, &L, e)) {
        lp_free(&L);
        return -1;
    }
    double *x = res->c + 1, rclaim = 0;
    int tb = 0, determined = 1;
    for (int s = 1; s <= t; s++)
        determined &= g->separated ? g->separated[s] : 0;
    int rc = solve(&L, g->box, determined, x, &rclaim, &tb, e);
    res->objective = rclaim;
    res->tiebreak = tb;
    if (rc == 0 && (flags & LLR_LP_CORRUPT_FOR_TEST) && L.n > 0)
        x[L.n - 1] = g->box + 0.5; /* out of the box, whatever it was */
    if (rc == 0) {
        /* Certify: the box, and the residuals recomputed from scratch. */
        double r = llr_cert_residual(L.A, x, L.b, L.m, L.n);
        if (!llr_cert_box(x, L.n, g->box, GLPK_TOL_BND * (1 + g->box)))
            rc = llr_fail(e, LLR_ECERT,
                          "LP certificate rejected: a coefficient lies "
                             "outside the box [-%g, %g]", g->box, g->box);
        else if (!(r <= rclaim + GLPK_TOL_BND * (1 + fabs(rclaim))))
            rc = llr_fail(e, LLR_ECERT,
                          "LP certificate rejected: recomputed residual "
                             "%.3g exceeds the solver's claim %.3g", r,
                          rclaim);
        else {
            res->certified = 1;
            res->residual = r;
            res->feasible = r <= g->tau;
        }
    }
    if (rc == 0) {
        const llr_gls_cut *ct = &g->cut[t];
        int nf = ct->fhat.count;
        res->nc = 1 + L.n;
        memset(logits, 0, (size_t)V * sizeof *logits);
        if (res->feasible)
            for (int i = 0; i < ct->k; i++)
                for (int z = 0; z < V; z++)
                    logits[z] += x[L.off[t] + i] *
                                 ct->rhat[((size_t)i * nf + 0) * V + z];
    }
    lp_free(&L);
    return rc;
}
