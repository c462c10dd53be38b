/* kernels/noise.h - a bounded, deterministic perturbation of a logit vector
 * that depends on the whole prefix: the perturbation of the approx models
 * (models/approx.h) and the oracle's answer noise (oracle/oracle.h;
 * docs/mathematics.md §1.5, §2.4).
 *
 * A prefix h has a hash H(h), chained token by token from a seed:
 *   H(empty) = mix(seed); H(h z) = mix(H(h) ^ ((z + 1) * 0x9e3779b97f4a7c15))
 * (mix = llr_mix64, arithmetic mod 2^64), and the perturbation of size eps
 *   eta(h) = (eps / 2) * centre(u(h)),
 *   u_z(h) = 2 * ((mix(H(h) + (z + 1) * 0xd1b54a32d192ed03) >> 11) * 2^-53) - 1
 * with u_z in [-1, 1). Since |u_z - mean u| < 2, every |eta_z(h)| < eps.
 */
#ifndef LLR_NOISE_H
#define LLR_NOISE_H

#include <stdint.h>

/* H(empty) for a seed. */
uint64_t llr_noise_root(uint64_t seed);

/* H(h z) from H(h) and the token z. */
uint64_t llr_noise_step(uint64_t H, int z);

/* H(tok[0..len-1]) for a seed. */
uint64_t llr_noise_hash(uint64_t seed, const int *tok, int len);

/* eta(h) into eta[0..V-1] for a prefix whose hash is H. */
void llr_noise_eta(uint64_t H, int V, double eps, double *eta);

#endif
