/* Recovery of whole centred logit vectors from API-shaped calls
 * (oracle/recovery.h) against the simulator (kernels/topk.h): the stated
 * per-entry bound holds and is not vacuous, the calls are counted
 * exactly, and hostile answers fail with LLR_EINPUT, bad access with
 * LLR_EUSAGE. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/prng.h"
#include "helpers.h"
#include "kernels/softmax.h"
#include "kernels/topk.h"
#include "oracle/recovery.h"

#define VMAX 64

/* The simulated API of the logits l, and ways to make it hostile. */
typedef struct sim {
    double l[VMAX];
    int V;
    int calls;       /* counted by the simulator itself */
    int ignore_bias; /* answer as if no bias were given */
    int shift_call;  /* call number (1-based) whose answers are shifted */
    double shift;
    int coarse;      /* round to this many decimals instead (-1: as asked) */
} sim;

static int sim_api(void *ctx, llr_topk_call *c, int n, int round,
                   llr_error *e)
{
    (void)e;
    sim *s = ctx;
    double work[2 * VMAX];
    int iw[VMAX];
    for (int i = 0; i < n; i++) {
        s->calls++;
        llr_topk_call d = c[i];
        if (s->ignore_bias)
            d.nbias = 0;
        int r = s->coarse >= 0 ? s->coarse : round;
        cr_assert(llr_topk_biased(s->l, s->V, &d, r, work, iw) == 0);
        if (s->calls == s->shift_call)
            for (int j = 0; j < c[i].k; j++)
                c[i].logprob[j] =
                    fmin(0.0, llr_round_decimals(c[i].logprob[j] + s->shift,
                                                 r < 0 ? 17 : r));
    }
    return 0;
}

static void random_logits(sim *s, int V, double scale, llr_prng *g)
{
    memset(s, 0, sizeof *s);
    s->V = V;
    s->coarse = -1;
    for (int z = 0; z < V; z++)
        s->l[z] = scale * (2 * llr_prng_uniform(g) - 1);
}

/* max |recovered - centred truth| over the vector. */
static double max_err(const sim *s, const double *out)
{
    double c[VMAX], m = 0;
    llr_centre(s->l, s->V, c);
    for (int z = 0; z < s->V; z++)
        m = fmax(m, fabs(out[z] - c[z]));
    return m;
}

Test(recovery, bound_holds_and_is_not_vacuous)
{
    llr_prng g;
    llr_prng_seed(&g, 17);
    int Vs[] = {8, 20, 50};
    for (int vi = 0; vi < 3; vi++)
        for (int R = 2; R <= 8; R += 2) {
            int V = Vs[vi];
            llr_access a = {5, 100, 5, R};
            double bound = llr_recovery_bound(&a, V), worst = 0;
            for (int rep = 0; rep < 200; rep++) {
                sim s;
                random_logits(&s, V, 3.0, &g);
                double out[VMAX];
                uint64_t calls;
                llr_error e;
                cr_assert(llr_recover_logits(&a, V, sim_api, &s, NULL, 0, out,
                                             &calls, &e) == 0,
                          "%s", e.msg);
                cr_assert_eq(calls, (uint64_t)s.calls);
                double m = max_err(&s, out);
                cr_assert(m <= bound, "V %d R %d: error %g > bound %g", V, R,
                          m, bound);
                worst = fmax(worst, m);
            }
            /* The rounding does show: the bound is within a factor 4 of
             * the worst error seen. */
            cr_assert(worst > bound / 4, "V %d R %d: worst %g, bound %g", V,
                      R, worst, bound);
        }
}

Test(recovery, exact_without_rounding_and_counted)
{
    llr_prng g;
    llr_prng_seed(&g, 3);
    for (int rep = 0; rep < 100; rep++) {
        sim s;
        random_logits(&s, 8, 3.0, &g);
        llr_access a = {5, 100, 5, -1};
        double out[VMAX];
        uint64_t calls;
        llr_error e;
        cr_assert(llr_recover_logits(&a, 8, sim_api, &s, NULL, 0, out, &calls,
                                     &e) == 0,
                  "%s", e.msg);
        cr_assert(max_err(&s, out) <= 1e-12, "%g", max_err(&s, out));
        /* logits in [-3, 3]: the first bias 2 (lp_1 - lp_5) + 8 lifts
         * every group: 1 + ceil(3 / 4) calls. */
        cr_assert_eq(calls, 2);
        cr_assert_eq(s.calls, 2);
    }
}

Test(recovery, calls_per_prefix_follow_the_group_size)
{
    llr_prng g;
    llr_prng_seed(&g, 5);
    sim s;
    random_logits(&s, 50, 3.0, &g);
    double out[VMAX];
    uint64_t calls;
    llr_error e;
    /* K = 20, N = 20: 1 + ceil(30 / 19) = 3; K = 5, N = 3: 1 + ceil(45 / 2)
     * = 24; K >= V: 1. */
    struct {
        llr_access a;
        uint64_t want;
    } cs[] = {{{20, 100, 20, 6}, 3}, {{5, 100, 3, 6}, 24}, {{50, 0, 0, 6}, 1}};
    for (int i = 0; i < 3; i++) {
        s.calls = 0;
        cr_assert(llr_recover_logits(&cs[i].a, 50, sim_api, &s, NULL, 0, out,
                                     &calls, &e) == 0,
                  "%s", e.msg);
        cr_assert_eq(calls, cs[i].want, "case %d: %llu calls", i,
                     (unsigned long long)calls);
        cr_assert(max_err(&s, out) <= llr_recovery_bound(&cs[i].a, 50));
    }
}

Test(recovery, wide_logits_and_the_largest_bias_stay_accurate)
{
    /* High-probability tokens beside a bias of 1e4: the bias cancels, so
     * the error is still the rounding's. */
    llr_prng g;
    llr_prng_seed(&g, 11);
    for (int rep = 0; rep < 50; rep++) {
        sim s;
        random_logits(&s, 20, 20.0, &g);
        s.l[3] = 60; /* one token with probability ~1 */
        llr_access a = {5, 1e4, 5, 6};
        double out[VMAX];
        uint64_t calls;
        llr_error e;
        cr_assert(llr_recover_logits(&a, 20, sim_api, &s, NULL, 0, out,
                                     &calls, &e) == 0,
                  "%s", e.msg);
        cr_assert(max_err(&s, out) <= llr_recovery_bound(&a, 20), "%g",
                  max_err(&s, out));
    }
}

static int recover_fails(sim *s, const llr_access *a, llr_error *e)
{
    double out[VMAX];
    uint64_t calls;
    return llr_recover_logits(a, s->V, sim_api, s, NULL, 0, out, &calls, e);
}

Test(recovery, hostile_answers_fail)
{
    llr_prng g;
    llr_prng_seed(&g, 23);
    llr_access a = {5, 100, 5, 6};
    llr_error e;
    sim s;
    /* top-k missing the biased tokens (the bias is ignored) */
    random_logits(&s, 8, 3.0, &g);
    s.ignore_bias = 1;
    cr_assert(recover_fails(&s, &a, &e) != 0);
    assert_code(e, LLR_EINPUT);
    cr_assert(strstr(e.msg, "missing") != NULL, "%s", e.msg);
    /* inconsistent answers between calls: the second call's answers
     * shifted by 0.01 */
    random_logits(&s, 8, 3.0, &g);
    s.shift_call = 2, s.shift = -0.01;
    cr_assert(recover_fails(&s, &a, &e) != 0);
    assert_code(e, LLR_EINPUT);
    /* rounding coarser than declared: 2 decimals for a declared 6 */
    int caught = 0;
    for (int rep = 0; rep < 20; rep++) {
        random_logits(&s, 8, 3.0, &g);
        s.coarse = 2;
        if (recover_fails(&s, &a, &e)) {
            assert_code(e, LLR_EINPUT);
            caught++;
        }
    }
    cr_assert(caught >= 19, "coarse rounding caught %d of 20 times", caught);
    /* answers off the declared grid: 8 decimals for a declared 6 */
    random_logits(&s, 8, 3.0, &g);
    s.coarse = 8;
    cr_assert(recover_fails(&s, &a, &e) != 0);
    assert_code(e, LLR_EINPUT);
    /* a bias too small to lift a token that far below */
    random_logits(&s, 8, 3.0, &g);
    s.l[6] = -40;
    llr_access small = {5, 5, 5, 6};
    cr_assert(recover_fails(&s, &small, &e) != 0);
    assert_code(e, LLR_EINPUT);
    cr_assert(strstr(e.msg, "too small") != NULL, "%s", e.msg);
}

Test(recovery, bad_access_is_a_usage_error)
{
    llr_access a;
    llr_error e;
    const char *bad[] = {"topk:0",         "topk:",          "topk:5,bias:-1",
                         "topk:5,round:13", "topk:5,bias:1e5", "top:5",
                         "topk:5,foo:1",   "topk:5,round:x", "topk:5 "};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert(llr_access_parse(bad[i], &a, &e) != 0, "%s", bad[i]);
        assert_code(e, LLR_EUSAGE);
    }
    cr_assert(llr_access_parse("topk:5,bias:100,round:6", &a, &e) == 0);
    cr_assert(a.k == 5 && a.bias == 100 && a.round == 6 && a.nbias == 5);
    cr_assert(llr_access_parse("topk:3,nbias:2", &a, &e) == 0);
    cr_assert(a.k == 3 && a.bias == 0 && a.round == -1 && a.nbias == 2);
    /* K = 0, K = 1 below V, no bias, one biased token: refused */
    llr_access no[] = {{0, 100, 5, 6}, {1, 100, 5, 6}, {5, 0, 5, 6},
                       {5, 100, 1, 6}};
    for (int i = 0; i < 4; i++) {
        cr_assert(llr_access_check(&no[i], 8, &e) != 0, "case %d", i);
        assert_code(e, LLR_EUSAGE);
    }
    /* top-8 of 8 needs no bias */
    llr_access all = {8, 0, 0, 6};
    cr_assert(llr_access_check(&all, 8, &e) == 0);
}
