/* softmax.h - centred logits, logsumexp, softmax, and the sampling rule.
 *
 * Paper notation: for logits l in R^V, centre(l)_z = l_z - (1/V) sum_z' l_z';
 * softmax(l)_z = exp(l_z) / sum_z' exp(l_z'), computed as exp(l_z - max l)
 * over the sum of the same terms, which is exact in real arithmetic and never
 * overflows. Vectors have length V >= 1.
 */
#ifndef LLR_SOFTMAX_H
#define LLR_SOFTMAX_H

#include "prng.h"

/* out = raw - mean(raw); out and raw may be the same array. */
void llr_centre(const double *raw, int V, double *out);

/* max_z x_z. */
double llr_max(const double *x, int V);

/* log sum_z exp(x_z), as m + log(sum exp(x_z - m)) with m = max x. */
double llr_logsumexp(const double *x, int V);

/* p = softmax(l). */
void llr_softmax(const double *l, int V, double *p);

/* lp = l - logsumexp(l) (log-probabilities). */
void llr_log_softmax(const double *l, int V, double *lp);

/* The smallest i with target < cum[i], where cum is nondecreasing (the
 * cumulative weights); when there is none (rounding at the top end), the last
 * i whose weight is positive (cum[i] > cum[i-1], cum[-1] = 0); 0 if none. */
/*@ requires n >= 1;
    requires \valid_read(cum + (0 .. n - 1));
    assigns \nothing;
    ensures 0 <= \result < n;
    // The comparisons are the IEEE ones of the C code (false on NaN).
    behavior found:
      assumes \exists integer i; 0 <= i < n && \lt_double(target, cum[i]);
      ensures \lt_double(target, cum[\result]);
      ensures \forall integer i; 0 <= i < \result ==>
                  !\lt_double(target, cum[i]);
    behavior top:
      assumes \forall integer i; 0 <= i < n ==> !\lt_double(target, cum[i]);
      ensures \result == 0 || \gt_double(cum[\result], cum[\result - 1]);
      ensures \forall integer i; \result < i < n ==>
                  !\gt_double(cum[i], cum[i - 1]);
    complete behaviors;
    disjoint behaviors;
*/
int llr_choose_index(const double *cum, int n, double target);

/* The sampling rule (inverse CDF over the softmax), specified for
 * reproduction: w_z = exp(l_z - max l); cum_z = w_0 + ... + w_z summed left
 * to right; u = llr_prng_uniform(g) (one draw); answer
 * llr_choose_index(cum, V, u * cum_{V-1}). work holds V doubles. */
int llr_sample_token(const double *l, int V, llr_prng *g, double *work);

#endif
