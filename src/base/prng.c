#include "base/prng.h"

#include <math.h>

void llr_prng_seed(llr_prng *g, uint64_t seed)
{
    g->state = seed;
}

uint64_t llr_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t llr_prng_next(llr_prng *g)
{
    g->state += 0x9e3779b97f4a7c15ULL;
    return llr_mix64(g->state);
}

double llr_prng_uniform(llr_prng *g)
{
    uint64_t r = llr_prng_next(g) >> 11;
    /*@ assert r < 9007199254740992; */
    return (double)r * 0x1.0p-53;
}

/*@ ghost
  // A ghost lemma function: 2^64 mod n == (2^64 - n) mod n, the quantity
  // that 64-bit arithmetic can compute.
  /@ requires n >= 1;
     assigns \nothing;
     ensures (llr_sm64_mod - n) % n == llr_sm64_mod % n;
  @/
  static void llr_sm64_mod_lemma(uint64_t n)
  {
      /@ assert 0 <= (llr_sm64_mod - n) % n < n; @/
      /@ assert (llr_sm64_mod - n) ==
                ((llr_sm64_mod - n) / n) * n + (llr_sm64_mod - n) % n; @/
      /@ assert llr_sm64_mod ==
                ((llr_sm64_mod - n) / n + 1) * n + (llr_sm64_mod - n) % n; @/
  }
*/

uint64_t llr_prng_below(llr_prng *g, uint64_t n)
{
    /* 2^64 mod n computed without 128-bit arithmetic: (-n) mod n. */
    uint64_t m = (UINT64_MAX - n + 1) % n;
    uint64_t limit = m == 0 ? 0 : UINT64_MAX - m + 1;
    //@ ghost llr_sm64_mod_lemma(n);
    /*@ assert limit == 0 ? llr_sm64_mod % n == 0
                          : limit == llr_sm64_accept_limit(n); */
    uint64_t r;
    /* limit == 0 means 2^64 is a multiple of n: every r is acceptable. */
    /*@ loop assigns r, g->state; */
    for (;;) {
        r = llr_prng_next(g);
        if (limit == 0 || r < limit)
            return r % n;
    }
}

double llr_prng_normal(llr_prng *g)
{
    double u1 = 1.0 - llr_prng_uniform(g); /* in (0, 1] */
    double u2 = llr_prng_uniform(g);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
