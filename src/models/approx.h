/* approx.h - an ISAN plus a bounded perturbation that depends on the whole
 * prefix: logit matrices of full rank, yet within eps of rank d.
 *
 * For a prefix h the centred logits are
 *   l(h) = l_isan(h) + eta(h),  eta(h) = (eps / 2) * centre(u(h)),
 * with u_z(h) in [-1, 1) a deterministic hash of (seed, h, z):
 *   H(empty) = mix(seed); H(h z) = mix(H(h) ^ ((z + 1) * 0x9e3779b97f4a7c15));
 *   u_z(h) = 2 * ((mix(H(h) + (z + 1) * 0xd1b54a32d192ed03) >> 11) * 2^-53) - 1
 * (mix = llr_mix64, arithmetic mod 2^64). Since |u_z - mean u| < 2,
 * every entry satisfies |l_z(h) - l_isan,z(h)| < eps: in the max norm each
 * extended logit matrix is within eps of the rank-d ISAN matrix.
 */
#ifndef LLR_APPROX_H
#define LLR_APPROX_H

#include <stdint.h>

#include "model.h"
#include "safetensors.h"

/* Generate: the ISAN of llr_isan_generate(V, d, T, seed, scale) plus the
 * perturbation of size eps with perturbation seed llr_mix64(seed). */
int llr_approx_generate(int V, int d, int T, uint64_t seed, double scale,
                        double eps, llr_model **out, llr_error *e);

/* The perturbation eta(h) for a prefix whose hash is H (see above). */
void llr_approx_eta(uint64_t H, int V, double eps, double *eta);

/* The eps and perturbation seed of an approx model (0 if not approx). */
double llr_approx_eps(const llr_model *m);

int llr_approx_from_file(const llr_st_file *f, llr_model **out, llr_error *e);

#endif
