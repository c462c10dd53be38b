#include "learn/spanner.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/certificate.h"


static double dot(const double *a, const double *b, int m)
{
    double s = 0;
    for (int i = 0; i < m; i++)
        s += a[i] * b[i];
    return s;
}

/* The 2-norm of a[0..m-1], scaled by the largest |a_i| so that rows of
 * tiny (or huge) entries do not underflow (overflow) when squared: with
 * sqrt(dot(a, a)) a row of entries 1e-170 had norm 0 and was taken for a
 * zero row. */
static double norm2(const double *a, int m)
{
    double big = 0, s = 0;
    for (int i = 0; i < m; i++)
        big = fmax(big, fabs(a[i]));
    if (big == 0 || !isfinite(big))
        return big;
    for (int i = 0; i < m; i++) {
        double v = a[i] / big;
        s += v * v;
    }
    return big * sqrt(s);
}

/* Greedy pivoted Gram-Schmidt: the initial independent rows. */
static int initial_basis(const double *X, int n, int m, int d,
                         double rank_tol, double floor, int *idx,
                         llr_error *e)
{
    double *R = malloc((size_t)n * m * sizeof *R);
    double *q = malloc((size_t)m * sizeof *q);
    if (!R || !q) {
        free(R), free(q);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    memcpy(R, X, (size_t)n * m * sizeof *R);
    double big = 0;
    for (int i = 0; i < n; i++)
        big = fmax(big, norm2(X + (size_t)i * m, m));
    int k = 0;
    /* At most m rows of length m are independent; beyond that the
     * residuals are rounding noise (and coefficients() needs k <= m). */
    while (k < d && k < m) {
        int best = -1;
        double bn = 0;
        for (int i = 0; i < n; i++) {
            double nr = norm2(R + (size_t)i * m, m);
            if (nr > bn) {
                bn = nr;
                best = i;
            }
        }
        if (best < 0 || bn <= fmax(rank_tol * big, floor))
            break;
        idx[k++] = best;
        for (int j = 0; j < m; j++)
            q[j] = R[(size_t)best * m + j] / bn;
        for (int i = 0; i < n; i++) {
            double *ri = R + (size_t)i * m, p = dot(ri, q, m);
            for (int j = 0; j < m; j++)
                ri[j] -= p * q[j];
        }
    }
    free(R), free(q);
    return k;
}

/* Coefficients C (n x k) of every row in the basis rows idx, by least
 * squares; svd != 0 uses dgelsd, else dgels. */
static int coefficients(const double *X, int n, int m, const int *idx, int k,
                        int svd, double *C, llr_error *e)
{
    double *A = malloc((size_t)m * k * sizeof *A);   /* B^T, m x k */
    double *Bm = malloc((size_t)m * n * sizeof *Bm); /* X^T, m x n */
    double *sv = malloc((size_t)k * sizeof *sv);
    if (!A || !Bm || !sv) {
        free(A), free(Bm), free(sv);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    for (int r = 0; r < m; r++) {
        for (int j = 0; j < k; j++)
            A[(size_t)r * k + j] = X[(size_t)idx[j] * m + r];
        for (int i = 0; i < n; i++)
            Bm[(size_t)r * n + i] = X[(size_t)i * m + r];
    }
    lapack_int info, rank;
    if (svd)
        info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, m, k, n, A, k, Bm, n, sv, -1.0,
                              &rank);
    else
        info = LAPACKE_dgels(LAPACK_ROW_MAJOR, 'N', m, k, n, A, k, Bm, n);
    if (info != 0) {
        free(A), free(Bm), free(sv);
        return llr_fail(e, LLR_ESOLVER,
                        "LAPACKE_%s failed (info %d) on the spanner basis",
                        svd ? "dgelsd" : "dgels", (int)info);
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < k; j++)
            C[(size_t)i * k + j] = Bm[(size_t)j * n + i];
    free(A), free(Bm), free(sv);
    return 0;
}

static int spanner_rows(const double *X, int n, int m, int d, double box,
                        double rank_tol, double floor, int flags, int *idx,
                        llr_spanner_result *r, llr_trace *tr, llr_error *e);

int llr_spanner(const double *X, int n, int m, const llr_spanner_opts *o,
                int *idx, llr_spanner_result *r, llr_error *e)
{
    int d = o->d, flags = o->flags;
    double box = o->box, rank_tol = o->rank_tol, floor = o->floor;
    llr_trace *tr = o->trace;
    memset(r, 0, sizeof *r);
    if (n < 1 || m < 1 || d < 1)
        return llr_fail(e, LLR_EINPUT,
                        "spanner of %d rows of length %d at rank %d", n, m,
                        d);
    double big = 0;
    for (size_t i = 0; i < (size_t)n * m; i++) {
        if (!isfinite(X[i]))
            return llr_fail(e, LLR_EINPUT,
                            "spanner: a row entry is not finite");
        big = fmax(big, fabs(X[i]));
    }
    /* Rows of tiny (or huge) entries are scaled by a power of 2, which
     * changes no coefficient (and is exact but for entries below 2^-1022
     * times the largest, far under any rank tolerance): in the subnormal
     * range the
     * Gram-Schmidt residuals are rounding noise (rows of entries 2^-1074,
     * all equal, gave a second "independent" row and a singular basis for
     * dgels). Ordinary rows are not touched. */
    if (big > 0 && (big < 0x1p-500 || big > 0x1p500)) {
        int ex = ilogb(big);
        double *S = malloc((size_t)n * m * sizeof *S);
        if (!S)
            return llr_fail(e, LLR_ENOMEM, "out of memory");
        for (size_t i = 0; i < (size_t)n * m; i++)
            S[i] = ldexp(X[i], -ex);
        int rc = spanner_rows(S, n, m, d, box, rank_tol, ldexp(floor, -ex),
                              flags, idx, r, tr, e);
        free(S);
        return rc;
    }
    return spanner_rows(X, n, m, d, box, rank_tol, floor, flags, idx, r, tr,
                        e);
}

static int spanner_rows(const double *X, int n, int m, int d, double box,
                        double rank_tol, double floor, int flags, int *idx,
                        llr_spanner_result *r, llr_trace *tr, llr_error *e)
{
    int k = initial_basis(X, n, m, d, rank_tol, floor, idx, e);
    if (k < 0)
        return -1;
    r->k = k;
    if (tr) {
        llr_trace_begin(tr, "spanner_initial");
        llr_trace_int(tr, "rows", n);
        llr_trace_int(tr, "columns", m);
        llr_trace_ints(tr, "basis", idx, (size_t)k);
        llr_trace_end(tr);
    }
    if (k == 0)
        return 0; /* every row is zero: the empty basis spans them */
    double *C = malloc((size_t)n * k * sizeof *C);
    if (!C)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    int cap = 64 * d + 64;
    for (;;) {
        if (coefficients(X, n, m, idx, k, 0, C, e)) {
            free(C);
            return -1;
        }
        size_t at = 0;
        double worst = 0;
        for (size_t i = 0; i < (size_t)n * k; i++)
            if (fabs(C[i]) > worst) {
                worst = fabs(C[i]);
                at = i;
            }
        if (worst <= box)
            break;
        if (r->swaps >= cap) {
            free(C);
            return llr_fail(e, LLR_ESOLVER,
                            "spanner: basis exchange did not settle after "
                               "%d swaps", cap);
        }
        if (tr) {
            llr_trace_begin(tr, "spanner_swap");
            llr_trace_int(tr, "swap", r->swaps + 1);
            llr_trace_int(tr, "row", (long long)(at / k));
            llr_trace_int(tr, "position", (long long)(at % k));
            llr_trace_int(tr, "replaced", idx[at % k]);
            llr_trace_real(tr, "coef", C[at]);
            llr_trace_end(tr);
        }
        idx[at % k] = (int)(at / k);
        r->swaps++;
    }
    /* Certify with an independent recomputation. */
    int rc = coefficients(X, n, m, idx, k, 1, C, e);
    if (rc == 0 && (flags & LLR_SPANNER_CORRUPT_FOR_TEST))
        C[0] = box * 1.5;
    if (rc == 0 && !llr_cert_box(C, n * k, box, LLR_SPANNER_TOL))
        rc = llr_fail(e, LLR_ECERT,
                      "spanner certificate rejected: a recomputed "
                         "coefficient lies outside [-%g, %g]", box, box);
    if (rc == 0) {
        r->certified = 1;
        for (int i = 0; i < n * k; i++)
            r->max_coef = fmax(r->max_coef, fabs(C[i]));
        for (int i = 0; i < n; i++) {
            const double *x = X + (size_t)i * m;
            double res = 0, nx = sqrt(dot(x, x, m));
            for (int c = 0; c < m; c++) {
                double v = x[c];
                for (int j = 0; j < k; j++)
                    v -= C[(size_t)i * k + j] * X[(size_t)idx[j] * m + c];
                res += v * v;
            }
            if (nx > 0)
                r->max_resid = fmax(r->max_resid, sqrt(res) / nx);
        }
    }
    free(C);
    return rc;
}
