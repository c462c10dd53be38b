/* tests/lp_clp.c - a second LP solver for the golden vectors (make check).
 *
 * For every `lp` item of DIR/manifest.json (docs/vectors.md) it solves
 * the reconstruction LP of the stored learned model again at each stored
 * prefix, with COIN-OR CLP's primal simplex instead of GLPK and with code
 * written from docs/learner.md ("The reconstruction LP, exactly"), not
 * llr's: all the stages of the one answer (spec/learner.md rule 4) are
 * run, each restricted to the previous stage's optimal face by fixing
 * every variable and row whose reduced cost exceeds 1e-9 at its bound.
 * It compares the coefficients, the residual, the feasibility flag and
 * the prediction with the stored item, within the manifest's tolerances.
 * libllr is used only to read the files.
 *
 * Usage: lp_clp DIR. One line per item, then "lp_clp: P passed, F failed";
 * exit status 1 on any failure. */
#include <coin/Clp_C_Interface.h>
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "io/safetensors.h"
#include "learn/gls.h"

#define TIE 1e-9
#define CLP_INF DBL_MAX /* CLP's infinity (COIN_DBL_MAX) */
#define MAXT 64

typedef struct lp {
    int m, n, t, nv, nr;
    double *M;        /* nr x nv, row-major: every row of every stage */
    double *lo, *hi;  /* row bounds */
    double *clo, *chi; /* column bounds */
    double *A, *b;    /* the residual system e = A c - b, m x n */
    int off[MAXT + 1];
} lp;

static void die(const char *what)
{
    fprintf(stderr, "lp_clp: %s\n", what);
    exit(1);
}

static void *xcalloc(size_t n, size_t s)
{
    void *p = calloc(n ? n : 1, s);
    if (!p)
        die("out of memory");
    return p;
}

/* The LP of docs/learner.md at prefix y (length t >= 1). Columns: c (n),
 * r, r_0 .. r_{t-1}, u (n). Rows: per residual k, A_k c - r <= b_k,
 * A_k c + r >= b_k, A_k c - r_s <= b_k, A_k c + r_s >= b_k (s its
 * level); per coefficient j, c_j - u_j <= 0 and c_j + u_j >= 0. */
static void build(const llr_gls *g, const int *y, int t, lp *L)
{
    int V = g->V, n = 0, m = 0;
    for (int s = 1; s <= t; s++) {
        L->off[s] = n;
        n += g->cut[s].k;
        m += g->cut[s].fhat.count * V;
    }
    L->m = m, L->n = n, L->t = t;
    L->nv = 2 * n + 1 + t;
    L->nr = 4 * m + 2 * n;
    L->A = xcalloc((size_t)m * n, sizeof *L->A);
    L->b = xcalloc((size_t)m, sizeof *L->b);
    L->M = xcalloc((size_t)L->nr * L->nv, sizeof *L->M);
    L->lo = xcalloc((size_t)L->nr, sizeof *L->lo);
    L->hi = xcalloc((size_t)L->nr, sizeof *L->hi);
    L->clo = xcalloc((size_t)L->nv, sizeof *L->clo);
    L->chi = xcalloc((size_t)L->nv, sizeof *L->chi);
    int *lev = xcalloc((size_t)m, sizeof *lev), k = 0;
    for (int s = 0; s < t; s++) {
        const llr_gls_cut *cs = &g->cut[s], *cn = &g->cut[s + 1];
        int nf = cn->fhat.count;
        for (int j = 0; j < nf; j++)
            for (int z = 0; z < V; z++, k++) {
                lev[k] = s;
                for (int i = 0; i < cn->k; i++)
                    L->A[(size_t)k * n + L->off[s + 1] + i] =
                        cn->rhat[((size_t)i * nf + j) * V + z];
                for (int i = 0; i < cs->k; i++) {
                    double v =
                        cs->rext[(((size_t)i * V + y[s]) * nf + j) * V + z];
                    if (s == 0)
                        L->b[k] += v;
                    else
                        L->A[(size_t)k * n + L->off[s] + i] -= v;
                }
            }
    }
    int r = n, rl = n + 1, u = n + 1 + t, row = 0;
    for (k = 0; k < m; k++)
        for (int q = 0; q < 4; q++, row++) {
            double *M = L->M + (size_t)row * L->nv;
            memcpy(M, L->A + (size_t)k * n, (size_t)n * sizeof *M);
            M[q < 2 ? r : rl + lev[k]] = q % 2 ? 1.0 : -1.0;
            L->lo[row] = q % 2 ? L->b[k] : -CLP_INF;
            L->hi[row] = q % 2 ? CLP_INF : L->b[k];
        }
    for (int j = 0; j < n; j++)
        for (int q = 0; q < 2; q++, row++) {
            double *M = L->M + (size_t)row * L->nv;
            M[j] = 1.0;
            M[u + j] = q ? 1.0 : -1.0;
            L->lo[row] = q ? 0.0 : -CLP_INF;
            L->hi[row] = q ? CLP_INF : 0.0;
        }
    for (int j = 0; j < L->nv; j++) {
        L->clo[j] = j < n ? -g->box : 0.0;
        L->chi[j] = j < n ? g->box : CLP_INF;
    }
    free(lev);
}

static void lp_free(lp *L)
{
    free(L->M), free(L->lo), free(L->hi), free(L->clo), free(L->chi);
    free(L->A), free(L->b);
}

/* Fix at its bound every column and row whose reduced cost (dual) exceeds
 * TIE: after an optimal solve, what remains is the optimal face. A fixed
 * quantity must sit at that bound (a check of the sign convention). */
static const char *fix_face(Clp_Simplex *P, lp *L)
{
    const double *x = Clp_getColSolution(P), *dj = Clp_getReducedCost(P);
    const double *act = Clp_getRowActivity(P);
    const double *y = Clp_dualRowSolution(P);
    for (int j = 0; j < L->nv; j++) {
        if (dj[j] > TIE) {
            if (fabs(x[j] - L->clo[j]) > 1e-7 * (1 + fabs(x[j])))
                return "a column with a positive reduced cost is not at "
                       "its lower bound";
            L->chi[j] = L->clo[j];
        } else if (dj[j] < -TIE) {
            if (fabs(x[j] - L->chi[j]) > 1e-7 * (1 + fabs(x[j])))
                return "a column with a negative reduced cost is not at "
                       "its upper bound";
            L->clo[j] = L->chi[j];
        }
    }
    for (int i = 0; i < L->nr; i++) {
        if (y[i] > TIE) {
            if (fabs(act[i] - L->lo[i]) > 1e-7 * (1 + fabs(act[i])))
                return "a row with a positive dual is not at its lower "
                       "bound";
            L->hi[i] = L->lo[i];
        } else if (y[i] < -TIE) {
            if (fabs(act[i] - L->hi[i]) > 1e-7 * (1 + fabs(act[i])))
                return "a row with a negative dual is not at its upper "
                       "bound";
            L->lo[i] = L->hi[i];
        }
    }
    Clp_chgColumnLower(P, L->clo);
    Clp_chgColumnUpper(P, L->chi);
    Clp_chgRowLower(P, L->lo);
    Clp_chgRowUpper(P, L->hi);
    return NULL;
}

/* Solve every stage; c receives the n coefficients. NULL or a reason. */
static const char *solve(lp *L, double *c)
{
    int nv = L->nv, nr = L->nr, n = L->n, t = L->t;
    CoinBigIndex *start = xcalloc((size_t)nv + 1, sizeof *start);
    int *index = xcalloc((size_t)nr * nv, sizeof *index);
    double *value = xcalloc((size_t)nr * nv, sizeof *value);
    CoinBigIndex ne = 0;
    for (int j = 0; j < nv; j++) {
        start[j] = ne;
        for (int i = 0; i < nr; i++) {
            double v = L->M[(size_t)i * nv + j];
            if (v != 0.0)
                index[ne] = i, value[ne] = v, ne++;
        }
    }
    start[nv] = ne;
    double *obj = xcalloc((size_t)nv, sizeof *obj);
    Clp_Simplex *P = Clp_newModel();
    Clp_setLogLevel(P, 0);
    Clp_loadProblem(P, nv, nr, start, index, value, L->clo, L->chi, obj,
                    L->lo, L->hi);
    const char *why = NULL;
    int stages = 3 + n;
    for (int k = 0; k < stages && !why; k++) {
        memset(obj, 0, (size_t)nv * sizeof *obj);
        if (k == 0)
            obj[n] = 1.0; /* r */
        else if (k == 1)
            for (int s = 0; s < t; s++)
                obj[n + 1 + s] = 1.0; /* the level maxima */
        else if (k == 2)
            for (int j = 0; j < n; j++)
                obj[n + 1 + t + j] = 1.0; /* |c| */
        else
            obj[k - 3] = 1.0; /* c_{k-3} */
        Clp_chgObjCoefficients(P, obj);
        Clp_primal(P, 0);
        if (Clp_status(P) != 0)
            why = "CLP found no optimum";
        else if (k + 1 < stages)
            why = fix_face(P, L);
    }
    if (!why)
        memcpy(c, Clp_getColSolution(P), (size_t)n * sizeof *c);
    Clp_deleteModel(P);
    free(start), free(index), free(value), free(obj);
    return why;
}

static double tol_of(json_t *item, const char *q, double *rtol)
{
    json_t *T = json_object_get(item, "tolerance");
    json_t *v = json_object_get(T, q);
    if (!v)
        v = json_object_get(T, "*");
    if (json_is_string(v)) {
        *rtol = 0;
        return 0;
    }
    *rtol = json_number_value(json_object_get(v, "rtol"));
    return json_number_value(json_object_get(v, "atol"));
}

static int close_to(double got, double want, double atol, double rtol,
                    double *worst)
{
    double d = fabs(got - want);
    if (d > *worst)
        *worst = d;
    return d <= atol + rtol * fabs(want);
}

static char *join(const char *dir, const char *file)
{
    char *p = xcalloc(strlen(dir) + strlen(file) + 2, 1);
    sprintf(p, "%s/%s", dir, file);
    return p;
}

static const char *model_file(json_t *man, const char *name)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(man, "models"), i, m)
    {
        if (!strcmp(json_string_value(json_object_get(m, "name")), name))
            return json_string_value(json_object_get(m, "file"));
    }
    return NULL;
}

/* Re-solve one lp item; 1 when every prefix agrees. */
static int check_item(const char *dir, json_t *man, json_t *item)
{
    const char *name = json_string_value(json_object_get(item, "name"));
    const char *mname = json_string_value(json_object_get(item, "model"));
    const char *mf = model_file(man, mname);
    llr_error e;
    llr_model *M = NULL;
    char *mp = join(dir, mf ? mf : "?");
    if (!mf || llr_model_load(mp, NULL, &M, &e))
        die(mf ? e.msg : "an lp item names an unknown model");
    const llr_gls *g = llr_gls_of(M);
    if (!g)
        die("an lp item's model is not a learned (gls) model");
    char *ip = join(dir, json_string_value(json_object_get(item, "file")));
    llr_st_file f = {0};
    if (llr_st_read(ip, &f, &e))
        die(e.msg);
    const llr_st_tensor *tp = llr_st_find(&f, "prefixes");
    const llr_st_tensor *tc = llr_st_find(&f, "coefficients");
    const llr_st_tensor *tr = llr_st_find(&f, "residual");
    const llr_st_tensor *tf = llr_st_find(&f, "feasible");
    const llr_st_tensor *tl = llr_st_find(&f, "logits");
    if (!tp || !tc || !tr || !tf || !tl)
        die("an lp item lacks one of its tensors");
    size_t np = tp->shape[0], w = tp->shape[1], W = tc->shape[1];
    int64_t *pre = xcalloc(tp->count, sizeof *pre);
    int64_t *feas = xcalloc(tf->count, sizeof *feas);
    double *coef = xcalloc(tc->count, sizeof *coef);
    double *res = xcalloc(tr->count, sizeof *res);
    double *lg = xcalloc(tl->count, sizeof *lg);
    if (llr_st_copy_i64(&f, tp, pre, &e) || llr_st_copy_i64(&f, tf, feas, &e) ||
        llr_st_copy_f64(&f, tc, coef, 1, &e) ||
        llr_st_copy_f64(&f, tr, res, 1, &e) ||
        llr_st_copy_f64(&f, tl, lg, 1, &e))
        die(e.msg);
    double ca, cr, ra, rr, la, lr;
    ca = tol_of(item, "coefficients", &cr);
    ra = tol_of(item, "residual", &rr);
    la = tol_of(item, "logits", &lr);
    int ok = 1, V = g->V, solved = 0;
    double wc = 0, wr = 0, wl = 0;
    double *c = xcalloc(W + 1, sizeof *c), *pred = xcalloc(V, sizeof *pred);
    for (size_t p = 0; p < np; p++) {
        int y[MAXT], t = 0;
        while ((size_t)t < w && pre[p * w + t] >= 0)
            y[t] = (int)pre[p * w + t], t++;
        if (t == 0)
            continue; /* no LP at the empty prefix */
        lp L;
        memset(&L, 0, sizeof L);
        build(g, y, t, &L);
        const char *why = solve(&L, c + 1);
        if (why) {
            printf("FAIL  %s: prefix %zu: %s\n", name, p, why);
            ok = 0;
            lp_free(&L);
            continue;
        }
        solved++;
        c[0] = 1.0;
        for (int j = 0; j <= L.n; j++)
            ok &= close_to(c[j], coef[p * W + j], ca, cr, &wc);
        double r = 0;
        for (int k = 0; k < L.m; k++) {
            double s = -L.b[k];
            for (int j = 0; j < L.n; j++)
                s += L.A[(size_t)k * L.n + j] * c[1 + j];
            r = fmax(r, fabs(s));
        }
        ok &= close_to(r, res[p], ra, rr, &wr);
        int fe = r <= g->tau;
        ok &= fe == (int)feas[p];
        const llr_gls_cut *ct = &g->cut[t];
        for (int z = 0; z < V; z++) {
            pred[z] = 0;
            for (int i = 0; fe && i < ct->k; i++)
                pred[z] += c[1 + L.off[t] + i] * ct->rhat[(size_t)i * ct->fhat.count * V + z];
            ok &= close_to(pred[z], lg[p * V + z], la, lr, &wl);
        }
        lp_free(&L);
    }
    printf("%s  %-22s %zu prefixes, %d LPs re-solved by CLP (every stage), "
           "max |diff| coefficients %.3g, residual %.3g, logits %.3g\n",
           ok ? "ok  " : "FAIL", name, np, solved, wc, wr, wl);
    free(c), free(pred), free(pre), free(feas), free(coef), free(res),
        free(lg);
    llr_st_free(&f);
    free(ip), free(mp);
    llr_model_free(M);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        die("usage: lp_clp DIR");
    char *mp = join(argv[1], "manifest.json");
    json_error_t je;
    json_t *man = json_load_file(mp, 0, &je);
    if (!man)
        die(je.text);
    int passed = 0, failed = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(man, "items"), i, it)
    {
        if (strcmp(json_string_value(json_object_get(it, "type")), "lp"))
            continue;
        if (check_item(argv[1], man, it))
            passed++;
        else
            failed++;
    }
    printf("lp_clp: %d passed, %d failed\n", passed, failed);
    json_decref(man);
    free(mp);
    return failed || !passed;
}
