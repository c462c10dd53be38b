/* The model families: ISAN rank and bounds, approx full rank within eps,
 * the table, shift invariance, sampling, log-probabilities. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/approx.h"
#include "measure/distance.h"
#include "helpers.h"
#include "models/isan.h"
#include "base/prefix.h"
#include "models/table.h"

static int imin(long a, long b) { return a < b ? (int)a : (int)b; }

/* Generic rank of an ISAN's L_t: min(d, V^t, V^(T-t) - 1) (the columns of
 * one future span at most V - 1 centred dimensions). */
static int generic_rank(int V, int d, int T, int t)
{
    return imin(imin(d, ipow(V, t)), ipow(V, T - t) - 1);
}

Test(isan, rank_equals_d_generically_at_every_cut, .timeout = 120)
{
    llr_error err;
    int cases = 0;
    for (int V = 2; V <= 4; V++)
        for (int d = 1; d <= 4; d++)
            for (int T = 2; T <= 5; T++)
                for (uint64_t seed = 1; seed <= 3; seed++) {
                    if (ipow(V, T) > 1024)
                        continue;
                    llr_model *m;
                    cr_assert(llr_isan_generate(V, d, T, seed, 3.0, &m,
                                                &err) == 0, "%s", err.msg);
                    for (int t = 0; t < T; t++) {
                        rank_info r = exhaustive_rank(m, NULL, t, -1);
                        cr_assert(r.rank <= d, "rank %d > d %d", r.rank, d);
                        cr_assert_eq(r.rank, generic_rank(V, d, T, t),
                                     "V=%d d=%d T=%d seed=%d t=%d: rank %d",
                                     V, d, T, (int)seed, t, r.rank);
                        cases++;
                    }
                    llr_model_free(m);
                }
    cr_assert(cases > 100);
}

Test(isan, centred_logits_bounded_by_scale)
{
    llr_error err;
    llr_model *m;
    const double lambda = 2.5;
    cr_assert(llr_isan_generate(5, 3, 5, 9, lambda, &m, &err) == 0);
    int tok[5] = {0};
    double l[5];
    double worst = 0;
    for (int t = 0; t < 5; t++) {
        memset(tok, 0, sizeof tok);
        do {
            cr_assert(llr_model_logits(m, tok, t, l, &err) == 0, "%s",
                      err.msg);
            for (int z = 0; z < 5; z++)
                worst = fmax(worst, fabs(l[z]));
        } while (llr_prefix_next(tok, t, 5));
    }
    cr_assert(worst <= lambda * (1 + 1e-12), "max |l| = %g", worst);
    cr_assert(worst > lambda / 4, "the bound should not be vacuous: %g",
              worst);
    llr_model_free(m);
}

Test(isan, adding_a_constant_to_raw_logits_changes_nothing)
{
    llr_error err;
    llr_model *m, *m2;
    cr_assert(llr_isan_generate(3, 2, 5, 4, 3.0, &m, &err) == 0);
    const llr_isan *s = llr_isan_of(m);
    size_t nb = (size_t)s->T * s->V * s->d, na = nb * s->d;
    double *x0 = malloc(2 * sizeof *x0), *B = malloc(nb * sizeof *B),
           *A = malloc(na * sizeof *A);
    memcpy(x0, s->x0, 2 * sizeof *x0);
    memcpy(B, s->B, nb * sizeof *B);
    memcpy(A, s->A, na * sizeof *A);
    /* B'[t][z] = B[t][z] + w_t for every z: raw logits move by w_t . x_t,
     * the same for every token. */
    for (int t = 0; t < s->T; t++)
        for (int z = 0; z < s->V; z++)
            for (int k = 0; k < s->d; k++)
                B[((size_t)t * s->V + z) * s->d + k] += 10.0 * (t + 1) - k;
    cr_assert(llr_isan_wrap(3, 2, 5, x0, B, A, &m2, &err) == 0);
    rank_info r = exhaustive_rank(m, m2, 1, -1);
    cr_assert(r.maxdiff < 1e-12, "max difference %g", r.maxdiff);
    llr_exact x;
    cr_assert(llr_distance_exact(m, m2, EXACT(1 << 20), &x, &err) == 0);
    cr_assert(x.tv < 1e-12, "TV %g", x.tv);
    llr_model_free(m);
    llr_model_free(m2);
}

Test(approx, full_rank_yet_within_eps_of_rank_d, .timeout = 120)
{
    llr_error err;
    for (uint64_t seed = 1; seed <= 3; seed++)
        for (int V = 2; V <= 3; V++) {
            const int d = 2, T = 5;
            const double eps = 0.05;
            llr_model *a, *m;
            cr_assert(llr_approx_generate(V, d, T, seed, 3.0, eps, &a, &err) ==
                      0);
            cr_assert(llr_isan_generate(V, d, T, seed, 3.0, &m, &err) == 0);
            for (int t = 0; t < T; t++) {
                rank_info r = exhaustive_rank(a, m, t, d);
                int full = imin(ipow(V, t), ipow(V, T - t) - 1);
                cr_assert_eq(r.rank, full, "V=%d t=%d: rank %d, full %d", V, t,
                             r.rank, full);
                cr_assert(r.maxdiff < eps, "max |l - l_isan| = %g", r.maxdiff);
                cr_assert(r.maxdiff > eps / 10, "perturbation too small: %g",
                          r.maxdiff);
                /* Weyl: sigma_{d+1}(L) <= ||L - L_isan||_2 <= eps sqrt(mn). */
                cr_assert(r.sigma_k <= eps * sqrt((double)r.rows * r.cols),
                          "sigma_%d = %g", d + 1, r.sigma_k);
            }
            llr_model_free(a);
            llr_model_free(m);
        }
}

Test(approx, zero_eps_is_the_isan)
{
    llr_error err;
    llr_model *a, *m;
    cr_assert(llr_approx_generate(3, 2, 4, 5, 3.0, 0.0, &a, &err) == 0);
    cr_assert(llr_isan_generate(3, 2, 4, 5, 3.0, &m, &err) == 0);
    llr_exact x;
    cr_assert(llr_distance_exact(a, m, EXACT(1 << 20), &x, &err) == 0);
    cr_assert_eq(x.tv, 0.0);
    llr_model_free(a);
    llr_model_free(m);
}

Test(table, from_model_reproduces_the_model)
{
    llr_error err;
    llr_model *m, *tb;
    cr_assert(llr_approx_generate(3, 2, 5, 8, 3.0, 0.2, &m, &err) == 0);
    cr_assert(llr_table_from_model(m, &tb, &err) == 0, "%s", err.msg);
    cr_assert_eq(tb->V, 3);
    cr_assert_eq(tb->T, 5);
    for (int t = 0; t < 5; t++) {
        rank_info r = exhaustive_rank(m, tb, t, -1);
        cr_assert(r.maxdiff < 1e-15, "t=%d: %g", t, r.maxdiff);
    }
    llr_model_free(m);
    llr_model_free(tb);
}

Test(table, adding_a_constant_per_row_changes_nothing)
{
    llr_error err;
    llr_model *a, *b;
    cr_assert(llr_table_generate(3, 4, 2, 4.0, &a, &err) == 0);
    cr_assert(llr_table_generate(3, 4, 2, 4.0, &b, &err) == 0);
    double *l = llr_table_logits(b);
    for (int r = 0; r < 1 + 3 + 9 + 27; r++)
        for (int z = 0; z < 3; z++)
            l[r * 3 + z] += 100.0 * r - 7;
    llr_exact x;
    cr_assert(llr_distance_exact(a, b, EXACT(1 << 20), &x, &err) == 0);
    cr_assert(x.tv < 1e-12, "TV %g", x.tv);
    llr_model_free(a);
    llr_model_free(b);
}

Test(model, sampling_frequencies_match_probabilities)
{
    llr_error err;
    llr_model *m;
    cr_assert(llr_isan_generate(2, 2, 3, 6, 3.0, &m, &err) == 0);
    llr_prng g;
    llr_prng_seed(&g, 99);
    long count[8] = {0};
    const int n = 100000;
    int seq[3];
    for (int i = 0; i < n; i++) {
        cr_assert(llr_model_sample(m, &g, seq, &err) == 0);
        count[seq[0] * 4 + seq[1] * 2 + seq[2]]++;
    }
    for (int y = 0; y < 8; y++) {
        int s[3] = {y >> 2, (y >> 1) & 1, y & 1};
        double lp;
        cr_assert(llr_model_logprob(m, s, 3, &lp, &err) == 0);
        double p = exp(lp), sd = sqrt(n * p * (1 - p));
        cr_assert(fabs(count[y] - n * p) < 8 * sd + 1, "y=%d: %ld vs %g", y,
                  count[y], n * p);
    }
    llr_model_free(m);
}

Test(model, logprob_sums_to_one_and_bad_prefixes_fail)
{
    llr_error err;
    llr_model *m;
    cr_assert(llr_isan_generate(3, 2, 4, 1, 3.0, &m, &err) == 0);
    int seq[4] = {0};
    double total = 0, lp;
    do {
        cr_assert(llr_model_logprob(m, seq, 4, &lp, &err) == 0);
        total += exp(lp);
    } while (llr_prefix_next(seq, 4, 3));
    cr_assert(fabs(total - 1) < 1e-13);
    double l[3];
    int bad[2] = {0, 3};
    cr_assert(llr_model_logits(m, bad, 2, l, &err) != 0);
    cr_assert(strstr(err.msg, "token 3 at position 1") != NULL, "%s", err.msg);
    assert_code(err, LLR_EUSAGE);
    cr_assert(llr_model_logits(m, seq, 4, l, &err) != 0);
    cr_assert(strstr(err.msg, "prefix length 4") != NULL, "%s", err.msg);
    assert_code(err, LLR_EUSAGE);
    llr_model_free(m);
}

Test(model, generators_reject_absurd_sizes)
{
    llr_error err;
    llr_model *m;
    cr_assert(llr_isan_generate(1, 2, 3, 1, 3.0, &m, &err) != 0);
    cr_assert(strstr(err.msg, "vocabulary size 1") != NULL, "%s", err.msg);
    assert_code(err, LLR_EINPUT);
    cr_assert(llr_isan_generate(1000, 1000, 1000, 1, 3.0, &m, &err) != 0);
    cr_assert(strstr(err.msg, "limit") != NULL, "%s", err.msg);
    cr_assert(llr_isan_generate(3, 2, 3, 1, NAN, &m, &err) != 0);
    cr_assert(llr_table_generate(10, 12, 1, 1.0, &m, &err) != 0);
    cr_assert(strstr(err.msg, "2^27") != NULL, "%s", err.msg);
    assert_code(err, LLR_EBUDGET);
    cr_assert(llr_approx_generate(3, 2, 3, 1, 3.0, -1, &m, &err) != 0);
}
