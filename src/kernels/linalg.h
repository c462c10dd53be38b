/* kernels/linalg.h - the LAPACKE calls the project makes, behind checked wrappers.
 *
 * Outside the verified core: each wrapper checks its sizes (ASan cannot see
 * writes inside Fortran LAPACK) and reports LAPACK's info as an error. */
#ifndef LLR_LINALG_H
#define LLR_LINALG_H

#include "base/error.h"

enum { LLR_SVD_FORCE_GESVD = 1 };

/* Singular values of the m x n row-major matrix a, in descending order,
 * min(m, n) of them into s; with vt non-NULL also the right singular
 * vectors, as the rows of vt (min(m, n) x n, row-major). a is overwritten.
 * LAPACKE_dgesdd; when it fails to converge (info > 0), LAPACKE_dgesvd on a
 * fresh copy, and *fallback is set to 1 (else 0). flags may force the
 * fallback. A matrix with a NaN or an infinity is an error, and so is a
 * result that is not finite (singular values beyond DBL_MAX): the outputs
 * are then unspecified. */
/*@ requires m >= 1 && n >= 1 ==> \valid(a + (0 .. m * n - 1));
    requires m >= 1 && n >= 1 ==> \valid(s + (0 .. \min(m, n) - 1));
    requires vt == \null || m < 1 || n < 1 ||
             \valid(vt + (0 .. \min(m, n) * n - 1));
    requires \valid(fallback);
    requires e == \null || \valid(e);
    assigns a[0 .. m * n - 1], s[0 .. \min(m, n) - 1],
            vt[0 .. \min(m, n) * n - 1], *fallback, *e;
    ensures \result == 0 || \result == -1;
*/
LLR_MUST_CHECK
int llr_svd(double *a, int m, int n, double *s, double *vt, int flags,
            int *fallback, llr_error *e);

/* llr_svd without the vectors. */
/*@ requires m >= 1 && n >= 1 ==> \valid(a + (0 .. m * n - 1));
    requires m >= 1 && n >= 1 ==> \valid(s + (0 .. \min(m, n) - 1));
    requires \valid(fallback);
    requires e == \null || \valid(e);
    assigns a[0 .. m * n - 1], s[0 .. \min(m, n) - 1], *fallback, *e;
    ensures \result == 0 || \result == -1;
*/
LLR_MUST_CHECK
int llr_singular_values(double *a, int m, int n, double *s, int flags,
                        int *fallback, llr_error *e);

/* Least squares: x (n x nrhs, row-major) minimises ||a x - b||_F, with the
 * minimum norm among minimisers, for the m x n row-major a and the
 * m x nrhs row-major b; LAPACKE_dgelsd, singular values below rcond times
 * the largest count as zero (rcond < 0: machine precision). *rank (when
 * rank is not NULL) gets the effective rank. a and b are not modified; the
 * right-hand side is padded to max(m, n) rows as dgelsd needs. A NaN or an
 * infinity in a or b is an error, and so are a solution that overflows and
 * dgelsd's info != 0 (> 0: its SVD did not converge). */
/*@ requires m >= 1 && n >= 1 && nrhs >= 1 ==>
             \valid_read(a + (0 .. m * n - 1)) &&
             \valid_read(b + (0 .. m * nrhs - 1)) &&
             \valid(x + (0 .. n * nrhs - 1));
    requires rank == \null || \valid(rank);
    requires e == \null || \valid(e);
    assigns x[0 .. n * nrhs - 1], *rank, *e;
    ensures \result == 0 || \result == -1;
*/
LLR_MUST_CHECK
int llr_lstsq(const double *a, int m, int n, const double *b, int nrhs,
              double rcond, double *x, int *rank, llr_error *e);

/* Which BLAS and LAPACK are loaded: the file names of the shared objects
 * that provide dgemm_ and dgesdd_, and whether OpenBLAS is present
 * (it defines openblas_get_config). */
typedef struct llr_blas_info {
    char blas[512];
    char lapack[512];
    int openblas;
} llr_blas_info;

void llr_blas_query(llr_blas_info *info);

#endif
