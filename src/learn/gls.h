/* learn/gls.h - the learner of GLS2 (Algorithm 1) and its learned representation.
 *
 * Per cut s = 0..T-1 (histories of length s), the representation keeps
 *   F^_s   selected futures (strings, |f| <= T-1-s), F^_s[0] = the empty one;
 *   F~_s = F^_s  followed by  { a g : a in Sigma, g in F^_{s+1} }  (F^_T empty);
 *   basis  histories h_{s,1..k_s}, k_s <= d; at s = 0 the empty history alone;
 *   rows   R_s[i](f) = l(h_{s,i} f) for f in F~_s, stored as
 *          rhat[i][j][z] for f = F^_s[j] and rext[i][a][j][z] for f = a F^_{s+1}[j].
 * A prefix y of length t is read by the reconstruction LP (reconstruct.h),
 * which finds coefficients c_s of y_{1:s} in each basis; the predicted
 * logits are sum_i c_{t,i} rhat_t[i][0]. See docs/mathematics.md §3.1 and
 * docs/learner.md.
 */
#ifndef LLR_GLS_H
#define LLR_GLS_H

#include <stdint.h>
#include <stdio.h>

#include "learn/certify.h"
#include "models/model.h"
#include "oracle/oracle.h"
#include "io/safetensors.h"
#include "base/strlist.h"

typedef struct llr_gls_cut {
    int k;             /* basis size k_s */
    int *basis;        /* k x s tokens */
    llr_strings fhat;  /* F^_s */
    double *rhat;      /* [k][|F^_s|][V] */
    double *rext;      /* [k][V][|F^_{s+1}|][V]; NULL at s = T-1 */
    int witnesses;     /* futures added to F^_s by validation */
    /* V + 1 values (llr_gls_prepare): [0] = ||P||_inf, P the
     * pseudo-inverse of the |F^_s| V x k matrix of basis rows on F^_s
     * (INFINITY when they are not separated, 0 when k = 0); [1 + a] =
     * ||rext[., a]||_inf, the largest sum_i |rext[i][a][j][z]| (0 at
     * s = T-1). They bound how far the LP's coefficients can move
     * (reconstruct.c). */
    double *bound;
    /* The basis rows denoised (denoise.h), laid out as rhat and rext;
     * computed by every basis build of a run, NULL in a loaded model.
     * They replace rhat and rext when the run ends with the denoised
     * least-squares reconstruction (LLR_RECON_LSQ). */
    double *rhat_dn, *rext_dn;
} llr_gls_cut;

/* How a prefix is read (spec/learner.md rules 4 and 9): the
 * reconstruction LP (reconstruct.h), or least squares in the box over
 * denoised basis rows (lsq.h). A model file records which
 * (llr.reconstruction "lp" or "lsq"; absent: "lp"). */
enum { LLR_RECON_LP = 0, LLR_RECON_LSQ = 1 };

typedef struct llr_gls {
    int V, T, d;
    double box;        /* coefficient box |c| <= box (2) */
    double tau;        /* a prefix is infeasible when the LP residual > tau */
    llr_gls_cut *cut;  /* T cuts */
    int *separated;    /* per cut: F^_s separates the basis (llr_gls_prepare) */
    int recon;         /* LLR_RECON_* */
} llr_gls;

/* Parameters of a run (params.h computes defaults). */
typedef struct llr_gls_params {
    int d;              /* rank */
    double eps;         /* target TV */
    double delta;       /* failure probability */
    double box;         /* 2 */
    double tau;         /* LP tolerance */
    double gap;         /* validation threshold g on a log-probability
                         * error */
    int spanner_n;      /* N: histories sampled per cut for the spanner */
    int valid_n;        /* n: the first round of validation samples (later
                         * rounds: spec/learner.md rule 7) */
    int max_cert_n;     /* most fresh samples one certificate may use */
    int max_epochs;     /* epoch cap */
    double max_seconds; /* time limit of the run (0: none) */
    double rank_tol;    /* a row is dependent when its Gram-Schmidt residual
                         * is at most rank_tol times the largest row norm */
    uint64_t seed;
} llr_gls_params;

/* What a run did, for the JSON report and the tests. */
typedef struct llr_gls_stats {
    int epochs;
    int witnesses;        /* futures added in all */
    int basis_additions;  /* histories added to spanner pools by validation
                           * or by pool growth (spec/learner.md rule 10) */
    int pool_futures;     /* futures added by pool growth (rule 10) */
    /* Solver calls and, of them, answers the checkers accepted (every
     * answer used is checked: a rejected one stops the run), and LP
     * solves that ran the tie-break. */
    long lp_solves, lp_checked, lp_tiebreaks;
    /* LP stage optima certified by duality (learn/lp_optimality.h; the
     * first stage of every solve is, or the run stops with LLR_ECERT),
     * and tie-break stages whose certificate failed (not an error). */
    long lp_duality, lp_uncertified;
    long spanner_solves, spanner_checked;
    double max_residual;  /* largest LP residual seen in the last validation */
    /* The certificate of the returned model (spec/learner.md rule 8): from
     * the fresh samples of the last test, cert.delta the run's delta (the
     * test itself at cert.b.delta = delta / (tests (tests + 1))). */
    llr_certificate cert;
    int tests;            /* certificates computed */
    int target_met;       /* cert.upper <= eps */
    /* Why the run ended without its target certified (NULL: it ended on
     * a certificate <= eps): "budget" (the distinct-query budget ran
     * out), "epochs" (the epoch cap), "no progress" (a failing sample
     * whose every prefix was already offered to its cut's spanner: the
     * teacher is not within the gap of rank d), "time" (max_seconds),
     * "samples" (the certificate stayed above eps up to max_cert_n fresh
     * samples). stop_detail says it in one line. */
    const char *stop;
    char stop_detail[400];
    int recon;            /* the returned model's LLR_RECON_* */
    double best_cert;     /* smallest certified TV of the run (INFINITY: none) */
} llr_gls_stats;

/* Learn from the oracle. On success *out is the learned model (a model
 * like any other: kind "gls"), also when the target was not certified
 * (st->target_met 0, st->stop the reason: gls never refuses for lack of
 * rank, spec/learner.md rule 9). Errors: bad parameters, a solver or
 * checker failure, a budget that runs out before the first basis is
 * built, teacher-sample budget. Progress lines go to progress (may be
 * NULL). */
LLR_MUST_CHECK
int llr_gls_learn(llr_oracle *o, const llr_gls_params *p, FILE *progress,
                  llr_model **out, llr_gls_stats *st, llr_error *e);

/* Derived data: separated[s] = 1 when the k_s x (|F^_s| V) matrix of
 * basis rows on F^_s has rank k_s (numerical rank, NumPy's tolerance), so
 * the LP's coefficients at cut s are determined by its constraints; and
 * bound (above). */
LLR_MUST_CHECK
int llr_gls_prepare(llr_gls *g, llr_error *e);

/* Free the arrays of a representation. */
void llr_gls_free(llr_gls *g);

/* Wrap a representation as a model (taken over: g's pointers are set to
 * NULL). */
LLR_MUST_CHECK
int llr_gls_model(llr_gls *g, llr_model **out, llr_error *e);
/* The learned model's file (gls_file.c). */
LLR_MUST_CHECK
int llr_gls_save(const llr_gls *g, const char *path, llr_error *e);
/* The same, with the extra metadata of m, the model that wraps g. */
LLR_MUST_CHECK
int llr_gls_save_model(const llr_model *m, const llr_gls *g,
                       const char *path, llr_error *e);
LLR_MUST_CHECK
int llr_gls_from_file(const llr_st_file *f, llr_model **out, llr_error *e);

/* The row of history h (length s) on F~_s, V values per future, queried. */
LLR_MUST_CHECK
int llr_gls_row(llr_oracle *o, const llr_gls *g, int s, const int *h,
                double *row, llr_error *e);

/* The representation of a model of kind "gls", else NULL. */
const llr_gls *llr_gls_of(const llr_model *m);

#endif
