/* check.h - the checkers that certify solver answers before use.
 *
 * LAPACKE and GLPK compute; these small functions verify what they return
 * (certifying algorithms). Their contracts are proved with Frama-C WP
 * (docs/verification.md says in which model). Matrices are row-major.
 */
#ifndef LLR_CHECK_H
#define LLR_CHECK_H

/* 1 when every |x[i]| <= bound + tol for i < n (NaN fails), else 0. */
/*@ requires n >= 0;
    requires \valid_read(x + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
int llr_check_box(const double *x, int n, double bound, double tol);

/* The largest |A x - b| over the m rows of the m x n matrix A (the
 * residuals recomputed from scratch); NaN when any is NaN. */
/*@ requires m >= 0 && n >= 0;
    requires \valid_read(A + (0 .. m * n - 1));
    requires \valid_read(x + (0 .. n - 1));
    requires \valid_read(b + (0 .. m - 1));
    assigns \nothing;
*/
double llr_check_residual(const double *A, const double *x, const double *b,
                          int m, int n);

#endif
