/* The confidence bounds of the TV certificate (kernels/confidence.h):
 * closed forms, the exact coverage of the worst case (Bernoulli values,
 * summed over the binomial distribution), the round-size function, and
 * the accumulator. tests/numpy_check.py recomputes them with SciPy. */
#include <criterion/criterion.h>
#include <math.h>

#include "kernels/confidence.h"

/* log P(K = k) for K ~ Binomial(n, p). */
static double log_pmf(int n, int k, double p)
{
    double lc = lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0);
    if (p <= 0)
        return k == 0 ? 0 : -INFINITY;
    if (p >= 1)
        return k == n ? 0 : -INFINITY;
    return lc + k * log(p) + (n - k) * log1p(-p);
}

Test(confidence, kl_closed_forms)
{
    cr_assert_eq(llr_kl_bernoulli(0.3, 0.3), 0.0);
    cr_assert(fabs(llr_kl_bernoulli(0, 0.25) + log(0.75)) < 1e-15);
    cr_assert(fabs(llr_kl_bernoulli(1, 0.25) + log(0.25)) < 1e-15);
    /* 0.5 ln(0.5/0.25) + 0.5 ln(0.5/0.75) = 0.5 ln(4/3) */
    cr_assert(fabs(llr_kl_bernoulli(0.5, 0.25) - 0.5 * log(4.0 / 3)) <
              1e-15);
    cr_assert(isinf(llr_kl_bernoulli(0.5, 0)));
    cr_assert(isinf(llr_kl_bernoulli(0.5, 1)));
}

Test(confidence, kl_bound_of_a_zero_mean_is_one_minus_delta_to_the_1_over_n)
{
    /* n kl(0, q) = -n ln(1 - q) = ln(1/delta)  <=>  q = 1 - delta^(1/n). */
    const double ns[] = {1, 7, 300, 12345}, ds[] = {0.5, 0.05, 1e-6};
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++) {
            double want = -expm1(log(ds[j]) / ns[i]);
            double got = llr_kl_upper(0, ns[i], ds[j]);
            cr_assert(got >= want && got <= want * (1 + 1e-8),
                      "n %g delta %g: %.17g vs %.17g", ns[i], ds[j], got,
                      want);
        }
    /* The figure: 300 samples with W = 0 certify 0.01 at 0.05. */
    cr_assert(llr_kl_upper(0, 300, 0.05) <= 0.01);
    cr_assert(llr_kl_upper(0, 290, 0.05) > 0.01);
}

Test(confidence, bounds_meet_their_defining_equation)
{
    const double ms[] = {0.001, 0.1, 0.37, 0.9};
    for (int i = 0; i < 4; i++) {
        double n = 500, d = 0.01, c = log(1 / d) / n;
        double u = llr_kl_upper(ms[i], n, d), l = llr_kl_lower(ms[i], n, d);
        cr_assert(u > ms[i] && l < ms[i]);
        /* Just outside the sup and the inf: kl above c; just inside: at
         * most c. */
        cr_assert(llr_kl_bernoulli(ms[i], u) >= c);
        cr_assert(llr_kl_bernoulli(ms[i], u * (1 - 1e-7)) <= c);
        cr_assert(llr_kl_bernoulli(ms[i], l) >= c);
        cr_assert(llr_kl_bernoulli(ms[i], l * (1 + 1e-7)) <= c);
    }
}

Test(confidence, bernstein_is_maurer_pontil)
{
    double m = 0.2, v = 0.05, n = 1000, d = 0.1, L = log(2 / d);
    double want = m + sqrt(2 * v * L / n) + 7 * L / (3 * (n - 1));
    double got = llr_bernstein_upper(m, v, n, d);
    cr_assert(got >= want && got <= want * (1 + 1e-11), "%.17g %.17g", got,
              want);
    double lo = llr_bernstein_lower(m, v, n, d);
    cr_assert(fabs(lo - (m - (want - m))) < 1e-12);
    cr_assert_eq(llr_bernstein_upper(m, v, 1, d), 1.0);
    /* A mean with little variance: Bernstein beats KL, and
     * llr_mean_bounds keeps the smaller (each at delta / 2). */
    llr_mean_bound b;
    llr_mean_bounds(100000, 0.5, 1e-6, 0.05, &b);
    cr_assert(b.bernstein < b.kl);
    cr_assert_eq(b.upper, b.bernstein);
    cr_assert_eq(b.kl, llr_kl_upper(0.5, 100000, 0.025));
    cr_assert(b.lower == b.bernstein_lo && b.lower < 0.5);
    /* A zero mean: KL wins by far. */
    llr_mean_bounds(400, 0, 0, 0.05, &b);
    cr_assert_eq(b.upper, b.kl);
    cr_assert_eq(b.lower, 0.0);
}

Test(confidence, invalid_arguments_give_trivial_bounds)
{
    llr_mean_bound b;
    llr_mean_bounds(0, 0.1, 0, 0.05, &b);
    cr_assert(b.upper == 1 && b.lower == 0);
    llr_mean_bounds(10, 0.1, 0, 0, &b);
    cr_assert(b.upper == 1 && b.lower == 0);
    llr_mean_bounds(10, 0.1, 0, 1, &b);
    cr_assert(b.upper == 1 && b.lower == 0);
    llr_mean_bounds(10, NAN, 0, 0.05, &b);
    cr_assert(b.upper == 1 && b.lower == 0);
    cr_assert_eq(llr_kl_samples(0.01, 0.02, 0.05), 0);
    cr_assert_eq(llr_kl_samples(0.01, 0.0, 1.5), 0);
}

/* The worst case of a [0, 1] mean is Bernoulli: the probability that the
 * bound misses p, summed exactly over Binomial(n, p), must be <= delta. */
Test(confidence, coverage_of_the_worst_case_is_at_least_1_minus_delta)
{
    const int ns[] = {5, 40, 300};
    const double delta = 0.05;
    for (int a = 0; a < 3; a++) {
        int n = ns[a];
        for (double p = 0.0; p <= 1.0 + 1e-12; p += 1.0 / 64) {
            double miss_kl_up = 0, miss_kl_lo = 0, miss_up = 0, miss_lo = 0;
            for (int k = 0; k <= n; k++) {
                double w = exp(log_pmf(n, k, p)), m = (double)k / n;
                double var = n > 1 ? m * (1 - m) * n / (n - 1) : 0;
                llr_mean_bound b;
                llr_mean_bounds((uint64_t)n, m, var, delta, &b);
                miss_kl_up += llr_kl_upper(m, n, delta) < p ? w : 0;
                miss_kl_lo += llr_kl_lower(m, n, delta) > p ? w : 0;
                miss_up += b.upper < p ? w : 0;
                miss_lo += b.lower > p ? w : 0;
            }
            cr_assert(miss_kl_up <= delta * (1 + 1e-9), "n %d p %g: %g", n,
                      p, miss_kl_up);
            cr_assert(miss_kl_lo <= delta * (1 + 1e-9), "n %d p %g: %g", n,
                      p, miss_kl_lo);
            cr_assert(miss_up <= delta * (1 + 1e-9), "n %d p %g: %g", n, p,
                      miss_up);
            cr_assert(miss_lo <= delta * (1 + 1e-9), "n %d p %g: %g", n, p,
                      miss_lo);
        }
    }
}

Test(confidence, round_size_is_the_smallest_that_certifies)
{
    const double targets[] = {0.01, 0.05, 0.3}, deltas[] = {0.0125, 0.2};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++) {
            double t = targets[i], d = deltas[j], m = t / 100;
            uint64_t n = llr_kl_samples(t, m, d);
            cr_assert(n > 1);
            cr_assert(llr_kl_upper(m, (double)n, d) <= t);
            cr_assert(llr_kl_upper(m, (double)(n - 1), d) > t);
        }
    /* eps 0.01 at delta/2 = 0.025 (the baselines' certificate). */
    uint64_t n = llr_kl_samples(0.01, 1e-4, 0.025);
    cr_assert(n >= 380 && n <= 400, "%llu", (unsigned long long)n);
}

Test(confidence, accumulator_matches_two_pass_moments)
{
    llr_mean_acc a = {0};
    double x[7] = {0, 1, 0.25, 0.5, 0.125, 1, 0.75}, s = 0, ss = 0;
    for (int i = 0; i < 7; i++) {
        llr_mean_acc_add(&a, x[i]);
        s += x[i];
    }
    double m = s / 7;
    for (int i = 0; i < 7; i++)
        ss += (x[i] - m) * (x[i] - m);
    cr_assert_eq(a.n, 7);
    cr_assert(fabs(a.mean - m) < 1e-15);
    cr_assert(fabs(llr_mean_acc_var(&a) - ss / 6) < 1e-15);
    llr_mean_acc one = {0};
    llr_mean_acc_add(&one, 0.3);
    cr_assert_eq(llr_mean_acc_var(&one), 0.0);
}
