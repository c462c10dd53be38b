/* checkers/certificate.h - the checkers that certify solver answers before use.
 *
 * LAPACKE and GLPK compute; these small functions verify what they return
 * (certifying algorithms; the certificates of docs/mathematics.md §3.3 and
 * §3.4). Their contracts are proved with Frama-C WP
 * (docs/verification.md says in which model). Matrices are row-major.
 *
 * The contracts speak IEEE 754 binary64, not real numbers: \le_double and
 * friends are the C comparisons (false when an operand is NaN), and
 * \add_double, \mul_double, \neg_double are the C operations rounded to
 * nearest, so a float property below says what the C code computes, value
 * for value, including NaN and infinities. Run WP with -warn-special-float
 * none: NaN and infinite values are inputs these checkers must reject, not
 * run-time errors.
 */
#ifndef LLR_CHECK_H
#define LLR_CHECK_H

#ifdef __FRAMAC__ /* ACSL logic (spec/): seen by Frama-C only */
#include "../../spec/lp.acsl"
#include "../../spec/spanner.acsl"
#endif

/*@
  // Row-major indexing stays inside the matrix: the entry (i, j) of an
  // m x n matrix is at i*n + j < m*n.
  lemma llr_row_major_index: \forall integer m, n, i, j;
    0 <= i < m && 0 <= j < n ==> 0 <= i * n + j < m * n;

  // A product of two int values fits in a long (64 bits): at most
  // (2^31 - 1)^2 < 2^62.
  lemma llr_int_product: \forall integer a, b;
    0 <= a <= 2147483647 && 0 <= b <= 2147483647 ==>
    0 <= a * b <= 4611686014132420609;

  // The checkers' logic (llr_same, llr_in_box, llr_row_sum,
  // llr_row_within, llr_row_is, llr_lp_certificate) is in spec/lp.acsl;
  // the 2-barycentric-spanner property (llr_spanner_box) in
  // spec/spanner.acsl.
*/

/* 1 when every |x[i]| <= bound + tol for i < n (NaN fails), else 0.
 * Proved in the IEEE model: the result is 1 exactly when every x[i]
 * satisfies the C comparisons x[i] <= lim and x[i] >= -lim, lim being
 * bound + tol rounded to binary64 (so a NaN element fails, and when
 * n > 0 so does a NaN bound or tol). */
/*@ requires n >= 0;
    requires \valid_read(x + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> llr_in_box(x, n, \add_double(bound, tol));
    // With bound 2 (spanner.c, reconstruct.c), 1 is exactly the
    // 2-barycentric-spanner box of spec/spanner.acsl.
    ensures spanner: llr_same(bound, (double)2.0) ==>
      (\result == 1 <==> llr_spanner_box(x, n, tol));
*/
int llr_cert_box(const double *x, int n, double bound, double tol);

/* The largest |A x - b| over the m rows of the m x n matrix A (the
 * residuals recomputed from scratch); NaN when any is NaN.
 *
 * Proved in the IEEE model: memory safety (no signed overflow in the
 * index i*n + j), termination, and that the result is exactly what the C
 * code computes: NaN iff some row sum is NaN, otherwise a value >= 0 that
 * bounds every computed row residual |s_i| (s_i in the C order and
 * rounding, llr_row_sum) and equals one of them or 0. Not proved, and not
 * claimed: how close the computed s_i is to the exact real (A x - b)_i
 * (no rounding-error bound). */
/*@ requires m >= 0 && n >= 0;
    requires \valid_read(A + (0 .. m * n - 1));
    requires \valid_read(x + (0 .. n - 1));
    requires \valid_read(b + (0 .. m - 1));
    assigns \nothing;
    ensures nan: \is_NaN(\result) <==>
      (\exists integer i; 0 <= i < m &&
         \is_NaN(llr_row_sum(A, x, b, n, i, n)));
    ensures nonneg: !\is_NaN(\result) ==> \le_double((double)0.0, \result);
    ensures upper: !\is_NaN(\result) ==>
      \forall integer i; 0 <= i < m ==> llr_row_within(A, x, b, n, i, \result);
    // The LP certificate of spec/lp.acsl holds at the returned bound.
    ensures certificate: !\is_NaN(\result) ==>
      llr_residuals_within(A, x, b, m, n, \result);
    ensures attained: !\is_NaN(\result) ==>
      \eq_double(\result, (double)0.0) ||
      (\exists integer i; 0 <= i < m && llr_row_is(A, x, b, n, i, \result));
*/
double llr_cert_residual(const double *A, const double *x, const double *b,
                          int m, int n);

#endif
