/* linalg_fuzzer.c - libFuzzer target for the checked LAPACK wrappers of
 * src/kernels/linalg.c: llr_svd (dgesdd, falling back to dgesvd, or dgesvd forced
 * by LLR_SVD_FORCE_GESVD) and llr_singular_values.
 *
 * Input (fuzz/fuzz_input.h): m, n in [1, 12]; a kind: dense entries in
 * [-1, 1]; a product X Y with X m x r, Y r x n, r in [0, min(m, n)]
 * (rank <= r up to the product's rounding); dense with some rows zeroed;
 * or entries fz_double_in(1) with specials (NaN, +-inf, +-DBL_MAX,
 * subnormals, -0). One time in four the matrix is then scaled by 2^k,
 * k in [-1074, 1023] (huge and tiny scales, overflow to inf and underflow
 * to 0 included). Then whether to ask for vectors and the flags of each
 * call.
 *
 * Notation: F = ||A||_F (long double), u = 2^-53, gamma_n = n u/(1 - n u),
 * eta = 2^-1074, k = min(m, n), delta = gamma_{4mn}. LAPACK documents the
 * SVD's backward error as p(m, n) eps ||A|| with p a "modestly growing
 * function" it does not give; this target takes p = 4mn (Higham's
 * gamma~_{mn} for Householder reduction, Thm 19.4, with the constant 4 for
 * the two-sided reduction and the bidiagonal SVD): the computed s and V^T
 * are, within delta, the exact SVD of some A + E with ||E||_F <= delta F.
 * The oracles (long double arithmetic, whose own rounding, about 2^-63 F^2
 * per entry, is added explicitly):
 *   - a matrix with a NaN or an infinity is refused with a message, by
 *     both functions (src/kernels/linalg.c used to return NaN singular values with
 *     success for an infinity: the regression tests in tests/test_linalg.c);
 *   - a finite matrix is refused only when its largest singular value may
 *     exceed DBL_MAX (F >= DBL_MAX (1 - delta)), with a message; otherwise
 *     s is finite, non-negative and sorted descending, s_0 <= (1 + delta) F
 *     + eta, and |sum s_i^2 - F^2| <= 3 delta F^2 + 2 k eta s_0 (Frobenius
 *     norm of A + E);
 *   - with vectors: |(V^T V)_ij - [i = j]| <= 3 delta (rows of V^T
 *     orthonormal); W = A V (U S, up to E), |(W^T W)_ij - s_i^2 [i = j]| <=
 *     5 delta F^2 + 2 eta s_0 (so U = W S^-1 has orthonormal columns where
 *     s_i is not tiny); the residual ||A - W V^T||_F <= 4 delta F (A lies in
 *     the span of V's columns: A = U S V^T up to delta);
 *   - llr_singular_values (dgesdd on the transpose, or dgesvd) agrees with
 *     llr_svd: |s'_i - s_i| <= 2 delta F + 2 eta (Weyl: each is within
 *     delta F + eta of the exact values);
 *   - for X Y of rank r, exactly scaled: s_i <= gamma_r || |X| |Y| ||_F
 *     scale + delta F + eta for i >= r (the product's rounding is a
 *     perturbation of that size).
 * Least squares, llr_lstsq (dgelsd) on the same matrix with nrhs in [1, 3]
 * right-hand sides (entries in [-1, 1], specials with the fourth kind) and
 * rcond one of -1, 1e-10, 0.5, 0: a NaN or an infinity in a or b is an
 * error with a message; otherwise the rank is in [0, k], x is finite and
 * each column satisfies the normal equations up to backward error and
 * truncation, ||A^T (b_j - A x_j)|| <= rho F ||b_j|| + 3 delta' F (||B||_F +
 * F ||x_j||) (dgelsd's backward error is normwise in all of B, not per
 * column: the fuzzer showed a tiny column beside O(1) ones solved to 0),
 * rho = rcond in (0, 1), else 2^-52 (dgelsd zeroes singular values
 * <= rho s_0, whose components of b make A^T r at most rho s_0 ||b||),
 * delta' = gamma_{4m(n+nrhs)}; an error only when the solution may overflow
 * (||B||_F (1 + delta') / (rho s_0 - delta' F) >= DBL_MAX (1 - delta'), with
 * s_0 >= F / sqrt(k) and rho at its smallest, 2^-53). Underflow: x is
 * taken to be exact only up to DBL_MIN per component (adding
 * F^2 sqrt(n) DBL_MIN to the bound): with entries near DBL_MAX the true
 * solution is subnormal, and dgelsd, scaling A down and x back, returns 0
 * for it (found by this target; regression_lstsq_underflow).
 * Failure to converge: dgesdd's info > 0 sends llr_svd to dgesvd (forced
 * here by the flag bit, so that path runs on every input kind); a failure
 * there is an error with a message, which the oracles above accept only as
 * stated.
 * Every failed check calls abort(). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_bounds.h"
#include "fuzz_input.h"
#include "kernels/linalg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK FZ_CHECK

#define NMAX 12
#define LDU 0x1p-63L /* long double's unit roundoff */

/* llr_lstsq on (a, b): the oracles of the header. */
static void check_lstsq(const double *a, int m, int n, const double *b,
                        int nrhs, double rcond, long double F, int finite)
{
    int k = m < n ? m : n, rank = -1;
    double x[NMAX * 3];
    llr_error e;
    e.msg[0] = 0;
    int rc = llr_lstsq(a, m, n, b, nrhs, rcond, x, &rank, &e);
    CHECK(rc == 0 || (rc == -1 && e.msg[0] != 0));
    for (int i = 0; i < m * nrhs; i++)
        finite &= isfinite(b[i]) != 0;
    if (!finite) {
        CHECK(rc == -1);
        return;
    }
    long double delta = gam(4.0L * m * (n + nrhs));
    /* dgelsd's threshold: rcond in (0, 1), else eps (2^-53 in LAPACK's
     * dlamch; the bound below uses 2^-52 to be safe). */
    long double rho = rcond > 0 && rcond < 1 ? rcond : 0x1p-52L;
    long double rho_lo = rcond > 0 && rcond < 1 ? rcond : 0x1p-53L;
    long double Fb = 0;
    for (int i = 0; i < m * nrhs; i++)
        Fb += (long double)b[i] * b[i];
    Fb = sqrtl(Fb);
    if (rc != 0) {
        /* Only a solution that may overflow: ||x|| <= ||b|| (1 + delta) /
         * (rho s_0 - delta F), s_0 >= F / sqrt(k). */
        long double den = rho_lo * F / sqrtl(k) - delta * F;
        CHECK(den <= 0 || Fb * (1 + delta) / den >= DBL_MAX * (1 - delta) ||
              F >= DBL_MAX * (1 - delta) || Fb >= DBL_MAX * (1 - delta));
        return;
    }
    CHECK(rank >= 0 && rank <= k);
    for (int j = 0; j < nrhs; j++) {
        long double xn = 0, bn = 0, res[NMAX];
        for (int q = 0; q < n; q++) {
            CHECK(isfinite(x[q * nrhs + j]));
            xn += (long double)x[q * nrhs + j] * x[q * nrhs + j];
        }
        for (int i = 0; i < m; i++) {
            long double d = b[i * nrhs + j];
            bn += d * d;
            for (int q = 0; q < n; q++)
                d -= (long double)a[i * n + q] * x[q * nrhs + j];
            res[i] = d;
        }
        xn = sqrtl(xn), bn = sqrtl(bn);
        long double ne = 0;
        for (int q = 0; q < n; q++) {
            long double d = 0;
            for (int i = 0; i < m; i++)
                d += (long double)a[i * n + q] * res[i];
            ne += d * d;
        }
        /* ||A^T r_j|| <= rho F ||b_j|| + 3 delta F (||B||_F + F ||x_j||):
         * the truncation acts column by column, but dgelsd's backward error
         * is normwise in the whole B (it scales B as one matrix: a column
         * far smaller than the others is solved only to delta ||B||,
         * seed regression_lstsq_small_column); plus the long double
         * rounding of r and A^T r, plus underflow: x may be off by DBL_MIN
         * per component (dgelsd's scalings flush subnormal solutions to 0,
         * seed regression_lstsq_underflow). */
        long double lr = 2 * (m + n) * LDU;
        CHECK(sqrtl(ne) <= (rho + lr) * F * bn +
                               (3 * delta + lr) * F * (Fb + F * xn) +
                               F * F * sqrtl(n) * DBL_MIN + ETA * F);
    }
}

/* Sorted descending, non-negative, finite. */
static void check_values(const double *s, int k)
{
    for (int i = 0; i < k; i++) {
        CHECK(isfinite(s[i]) && s[i] >= 0);
        if (i > 0)
            CHECK(s[i - 1] >= s[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in;
    fz_init(&in, data, size);
    int m = (int)fz_int(&in, 1, NMAX), n = (int)fz_int(&in, 1, NMAX);
    int k = m < n ? m : n;
    int kind = (int)fz_int(&in, 0, 3);
    double a[NMAX * NMAX];
    int r = -1; /* rank bound of a product */
    long double prodabs = 0; /* || |X| |Y| ||_F */
    if (kind == 1) {
        r = (int)fz_int(&in, 0, k);
        double X[NMAX * NMAX], Y[NMAX * NMAX];
        for (int i = 0; i < m * r; i++)
            X[i] = fz_range(&in, -1, 1);
        for (int i = 0; i < r * n; i++)
            Y[i] = fz_range(&in, -1, 1);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double acc = 0;
                long double ab = 0;
                for (int q = 0; q < r; q++) {
                    acc += X[i * r + q] * Y[q * n + j];
                    ab += fabsl((long double)X[i * r + q] * Y[q * n + j]);
                }
                a[i * n + j] = acc;
                prodabs += ab * ab;
            }
        prodabs = sqrtl(prodabs);
    } else {
        for (int i = 0; i < m * n; i++)
            a[i] = kind == 3 ? fz_double_in(&in, 1.0, 1)
                             : fz_range(&in, -1, 1);
        if (kind == 2) {
            uint64_t zero = fz_bits(&in, 2);
            for (int i = 0; i < m; i++)
                if (zero >> i & 1)
                    for (int j = 0; j < n; j++)
                        a[i * n + j] = 0;
        }
    }
    int exact_scale = 1;
    long double scale = 1;
    if (fz_int(&in, 0, 3) == 0) {
        int p = (int)fz_int(&in, -1074, 1023);
        scale = ldexpl(1.0L, p);
        for (int i = 0; i < m * n; i++) {
            double b = ldexp(a[i], p);
            exact_scale &= (long double)b == (long double)a[i] * scale;
            a[i] = b;
        }
    }
    int nrhs = (int)fz_int(&in, 1, 3);
    double b[NMAX * 3];
    for (int i = 0; i < m * nrhs; i++)
        b[i] = fz_double_in(&in, 1.0, kind == 3);
    static const double rconds[4] = {-1, 1e-10, 0.5, 0};
    double rcond = rconds[fz_int(&in, 0, 3)];
    int vec = fz_bool(&in);
    int flags1 = fz_bool(&in) ? LLR_SVD_FORCE_GESVD : 0;
    int flags2 = fz_bool(&in) ? LLR_SVD_FORCE_GESVD : 0;

    int finite = 1;
    long double F = 0;
    for (int i = 0; i < m * n; i++) {
        finite &= isfinite(a[i]) != 0;
        F += (long double)a[i] * a[i];
    }
    F = sqrtl(F);
    check_lstsq(a, m, n, b, nrhs, rcond, F, finite);

    double a1[NMAX * NMAX], a2[NMAX * NMAX], s[NMAX], s2[NMAX],
        vt[NMAX * NMAX];
    memcpy(a1, a, sizeof a1);
    memcpy(a2, a, sizeof a2);
    int fb1, fb2;
    llr_error e1, e2;
    e1.msg[0] = e2.msg[0] = 0;
    int rc1 = llr_svd(a1, m, n, s, vec ? vt : NULL, flags1, &fb1, &e1);
    int rc2 = llr_singular_values(a2, m, n, s2, flags2, &fb2, &e2);
    CHECK(rc1 == 0 || rc1 == -1);
    CHECK(rc2 == 0 || rc2 == -1);
    CHECK(rc1 == 0 || e1.msg[0] != 0);
    CHECK(rc2 == 0 || e2.msg[0] != 0);
    CHECK(fb1 == 0 || fb1 == 1);
    CHECK(!(flags1 && rc1 == 0) || fb1 == 1);
    if (!finite) {
        CHECK(rc1 == -1 && rc2 == -1);
        return 0;
    }
    long double delta = gam(4.0L * m * n);
    int may_overflow = F >= DBL_MAX * (1 - delta);
    CHECK(rc1 == 0 || may_overflow);
    CHECK(rc2 == 0 || may_overflow);
    if (rc1 == 0) {
        check_values(s, k);
        long double ss = 0;
        for (int i = 0; i < k; i++)
            ss += (long double)s[i] * s[i];
        CHECK(s[0] <= (1 + delta) * F + ETA);
        CHECK(fabsl(ss - F * F) <=
              3 * delta * F * F + 2 * k * ETA * s[0] + 2 * k * LDU * F * F);
        if (r >= 0 && exact_scale)
            for (int i = r; i < k; i++)
                CHECK(s[i] <= gam(r) * prodabs * scale + delta * F + ETA);
    }
    if (rc2 == 0)
        check_values(s2, k);
    if (rc1 == 0 && rc2 == 0)
        for (int i = 0; i < k; i++)
            CHECK(fabsl((long double)s2[i] - s[i]) <= 2 * delta * F + 2 * ETA);
    if (rc1 != 0 || !vec)
        return 0;
    /* Rows of V^T orthonormal. */
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) {
            long double d = 0;
            for (int q = 0; q < n; q++)
                d += (long double)vt[i * n + q] * vt[j * n + q];
            CHECK(isfinite(vt[i * n + j % n]));
            CHECK(fabsl(d - (i == j)) <= 3 * delta + n * LDU);
        }
    /* W = A V (m x k). */
    long double W[NMAX * NMAX];
    for (int i = 0; i < m; i++)
        for (int j = 0; j < k; j++) {
            long double d = 0;
            for (int q = 0; q < n; q++)
                d += (long double)a[i * n + q] * vt[j * n + q];
            W[i * k + j] = d;
        }
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) {
            long double d = 0;
            for (int q = 0; q < m; q++)
                d += W[q * k + i] * W[q * k + j];
            long double want = i == j ? (long double)s[i] * s[i] : 0;
            CHECK(fabsl(d - want) <= 5 * delta * F * F + 2 * ETA * s[0] +
                                         4 * (m + n) * LDU * F * F);
        }
    /* Residual A - W V^T. */
    long double res = 0;
    for (int i = 0; i < m; i++)
        for (int q = 0; q < n; q++) {
            long double d = a[i * n + q];
            for (int j = 0; j < k; j++)
                d -= W[i * k + j] * vt[j * n + q];
            res += d * d;
        }
    CHECK(sqrtl(res) <= 4 * delta * F + 4 * (m + n) * LDU * F);
    return 0;
}


