/* oracle/cond_sample.h - the conditional-sampling oracle (--access
 * sample,...): each call draws one token from M(.|h); a whole centred logit
 * vector is estimated from n calls at the prefix, with a confidence bound
 * (GLS2 Remark 5.8; docs/access.md).
 *
 * With every centred logit in [-lambda, lambda], every p_z >= p_min =
 * e^{-2 lambda} / V. With counts c_z of n draws and p^_z = c_z / n, the
 * multiplicative Chernoff bound P(|p^_z - p_z| >= t p_z) <= 2 e^{-n p_z t^2
 * / 3} and a union bound over the V tokens give: with probability at least
 * 1 - delta every |log p^_z - log p_z| <= -log(1 - t), so every centred
 * entry of log p^ is within xi = -2 log(1 - t), as soon as
 *   n >= 3 V e^{2 lambda} ln(2V / delta) / t^2,   t = 1 - e^{-xi/2}
 * (llr_cond_samples: Remark 5.8's O(e^{2 lambda} V log(V/delta) / eps^2)
 * with its constants). A token never drawn means p_z < p_min with
 * probability >= 1 - delta: the declared lambda is wrong, an error.
 * The draws are simulated from the model's logits at the prefix with a
 * generator seeded by the prefix (so the answers are deterministic).
 */
#ifndef LLR_COND_SAMPLE_H
#define LLR_COND_SAMPLE_H

#include <stdint.h>

#include "base/error.h"

#define LLR_COND_MAX_CALLS 1e9

typedef struct llr_cond_access {
    int on;        /* 1: answer logit queries from conditional samples */
    double lambda; /* declared bound on |centred logit|, > 0 */
    double xi;     /* the per-entry error wanted, > 0 */
    double delta;  /* failure probability per estimated vector */
    long long n;   /* > 0: draws per vector forced (for measurements) */
} llr_cond_access;

/* "sample[,lambda:L][,xi:X][,delta:D][,n:N]" (defaults lambda 3, xi 0.1,
 * delta 0.001) into c; LLR_EUSAGE on anything else. */
LLR_MUST_CHECK
int llr_cond_parse(const char *s, llr_cond_access *c, llr_error *e);

/* The draws per vector of the bound above (a real number: it may be
 * astronomically large). */
double llr_cond_samples(const llr_cond_access *c, int V);

/* The draws per vector used: c->n when forced, else llr_cond_samples
 * rounded up; LLR_EUSAGE when above LLR_COND_MAX_CALLS. */
LLR_MUST_CHECK
int llr_cond_calls(const llr_cond_access *c, int V, long long *n,
                   llr_error *e);

/* The estimate from the counts cnt[0..V) of n draws: out = centred
 * log(cnt / n); LLR_EINPUT when a count is 0 (see above). */
LLR_MUST_CHECK
int llr_cond_estimate(const long long *cnt, int V, long long n, double *out,
                      llr_error *e);

#endif
