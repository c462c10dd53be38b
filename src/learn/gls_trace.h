/* learn/gls_trace.h - the learner's lines of a trace (docs/trace.md), in
 * one place, so that gls.c and witness.c read like GLS2's Algorithm 1.
 *
 * Every function writes one line to tr and does nothing when tr is NULL.
 * The fields, their order and their meaning are those of docs/trace.md;
 * the oracle writes its own "query" lines, the spanner its
 * "spanner_initial" and "spanner_swap" lines.
 */
#ifndef LLR_GLS_TRACE_H
#define LLR_GLS_TRACE_H

#include "io/trace.h"
#include "learn/certify.h"
#include "learn/gls.h"
#include "learn/reconstruct.h"
#include "learn/spanner.h"
#include "learn/witness.h"

/* "learn_begin": the parameters of the run and of its oracle. */
void llr_gls_trace_learn_begin(llr_trace *tr, int V, int T,
                               const llr_gls_params *p,
                               const llr_oracle_opts *oo);

/* "sample": a teacher sample of a stream ("spanner", "validation") with
 * the teacher's log-probability of each token. */
void llr_gls_trace_sample(llr_trace *tr, const char *stream, int index,
                          const int *y, const double *logp, int T);

/* "epoch_begin" and "epoch_end" (outcome "witness", "history" or
 * "passed"; validated: samples that passed in the epoch). */
void llr_gls_trace_epoch_begin(llr_trace *tr, int epoch,
                               const llr_gls_stats *st, llr_counts n);
void llr_gls_trace_epoch_end(llr_trace *tr, int epoch, const char *outcome,
                             int validated, llr_counts n);

/* "basis": the basis chosen at cut s from a pool of pool_n histories,
 * on nf futures and m columns; idx the chosen pool rows. */
void llr_gls_trace_basis(llr_trace *tr, int epoch, int s, int pool_n, int nf,
                         int m, const llr_gls_cut *c, const int *idx,
                         const llr_spanner_result *sr);

/* "round_begin" (first: the index of its first sample, samples: how many)
 * and "round_end" (validated: samples drawn so far, all passing; fresh:
 * how many of them were drawn after the last change). */
void llr_gls_trace_round_begin(llr_trace *tr, int epoch, int round,
                               int first, int samples);
void llr_gls_trace_round_end(llr_trace *tr, int epoch, int round,
                             int validated, int fresh);

/* "certificate": test number `test` on the fresh samples first..first+n-1
 * (c->n of them), at confidence 1 - c->b.delta; certified: c->upper <=
 * eps. */
void llr_gls_trace_certificate(llr_trace *tr, int epoch, int test,
                               int first, const llr_certificate *c,
                               int certified);

/* "validate": sample number `sample` of the current round is checked. */
void llr_gls_trace_validate(llr_trace *tr, int epoch, int sample);

/* "lp": the LP solution for the prefix y_{1:t}, the learned model's
 * log-probability q of the sample's next token y_t and the teacher's p. */
void llr_gls_trace_lp(llr_trace *tr, const int *y, int t,
                      const llr_lp_result *lr, double q, double p);

/* "failure": how a failing prefix was attributed; errs[0..nerrs) the
 * errors at the cuts tried while locating it. */
void llr_gls_trace_failure(llr_trace *tr, const llr_witness_fix *fix,
                           int feasible, const double *errs, int nerrs);

/* "witness": future y[s..t) added to F^_s (futures: |F^_s| after);
 * "history": the history y_{1:s} added to cut s's pool (pool: its size
 * after). */
void llr_gls_trace_witness(llr_trace *tr, int epoch, int sample,
                           const int *y, const llr_witness_fix *fix,
                           int futures);
void llr_gls_trace_history(llr_trace *tr, int epoch, int sample,
                           const int *y, int s, int pool);

/* "cut" per cut of the result, then "learn_end" with the totals. */
void llr_gls_trace_learn_end(llr_trace *tr, const llr_gls *g,
                             const llr_gls_stats *st, llr_counts n);

#endif
