/* kernels/softmax.h - centred logits, logsumexp, softmax, and the sampling rule.
 *
 * Paper notation (docs/mathematics.md §1.2): for logits l in R^V,
 * centre(l)_z = l_z - (1/V) sum_z' l_z';
 * softmax(l)_z = exp(l_z) / sum_z' exp(l_z'), computed as exp(l_z - max l)
 * over the sum of the same terms, which is exact in real arithmetic and never
 * overflows. Vectors have length V >= 1.
 */
#ifndef LLR_SOFTMAX_H
#define LLR_SOFTMAX_H

#include <errno.h>

#include "base/prng.h"

#ifdef __FRAMAC__ /* ACSL logic (spec/): seen by Frama-C only */
#include "../../spec/exact.acsl"
#include "../../spec/softmax.acsl"
#endif

/* Contracts (docs/verification.md). Proved in the IEEE model: memory
 * safety (-wp-rte), what is assigned (errno too: exp and log may set it),
 * termination, and the float-native facts stated with \le_double and
 * \is_finite. WP runs this file with -warn-special-float none: finiteness
 * of the intermediate sums is not proved (WP's provers fail on the
 * int-to-double and real/float mixes it needs; docs/verification.md), it
 * is left to the tests. Clauses inside LLR_EXACT(...) hold in the real model only (the
 * exact-arithmetic idealisation, spec/exact.acsl) and are proved in a
 * separate run. */

/* out = raw - mean(raw); out and raw may be the same array. No scaling:
 * when the running sum of raw passes DBL_MAX, every output is non-finite
 * (callers reject non-finite logits). */
/*@ // llr_mean: spec/softmax.acsl
    requires 1 <= V;
    requires \valid_read(raw + (0 .. V - 1));
    requires \valid(out + (0 .. V - 1));
    requires out == raw || \separated(raw + (0 .. V - 1), out + (0 .. V - 1));
    assigns out[0 .. V - 1];
    LLR_EXACT(ensures exact: centred: \forall integer k; 0 <= k < V ==>
        out[k] == \at(raw[k], Pre) - llr_mean{Pre}(raw, V);)
*/
void llr_centre(const double *raw, int V, double *out);

/* max_z x_z, by the C comparison x_z > m from m = x_0: a NaN is returned
 * only when x_0 is NaN (a NaN elsewhere is skipped). */
/*@ // llr_is_max: spec/softmax.acsl
    requires 1 <= V;
    requires \valid_read(x + (0 .. V - 1));
    requires \forall integer k; 0 <= k < V ==> \is_finite(x[k]);
    assigns \nothing;
    ensures \is_finite(\result);
    ensures llr_is_max(x, V, \result);
*/
double llr_max(const double *x, int V);

/* log sum_z exp(x_z), as m + log(sum exp(x_z - m)) with m = max x. With
 * an entry +inf the result is NaN (inf - inf), not +inf; with every entry
 * -inf it is NaN, not -inf: callers pass finite logits. */
/*@ requires 1 <= V;
    requires \valid_read(x + (0 .. V - 1));
    requires \forall integer k; 0 <= k < V ==> \is_finite(x[k]);
    assigns errno;
*/
double llr_logsumexp(const double *x, int V);

/* p = softmax(l); p and l may be the same array. */
/*@ requires 1 <= V;
    requires \valid_read(l + (0 .. V - 1));
    requires \forall integer k; 0 <= k < V ==> \is_finite(l[k]);
    requires \valid(p + (0 .. V - 1));
    requires p == l || \separated(l + (0 .. V - 1), p + (0 .. V - 1));
    assigns p[0 .. V - 1], errno;
*/
void llr_softmax(const double *l, int V, double *p);

/* lp = l - logsumexp(l) (log-probabilities); lp and l may be the same.
 * Computed as (l - max l) - log sum exp(l - max l), so that the
 * probabilities exp(lp) sum to 1 within a few ulps whatever the size of
 * the logits (l - (max l + log s) loses log s beside a max of 1e20). */
/*@ requires 1 <= V;
    requires \valid_read(l + (0 .. V - 1));
    requires \forall integer k; 0 <= k < V ==> \is_finite(l[k]);
    requires \valid(lp + (0 .. V - 1));
    requires lp == l || \separated(l + (0 .. V - 1), lp + (0 .. V - 1));
    assigns lp[0 .. V - 1], errno;
    LLR_EXACT(ensures exact: shifted: \forall integer k; 0 <= k < V ==>
        lp[k] - \at(l[k], Pre) == lp[0] - \at(l[0], Pre);)
*/
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
/*@ requires 1 <= V;
    requires \valid_read(l + (0 .. V - 1));
    requires \forall integer k; 0 <= k < V ==> \is_finite(l[k]);
    requires \valid(g);
    requires \valid(work + (0 .. V - 1));
    requires \separated(g, work + (0 .. V - 1), l + (0 .. V - 1));
    requires \separated(work + (0 .. V - 1), l + (0 .. V - 1));
    assigns work[0 .. V - 1], g->state, errno;
    ensures 0 <= \result < V;
*/
int llr_sample_token(const double *l, int V, llr_prng *g, double *work);

#endif
