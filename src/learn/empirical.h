/* learn/empirical.h - the learner that sees only samples: smoothed empirical
 * conditionals. A baseline for the separation GLS2 starts from (noisy
 * parity is believed hard from samples, easy from logit queries;
 * docs/mathematics.md §5.7).
 *
 * From m complete samples of the teacher it counts, for every prefix seen,
 * how often each token followed; the learned conditional at a seen prefix
 * is (count_z + alpha) / (total + V alpha) (alpha = 1/2, the
 * Krichevsky-Trofimov estimator), and uniform at a prefix never seen.
 * It makes no logit query: the samples are the oracle's teacher samples
 * (llr_oracle_sample, counted there), drawn from a generator seeded with
 * mix(seed ^ 0x53414d504c4553). */
#ifndef LLR_EMPIRICAL_H
#define LLR_EMPIRICAL_H

#include <stdint.h>

#include "models/model.h"
#include "oracle/oracle.h"
#include "io/safetensors.h"

LLR_MUST_CHECK
int llr_empirical_learn(llr_oracle *o, uint64_t m, double alpha,
                        uint64_t seed, llr_model **out, llr_error *e);

LLR_MUST_CHECK
int llr_empirical_from_file(const llr_st_file *f, llr_model **out,
                            llr_error *e);

#endif
