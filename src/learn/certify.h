/* learn/certify.h - the certified TV of a learned model, from teacher
 * samples alone (docs/learner.md, "The certificate").
 *
 * For the teacher P and a model Q over Sigma^T,
 *   W(y) = (1 - Q(y) / P(y))+  in [0, 1],   E_{y~P} W(y) = TV(P, Q),
 * since sum_y P(y) (1 - Q(y)/P(y))+ = sum_y (P(y) - Q(y))+ = TV. A teacher
 * sample comes with the teacher's log-probability of each token, so
 * log P(y) costs no logit query, and log Q(y) is Q's own. n fresh samples
 * give n i.i.d. values of W; kernels/confidence.h turns their mean and
 * variance into an upper bound that holds with probability >= 1 - delta:
 * tv_certified. gls computes its certificate inside its loop (gls.c: a
 * run ends when a fresh round certifies TV <= eps); llr_certify does it
 * once for any model (the baselines).
 */
#ifndef LLR_CERTIFY_H
#define LLR_CERTIFY_H

#include <stdint.h>

#include "kernels/confidence.h"
#include "models/model.h"
#include "oracle/oracle.h"

typedef struct llr_certificate {
    uint64_t n;        /* fresh teacher samples */
    double delta;      /* the bound holds with probability >= 1 - delta */
    double estimate;   /* mean of W: an unbiased estimate of TV */
    double upper;      /* tv_certified */
    double lower;      /* the matching lower bound (also at 1 - delta) */
    llr_mean_bound b;  /* both bounds in detail */
} llr_certificate;

/* The certificate from the moments of n values of W at confidence
 * 1 - delta. */
void llr_cert_from(const llr_mean_acc *w, double delta, llr_certificate *c);

/* The smallest number of samples whose W, with mean at most eps / 100,
 * certify eps at confidence 1 - delta (the binomial-KL half at delta/2);
 * 0 when eps or delta is outside (0, 1). */
uint64_t llr_cert_samples(double eps, double delta);

/* Certify Q against the oracle's teacher with n teacher samples drawn from
 * a stream seeded by mix(seed ^ 0x43455254) ("CERT"), at confidence
 * 1 - delta. The samples count in the oracle's teacher-sample counters (by
 * logit queries for a model without a sample operation). */
LLR_MUST_CHECK
int llr_certify(llr_oracle *o, const llr_model *Q, uint64_t n, double delta,
                uint64_t seed, llr_certificate *c, llr_error *e);

/* Record c in m's file metadata: llr.tv_certified, llr.tv_estimate,
 * llr.certificate_samples, llr.delta (17 significant digits). */
LLR_MUST_CHECK
int llr_cert_meta(llr_model *m, const llr_certificate *c, llr_error *e);

#endif
