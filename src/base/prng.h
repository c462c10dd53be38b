/* base/prng.h - the project's pseudo-random generator: SplitMix64.
 *
 * Specified bit for bit (docs/models.md) so that other implementations can
 * reproduce our samples:
 *   state <- state + 0x9e3779b97f4a7c15 (mod 2^64)
 *   z = state; z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
 *   z = (z ^ (z >> 27)) * 0x94d049bb133111eb; output z ^ (z >> 31)
 * A seed s starts the state at s. uniform() = (next >> 11) * 2^-53 in [0,1).
 */
#ifndef LLR_PRNG_H
#define LLR_PRNG_H

#include <stdint.h>

#ifdef __FRAMAC__ /* ACSL logic (spec/): seen by Frama-C only */
#include "../../spec/prng.acsl"
#endif

typedef struct llr_prng {
    uint64_t state;
} llr_prng;

/*@ requires \valid(g);
    assigns g->state;
    ensures g->state == seed;
*/
void llr_prng_seed(llr_prng *g, uint64_t seed);

/* The SplitMix64 output function (a bijection of 64-bit words), also used
 * to hash prefixes for the perturbed models. */
/*@ // llr_sm64_*: spec/prng.acsl
    assigns \nothing;
    ensures \result == llr_sm64_mix(z);
*/
uint64_t llr_mix64(uint64_t z);

/*@ requires \valid(g);
    assigns g->state;
    ensures g->state == (uint64_t)(\old(g->state) + 0x9e3779b97f4a7c15ULL);
    ensures g->state == llr_sm64_step(\old(g->state));
    ensures \result == llr_sm64_mix(g->state);
*/
uint64_t llr_prng_next(llr_prng *g);

/* A uniform double in [0, 1): the top 53 bits of next(), times 2^-53. */
/*@ requires \valid(g);
    assigns g->state;
    ensures g->state == llr_sm64_step(\old(g->state));
    ensures unit_interval: 0.0 <= \result < 1.0;
*/
double llr_prng_uniform(llr_prng *g);

/* A uniform integer in [0, n), n >= 1, by rejection (no modulo bias):
 * draw r = next(); accept when r < 2^64 - (2^64 mod n); answer r mod n. */
/*@ requires \valid(g);
    requires n >= 1;
    assigns g->state;
    ensures 0 <= \result < n;
    // The answer is the last draw (the output at the final state) mod n,
    // and that draw was accepted.
    ensures \result == llr_sm64_mix(g->state) % n;
    ensures llr_sm64_mix(g->state) < llr_sm64_accept_limit(n);
    // Termination is not claimed (no terminates clause, so WP does not try
    // it, and the loop has no variant). It does end within 2^64 draws: the
    // state visits every word (the increment is odd), llr_mix64 is a
    // bijection, and more than half of all words are accepted; that
    // argument is not formalised.
*/
uint64_t llr_prng_below(llr_prng *g, uint64_t n);

/* A standard normal by Box-Muller (cosine branch only):
 * u1 = (next >> 11) * 2^-53 mapped to (0,1] as 1 - u, u2 = uniform(),
 * result sqrt(-2 ln u1) cos(2 pi u2). Uses two draws. */
double llr_prng_normal(llr_prng *g);

#endif
