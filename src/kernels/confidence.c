#include "kernels/confidence.h"

#include <math.h>

/* Widening of the bisected KL bound and of the Bernstein bound (see the
 * header: far above the rounding error of evaluating them). */
#define KL_PAD 1e-9
#define BERN_PAD 1e-12
/* Bisection steps: the bracket halves each time, so 200 steps reach
 * adjacent doubles from any bracket in [0, 1]. */
#define STEPS 200

double llr_tv_weight(double logp, double logq)
{
    double d = logq - logp;
    if (d != d)
        return 1;
    if (!(d < 0))
        return 0;
    double w = -expm1(d);
    return w > 1 ? 1 : w;
}

void llr_mean_acc_add(llr_mean_acc *a, double x)
{
    a->n++;
    double d = x - a->mean;
    a->mean += d / (double)a->n;
    a->m2 += d * (x - a->mean);
}

double llr_mean_acc_var(const llr_mean_acc *a)
{
    if (a->n < 2)
        return 0;
    double v = a->m2 / (double)(a->n - 1);
    return v > 0 ? v : 0;
}

double llr_kl_bernoulli(double p, double q)
{
    if (p <= 0)
        return -log1p(-q);
    if (p >= 1)
        return -log(q);
    if (q <= 0 || q >= 1)
        return INFINITY;
    return p * log(p / q) + (1 - p) * (log1p(-p) - log1p(-q));
}

static int valid(double mean, double n, double delta)
{
    return n >= 1 && delta > 0 && delta < 1 && mean == mean;
}

static double clip01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

double llr_kl_upper(double mean, double n, double delta)
{
    if (!valid(mean, n, delta))
        return 1;
    double m = clip01(mean), c = log(1 / delta) / n;
    if (m >= 1)
        return 1;
    /* kl(m, .) increases on [m, 1] from 0 to +inf: keep kl(m, lo) <= c <
     * kl(m, hi). */
    double lo = m, hi = 1;
    for (int i = 0; i < STEPS; i++) {
        double mid = lo + (hi - lo) / 2;
        if (mid <= lo || mid >= hi)
            break;
        if (llr_kl_bernoulli(m, mid) > c)
            hi = mid;
        else
            lo = mid;
    }
    return clip01(hi * (1 + KL_PAD) + 1e-300);
}

double llr_kl_lower(double mean, double n, double delta)
{
    if (!valid(mean, n, delta))
        return 0;
    double m = clip01(mean), c = log(1 / delta) / n;
    if (m <= 0)
        return 0;
    /* kl(m, .) decreases on [0, m] from +inf to 0: keep kl(m, lo) > c >=
     * kl(m, hi). */
    double lo = 0, hi = m;
    for (int i = 0; i < STEPS; i++) {
        double mid = lo + (hi - lo) / 2;
        if (mid <= lo || mid >= hi)
            break;
        if (llr_kl_bernoulli(m, mid) > c)
            lo = mid;
        else
            hi = mid;
    }
    return clip01(lo * (1 - KL_PAD));
}

/* sqrt(2 v L / n) + 7 L / (3 (n - 1)), L = ln(2 / delta). */
static double bernstein_width(double var, double n, double delta)
{
    double L = log(2 / delta), v = var > 0 ? var : 0;
    return sqrt(2 * v * L / n) + 7 * L / (3 * (n - 1));
}

double llr_bernstein_upper(double mean, double var, double n, double delta)
{
    if (!valid(mean, n, delta) || n < 2 || var != var)
        return 1;
    double b = clip01(mean) + bernstein_width(var, n, delta);
    return clip01(b * (1 + BERN_PAD));
}

double llr_bernstein_lower(double mean, double var, double n, double delta)
{
    if (!valid(mean, n, delta) || n < 2 || var != var)
        return 0;
    double b = clip01(mean) - bernstein_width(var, n, delta);
    return clip01(b * (1 - BERN_PAD));
}

void llr_mean_bounds(uint64_t n, double mean, double var, double delta,
                     llr_mean_bound *out)
{
    double dn = (double)n, h = delta / 2;
    out->n = n;
    out->delta = delta;
    out->mean = mean;
    out->var = var;
    if (!(delta > 0 && delta < 1))
        h = 0; /* invalid: every bound below is trivial */
    out->kl = llr_kl_upper(mean, dn, h);
    out->bernstein = llr_bernstein_upper(mean, var, dn, h);
    out->upper = out->kl < out->bernstein ? out->kl : out->bernstein;
    out->kl_lo = llr_kl_lower(mean, dn, h);
    out->bernstein_lo = llr_bernstein_lower(mean, var, dn, h);
    out->lower = out->kl_lo > out->bernstein_lo ? out->kl_lo
                                                : out->bernstein_lo;
}

uint64_t llr_kl_samples(double target, double mean, double delta)
{
    const double max = 9007199254740992.0; /* 2^53 */
    if (!(delta > 0 && delta < 1) || !(mean >= 0) || !(target <= 1) ||
        !(mean < target))
        return 0;
    double k = llr_kl_bernoulli(mean, target);
    if (!(k > 0))
        return 0;
    double n = ceil(log(1 / delta) / k);
    if (!(n <= max))
        return 0;
    if (n < 1)
        n = 1;
    /* The closed form ignores the padding: step to the exact answer. */
    while (n <= max && llr_kl_upper(mean, n, delta) > target)
        n++;
    while (n > 1 && llr_kl_upper(mean, n - 1, delta) <= target)
        n--;
    return n <= max ? (uint64_t)n : 0;
}
