/* llr.h - the public interface of libllr, the reference implementation of
 * learning a language model from logit queries when its logits have low
 * rank (Golowich, Liu, Shetty, arXiv 2512.09892, "GLS2").
 *
 * Build against an installed copy with
 *     cc prog.c $(pkg-config --cflags --libs llr)
 * or, statically, with pkg-config --static --libs llr and -l:libllr.a in
 * place of -lllr. C++ programs include it too (C linkage).
 * This header includes the library's headers from <llr/...>; each of them
 * states, at every declaration, what the function computes, in the
 * notation of the paper (docs/ and the man page llr(1) say more).
 *
 * Conventions (every function below follows them):
 *  - A function that can fail returns int: 0 on success, nonzero (-1) on
 *    failure with a message in the llr_error it was given (NULL: no
 *    message). Bad input is a failure with a message, never a crash.
 *  - A model is a distribution over Sigma^T, Sigma = {0..V-1}, given by its
 *    centred next-token logits l(h) in R^V for every prefix h, |h| < T:
 *    l_z(h) = log M(z|h) - (1/V) sum_z' log M(z'|h).
 *  - Randomness comes only from llr_prng (SplitMix64, specified bit for
 *    bit): the same seed gives the same result, byte for byte.
 *  - Objects returned through `llr_model **out` belong to the caller and
 *    are released with llr_model_free.
 *
 * The main entry points and their contracts:
 *
 *  llr_version()                 the linked library's "MAJOR.MINOR.PATCH"
 *                                (compare with LLR_VERSION_STRING)
 *  llr_model_load(path, &m, e)   any model: a safetensors file of llr
 *                                (isan, approx, table, parity, gls, ...),
 *                                "exec:COMMAND" (a process speaking the
 *                                query protocol), or FILE.arpa
 *  llr_model_save(m, path, e)    write m atomically (safetensors)
 *  llr_model_free(m)             release m (NULL is allowed)
 *  llr_model_logits(m, h, t, l, e)
 *                                l[0..V-1] = the centred logits l(h) after
 *                                the prefix h[0..t-1], 0 <= t < T
 *  llr_model_sample(m, g, y, e)  y[0..T-1] ~ m, token by token, by inverse
 *                                CDF of softmax(l(h)) with one uniform
 *                                draw of g per token (docs/models.md)
 *  llr_model_logprob(m, y, n, &lp, e)
 *                                lp = log m(y_1..y_n) (natural log)
 *  llr_isan_generate(V, d, T, seed, scale, &m, e)
 *                                a random time-varying ISAN of dimension d:
 *                                logit rank d, centred logits in
 *                                [-scale, scale]
 *  llr_distance_exact(P, Q, max, progress, &r, e)
 *                                TV(P, Q), the telescoping bound
 *                                sum_t E_{h~P} TV(P(.|h), Q(.|h)) and
 *                                KL(P || Q) by enumerating Sigma^T (refused
 *                                above max sequences), with a bound on the
 *                                rounding error of TV
 *  llr_distance_mc(P, Q, n, seed, delta, progress, &r, e)
 *                                the same estimated from n samples of P,
 *                                with the certified upper bound and an
 *                                interval at 1 - delta
 *  llr_oracle_new / llr_oracle_query / llr_oracle_sample / llr_oracle_free
 *                                the teacher's two access operations:
 *                                logit queries (calls, distinct prefixes,
 *                                tokens; cached, optionally noisy) and
 *                                teacher samples with their
 *                                log-probabilities, counted apart, budgeted
 *                                and traced
 *  llr_params_practical(T, d, eps, delta, xi, q, seed, &p)
 *                                the learner's default parameters
 *  llr_gls_learn(o, &p, progress, &m, &stats, e)
 *                                GLS2's learner: a standalone model learned
 *                                from the oracle's logit queries and
 *                                teacher samples (spanner bases, witness
 *                                futures, reconstruction LP), its solver
 *                                answers certified by checkers, and its TV
 *                                by fresh samples (stats.cert)
 *  llr_certify(o, m, n, delta, seed, &c, e)
 *                                the certified TV of any model against the
 *                                oracle's teacher from n teacher samples
 *  llr_trace_init(t, FILE)       a trace sink for the oracle (opts.trace):
 *                                every step of a run as JSON lines
 *                                (docs/trace.md)
 *  llr_tracediff_files(a, b, &opts, &r, e)
 *                                where two traces diverge: the first
 *                                divergence, or every one (opts.all),
 *                                within a tolerance, leaving out fields
 *                                and line types; llr_tracediff_free(&r)
 */
#ifndef LLR_H
#define LLR_H

/* C++: the library has C linkage. */
#ifdef __cplusplus
extern "C" {
#endif

#include <llr/base/version.h>

#include <llr/base/error.h>
#include <llr/base/prng.h>
#include <llr/models/model.h>
#include <llr/catalog/catalog.h>
#include <llr/kernels/softmax.h>
#include <llr/kernels/topk.h>
#include <llr/models/isan.h>
#include <llr/models/approx.h>
#include <llr/models/table.h>
#include <llr/models/parity.h>
#include <llr/models/arpa.h>
#include <llr/models/process.h>
#include <llr/measure/distance.h>
#include <llr/kernels/divergence.h>
#include <llr/measure/spectrum.h>
#include <llr/oracle/oracle.h>
#include <llr/oracle/recovery.h>
#include <llr/oracle/cond_sample.h>
#include <llr/io/trace.h>
#include <llr/conformance/tracediff.h>
#include <llr/kernels/confidence.h>
#include <llr/learn/certify.h>
#include <llr/learn/params.h>
#include <llr/learn/gls.h>
#include <llr/learn/export.h>
#include <llr/learn/spectral.h>
#include <llr/learn/exhaustive.h>
#include <llr/learn/empirical.h>

#ifdef __cplusplus
}
#endif

#endif
