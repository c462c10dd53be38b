/* tests/test_approx.c - gls on teachers that are not of the rank it is
 * asked for (spec/learner.md rule 9): it never refuses for lack of rank,
 * stops at its limits with a reason, and returns the denoised
 * least-squares model with its certificate; the denoising and the
 * least-squares reconstruction and their checkers. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "helpers.h"
#include "io/safetensors.h"
#include "learn/denoise.h"
#include "learn/gls.h"
#include "learn/lsq.h"
#include "learn/params.h"
#include "learn/reconstruct.h"
#include "measure/distance.h"
#include "models/approx.h"
#include "models/isan.h"
#include "oracle/oracle.h"

typedef struct run {
    int ok;
    llr_gls_stats st;
    llr_counts n;
    double tv;
    llr_error err;
} run;

/* gls on M at rank d, eps 0.05, seed 1, with the changes of edit. */
static run learn(const llr_model *M, int d, uint64_t budget, int max_epochs,
                 double max_seconds, llr_model **keep)
{
    run r = {0};
    llr_oracle *o = NULL;
    llr_oracle_opts oo = {.noise_seed = 77, .budget = budget,
                          .access = {.round = -1}};
    cr_assert(llr_oracle_new(M, &oo, &o, &r.err) == 0, "%s", r.err.msg);
    llr_gls_params p;
    llr_params_practical(M->T, d, 0.05, 0.05, 0, 0, 1, &p);
    if (max_epochs)
        p.max_epochs = max_epochs;
    p.max_seconds = max_seconds;
    llr_model *L = NULL;
    r.ok = llr_gls_learn(o, &p, NULL, &L, &r.st, &r.err) == 0;
    r.n = llr_oracle_counts(o);
    if (r.ok) {
        llr_distance_opts dop = {.max_leaves = 1 << 20};
        llr_exact x;
        cr_assert(llr_distance_exact(M, L, &dop, &x, &r.err) == 0, "%s",
                  r.err.msg);
        r.tv = x.tv;
    }
    if (keep)
        *keep = L;
    else
        llr_model_free(L);
    llr_oracle_free(o);
    return r;
}

static llr_model *approx(double eta)
{
    llr_model *M;
    llr_error err;
    cr_assert(llr_approx_generate(8, 3, 5, 3, 3.0, eta, &M, &err) == 0);
    return M;
}

Test(approx, misspecified_teacher_gives_a_certified_model_not_a_refusal,
     .timeout = 300)
{
    llr_model *M = approx(0.01);
    run r = learn(M, 3, 0, 0, 0, NULL);
    cr_assert(r.ok, "%s", r.err.msg);
    cr_assert(r.st.stop && !strcmp(r.st.stop, "no progress"), "%s",
              r.st.stop ? r.st.stop : "(none)");
    cr_assert(strstr(r.st.stop_detail, "not within the gap of logit rank 3"));
    cr_assert_eq(r.st.recon, LLR_RECON_LSQ);
    cr_assert(r.st.cert.n > 0 && r.st.cert.upper < 1);
    cr_assert_eq(r.st.target_met, r.st.cert.upper <= 0.05);
    /* The certificate holds (probability 1 - delta; fixed seeds). */
    cr_assert(r.tv <= r.st.cert.upper, "TV %g, certified %g", r.tv,
              r.st.cert.upper);
    /* Misspecification 0.01 per logit: the denoised least-squares model
     * is within a few times that (spectral: about 0.002 here). */
    cr_assert(r.tv < 0.01, "TV %g", r.tv);
    /* Below rank: still a model. */
    run r2 = learn(M, 2, 0, 0, 0, NULL);
    cr_assert(r2.ok, "%s", r2.err.msg);
    cr_assert(r2.st.stop != NULL && r2.tv <= r2.st.cert.upper);
    llr_model_free(M);
}

Test(approx, exact_teacher_keeps_the_lp, .timeout = 300)
{
    llr_model *M;
    llr_error err;
    cr_assert(llr_isan_generate(8, 3, 5, 3, 3.0, &M, &err) == 0);
    run r = learn(M, 3, 0, 0, 0, NULL);
    cr_assert(r.ok, "%s", r.err.msg);
    cr_assert(r.st.stop == NULL && r.st.target_met);
    cr_assert_eq(r.st.recon, LLR_RECON_LP);
    cr_assert(r.tv < 1e-12, "TV %g", r.tv);
    llr_model_free(M);
}

Test(approx, limits_stop_the_run_with_their_reason, .timeout = 300)
{
    llr_model *M = approx(0.01);
    run full = learn(M, 3, 0, 0, 0, NULL);
    cr_assert(full.ok && full.st.epochs >= 2, "%d epochs", full.st.epochs);
    /* The epoch cap. */
    run re = learn(M, 3, 0, 1, 0, NULL);
    cr_assert(re.ok, "%s", re.err.msg);
    cr_assert_str_eq(re.st.stop, "epochs");
    cr_assert_eq(re.st.epochs, 1);
    cr_assert(re.n.distinct < full.n.distinct);
    cr_assert(re.tv <= re.st.cert.upper);
    /* The time limit (any first basis takes longer than 1 ns). */
    run rt = learn(M, 3, 0, 0, 1e-9, NULL);
    cr_assert(rt.ok, "%s", rt.err.msg);
    cr_assert_str_eq(rt.st.stop, "time");
    cr_assert_eq(rt.st.epochs, 1);
    /* The distinct-query budget: one query fewer than the full run. The
     * model returned is one whose queries fit; it never exceeds it. */
    uint64_t b = full.n.distinct - 1;
    run rb = learn(M, 3, b, 0, 0, NULL);
    cr_assert(rb.ok, "%s", rb.err.msg);
    cr_assert_str_eq(rb.st.stop, "budget");
    cr_assert(rb.n.distinct <= b);
    cr_assert(rb.tv <= rb.st.cert.upper);
    /* A budget above what the default run spends: where it is stuck the
     * run grows its spanner pools (spanner_n more samples each time)
     * and goes on until the budget; the model stays certified. */
    uint64_t big = full.n.distinct + 1000;
    run rg = learn(M, 3, big, 0, 0, NULL);
    cr_assert(rg.ok, "%s", rg.err.msg);
    cr_assert_str_eq(rg.st.stop, "budget");
    cr_assert(rg.n.distinct <= big && rg.n.distinct > full.n.distinct);
    cr_assert(rg.st.basis_additions > full.st.basis_additions);
    cr_assert(rg.tv <= rg.st.cert.upper);
    /* A budget below the first basis has no model to return: an error. */
    run r0 = learn(M, 3, 50, 0, 0, NULL);
    cr_assert(!r0.ok);
    assert_code(r0.err, LLR_EBUDGET);
    llr_model_free(M);
}

Test(approx, the_lsq_model_file_records_its_reading, .timeout = 300)
{
    llr_model *M = approx(0.01), *L, *B;
    llr_error err;
    run r = learn(M, 3, 0, 0, 0, &L);
    cr_assert(r.ok, "%s", r.err.msg);
    const char *path = tmp_path("lsq.st");
    cr_assert(llr_model_save(L, path, &err) == 0, "%s", err.msg);
    llr_st_file f;
    cr_assert(llr_st_read(path, &f, &err) == 0);
    cr_assert_str_eq(llr_st_meta(&f, "llr.reconstruction"), "lsq");
    llr_st_free(&f);
    cr_assert(llr_model_load(path, NULL, &B, &err) == 0, "%s", err.msg);
    cr_assert_eq(llr_gls_of(B)->recon, LLR_RECON_LSQ);
    llr_distance_opts dop = {.max_leaves = 1 << 20};
    llr_exact x;
    cr_assert(llr_distance_exact(L, B, &dop, &x, &err) == 0);
    cr_assert_eq(x.tv, 0.0);
    /* The checker rejects a corrupted answer. */
    const llr_gls *g = llr_gls_of(B);
    int y[5] = {1, 2, 3, 4, 5};
    double logits[8], c[1 + 5 * 3];
    llr_lp_result res = {.c = c};
    cr_assert(llr_reconstruct(g, y, 3, logits, &res, 0, &err) == 0, "%s",
              err.msg);
    cr_assert(res.certified && res.feasible);
    cr_assert(llr_reconstruct(g, y, 3, logits, &res,
                              LLR_LP_CORRUPT_FOR_TEST, &err) != 0);
    assert_code(err, LLR_ECERT);
    llr_model_free(B);
    llr_model_free(L);
    llr_model_free(M);
}

Test(approx, denoising_keeps_rows_of_rank_d_and_projects_the_rest)
{
    /* X = rows of rank 2 in R^4 plus one noisy row. */
    double X[4 * 4] = {1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 2, -1, 2, -1};
    int idx[2] = {0, 1};
    double out[2 * 4];
    llr_error err;
    cr_assert(llr_denoise_rows(X, 4, 4, 2, idx, 2, out, &err) == 0);
    for (int j = 0; j < 8; j++)
        cr_assert(fabs(out[j] - X[j]) < 1e-12, "%d: %g", j, out[j]);
    X[4 * 3 + 1] += 0.1; /* now rank 3: the projection moves rows */
    cr_assert(llr_denoise_rows(X, 4, 4, 2, idx, 2, out, &err) == 0);
    double moved = 0;
    for (int j = 0; j < 8; j++)
        moved = fmax(moved, fabs(out[j] - X[j]));
    cr_assert(moved > 1e-4 && moved < 0.1, "%g", moved);
    /* A NaN row is an error. */
    X[0] = NAN;
    cr_assert(llr_denoise_rows(X, 4, 4, 2, idx, 2, out, &err) != 0);
}

Test(approx, samples_by_logit_queries_keep_a_reserve_for_the_certificate,
     .timeout = 300)
{
    /* The teacher without its sample operation (a protocol 1 process):
     * its samples cost logit queries. With a budget, the run keeps
     * 2 valid_n (T - 1) queries back for its last certificate, grows
     * where it is stuck, never exceeds the budget, and certifies. */
    llr_model *M = approx(0.01);
    llr_model_ops ops = *M->ops;
    ops.sample = NULL;
    llr_model view = *M;
    view.ops = &ops;
    view.meta = NULL, view.nmeta = 0;
    run full = learn(&view, 3, 0, 0, 0, NULL);
    cr_assert(full.ok && !strcmp(full.st.stop, "no progress"));
    uint64_t b = full.n.distinct + 1500;
    run r = learn(&view, 3, b, 0, 0, NULL);
    cr_assert(r.ok, "%s", r.err.msg);
    cr_assert_str_eq(r.st.stop, "budget");
    cr_assert(strstr(r.st.stop_detail, "kept for the teacher samples"),
              "%s", r.st.stop_detail);
    cr_assert(r.n.distinct <= b);
    cr_assert(r.st.basis_additions > full.st.basis_additions);
    cr_assert(r.st.cert.n >= 1 && r.tv <= r.st.cert.upper);
    llr_model_free(M);
}
