/* The certificate of learned models (learn/certify.h) and the teacher's
 * two access operations: samples drawn directly and by logit queries
 * agree; over many seeds, on exact and approximate teachers small enough
 * for exact TV, the certified bound covers the exact TV in at least a
 * 1 - delta fraction of runs (binomial test) and the estimate's mean
 * agrees with the exact TV; gls's certificate is that of the model it
 * returns. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "learn/certify.h"
#include "learn/gls.h"
#include "learn/params.h"
#include "learn/spectral.h"
#include "models/approx.h"
#include "models/isan.h"
#include "oracle/oracle.h"

/* P(X >= k) for X ~ Binomial(n, p). */
static double binom_tail(int n, int k, double p)
{
    double s = 0;
    for (int i = k; i <= n; i++)
        s += exp(lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0) +
                 i * log(p) + (n - i) * log1p(-p));
    return s;
}

Test(oracle, sampling_by_logit_queries_matches_direct_sampling)
{
    llr_error err;
    llr_model *M;
    cr_assert(llr_isan_generate(4, 2, 5, 3, 3.0, &M, &err) == 0);
    /* The same model without its sample operation: what a process
     * speaking protocol 1 offers. */
    llr_model_ops ops = *M->ops;
    ops.sample = NULL;
    llr_model view = *M;
    view.ops = &ops;
    view.meta = NULL, view.nmeta = 0;
    llr_oracle *od = NULL, *ol = NULL;
    cr_assert(llr_oracle_new(M, NULL, &od, &err) == 0);
    cr_assert(llr_oracle_new(&view, NULL, &ol, &err) == 0);
    cr_assert(llr_oracle_samples_direct(od));
    cr_assert(!llr_oracle_samples_direct(ol));
    llr_prng gd, gl;
    llr_prng_seed(&gd, 5);
    llr_prng_seed(&gl, 5);
    for (int i = 0; i < 50; i++) {
        int yd[5], yl[5];
        double ld[5], ll[5], lp;
        cr_assert(llr_oracle_sample(od, &gd, yd, ld, &err) == 0);
        cr_assert(llr_oracle_sample(ol, &gl, yl, ll, &err) == 0);
        cr_assert_arr_eq(yd, yl, sizeof yd);
        cr_assert_arr_eq(ld, ll, sizeof ld);
        /* The log-probabilities are the model's own. */
        cr_assert(llr_model_logprob(M, yd, 5, &lp, &err) == 0);
        double s = 0;
        for (int t = 0; t < 5; t++)
            s += ld[t];
        cr_assert(fabs(s - lp) < 1e-12);
    }
    llr_counts cd = llr_oracle_counts(od), cl = llr_oracle_counts(ol);
    cr_assert(cd.samples == 50 && cl.samples == 50);
    cr_assert(cd.sample_tokens == 250 && cl.sample_tokens == 250);
    /* Direct: no logit query; by logits: T calls per sample, each prefix
     * distinct once. */
    cr_assert(cd.calls == 0 && cd.distinct == 0);
    cr_assert_eq(cl.calls, 250);
    cr_assert(cl.distinct > 0 && cl.distinct < 250);
    llr_oracle_free(od);
    llr_oracle_free(ol);
    llr_model_free(M);
}

Test(oracle, sample_budget_holds)
{
    llr_error err;
    llr_model *M;
    cr_assert(llr_isan_generate(3, 2, 4, 1, 3.0, &M, &err) == 0);
    llr_oracle_opts oo = {0};
    oo.sample_budget = 3;
    llr_oracle *o = NULL;
    cr_assert(llr_oracle_new(M, &oo, &o, &err) == 0);
    llr_prng g;
    llr_prng_seed(&g, 1);
    int y[4];
    for (int i = 0; i < 3; i++)
        cr_assert(llr_oracle_sample(o, &g, y, NULL, &err) == 0);
    cr_assert(llr_oracle_sample(o, &g, y, NULL, &err) != 0);
    assert_code(err, LLR_EBUDGET);
    cr_assert(strstr(err.msg, "teacher-sample budget of 3") != NULL, "%s",
              err.msg);
    cr_assert_eq(llr_oracle_counts(o).samples, 3);
    llr_oracle_free(o);
    llr_model_free(M);
}

/* One run of the coverage experiment: a teacher (exact when eta = 0),
 * a model learned from it by the spectral baseline at rank d_learn, and
 * the certificate from n samples at confidence 1 - delta. */
typedef struct run_result {
    double tv, upper, lower, est, var;
    uint64_t n;
} run_result;

static run_result cover_run(int V, int d, int T, double eta, int dl,
                            uint64_t seed, uint64_t n, double delta)
{
    llr_error err;
    llr_model *M, *Q;
    if (eta > 0)
        cr_assert(llr_approx_generate(V, d, T, seed, 3.0, eta, &M, &err) ==
                  0);
    else
        cr_assert(llr_isan_generate(V, d, T, seed, 3.0, &M, &err) == 0);
    llr_oracle *o = NULL;
    cr_assert(llr_oracle_new(M, NULL, &o, &err) == 0);
    llr_spectral_params sp;
    llr_spectral_defaults(dl, seed, &sp);
    sp.histories = dl;
    cr_assert(llr_spectral_learn(o, &sp, &Q, &err) == 0, "%s", err.msg);
    llr_certificate c;
    cr_assert(llr_certify(o, Q, n, delta, seed, &c, &err) == 0, "%s",
              err.msg);
    llr_exact x;
    cr_assert(llr_distance_exact(M, Q, EXACT(1 << 16), &x, &err) == 0);
    run_result r = {x.tv, c.upper, c.lower, c.estimate, c.b.var, c.n};
    cr_assert(c.n == n && c.lower <= c.estimate && c.estimate <= c.upper);
    llr_model_free(Q);
    llr_oracle_free(o);
    llr_model_free(M);
    return r;
}

/* Over many seeds, models with TVs from 0.01 to 0.5 (too few spectral
 * histories, too low a rank, perturbed teachers): the certificate misses
 * the exact TV (upper bound below it) in no more runs than Binomial(runs,
 * delta) makes plausible (p >= 1e-3), and so does the lower bound. A
 * large delta (0.3) gives the test power: a bound without its confidence
 * margin (the estimate itself) misses about half the time. The estimate
 * is unbiased: the sum of (estimate - TV) over the runs, divided by its
 * standard deviation, is within 4. */
Test(certificate, covers_the_exact_tv_in_1_minus_delta_of_runs,
     .timeout = 600)
{
    const double delta = 0.3;
    int runs = 0, miss_up = 0, miss_lo = 0, nonzero = 0;
    double dev = 0, var = 0;
    struct { int V, d, T, dl; double eta; } cfg[] = {
        {3, 2, 4, 1, 0.0}, {3, 2, 4, 2, 0.3}, {4, 3, 3, 2, 0.0},
        {2, 3, 5, 2, 0.5},
    };
    for (int k = 0; k < 4; k++)
        for (uint64_t seed = 1; seed <= 60; seed++) {
            uint64_t n = 50 + 25 * (seed % 4);
            run_result r = cover_run(cfg[k].V, cfg[k].d, cfg[k].T,
                                     cfg[k].eta, cfg[k].dl, 1000 * k + seed,
                                     n, delta);
            runs++;
            miss_up += r.tv > r.upper;
            miss_lo += r.tv < r.lower;
            nonzero += r.tv > 0.01;
            dev += r.est - r.tv;
            var += r.var / (double)r.n;
        }
    cr_assert(nonzero >= runs / 2, "only %d of %d runs have TV > 0.01",
              nonzero, runs);
    double pu = binom_tail(runs, miss_up, delta);
    double pl = binom_tail(runs, miss_lo, delta);
    cr_assert(pu >= 1e-3, "upper bound below TV in %d of %d runs (p = %g)",
              miss_up, runs, pu);
    cr_assert(pl >= 1e-3, "lower bound above TV in %d of %d runs (p = %g)",
              miss_lo, runs, pl);
    double z = dev / sqrt(var);
    cr_assert(fabs(z) <= 4, "estimates off by %g standard deviations", z);
}

/* gls's certificate is that of the model it returns: the fresh samples of
 * its last test, drawn again from the validation stream (spec/learner.md
 * rule 7), scored by the returned model (llr_model_logprob), give the same
 * bound bit for bit. On approximate teachers within the gap the
 * certificate covers the exact TV (binomial test over seeds). */
Test(learner, certificate_is_that_of_the_returned_model, .timeout = 300)
{
    int runs = 0, uncovered = 0;
    for (uint64_t seed = 1; seed <= 24; seed++) {
        llr_error err;
        llr_model *M, *L;
        double eta = seed % 3 == 0 ? 0 : 1e-3 * (double)(seed % 3);
        cr_assert(llr_approx_generate(3, 2, 5, seed, 3.0, eta, &M, &err) ==
                  0);
        llr_oracle *o = NULL;
        cr_assert(llr_oracle_new(M, NULL, &o, &err) == 0);
        llr_gls_params p;
        llr_params_practical(5, 2, 0.1, 0.05, 0, 0, seed, &p);
        llr_gls_stats st;
        cr_assert(llr_gls_learn(o, &p, NULL, &L, &st, &err) == 0, "%s",
                  err.msg);
        cr_assert(st.target_met && st.cert.upper <= 0.1);
        cr_assert(st.tests >= 1);
        cr_assert_eq(st.cert.b.delta, 0.05 / (st.tests * (st.tests + 1.0)));
        /* Redraw the validation stream: all samples the run drew but the
         * spanner's, the last cert.n of them fresh. */
        uint64_t total = llr_oracle_counts(o).samples - (uint64_t)p.spanner_n;
        cr_assert(total >= st.cert.n);
        llr_prng gv;
        llr_prng_seed(&gv, llr_mix64(seed ^ 0x56414c4944ULL));
        llr_oracle *o2 = NULL;
        cr_assert(llr_oracle_new(M, NULL, &o2, &err) == 0);
        llr_mean_acc acc = {0};
        for (uint64_t i = 0; i < total; i++) {
            int y[5];
            double lp[5], lq, sp = 0;
            cr_assert(llr_oracle_sample(o2, &gv, y, lp, &err) == 0);
            if (i < total - st.cert.n)
                continue;
            for (int t = 0; t < 5; t++)
                sp += lp[t];
            cr_assert(llr_model_logprob(L, y, 5, &lq, &err) == 0);
            llr_mean_acc_add(&acc, llr_tv_weight(sp, lq));
        }
        llr_certificate c;
        llr_cert_from(&acc, st.cert.b.delta, &c);
        cr_assert_eq(c.n, st.cert.n);
        cr_assert_eq(c.upper, st.cert.upper);
        cr_assert_eq(c.estimate, st.cert.estimate);
        llr_exact x;
        cr_assert(llr_distance_exact(M, L, EXACT(1 << 12), &x, &err) == 0);
        runs++;
        uncovered += x.tv > st.cert.upper;
        llr_oracle_free(o2);
        llr_oracle_free(o);
        llr_model_free(L);
        llr_model_free(M);
    }
    double pval = binom_tail(runs, uncovered, 0.05);
    cr_assert(pval >= 1e-3, "%d of %d certificates below the exact TV",
              uncovered, runs);
}

Test(certificate, bad_arguments_are_refused)
{
    llr_error err;
    llr_model *M, *Q;
    cr_assert(llr_isan_generate(3, 2, 4, 1, 3.0, &M, &err) == 0);
    cr_assert(llr_isan_generate(3, 2, 5, 1, 3.0, &Q, &err) == 0);
    llr_oracle *o = NULL;
    cr_assert(llr_oracle_new(M, NULL, &o, &err) == 0);
    llr_certificate c;
    cr_assert(llr_certify(o, Q, 10, 0.05, 1, &c, &err) != 0);
    assert_code(err, LLR_EUSAGE);
    cr_assert(llr_certify(o, M, 0, 0.05, 1, &c, &err) != 0);
    assert_code(err, LLR_EUSAGE);
    cr_assert(llr_certify(o, M, 10, 1.0, 1, &c, &err) != 0);
    assert_code(err, LLR_EUSAGE);
    /* A model against itself: W = 0 everywhere, the bound is the
     * binomial-KL one at delta/2: 1 - (delta/2)^(1/n). */
    cr_assert(llr_certify(o, M, 300, 0.05, 1, &c, &err) == 0);
    cr_assert_eq(c.estimate, 0.0);
    cr_assert(fabs(c.upper + expm1(log(0.025) / 300)) < 1e-10);
    cr_assert_eq(c.lower, 0.0);
    cr_assert_eq(llr_oracle_counts(o).distinct, 0);
    llr_oracle_free(o);
    llr_model_free(M);
    llr_model_free(Q);
}
