/* The LP optimality certificate (checkers/lp_duality.h) and its GLPK
 * side (learn/lp_optimality.h): an optimal primal-dual pair passes; a
 * suboptimal primal, a wrong dual, an infeasible point, a multiplier
 * against a missing bound and NaN each fail with their own code; GLPK's
 * answers pass, and a stale answer (the LP changed after the solve) is
 * rejected with LLR_ECERT. */
#include <criterion/criterion.h>
#include <glpk.h>
#include <math.h>

#include "checkers/lp_duality.h"
#include "helpers.h"
#include "learn/lp_optimality.h"

/* minimise x1 + 2 x2  s.t.  x1 + x2 >= 1,  x1 - x2 <= 3,  x >= 0.
 * Optimum x = (1, 0), value 1; dual y = (1, 0), d = (0, 1). */
static const double A[] = {1, 1, 1, -1};
static const double c[] = {1, 2};
static const double rlo[] = {1, -INFINITY}, rhi[] = {INFINITY, 3};
static const double clo[] = {0, 0}, chi[] = {INFINITY, INFINITY};

static int check(const double *x, const double *y, double tol,
                 llr_lp_gap *g)
{
    return llr_lp_duality(A, c, rlo, rhi, clo, chi, 2, 2, x, y, tol, g);
}

Test(lp_duality, optimal_pair_passes_with_zero_gap)
{
    llr_lp_gap g;
    cr_assert_eq(check((double[]){1, 0}, (double[]){1, 0}, 0.0, &g),
                 LLR_LP_CERT_OK);
    cr_assert_eq(g.primal, 1.0);
    cr_assert_eq(g.gap, 0.0);
    cr_assert_eq(g.dual, 1.0);
    cr_assert(g.gap_lim > 0 && g.gap_lim < 1e-14, "%g", g.gap_lim);
    cr_assert_eq(g.row, -1);
    cr_assert_eq(g.col, -1);
}

Test(lp_duality, suboptimal_primal_fails_on_the_gap)
{
    llr_lp_gap g;
    /* Feasible, value 1.5 > 1: the dual bound 1 exposes it. */
    cr_assert_eq(check((double[]){0.5, 0.5}, (double[]){1, 0}, 1e-7, &g),
                 LLR_LP_CERT_GAP);
    cr_assert_float_eq(g.gap, 0.5, 1e-15);
    cr_assert_float_eq(g.dual, 1.0, 1e-15);
}

Test(lp_duality, weak_dual_fails_on_the_gap)
{
    llr_lp_gap g;
    /* y = 0.5 is dual feasible but proves only 0.5 (d = (0.5, 1.5)). */
    cr_assert_eq(check((double[]){1, 0}, (double[]){0.5, 0}, 1e-7, &g),
                 LLR_LP_CERT_GAP);
    cr_assert_float_eq(g.dual, 0.5, 1e-15);
}

Test(lp_duality, infeasible_point_fails_naming_the_row_or_column)
{
    llr_lp_gap g;
    cr_assert_eq(check((double[]){0.4, 0.4}, (double[]){1, 0}, 1e-7, &g),
                 LLR_LP_CERT_PRIMAL);
    cr_assert_eq(g.row, 0);
    cr_assert_eq(check((double[]){1.5, -0.5}, (double[]){1, 0}, 1e-7, &g),
                 LLR_LP_CERT_PRIMAL);
    cr_assert_eq(g.col, 1);
    cr_assert_eq(g.row, -1);
}

Test(lp_duality, tolerance_is_the_stated_one)
{
    llr_lp_gap g;
    /* Row 0 short by 1e-8: within tol 1e-7 (1 + |s|), not within 1e-9. */
    cr_assert_eq(check((double[]){1 - 1e-8, 0}, (double[]){1, 0}, 1e-7, &g),
                 LLR_LP_CERT_OK);
    cr_assert_eq(check((double[]){1 - 1e-8, 0}, (double[]){1, 0}, 1e-9, &g),
                 LLR_LP_CERT_PRIMAL);
}

Test(lp_duality, multiplier_against_a_missing_bound_fails)
{
    llr_lp_gap g;
    /* y0 < 0 would push row 0 against an upper bound it lacks. */
    cr_assert_eq(check((double[]){1, 0}, (double[]){-1, 0}, 1e-7, &g),
                 LLR_LP_CERT_DUAL);
    cr_assert_eq(g.row, 0);
    /* y = (2, 0): d0 = -1 < 0 pushes x0 against no upper bound. */
    cr_assert_eq(check((double[]){1, 0}, (double[]){2, 0}, 1e-7, &g),
                 LLR_LP_CERT_DUAL);
    cr_assert_eq(g.col, 0);
}

Test(lp_duality, nan_fails)
{
    llr_lp_gap g;
    cr_assert_eq(check((double[]){NAN, 0}, (double[]){1, 0}, 1e-7, &g),
                 LLR_LP_CERT_PRIMAL);
    cr_assert_eq(check((double[]){1, 0}, (double[]){1, NAN}, 1e-7, &g),
                 LLR_LP_CERT_DUAL);
    cr_assert_eq(check((double[]){1, 0}, (double[]){1, 0}, NAN, &g),
                 LLR_LP_CERT_PRIMAL);
}

/* The LP above in GLPK, solved. */
static glp_prob *solved(int dir)
{
    glp_prob *lp = glp_create_prob();
    glp_set_obj_dir(lp, dir);
    glp_add_rows(lp, 2);
    glp_add_cols(lp, 2);
    glp_set_row_bnds(lp, 1, GLP_LO, 1, 0);
    glp_set_row_bnds(lp, 2, GLP_UP, 0, 3);
    for (int j = 1; j <= 2; j++) {
        glp_set_col_bnds(lp, j, dir == GLP_MAX ? GLP_DB : GLP_LO, 0, 5);
        glp_set_obj_coef(lp, j, c[j - 1]);
    }
    int ia[] = {0, 1, 1, 2, 2}, ja[] = {0, 1, 2, 1, 2};
    double ar[] = {0, 1, 1, 1, -1};
    glp_load_matrix(lp, 4, ia, ja, ar);
    glp_smcp p;
    glp_init_smcp(&p);
    p.msg_lev = GLP_MSG_OFF;
    cr_assert_eq(glp_simplex(lp, &p), 0);
    cr_assert_eq(glp_get_status(lp), GLP_OPT);
    return lp;
}

Test(lp_optimality, glpk_answers_pass)
{
    llr_error err;
    llr_lp_gap g;
    glp_prob *lp = solved(GLP_MIN);
    cr_assert(llr_lp_optimality(lp, "test LP", 1, &g, &err) == 0, "%s",
              err.msg);
    cr_assert_float_eq(g.primal, 1.0, 1e-12);
    glp_delete_prob(lp);
    /* maximise x1 + 2 x2 over x <= 5 as well: optimum (5, 5), value 15 */
    lp = solved(GLP_MAX);
    cr_assert(llr_lp_optimality(lp, "test LP", 1, &g, &err) == 0, "%s",
              err.msg);
    cr_assert_float_eq(g.primal, -15.0, 1e-12); /* of -c.x, minimised */
    glp_delete_prob(lp);
}

Test(lp_optimality, stale_answer_is_rejected)
{
    llr_error err;
    llr_lp_gap g;
    glp_prob *lp = solved(GLP_MIN);
    /* The LP changes after the solve: x = (1, 0) now violates row 1. */
    glp_set_row_bnds(lp, 1, GLP_LO, 2, 0);
    cr_assert(llr_lp_optimality(lp, "test LP", 1, &g, &err) == -1);
    assert_code(err, LLR_ECERT);
    glp_delete_prob(lp);
    /* The objective changes: (1, 0) is feasible but no longer optimal
     * for min 3 x1 + 2 x2, and GLPK's old duals cannot prove it. */
    lp = solved(GLP_MIN);
    glp_set_obj_coef(lp, 1, 3.0);
    cr_assert(llr_lp_optimality(lp, "test LP", 1, &g, &err) == -1);
    assert_code(err, LLR_ECERT);
    glp_delete_prob(lp);
}
