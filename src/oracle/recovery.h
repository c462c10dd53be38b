/* oracle/recovery.h - the whole centred logit vector at a prefix,
 * recovered from API-shaped calls: top-K log-probabilities after a logit
 * bias on a few tokens, rounded to R decimals (docs/access.md).
 *
 * The access (--access topk:K[,bias:B][,round:R][,nbias:N]): each call
 * answers the K tokens with the largest biased log-probabilities
 * lp'_z = l_z + b_z - logsumexp(l + b) (kernels/topk.h), with biases
 * |b_z| <= B on at most N tokens (default N = K), each answer rounded to
 * R decimals (R = -1: not rounded).
 *
 * Recovery at a prefix:
 *   call 0, unbiased: the top K; its first token is the reference r, and
 *     every shown token z gets d_z = lp_z - lp_r = l_z - l_r;
 *   then the unseen tokens in groups S of g = min(K, N) - 1: one call
 *     biases S and r by the same b, so every shown biased token gives
 *     d_z = lp'_z - lp'_r = l_z - l_r (the bias cancels: it is never
 *     divided by, and no 1 - p is formed, so a high-probability token
 *     costs no precision). b starts at min(B, 2 (lp_1 - lp_K) + 8) and is
 *     doubled (up to B) while a biased token is missing from the answer:
 *     the smallest bias that works keeps l + b exact to ~b 2^-52;
 *   out = d - mean(d).
 *   Calls: 1 + (retries) + ceil((V - K) / g) per prefix when K < V, else 1.
 * Error bound: with delta = 10^-R (0 unrounded), each d_z is off by at most
 * delta (two roundings of delta/2) and d_r = 0 exactly, so each centred
 * entry is off by at most delta (2V - 3) / V, plus LLR_RECOVERY_SLACK for
 * the floating point of the server and of the recovery (B <=
 * LLR_ACCESS_MAX_BIAS keeps it below that): llr_recovery_bound.
 * Checks (hostile answers, LLR_EINPUT): every answer has K distinct tokens
 * in range, finite log-probabilities <= 0, non-increasing, on the
 * declared decimal grid; a biased token still missing at bias B is an
 * error (the bias is too small to lift it); and once every d is known,
 * every answer of every call is predicted from d and must agree within
 * 2.5 delta + slack, and no unshown token may be predicted above a shown
 * one by more than that: inconsistent answers between calls, and rounding
 * coarser than declared, fail here (the prediction is off by at most
 * 2 delta, the rounding by delta / 2).
 */
#ifndef LLR_RECOVERY_H
#define LLR_RECOVERY_H

#include <stdint.h>

#include "base/error.h"
#include "kernels/topk.h"

#define LLR_ACCESS_MAX_BIAS 1e4
#define LLR_ACCESS_MAX_ROUND 12
#define LLR_RECOVERY_SLACK 1e-9

typedef struct llr_access {
    int k;       /* top-K per call (0: no API access: whole vectors) */
    double bias; /* the largest |bias| a call accepts, in [0, 1e4] */
    int nbias;   /* the most biased tokens per call */
    int round;   /* decimals of the answers, -1: not rounded */
} llr_access;

/* One batch of API calls c[0..n): fill each call's tok and logprob. The
 * recovery passes k, the biases, the prefix; ctx is the caller's. */
typedef int (*llr_api_fn)(void *ctx, llr_topk_call *c, int n, int round,
                          llr_error *e);

/* "topk:K[,bias:B][,round:R][,nbias:N]" into a (LLR_EUSAGE on anything
 * else, K = 0 included). */
LLR_MUST_CHECK
int llr_access_parse(const char *s, llr_access *a, llr_error *e);

/* LLR_EUSAGE unless a can recover whole vectors over V tokens: K >= 1;
 * when K < V also K >= 2, N >= 2 and B > 0 (else no bias can lift an
 * unseen token into an answer beside the reference). */
LLR_MUST_CHECK
int llr_access_check(const llr_access *a, int V, llr_error *e);

/* The per-entry error bound of a recovered centred vector (see above). */
double llr_recovery_bound(const llr_access *a, int V);

/* The centred logits at prefix[0..len) into out[0..V), by calls to api;
 * *calls gets the number of calls made (also on failure: they were
 * made). */
LLR_MUST_CHECK
int llr_recover_logits(const llr_access *a, int V, llr_api_fn api,
                       void *ctx, const int *prefix, int len, double *out,
                       uint64_t *calls, llr_error *e);

#endif
