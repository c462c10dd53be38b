/* kernels/confidence.h - confidence bounds for the mean of values in [0, 1].
 *
 * The certified TV of a learned model (docs/learner.md, "The certificate")
 * is such a bound: for a teacher P and a model Q, W(y) = (1 - Q(y)/P(y))+
 * lies in [0, 1] and E_{y~P} W = TV(P, Q), so n teacher samples give n
 * i.i.d. values whose mean mu is the TV. Everything here is a pure function
 * of the sample count n, the sample mean m, the sample variance v and the
 * confidence delta (no model, no state), so that it can be tested against
 * an independent computation and fuzzed on its own.
 *
 * One-sided bounds, each holding with probability >= 1 - delta:
 *   binomial-KL (Chernoff), with c = ln(1/delta) / n:
 *       mu <= sup{ q in [m, 1] : kl(m, q) <= c },
 *       mu >= inf{ q in [0, m] : kl(m, q) <= c },
 *     with kl(p, q) = p ln(p/q) + (1-p) ln((1-p)/(1-q)); for values in
 *     [0, 1] the Bernoulli case is the worst (the exponential moment of a
 *     [0, 1] variable is at most that of a Bernoulli variable of the same
 *     mean, by convexity of e^{lambda x}).
 *   empirical Bernstein (Maurer and Pontil 2009, Thm 4), n >= 2:
 *                            mu <= m + sqrt(2 v ln(2/delta) / n)
 *                                    + 7 ln(2/delta) / (3 (n - 1)),
 *     v the unbiased sample variance; the lower bound mirrors it.
 * llr_mean_bounds takes the tighter of the two at delta/2 each, so that
 * the minimum (maximum) still holds with probability >= 1 - delta.
 *
 * Rounding: the KL bound is found by bisection to the last bit and then
 * widened by a relative 1e-9 (plus 1e-300), far more than the rounding
 * error of evaluating kl (a few units in the last place of its terms); the
 * Bernstein bound is widened by a relative 1e-12. Results are clipped to
 * [0, 1]. An invalid argument (n = 0, delta outside (0, 1), a NaN) gives
 * the trivial bounds 1 (upper) and 0 (lower).
 */
#ifndef LLR_CONFIDENCE_H
#define LLR_CONFIDENCE_H

#include <stdint.h>

/* W(y) = (1 - Q(y)/P(y))+ from log P(y) and log Q(y): -expm1(logq - logp)
 * when logq < logp, else 0; a NaN difference gives 1 (the worst value). */
double llr_tv_weight(double logp, double logq);

/* Running mean and variance (Welford's update, in the order given: the
 * result is a deterministic function of the sequence). */
typedef struct llr_mean_acc {
    uint64_t n;
    double mean;
    double m2;  /* sum of squared deviations from the mean */
} llr_mean_acc;

void llr_mean_acc_add(llr_mean_acc *a, double x);
/* The unbiased sample variance m2 / (n - 1); 0 when n < 2. */
double llr_mean_acc_var(const llr_mean_acc *a);

/* kl(p, q) between Bernoulli(p) and Bernoulli(q), p, q in [0, 1]; +inf
 * when q is 0 or 1 and p differs from it. */
double llr_kl_bernoulli(double p, double q);

/* The binomial-KL bounds above at confidence 1 - delta. */
double llr_kl_upper(double mean, double n, double delta);
double llr_kl_lower(double mean, double n, double delta);

/* The empirical Bernstein bounds above at confidence 1 - delta (trivial
 * for n < 2). */
double llr_bernstein_upper(double mean, double var, double n, double delta);
double llr_bernstein_lower(double mean, double var, double n, double delta);

typedef struct llr_mean_bound {
    uint64_t n;
    double delta;
    double mean, var;        /* the sample mean and variance given */
    double kl, bernstein;    /* the two upper bounds, each at delta / 2 */
    double upper;            /* min(kl, bernstein): P(mu > upper) <= delta */
    double kl_lo, bernstein_lo;
    double lower;            /* max of the lower ones:
                              * P(mu < lower) <= delta */
} llr_mean_bound;

/* Both bounds from n values with sample mean `mean` and unbiased sample
 * variance `var`, at confidence 1 - delta each side. */
void llr_mean_bounds(uint64_t n, double mean, double var, double delta,
                     llr_mean_bound *out);

/* The smallest n such that n values of mean `mean` give a binomial-KL
 * upper bound at confidence 1 - delta of at most `target` (the round size
 * of a certificate); 0 when no n up to 2^53 does (mean >= target, or an
 * invalid argument). */
uint64_t llr_kl_samples(double target, double mean, double delta);

#endif
