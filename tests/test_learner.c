/* The learner (GLS2 Algorithm 1) and its oracle: TV guarantees over a grid
 * of exact ISANs judged by a binomial test, approximate models, noisy
 * oracles, determinism, exact accounting, budgets, and the checkers. */
#include <criterion/criterion.h>
#include <glpk.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "models/approx.h"
#include "measure/distance.h"
#include "learn/exhaustive.h"
#include "learn/gls.h"
#include "helpers.h"
#include "models/isan.h"
#include "oracle/oracle.h"
#include "learn/params.h"
#include "base/prefix.h"
#include "learn/reconstruct.h"
#include "io/safetensors.h"
#include "io/trace.h"
#include "learn/spanner.h"
#include "learn/spectral.h"
#include "learn/export.h"

typedef struct outcome {
    double tv, tele;
    llr_gls_stats st;
    uint64_t distinct, calls, tokens, samples, sample_tokens;
    int ok;
    llr_errcode code;
    char err[512];
} outcome;

/* Spanner options without a trace. */
static const llr_spanner_opts *opts(int d, double box, double rank_tol,
                                    double floor, int flags)
{
    static llr_spanner_opts o;
    o = (llr_spanner_opts){d, box, rank_tol, floor, flags, NULL};
    return &o;
}

/* Learn M with the practical parameters; exact TV of the result. */
static outcome learn(const llr_model *M, int d, double eps, uint64_t seed,
                     double xi, double q, uint64_t budget, FILE *transcript,
                     llr_model **keep)
{
    outcome r = {0};
    llr_error err;
    llr_oracle *o = NULL;
    llr_oracle_opts oo = {xi, 77, q, budget, transcript, 0, NULL, 0, {0, 0, 0, -1}, {0, 0, 0, 0, 0}};
    cr_assert(llr_oracle_new(M, &oo, &o, &err) == 0, "%s", err.msg);
    llr_gls_params p;
    llr_params_practical(M->T, d, eps, 0.05, xi, q, seed, &p);
    llr_model *L = NULL;
    r.ok = llr_gls_learn(o, &p, NULL, &L, &r.st, &err) == 0;
    llr_counts n = llr_oracle_counts(o);
    r.distinct = n.distinct, r.calls = n.calls, r.tokens = n.tokens;
    r.samples = n.samples, r.sample_tokens = n.sample_tokens;
    if (!r.ok) {
        snprintf(r.err, sizeof r.err, "%s", err.msg);
        r.code = err.code;
    }
    if (r.ok) {
        llr_exact x;
        cr_assert(llr_distance_exact(M, L, EXACT(1 << 22), &x, &err) == 0,
                  "%s", err.msg);
        r.tv = x.tv;
        r.tele = x.telescoping;
    }
    if (keep)
        *keep = L;
    else
        llr_model_free(L);
    llr_oracle_free(o);
    return r;
}

/* P(X >= k) for X ~ Binomial(n, p). */
static double binom_tail(int n, int k, double p)
{
    double s = 0;
    for (int i = k; i <= n; i++)
        s += exp(lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0) +
                 i * log(p) + (n - i) * log1p(-p));
    return s;
}

Test(learner, exact_isans_meet_eps_with_probability_1_minus_delta,
     .timeout = 600)
{
    const int Vs[] = {2, 3, 5, 8}, ds[] = {1, 2, 3, 4};
    const double eps = 0.1, delta = 0.05;
    int runs = 0, failures = 0, spanning = 0, uncovered = 0;
    for (int vi = 0; vi < 4; vi++)
        for (int di = 0; di < 4; di++)
            for (int T = 3; T <= 7; T++) {
                int V = Vs[vi], d = ds[di];
                if (ipow(V, T) > 4096)
                    continue;
                for (uint64_t seed = 1; seed <= 2; seed++) {
                    llr_error err;
                    llr_model *M, *L;
                    cr_assert(llr_isan_generate(V, d, T, 100 * seed + T, 3.0,
                                                &M, &err) == 0);
                    outcome r = learn(M, d, eps, seed, 0, 0, 0, NULL, &L);
                    cr_assert(r.ok, "V=%d d=%d T=%d: %s", V, d, T, r.err);
                    runs++;
                    failures += r.tv > eps;
                    /* The run ends on a certificate: TV <= eps certified,
                     * and the certificate must cover the exact TV. */
                    cr_assert(r.st.target_met && r.st.cert.upper <= eps);
                    uncovered += r.tv > r.st.cert.upper;
                    cr_assert(r.st.lp_solves == r.st.lp_checked);
                    /* Every solve's first stage is certified optimal by
                     * duality (else the run fails): at least one
                     * certificate per solve. */
                    cr_assert(r.st.lp_duality >= r.st.lp_solves,
                              "%ld duality certificates, %ld solves",
                              r.st.lp_duality, r.st.lp_solves);
                    /* Where every cut's basis has the model's generic rank
                     * and the futures separate it, the representation is
                     * exact: TV at rounding level. */
                    const llr_gls *g = llr_gls_of(L);
                    int full = 1;
                    for (int s = 1; s < T; s++) {
                        full &= g->separated[s];
                        long want = ipow(V, s) < d ? ipow(V, s) : d;
                        long cols = ipow(V, T - s) - 1;
                        want = want < cols ? want : cols;
                        full &= g->cut[s].k == want;
                    }
                    if (full && r.st.max_residual < 1e-9) {
                        spanning++;
                        cr_assert(r.tv < 1e-9, "V=%d d=%d T=%d: spanning "
                                  "basis but TV %g", V, d, T, r.tv);
                    }
                    llr_model_free(L);
                    llr_model_free(M);
                }
            }
    /* H0: each run fails with probability <= delta. Reject H0 (a bug) when
     * this many failures would have probability < 1e-3 under it. */
    double pval = binom_tail(runs, failures, delta);
    cr_assert(pval >= 1e-3, "%d of %d runs had TV > eps (p = %g)", failures,
              runs, pval);
    pval = binom_tail(runs, uncovered, delta);
    cr_assert(pval >= 1e-3, "%d of %d certificates below the exact TV "
              "(p = %g)", uncovered, runs, pval);
    cr_assert(runs >= 40 && spanning >= runs / 2, "runs %d, spanning %d", runs,
              spanning);
}

Test(learner, far_fewer_queries_than_exhaustive, .timeout = 300)
{
    llr_error err;
    llr_model *M;
    cr_assert(llr_isan_generate(8, 3, 5, 4, 3.0, &M, &err) == 0);
    outcome r = learn(M, 3, 0.05, 1, 0, 0, 0, NULL, NULL);
    cr_assert(r.ok, "%s", r.err);
    cr_assert(r.tv < 1e-9, "TV %g", r.tv);
    double ex = llr_exhaustive_count(8, 5);
    cr_assert(r.distinct < ex / 2, "%llu distinct queries of %g",
              (unsigned long long)r.distinct, ex);
    llr_model_free(M);
}

Test(learner, approximate_models_zero_perturbation_is_the_exact_case,
     .timeout = 300)
{
    llr_error err;
    llr_model *M, *A0;
    cr_assert(llr_isan_generate(3, 2, 5, 9, 3.0, &M, &err) == 0);
    cr_assert(llr_approx_generate(3, 2, 5, 9, 3.0, 0.0, &A0, &err) == 0);
    outcome r0 = learn(M, 2, 0.1, 3, 0, 0, 0, NULL, NULL);
    outcome ra = learn(A0, 2, 0.1, 3, 0, 0, 0, NULL, NULL);
    cr_assert(r0.ok && ra.ok);
    cr_assert_eq(r0.tv, ra.tv);
    cr_assert_eq(r0.distinct, ra.distinct);
    /* Growing perturbations eta (max norm, per logit). The practical
     * parameters have gap g = eps / 2T = 0.01 here. While eta <= g / 3 the
     * learner succeeds and validation certifies TV <= eps (with probability
     * 1 - delta); TV never exceeds the telescoping sum. At eta = g the
     * teacher is no longer within the gap of rank d: the run either
     * certifies TV <= eps or stops, saying why, and returns the model
     * read by least squares with its certificate (never a refusal). */
    const double etas[] = {1e-4, 1e-3, 3e-3, 1e-2};
    for (int i = 0; i < 4; i++) {
        llr_model *A;
        cr_assert(llr_approx_generate(3, 2, 5, 9, 3.0, etas[i], &A, &err) ==
                  0);
        outcome r = learn(A, 2, 0.1, 3, 0, 0, 0, NULL, NULL);
        cr_assert(r.ok, "eta %g: %s", etas[i], r.err);
        if (etas[i] <= 0.01 / 3)
            cr_assert(r.st.stop == NULL && r.st.target_met, "eta %g: %s",
                      etas[i], r.st.stop_detail);
        if (r.st.stop == NULL) {
            cr_assert(r.tv <= 0.1, "eta %g: TV %g", etas[i], r.tv);
            cr_assert(r.tv <= r.tele + 1e-12);
        } else {
            cr_assert(!strcmp(r.st.stop, "no progress") ||
                          !strcmp(r.st.stop, "epochs"),
                      "eta %g: %s", etas[i], r.st.stop);
            cr_assert(r.tv <= r.st.cert.upper, "eta %g: TV %g > %g",
                      etas[i], r.tv, r.st.cert.upper);
        }
        llr_model_free(A);
    }
    llr_model_free(M);
    llr_model_free(A0);
}

Test(learner, noisy_oracle_degrades_gracefully, .timeout = 300)
{
    llr_error err;
    llr_model *M;
    cr_assert(llr_isan_generate(3, 2, 5, 5, 3.0, &M, &err) == 0);
    double prev = -1;
    for (int i = 0; i < 3; i++) {
        double xi = i == 0 ? 0 : 1e-4 * pow(10, i - 1);
        outcome r = learn(M, 2, 0.1, 2, xi, 0, 0, NULL, NULL);
        cr_assert(r.ok, "xi %g: %s", xi, r.err);
        cr_assert(r.tv <= 0.1, "xi %g: TV %g", xi, r.tv);
        /* Each answer is off by less than xi, so each learned conditional
         * can be: TV <= telescoping <= T * (xi + gap) in the worst case. */
        cr_assert(r.tv <= r.tele + 1e-12);
        cr_assert(r.tele <= 5 * (xi + 0.1 / 10) + 1e-9, "xi %g: tele %g", xi,
                  r.tele);
        prev = r.tv;
    }
    (void)prev;
    llr_model_free(M);
}

Test(learner, same_seed_gives_identical_files_and_transcripts,
     .timeout = 300)
{
    llr_error err;
    llr_model *M;
    cr_assert(llr_isan_generate(4, 2, 5, 3, 3.0, &M, &err) == 0);
    char *tr[2];
    size_t trl[2];
    unsigned char *file[2];
    size_t fl[2];
    for (int i = 0; i < 2; i++) {
        FILE *f = open_memstream(&tr[i], &trl[i]);
        llr_model *L;
        outcome r = learn(M, 2, 0.1, 42, 0, 0, 0, f, &L);
        fclose(f);
        cr_assert(r.ok, "%s", r.err);
        const llr_gls *g = llr_gls_of(L);
        cr_assert(llr_gls_save(g, tmp_path(i ? "l1.st" : "l0.st"), &err) == 0);
        llr_model_free(L);
        llr_st_file sf;
        cr_assert(llr_st_read(tmp_path(i ? "l1.st" : "l0.st"), &sf, &err) ==
                  0);
        file[i] = malloc(sf.size);
        memcpy(file[i], sf.buf, sf.size);
        fl[i] = sf.size;
        llr_st_free(&sf);
    }
    cr_assert_eq(trl[0], trl[1]);
    cr_assert(memcmp(tr[0], tr[1], trl[0]) == 0, "transcripts differ");
    cr_assert_eq(fl[0], fl[1]);
    cr_assert(memcmp(file[0], file[1], fl[0]) == 0, "learned files differ");
    /* The saved file loads back to the same model (TV 0). */
    llr_model *a, *b;
    cr_assert(llr_model_load(tmp_path("l0.st"), NULL, &a, &err) == 0, "%s",
              err.msg);
    cr_assert(llr_model_load(tmp_path("l1.st"), NULL, &b, &err) == 0, "%s",
              err.msg);
    llr_exact x;
    cr_assert(llr_distance_exact(a, b, EXACT(1 << 20), &x, &err) == 0);
    cr_assert_eq(x.tv, 0.0);
    for (int i = 0; i < 2; i++)
        free(tr[i]), free(file[i]);
    llr_model_free(a);
    llr_model_free(b);
    llr_model_free(M);
}

/* What a transcript shows: its query lines (their prefixes checked to
 * be distinct) and their tokens, its sample lines and their tokens. */
typedef struct shown {
    size_t queries, tokens, samples, sample_tokens;
} shown;

static size_t count_items(const char *a, const char *end)
{
    if (a[1] == ']')
        return 0;
    size_t n = 1;
    for (const char *c = a; c < end; c++)
        n += *c == ',';
    return n;
}

static shown transcript_shows(const char *t, size_t len)
{
    shown r = {0};
    char **seen = NULL;
    const char *p = t;
    while (p < t + len) {
        const char *nl = memchr(p, '\n', (size_t)(t + len - p));
        cr_assert(nl != NULL);
        if (!strncmp(p, "{\"sample\": [", 12)) {
            const char *a = p + 11, *b = strchr(a, ']');
            cr_assert(b && b < nl && strstr(b, "\"logprobs\": ["));
            r.samples++;
            r.sample_tokens += count_items(a, b);
            p = nl + 1;
            continue;
        }
        const char *a = strstr(p, "\"prefix\": ["), *b = strstr(p, "]");
        cr_assert(a && b && b < nl);
        a += 10;
        size_t n = (size_t)(b - a);
        for (size_t i = 0; i < r.queries; i++)
            cr_assert(strncmp(seen[i], a, n) != 0 || seen[i][n] != ']',
                      "prefix repeated in the transcript");
        seen = realloc(seen, (r.queries + 1) * sizeof *seen);
        seen[r.queries++] = (char *)a;
        r.tokens += count_items(a, b);
        p = nl + 1;
    }
    free(seen);
    return r;
}

Test(oracle, accounting_is_exact)
{
    llr_error err;
    llr_model *M;
    cr_assert(llr_isan_generate(3, 2, 4, 1, 3.0, &M, &err) == 0);
    char *tr;
    size_t trl;
    FILE *f = open_memstream(&tr, &trl);
    llr_oracle *o = NULL;
    llr_oracle_opts oo = {0, 0, 0, 0, f, 0, NULL, 0, {0, 0, 0, -1}, {0, 0, 0, 0, 0}};
    cr_assert(llr_oracle_new(M, &oo, &o, &err) == 0);
    double l[3], ref[3];
    int a[3] = {0, 1, 2}, b[3] = {0, 1, 1};
    cr_assert(llr_oracle_query(o, a, 0, l, &err) == 0);
    cr_assert(llr_oracle_query(o, a, 3, l, &err) == 0);
    cr_assert(llr_oracle_query(o, a, 3, l, &err) == 0); /* cached */
    cr_assert(llr_oracle_query(o, b, 3, l, &err) == 0);
    cr_assert(llr_oracle_query(o, a, 2, l, &err) == 0); /* prefix of a */
    cr_assert_eq(llr_oracle_counts(o).calls, 5);
    cr_assert_eq(llr_oracle_counts(o).distinct, 4);
    /* tokens: of the distinct prefixes only, whatever the lookups. */
    cr_assert_eq(llr_oracle_counts(o).tokens, 0 + 3 + 3 + 2);
    cr_assert(llr_model_logits(M, a, 2, ref, &err) == 0);
    cr_assert_arr_eq(l, ref, sizeof l);
    cr_assert(llr_oracle_query(o, a, 4, l, &err) != 0); /* too long */
    cr_assert_eq(llr_oracle_counts(o).calls, 5);
    /* Teacher samples: direct, no logit query, counted apart. */
    llr_prng g;
    llr_prng_seed(&g, 9);
    int y[4];
    double lp[4];
    cr_assert(llr_oracle_sample(o, &g, y, lp, &err) == 0);
    cr_assert(llr_oracle_sample(o, &g, y, NULL, &err) == 0);
    cr_assert_eq(llr_oracle_counts(o).samples, 2);
    cr_assert_eq(llr_oracle_counts(o).sample_tokens, 8);
    cr_assert_eq(llr_oracle_counts(o).calls, 5);
    cr_assert_eq(llr_oracle_counts(o).distinct, 4);
    fclose(f);
    shown sh = transcript_shows(tr, trl);
    cr_assert_eq(sh.queries, 4);
    cr_assert_eq(sh.tokens, 8);
    cr_assert_eq(sh.samples, 2);
    cr_assert_eq(sh.sample_tokens, 8);
    free(tr);
    llr_oracle_free(o);
    llr_model_free(M);
}

Test(oracle, noise_and_quantum_are_bounded_and_deterministic)
{
    llr_error err;
    llr_model *M;
    cr_assert(llr_isan_generate(5, 2, 4, 2, 3.0, &M, &err) == 0);
    llr_oracle *o1 = NULL, *o2 = NULL;
    llr_oracle_opts oo = {0.01, 5, 0.001, 0, NULL, 0, NULL, 0, {0, 0, 0, -1}, {0, 0, 0, 0, 0}};
    cr_assert(llr_oracle_new(M, &oo, &o1, &err) == 0);
    cr_assert(llr_oracle_new(M, &oo, &o2, &err) == 0);
    int tok[3] = {0};
    double a[5], b[5], ref[5];
    for (int t = 0; t < 4; t++) {
        memset(tok, 0, sizeof tok);
        do {
            cr_assert(llr_oracle_query(o1, tok, t, a, &err) == 0);
            cr_assert(llr_oracle_query(o2, tok, t, b, &err) == 0);
            cr_assert(llr_model_logits(M, tok, t, ref, &err) == 0);
            cr_assert_arr_eq(a, b, sizeof a);
            for (int z = 0; z < 5; z++) {
                cr_assert(fabs(a[z] - ref[z]) < 0.01 + 0.0005 + 1e-15);
                double k = a[z] / 0.001;
                cr_assert(fabs(k - round(k)) < 1e-6, "not quantised");
            }
        } while (llr_prefix_next(tok, t, 5));
    }
    llr_oracle_free(o1);
    llr_oracle_free(o2);
    llr_model_free(M);
}

Test(learner, accounting_matches_the_transcript_and_budget_holds,
     .timeout = 300)
{
    llr_error err;
    llr_model *M;
    cr_assert(llr_isan_generate(4, 2, 5, 8, 3.0, &M, &err) == 0);
    char *tr;
    size_t trl;
    FILE *f = open_memstream(&tr, &trl);
    outcome r = learn(M, 2, 0.1, 5, 0, 0, 0, f, NULL);
    fclose(f);
    cr_assert(r.ok, "%s", r.err);
    shown sh = transcript_shows(tr, trl);
    cr_assert_eq(sh.queries, r.distinct);
    cr_assert_eq(sh.tokens, r.tokens);
    cr_assert_eq(sh.samples, r.samples);
    cr_assert_eq(sh.sample_tokens, r.sample_tokens);
    cr_assert_eq(r.sample_tokens, 5 * r.samples);
    cr_assert(r.calls >= r.distinct);
    free(tr);
    /* A budget below what the run needs stops it, having used no more
     * than the budget; the exact budget reproduces the run. */
    uint64_t budget = r.distinct / 2;
    outcome rb = learn(M, 2, 0.1, 5, 0, 0, budget, NULL, NULL);
    cr_assert(!rb.ok);
    cr_assert(strstr(rb.err, "budget") != NULL, "%s", rb.err);
    cr_assert_eq(rb.code, LLR_EBUDGET, "%s", rb.err);
    cr_assert(rb.distinct <= budget);
    outcome re = learn(M, 2, 0.1, 5, 0, 0, r.distinct, NULL, NULL);
    cr_assert(re.ok, "%s", re.err);
    cr_assert_eq(re.tv, r.tv);
    llr_model_free(M);
}

Test(learner, corrupted_solver_answers_are_rejected)
{
    llr_error err;
    llr_model *M, *L;
    cr_assert(llr_isan_generate(3, 2, 4, 1, 3.0, &M, &err) == 0);
    outcome r = learn(M, 2, 0.1, 1, 0, 0, 0, NULL, &L);
    cr_assert(r.ok);
    const llr_gls *g = llr_gls_of(L);
    double c[64], logits[3];
    llr_lp_result lr = {0};
    lr.c = c;
    int y[3] = {1, 2, 0};
    cr_assert(llr_reconstruct(g, y, 3, logits, &lr, 0, &err) == 0);
    cr_assert(llr_reconstruct(g, y, 3, logits, &lr, LLR_LP_CORRUPT_FOR_TEST,
                              &err) != 0);
    cr_assert(strstr(err.msg, "LP certificate rejected") != NULL, "%s",
              err.msg);
    assert_code(err, LLR_ECERT);
    /* The spanner's check. */
    double X[4 * 3] = {1, 0, 0, 0, 1, 0, 1, 1, 0, 2, -1, 0};
    int idx[2];
    llr_spanner_result sr;
    cr_assert(llr_spanner(X, 4, 3, opts(2, 2.0, 1e-9, 0, 0), idx, &sr,
                          &err) == 0);
    cr_assert(sr.max_coef <= 2.0 + LLR_SPANNER_TOL);
    cr_assert(llr_spanner(X, 4, 3,
                          opts(2, 2.0, 1e-9, 0, LLR_SPANNER_CORRUPT_FOR_TEST),
                          idx, &sr, &err) != 0);
    cr_assert(strstr(err.msg, "spanner certificate rejected") != NULL, "%s",
              err.msg);
    assert_code(err, LLR_ECERT);
    llr_model_free(L);
    llr_model_free(M);
}

/* The corruption switch once added 2.5 to the last coefficient: from
 * -11/6 that gives 2/3, inside the box, and here still optimal (the row
 * 0 c - 16 alone sets r = 16), so the "corrupted" answer was rightly
 * accepted and the switch tested nothing. Found by fuzz/lp_fuzzer.c (input
 * fuzz/corpus/lp/regression_corrupt_inside_box). */
Test(learner, lp_corruption_switch_always_leaves_the_box)
{
    llr_error err;
    llr_gls g = {3, 2, 1, 2.0, 0.5, NULL, NULL, LLR_RECON_LP};
    g.cut = calloc(2, sizeof *g.cut);
    cr_assert(g.cut != NULL);
    for (int s = 0; s < 2; s++) {
        g.cut[s].k = 1;
        cr_assert(llr_strings_push(&g.cut[s].fhat, NULL, 0, &err) == 0);
        g.cut[s].rhat = calloc(3, sizeof(double));
        cr_assert(g.cut[s].rhat != NULL);
    }
    g.cut[1].rhat[2] = -6;
    g.cut[0].rext = calloc(9, sizeof(double)); /* [1][V=3][1][3] */
    cr_assert(g.cut[0].rext != NULL);
    g.cut[0].rext[1] = 16; /* token 0, z = 1 */
    g.cut[0].rext[2] = -5; /* token 0, z = 2 */
    cr_assert(llr_gls_prepare(&g, &err) == 0);
    double c[2], logits[3];
    llr_lp_result lr = {0};
    lr.c = c;
    int y[1] = {0};
    cr_assert(llr_reconstruct(&g, y, 1, logits, &lr, 0, &err) == 0, "%s",
              err.msg);
    cr_assert(fabs(lr.residual - 16) < 1e-9, "%g", lr.residual);
    /* Every c in [-11/6, 2] reaches r* = 16 (the row 0 c - 16), and so
     * the one level's maximum; rule 4's third stage picks the least |c|:
     * c = 0, from which the old "+= 2.5" stayed in the box. */
    cr_assert(fabs(c[1]) < 1e-12 && lr.stages == 3, "%g after %d stages",
              c[1], lr.stages);
    cr_assert(llr_reconstruct(&g, y, 1, logits, &lr, LLR_LP_CORRUPT_FOR_TEST,
                              &err) != 0);
    cr_assert(strstr(err.msg, "a coefficient lies outside the box") != NULL,
              "%s", err.msg);
    assert_code(err, LLR_ECERT);
    llr_gls_free(&g);
}

/* The representation of lp_corruption_switch_always_leaves_the_box: V = 3,
 * T = 2, one basis row per cut; cut1.rhat[2] = r2; nf copies of cut 1's
 * future (the LP repeats its rows nf times). */
static void tiny_gls(llr_gls *g, double r2, int nf)
{
    llr_error err;
    *g = (llr_gls){3, 2, 1, 2.0, 0.5, NULL, NULL, LLR_RECON_LP};
    g->cut = calloc(2, sizeof *g->cut);
    cr_assert(g->cut != NULL);
    for (int s = 0; s < 2; s++) {
        g->cut[s].k = 1;
        for (int j = 0; j < (s ? nf : 1); j++)
            cr_assert(llr_strings_push(&g->cut[s].fhat, NULL, 0, &err) ==
                      0);
        g->cut[s].rhat = calloc(3 * (size_t)(s ? nf : 1), sizeof(double));
        cr_assert(g->cut[s].rhat != NULL);
    }
    g->cut[0].rext = calloc(9 * (size_t)nf, sizeof(double));
    cr_assert(g->cut[0].rext != NULL);
    for (int j = 0; j < nf; j++) {
        g->cut[1].rhat[3 * j + 2] = r2;
        g->cut[0].rext[3 * j + 1] = 16, g->cut[0].rext[3 * j + 2] = -5;
    }
    cr_assert(llr_gls_prepare(g, &err) == 0);
}

/* A huge but finite datum made GLPK fail an assertion and abort the
 * process (exit 134): the LP now refuses data beyond LLR_LP_DATA_MAX. */
Test(learner, lp_data_beyond_a_logits_range_is_bad_input)
{
    llr_error err;
    llr_gls g;
    tiny_gls(&g, 1e308, 1);
    double c[2], logits[3];
    llr_lp_result lr = {0};
    lr.c = c;
    int y[1] = {0};
    cr_assert(llr_reconstruct(&g, y, 1, logits, &lr, 0, &err) != 0);
    assert_code(err, LLR_EINPUT);
    cr_assert(strstr(err.msg, "beyond the range 1e15") != NULL, "%s",
              err.msg);
    llr_gls_free(&g);
}

/* GLPK reports its own failures by abort(); its error hook now turns them
 * into errors. Here GLPK may allocate 1 MB (glp_mem_limit) and the LP has
 * 120000 rows: an LLR_ENOMEM error, GLPK's environment freed, and the
 * next solve (without the limit, which went with the environment) works. */
Test(learner, a_glpk_failure_is_an_error_not_an_abort, .timeout = 60)
{
    llr_error err;
    llr_gls g;
    tiny_gls(&g, -6, 20000);
    double c[2], logits[3];
    llr_lp_result lr = {0};
    lr.c = c;
    int y[1] = {0};
    cr_assert(glp_init_env() <= 1);
    glp_mem_limit(1);
    cr_assert(llr_reconstruct(&g, y, 1, logits, &lr, 0, &err) != 0);
    assert_code(err, LLR_ENOMEM);
    cr_assert(strstr(err.msg, "GLPK failed") != NULL, "%s", err.msg);
    cr_assert(llr_reconstruct(&g, y, 1, logits, &lr, 0, &err) == 0, "%s",
              err.msg);
    cr_assert(fabs(lr.residual - 16) < 1e-9, "%g", lr.residual);
    llr_gls_free(&g);
}

/* Row norms were sqrt(dot(x, x)), which underflows to 0 for rows of
 * entries below about 1e-162: such rows were taken for zero rows and the
 * empty basis returned. Found by the rank oracle of fuzz/spanner_fuzzer.c, on an
 * input written to probe underflow (now
 * fuzz/corpus/spanner/regression_tiny_rows). */
Test(spanner, tiny_rows_are_not_zero_rows)
{
    llr_error err;
    const double t = 1e-170;
    double X[3 * 2] = {t, 0, 0, t, t, t};
    int idx[2];
    llr_spanner_result sr;
    cr_assert(llr_spanner(X, 3, 2, opts(2, 2.0, 1e-9, 0, 0), idx, &sr,
                          &err) == 0,
              "%s", err.msg);
    cr_assert_eq(sr.k, 2);
    cr_assert(sr.max_coef <= 2.0 + LLR_SPANNER_TOL && sr.max_coef > 0.5);
    double Y[1] = {2.2250738585072014e-308}; /* DBL_MIN */
    cr_assert(llr_spanner(Y, 1, 1, opts(1, 2.0, 1e-9, 0, 0), idx, &sr,
                          &err) == 0);
    cr_assert_eq(sr.k, 1);
    /* With norms fixed, equal rows of subnormal entries then gave rounding
     * noise for residuals, a second "independent" row and a failed dgels
     * (fuzz/corpus/spanner/regression_subnormal_equal_rows): rows so
     * small are now scaled by a power of 2 first. */
    const double s = 0x1p-1074, pat[7] = {1, 1, -1, -1, 0, 3, 1};
    double Z[9 * 7];
    for (int i = 0; i < 9; i++)
        for (int j = 0; j < 7; j++)
            Z[7 * i + j] = pat[j] * s;
    int id7[7];
    cr_assert(llr_spanner(Z, 9, 7, opts(7, 2.0, 1e-12, 0, 0), id7, &sr,
                          &err) == 0,
              "%s", err.msg);
    cr_assert_eq(sr.k, 1);
    cr_assert(fabs(sr.max_coef - 1) < 1e-12, "%g", sr.max_coef);
}

/* At most m rows of length m are independent: with rank_tol and floor 0
 * the residuals after m steps are rounding noise, and a basis of more than
 * m rows made dgels write past its m-row right-hand side (row-major
 * LAPACKE needs max(m, k) rows). Rank 4 is asked of rows of length 2. */
Test(spanner, no_more_basis_rows_than_columns)
{
    llr_error err;
    double X[5 * 2] = {1, 0.3, -0.7, 2, 0.1, 0.9, 3, -1, 0.5, 0.25};
    int idx[4];
    llr_spanner_result sr;
    cr_assert(llr_spanner(X, 5, 2, opts(4, 2.0, 0, 0, 0), idx, &sr,
                          &err) == 0,
              "%s", err.msg);
    cr_assert_eq(sr.k, 2);
    cr_assert(sr.max_coef <= 2.0 + LLR_SPANNER_TOL);
}

/* Solve the reconstruction LP of prefix y = (0, 1) of a representation
 * with V = 3, cuts of 1, 3, 3 basis rows and 1, 5, 5 futures (the
 * fuzz/lp_fuzzer.c layout), and return its residual; the tie-break must run. */
static double lp_3_cuts(const double *rhat0, const double *rext0,
                        const double *rhat1, const double *rext1,
                        const double *rhat2)
{
    const double *rhat[3] = {rhat0, rhat1, rhat2}, *rext[2] = {rext0, rext1};
    const int k[3] = {1, 3, 3}, nf[3] = {1, 5, 5}, V = 3;
    llr_error err;
    llr_gls g = {V, 3, 3, 2.0, 1.0, NULL, NULL, LLR_RECON_LP};
    g.cut = calloc(3, sizeof *g.cut);
    cr_assert(g.cut != NULL);
    for (int s = 0; s < 3; s++) {
        size_t nr = (size_t)k[s] * nf[s] * V * sizeof(double);
        g.cut[s].k = k[s];
        for (int j = 0; j < nf[s]; j++)
            cr_assert(llr_strings_push(&g.cut[s].fhat, &j, j ? 1 : 0, &err) ==
                      0);
        g.cut[s].rhat = malloc(nr);
        cr_assert(g.cut[s].rhat != NULL);
        memcpy(g.cut[s].rhat, rhat[s], nr);
        if (s < 2) {
            size_t ne = (size_t)k[s] * V * nf[s + 1] * V * sizeof(double);
            g.cut[s].rext = malloc(ne);
            cr_assert(g.cut[s].rext != NULL);
            memcpy(g.cut[s].rext, rext[s], ne);
        }
    }
    cr_assert(llr_gls_prepare(&g, &err) == 0);
    cr_assert(!g.separated[1]); /* the tie-break runs */
    double c[7], logits[3];
    llr_lp_result lr = {0};
    lr.c = c;
    int y[2] = {0, 1};
    cr_assert(llr_reconstruct(&g, y, 2, logits, &lr, 0, &err) == 0, "%s",
              err.msg);
    cr_assert(lr.certified == 1 && lr.tiebreak == 1);
    llr_gls_free(&g);
    return lr.residual;
}

/* GLPK's primal simplex gave up on the tie-break LP of this prefix
 * ("basis matrix is singular to working precision", code 5): its u
 * columns have entries 1 beside coefficients near 2^20, unscaled. The
 * solve is now retried on GLPK's scaled problem. Found by fuzz/lp_fuzzer.c
 * (input fuzz/corpus/lp/regression_tiebreak_singular_basis). */
Test(learner, tiebreak_lp_survives_an_ill_conditioned_basis)
{
    static const double rhat0[] = {
        856091, 649321, -612728};
    static const double rext0[] = {
        -1048576, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -983038,
        -1048575, -1048320, -1048574, 0, -1041150, 0, 0, 0, 0, 0, 0,
        -917248, 0, -1048576, 0, -917246, 0, 0, 0, -983038, -1048320,
        -917246, -917248, -1048064, 0, 0, -1048575, 0, 0, 0, 0};
    static const double rhat1[] = {
        -746006, -735821, 452949, 475342, -444307, -42259, 991222,
        -612817, 530779, -337117, -684280, 85255, 899175, -479003,
        -337919, 941992, 19830, -552223, 998097, -242796, -542959, 0,
        -1048320, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0};
    static const double rext1[] = {
        -983040, -1048063, -1048320, 0, 0, 0, -310531, 0, 313665,
        494954, -292724, 114759, 500956, -431865, -431770, -979607,
        -982124, -977427, -978585, -981365, 0, 0, 0, -956710, -236986,
        813688, 919058, 822083, 313665, 494954, -292724, 114759,
        500956, -431865, -431770, -431770, -431770, -431770, 268287,
        0, 207132, -1048543, 0, 0, 0, 0, 0, 0, 0, 0, 0, -171780, 0, 0,
        0, 0, 0, -600212, 372724, -690678, 922762, 373308, 848066,
        -131289, 605729, -388481, 318977, -4047, 772964, 827414,
        -1047551, -786175, -917242, -917247, -1048318, -917244,
        -786174, -786172, 0, -983035, -982783, 0, 0, -720635, -982780,
        -917243, -983039, 0, 0, -720638, 0, -394734, -274985, -560606,
        118739, 0, 0, 0, 0, 0, 0, 0, -926725, 955646, 338176, 26625,
        0, 156768, -105929, -799100, 1035204, 812295, 435340, 620864,
        -108645, -518965, 519917, 179002, -378080, 142027, -754280,
        454380, 647633, 648918, 322518, -956154, -52548, -282718,
        906389, -845432, -738724, 612764, 612695, 245081, -300073};
    static const double rhat2[] = {
        0, -65284, -524029, -917223, -589570, 131338, 721169, 196867,
        -458493, 459037, 983304, 262418, 0, 0, -652300, 0, 0, -865023,
        -1047807, 0, 1048568, -1048576, -1048576, -917248, 0,
        -1048320, -983040, -1048575, 0, 0, -917248, -917246, 0, 0,
        -1048320, 0, -1048320, 0, -983040, -917248, 0, 0, 0, -983038,
        0};
    /* The exact optimum (glp_exact, fuzz/lp_fuzzer.c) is 781986.718226...;
     * GLPK's tolerances allow about 1e-7 (4n + (2m + 1) W) of it. */
    double r = lp_3_cuts(rhat0, rext0, rhat1, rext1, rhat2);
    cr_assert(fabs(r - 781986.71822628297) < 1.0, "%.17g", r);
}

/* GLPK's primal simplex cycled forever on the tie-break LP of this
 * prefix (libFuzzer's timeout): every attempt now stops after
 * LLR_LP_IT_LIM iterations, and the scaled retry solves it. Found by
 * fuzz/lp_fuzzer.c (input fuzz/corpus/lp/regression_tiebreak_cycles). */
Test(learner, tiebreak_lp_does_not_cycle, .timeout = 60)
{
    static const double rhat0[] = {
        856091, 649321, -612728};
    static const double rext0[] = {
        1048568, 1048568, 1048568, 1048568, 1048568, 1048568, 1048568,
        1048568, 786941, 917760, 612695, 612695, 459021, 65800,
        -392941, 0, 790272, 0, 923748, -320727, -919390, 25325,
        618024, 612695, 874836, -272642, 487674, -1021442, 790272, 0,
        -851699, 852253, 786690, -589562, -1048554, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0};
    static const double rhat1[] = {
        -746006, -735821, 452949, 475342, -444307, -42259, 991222,
        -612817, 530779, -337117, -684280, 85255, 899175, -1048576, 0,
        0, 0, 0, -479003, -337919, 941992, 19830, -552223, 998097,
        -242796, -542959, 0, -1048320, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0};
    static const double rext1[] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0};
    static const double rhat2[] = {
        -274985, -560606, 118739, 0, 0, 0, 0, 0, 0, 0, -926725,
        955646, -969467, 26625, 0, 156768, -105929, -799100, 1035204,
        -688636, 0, 435340, 620864, 284571, -956154, -52548, -282718,
        906389, -845432, 1048568, 1048568, 1048568, 1048568, 1048568,
        1048568, 1048568, 1048568, 1048568, 1048568, 1048568, 1048568,
        1048568, 1048568, 1048568, 1048568};
    double r = lp_3_cuts(rhat0, rext0, rhat1, rext1, rhat2);
    cr_assert(fabs(r - 1048568) < 1.0, "%.17g", r); /* glp_exact: 1048568 */
}

Test(spanner, exchange_reaches_a_2_barycentric_spanner)
{
    /* Rows in R^2 where the largest-norm greedy start is not a spanner:
     * (1, 0), (0, 1) first; (10, 10) has coefficients 10 and forces swaps. */
    double X[5 * 2] = {3, 0, 0, 3, 10, 10, -10, 10, 1, 1};
    int idx[2];
    llr_spanner_result sr;
    llr_error err;
    cr_assert(llr_spanner(X, 5, 2, opts(2, 2.0, 1e-9, 0, 0), idx, &sr,
                          &err) == 0,
              "%s", err.msg);
    cr_assert_eq(sr.k, 2);
    cr_assert(sr.max_coef <= 2.0 + LLR_SPANNER_TOL, "max coef %g",
              sr.max_coef);
    cr_assert(sr.max_resid < 1e-12);
}

Test(baselines, spectral_and_exhaustive_on_an_exact_isan, .timeout = 120)
{
    llr_error err;
    llr_model *M, *S, *X;
    cr_assert(llr_isan_generate(4, 2, 5, 6, 3.0, &M, &err) == 0);
    llr_oracle *o = NULL;
    cr_assert(llr_oracle_new(M, NULL, &o, &err) == 0);
    llr_spectral_params sp;
    llr_spectral_defaults(2, 1, &sp);
    cr_assert(llr_spectral_learn(o, &sp, &S, &err) == 0, "%s", err.msg);
    cr_assert_str_eq(S->ops->kind, "isan");
    llr_exact x;
    cr_assert(llr_distance_exact(M, S, EXACT(1 << 20), &x, &err) == 0);
    cr_assert(x.tv < 1e-9, "spectral TV %g on an exact ISAN", x.tv);
    llr_oracle_free(o);
    cr_assert(llr_oracle_new(M, NULL, &o, &err) == 0);
    cr_assert(llr_exhaustive_learn(o, &X, &err) == 0, "%s", err.msg);
    cr_assert_eq(llr_oracle_counts(o).distinct, (uint64_t)llr_exhaustive_count(4, 5));
    cr_assert_eq(llr_oracle_counts(o).calls, llr_oracle_counts(o).distinct);
    cr_assert(llr_distance_exact(M, X, EXACT(1 << 20), &x, &err) == 0);
    cr_assert(x.tv < 1e-15, "exhaustive TV %g", x.tv);
    llr_oracle_free(o);
    llr_model_free(S);
    llr_model_free(X);
    llr_model_free(M);
}

Test(export, exact_representations_export_to_an_equivalent_isan,
     .timeout = 120)
{
    llr_error err;
    llr_model *M, *L, *I;
    cr_assert(llr_isan_generate(5, 3, 5, 3, 3.0, &M, &err) == 0);
    outcome r = learn(M, 3, 0.05, 1, 0, 0, 0, NULL, &L);
    cr_assert(r.ok, "%s", r.err);
    cr_assert(llr_export_isan(llr_gls_of(L), 1e-9, &I, &err) == 0, "%s",
              err.msg);
    llr_exact a, b;
    cr_assert(llr_distance_exact(M, I, EXACT(1 << 20), &a, &err) == 0);
    cr_assert(llr_distance_exact(L, I, EXACT(1 << 20), &b, &err) == 0);
    cr_assert(a.tv < 1e-12 && b.tv < 1e-12, "TV %g, %g", a.tv, b.tv);
    llr_model_free(I);
    llr_model_free(L);
    llr_model_free(M);
    /* An approximate teacher gives an inexact representation: refused. */
    cr_assert(llr_approx_generate(5, 3, 5, 3, 3.0, 1e-3, &M, &err) == 0);
    r = learn(M, 3, 0.1, 1, 0, 0, 0, NULL, &L);
    cr_assert(r.ok, "%s", r.err);
    cr_assert(llr_export_isan(llr_gls_of(L), 1e-9, &I, &err) != 0);
    cr_assert(strstr(err.msg, "not exact at cut") != NULL, "%s", err.msg);
    assert_code(err, LLR_EINPUT);
    llr_model_free(L);
    llr_model_free(M);
}

/* An exact rank-2 ISAN (V = 3, T = 3) on which the run stopped with "not
 * within the gap of logit rank 2" (fuzz/learner_fuzzer.c, input
 * fuzz/corpus/learner/finding_exact_rank2_stops_not_within_gap): the LP of
 * a prefix (y_1, y_2) kept c_2 at the box and moved its residual to level
 * 1; locate blamed cut 1 with the future (y_2) already selected and the
 * history (y_1) already pooled. Rule 6 passes the blame to the shortest
 * prefix of the sample not yet pooled, (y_1, y_2), and the run learns the
 * teacher. With these settings (seed 42, rounds of 30, spanner pools from
 * 2 samples) the run meets exactly that case: the history (2) joins cut 1
 * (an infeasible LP), the witness (0) joins F^_1, and then the prefix
 * (2, 0) fails with its error located at cut 1 (0.058 > g/2 = 0.033) whose
 * future (0) and history (2) are both taken: (2, 0) joins cut 2. */
Test(learner, pooled_history_blamed_passes_to_the_unpooled_prefix)
{
    static const double x0[] = {0, -0.70712203688619701};
    static const double B[] = {
        0.65432437850495884, 0, 0.036323283341788581, -1.9367714933903821,
        0, -1.872452792681859, -0.82582291188319745, 0, -1.798257692670044,
        -0.98313108249174697, 0, 1.9135088017008988, -1.0572461250837069,
        0, 1.9801098927809182, 1.7881848597405909, 0, -0.061779640163709404};
    static const double A[] = {
        0.84764712370178819, 0, 1.4178405710071886, 1.1771519964507671, 0,
        0.60311193452289125, 0.083797079996158708, 0, 1.2692629376587603,
        -1.7641489095436755, 0, 0.05305012363313022, -1.7833192487674112,
        -1.3602280615270668, -0.61685109106284819, -1.9999997625127435, -2,
        -2, -2, -2, -1.5312499998908606, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0,
        -2, -1.9991784887386437, -0x1p-1074, 0.6719205069057459,
        -1.9991693226618621, -1.9982413696121055, -1.7909213825573496,
        -1.9857381600853377, -0.42909545787356218};
    llr_error err;
    double *x = malloc(sizeof x0), *b = malloc(sizeof B),
           *a = malloc(sizeof A);
    cr_assert(x && b && a);
    memcpy(x, x0, sizeof x0), memcpy(b, B, sizeof B), memcpy(a, A, sizeof A);
    llr_model *M = NULL;
    cr_assert(llr_isan_wrap(3, 2, 3, x, b, a, &M, &err) == 0, "%s", err.msg);
    llr_gls_params p;
    llr_params_practical(3, 2, 0.39582291250019863, 0.321118184323683, 0, 0,
                         42, &p);
    p.valid_n = 30;
    p.max_cert_n = 64 * 30;
    p.spanner_n = 2;
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    llr_trace tr;
    llr_trace_init(&tr, f);
    llr_oracle *o = NULL;
    llr_oracle_opts oo = {0};
    oo.trace = &tr;
    cr_assert(llr_oracle_new(M, &oo, &o, &err) == 0, "%s", err.msg);
    llr_model *L = NULL;
    llr_gls_stats st;
    int rc = llr_gls_learn(o, &p, NULL, &L, &st, &err);
    fclose(f);
    cr_assert(rc == 0, "%s", err.msg);
    cr_assert_eq(st.basis_additions, 2);
    cr_assert_eq(st.witnesses, 1);
    /* The failure whose located cut (the first locate error above g/2)
     * differs from the cut blamed. */
    int passed = 0;
    for (char *line = buf, *nl; line < buf + len; line = nl + 1) {
        nl = strchr(line, '\n');
        *nl = 0;
        json_t *j = json_loads(line, 0, NULL);
        cr_assert(j != NULL);
        json_t *errs = json_object_get(j, "locate_errors");
        if (!strcmp(json_string_value(json_object_get(j, "type")),
                    "failure") &&
            json_array_size(errs) > 0) {
            size_t k = json_array_size(errs);
            double last = json_real_value(json_array_get(errs, k - 1));
            long located = last > p.gap / 2
                               ? (long)k
                               : json_integer_value(json_object_get(j, "t"));
            long cut = json_integer_value(json_object_get(j, "cut"));
            if (cut != located) {
                cr_assert_eq(located, 1);
                cr_assert_eq(cut, 2);
                cr_assert_str_eq(
                    json_string_value(json_object_get(j, "kind")),
                    "history");
                passed++;
            }
        }
        json_decref(j);
    }
    free(buf);
    cr_assert_eq(passed, 1, "the blame was passed %d times", passed);
    llr_exact ex;
    cr_assert(llr_distance_exact(M, L, EXACT(1 << 22), &ex, &err) == 0, "%s",
              err.msg);
    cr_assert(ex.tv < 1e-12, "TV %g", ex.tv);
    llr_model_free(L);
    llr_oracle_free(o);
    llr_model_free(M);
}
