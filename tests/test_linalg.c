/* The checked SVD wrapper: non-finite input and overflowing results are
 * errors (regressions found by fuzz/linalg.c). */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "linalg.h"

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
            cr_assert(strstr(e.msg, "non-finite entry inf at row 0, column 1"),
                      "%s", e.msg);
        }
}

Test(linalg, nan_is_an_error)
{
    double a[4] = {1, 2, NAN, 4}, s[2];
    int fb;
    llr_error e;
    cr_assert(llr_singular_values(a, 2, 2, s, 0, &fb, &e) == -1);
    cr_assert(strstr(e.msg, "row 1, column 0"), "%s", e.msg);
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
