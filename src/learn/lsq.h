/* learn/lsq.h - the least-squares reconstruction of an approximate model
 * (spec/learner.md rule 9; docs/learner.md, "Approximate teachers").
 *
 * The residuals e of a prefix y of length t are those of the
 * reconstruction LP (reconstruct.h), on the model's (denoised) rows. The
 * answer is the minimiser over the box |c_{s,i}| <= box of sum e^2 (all
 * levels, all futures, all tokens, equal weights). When the residual
 * matrix has full column rank (every cut separated, gls.h) the objective
 * is strictly convex and the minimiser unique: any correct solver returns
 * it. It is computed by a primal active-set method (free coefficients by
 * LAPACKE dgelsd, llr_lstsq; blocking bounds; releasing a bound whose
 * multiplier has the wrong sign) and checked before use: the box, and the
 * optimality conditions recomputed from scratch, the gradient
 * A^T (A c - b) zero on free coordinates and of the right sign on those
 * at a bound, within LLR_LSQ_TOL relative to the gradient's scale (else
 * LLR_ECERT). Without full column rank the active-set method returns the
 * minimum-norm minimiser of its last face (deterministic, but another
 * solver may return another minimiser).
 * There is no infeasible prefix: the prediction is always
 * L^_t = sum_i c_{t,i} rhat_t[i][0]. res: residual = max |e|,
 * objective = sum e^2, levels and coef_sum as in the LP, stages 0.
 */
#ifndef LLR_LSQ_H
#define LLR_LSQ_H

#include "learn/reconstruct.h"

#define LLR_LSQ_TOL 1e-7

LLR_MUST_CHECK
int llr_reconstruct_lsq(const llr_gls *g, const int *y, int t,
                        double *logits, llr_lp_result *res, int flags,
                        llr_error *e);

#endif
