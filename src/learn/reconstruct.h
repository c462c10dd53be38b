/* learn/reconstruct.h - the reconstruction LP of GLS2 for one prefix
 * (docs/mathematics.md §3.4).
 *
 * For a prefix y of length t, variables c_s in R^{k_s} (s = 1..t; c_0 = e_1)
 * and r >= 0. For every level s = 0..t-1, future g_j in F^_{s+1} and token z
 * one residual
 *   e = sum_i c_{s+1,i} rhat_{s+1}[i][j][z] - sum_i c_{s,i} rext_s[i][y_s][j][z]
 * constrained to |e| <= r; the box |c_{s,i}| <= box. Chebyshev form:
 * minimise r, by GLPK's dual simplex. Ties are broken deterministically.
 * The residual matrix is block lower-triangular with diagonal blocks
 * rhat_{s+1} on F^_{s+1}; when every one of them has full rank
 * (llr_gls_prepare's separated[s]) the coefficients are determined, up to
 * rounding, and no tie-break is needed. Otherwise, unless the optimum is
 * provably unique (every nonbasic variable has a reduced cost of magnitude
 * > 1e-9), a second LP takes, among solutions
 * with r <= r* (1 + 1e-9) + 1e-15, one minimising sum |c_{s,i}| (GLPK's
 * primal simplex). The answer is certified before use:
 * llr_cert_box on c (tolerance: GLPK's bound tolerance 1e-7 (1 + box)) and
 * llr_cert_residual recomputing every residual; the recomputed maximum is
 * what is reported and compared with tau. A failed check is an error.
 * Prediction: L^_t = sum_i c_{t,i} rhat_t[i][0] (F^_t[0] is the empty
 * future); when the residual exceeds tau the prefix is infeasible and the
 * prediction is the zero vector (uniform next token).
 */
#ifndef LLR_RECONSTRUCT_H
#define LLR_RECONSTRUCT_H

#include "learn/gls.h"

typedef struct llr_lp_result {
    double residual;  /* recomputed max |e| */
    int feasible;     /* residual <= tau */
    double *c;        /* coefficients, levels 0..t concatenated (caller's) */
    int nc;           /* entries of c in use */
    double objective; /* the solver's claimed optimum r* (0 when t = 0) */
    int tiebreak;     /* 1 when the tie-break LP ran */
    int certified;    /* 1 when an LP was solved and the checkers accepted
                       * its answer (0 at t = 0: no LP) */
} llr_lp_result;

/* Solve for prefix y[0..t-1] (0 <= t < T); logits (V) receive L^_t (zero
 * when infeasible); res->c must hold 1 + t * d doubles. flags: corrupt the
 * solver's answer before the check (tests only). */
enum { LLR_LP_CORRUPT_FOR_TEST = 1 };
/*@ requires \valid_read(g);
    requires t >= 0 ==> \valid_read(y + (0 .. t - 1));
    requires \valid(logits + (0 .. g->V - 1));
    requires \valid(res);
    requires e == \null || \valid(e);
    assigns logits[0 .. g->V - 1], *res, res->c[0 .. t * g->d], *e;
    ensures \result == 0 || \result == -1;
*/
LLR_MUST_CHECK
int llr_reconstruct(const llr_gls *g, const int *y, int t, double *logits,
                    llr_lp_result *res, int flags, llr_error *e);

#endif
