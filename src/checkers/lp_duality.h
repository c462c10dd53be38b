/* checkers/lp_duality.h - the optimality certificate of an LP answer: a
 * primal point, a dual point and the duality gap between them, checked
 * from scratch (docs/mathematics.md §3.4, docs/verification.md).
 *
 * The LP, in GLPK's form (every row an auxiliary variable with bounds):
 *   minimise  c.x   subject to  rlo_i <= (A x)_i <= rhi_i  (i < m),
 *                               clo_j <=  x_j    <= chi_j  (j < n),
 * A dense m x n row-major, a missing bound being -INFINITY or +INFINITY.
 * A solver returns x and the row duals y (GLPK: glp_get_row_dual). The
 * checker recomputes the row activities s = A x and the reduced costs
 * d = c - A^T y itself, and accepts when
 *   primal feasibility: every s_i lies within its bounds up to
 *     tol (1 + sum_j |A_ij x_j|) + e, e the rounding bound of its
 *     recomputation, every x_j within its own up to tol (1 + |x_j|);
 *   dual feasibility: a multiplier may only push against a finite bound:
 *     y_i > 0 needs rlo_i finite, y_i < 0 needs rhi_i finite (and d_j
 *     likewise with clo_j, chi_j), up to tol (1 + sum of the magnitudes
 *     of the terms of d_j) + e (and tol for y_i);
 *   the duality gap: c.x minus the dual bound
 *     D = sum_i y_i b_i + sum_j d_j b'_j (b the bound each multiplier
 *     pushes against) equals, in exact arithmetic, the complementary
 *     slackness sum  gap = sum_i y_i (s_i - b_i) + sum_j d_j (x_j - b'_j),
 *     computed as such; |gap| <= tol (1 + |c.x| + sum |terms|) + e.
 * By weak duality every point within the bounds has c.x' >= D (exactly
 * when y and d are exactly dual feasible), so c.x is the LP's minimum up
 * to the gap and the stated tolerances.
 *
 * Rounding: every dot product of k terms is computed in round-to-nearest
 * binary64; its error is at most gamma_k sum |terms| (gamma_k = k u /
 * (1 - k u), u = 2^-53) plus k * 2^-1075 for underflow. The checker uses
 * e = (k + 2) 2^-52 sum |terms| + 2^-1000, which is larger for every
 * k < 2^40 (the factor 2 also covers the rounding of the bound itself).
 * tol is the solver's own tolerance (GLPK: 1e-7, its tol_bnd and tol_dj),
 * which the caller states.
 *
 * Float parts are apart from indexing, as in checkers/certificate.h: the
 * dot products (llr_lp_row_dot, llr_lp_col_dot) and the comparisons
 * (llr_lp_within, llr_lp_sign_ok) are small functions; llr_lp_duality
 * only indexes and combines their results. Proved with WP in the IEEE
 * model (proofs/plan.tsv): memory safety (no overflow in i * n + j),
 * termination, what is assigned, and the meaning of each result code.
 * Not proved: the rounding bound e itself (stated above, from Higham's
 * gamma_k; WP's float model cannot carry it).
 */
#ifndef LLR_LP_DUALITY_H
#define LLR_LP_DUALITY_H

#include "checkers/certificate.h"

/* What llr_lp_duality found (all recomputed by it). */
typedef struct llr_lp_gap {
    double primal;   /* c.x */
    double dual;     /* the dual bound D = primal - gap */
    double gap;      /* the complementary slackness sum */
    double gap_lim;  /* the largest |gap| accepted */
    int row, col;    /* the first failing row or column, else -1 */
} llr_lp_gap;

/* Result codes of llr_lp_duality. */
enum {
    LLR_LP_CERT_OK = 0,
    LLR_LP_CERT_PRIMAL = 1,  /* a row or column outside its bounds */
    LLR_LP_CERT_DUAL = 2,    /* a multiplier pushing against no bound */
    LLR_LP_CERT_GAP = 3      /* the gap exceeds gap_lim (or is NaN) */
};

/* 1 when lo - slack <= v <= hi + slack by the C comparisons (so NaN
 * anywhere, but an infinite bound on its own side, fails), else 0. */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==>
      \le_double(\sub_double(lo, slack), v) &&
      \le_double(v, \add_double(hi, slack));
*/
int llr_lp_within(double v, double lo, double hi, double slack);

/* 1 when the multiplier v may be used with the bounds lo, hi: v > slack
 * needs lo finite, v < -slack needs hi finite (by the C comparisons; NaN
 * fails). */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> !\is_NaN(v);
    ensures \result == 1 && \gt_double(v, slack) ==> \is_finite(lo);
    ensures \result == 1 && \lt_double(v, \neg_double(slack)) ==>
      \is_finite(hi);
*/
int llr_lp_sign_ok(double v, double lo, double hi, double slack);

/* Row i of the m x n row-major A times x, in the C order and rounding;
 * *abs receives the sum of the magnitudes of its terms. */
/*@ requires m >= 0 && n >= 0 && 0 <= i < m;
    requires \valid_read(A + (0 .. m * n - 1));
    requires \valid_read(x + (0 .. n - 1));
    requires \valid(abs);
    requires \separated(abs, A + (0 .. m * n - 1), x + (0 .. n - 1));
    assigns *abs;
*/
double llr_lp_row_dot(const double *A, int m, int n, int i, const double *x,
                      double *abs);

/* Column j of A times y (the j-th entry of A^T y), in the C order and
 * rounding; *abs as above. */
/*@ requires m >= 0 && n >= 0 && 0 <= j < n;
    requires \valid_read(A + (0 .. m * n - 1));
    requires \valid_read(y + (0 .. m - 1));
    requires \valid(abs);
    requires \separated(abs, A + (0 .. m * n - 1), y + (0 .. m - 1));
    assigns *abs;
*/
double llr_lp_col_dot(const double *A, int m, int n, int j, const double *y,
                      double *abs);

/* The rounding bound e of a dot product of k terms whose magnitudes sum
 * to abs (see above): (k + 2) 2^-52 abs + 2^-1000. */
/*@ requires 0 <= k <= 2147483647;
    assigns \nothing;
*/
double llr_lp_round_err(int k, double abs);

/* Check the certificate (x, y) of the LP above (see the top of this
 * file). Returns LLR_LP_CERT_OK or the first failing part; *out is
 * always filled (row/col name the failing row or column, else -1). */
/*@ requires m >= 0 && n >= 0;
    requires \valid_read(A + (0 .. m * n - 1));
    requires \valid_read(c + (0 .. n - 1));
    requires \valid_read(rlo + (0 .. m - 1)) && \valid_read(rhi + (0 .. m - 1));
    requires \valid_read(clo + (0 .. n - 1)) && \valid_read(chi + (0 .. n - 1));
    requires \valid_read(x + (0 .. n - 1)) && \valid_read(y + (0 .. m - 1));
    requires \valid(out);
    requires \separated(out, A + (0 .. m * n - 1), c + (0 .. n - 1),
                        rlo + (0 .. m - 1), rhi + (0 .. m - 1),
                        clo + (0 .. n - 1), chi + (0 .. n - 1),
                        x + (0 .. n - 1), y + (0 .. m - 1));
    assigns *out;
    ensures \result == LLR_LP_CERT_OK || \result == LLR_LP_CERT_PRIMAL ||
            \result == LLR_LP_CERT_DUAL || \result == LLR_LP_CERT_GAP;
    ensures rows: \result == LLR_LP_CERT_PRIMAL ||
                  \result == LLR_LP_CERT_DUAL ==>
      (0 <= out->row < m && out->col == -1) ||
      (0 <= out->col < n && out->row == -1);
    ensures whole: \result == LLR_LP_CERT_OK ||
                   \result == LLR_LP_CERT_GAP ==>
      out->row == -1 && out->col == -1;
    ensures gap: \result == LLR_LP_CERT_OK ==>
      \le_double(out->gap, out->gap_lim) &&
      \le_double(\neg_double(out->gap_lim), out->gap);
*/
int llr_lp_duality(const double *A, const double *c, const double *rlo,
                   const double *rhi, const double *clo, const double *chi,
                   int m, int n, const double *x, const double *y,
                   double tol, llr_lp_gap *out);

#endif
