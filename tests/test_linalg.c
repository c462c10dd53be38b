/* The checked SVD wrapper: non-finite input and overflowing results are
 * errors (regressions found by fuzz/linalg_fuzzer.c). */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "helpers.h"
#include "kernels/linalg.h"

Test(linalg, infinity_is_an_error_not_nan_values)
{
    for (int flags = 0; flags <= LLR_SVD_FORCE_GESVD; flags++)
        for (int vec = 0; vec < 2; vec++) {
            double a[6] = {1, INFINITY, 3, 4, 5, -6}, s[2], vt[6];
            int fb;
            llr_error e;
            e.msg[0] = 0;
            cr_assert(llr_svd(a, 2, 3, s, vec ? vt : NULL, flags, &fb, &e) ==
                      -1);
            cr_assert(strstr(e.msg, "with +inf at row 0, column 1"),
                      "%s", e.msg);
        }
}

Test(linalg, nan_is_an_error)
{
    double a[4] = {1, 2, NAN, 4}, s[2];
    int fb;
    llr_error e;
    cr_assert(llr_singular_values(a, 2, 2, s, 0, &fb, &e) == -1);
    cr_assert(strstr(e.msg, "a NaN at row 1, column 0"), "%s", e.msg);
    assert_code(e, LLR_EINPUT);
}

Test(linalg, overflowing_singular_value_is_an_error)
{
    /* sigma_1 = sqrt(6) DBL_MAX: finite entries, no finite answer. */
    for (int vec = 0; vec < 2; vec++) {
        double a[6], s[2], vt[6];
        for (int i = 0; i < 6; i++)
            a[i] = DBL_MAX;
        int fb;
        llr_error e;
        cr_assert(llr_svd(a, 2, 3, s, vec ? vt : NULL, 0, &fb, &e) == -1);
        cr_assert(strstr(e.msg, "overflow"), "%s", e.msg);
    }
}

Test(linalg, large_but_representable_is_fine)
{
    double a[6], s[2], vt[6];
    for (int i = 0; i < 6; i++)
        a[i] = DBL_MAX / 4; /* sigma_1 = sqrt(6)/4 DBL_MAX */
    int fb;
    llr_error e;
    cr_assert(llr_svd(a, 2, 3, s, vt, 0, &fb, &e) == 0, "%s", e.msg);
    cr_assert(fabs(s[0] / (sqrt(6.0) / 4 * DBL_MAX) - 1) < 1e-14);
    cr_assert(s[1] <= 1e-14 * s[0]);
}

Test(linalg, lstsq_overdetermined_and_underdetermined)
{
    /* 3 x 2, consistent: x = (1, 2). */
    double a[6] = {1, 0, 0, 1, 1, 1}, b[3] = {1, 2, 3}, x[2];
    int rank = -1;
    llr_error e;
    cr_assert(llr_lstsq(a, 3, 2, b, 1, -1, x, &rank, &e) == 0, "%s", e.msg);
    cr_assert(rank == 2 && fabs(x[0] - 1) < 1e-14 && fabs(x[1] - 2) < 1e-14);
    /* 1 x 2 (b padded to 2 rows): minimum norm x = (1/2, 1/2). */
    double a2[2] = {1, 1}, b2[1] = {1}, x2[2];
    cr_assert(llr_lstsq(a2, 1, 2, b2, 1, -1, x2, &rank, &e) == 0, "%s", e.msg);
    cr_assert(rank == 1 && fabs(x2[0] - 0.5) < 1e-15 &&
              fabs(x2[1] - 0.5) < 1e-15);
}

Test(linalg, lstsq_refuses_non_finite_and_overflow)
{
    double a[2] = {1, INFINITY}, b[2] = {1, 1}, x[1];
    llr_error e;
    cr_assert(llr_lstsq(a, 2, 1, b, 1, -1, x, NULL, &e) == -1);
    cr_assert(strstr(e.msg, "+inf in the matrix at row 1, column 0"), "%s", e.msg);
    double a2[1] = {1}, b2[1] = {NAN};
    cr_assert(llr_lstsq(a2, 1, 1, b2, 1, -1, x, NULL, &e) == -1);
    cr_assert(strstr(e.msg, "a NaN in the right-hand side"), "%s", e.msg);
    double a3[1] = {1e-300}, b3[1] = {1e300};
    cr_assert(llr_lstsq(a3, 1, 1, b3, 1, -1, x, NULL, &e) == -1);
    cr_assert(strstr(e.msg, "overflows"), "%s", e.msg);
}
