/* Noisy parity: rank 1, secrets, files; the query learner learns it, the
 * samples-only learner does not. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "catalog/catalog.h"
#include "measure/distance.h"
#include "learn/empirical.h"
#include "learn/gls.h"
#include "helpers.h"
#include "oracle/oracle.h"
#include "models/parity.h"
#include "learn/params.h"

static llr_model *parity(int n, uint64_t seed, int weight)
{
    llr_error err;
    unsigned char s[64];
    llr_model *m;
    cr_assert(llr_parity_secret_from_seed(n, seed, weight, s, &err) == 0);
    cr_assert(llr_parity_new(n, s, 0.1, &m, &err) == 0, "%s", err.msg);
    return m;
}

Test(parity, rank_one_at_every_cut_and_the_right_logits)
{
    llr_model *m = parity(6, 3, 0);
    for (int t = 0; t < 7; t++) {
        rank_info r = exhaustive_rank(m, NULL, t, -1);
        cr_assert_eq(r.rank, 1, "cut %d: rank %d", t, r.rank);
    }
    const unsigned char *s = llr_parity_secret(m, NULL);
    int x[6] = {1, 1, 0, 1, 0, 1}, p = 0;
    for (int i = 0; i < 6; i++)
        p ^= s[i] & x[i];
    double l[2];
    llr_error err;
    cr_assert(llr_model_logits(m, x, 6, l, &err) == 0);
    double B = 0.5 * log(0.9 / 0.1);
    cr_assert(fabs(l[p] - B) < 1e-15 && fabs(l[1 - p] + B) < 1e-15);
    cr_assert(llr_model_logits(m, x, 3, l, &err) == 0);
    cr_assert(l[0] == 0 && l[1] == 0);
    llr_model_free(m);
}

Test(parity, secrets_from_hex_and_weight)
{
    llr_error err;
    unsigned char s[12];
    cr_assert(llr_parity_secret_from_hex(12, "0x5a1", s, &err) == 0);
    const unsigned char want[12] = {1, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0};
    cr_assert_arr_eq(s, want, 12);
    cr_assert(llr_parity_secret_from_hex(8, "1ff", s, &err) != 0);
    cr_assert(strstr(err.msg, "beyond the 8 input bits") != NULL, "%s",
              err.msg);
    cr_assert(llr_parity_secret_from_hex(8, "xyz", s, &err) != 0);
    for (uint64_t seed = 1; seed < 20; seed++) {
        cr_assert(llr_parity_secret_from_seed(12, seed, 3, s, &err) == 0);
        int w = 0;
        for (int i = 0; i < 12; i++)
            w += s[i];
        cr_assert_eq(w, 3);
    }
    llr_model *m;
    cr_assert(llr_parity_new(4, s, 0.5, &m, &err) != 0);
    cr_assert(strstr(err.msg, "noise 0.5") != NULL, "%s", err.msg);
}

Test(parity, files_round_trip)
{
    llr_error err;
    llr_model *m = parity(10, 4, 0), *b;
    cr_assert(llr_model_save(m, tmp_path("par.st"), &err) == 0);
    cr_assert(llr_model_load(tmp_path("par.st"), NULL, &b, &err) == 0, "%s",
              err.msg);
    llr_exact x;
    cr_assert(llr_distance_exact(m, b, EXACT(1 << 12), &x, &err) == 0);
    cr_assert_eq(x.tv, 0.0);
    llr_model_free(b);
    llr_model_free(m);
}

Test(parity, query_learner_learns_it_samples_learner_does_not,
     .timeout = 300)
{
    llr_error err;
    llr_model *M = parity(8, 7, 0), *G, *S;
    llr_oracle *o = NULL;
    cr_assert(llr_oracle_new(M, NULL, &o, &err) == 0);
    llr_gls_params p;
    llr_params_practical(M->T, 1, 0.2, 0.05, 0, 0, 1, &p);
    llr_gls_stats st;
    cr_assert(llr_gls_learn(o, &p, NULL, &G, &st, &err) == 0, "%s",
              err.msg);
    cr_assert(st.witnesses >= 1);
    llr_exact xg, xs;
    cr_assert(llr_distance_exact(M, G, EXACT(1 << 12), &xg, &err) == 0);
    cr_assert(xg.tv < 1e-9, "gls TV %g", xg.tv);
    /* As many samples as gls had accesses (logit queries + samples), from
     * an oracle of their own, which counts them and makes no query. */
    llr_counts gc = llr_oracle_counts(o);
    llr_oracle *os = NULL;
    cr_assert(llr_oracle_new(M, NULL, &os, &err) == 0);
    cr_assert(llr_empirical_learn(os, gc.distinct + gc.samples, 0.5, 1, &S,
                                  &err) == 0);
    cr_assert_eq(llr_oracle_counts(os).samples, gc.distinct + gc.samples);
    cr_assert_eq(llr_oracle_counts(os).distinct, 0);
    llr_oracle_free(os);
    cr_assert(llr_distance_exact(M, S, EXACT(1 << 12), &xs, &err) == 0);
    /* The label's conditional at unseen prefixes is uniform: about
     * 0.5 - nu = 0.4 of TV from there alone. */
    cr_assert(xs.tv > 0.2, "samples TV %g", xs.tv);
    /* The empirical model's file round-trips. */
    llr_model *S2;
    cr_assert(llr_model_save(S, tmp_path("emp.st"), &err) == 0);
    cr_assert(llr_model_load(tmp_path("emp.st"), NULL, &S2, &err) == 0, "%s",
              err.msg);
    llr_exact z;
    cr_assert(llr_distance_exact(S, S2, EXACT(1 << 12), &z, &err) == 0);
    cr_assert_eq(z.tv, 0.0);
    llr_model_free(S2);
    llr_oracle_free(o);
    llr_model_free(G);
    llr_model_free(S);
    llr_model_free(M);
}
