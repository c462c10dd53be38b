/* learn/export.h - a learned representation as an explicit ISAN, where it is
 * exact (docs/mathematics.md §4.2).
 *
 * With the futures separating every basis (llr_gls_prepare), the LP's
 * constraints determine c_{s+1} from c_s and the token a linearly:
 * c_{s+1} = A_{s,a} c_s, where column l of A_{s,a} solves (least squares,
 * LAPACKE dgelsd) rhat_{s+1}^T alpha = rext_s[l][a] on F^_{s+1}. The export
 * is exact when every such system is solved with residual <= tol (max
 * norm); then the ISAN x_0 = e_1, B[t] = rhat_t[.][0]^T, A[t, a] = A_{t,a}
 * (padded with zeros to d = max k_s; A[T-1] = identity, never used)
 * reproduces the LP's predictions wherever the LP's coefficients stay
 * inside the box. Otherwise the export is refused with the cut, token and
 * residual that broke it. */
#ifndef LLR_EXPORT_H
#define LLR_EXPORT_H

#include "learn/gls.h"

LLR_MUST_CHECK
int llr_export_isan(const llr_gls *g, double tol, llr_model **out,
                    llr_error *e);

#endif
