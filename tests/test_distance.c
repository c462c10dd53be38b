/* Exact and Monte Carlo TV, the telescoping bound, KL. */
#include <criterion/criterion.h>
#include <string.h>
#include <math.h>

#include "models/approx.h"
#include "measure/distance.h"
#include "helpers.h"
#include "models/isan.h"
#include "models/table.h"

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
