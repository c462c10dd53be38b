#include "learn/lp_optimality.h"

#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The bounds of GLPK type `type` as doubles, a missing one infinite. */
static void bounds(int type, double lb, double ub, double *lo, double *hi)
{
    *lo = type == GLP_LO || type == GLP_DB || type == GLP_FX ? lb : -INFINITY;
    *hi = type == GLP_UP || type == GLP_DB || type == GLP_FX ? ub : INFINITY;
}

int llr_lp_optimality(glp_prob *lp, const char *what, int required,
                      llr_lp_gap *g, llr_error *e)
{
    int m = glp_get_num_rows(lp), n = glp_get_num_cols(lp);
    size_t mm = m ? (size_t)m : 1, nn = n ? (size_t)n : 1;
    double *A = calloc(mm * nn, sizeof *A);
    double *c = malloc(nn * sizeof *c), *x = malloc(nn * sizeof *x);
    double *clo = malloc(nn * sizeof *clo), *chi = malloc(nn * sizeof *chi);
    double *rlo = malloc(mm * sizeof *rlo), *rhi = malloc(mm * sizeof *rhi);
    double *y = malloc(mm * sizeof *y), *val = malloc((nn + 1) * sizeof *val);
    int *ind = malloc((nn + 1) * sizeof *ind);
    int rc = 0;
    if (!A || !c || !x || !clo || !chi || !rlo || !rhi || !y || !val || !ind) {
        rc = llr_fail(e, LLR_ENOMEM, "out of memory certifying %s", what);
        goto done;
    }
    for (int i = 0; i < m; i++) {
        int len = glp_get_mat_row(lp, i + 1, ind, val);
        for (int k = 1; k <= len; k++)
            A[(size_t)i * n + (ind[k] - 1)] = val[k];
        bounds(glp_get_row_type(lp, i + 1), glp_get_row_lb(lp, i + 1),
               glp_get_row_ub(lp, i + 1), &rlo[i], &rhi[i]);
        y[i] = glp_get_row_dual(lp, i + 1);
    }
    for (int j = 0; j < n; j++) {
        c[j] = glp_get_obj_coef(lp, j + 1);
        x[j] = glp_get_col_prim(lp, j + 1);
        bounds(glp_get_col_type(lp, j + 1), glp_get_col_lb(lp, j + 1),
               glp_get_col_ub(lp, j + 1), &clo[j], &chi[j]);
    }
    int sign = glp_get_obj_dir(lp) == GLP_MAX ? -1 : 1;
    if (sign < 0) /* maximise c.x = minimise -c.x, duals negated */
        for (int j = 0; j < n; j++)
            c[j] = -c[j];
    if (sign < 0)
        for (int i = 0; i < m; i++)
            y[i] = -y[i];
    int r = llr_lp_duality(A, c, rlo, rhi, clo, chi, m, n, x, y,
                           LLR_LP_OPT_TOL, g);
    if (r != LLR_LP_CERT_OK && !required)
        rc = 1;
    else if (r == LLR_LP_CERT_PRIMAL)
        rc = llr_fail(e, LLR_ECERT,
                      "LP optimality certificate rejected for %s: %s %d "
                      "outside its bounds",
                      what, g->row >= 0 ? "row" : "column",
                      (g->row >= 0 ? g->row : g->col) + 1);
    else if (r == LLR_LP_CERT_DUAL)
        rc = llr_fail(e, LLR_ECERT,
                      "LP optimality certificate rejected for %s: the dual "
                      "of %s %d pushes against no bound",
                      what, g->row >= 0 ? "row" : "column",
                      (g->row >= 0 ? g->row : g->col) + 1);
    else if (r != LLR_LP_CERT_OK)
        rc = llr_fail(e, LLR_ECERT,
                      "LP optimality certificate rejected for %s: duality "
                      "gap %.3g exceeds %.3g (objective %.17g)",
                      what, g->gap, g->gap_lim, g->primal);
done:
    free(A), free(c), free(x), free(clo), free(chi), free(rlo), free(rhi);
    free(y), free(val), free(ind);
    return rc;
}
