/* learn/witness.h - validation and witness futures (GLS2 Algorithm 1, step 2;
 * docs/mathematics.md §3.5).
 *
 * A validation sample y comes from the teacher with the teacher's
 * log-probability p_t = log P(y_t | y_{1:t}) of each token (a teacher
 * sample: no logit query). For t = 0..T-1 the reconstruction LP gives the
 * learned model's prediction L^_t and its log-probability
 * q_t = log softmax(L^_t)[y_t]; the sample is screened at t = 1..T-1 (t = 0
 * is exact by construction): prefix y_{1:t} fails when its LP is
 * infeasible or |q_t - p_t| > gap. A sample with no failing prefix passes,
 * and its W(y) = (1 - exp(sum_t q_t - p_t))+ is what the certificate
 * averages (certify.h). Only at the first failing prefix are logits
 * queried: l(y_{1:t}) (one query), and then, to locate the failure, the
 * smallest cut s <= t whose LP coefficients c_s, applied to the basis
 * histories followed by f = y_{s+1:t}, miss l(y_{1:t}) by more than gap / 2
 * in max norm (queries l(h_{s,i} f)). If f is not yet in F^_s it is a
 * witness future to add to F^_s; if it already is, the basis at cut s
 * does not span y_{1:s} and that history joins cut s's spanner pool. (At
 * s = t, f is empty and is always in F^_t, so a failure is always
 * attributed.) When y_{1:s} is already pooled (its certified basis spans
 * it in the box, and the LP only moved residual there), the blame passes
 * to the shortest prefix y_{1:u}, u <= t, not yet in cut u's pool; a
 * pooled history is blamed only when every prefix up to t is pooled
 * (spec/learner.md rule 6).
 */
#ifndef LLR_WITNESS_H
#define LLR_WITNESS_H

#include "learn/gls.h"
#include "learn/reconstruct.h"

enum { LLR_FIX_NONE = 0, LLR_FIX_WITNESS, LLR_FIX_BASIS };

typedef struct llr_witness_fix {
    int kind;       /* LLR_FIX_* */
    int cut;        /* s */
    int t;          /* the failing prefix length: the witness is y[s..t) */
    double lp_error; /* |q_t - p_t|: the log-probability error at t */
    double error;   /* the prediction's max-norm error at t (queried) */
    long lp_solves;    /* LPs solved for this sample */
    long lp_certified; /* of them, answers the checkers accepted */
    long lp_duality;   /* LP stage optima certified by duality */
    long lp_uncertified; /* tie-break stages whose certificate failed */
    long lp_tiebreaks; /* of them, solves that ran the tie-break LP */
} llr_witness_fix;

/* What validation works with: the teacher, the current representation,
 * the spanner pools of every cut and the gap; scratch space; and what it
 * reports beyond each sample's verdict. */
typedef struct llr_validation {
    llr_oracle *o;
    const llr_gls *g;
    const llr_strings *pools; /* T pools, one per cut */
    double gap;               /* g: the largest log-probability error
                               * accepted */
    double *pred;             /* scratch: 3V doubles */
    llr_lp_result lr;         /* scratch: lr.c has room for 1 + T d */
    double max_residual;      /* raised to the largest LP residual seen */
} llr_validation;

/* Validate one teacher sample y (length T) with the teacher's
 * log-probabilities logp[0..T-1]: fix says whether it passed and, if not,
 * what to change; when it passed, *w is its W(y) under the current
 * representation. */
LLR_MUST_CHECK
int llr_validate(llr_validation *v, const int *y, const double *logp,
                 llr_witness_fix *fix, double *w, llr_error *e);

#endif
