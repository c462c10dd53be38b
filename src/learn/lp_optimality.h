/* learn/lp_optimality.h - GLPK's answer to an LP, certified optimal by
 * duality (docs/mathematics.md §3.4, docs/verification.md).
 *
 * After glp_simplex reports an optimum, llr_lp_optimality reads the
 * problem back from GLPK (its rows, bounds and objective), the primal
 * solution (glp_get_col_prim) and the row duals (glp_get_row_dual), and
 * hands them to the proved checker llr_lp_duality
 * (checkers/lp_duality.h), which recomputes the row activities and the
 * reduced costs itself and checks primal feasibility, dual feasibility
 * and the duality gap. GLPK's own reduced costs (glp_get_col_dual) are
 * not trusted: the checker recomputes them from the row duals.
 */
#ifndef LLR_LP_OPTIMALITY_H
#define LLR_LP_OPTIMALITY_H

#include "base/error.h"
#include "checkers/lp_duality.h"

typedef struct glp_prob glp_prob;

/* GLPK's tolerances tol_bnd and tol_dj (glp_smcp defaults), the
 * tolerance the certificate is checked with. */
#define LLR_LP_OPT_TOL 1e-7

/* Certify the optimum GLPK holds for lp; what: the LP's name for the
 * error message. Returns 0 when certified (*g filled); when it is not:
 * -1 with LLR_ECERT (naming the failing part, row or column) if required,
 * else 1 and e untouched. -1 with LLR_ENOMEM without memory. */
LLR_MUST_CHECK
int llr_lp_optimality(glp_prob *lp, const char *what, int required,
                      llr_lp_gap *g, llr_error *e);

#endif
