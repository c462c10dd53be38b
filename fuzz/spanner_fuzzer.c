/* spanner_fuzzer.c - libFuzzer target for the 2-barycentric spanner
 * (src/learn/spanner.c) and the checkers that certify it (src/checkers/certificate.c).
 *
 * Input (fuzz/fuzz_input.h): n rows (1..40) of dimension m (1..8), rank
 * bound d (1..8), a threshold setting, and the rows, made one of four
 * ways: independent entries (zeros, +-1, subnormals among them), rows of a
 * low-rank product (rank 0..m, so often rank-deficient), the same with
 * repeated (scaled) rows, and entries scaled by 2^-30..2^30 per row and
 * column (badly scaled). Now and then one entry is NaN or infinite.
 *
 * Notation: theta = max(rank_tol * the largest row norm, floor), the
 * spanner's stopping threshold; u = 2^-53; sigma_i(X) the singular values
 * of the rows, computed here by one-sided Jacobi in long double (not
 * LAPACK); kappa = sigma_1(B) / sigma_k(B) for the chosen basis B.
 *
 * Oracles, each independent of the code under test:
 *   - a non-finite entry: rejected with a message; else success with
 *     0 <= k <= min(d, n, m) distinct row numbers in [0, n), certified
 *     by the checker exactly when k > 0;
 *   - rank: when k < d the greedy stopped because every residual was at
 *     most theta, so sigma_{k+1}(X) <= sqrt(n) theta, and every chosen row
 *     had a residual above theta, so by the bound for QR with pivoting
 *     (sigma_k >= r_kk sqrt(3) / sqrt(4^k + 6k - 1) >= r_kk / 2^k) sigma_k(X) >=
 *     theta / 2^k; both up to the rounding of the greedy in double,
 *     8 n m (u (the largest row norm) + 2^-1074) (the second term for
 *     rows of subnormal entries, whose rounding is absolute). So k lies between the numerical ranks
 *     at thresholds sqrt(n) theta and theta / 2^k: where the singular
 *     values have a gap (exactly rank-deficient rows), k equals the
 *     numerical rank. When k = d the same lower bound holds;
 *   - coefficients: every row's least-squares coefficients in the basis,
 *     recomputed in long double (modified Gram-Schmidt, twice), lie in
 *     [-2 - tol, 2 + tol] with tol = LLR_SPANNER_TOL plus the
 *     least-squares perturbation bound of the library's double
 *     computation, 16 m k u (kappa |a| + kappa^2 |r| / sigma_1(B)) (r the
 *     row's residual); the basis rows' own coefficients are the unit
 *     vectors; when k < d every row's distance to span(B) is at most
 *     (theta + rounding) 2^swaps: after the greedy every row
 *     is within theta of span(B), and an exchange of b_j for x_i (|a_ij|
 *     the largest coefficient) moves b_j by at most D / |a_ij| off the new
 *     span, so no row's distance D more than doubles;
 *   - the box checker agrees with a long-double evaluation of its
 *     contract on the honest coefficients, and rejects them after one is
 *     moved just beyond 2 + tol, replaced by NaN or by an infinity;
 *   - the residual checker, on the honest coefficients and on the basis
 *     with one row dropped (that row's own least-squares coefficients in
 *     the others), returns the largest |B^T a - x| within the rounding
 *     bound gamma_{k+1} (sum |B^T| |a| + |x|) + (k + 1) 2^-1074 (the
 *     last term for products that underflow) of the long-double value;
 *     the dropped row's residual is at least its distance to the other
 *     rows' span divided by sqrt(m) (that distance is >= sigma_k(B) > 0),
 *     so a dropped basis row is reported, never hidden; a NaN in a
 *     coefficient makes the residual NaN;
 *   - LLR_SPANNER_CORRUPT_FOR_TEST (k > 0) makes llr_spanner fail with
 *     "spanner certificate rejected".
 * Every failed check calls abort(). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/certificate.h"
#include "fuzz_input.h"
#include "learn/spanner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK FZ_CHECK

#define NMAX 40
#define MMAX 8
#define U 0x1p-53

typedef long double ld;

/* Singular values (descending) of the p x q row-major matrix M (q <= MMAX)
 * by one-sided Jacobi on its columns, in long double. sv receives q
 * values. */
static void jacobi_sv(const double *M, int p, int q, ld *sv)
{
    static ld W[NMAX * MMAX];
    for (int i = 0; i < p * q; i++)
        W[i] = M[i];
    for (int sweep = 0; sweep < 60; sweep++) {
        int rotated = 0;
        for (int a = 0; a < q; a++)
            for (int b = a + 1; b < q; b++) {
                ld al = 0, be = 0, ga = 0;
                for (int i = 0; i < p; i++) {
                    al += W[i * q + a] * W[i * q + a];
                    be += W[i * q + b] * W[i * q + b];
                    ga += W[i * q + a] * W[i * q + b];
                }
                if (ga == 0 || fabsl(ga) <= LDBL_EPSILON * sqrtl(al * be))
                    continue;
                rotated = 1;
                ld zeta = (be - al) / (2 * ga);
                ld t = (zeta >= 0 ? 1 : -1) /
                       (fabsl(zeta) + sqrtl(1 + zeta * zeta));
                ld c = 1 / sqrtl(1 + t * t), s = c * t;
                for (int i = 0; i < p; i++) {
                    ld x = W[i * q + a], y = W[i * q + b];
                    W[i * q + a] = c * x - s * y;
                    W[i * q + b] = s * x + c * y;
                }
            }
        if (!rotated)
            break;
    }
    for (int j = 0; j < q; j++) {
        ld s = 0;
        for (int i = 0; i < p; i++)
            s += W[i * q + j] * W[i * q + j];
        sv[j] = sqrtl(s);
    }
    for (int i = 0; i < q; i++) /* sort descending */
        for (int j = i + 1; j < q; j++)
            if (sv[j] > sv[i]) {
                ld t = sv[i];
                sv[i] = sv[j];
                sv[j] = t;
            }
}

/* Number of singular values above thr. */
static int rank_at(const ld *sv, int q, ld thr)
{
    int r = 0;
    for (int i = 0; i < q; i++)
        r += sv[i] > thr;
    return r;
}

/* Orthonormal basis Q (k x m) and upper-triangular R (k x k) of the rows
 * b_0..b_{k-1} (b_j = X[idx[j]]), by modified Gram-Schmidt applied twice,
 * in long double. Returns 0, or -1 when a row is numerically zero. */
static int mgs(const double *X, int m, const int *idx, int k, ld *Q, ld *R)
{
    memset(R, 0, sizeof(ld) * (size_t)k * k);
    for (int j = 0; j < k; j++) {
        ld *q = Q + (size_t)j * m;
        for (int c = 0; c < m; c++)
            q[c] = X[(size_t)idx[j] * m + c];
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < j; i++) {
                ld p = 0;
                for (int c = 0; c < m; c++)
                    p += Q[(size_t)i * m + c] * q[c];
                R[i * k + j] += p;
                for (int c = 0; c < m; c++)
                    q[c] -= p * Q[(size_t)i * m + c];
            }
        ld nr = 0;
        for (int c = 0; c < m; c++)
            nr += q[c] * q[c];
        nr = sqrtl(nr);
        if (!(nr > 0))
            return -1;
        R[j * k + j] = nr;
        for (int c = 0; c < m; c++)
            q[c] /= nr;
    }
    return 0;
}

/* Least-squares coefficients a (k) of x in the rows of Q R, and the
 * residual's 2-norm. */
static ld solve_ls(const ld *Q, const ld *R, int m, int k, const double *x,
                   ld *a)
{
    ld y[MMAX], r[MMAX];
    for (int c = 0; c < m; c++)
        r[c] = x[c];
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < k; i++) {
            ld p = 0;
            for (int c = 0; c < m; c++)
                p += Q[(size_t)i * m + c] * r[c];
            y[i] = (pass ? y[i] : 0) + p;
            for (int c = 0; c < m; c++)
                r[c] -= p * Q[(size_t)i * m + c];
        }
    for (int i = k - 1; i >= 0; i--) {
        ld s = y[i];
        for (int j = i + 1; j < k; j++)
            s -= R[i * k + j] * a[j];
        a[i] = s / R[i * k + i];
    }
    ld nr = 0;
    for (int c = 0; c < m; c++)
        nr += r[c] * r[c];
    return sqrtl(nr);
}

/* The contract of llr_cert_box, evaluated here. */
static int box_contract(const double *x, int n, double bound, double tol)
{
    double lim = bound + tol;
    for (int i = 0; i < n; i++)
        if (!((ld)x[i] <= lim && (ld)x[i] >= -(ld)lim))
            return 0;
    return 1;
}

/* llr_cert_residual on (A = the basis rows transposed, a, x) against the
 * long-double value, within gamma_{k+1} (sum |A||a| + |x|) + (k + 1)
 * 2^-1074 per row.
 * Returns the checker's value. */
static double residual_checked(const double *X, int m, const int *idx, int k,
                               const double *a, const double *x, ld *allow)
{
    double A[MMAX * MMAX] = {0};
    for (int c = 0; c < m; c++)
        for (int j = 0; j < k; j++)
            A[c * k + j] = X[(size_t)idx[j] * m + c];
    double got = llr_cert_residual(A, a, x, m, k);
    ld want = 0, slack = 0;
    int nan = 0;
    for (int c = 0; c < m; c++) {
        ld s = -(ld)x[c], mag = fabsl((ld)x[c]);
        for (int j = 0; j < k; j++) {
            s += (ld)A[c * k + j] * a[j];
            mag += fabsl((ld)A[c * k + j] * a[j]);
        }
        if (s != s || mag != mag)
            nan = 1;
        want = fmaxl(want, fabsl(s));
        slack = fmaxl(slack, mag);
    }
    if (nan) {
        CHECK(isnan(got));
        return got;
    }
    /* Each product may also underflow, by up to 2^-1075 absolute (the
     * standard model with gradual underflow; sums of subnormals are
     * exact): (k + 1) 2^-1074 covers them. */
    ld gamma = (k + 1) * U / (1 - (k + 1) * U);
    ld lim = gamma * slack + (k + 1) * 0x1p-1074L;
    if (allow)
        *allow = lim;
    CHECK(!isnan(got) && fabsl((ld)got - want) <= lim);
    return got;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in;
    fz_init(&in, data, size);
    int n = (int)fz_int(&in, 1, NMAX), m = (int)fz_int(&in, 1, MMAX);
    int d = (int)fz_int(&in, 1, MMAX);
    static const double tols[4] = {1e-9, 1e-6, 1e-12, 1e-9};
    int ts = (int)fz_int(&in, 0, 3);
    double rank_tol = tols[ts];
    /* The learner's floor is 2 (xi + q) sqrt(m): 0 for an exact oracle. */
    double floor = ts == 3 ? fz_range(&in, 0, 1e-3) : 0;
    int mode = (int)fz_int(&in, 0, 3);
    static double X[NMAX * MMAX];
    if (mode == 0) {
        for (int i = 0; i < n * m; i++)
            X[i] = fz_double_in(&in, 1.0, 0);
    } else {
        int r = (int)fz_int(&in, 0, m);
        double G[MMAX * MMAX];
        for (int i = 0; i < r * m; i++)
            G[i] = fz_double_in(&in, 1.0, 0);
        for (int i = 0; i < n; i++) {
            double *x = X + (size_t)i * m;
            if (mode == 2 && i > 0 && fz_bool(&in)) {
                int j = (int)fz_int(&in, 0, i - 1);
                double f = fz_double_in(&in, 4.0, 0);
                for (int c = 0; c < m; c++)
                    x[c] = f * X[(size_t)j * m + c];
                continue;
            }
            for (int c = 0; c < m; c++)
                x[c] = 0;
            for (int l = 0; l < r; l++) {
                double a = fz_double_in(&in, 3.0, 0);
                for (int c = 0; c < m; c++)
                    x[c] += a * G[l * m + c];
            }
        }
        if (mode == 3) {
            for (int i = 0; i < n; i++) {
                double f = ldexp(1.0, (int)fz_int(&in, -30, 30));
                for (int c = 0; c < m; c++)
                    X[(size_t)i * m + c] *= f;
            }
            for (int c = 0; c < m; c++) {
                double f = ldexp(1.0, (int)fz_int(&in, -30, 30));
                for (int i = 0; i < n; i++)
                    X[(size_t)i * m + c] *= f;
            }
        }
    }
    int bad = 0;
    if (fz_int(&in, 0, 15) == 0) {
        static const double nf[3] = {NAN, INFINITY, -INFINITY};
        X[fz_int(&in, 0, n * m - 1)] = nf[fz_int(&in, 0, 2)];
        bad = 1;
    }

    int idx[MMAX];
    llr_spanner_result r;
    llr_error e;
    e.msg[0] = 0;
    llr_spanner_opts so = {d, 2.0, rank_tol, floor, 0, NULL};
    int rc = llr_spanner(X, n, m, &so, idx, &r, &e);
    if (bad) {
        CHECK(rc != 0 && strstr(e.msg, "not finite") != NULL);
        return 0;
    }
    if (rc != 0)
        fprintf(stderr, "spanner failed: %s\n", e.msg);
    CHECK(rc == 0);
    int k = r.k;
    CHECK(k >= 0 && k <= d && k <= n && k <= m);
    CHECK(r.certified == (k > 0));
    for (int j = 0; j < k; j++) {
        CHECK(idx[j] >= 0 && idx[j] < n);
        for (int l = 0; l < j; l++)
            CHECK(idx[l] != idx[j]);
    }

    /* Rank. */
    ld big = 0;
    for (int i = 0; i < n; i++) {
        ld s = 0;
        for (int c = 0; c < m; c++)
            s += (ld)X[i * m + c] * X[i * m + c];
        big = fmaxl(big, sqrtl(s));
    }
    ld theta = fmaxl((ld)rank_tol * big, floor);
    ld round = 8.0L * n * m * (U * big + 0x1p-1074L);
    ld sv[MMAX];
    jacobi_sv(X, n, m, sv);
    if (k < d)
        CHECK(rank_at(sv, m, sqrtl(n) * theta + round) <= k);
    if (k > 0)
        CHECK(rank_at(sv, m, ldexpl(theta, -k) - round) >= k);
    if (k == 0) {
        CHECK(r.swaps == 0);
        return 0;
    }

    /* Coefficients, recomputed. */
    ld Q[MMAX * MMAX], R[MMAX * MMAX], svb[MMAX];
    double Bk[MMAX * MMAX];
    for (int j = 0; j < k; j++)
        memcpy(Bk + j * m, X + (size_t)idx[j] * m, (size_t)m * sizeof *Bk);
    jacobi_sv(Bk, k, m, svb);
    CHECK(svb[k - 1] > 0);
    ld kappa = svb[0] / svb[k - 1];
    CHECK(mgs(X, m, idx, k, Q, R) == 0);
    static double C[NMAX * MMAX];
    ld span_tol = ldexpl(theta + round, r.swaps);
    ld worst = 0;
    for (int i = 0; i < n; i++) {
        ld a[MMAX];
        ld res = solve_ls(Q, R, m, k, X + (size_t)i * m, a);
        ld na = 0;
        for (int j = 0; j < k; j++)
            na += a[j] * a[j];
        ld tol = LLR_SPANNER_TOL +
                 16.0L * m * k * U *
                     (kappa * sqrtl(na) + kappa * kappa * res / svb[0]);
        for (int j = 0; j < k; j++) {
            CHECK(fabsl(a[j]) <= 2 + tol);
            C[i * k + j] = (double)a[j];
            worst = fmaxl(worst, fabsl(a[j]));
        }
        if (k < d)
            CHECK(res <= span_tol);
    }
    for (int j = 0; j < k; j++) /* a basis row is itself */
        for (int l = 0; l < k; l++)
            CHECK(fabsl((ld)C[idx[j] * k + l] - (l == j)) <=
                  1e-9L + 16.0L * m * k * U * kappa);

    /* The box checker: agrees with its contract on honest coefficients,
     * rejects corrupted ones. */
    int honest = llr_cert_box(C, n * k, 2.0, LLR_SPANNER_TOL);
    CHECK(honest == box_contract(C, n * k, 2.0, LLR_SPANNER_TOL));
    if (worst <= 2)
        CHECK(honest == 1);
    int at = (int)fz_int(&in, 0, n * k - 1);
    double keep = C[at], lim = 2.0 + LLR_SPANNER_TOL;
    static const double sign[2] = {1, -1};
    C[at] = sign[fz_bool(&in)] * nextafter(lim, INFINITY);
    CHECK(llr_cert_box(C, n * k, 2.0, LLR_SPANNER_TOL) == 0);
    C[at] = sign[fz_bool(&in)] * (lim + fz_range(&in, 0, 1e3));
    if (fabs(C[at]) > lim)
        CHECK(llr_cert_box(C, n * k, 2.0, LLR_SPANNER_TOL) == 0);
    C[at] = NAN;
    CHECK(llr_cert_box(C, n * k, 2.0, LLR_SPANNER_TOL) == 0);
    C[at] = -INFINITY;
    CHECK(llr_cert_box(C, n * k, 2.0, LLR_SPANNER_TOL) == 0);
    C[at] = keep;

    /* The residual checker on honest coefficients of a few rows. */
    for (int t = 0; t < 3; t++) {
        int i = (int)fz_int(&in, 0, n - 1);
        residual_checked(X, m, idx, k, C + (size_t)i * k, X + (size_t)i * m,
                         NULL);
    }
    /* Drop basis row j: its coefficients in the other rows. */
    if (k >= 2) {
        int j = (int)fz_int(&in, 0, k - 1), rest[MMAX], kr = 0;
        for (int l = 0; l < k; l++)
            if (l != j)
                rest[kr++] = idx[l];
        ld Q2[MMAX * MMAX], R2[MMAX * MMAX], a[MMAX];
        CHECK(mgs(X, m, rest, kr, Q2, R2) == 0);
        const double *x = X + (size_t)idx[j] * m;
        ld dist = solve_ls(Q2, R2, m, kr, x, a);
        /* Distance from a row to the others' span >= sigma_k(B). */
        CHECK(dist >= svb[k - 1] * (1 - 1e-9L));
        double ad[MMAX];
        for (int l = 0; l < kr; l++)
            ad[l] = (double)a[l];
        /* Any coefficients leave a residual of 2-norm >= dist (the least
         * squares minimum), so a largest entry >= dist / sqrt(m). */
        ld allow;
        double got = residual_checked(X, m, rest, kr, ad, x, &allow);
        CHECK(got >= dist / sqrtl(m) * (1 - 1e-15L) - allow);
        ad[fz_int(&in, 0, kr - 1)] = NAN;
        CHECK(isnan(residual_checked(X, m, rest, kr, ad, x, NULL)));
    }

    /* The library's own corruption switch. */
    e.msg[0] = 0;
    so.flags = LLR_SPANNER_CORRUPT_FOR_TEST;
    CHECK(llr_spanner(X, n, m, &so, idx, &r, &e) != 0);
    CHECK(strstr(e.msg, "spanner certificate rejected") != NULL);
    return 0;
}
