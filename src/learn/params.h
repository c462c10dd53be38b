/* learn/params.h - the learner's parameters: practical defaults and the
 * theorem's own settings (docs/mathematics.md §3.7; §5.3 derives the
 * practical ones). */
#ifndef LLR_PARAMS_H
#define LLR_PARAMS_H

#include "learn/gls.h"

/* Practical defaults for horizon T, rank d, target eps, failure delta,
 * oracle noise xi and quantum q (spec/learner.md rule 8):
 *   gap g = eps / (2T) (a sample none of whose prefixes errs by more than
 *   g in log-probability has |log Q(y)/P(y)| <= eps/2, so W(y) < eps/2 and
 *   the certificate can always be reached);
 *   valid_n = llr_cert_samples(eps, delta / 2): the smallest round whose W,
 *   with mean at most eps/100, certify eps at the first test's confidence
 *   1 - delta/2 (certify.h); max_cert_n = 64 valid_n;
 *   box 2; tau = g + 4 xi + q (a residual above the gap cannot give a
 *   prediction within it); spanner_n = 8 d + 8; rank_tol 1e-9;
 *   max_epochs = 50 T d + 50. */
void llr_params_practical(int T, int d, double eps, double delta, double xi,
                          double q, uint64_t seed, llr_gls_params *p);

/* The largest certificate round llr_params_practical sizes: 3e7 teacher
 * samples (eps about 1.5e-7 at delta 0.05). */
#define LLR_MAX_VALID_N 30000000

/* 0 when the practical round for (eps, delta), llr_cert_samples(eps,
 * delta / 2), is at most LLR_MAX_VALID_N; else an LLR_EUSAGE error that
 * says how many samples eps needs. A smaller round could not certify eps,
 * and a larger one would run for days. */
LLR_MUST_CHECK
int llr_params_check(double eps, double delta, llr_error *e);

/* The theorem's settings as quoted in docs/mathematics.md §5.5 (GLS2
 * Thm 5.11, a re-statement): queries ~ T^13 d^4 / eps^4 ln(1/delta)
 * (logarithmic factors and constants unknown), tolerated oracle error
 * xi ~ eps / (T^3 d^1.5). Fills p (gap = that xi, valid_n = the query
 * bound / T, max_cert_n = 64 valid_n, both capped at 2e9) and returns the
 * query bound. */
double llr_params_theory(int T, int d, double eps, double delta,
                         uint64_t seed, llr_gls_params *p);

/* Above this many queries the theory settings are declined. */
#define LLR_THEORY_MAX_QUERIES 1e7

/* The seed of the oracle's answer noise (--xi) in a run with learner seed
 * `seed`: mix(seed XOR 0x4e4f495345) ("NOISE" in ASCII; mix = llr_mix64),
 * the "noise_seed" of a trace's learn_begin line (docs/trace.md). Every
 * command that learns (llr learn, llr vectors) uses this one rule. */
uint64_t llr_params_noise_seed(uint64_t seed);

#endif
