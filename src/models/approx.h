/* models/approx.h - an ISAN plus a bounded perturbation that depends on
 * the whole prefix: logit matrices of full rank, yet within eps of rank d
 * (docs/mathematics.md §1.5).
 *
 * For a prefix h the centred logits are
 *   l(h) = l_isan(h) + eta(h),
 * with eta(h) the perturbation of kernels/noise.h of size eps, its hash
 * chain seeded by the perturbation seed. Every entry satisfies
 * |l_z(h) - l_isan,z(h)| < eps: in the max norm each extended logit matrix
 * is within eps of the rank-d ISAN matrix.
 */
#ifndef LLR_APPROX_H
#define LLR_APPROX_H

#include <stdint.h>

#include "models/model.h"
#include "io/safetensors.h"

/* Generate: the ISAN of llr_isan_generate(V, d, T, seed, scale) plus the
 * perturbation of size eps with perturbation seed llr_mix64(seed). */
LLR_MUST_CHECK
int llr_approx_generate(int V, int d, int T, uint64_t seed, double scale,
                        double eps, llr_model **out, llr_error *e);

/* The eps and perturbation seed of an approx model (0 if not approx). */
double llr_approx_eps(const llr_model *m);

LLR_MUST_CHECK
int llr_approx_from_file(const llr_st_file *f, llr_model **out, llr_error *e);

#endif
