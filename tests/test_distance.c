/* Exact and Monte Carlo TV, the telescoping bound, KL. */
#include <criterion/criterion.h>
#include <string.h>
#include <math.h>

#include "models/approx.h"
#include "measure/distance.h"
#include "helpers.h"
#include "models/isan.h"
#include "models/table.h"
#include "learn/gls.h"
#include "learn/params.h"
#include "oracle/oracle.h"

static llr_model *gen(int kind, int V, int T, uint64_t seed)
{
    llr_error err;
    llr_model *m = NULL;
    int rc = kind == 0   ? llr_isan_generate(V, 2, T, seed, 3.0, &m, &err)
             : kind == 1 ? llr_approx_generate(V, 2, T, seed, 3.0, 0.3, &m,
                                               &err)
                         : llr_table_generate(V, T, seed, 3.0, &m, &err);
    cr_assert(rc == 0, "%s", err.msg);
    return m;
}

static llr_exact exact(const llr_model *a, const llr_model *b)
{
    llr_error err;
    llr_exact x;
    cr_assert(llr_distance_exact(a, b, EXACT(1 << 24), &x, &err) == 0, "%s",
              err.msg);
    return x;
}

Test(tv, zero_on_itself)
{
    for (int kind = 0; kind < 3; kind++) {
        llr_model *a = gen(kind, 3, 5, 1);
        llr_exact x = exact(a, a);
        cr_assert_eq(x.tv, 0.0);
        cr_assert_eq(x.telescoping, 0.0);
        cr_assert_eq(x.kl, 0.0);
        cr_assert(fabs(x.mass_p - 1) < 1e-13);
        llr_model_free(a);
    }
}

Test(tv, range_symmetry_triangle)
{
    for (uint64_t s = 1; s <= 5; s++) {
        llr_model *a = gen(0, 3, 5, s), *b = gen(1, 3, 5, s + 10),
                  *c = gen(2, 3, 5, s + 20);
        llr_exact ab = exact(a, b), ba = exact(b, a), bc = exact(b, c),
                  ac = exact(a, c);
        cr_assert(ab.tv > 0 && ab.tv <= 1);
        cr_assert(fabs(ab.tv - ba.tv) <= ab.tv_err + ba.tv_err);
        cr_assert(ac.tv <= ab.tv + bc.tv + ab.tv_err + bc.tv_err + ac.tv_err);
        cr_assert(ab.kl >= 0 && ba.kl >= 0);
        /* Pinsker: TV <= sqrt(KL / 2). */
        cr_assert(ab.tv <= sqrt(ab.kl / 2) + 1e-12);
        llr_model_free(a);
        llr_model_free(b);
        llr_model_free(c);
    }
}

Test(tv, matches_brute_force_enumeration)
{
    for (uint64_t s = 1; s <= 4; s++) {
        llr_model *a = gen((int)s % 3, 3, 5, s), *b = gen((int)(s + 1) % 3, 3, 5,
                                                          s + 7);
        double tv, kl;
        brute_force(a, b, &tv, &kl);
        llr_exact x = exact(a, b);
        cr_assert(fabs(x.tv - tv) < 1e-12, "walk %.17g, brute force %.17g",
                  x.tv, tv);
        cr_assert(fabs(x.kl - kl) < 1e-12, "KL walk %.17g, brute %.17g", x.kl,
                  kl);
        cr_assert(x.tv_err > 0 && x.tv_err < 1e-13);
        llr_model_free(a);
        llr_model_free(b);
    }
}

Test(tv, telescoping_bound_holds)
{
    for (uint64_t s = 1; s <= 10; s++) {
        llr_model *a = gen(0, 2, 6, s), *b = gen(1, 2, 6, s);
        llr_exact x = exact(a, b);
        cr_assert(x.telescoping >= x.tv - x.tv_err, "%g < %g", x.telescoping,
                  x.tv);
        llr_model_free(a);
        llr_model_free(b);
    }
}

Test(tv, monte_carlo_agrees_within_its_interval)
{
    llr_error err;
    for (uint64_t s = 1; s <= 3; s++) {
        llr_model *a = gen(0, 3, 5, s), *b = gen(1, 3, 5, s + 3);
        llr_exact x = exact(a, b);
        llr_mc mc;
        /* delta = 1e-6: for a random seed the exact value lies outside the
         * interval with probability at most 1e-6. */
        cr_assert(llr_distance_mc(a, b, MC(20000, s, 1e-6), &mc, &err) == 0,
                  "%s", err.msg);
        cr_assert(mc.tv_lo <= x.tv && x.tv <= mc.tv_hi, "exact %g not in "
                  "[%g, %g]", x.tv, mc.tv_lo, mc.tv_hi);
        cr_assert(mc.tele_lo <= x.telescoping && x.telescoping <= mc.tele_hi);
        cr_assert(fabs(mc.kl - x.kl) < 6 * mc.kl_stderr + 1e-9,
                  "KL mc %g exact %g se %g", mc.kl, x.kl, mc.kl_stderr);
        llr_model_free(a);
        llr_model_free(b);
    }
}

Test(tv, refuses_mismatched_or_huge)
{
    llr_error err;
    llr_model *a = gen(0, 3, 5, 1), *b = gen(0, 2, 5, 1);
    llr_exact x;
    cr_assert(llr_distance_exact(a, b, EXACT(1 << 20), &x, &err) != 0);
    cr_assert(strstr(err.msg, "differ in shape") != NULL, "%s", err.msg);
    assert_code(err, LLR_EINPUT);
    cr_assert(llr_distance_exact(a, a, EXACT(100), &x, &err) != 0);
    cr_assert(strstr(err.msg, "Monte Carlo") != NULL, "%s", err.msg);
    assert_code(err, LLR_EBUDGET);
    llr_model_free(a);
    llr_model_free(b);
}

/* Exact TV of a and b on `threads` threads, with the step terms. */
static llr_exact exact_threads(const llr_model *a, const llr_model *b,
                               int threads, double *steps)
{
    llr_error err;
    llr_exact x;
    llr_distance_hooks hk = {steps, NULL, NULL};
    llr_distance_opts o = {.max_leaves = 1 << 24, .hooks = &hk,
                           .threads = threads};
    cr_assert(llr_distance_exact(a, b, &o, &x, &err) == 0, "%s", err.msg);
    return x;
}

/* A learned gls model of M (practical parameters): its logits solve LPs
 * through a per-model cache, so each thread walks a fork of it. */
static llr_model *learn_gls(const llr_model *M, int d, double eps)
{
    llr_error err;
    llr_oracle *o = NULL;
    llr_oracle_opts oo = {.noise_seed = 77};
    cr_assert(llr_oracle_new(M, &oo, &o, &err) == 0, "%s", err.msg);
    llr_gls_params p;
    llr_params_practical(M->T, d, eps, 0.05, 0, 0, 1, &p);
    llr_model *L = NULL;
    llr_gls_stats st;
    cr_assert(llr_gls_learn(o, &p, NULL, &L, &st, &err) == 0, "%s",
              err.msg);
    llr_oracle_free(o);
    return L;
}

/* Every result, step terms included, is the same bits for any thread
 * count: the subtrees are fixed by V and T and added in their order. */
Test(tv, threads_give_the_same_bits, .timeout = 600)
{
    llr_model *m[8];
    int n = 0;
    m[n++] = gen(0, 3, 7, 1), m[n++] = gen(1, 3, 7, 2); /* split below */
    m[n++] = gen(0, 5, 4, 3), m[n++] = gen(2, 5, 4, 4);
    m[n++] = gen(0, 3, 1, 5), m[n++] = gen(1, 3, 1, 6); /* T = 1: none */
    llr_error err;
    cr_assert(llr_approx_generate(4, 2, 5, 3, 3.0, 0.05, &m[n], &err) == 0);
    n++;
    m[n] = learn_gls(m[n - 1], 2, 0.1);
    cr_assert(llr_gls_of(m[n]));
    n++;
    for (int k = 0; k < n; k += 2) {
        int T = m[k]->T;
        double s1[8], sn[8];
        llr_exact one = exact_threads(m[k], m[k + 1], 1, s1);
        cr_assert(one.tv > 0 && one.prefixes > 0);
        const int counts[] = {2, 3, 4, 8};
        for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
            llr_exact x = exact_threads(m[k], m[k + 1], counts[c], sn);
            cr_assert(memcmp(&one, &x, sizeof x) == 0,
                      "pair %d, %d threads: tv %.17g against %.17g", k,
                      counts[c], x.tv, one.tv);
            cr_assert(memcmp(s1, sn, (size_t)T * sizeof *s1) == 0);
        }
        /* Without hooks, the same as with them. */
        llr_distance_opts o = {.max_leaves = 1 << 24, .threads = 4};
        llr_exact x;
        cr_assert(llr_distance_exact(m[k], m[k + 1], &o, &x, &err) == 0);
        cr_assert(memcmp(&one, &x, sizeof x) == 0);
    }
    for (int k = 0; k < n; k++)
        llr_model_free(m[k]);
}

/* A model (V = 3, T = 7) whose logits fail at the prefixes of length 6
 * starting with token 2 or token 1 (uniform elsewhere), below the split
 * (depth 6: 3^6 >= 256 subtrees): the error names the prefix. */
static int failing_logits(const llr_model *m, const void *state, int t,
                          double *out, llr_error *e)
{
    const int *s = state;
    if (t == 6 && (s[1] == 2 || s[1] == 1))
        return llr_fail(e, LLR_ESOLVER, "fails at %d %d %d %d %d %d", s[1],
                        s[2], s[3], s[4], s[5], s[6]);
    for (int z = 0; z < m->V; z++)
        out[z] = 0.0;
    return 0;
}

static void failing_destroy(llr_model *m)
{
    free(m);
}

static const llr_model_ops failing_ops = {
    "failing", llr_prefix_state_root, llr_prefix_state_step, failing_logits,
    NULL, failing_destroy, NULL, NULL, NULL, NULL,
};

/* A failure inside a subtree: the same error for any thread count, the
 * first in depth-first order (subtrees after a failed one are not
 * started; those before it all finish). */
Test(tv, threads_report_the_first_failure)
{
    llr_model *a = gen(0, 3, 7, 1);
    llr_model *f = calloc(1, sizeof *f);
    cr_assert(f);
    *f = (llr_model){&failing_ops, 3, 7, 0, 8 * sizeof(int), NULL, NULL, 0};
    const int counts[] = {1, 2, 4};
    for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
        llr_error err;
        llr_exact x;
        llr_distance_opts o = {.max_leaves = 1 << 20,
                               .threads = counts[c]};
        cr_assert(llr_distance_exact(a, f, &o, &x, &err) == -1);
        assert_code(err, LLR_ESOLVER);
        cr_assert_str_eq(err.msg, "fails at 1 0 0 0 0 0", "%d threads: %s",
                         counts[c], err.msg);
    }
    llr_model_free(f);
    llr_model_free(a);
}
