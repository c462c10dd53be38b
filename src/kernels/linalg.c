#include "kernels/linalg.h"

#include <dlfcn.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* How a non-finite entry is named in messages. */
static const char *non_finite(double x)
{
    return x != x ? "a NaN" : x > 0 ? "+inf" : "-inf";
}

int llr_svd(double *a, int m, int n, double *s, double *vt, int flags,
            int *fallback, llr_error *e)
{
    *fallback = 0;
    if (m < 1 || n < 1)
        return llr_fail(e, LLR_EINPUT,
                        "singular values of an empty %d x %d matrix", m, n);
    if ((double)m * n > (double)(1u << 30))
        return llr_fail(e, LLR_EINPUT, "matrix %d x %d is too large", m, n);
    int k = m < n ? m : n;
    size_t cnt = (size_t)m * n;
    /* LAPACKE refuses NaNs, but an infinity goes through and comes back as
     * NaN singular values with info 0. */
    for (size_t i = 0; i < cnt; i++)
        if (!isfinite(a[i]))
            return llr_fail(e, LLR_EINPUT,
                            "singular values of a %d x %d matrix with %s at "
                            "row %d, column %d",
                            m, n, non_finite(a[i]), (int)(i / n),
                            (int)(i % n));
    double *copy = malloc(cnt * sizeof *copy);
    double *u = vt ? malloc((size_t)m * k * sizeof *u) : NULL;
    if (!copy || (vt && !u)) {
        free(copy), free(u);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    memcpy(copy, a, cnt * sizeof *copy);
    /* Values only: a row-major m x n matrix is the column-major n x m
     * matrix A^T, with the same singular values (row-major LAPACKE checks
     * the leading dimensions of U and V^T even when it does not form
     * them). With vectors: row-major, U (m x k) and V^T (k x n). */
    double dummy = 0;
    lapack_int info = -1;
    if (!(flags & LLR_SVD_FORCE_GESVD))
        info = vt ? LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', m, n, a, n, s, u, k,
                                   vt, n)
                  : LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'N', n, m, a, n, s,
                                   &dummy, 1, &dummy, 1);
    if (info < 0 && !(flags & LLR_SVD_FORCE_GESVD)) {
        free(copy), free(u);
        return llr_fail(e, LLR_ESOLVER,
                        "LAPACKE_dgesdd rejected argument %d%s", (int)-info,
                        info == -5 ? " (the matrix has a NaN)" : "");
    }
    if (info != 0) {
        double *superb = malloc((size_t)(k > 1 ? k - 1 : 1) * sizeof *superb);
        if (!superb) {
            free(copy), free(u);
            return llr_fail(e, LLR_ENOMEM, "out of memory");
        }
        *fallback = 1;
        info = vt ? LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'S', m, n, copy, n,
                                   s, &dummy, 1, vt, n, superb)
                  : LAPACKE_dgesvd(LAPACK_COL_MAJOR, 'N', 'N', n, m, copy, n,
                                   s, &dummy, 1, &dummy, 1, superb);
        free(superb);
        if (info != 0) {
            free(copy), free(u);
            return llr_fail(e, LLR_ESOLVER,
                            "LAPACKE_dgesvd failed (info %d)%s", (int)info,
                            info == -6 ? ": the matrix has a NaN" : "");
        }
    }
    free(copy), free(u);
    /* Finite entries whose largest singular value exceeds DBL_MAX. */
    for (int i = 0; i < k; i++)
        if (!isfinite(s[i]))
            return llr_fail(e, LLR_EINPUT,
                            "the singular values of the %d x %d matrix "
                            "overflow the double range",
                            m, n);
    for (size_t i = 0; vt && i < (size_t)k * n; i++)
        if (!isfinite(vt[i]))
            return llr_fail(e, LLR_EINPUT,
                            "the singular vectors of the %d x %d matrix are "
                            "not finite",
                            m, n);
    return 0;
}

int llr_singular_values(double *a, int m, int n, double *s, int flags,
                        int *fallback, llr_error *e)
{
    return llr_svd(a, m, n, s, NULL, flags, fallback, e);
}

int llr_lstsq(const double *a, int m, int n, const double *b, int nrhs,
              double rcond, double *x, int *rank, llr_error *e)
{
    if (m < 1 || n < 1 || nrhs < 1)
        return llr_fail(e, LLR_EINPUT,
                        "least squares with a %d x %d matrix and %d "
                           "right-hand sides", m, n, nrhs);
    int ld = m > n ? m : n, k = m < n ? m : n;
    if ((double)ld * (n > nrhs ? n : nrhs) > (double)(1u << 30))
        return llr_fail(e, LLR_EINPUT,
                        "least squares of size %d x %d x %d is too large",
                        m, n, nrhs);
    for (size_t i = 0; i < (size_t)m * n; i++)
        if (!isfinite(a[i]))
            return llr_fail(e, LLR_EINPUT,
                            "least squares with %s in the matrix at "
                               "row %d, column %d",
                            non_finite(a[i]), (int)(i / n), (int)(i % n));
    for (size_t i = 0; i < (size_t)m * nrhs; i++)
        if (!isfinite(b[i]))
            return llr_fail(e, LLR_EINPUT,
                            "least squares with %s in the right-hand "
                               "side at row %d, column %d",
                            non_finite(b[i]), (int)(i / nrhs),
                            (int)(i % nrhs));
    double *ac = malloc((size_t)m * n * sizeof *ac);
    double *bc = calloc((size_t)ld * nrhs, sizeof *bc);
    double *sv = malloc((size_t)k * sizeof *sv);
    if (!ac || !bc || !sv) {
        free(ac), free(bc), free(sv);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    memcpy(ac, a, (size_t)m * n * sizeof *ac);
    memcpy(bc, b, (size_t)m * nrhs * sizeof *bc);
    lapack_int rk = 0;
    lapack_int info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, m, n, nrhs, ac, n, bc,
                                     nrhs, sv, rcond, &rk);
    int rc = 0;
    if (info != 0)
        rc = llr_fail(e, LLR_ESOLVER,
                      "LAPACKE_dgelsd failed (info %d)%s", (int)info,
                      info > 0 ? ": its SVD did not converge" : "");
    for (size_t i = 0; rc == 0 && i < (size_t)n * nrhs; i++)
        if (!isfinite(bc[i]))
            rc = llr_fail(e, LLR_EINPUT,
                          "the least-squares solution overflows the "
                             "double range");
    if (rc == 0) {
        memcpy(x, bc, (size_t)n * nrhs * sizeof *x);
        if (rank)
            *rank = (int)rk;
    }
    free(ac), free(bc), free(sv);
    return rc;
}

void llr_blas_query(llr_blas_info *info)
{
    memset(info, 0, sizeof *info);
    Dl_info di;
    void *f = dlsym(RTLD_DEFAULT, "dgemm_");
    if (f && dladdr(f, &di) && di.dli_fname)
        strncpy(info->blas, di.dli_fname, sizeof info->blas - 1);
    f = dlsym(RTLD_DEFAULT, "dgesdd_");
    if (f && dladdr(f, &di) && di.dli_fname)
        strncpy(info->lapack, di.dli_fname, sizeof info->lapack - 1);
    info->openblas = dlsym(RTLD_DEFAULT, "openblas_get_config") != NULL;
}
