/* Singular values, numerical rank, the power-law fit, BLAS selection. */
#include <criterion/criterion.h>
#include <string.h>
#include <math.h>
#include <stdlib.h>

#include "kernels/linalg.h"
#include "measure/spectrum.h"

Test(spectrum, diagonal_power_law_recovered)
{
    const int m = 6, n = 9;
    double a[6 * 9] = {0};
    for (int i = 0; i < m; i++)
        a[i * n + (i * 7) % n] = 5.0 * pow(i + 1.0, -0.7); /* permuted cols */
    llr_spectrum sp;
    llr_error err;
    cr_assert(llr_spectrum_of(a, m, n, -1, 0, &sp, &err) == 0, "%s", err.msg);
    cr_assert_eq(sp.rank, 6);
    for (int i = 0; i < m; i++)
        cr_assert(fabs(sp.sigma[i] - 5.0 * pow(i + 1.0, -0.7)) < 1e-14);
    cr_assert(fabs(sp.exponent - 0.7) < 1e-12, "a = %.17g", sp.exponent);
    cr_assert(fabs(sp.coef - 5.0) < 1e-12);
    llr_spectrum_free(&sp);
}

Test(spectrum, gesvd_fallback_agrees_with_gesdd)
{
    const int m = 20, n = 13;
    double *a = malloc(m * n * sizeof *a), *b = malloc(m * n * sizeof *b);
    llr_prng g;
    llr_prng_seed(&g, 5);
    for (int i = 0; i < m * n; i++)
        a[i] = b[i] = llr_prng_normal(&g);
    llr_spectrum s1, s2;
    llr_error err;
    cr_assert(llr_spectrum_of(a, m, n, -1, 0, &s1, &err) == 0);
    cr_assert(llr_spectrum_of(b, m, n, -1, LLR_SVD_FORCE_GESVD, &s2, &err) ==
              0);
    cr_assert_eq(s1.fallback, 0);
    cr_assert_eq(s2.fallback, 1);
    for (int i = 0; i < s1.k; i++) {
        cr_assert(fabs(s1.sigma[i] - s2.sigma[i]) < 1e-12 * s1.sigma[0]);
        if (i)
            cr_assert(s1.sigma[i] <= s1.sigma[i - 1]);
    }
    llr_spectrum_free(&s1);
    llr_spectrum_free(&s2);
    free(a);
    free(b);
}

Test(spectrum, nan_is_an_error)
{
    double a[4] = {1, 2, NAN, 4};
    llr_spectrum sp;
    llr_error err;
    cr_assert(llr_spectrum_of(a, 2, 2, -1, 0, &sp, &err) != 0);
    cr_assert(strstr(err.msg, "NaN") != NULL, "%s", err.msg);
}

Test(blas, reference_netlib_libraries_are_loaded)
{
    llr_blas_info b;
    llr_blas_query(&b);
    cr_assert(strstr(b.blas, "/blas/libblas.so") != NULL, "BLAS is '%s'",
              b.blas);
    cr_assert(strstr(b.lapack, "/lapack/liblapack.so") != NULL,
              "LAPACK is '%s'", b.lapack);
    cr_assert_eq(b.openblas, 0, "OpenBLAS is loaded");
}
