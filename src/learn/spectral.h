/* learn/spectral.h - the spectral baseline: what practitioners reach for first.
 * Labelled a baseline everywhere; it is not GLS2's method
 * (docs/mathematics.md §7).
 *
 * For each cut t: random histories (prefixes of teacher samples) and random
 * futures; their logit rows are queried and the extended logit matrix L_t
 * truncated to rank d by SVD (LAPACKE dgesdd). A history's state is its row
 * projected on the top d right singular vectors. The transition maps A[t,z]
 * and the readouts B[t] are fitted by least squares (LAPACKE dgelsd) over
 * the sampled histories; the result is an explicit ISAN of dimension d.
 */
#ifndef LLR_SPECTRAL_H
#define LLR_SPECTRAL_H

#include <stdint.h>

#include "models/model.h"
#include "oracle/oracle.h"

typedef struct llr_spectral_params {
    int d;            /* rank */
    int histories;    /* sampled histories per cut */
    int futures;      /* sampled futures per cut (the empty one included) */
    uint64_t seed;
} llr_spectral_params;

/* The most bytes of transition tensors llr_spectral_learn builds (1 GiB);
 * a larger rank is refused, as is a rank above the teacher's number of
 * prefixes. */
#define LLR_SPECTRAL_MAX_BYTES (1ULL << 30)

/* Defaults: histories = 8 d + 8, futures = 2 d + 4. */
void llr_spectral_defaults(int d, uint64_t seed, llr_spectral_params *p);

LLR_MUST_CHECK
int llr_spectral_learn(llr_oracle *o, const llr_spectral_params *p,
                       llr_model **out, llr_error *e);

#endif
