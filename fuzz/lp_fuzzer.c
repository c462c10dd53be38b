/* lp_fuzzer.c - libFuzzer target for the reconstruction LP (src/learn/reconstruct.c:
 * Chebyshev form, GLPK's dual simplex in floating point, the tie-break,
 * the certificate of src/checkers/certificate.c).
 *
 * Input (fuzz/fuzz_input.h): V (2..3), a prefix length t (1..2, the
 * prefix's tokens too), per cut s = 1..t a basis size k_s (1..3, at most 6
 * in all) and a number of selected futures |F^_s| (1..5, at most 10 in
 * all), a scale K (1, 3, 16 or 2^20), tau, and the rows rhat, rext of a
 * representation llr_gls (gls.h), made one of three ways: independent
 * integers in [-K, K] (a quarter of them 0), a consistent representation
 * (integer coefficients in the box chosen first, one of them +-1 per
 * level, and rext solved so that they meet every constraint: the optimum
 * is 0), or the consistent one with a duplicated basis row (the
 * coefficients are then not determined: the tie-break LP runs).
 *
 * Why integers: GLPK's glp_exact is exact only on the rationals it reads,
 * and it reads every datum that is not an integer as a nearby simple
 * fraction, within a relative 1e-9 (set_d_eps in GLPK 5.0's glpapi07.c):
 * on general doubles it solves a perturbed LP, whose optimal basis can
 * give an infeasible vertex of the real one (seen here: r = -3e-17
 * against its reported 1.9e-9). Integers it reads exactly, and the
 * library's double simplex sees the same data, at scales from 1 to 2^20.
 *
 * Two oracles, two targets. This file (target lp) certifies its own
 * solution of the LP by duality: it builds the LP itself (below), solves
 * it with GLPK's double simplex (glp_simplex; glp_exact only when that
 * fails), reads the primal and the row duals, and has the proved checker
 * llr_lp_duality (checkers/lp_duality.h) certify them: primal and dual
 * feasibility and the duality gap, so r* lies in [D, P], P the
 * certified primal value and D the dual bound (up to the tolerances
 * stated in lp_duality.h). fuzz/lp_exact_fuzzer.c (target lp_exact)
 * compiles this file with LP_EXACT_ORACLE: the slower oracle below,
 * glp_exact and the vertex in GMP rationals, where P = D = r*.
 *
 * The target builds the same LP itself from the formula of reconstruct.h
 * (residual e = sum_i c_{s+1,i} rhat_{s+1}[i][j][z] -
 * sum_i c_{s,i} rext_s[i][y_s][j][z], c_0 = e_1, |e| <= r, |c| <= 2,
 * minimise r), written as A x - b, and solves it with GLPK's exact
 * rational simplex (glp_exact). GLPK 5.0 reports that basis's values
 * with errors of about 1e-12, so the vertex of glp_exact's final basis is
 * recomputed here in GMP rationals (and checked feasible, exactly): r* and
 * x* are exact up to the final conversion to double. Notation: m residual rows, n coefficients,
 * W = max_i (2 sum_j |A_ij| + |b_i|) bounds any residual within the box,
 * u = 2^-53, gamma = (n + 1) u / (1 - (n + 1) u).
 *
 * Oracles:
 *   - llr_reconstruct succeeds (finite input, a feasible LP) and reports
 *     nc = 1 + n, c_0 = 1;
 *   - the objective: GLPK's dual simplex stops with primal feasibility
 *     within 1e-7 (1 + |bound|) per row and dual feasibility within 1e-7
 *     per reduced cost (its documented defaults); weak duality over the
 *     ranges of the variables (4 for each c, W for r and for each of the
 *     2m slacks) gives r_claim <= r* + 1e-7 (4n + (2m + 1) W), and the
 *     library's own check admits 1e-7 (1 + r_claim) more; the box
 *     tolerance 1e-7 (1 + 2) lets the residual fall below r* by at most
 *     3e-7 max_i sum_j |A_ij|; recomputation adds gamma W. So
 *     |residual - r*| <= 1e-7 (4n + (2m + 1) W + 1 + max|b|)
 *     + 1e-7 (1 + r* + 1e-7 (4n + (2m + 1) W)) + 3e-7 max ||A_i||_1
 *     + gamma W;
 *   - both solutions pass the checker: x* lies in the box exactly
 *     (llr_cert_box with tolerance 0) and its residual recomputed by
 *     llr_cert_residual is r* up to gamma W; the library's c is in the
 *     box within 1e-7 (1 + 2), and its residual recomputed here in long
 *     double equals the reported one within gamma W;
 *   - feasible == (residual <= tau); the prediction is sum_i c_{t,i}
 *     rhat_t[i][0] (within gamma sum |c||rhat|) when feasible, else 0;
 *   - determinism: a second call gives the same bytes (coefficients,
 *     residual, prediction), also after llr_gls_prepare is redone;
 *   - LLR_LP_CORRUPT_FOR_TEST makes it fail with "LP certificate
 *     rejected";
 *   - (target lp) the checker accepts GLPK's own answer to the target's
 *     LP, P - D is its gap, and it rejects that answer's dual halved when
 *     P is far above the gap's tolerance (a dual that proves only half).
 * With the certificate, r* in the tolerance above is replaced by P (for
 * the library's residual from above) and by D (from below).
 * Every failed check calls abort(). */
#include <glpk.h>
#include <gmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/certificate.h"
#include "checkers/lp_duality.h"
#include "fuzz_input.h"
#include "learn/gls.h"
#include "learn/reconstruct.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK FZ_CHECK

#define U 0x1p-53
#define BOX 2.0
typedef long double ld;

/* The same LP built here: A (m x n), b (m). */
typedef struct lp {
    int m, n;
    double A[40 * 6], b[40];
    int off[3]; /* first variable of c_s, s = 1..t */
} lp;

static void build_lp(const llr_gls *g, const int *y, int t, lp *L)
{
    int V = g->V, n = 0, m = 0;
    for (int s = 1; s <= t; s++) {
        L->off[s] = n;
        n += g->cut[s].k;
    }
    L->n = n;
    memset(L->A, 0, sizeof L->A);
    memset(L->b, 0, sizeof L->b);
    for (int s = 0; s < t; s++) {
        const llr_gls_cut *lo = &g->cut[s], *hi = &g->cut[s + 1];
        int nf = hi->fhat.count;
        for (int j = 0; j < nf; j++)
            for (int z = 0; z < V; z++) {
                double *row = L->A + (size_t)m * n;
                for (int i = 0; i < hi->k; i++)
                    row[L->off[s + 1] + i] = hi->rhat[(i * nf + j) * V + z];
                for (int i = 0; i < lo->k; i++) {
                    double v = lo->rext[((i * V + y[s]) * nf + j) * V + z];
                    if (s == 0) {
                        if (i == 0)
                            L->b[m] = v; /* c_0 = e_1 */
                    } else {
                        row[L->off[s] + i] -= v;
                    }
                }
                m++;
            }
    }
    L->m = m;
}

#ifdef LP_EXACT_ORACLE
/* min r s.t. -r <= A x - b <= r, |x| <= 2, by glp_exact. */
static double solve_exact(const lp *L, double *x)
{
    glp_prob *P = glp_create_prob();
    glp_set_obj_dir(P, GLP_MIN);
    int n = L->n, m = L->m;
    glp_add_cols(P, n + 1);
    for (int j = 1; j <= n; j++)
        glp_set_col_bnds(P, j, GLP_DB, -BOX, BOX);
    glp_set_col_bnds(P, n + 1, GLP_LO, 0, 0); /* r */
    glp_set_obj_coef(P, n + 1, 1);
    glp_add_rows(P, 2 * m);
    int ind[8];
    double val[8];
    for (int i = 0; i < m; i++)
        for (int sg = 0; sg < 2; sg++) {
            /* sg 0:  A x - r <= b;  sg 1:  -A x - r <= -b. */
            int len = 0;
            for (int j = 0; j < n; j++)
                if (L->A[i * n + j] != 0) {
                    len++;
                    ind[len] = j + 1;
                    val[len] = sg ? -L->A[i * n + j] : L->A[i * n + j];
                }
            len++;
            ind[len] = n + 1;
            val[len] = -1;
            glp_set_mat_row(P, 2 * i + sg + 1, len, ind, val);
            glp_set_row_bnds(P, 2 * i + sg + 1, GLP_UP, 0,
                             sg ? -L->b[i] : L->b[i]);
        }
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.it_lim = 100000; /* a cycling exact simplex fails here, not hangs */
    CHECK(glp_exact(P, &parm) == 0);
    CHECK(glp_get_status(P) == GLP_OPT);
    /* The vertex of glp_exact's final basis, recomputed here in GMP
     * rationals from the doubles themselves and checked feasible exactly
     * (a check that glp_exact really solved this problem: see the
     * header about non-integral data). */
    int N = n + 1, stat[7], nb = 0, basic[7];
    for (int j = 0; j < N; j++) {
        stat[j] = glp_get_col_stat(P, j + 1);
        if (stat[j] == GLP_BS)
            basic[nb++] = j;
    }
    mpq_t M[7][8], f, v;
    mpq_init(f), mpq_init(v);
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < 8; j++)
            mpq_init(M[i][j]);
    /* Each nonbasic row i (at its upper bound) gives an equation
     * sum_j a_ij x_j = ub_i; nonbasic columns are at their bounds. */
    int eq = 0;
    for (int i = 1; i <= 2 * m; i++) {
        if (glp_get_row_stat(P, i) == GLP_BS)
            continue;
        CHECK(eq < nb);
        int row = (i - 1) / 2, sg = (i - 1) % 2;
        mpq_set_d(M[eq][nb], sg ? -L->b[row] : L->b[row]);
        for (int j = 0; j < N; j++) {
            double a = j == n ? -1.0
                              : (sg ? -L->A[row * n + j] : L->A[row * n + j]);
            int k = -1;
            for (int q = 0; q < nb; q++)
                if (basic[q] == j)
                    k = q;
            if (k >= 0) {
                mpq_set_d(M[eq][k], a);
            } else {
                /* x_j at its bound: -2 or 2 (r: 0). */
                double bnd = j == n ? 0.0
                                    : (stat[j] == GLP_NU ? BOX : -BOX);
                mpq_set_d(f, a * bnd); /* a * (+-2) and a * 0 are exact */
                mpq_sub(M[eq][nb], M[eq][nb], f);
            }
        }
        eq++;
    }
    CHECK(eq == nb);
    /* Gauss-Jordan elimination. */
    for (int c = 0; c < nb; c++) {
        int p = c;
        while (p < nb && mpq_sgn(M[p][c]) == 0)
            p++;
        CHECK(p < nb); /* a basis is nonsingular */
        if (p != c)
            for (int j = 0; j <= nb; j++)
                mpq_swap(M[p][j], M[c][j]);
        for (int r = 0; r < nb; r++) {
            if (r == c || mpq_sgn(M[r][c]) == 0)
                continue;
            mpq_div(f, M[r][c], M[c][c]);
            for (int j = c; j <= nb; j++) {
                mpq_mul(v, f, M[c][j]);
                mpq_sub(M[r][j], M[r][j], v);
            }
        }
    }
    mpq_t X[7];
    for (int j = 0; j < N; j++) {
        mpq_init(X[j]);
        if (stat[j] != GLP_BS)
            mpq_set_d(X[j], j == n ? 0.0 : (stat[j] == GLP_NU ? BOX : -BOX));
    }
    for (int q = 0; q < nb; q++)
        mpq_div(X[basic[q]], M[q][nb], M[q][q]);
    /* The vertex is feasible: |A x - b| <= r row by row, |x| <= 2. */
    mpq_t two;
    mpq_init(two);
    mpq_set_d(two, BOX);
    for (int j = 0; j < n; j++) {
        mpq_abs(f, X[j]);
        CHECK(mpq_cmp(f, two) <= 0);
    }
    CHECK(mpq_sgn(X[n]) >= 0);
    for (int i = 0; i < m; i++) {
        mpq_set_d(v, -L->b[i]);
        for (int j = 0; j < n; j++) {
            mpq_set_d(f, L->A[i * n + j]);
            mpq_mul(f, f, X[j]);
            mpq_add(v, v, f);
        }
        mpq_abs(v, v);
        CHECK(mpq_cmp(v, X[n]) <= 0);
    }
    for (int j = 0; j < n; j++)
        x[j] = mpq_get_d(X[j]);
    double r = mpq_get_d(X[n]);
    for (int j = 0; j < N; j++)
        mpq_clear(X[j]);
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < 8; j++)
            mpq_clear(M[i][j]);
    mpq_clear(f), mpq_clear(v), mpq_clear(two);
    glp_delete_prob(P);
    return r;
}
#endif

#ifndef LP_EXACT_ORACLE
/* min r s.t. -r <= A x - b <= r, |x| <= 2, by GLPK's double simplex
 * (retried scaled, as the library does; glp_exact when both fail), then
 * certified by llr_lp_duality from the target's own dense copy of the
 * LP. Columns: x_1..x_n, r; rows 2i: A x - r <= b, 2i+1: -A x - r <= -b.
 * x receives the solution, *gap the certificate. */
static void solve_certified(const lp *L, double *x, llr_lp_gap *gap)
{
    int n = L->n, m = L->m, N = n + 1, M = 2 * m;
    static double A[80 * 7], c[7], rlo[80], rhi[80], clo[7], chi[7], y[80],
        xx[7];
    glp_prob *P = glp_create_prob();
    glp_set_obj_dir(P, GLP_MIN);
    glp_add_cols(P, N);
    for (int j = 0; j < N; j++) {
        clo[j] = j < n ? -BOX : 0;
        chi[j] = j < n ? BOX : INFINITY;
        c[j] = j < n ? 0 : 1;
        glp_set_col_bnds(P, j + 1, j < n ? GLP_DB : GLP_LO, clo[j], BOX);
        glp_set_obj_coef(P, j + 1, c[j]);
    }
    glp_add_rows(P, M);
    int ind[8];
    double val[8];
    for (int i = 0; i < M; i++) {
        int row = i / 2, sg = i % 2, len = 0;
        for (int j = 0; j < N; j++) {
            double a = j == n ? -1.0
                              : (sg ? -L->A[row * n + j] : L->A[row * n + j]);
            A[i * N + j] = a;
            if (a != 0)
                len++, ind[len] = j + 1, val[len] = a;
        }
        rlo[i] = -INFINITY;
        rhi[i] = sg ? -L->b[row] : L->b[row];
        glp_set_mat_row(P, i + 1, len, ind, val);
        glp_set_row_bnds(P, i + 1, GLP_UP, 0, rhi[i]);
    }
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.meth = GLP_DUALP;
    parm.it_lim = 20000;
    int ok = glp_simplex(P, &parm) == 0 && glp_get_status(P) == GLP_OPT;
    if (!ok) {
        glp_scale_prob(P, GLP_SF_AUTO);
        glp_std_basis(P);
        ok = glp_simplex(P, &parm) == 0 && glp_get_status(P) == GLP_OPT;
    }
    if (!ok) {
        parm.it_lim = 100000;
        CHECK(glp_exact(P, &parm) == 0 && glp_get_status(P) == GLP_OPT);
    }
    for (int j = 0; j < N; j++)
        xx[j] = glp_get_col_prim(P, j + 1);
    for (int i = 0; i < M; i++)
        y[i] = glp_get_row_dual(P, i + 1);
    glp_delete_prob(P);
    int rc = llr_lp_duality(A, c, rlo, rhi, clo, chi, M, N, xx, y, 1e-7, gap);
    if (rc != LLR_LP_CERT_OK)
        fprintf(stderr, "certificate %d: row %d col %d gap %.3g lim %.3g\n",
                rc, gap->row, gap->col, gap->gap, gap->gap_lim);
    CHECK(rc == LLR_LP_CERT_OK);
    CHECK(gap->primal == xx[n]);
    CHECK(gap->dual == gap->primal - gap->gap);
    /* A dual that proves only half of P is rejected. */
    if (gap->primal > 1e3 * gap->gap_lim + 1e-6) {
        llr_lp_gap half;
        for (int i = 0; i < M; i++)
            y[i] *= 0.5;
        CHECK(llr_lp_duality(A, c, rlo, rhi, clo, chi, M, N, xx, y, 1e-7,
                             &half) != LLR_LP_CERT_OK);
    }
    memcpy(x, xx, (size_t)n * sizeof *x);
}
#endif

/* An integer in [-K, K], zero one time in four. */
static double rnd(fz_input *in, double K)
{
    if (fz_int(in, 0, 3) == 0)
        return 0;
    return (double)fz_int(in, -(long long)K, (long long)K);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in;
    fz_init(&in, data, size);
    int V = (int)fz_int(&in, 2, 3), t = (int)fz_int(&in, 1, 2);
    int mode = (int)fz_int(&in, 0, 2);
    static const double scales[4] = {1, 16, 1 << 20, 3};
    double S = scales[fz_int(&in, 0, 3)];
    int y[2] = {0, 0};
    for (int s = 0; s < t; s++)
        y[s] = (int)fz_int(&in, 0, V - 1);
    llr_gls g;
    memset(&g, 0, sizeof g);
    g.V = V, g.T = t + 1, g.d = 3, g.box = BOX;
    g.tau = fz_double_in(&in, 1.0, 0);
    llr_gls_cut *cut = calloc(3, sizeof *cut);
    CHECK(cut != NULL);
    g.cut = cut;
    llr_error e;
    int ktot = 0, ftot = 0;
    for (int s = 0; s <= t; s++) {
        int k = s == 0 ? 1 : (int)fz_int(&in, 1, 3);
        int nf = s == 0 ? 1 : (int)fz_int(&in, 1, 5);
        if (ktot + k > 6)
            k = 6 - ktot;
        if (s > 0 && k < 1)
            k = 1; /* at most 2 cuts of at most 3 rows: never reached */
        if (ftot + nf > 10)
            nf = 10 - ftot;
        if (nf < 1)
            nf = 1;
        if (s > 0)
            ktot += k, ftot += nf;
        cut[s].k = k;
        for (int j = 0; j < nf; j++) {
            int tok = j;
            CHECK(llr_strings_push(&cut[s].fhat, &tok, j ? 1 : 0, &e) == 0);
        }
    }
    for (int s = 0; s <= t; s++) {
        int k = cut[s].k, nf = cut[s].fhat.count;
        cut[s].rhat = calloc((size_t)k * nf * V, sizeof(double));
        CHECK(cut[s].rhat != NULL);
        if (s < t) {
            int nn = cut[s + 1].fhat.count;
            cut[s].rext = calloc((size_t)k * V * nn * V, sizeof(double));
            CHECK(cut[s].rext != NULL);
        }
    }
    /* rhat: independent entries; duplicated rows in mode 2. */
    for (int s = 0; s <= t; s++) {
        int k = cut[s].k, nf = cut[s].fhat.count, w = nf * V;
        for (int i = 0; i < k * w; i++)
            cut[s].rhat[i] = rnd(&in, S);
        if (mode == 2 && s > 0 && k >= 2)
            memcpy(cut[s].rhat + w, cut[s].rhat, (size_t)w * sizeof(double));
    }
    if (mode == 0) {
        for (int s = 0; s < t; s++) {
            int nn = cut[s + 1].fhat.count;
            for (int i = 0; i < cut[s].k * V * nn * V; i++)
                cut[s].rext[i] = rnd(&in, S);
        }
    } else {
        /* Coefficients c_s in the box, then rext_s[.][y_s] so that
         * sum_i c_{s,i} rext_s[i][y_s] = sum_i c_{s+1,i} rhat_{s+1}[i]
         * (on F^_{s+1}), the other tokens' entries free. */
        double c[3][3] = {{1, 0, 0}};
        int pivot[3] = {0, 0, 0};
        for (int s = 1; s <= t; s++) {
            for (int i = 0; i < cut[s].k; i++)
                c[s][i] = (double)fz_int(&in, -2, 2);
            pivot[s] = (int)fz_int(&in, 0, cut[s].k - 1);
            c[s][pivot[s]] = fz_bool(&in) ? 1 : -1;
        }
        for (int s = 0; s < t; s++) {
            int nn = cut[s + 1].fhat.count, k = cut[s].k;
            for (int i = 0; i < k * V * nn * V; i++)
                cut[s].rext[i] = rnd(&in, S);
            int piv = pivot[s]; /* c[s][piv] = +-1: rext stays integral */
            for (int j = 0; j < nn; j++)
                for (int z = 0; z < V; z++) {
                    double want = 0, have = 0;
                    for (int i = 0; i < cut[s + 1].k; i++)
                        want += c[s + 1][i] *
                                cut[s + 1].rhat[(i * nn + j) * V + z];
                    for (int i = 0; i < k; i++)
                        if (i != piv)
                            have += c[s][i] *
                                    cut[s].rext[((i * V + y[s]) * nn + j) * V +
                                                z];
                    cut[s].rext[((piv * V + y[s]) * nn + j) * V + z] =
                        (want - have) / c[s][piv];
                }
        }
    }
    CHECK(llr_gls_prepare(&g, &e) == 0);

    lp L;
    build_lp(&g, y, t, &L);
    int n = L.n, m = L.m;
    double xs[6];
#ifdef LP_EXACT_ORACLE
    double rstar = solve_exact(&L, xs), rhi = rstar, rlo = rstar;
#else
    llr_lp_gap cert;
    solve_certified(&L, xs, &cert);
    double rstar = cert.primal, rhi = cert.primal, rlo = cert.dual;
#endif
    CHECK(rstar >= -1e-7);
    ld W = 0, a1 = 0, bmax = 0;
    for (int i = 0; i < m; i++) {
        ld s = 0;
        for (int j = 0; j < n; j++)
            s += fabsl((ld)L.A[i * n + j]);
        a1 = fmaxl(a1, s);
        bmax = fmaxl(bmax, fabsl((ld)L.b[i]));
        W = fmaxl(W, BOX * s + fabsl((ld)L.b[i]));
    }
    ld gamma = (n + 1) * U / (1 - (n + 1) * U);

    /* The oracle's solution passes the checker (exact: exactly; GLPK's:
     * within its tolerances). */
#ifdef LP_EXACT_ORACLE
    CHECK(llr_cert_box(xs, n, BOX, 0) == 1);
    double rx = llr_cert_residual(L.A, xs, L.b, m, n);
    CHECK(!isnan(rx) && fabsl((ld)rx - rstar) <= gamma * W + 4 * U * rstar);
#else
    CHECK(llr_cert_box(xs, n, BOX, 1e-7 * (1 + BOX)) == 1);
    double rx = llr_cert_residual(L.A, xs, L.b, m, n);
    CHECK(!isnan(rx) &&
          (ld)rx <= rstar + 1e-7L * (1 + bmax + W) + gamma * W);
#endif

    /* The library. */
    double c1[7], c2[7], p1[3], p2[3];
    llr_lp_result r1 = {0}, r2 = {0};
    r1.c = c1, r2.c = c2;
    e.msg[0] = 0;
    int rc = llr_reconstruct(&g, y, t, p1, &r1, 0, &e);
    if (rc)
        fprintf(stderr, "llr_reconstruct: %s\n", e.msg);
    CHECK(rc == 0);
    CHECK(r1.nc == 1 + n && c1[0] == 1.0);
    const double *x = c1 + 1;
    CHECK(llr_cert_box(x, n, BOX, 1e-7 * (1 + BOX)) == 1);
    ld mine = 0;
    for (int i = 0; i < m; i++) {
        ld s = -(ld)L.b[i];
        for (int j = 0; j < n; j++)
            s += (ld)L.A[i * n + j] * x[j];
        mine = fmaxl(mine, fabsl(s));
    }
    CHECK(fabsl(mine - r1.residual) <= gamma * W);
    ld duality = 1e-7L * (4 * n + (2 * m + 1) * W);
    ld tol = duality + 1e-7L * (1 + bmax) + 1e-7L * (1 + rstar + duality) +
             3e-7L * a1 + gamma * W;
    int within = (ld)r1.residual - rhi <= tol && rlo - (ld)r1.residual <= tol;
    if (!within)
        fprintf(stderr, "residual %.17g, optimum in [%.17g, %.17g], tol "
                "%.3Lg\n", r1.residual, rlo, rhi, tol);
    CHECK(within);
    CHECK(r1.feasible == (r1.residual <= g.tau));
    const llr_gls_cut *ct = &cut[t];
    int nft = ct->fhat.count;
    for (int z = 0; z < V; z++) {
        if (!r1.feasible) {
            CHECK(p1[z] == 0);
            continue;
        }
        ld want = 0, mag = 0;
        for (int i = 0; i < ct->k; i++) {
            ld v = (ld)x[L.off[t] + i] * ct->rhat[(i * nft + 0) * V + z];
            want += v;
            mag += fabsl(v);
        }
        CHECK(fabsl((ld)p1[z] - want) <= (ct->k + 1) * U * mag + 0x1p-1074L);
    }

    /* Determinism, also after the derived data is recomputed. */
    CHECK(llr_gls_prepare(&g, &e) == 0);
    CHECK(llr_reconstruct(&g, y, t, p2, &r2, 0, &e) == 0);
    CHECK(r2.nc == r1.nc && memcmp(c1, c2, (size_t)r1.nc * sizeof *c1) == 0);
    CHECK(memcmp(&r1.residual, &r2.residual, sizeof r1.residual) == 0);
    CHECK(memcmp(p1, p2, (size_t)V * sizeof *p1) == 0);

    /* The library's own corruption switch. */
    e.msg[0] = 0;
    CHECK(llr_reconstruct(&g, y, t, p2, &r2, LLR_LP_CORRUPT_FOR_TEST, &e) !=
          0);
    CHECK(strstr(e.msg, "LP certificate rejected") != NULL);

    llr_gls_free(&g); /* frees the cuts' arrays and g.cut itself */
    return 0;
}
