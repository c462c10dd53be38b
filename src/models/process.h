/* models/process.h - a model behind a child process (MODEL = "exec:COMMAND").
 *
 * The child is started with /bin/sh -c COMMAND in a process group of its
 * own and speaks the protocol of io/protocol.h (docs/oracle-protocol.md)
 * on its stdin and stdout; its stderr passes through. When the model is
 * freed, or after a failure, the whole group is ended: stdin closed, then
 * SIGTERM, then SIGKILL, so that a stalled server and the processes it
 * started do not survive.
 *
 * The client caches every answer by prefix (models/prefix_cache.h), so a
 * prefix is asked of the server once per process (until the cache, at most
 * LLR_EXEC_CACHE_MB MiB of logits, default 1024, is full and is emptied).
 * With a version 2 server it batches: llr_model_prefetch asks for many
 * prefixes in one request and keeps several requests in flight, and every
 * reply is checked to answer its request (by id, in order). With a version
 * 1 server it sends one prefix per request, one request at a time, and
 * stops on output that answers no request.
 *
 * Failures are errors, never crashes: the command failing to start or
 * exiting, a reply that is not JSON, has the wrong id or length, a
 * non-finite number or a logit beyond +-LLR_PROTO_MAX_LOGIT, a line longer
 * than LLR_PROTOCOL_MAX_LINE, output that answers no request, and no
 * progress within the timeout (default 30 s; LLR_EXEC_TIMEOUT in the
 * environment, in seconds, a number in (0, 1e6], overrides it; any other
 * value is an error).
 */
#ifndef LLR_PROCESS_H
#define LLR_PROCESS_H

#include <stdint.h>

#include "kernels/topk.h"
#include "models/model.h"

LLR_MUST_CHECK
int llr_exec_open(const char *command, llr_model **out, llr_error *e);

/* The end of a run: close the server's input and check that it writes
 * nothing more before the end of its output (waiting at most 2 s, or the
 * timeout if shorter): any more output answered no request (a surplus
 * reply, which with a version 1 server may also have been taken for the
 * answer to a later request), an error. Then m answers nothing more (its
 * counters stay readable); llr_model_free still ends the process. 0 for a
 * model that is not behind a process. */
LLR_MUST_CHECK
int llr_exec_finish(const llr_model *m, llr_error *e);

/* What the client did so far (for reports). */
typedef struct llr_exec_stats {
    int version;            /* the protocol version spoken: 1 or 2 */
    uint64_t round_trips;   /* waits for the server: each sends one or more
                             * requests (pipelined) and reads their replies */
    uint64_t requests;      /* request lines sent and answered */
    uint64_t max_pipelined; /* the most requests of one round trip (at most
                             * 8 of them in flight at once) */
    uint64_t max_in_flight; /* the most requests sent before their replies
                             * were read (depends on timing) */
    uint64_t prefixes;      /* logit vectors received */
    uint64_t distinct;      /* distinct prefixes among them */
    uint64_t cache_hits;    /* logits answered from the cache */
    uint64_t flushes;       /* times the full cache was emptied */
    uint64_t samples;       /* sequences received by sample requests */
    uint64_t topk_calls;    /* topk calls answered */
} llr_exec_stats;

/* 1 and *out filled when m is a model behind a process, else 0. */
int llr_exec_stats_of(const llr_model *m, llr_exec_stats *out);

/* Sample request (protocol version 2, when the server offers it):
 * sequences skip .. skip + n - 1 of the stream that consecutive
 * llr_model_sample calls draw from the served model after
 * llr_prng_seed(seed) (`llr serve` draws exactly so; another server draws
 * as it can), into seq (n x T), with each token's
 * log-probability log M(y_t | y_<t) into logp (n x T). Large n is split
 * into several pipelined requests. */
LLR_MUST_CHECK
int llr_exec_sample(const llr_model *m, uint64_t seed, uint64_t skip, int n,
                    int *seq, double *logp, llr_error *e);

/* The same, continuing g's stream: the n sequences that n calls of
 * llr_model_sample(m, g, ...) would draw (llr_exec_sample from g's state),
 * and g advanced past them (n T draws), as those calls would leave it.
 * With n = 1 this is m->ops->sample (models/model.h) when the server
 * offers sample requests (else that operation is NULL and the oracle
 * samples by logit queries); m->ops->prefetch_samples plans the sequences
 * of consecutive calls, which m->ops->sample then asks for together, as
 * llr_exec_sample_stream with their number would. */
LLR_MUST_CHECK
int llr_exec_sample_stream(const llr_model *m, llr_prng *g, int n, int *seq,
                           double *logp, llr_error *e);

/* 1 when the server behind m answers topk requests, else 0 (also when m
 * is no model behind a process). */
int llr_exec_offers_topk(const llr_model *m);

/* Topk request (protocol version 2): the API-shaped answers of
 * kernels/topk.h to calls c[0..n), computed by the server, into each
 * call's tok and logprob; round decimals (-1: not rounded, else
 * 0..LLR_PROTO_MAX_ROUND). The calls are checked first (prefix length
 * < T and tokens in [0, V), k in [1, min(V, LLR_PROTO_MAX_K)], at most
 * LLR_PROTO_MAX_BIAS distinct biased tokens, finite biases within
 * +-LLR_PROTO_MAX_BIAS_VALUE: else LLR_EUSAGE), and so is every answer (k
 * distinct tokens, log-probabilities finite, <= 0 and non-increasing).
 * Many calls are sent in few pipelined requests; each call counts once in
 * topk_calls. */
LLR_MUST_CHECK
int llr_exec_topk(const llr_model *m, llr_topk_call *c, int n, int round,
                  llr_error *e);

#endif
