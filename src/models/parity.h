/* models/parity.h - noisy parity as a rank-1 model (docs/mathematics.md
 * §1.7; GLS2's starting point: believed hard to learn from samples, easy
 * from logit queries).
 *
 * Sigma = {0, 1}, T = n + 1. Positions 1..n are uniform bits x (centred
 * logits 0); position n + 1 is the label: <s, x> mod 2 with probability
 * 1 - nu, flipped with probability nu. Its centred logits are +B for the
 * likely label and -B for the other, B = (1/2) log((1 - nu) / nu). At
 * every cut the sign factors into (prefix sign)(future sign): each
 * extended logit matrix has rank 1.
 */
#ifndef LLR_PARITY_H
#define LLR_PARITY_H

#include <stdint.h>

#include "models/model.h"
#include "io/safetensors.h"

/* The secret s (n bits, s[i] in {0,1}) and noise nu in (0, 1/2). */
LLR_MUST_CHECK
int llr_parity_new(int n, const unsigned char *secret, double nu,
                   llr_model **out, llr_error *e);

/* A secret of n bits from llr_prng seeded with seed: with weight k > 0,
 * exactly k ones at positions chosen by a partial Fisher-Yates shuffle
 * (for i = 0..k-1: swap position i with i + below(n - i)); with k = 0,
 * each bit is (next() >> 63). */
LLR_MUST_CHECK
int llr_parity_secret_from_seed(int n, uint64_t seed, int k,
                                unsigned char *secret, llr_error *e);

/* A secret from hexadecimal: read as a big-endian binary number, bit i of
 * the number (from the least significant) is s[i]; it must fit in n bits. */
LLR_MUST_CHECK
int llr_parity_secret_from_hex(int n, const char *hex, unsigned char *secret,
                               llr_error *e);

/* The secret and noise of a parity model (NULL / 0 for other kinds). */
const unsigned char *llr_parity_secret(const llr_model *m, double *nu);

LLR_MUST_CHECK
int llr_parity_from_file(const llr_st_file *f, llr_model **out, llr_error *e);

#endif
