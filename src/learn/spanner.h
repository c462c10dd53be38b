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
    double max_coef;    /* largest |a_ij| of the certified coefficients,
                         * the basis rows' own (1) included */
    double max_resid;   /* largest relative residual ||x - a B||_2 /
                         * ||x||_2 over the rows x != 0 */
    int certified;      /* 1: the checker accepted the coefficients */
} llr_spanner_result;

/* What a spanner computation needs besides the rows. */
typedef struct llr_spanner_opts {
    int d;              /* at most d rows are chosen (>= 1) */
    double box;         /* the coefficient box (2: a 2-barycentric spanner) */
    double rank_tol;    /* a row is dependent when its residual norm is at
                         * most rank_tol times the largest row norm of X */
    double floor;       /* the residual norm answer noise alone can give */
    int flags;          /* LLR_SPANNER_CORRUPT_FOR_TEST: corrupt the
                         * coefficients before the check (tests only) */
    llr_trace *trace;   /* NULL, or a sink for a line "spanner_initial"
                         * with the initial basis and a line
                         * "spanner_swap" per exchange (docs/trace.md) */
} llr_spanner_opts;

enum { LLR_SPANNER_CORRUPT_FOR_TEST = 1 };

/* Choose rows of X (n x m) as above; idx receives the k chosen row numbers
 * (room for opts->d). */
/*@ requires \valid_read(o);
    requires n >= 1 && m >= 1 && o->d >= 1 ==>
             \valid_read(X + (0 .. n * m - 1)) &&
             \valid(idx + (0 .. o->d - 1));
    requires \valid(r);
    requires o->trace == \null || \valid(o->trace);
    requires e == \null || \valid(e);
    assigns idx[0 .. o->d - 1], *r, *e;
    ensures \result == 0 || \result == -1;
    ensures \result == 0 ==> 0 <= r->k <= o->d;
*/
LLR_MUST_CHECK
int llr_spanner(const double *X, int n, int m, const llr_spanner_opts *o,
                int *idx, llr_spanner_result *r, llr_error *e);

#endif
