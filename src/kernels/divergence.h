/* kernels/divergence.h - distances between two next-token distributions on
 * {0..V-1}: the per-step terms of the telescoping bound and of KL
 * (docs/mathematics.md §5.1). */
#ifndef LLR_DIVERGENCE_H
#define LLR_DIVERGENCE_H

#ifdef __FRAMAC__ /* ACSL logic (spec/): seen by Frama-C only */
#include "../../spec/exact.acsl"
#include "../../spec/softmax.acsl"
#include "../../spec/tv.acsl"
#endif

/* Contracts (docs/verification.md): memory safety, assigns and
 * termination are proved in the IEEE model (with -warn-special-float none:
 * no claim that the sums stay finite); the clauses inside LLR_EXACT(...)
 * are proved in the real model only (the exact-arithmetic idealisation,
 * spec/exact.acsl), with llr_tv and llr_kl of spec/tv.acsl. */

/* TV(p, q) = 1/2 sum_z |p_z - q_z|. */
/*@ requires V >= 0;
    requires \valid_read(p + (0 .. V - 1));
    requires \valid_read(q + (0 .. V - 1));
    assigns \nothing;
    LLR_EXACT(ensures exact: tv: \result == llr_tv(p, q, V);)
    LLR_EXACT(ensures exact: tv_range:
        llr_distribution(p, V) && llr_distribution(q, V) ==>
            0.0 <= \result <= 1.0;)
*/
double llr_tv_prob(const double *p, const double *q, int V);

/* KL(p || q) = sum_z p_z (lp_z - lq_z), from p and both log-probability
 * vectors; terms with p_z == 0 count 0. */
/*@ requires V >= 0;
    requires \valid_read(p + (0 .. V - 1));
    requires \valid_read(lp + (0 .. V - 1));
    requires \valid_read(lq + (0 .. V - 1));
    assigns \nothing;
    LLR_EXACT(ensures exact: kl: \result == llr_kl(p, lp, lq, V);)
*/
double llr_kl_logprob(const double *p, const double *lp, const double *lq,
                      int V);

/* gamma_n = n u / (1 - n u), u = 2^-53: the standard bound on the relative
 * rounding error of n floating-point operations (Higham, sec. 3.1). */
/*@ assigns \nothing;
    LLR_EXACT(ensures exact: gamma:
        n * 0x1.0p-53 != 1.0 ==>
        \result == n * 0x1.0p-53 / (1.0 - n * 0x1.0p-53);)
*/
double llr_gamma(double n);

#endif
