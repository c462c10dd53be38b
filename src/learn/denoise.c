#include "learn/denoise.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/linalg.h"

static double dot(const double *a, const double *b, int m)
{
    double s = 0;
    for (int j = 0; j < m; j++)
        s += a[j] * b[j];
    return s;
}

/* The checker: v (r x m) orthonormal, and each x - p orthogonal to v. */
static int check(const double *vt, int r, int m, const double *X,
                 const int *idx, int k, const double *out, llr_error *e)
{
    for (int a = 0; a < r; a++)
        for (int b = 0; b <= a; b++) {
            double g = dot(vt + (size_t)a * m, vt + (size_t)b * m, m);
            if (!(fabs(g - (a == b)) <= LLR_DENOISE_TOL))
                return llr_fail(e, LLR_ECERT,
                                "denoised rows: right singular vectors %d "
                                "and %d have inner product %.3g", a, b, g);
        }
    for (int i = 0; i < k; i++) {
        const double *x = X + (size_t)idx[i] * m, *p = out + (size_t)i * m;
        double nx = sqrt(dot(x, x, m));
        for (int a = 0; a < r; a++) {
            const double *v = vt + (size_t)a * m;
            double s = dot(x, v, m) - dot(p, v, m);
            if (!(fabs(s) <= LLR_DENOISE_TOL * (1 + nx)))
                return llr_fail(e, LLR_ECERT,
                                "denoised rows: the residual of basis row "
                                "%d is not orthogonal to singular vector %d "
                                "(%.3g)", i, a, s);
        }
    }
    return 0;
}

int llr_denoise_rows(const double *X, int n, int m, int d, const int *idx,
                     int k, double *out, llr_error *e)
{
    if (k == 0)
        return 0;
    int mn = n < m ? n : m, r = d < mn ? d : mn, fb;
    double *a = malloc((size_t)n * m * sizeof *a);
    double *s = malloc((size_t)mn * sizeof *s);
    double *vt = malloc((size_t)mn * m * sizeof *vt);
    if (!a || !s || !vt) {
        free(a), free(s), free(vt);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    memcpy(a, X, (size_t)n * m * sizeof *a);
    int rc = llr_svd(a, n, m, s, vt, 0, &fb, e);
    for (int i = 0; rc == 0 && i < k; i++) {
        const double *x = X + (size_t)idx[i] * m;
        double *p = out + (size_t)i * m;
        memset(p, 0, (size_t)m * sizeof *p);
        for (int j = 0; j < r; j++) {
            const double *v = vt + (size_t)j * m;
            double c = dot(x, v, m);
            for (int q = 0; q < m; q++)
                p[q] += c * v[q];
        }
    }
    if (rc == 0)
        rc = check(vt, r, m, X, idx, k, out, e);
    free(a), free(s), free(vt);
    return rc;
}
