/* learn/reconstruct.h - the reconstruction LP of GLS2 for one prefix
 * (docs/mathematics.md §3.4).
 *
 * For a prefix y of length t, variables c_s in R^{k_s} (s = 1..t; c_0 = e_1).
 * For every level s = 0..t-1, future g_j in F^_{s+1} and token z one
 * residual
 *   e = sum_i c_{s+1,i} rhat_{s+1}[i][j][z] - sum_i c_{s,i} rext_s[i][y_s][j][z]
 * and the box |c_{s,i}| <= box. The answer (spec/learner.md rule 4) is the
 * lexicographic minimum over the box of
 *   1. max |e|                     (the Chebyshev residual r*),
 *   2. sum_s max_{level s} |e|     (the per-level residuals),
 *   3. sum |c_{s,i}|,
 *   4. c_{1,1}, c_{1,2}, ..., c_{t,k_t}   (each coordinate in turn),
 * a single point whatever the data. GLPK's dual simplex solves stage 1;
 * after each stage every nonbasic variable whose reduced cost exceeds
 * LLR_LP_TIE (1e-9, correct sign) is fixed at its bound, which leaves
 * exactly the stage's optimal face (complementary slackness), and the next
 * objective is minimised on it by the primal simplex from the same basis.
 * When every nonbasic variable is fixed the face is the current vertex and
 * the later stages are skipped (they could not move it).
 * The answer is certified before use: llr_cert_box on c (tolerance: GLPK's
 * bound tolerance 1e-7 (1 + box)) and llr_cert_residual recomputing every
 * residual, which must be at most r* + 1e-7 (1 + r*); the recomputed
 * maximum is what is reported and compared with tau. A failed check is an
 * error. Before that, every stage's optimum is checked by duality
 * (learn/lp_optimality.h: primal and dual feasibility and the duality
 * gap, recomputed by checkers/lp_duality.h): stage 1, whose optimum r* is
 * the answer's residual, must pass (else LLR_ECERT); a tie-break stage
 * that fails is counted (res->uncertified), not an error: it only
 * chooses among the points of residual r*, which the residual check
 * above certifies. Prediction: L^_t = sum_i c_{t,i} rhat_t[i][0] (F^_t[0] is the
 * empty future); when the residual exceeds tau the prefix is infeasible and
 * the prediction is the zero vector (uniform next token).
 * Data: every LP entry must be finite and at most LLR_LP_DATA_MAX in
 * magnitude (else LLR_EINPUT). GLPK never aborts the process: its error
 * hook turns a failure (an assertion, no memory) into LLR_ESOLVER or
 * LLR_ENOMEM, after freeing GLPK's whole environment (glp_free_env), so no
 * other GLPK problem may be alive in the calling thread.
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
    double levels;    /* sum over levels of the largest |e| (stage 2) */
    double coef_sum;  /* sum |c_{s,i}|, s >= 1 (stage 3) */
    int tiebreak;     /* 1 when stages after the first ran */
    int stages;       /* LP stages solved (0 at t = 0) */
    int certified;    /* 1 when an LP was solved and the checkers accepted
                       * its answer (0 at t = 0: no LP) */
    int duality;      /* stage optima certified by duality (lp_optimality.h) */
    int uncertified;  /* tie-break stages whose certificate failed */
} llr_lp_result;

/* Solve for prefix y[0..t-1] (0 <= t < T); logits (V) receive L^_t (zero
 * when infeasible); res->c must hold 1 + t * d doubles. flags: corrupt the
 * solver's answer before the check (tests only). */
enum { LLR_LP_CORRUPT_FOR_TEST = 1 };
/* Largest magnitude of an LP datum (a logit: anything larger is
 * meaningless in binary64, and would overflow GLPK's arithmetic). */
#define LLR_LP_DATA_MAX 1e15

/* The residual system A c - b of prefix y of length t, shared by the LP
 * (this file) and the least-squares reading (lsq.h): m rows (level by
 * level, s = 0..t-1, then future j, then token z), n coefficients
 * c_1..c_t, off[s] the first of c_s (s >= 1, 0-based), lev[r] the level
 * of row r, A dense m x n (row-major). */
typedef struct llr_residual_sys {
    int m, n, t;
    double *A, *b;
    int *lev, *off;
} llr_residual_sys;

/* Build it from g's rhat and rext: every rext entry and every entry of A
 * must be finite and at most LLR_LP_DATA_MAX in magnitude (else
 * LLR_EINPUT); LLR_ENOMEM. *L is always left freeable by
 * llr_residual_free. */
LLR_MUST_CHECK int llr_residual_build(const llr_gls *g, const int *y, int t,
                                      llr_residual_sys *L, llr_error *e);
void llr_residual_free(llr_residual_sys *L);
/* Reduced costs of at most this magnitude count as ties. */
#define LLR_LP_TIE 1e-9
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

/* Warm starts. An llr_lp_warm remembers, for the prefixes last solved
 * through it (one per length), the optimal basis of their stage-1 LP;
 * llr_reconstruct_warm starts the dual simplex of y_{1:t} from the basis
 * of y_{1:t-1} (the LP of y_{1:t} is its parent's with level t-1's rows
 * and c_t's columns appended), solving the parent first when the cache
 * does not hold it, so the basis used depends on the prefix alone, not on
 * the order of calls. The answer is the same lexicographic point as
 * llr_reconstruct's (unique: see above) up to rounding and the 1e-11 of
 * the stage-1 shortcut; tests/test_warm.c compares them. One cache per
 * representation g and per thread: reset it (llr_lp_warm_reset) when g
 * changes. Environment: LLR_LP_COLD=1 makes every cache solve cold (the
 * old path, for benchmarks). NULL when out of memory. */
typedef struct llr_lp_warm llr_lp_warm;
llr_lp_warm *llr_lp_warm_new(int V, int T, int d);
void llr_lp_warm_reset(llr_lp_warm *w);
void llr_lp_warm_free(llr_lp_warm *w);
/*@ requires \valid_read(g);
    requires t >= 0 ==> \valid_read(y + (0 .. t - 1));
    requires \valid(logits + (0 .. g->V - 1));
    requires \valid(res);
    requires e == \null || \valid(e);
    assigns logits[0 .. g->V - 1], *res, res->c[0 .. t * g->d], *e;
    ensures \result == 0 || \result == -1;
*/
LLR_MUST_CHECK
int llr_reconstruct_warm(const llr_gls *g, const int *y, int t,
                         double *logits, llr_lp_result *res, int flags,
                         llr_lp_warm *w, llr_error *e);

#endif
