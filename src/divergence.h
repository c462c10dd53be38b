/* divergence.h - distances between two next-token distributions on
 * {0..V-1}: the per-step terms of the telescoping bound and of KL. */
#ifndef LLR_DIVERGENCE_H
#define LLR_DIVERGENCE_H

/* TV(p, q) = 1/2 sum_z |p_z - q_z|. */
double llr_tv_prob(const double *p, const double *q, int V);

/* KL(p || q) = sum_z p_z (lp_z - lq_z), from p and both log-probability
 * vectors; terms with p_z == 0 count 0. */
double llr_kl_logprob(const double *p, const double *lp, const double *lq,
                      int V);

/* gamma_n = n u / (1 - n u), u = 2^-53: the standard bound on the relative
 * rounding error of n floating-point operations (Higham, sec. 3.1). */
double llr_gamma(double n);

#endif
