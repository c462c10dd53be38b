/* Tests of llr inspect's library parts: the LP view of a learned model
 * (learn/inspect.c) and the families' state views (models/state.c). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/prefix.h"
#include "helpers.h"
#include "learn/gls.h"
#include "learn/inspect.h"
#include "learn/params.h"
#include "models/approx.h"
#include "models/isan.h"
#include "models/parity.h"
#include "models/state.h"
#include "models/table.h"
#include "oracle/oracle.h"

static llr_model *learned(const llr_model *M, int d, double gap)
{
    llr_gls_params p;
    llr_params_practical(M->T, d, 0.1, 0.05, 0, 0, 1, &p);
    if (gap > 0)
        p.gap = p.tau = gap;
    llr_oracle *o = NULL;
    llr_error e;
    llr_model *L = NULL;
    llr_gls_stats st;
    cr_assert(llr_oracle_new(M, NULL, &o, &e) == 0);
    cr_assert(llr_gls_learn(o, &p, NULL, &L, &st, &e) == 0, "%s", e.msg);
    llr_oracle_free(o);
    return L;
}

/* Every prefix: the view's solution and prediction are llr_reconstruct's
 * (the model's logits), the solution lies in its own ranges, the binding
 * residuals are exactly those at the maximum, and the face is a point
 * where every cut separates and the teacher is exact. */
/* The prefix with the widest optimal face seen by check_all_prefixes. */
static int widest_y[8], widest_t;
static double widest_width;

static void check_all_prefixes(const llr_model *L, int exact, int *nonunique)
{
    widest_width = -1;
    const llr_gls *g = llr_gls_of(L);
    cr_assert(g);
    double *l = malloc((size_t)L->V * sizeof *l);
    *nonunique = 0;
    for (int t = 0; t < L->T; t++) {
        int *y = calloc((size_t)t + 1, sizeof *y);
        do {
            llr_lp_view v;
            llr_error e;
            cr_assert(llr_lp_inspect(g, y, t, &v, &e) == 0, "%s", e.msg);
            cr_assert(llr_model_logits(L, y, t, l, &e) == 0);
            for (int z = 0; z < L->V; z++)
                cr_assert_eq(v.logits[z], l[z]);
            int nc = v.level_off[t + 1];
            cr_assert_eq(nc, v.lr.nc);
            for (int j = 0; j < nc; j++)
                cr_assert(v.lo[j] <= v.lr.c[j] + 1e-9 &&
                              v.lr.c[j] <= v.hi[j] + 1e-9,
                          "t %d: c[%d] = %g outside [%g, %g]", t, j,
                          v.lr.c[j], v.lo[j], v.hi[j]);
            cr_assert(fabs(v.r - v.lr.residual) <= 1e-12);
            int nb = 0;
            for (int i = 0; i < v.m; i++)
                nb += fabs(v.e[i]) >= v.r - v.tol;
            cr_assert_eq(nb, v.nbind - v.nbind_box);
            if (exact && v.determined)
                cr_assert(v.unique, "t %d: width %g", t, v.width);
            *nonunique += !v.unique;
            if (!v.unique && v.width > widest_width && t <= 8) {
                widest_width = v.width;
                widest_t = t;
                memcpy(widest_y, y, (size_t)t * sizeof *y);
            }
            llr_lp_view_free(&v);
        } while (llr_prefix_next(y, t, L->V));
        free(y);
    }
    free(l);
}

Test(inspect, exact_teacher_every_prefix)
{
    llr_model *M = NULL, *L;
    llr_error e;
    cr_assert(llr_isan_generate(3, 2, 4, 1, 3.0, &M, &e) == 0);
    L = learned(M, 2, 0);
    int nu;
    check_all_prefixes(L, 1, &nu);
    cr_assert_eq(nu, 0);
    llr_model_free(L), llr_model_free(M);
}

/* An approximate teacher learned with a loose gap: r* > 0, and some
 * prefixes have an optimal face that is not a point (the golden vectors'
 * approx_gls). The two ends of its widest range are both optimal. */
Test(inspect, approximate_teacher_faces)
{
    llr_model *M = NULL, *L;
    llr_error e;
    cr_assert(llr_approx_generate(3, 2, 4, 1, 3.0, 0.2, &M, &e) == 0);
    L = learned(M, 2, 0.4);
    int nu;
    check_all_prefixes(L, 0, &nu);
    cr_assert(nu > 0, "every optimum unique");
    const llr_gls *g = llr_gls_of(L);
    /* The widest face, inspected again: a real freedom, not rounding. */
    llr_lp_view v;
    cr_assert(llr_lp_inspect(g, widest_y, widest_t, &v, &e) == 0, "%s",
              e.msg);
    cr_assert(!v.unique && v.width > 0.01, "width %g", v.width);
    cr_assert_eq(v.width, widest_width);
    llr_lp_view_free(&v);
    /* Out of range: usage errors. */
    int y[4] = {0, 0, 1, 0};
    cr_assert(llr_lp_inspect(g, y, 4, &v, &e) != 0);
    assert_code(e, LLR_EUSAGE);
    int bad[1] = {3};
    cr_assert(llr_lp_inspect(g, bad, 1, &v, &e) != 0);
    assert_code(e, LLR_EUSAGE);
    llr_model_free(L), llr_model_free(M);
}

Test(inspect, family_states)
{
    llr_model *M = NULL;
    llr_error e;
    llr_state_view s;
    int y[3] = {1, 0, 1};
    /* isan: x_t by the transitions; its logits are centre(B[t] x_t). */
    cr_assert(llr_isan_generate(2, 3, 4, 1, 3.0, &M, &e) == 0);
    cr_assert(llr_model_state_view(M, y, 3, &s, &e) == 0);
    cr_assert(s.n == 1 && !strcmp(s.f[0].name, "x") && s.f[0].n == 3);
    double raw[2], l[2];
    llr_isan_raw_logits(llr_isan_of(M), 3, s.f[0].v, raw);
    cr_assert(llr_model_logits(M, y, 3, l, &e) == 0);
    cr_assert(fabs((raw[0] - raw[1]) / 2 - l[0]) < 1e-15);
    llr_state_view_free(&s);
    llr_model_free(M);
    /* approx: the perturbation is below eps per entry. */
    cr_assert(llr_approx_generate(2, 3, 4, 1, 3.0, 0.1, &M, &e) == 0);
    cr_assert(llr_model_state_view(M, y, 2, &s, &e) == 0);
    cr_assert(s.n == 2 && !strcmp(s.f[1].name, "perturbation"));
    cr_assert(fabs(s.f[1].v[0]) < 0.1 && fabs(s.f[1].v[1]) < 0.1);
    cr_assert(s.f[1].v[0] != 0);
    llr_state_view_free(&s);
    llr_model_free(M);
    /* table: the row in prefix enumeration order, 1 + 2 + 2 + 1 = 6. */
    cr_assert(llr_table_generate(2, 4, 1, 3.0, &M, &e) == 0);
    int y2[2] = {1, 1};
    cr_assert(llr_model_state_view(M, y2, 2, &s, &e) == 0);
    cr_assert(s.n == 1 && s.f[0].integer && s.f[0].v[0] == 6.0);
    llr_state_view_free(&s);
    llr_model_free(M);
    /* parity: secret 1011 read on 1, 0, 1: 1 + 0 + 1 = 0 mod 2. */
    unsigned char sec[4] = {1, 0, 1, 1};
    cr_assert(llr_parity_new(4, sec, 0.1, &M, &e) == 0);
    cr_assert(llr_model_state_view(M, y, 3, &s, &e) == 0);
    cr_assert(s.n == 2 && s.f[0].v[0] == 0.0 && s.f[1].v[0] == 3.0);
    llr_state_view_free(&s);
    int y3[2] = {1, 1};
    cr_assert(llr_model_state_view(M, y3, 2, &s, &e) == 0);
    cr_assert(s.f[0].v[0] == 1.0);
    llr_state_view_free(&s);
    /* Too long a prefix. */
    int y5[5] = {0};
    cr_assert(llr_model_state_view(M, y5, 5, &s, &e) != 0);
    assert_code(e, LLR_EUSAGE);
    llr_model_free(M);
}
