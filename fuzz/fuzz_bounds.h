/* fuzz_bounds.h - the rounding constants of the numeric fuzz oracles
 * (docs/fuzzing.md, "Numeric targets"): unit roundoff, the smallest
 * subnormal, the oracles' own slack and gamma_n of standard error analysis
 * (Higham 3.1), evaluated in long double. */
#ifndef LLR_FUZZ_BOUNDS_H
#define LLR_FUZZ_BOUNDS_H

#define U 0x1p-53L      /* unit roundoff of binary64 */
#define ETA 0x1p-1074L  /* the smallest subnormal */
/* The oracle's own rounding (bounds evaluated in long double). */
#define SLACK (1 + 0x1p-60L)

/* gamma_n = n u / (1 - n u). */
static inline long double gam(long double n)
{
    return n * U / (1 - n * U);
}

#endif
