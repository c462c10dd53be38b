/* Warm-started reconstruction LPs (learn/reconstruct.h, llr_lp_warm):
 * the same answer as a cold solve at every prefix of learned models, exact
 * and approximate (whose LPs have a residual and many optimal points:
 * the tie-break stages run), whatever order the prefixes come in; and
 * LLR_LP_COLD=1 gives the cold path bit for bit. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/prefix.h"
#include "helpers.h"
#include "learn/gls.h"
#include "learn/params.h"
#include "learn/reconstruct.h"
#include "models/approx.h"
#include "models/isan.h"
#include "oracle/oracle.h"

/* Learn M (rank d) with the practical parameters. */
static llr_model *learn(const llr_model *M, int d, double eps)
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

typedef struct tally {
    long prefixes, tiebreaks, infeasible;
    double worst; /* largest |warm - cold| over logits and coefficients */
} tally;

/* Every prefix of length 1..T-1 of g, in lexicographic order through one
 * cache (warm) and in reverse order through another (rev); both against
 * llr_reconstruct (cold). The two warm answers are the same bits: the
 * basis a prefix starts from depends on the prefix alone. */
static void compare_all(const llr_gls *g, tally *ty)
{
    int V = g->V, T = g->T;
    llr_error err;
    llr_lp_warm *w = llr_lp_warm_new(V, T, g->d);
    llr_lp_warm *rw = llr_lp_warm_new(V, T, g->d);
    cr_assert(w && rw);
    size_t nc = 1 + (size_t)T * g->d;
    double *c0 = malloc(nc * sizeof *c0), *c1 = malloc(nc * sizeof *c1);
    double *l0 = malloc((size_t)V * sizeof *l0);
    double *l1 = malloc((size_t)V * sizeof *l1);
    int *y = calloc((size_t)T, sizeof *y);
    /* All prefixes of lengths 1..T-1, lexicographic within a length. */
    int np = 0, cap = 1;
    for (int t = 1; t < T; t++)
        cap += ipow(V, t);
    int *all = malloc((size_t)cap * T * sizeof *all), *len =
        malloc((size_t)cap * sizeof *len);
    cr_assert(c0 && c1 && l0 && l1 && y && all && len);
    for (int t = 1; t < T; t++) {
        memset(y, 0, (size_t)T * sizeof *y);
        do {
            memcpy(all + (size_t)np * T, y, (size_t)t * sizeof *y);
            len[np++] = t;
        } while (llr_prefix_next(y, t, V));
    }
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < np; k++) {
            int i = pass ? np - 1 - k : k, t = len[i];
            const int *p = all + (size_t)i * T;
            llr_lp_result a = {0}, b = {0};
            a.c = c0, b.c = c1;
            cr_assert(llr_reconstruct(g, p, t, l0, &a, 0, &err) == 0, "%s",
                      err.msg);
            cr_assert(llr_reconstruct_warm(g, p, t, l1, &b, 0,
                                           pass ? rw : w, &err) == 0,
                      "%s", err.msg);
            cr_assert_eq(a.feasible, b.feasible, "prefix %d of length %d",
                         i, t);
            cr_assert_eq(a.nc, b.nc);
            cr_assert(b.certified);
            double d = fabs(a.residual - b.residual);
            for (int z = 0; z < V; z++)
                d = fmax(d, fabs(l0[z] - l1[z]));
            for (int j = 0; j < a.nc; j++)
                d = fmax(d, fabs(c0[j] - c1[j]));
            cr_assert(d <= 1e-9, "warm and cold differ by %g at a prefix "
                                 "of length %d", d, t);
            ty->worst = fmax(ty->worst, d);
            if (pass == 0) {
                ty->prefixes++;
                ty->tiebreaks += a.tiebreak;
                ty->infeasible += !a.feasible;
            }
        }
    /* Order independence: the reverse walk left, for each length, the
     * first prefix of that length in the cache; solve them again through
     * the forward cache (which holds the last ones) and compare bits. */
    for (int t = 1; t < T; t++) {
        memset(y, 0, (size_t)T * sizeof *y);
        llr_lp_result a = {0}, b = {0};
        a.c = c0, b.c = c1;
        cr_assert(llr_reconstruct_warm(g, y, t, l0, &a, 0, w, &err) == 0);
        llr_lp_warm_reset(rw);
        cr_assert(llr_reconstruct_warm(g, y, t, l1, &b, 0, rw, &err) == 0);
        cr_assert(memcmp(l0, l1, (size_t)V * sizeof *l0) == 0);
        cr_assert(memcmp(c0, c1, (size_t)a.nc * sizeof *c0) == 0);
    }
    llr_lp_warm_free(w), llr_lp_warm_free(rw);
    free(c0), free(c1), free(l0), free(l1), free(y), free(all), free(len);
}

Test(warm, warm_and_cold_solves_agree_on_every_prefix, .timeout = 600)
{
    tally ty = {0};
    llr_error err;
    /* Exact ISANs, and approximately low-rank teachers learned at a rank
     * below theirs (residuals > 0: degenerate stage-1 optima). */
    static const struct { int V, d, T, approx; double eta; } cells[] = {
        {3, 2, 5, 0, 0}, {4, 3, 5, 0, 0}, {5, 2, 4, 0, 0},
        {3, 2, 5, 1, 1e-3}, {4, 3, 5, 1, 1e-3}, {5, 3, 4, 1, 1e-4},
    };
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
        llr_model *M, *L;
        if (cells[i].approx)
            cr_assert(llr_approx_generate(cells[i].V, cells[i].d, cells[i].T,
                                          7 + i, 3.0, cells[i].eta, &M,
                                          &err) == 0, "%s", err.msg);
        else
            cr_assert(llr_isan_generate(cells[i].V, cells[i].d, cells[i].T,
                                        11 + i, 3.0, &M, &err) == 0);
        L = learn(M, cells[i].d, 0.1);
        compare_all(llr_gls_of(L), &ty);
        llr_model_free(L);
        llr_model_free(M);
    }
    cr_log_info("warm: %ld prefixes, %ld with tie-break stages, %ld "
                "infeasible, largest difference %g",
                ty.prefixes, ty.tiebreaks, ty.infeasible, ty.worst);
    /* Not vacuous: degenerate LPs (tie-break stages) were among them. */
    cr_assert(ty.tiebreaks > 0, "no LP ran its tie-break stages");
}

/* LLR_LP_COLD=1: a cache that never warm-starts, the cold answer bit for
 * bit. */
Test(warm, cold_environment_gives_the_cold_bits)
{
    llr_error err;
    llr_model *M, *L;
    cr_assert(llr_approx_generate(4, 2, 4, 3, 3.0, 1e-3, &M, &err) == 0);
    L = learn(M, 2, 0.1);
    const llr_gls *g = llr_gls_of(L);
    setenv("LLR_LP_COLD", "1", 1);
    llr_lp_warm *w = llr_lp_warm_new(g->V, g->T, g->d);
    unsetenv("LLR_LP_COLD");
    cr_assert(w);
    double c0[1 + 4 * 2], c1[1 + 4 * 2], l0[4], l1[4];
    int y[4] = {0};
    for (int t = 1; t < g->T; t++)
        do {
            llr_lp_result a = {0}, b = {0};
            a.c = c0, b.c = c1;
            cr_assert(llr_reconstruct(g, y, t, l0, &a, 0, &err) == 0);
            cr_assert(llr_reconstruct_warm(g, y, t, l1, &b, 0, w, &err) ==
                      0);
            cr_assert(memcmp(l0, l1, sizeof l0) == 0);
            cr_assert(memcmp(c0, c1, (size_t)a.nc * sizeof *c0) == 0);
        } while (llr_prefix_next(y, t, g->V));
    llr_lp_warm_free(w);
    llr_model_free(L);
    llr_model_free(M);
}
