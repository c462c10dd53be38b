/* Centring, logsumexp, softmax and the sampling rule. */
#include <criterion/criterion.h>
#include <math.h>

#include "kernels/softmax.h"

Test(softmax, centre_sums_to_zero_and_shift_invariant)
{
    double raw[5] = {1.5, -2.0, 0.25, 7.0, 3.0}, c[5], c2[5], sh[5];
    llr_centre(raw, 5, c);
    double s = 0;
    for (int z = 0; z < 5; z++)
        s += c[z];
    cr_assert(fabs(s) < 1e-14);
    for (int z = 0; z < 5; z++)
        sh[z] = raw[z] + 123.0;
    llr_centre(sh, 5, c2);
    for (int z = 0; z < 5; z++)
        cr_assert(fabs(c[z] - c2[z]) < 1e-12);
}

Test(softmax, softmax_sums_to_one_and_matches_definition)
{
    double l[4] = {0.5, -1.0, 2.0, 0.0}, p[4], lp[4];
    llr_softmax(l, 4, p);
    llr_log_softmax(l, 4, lp);
    double s = 0, den = exp(0.5) + exp(-1.0) + exp(2.0) + 1.0;
    for (int z = 0; z < 4; z++) {
        s += p[z];
        cr_assert(fabs(p[z] - exp(l[z]) / den) < 1e-15);
        cr_assert(fabs(lp[z] - log(exp(l[z]) / den)) < 1e-14);
    }
    cr_assert(fabs(s - 1) < 1e-15);
    cr_assert(fabs(llr_logsumexp(l, 4) - log(den)) < 1e-14);
}

Test(softmax, large_logits_do_not_overflow)
{
    double l[3] = {1000.0, 999.0, -1000.0}, p[3];
    llr_softmax(l, 3, p);
    cr_assert(isfinite(p[0]) && isfinite(p[1]));
    cr_assert(fabs(p[0] - 1 / (1 + exp(-1.0))) < 1e-15);
    cr_assert(fabs(llr_logsumexp(l, 3) - (1000 + log1p(exp(-1.0)))) < 1e-12);
}

Test(softmax, choose_index_inverse_cdf)
{
    double cum[4] = {0.1, 0.1, 0.6, 1.0};
    cr_assert_eq(llr_choose_index(cum, 4, 0.0), 0);
    cr_assert_eq(llr_choose_index(cum, 4, 0.0999), 0);
    cr_assert_eq(llr_choose_index(cum, 4, 0.1), 2); /* zero weight skipped */
    cr_assert_eq(llr_choose_index(cum, 4, 0.7), 3);
    /* Rounding at the top end: the last token of positive weight. */
    cr_assert_eq(llr_choose_index(cum, 4, 1.0), 3);
    double cum0[3] = {0.5, 1.0, 1.0};
    cr_assert_eq(llr_choose_index(cum0, 3, 1.0), 1);
}

Test(softmax, sample_token_frequencies_match_softmax)
{
    double l[3] = {0.0, 1.0, -1.0}, p[3], work[3];
    llr_softmax(l, 3, p);
    llr_prng g;
    llr_prng_seed(&g, 3);
    long count[3] = {0};
    const int n = 200000;
    for (int i = 0; i < n; i++)
        count[llr_sample_token(l, 3, &g, work)]++;
    for (int z = 0; z < 3; z++) {
        double sd = sqrt(n * p[z] * (1 - p[z]));
        cr_assert(fabs(count[z] - n * p[z]) < 8 * sd, "token %d: %ld vs %g",
                  z, count[z], n * p[z]);
    }
}
