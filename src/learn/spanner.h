/* learn/spanner.h - a 2-barycentric spanner of sampled rows (GLS2 Algorithm 1,
 * step 1), by basis exchange (docs/mathematics.md §3.3).
 *
 * Given n rows X (n x m, row-major), choose k <= d of them, B, such that
 * every row's coefficients in the least-squares expression x ~ a B lie in
 * [-box, box]. Start: greedy pivoted Gram-Schmidt (the row of largest
 * residual norm, until k = d or the largest residual is below
 * max(rank_tol * the largest row norm, floor), floor being the norm that
 * answer noise alone can give a row). Exchange: while some coefficient has
 * |a_ij| > box, put row i in place of basis row j (in exact arithmetic
 * |det| grows by |a_ij| > box each time, so this ends). Coefficients come
 * from LAPACKE dgels (QR). Certification: the coefficients are recomputed
 * independently with LAPACKE dgelsd (SVD) and every one must pass
 * llr_cert_box with tolerance LLR_SPANNER_TOL; otherwise it is an error.
 */
#ifndef LLR_SPANNER_H
#define LLR_SPANNER_H

#include "base/error.h"
#include "io/trace.h"

#define LLR_SPANNER_TOL 1e-6

typedef struct llr_spanner_result {
    int k;              /* rows chosen */
    int swaps;          /* exchanges made */
    double max_coef;    /* largest |a_ij| of the certified coefficients */
    double max_resid;   /* largest relative residual ||x - a B|| / ||x|| */
    int certified;      /* 1: the checker accepted the coefficients */
} llr_spanner_result;

/* idx receives the k chosen row numbers (room for d). flags: corrupt the
 * coefficients before the check (tests only). */
enum { LLR_SPANNER_CORRUPT_FOR_TEST = 1 };
/*@ requires n >= 1 && m >= 1 && d >= 1 ==>
             \valid_read(X + (0 .. n * m - 1)) && \valid(idx + (0 .. d - 1));
    requires \valid(r);
    requires e == \null || \valid(e);
    assigns idx[0 .. d - 1], *r, *e;
    ensures \result == 0 || \result == -1;
    ensures \result == 0 ==> 0 <= r->k <= d;
*/
LLR_MUST_CHECK
int llr_spanner(const double *X, int n, int m, int d, double box,
                double rank_tol, double floor, int flags, int *idx,
                llr_spanner_result *r, llr_error *e);
/* The same, writing to trace (NULL: none) a line "spanner_initial" with the
 * initial basis and a line "spanner_swap" per exchange (docs/trace.md). */
/*@ requires n >= 1 && m >= 1 && d >= 1 ==>
             \valid_read(X + (0 .. n * m - 1)) && \valid(idx + (0 .. d - 1));
    requires \valid(r);
    requires trace == \null || \valid(trace);
    requires e == \null || \valid(e);
    assigns idx[0 .. d - 1], *r, *e;
    ensures \result == 0 || \result == -1;
    ensures \result == 0 ==> 0 <= r->k <= d;
*/
LLR_MUST_CHECK
int llr_spanner_traced(const double *X, int n, int m, int d, double box,
                       double rank_tol, double floor, int flags, int *idx,
                       llr_spanner_result *r, llr_trace *trace, llr_error *e);

#endif
