/* measure/distance.h - how far apart two models over Sigma^T are
 * (docs/mathematics.md §5.1, §8.1).
 *
 * Exact: one depth-first walk of the prefix tree computes, for models P and
 * Q with the same V and T,
 *   tv          = TV(P, Q) = 1/2 sum_{y in Sigma^T} |P(y) - Q(y)|,
 *   telescoping = sum_{t<T} E_{h~P_t} TV(P(.|h), Q(.|h))   (>= tv),
 *   kl          = KL(P || Q) = sum_{t<T} E_{h~P_t} KL(P(.|h) || Q(.|h)),
 * carrying the path probabilities P(h), Q(h) down the tree so that every
 * prefix is evaluated once, by each model's incremental state.
 *
 * Monte Carlo: n sequences y ~ P (drawn exactly as llr_model_sample draws
 * them from the same seed); TV = E_{y~P} W(y), W(y) = max(0, 1 -
 * Q(y)/P(y)), a mean of values in [0, 1], with the confidence bounds of
 * kernels/confidence.h (the tighter of binomial-KL and empirical
 * Bernstein): the same certificate as llr learn's tv_certified.
 */
#ifndef LLR_DISTANCE_H
#define LLR_DISTANCE_H

#include <stdint.h>

#include "models/model.h"

/* Called now and then with the fraction of the work done. */
typedef struct llr_progress {
    void (*fn)(void *ctx, double fraction);
    void *ctx;
} llr_progress;

/* What the walks can report beyond the totals (for llr compare). */
typedef struct llr_distance_hooks {
    /* NULL, or T entries: step_tv[t] = E_{h~P_t} TV(P(.|h), Q(.|h)), the
     * t-th term of the telescoping sum (exact: the sum over prefixes h of
     * length t of P(h) TV; Monte Carlo: the mean over the samples' prefixes
     * of length t). */
    double *step_tv;
    /* NULL, or called at every prefix evaluated, with its tokens h[0..t),
     * P(h) (the product of P's conditionals along h) and the TV of the two
     * next-token distributions after it. The exact walk visits every
     * prefix once except subtrees where both path probabilities underflow
     * to 0; Monte Carlo visits the prefixes of every sample, repeats
     * included. */
    void (*prefix)(void *ctx, const int *h, int t, double p_h, double tv);
    void *ctx;
} llr_distance_hooks;

/* How to compute a distance: the limit of the exact walk, the sample
 * count, seed and confidence of Monte Carlo, and what to report on the
 * way. A field the computation does not use is ignored. */
typedef struct llr_distance_opts {
    uint64_t max_leaves;             /* exact: refuse when V^T exceeds it */
    uint64_t samples;                /* Monte Carlo: n >= 1 sequences */
    uint64_t seed;                   /* Monte Carlo: the sampling seed */
    double delta;                    /* Monte Carlo: intervals hold with
                                      * probability >= 1 - delta */
    const llr_progress *progress;    /* NULL: none */
    const llr_distance_hooks *hooks; /* NULL: none; the results are the
                                      * same with or without */
    int threads;                     /* exact: at most this many threads
                                      * (0 or 1: the calling thread only);
                                      * the results are the same for any
                                      * count */
} llr_distance_opts;

typedef struct llr_exact {
    double tv;          /* TV(P, Q) */
    double tv_err;      /* bound on the rounding error of tv (see below) */
    double telescoping; /* sum_t E_{h~P_t} TV(P(.|h), Q(.|h)) */
    double kl;          /* KL(P || Q), natural log */
    double mass_p;      /* sum over leaves of the computed P(y) (about 1) */
    double mass_q;
    uint64_t leaves;    /* V^T */
    uint64_t prefixes;  /* prefixes evaluated (each by both models) */
} llr_exact;

/* The exact walk splits the prefix tree at the least depth D <= T - 1
 * with V^D >= LLR_EXACT_SUBTREES: the nodes above D are walked first, then
 * the V^D subtrees below, by up to o->threads threads (each with its own
 * fork of each model: llr_model_fork). Each subtree adds up its own
 * telescoping, KL, masses and step_tv terms; they are added in subtree
 * order after the nodes above, and the TV sum is rebuilt node by node in
 * the order of a single depth-first walk, so every result is the same,
 * bit for bit, for any thread count. One thread only when a model must
 * stay on one thread (a process) or o->hooks has a prefix hook (called in
 * depth-first order, from the calling thread). */
#define LLR_EXACT_SUBTREES 256

/* Exact distances by enumeration; refuses when V^T > o->max_leaves.
 * tv_err bounds |tv - 1/2 sum_y |prod p^(y) - prod q^(y)|| where p^, q^ are
 * the conditionals as computed: each leaf probability is a product of T
 * rounded factors (relative error gamma_T), the difference adds one
 * rounding, and the walk sums the V children of each node left to right
 * (each term passes through at most T (V-1) additions), so with
 * n = T (V-1) + T + 2,  tv_err = gamma_n (1 + gamma_n) (mass_p + mass_q) / 2.
 * The rounding of the conditionals themselves (softmax of each model's
 * logits) is the models' own and is not included. */
LLR_MUST_CHECK
int llr_distance_exact(const llr_model *P, const llr_model *Q,
                       const llr_distance_opts *o, llr_exact *out,
                       llr_error *e);

typedef struct llr_mc {
    uint64_t n;          /* samples */
    double delta;        /* the intervals hold with probability >= 1-delta */
    double tv;           /* mean of W: unbiased */
    double tv_cert;      /* one-sided: TV <= tv_cert with prob. >= 1-delta */
    double tv_lo, tv_hi; /* two-sided: each side at delta/2 */
    double tv_var;       /* sample variance of W */
    double telescoping, tele_lo, tele_hi; /* the same bounds, on [0, T] */
    double kl, kl_stderr; /* mean of log P(y)/Q(y) and its standard error */
} llr_mc;

/* Monte Carlo estimates from o->samples sequences of P drawn from
 * o->seed, with intervals at confidence 1 - o->delta. */
LLR_MUST_CHECK
int llr_distance_mc(const llr_model *P, const llr_model *Q,
                    const llr_distance_opts *o, llr_mc *out, llr_error *e);


/* Both models must have the same V and T. */
LLR_MUST_CHECK
int llr_distance_compatible(const llr_model *P, const llr_model *Q,
                            llr_error *e);

#endif
