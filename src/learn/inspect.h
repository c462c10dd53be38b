/* learn/inspect.h - the reconstruction LP of a learned model at one
 * prefix, explained (llr inspect; docs/inspect.md).
 *
 * llr_reconstruct (reconstruct.h) gives the coefficients, the certified
 * residual and the prediction; this view adds, recomputed from those
 * coefficients and the model's stored rows (docs/learner.md, "The
 * reconstruction LP, exactly"):
 *  - the coefficients level by level, with the basis histories they weigh;
 *  - every residual e_{s,j,z} at the solution, and the constraints that
 *    bind there: the residuals with |e| >= r - tol (tol = 1e-9 (1 + r), r
 *    their maximum; when r is at rounding level every residual binds on
 *    both sides) and the coefficients at the box, |c| >= box - 1e-9;
 *  - the optimal face: the set of coefficients in the box whose residual
 *    is at most r + slack (slack = 1e-9 (1 + r)), and on it the range of
 *    every coefficient and of every predicted logit, each found by an LP
 *    (GLPK's simplex, minimising then maximising it). The optimum is
 *    called unique when every coefficient's range is at most
 *    LLR_INSPECT_UNIQUE wide; otherwise stage 1 (the Chebyshev residual)
 *    alone leaves a face, the later stages of the lexicographic LP
 *    (spec/learner.md rule 4) pick one point of it, and the ranges say
 *    how far a solver that stopped after stage 1 could move the
 *    prediction.
 * Nothing of the model is changed.
 */
#ifndef LLR_INSPECT_H
#define LLR_INSPECT_H

#include "learn/gls.h"
#include "learn/reconstruct.h"

/* Widest coefficient range on the optimal face of a unique optimum. */
#define LLR_INSPECT_UNIQUE 1e-4

enum { LLR_BIND_RESIDUAL = 0, LLR_BIND_BOX = 1 };

/* A binding constraint. */
typedef struct llr_lp_bind {
    int kind;       /* LLR_BIND_RESIDUAL or LLR_BIND_BOX */
    int level;      /* residual: s, between c_s and c_{s+1}; box: the cut s */
    int index;      /* residual: j, the future F^_{s+1}[j]; box: the i of
                     * c_{s,i} */
    int token;      /* residual: z; box: -1 */
    double value;   /* residual: e_{s,j,z}; box: c_{s,i} */
} llr_lp_bind;

typedef struct llr_lp_view {
    int t;              /* the prefix length */
    llr_lp_result lr;   /* llr_reconstruct's answer (lr.c owned here) */
    double *logits;     /* V: the prediction L^_t (zero when infeasible) */
    double *probs;      /* V: softmax(logits) */
    int *level_off;     /* t + 2 entries: level s is lr.c[level_off[s] ..
                         * level_off[s + 1]) */
    int determined;     /* every cut s <= t separates its basis */
    int m;              /* residual constraints */
    double *e;          /* m residuals at lr.c, level by level (s, j, z) */
    int *e_level, *e_future, *e_token; /* m: the (s, j, z) of each */
    double r;           /* max |e| (recomputed here) */
    double tol;         /* binding tolerance */
    llr_lp_bind *bind;  /* the binding constraints */
    int nbind, nbind_box;
    double slack;       /* the optimal face: residual <= r + slack */
    double *lo, *hi;    /* lr.nc: each coefficient's range on the face */
    double *llo, *lhi;  /* V: each predicted logit's range on the face (of
                         * sum_i c_{t,i} rhat_t[i][0], feasible or not) */
    /* The points of the face where each range ends, as full coefficient
     * vectors (lr.nc values each, c_0 = 1 first): at_lo[j * nc ..] is
     * where coefficient j (j >= 1) is lo[j], at_hi where it is hi[j];
     * lat_lo[z * nc ..], lat_hi the same for predicted logit z. A
     * checker can verify each (box, residual, value) from the model's
     * file alone. NULL when there is no LP (t = 0 or no coefficient). */
    double *at_lo, *at_hi, *lat_lo, *lat_hi;
    double width;       /* the widest coefficient range */
    double logit_width; /* the widest predicted-logit range */
    int unique;         /* width <= LLR_INSPECT_UNIQUE */
} llr_lp_view;

/* The view of g's LP at the prefix y[0..t-1], 0 <= t < T. On success free
 * it with llr_lp_view_free. */
LLR_MUST_CHECK
int llr_lp_inspect(const llr_gls *g, const int *y, int t, llr_lp_view *v,
                   llr_error *e);

void llr_lp_view_free(llr_lp_view *v);

#endif
