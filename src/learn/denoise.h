/* learn/denoise.h - denoised basis rows for approximately low-rank teachers
 * (spec/learner.md rule 9; docs/learner.md, "Approximate teachers").
 *
 * At cut s the spanner sees the pool matrix X (n x m): the rows on F~_s of
 * the n pooled histories. Its top-d right-singular subspace (spanned by
 * the first d' = min(d, n, m) right singular vectors v_1..v_d' of X) is
 * the least-squares best rank-d row space of the pool. Each chosen basis
 * row x is replaced by its orthogonal projection x V V^T onto it: the
 * noise of one history's row is averaged against the whole pool, with no
 * further query. The answer is checked before use: the singular vectors
 * must be orthonormal, and every residual x - p orthogonal to each v_j,
 * to LLR_DENOISE_TOL relative to ||x|| (else LLR_ECERT).
 */
#ifndef LLR_DENOISE_H
#define LLR_DENOISE_H

#include "base/error.h"

#define LLR_DENOISE_TOL 1e-9

/* X: n x m row-major (not modified); idx: the k basis rows of X; out
 * receives their projections (k x m). d >= 1. */
LLR_MUST_CHECK
int llr_denoise_rows(const double *X, int n, int m, int d, const int *idx,
                     int k, double *out, llr_error *e);

#endif
