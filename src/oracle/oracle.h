/* oracle/oracle.h - the teacher behind its two access operations, counted
 * exactly (docs/mathematics.md §2).
 *
 * The learner sees the teacher only through this wrapper, which offers
 * GLS2's two resources (oracle/counts.h counts them apart):
 *   logit query: a prefix h (|h| < T) in, the whole centred logit vector
 *     l(h) out. Counted: calls answered (from the cache or the model),
 *     distinct prefixes (what an API bills), and tokens, the sum of |h|
 *     over the distinct prefixes; a query refused by the budget counts
 *     nowhere. Answers are cached in a prefix trie; a budget caps the
 *     distinct prefixes (a query that would exceed it fails without
 *     reaching the model).
 *   teacher sample: a complete sequence y in Sigma^T with the teacher's
 *     log-probability of each of its tokens (what a text-generation API
 *     returns). Counted: samples and their tokens (T each); sample_budget
 *     caps the samples. A model with a sample operation (models/model.h:
 *     every in-process family) is sampled directly, exactly, without a
 *     logit query; one without it (a process speaking protocol 1) is
 *     sampled by logit queries at each prefix, which count as logit
 *     queries (and the sample as a sample too).
 * Logit answers may be degraded, for robustness experiments:
 *   noise xi:    + eta(h), the perturbation of kernels/noise.h of size xi
 *                with its hash chain seeded by noise_seed: per entry
 *                |error| < xi, a deterministic function of the prefix;
 *   quantum q:   then every entry rounded to the nearest multiple of q
 *                (ties away from zero): |error| <= q/2 more.
 * Direct samples and their log-probabilities are never degraded (the
 * certificate of docs/learner.md needs the teacher's own); samples drawn
 * by logit queries come from the answers, degraded or not.
 * API-shaped answers: with topk = k < V the oracle answers only the k
 * largest logits of each query, as many APIs do (llr_oracle_topk); a
 * whole-vector query is then refused, since GLS2's learner and the
 * baselines need every entry.
 * API access (access.k > 0, --access topk:K,...): the model is reached
 * only by top-K calls with logit bias (oracle/recovery.h), through the
 * server's topk requests for a process that offers them, else simulated
 * from the model's logits by kernels/topk.h. A logit query is answered by
 * the vector recovered from such calls (each entry within
 * llr_recovery_bound), counted as a logit query as before; the calls it
 * took count in api_calls. Noise, quantum and topk do not combine with it.
 * Conditional-sampling access (cond.on, --access sample,...): a logit
 * query is answered by the estimate of oracle/cond_sample.h from n
 * one-token draws at the prefix (simulated from an in-process model with
 * a generator seeded by noise_seed and the prefix), each draw one API
 * call; with probability >= 1 - cond.delta every entry is within cond.xi
 * when the model's centred logits lie in [-cond.lambda, cond.lambda].
 * A transcript (optional) gets one JSON line per distinct query,
 *   {"prefix": [...], "logits": [...]},
 * and one per teacher sample,
 *   {"sample": [...], "logprobs": [...]} (17 significant digits).
 * A trace (optional, trace.h) gets a line of type "query" per distinct
 * query; the learner writes its own steps to the same sink.
 */
#ifndef LLR_ORACLE_H
#define LLR_ORACLE_H

#include <stdint.h>
#include <stdio.h>

#include "io/trace.h"
#include "models/model.h"
#include "oracle/cond_sample.h"
#include "oracle/counts.h"
#include "oracle/recovery.h"

typedef struct llr_oracle_opts {
    double xi;           /* noise bound, >= 0 */
    uint64_t noise_seed;
    double quantum;      /* 0: none */
    uint64_t budget;     /* max distinct prefixes, 0: none */
    FILE *transcript;    /* NULL: none */
    int topk;            /* answer only the k largest logits (0: all) */
    llr_trace *trace;    /* NULL: none (docs/trace.md) */
    uint64_t sample_budget; /* max teacher samples, 0: none */
    llr_access access;   /* API-shaped access (k = 0: none) */
    llr_cond_access cond; /* conditional-sampling access (on = 0: none) */
} llr_oracle_opts;

/* An oracle (opaque): the model, the options, the cache, the counters. */
typedef struct llr_oracle llr_oracle;

/* A new oracle for M (which must outlive it) with the given options (NULL:
 * all zero, an exact oracle without budget); free with llr_oracle_free.
 * On failure *out is NULL and nothing needs freeing. */
LLR_MUST_CHECK
int llr_oracle_new(const llr_model *M, const llr_oracle_opts *opts,
                   llr_oracle **out, llr_error *e);
/* NULL is allowed. */
void llr_oracle_free(llr_oracle *o);

/* The model behind o, its options, and its counters so far (see
 * above). */
const llr_model *llr_oracle_model(const llr_oracle *o);
const llr_oracle_opts *llr_oracle_options(const llr_oracle *o);
llr_counts llr_oracle_counts(const llr_oracle *o);
/* Change the distinct-query budget (0: none) from now on; the counters
 * stay. (gls keeps part of a budget back for its last certificate when
 * teacher samples cost logit queries: spec/learner.md rule 10.) */
void llr_oracle_set_budget(llr_oracle *o, uint64_t budget);

/* l(prefix) into out[0..V-1]. */
LLR_MUST_CHECK
int llr_oracle_query(llr_oracle *o, const int *prefix, int len, double *out,
                     llr_error *e);

/* The k = opts.topk largest entries of l(prefix), in decreasing order
 * (ties: smaller token first): tokens into idx, logits into val. Counted as
 * one query. */
LLR_MUST_CHECK
int llr_oracle_topk(llr_oracle *o, const int *prefix, int len, int *idx,
                    double *val, llr_error *e);

/* Fail, without querying, when the oracle cannot answer whole vectors. */
LLR_MUST_CHECK
int llr_oracle_need_full(const llr_oracle *o, const char *who, llr_error *e);

/* A teacher sample: seq[0..T-1] and, when logp is not NULL, the teacher's
 * log-probability of each token given the ones before it in logp[0..T-1]
 * (natural log). Drawn from g: directly by the model's sample operation,
 * else token by token (llr_sample_token) from the logit answers at each
 * prefix (cached ones are free). Both give the same tokens for an exact
 * oracle and the same generator state. */
LLR_MUST_CHECK
int llr_oracle_sample(llr_oracle *o, llr_prng *g, int *seq, double *logp,
                      llr_error *e);

/* 1 when llr_oracle_sample draws directly (no logit query), 0 when it
 * goes through logit queries. */
int llr_oracle_samples_direct(const llr_oracle *o);

/* Batching hints for a teacher behind a process (llr_model_batch > 0; a
 * no-op otherwise, and never a change to answers or counts): ask the model
 * at once for the prefixes tok[off[i] .. off[i+1]), i < n, that the
 * oracle has not answered yet, at most as many as the budget has left. */
LLR_MUST_CHECK
int llr_oracle_prefetch(llr_oracle *o, const int *tok, const int *off, int n,
                        llr_error *e);
/* The same for the next n samples llr_oracle_sample will draw from g (g is
 * not advanced). Drawn directly: the model fetches the sequences
 * themselves (llr_model_prefetch_samples; at most as many as the sample
 * budget has left), each answered to the call whose generator is at the
 * state it starts from, so the draws are those of one call at a time. By
 * logit queries: their prefixes, only for an exact oracle (no noise, no
 * quantum, whole vectors), whose draws the model's own answers predict,
 * and only when n T prefixes fit in the budget's remainder. */
LLR_MUST_CHECK
int llr_oracle_prefetch_samples(llr_oracle *o, const llr_prng *g,
                                long long n, llr_error *e);

#endif
