/* The PRNG: SplitMix64 bit for bit, and its derived draws. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "base/prng.h"

Test(prng, splitmix64_reference_values)
{
    /* The published SplitMix64 outputs for seed 0. */
    llr_prng g;
    llr_prng_seed(&g, 0);
    cr_assert_eq(llr_prng_next(&g), 0xe220a8397b1dcdafULL);
    cr_assert_eq(llr_prng_next(&g), 0x6e789e6aa1b965f4ULL);
    cr_assert_eq(llr_prng_next(&g), 0x06c45d188009454fULL);
}

Test(prng, uniform_in_unit_interval_and_deterministic)
{
    llr_prng a, b;
    llr_prng_seed(&a, 42);
    llr_prng_seed(&b, 42);
    for (int i = 0; i < 100000; i++) {
        double u = llr_prng_uniform(&a);
        cr_assert(u >= 0.0 && u < 1.0);
        cr_assert_eq(u, llr_prng_uniform(&b));
    }
}

Test(prng, below_is_in_range_and_unbiased)
{
    llr_prng g;
    llr_prng_seed(&g, 7);
    long count[3] = {0};
    const int n = 300000;
    for (int i = 0; i < n; i++) {
        uint64_t r = llr_prng_below(&g, 3);
        cr_assert(r < 3);
        count[r]++;
    }
    /* Each count is Binomial(n, 1/3): standard deviation about 258;
     * 8 standard deviations make a false alarm impossible in practice. */
    for (int k = 0; k < 3; k++)
        cr_assert(labs(count[k] - n / 3) < 8 * 258, "count[%d] = %ld", k,
                  count[k]);
    cr_assert_eq(llr_prng_below(&g, 1), 0);
}

Test(prng, normal_has_unit_moments)
{
    llr_prng g;
    llr_prng_seed(&g, 11);
    const int n = 200000;
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++) {
        double x = llr_prng_normal(&g);
        s += x;
        s2 += x * x;
    }
    /* Mean has sd 1/sqrt(n) = 0.0022; variance estimate sd about 0.0032. */
    cr_assert(fabs(s / n) < 0.02);
    cr_assert(fabs(s2 / n - 1) < 0.03);
}
