#include "checkers/lp_duality.h"

int llr_lp_within(double v, double lo, double hi, double slack)
{
    return lo - slack <= v && v <= hi + slack;
}

int llr_lp_sign_ok(double v, double lo, double hi, double slack)
{
    if (v != v)
        return 0;
    /* lo - lo is 0 for a finite lo, NaN for an infinite one. */
    if (v > slack && !(lo - lo == 0.0))
        return 0;
    if (v < -slack && !(hi - hi == 0.0))
        return 0;
    return 1;
}

double llr_lp_row_dot(const double *A, int m, int n, int i, const double *x,
                      double *abs)
{
    (void)m; /* in the contract: A holds m rows */
    double s = 0.0, a = 0.0;
    /*@ loop invariant 0 <= j <= n;
        loop assigns j, s, a;
        loop variant n - j;
    */
    for (int j = 0; j < n; j++) {
        /*@ assert index: 0 <= i * n + j < m * n <= 4611686014132420609; */
        double p = A[(long)i * n + j] * x[j];
        s += p;
        a += p < 0 ? -p : p;
    }
    *abs = a;
    return s;
}

double llr_lp_col_dot(const double *A, int m, int n, int j, const double *y,
                      double *abs)
{
    double s = 0.0, a = 0.0;
    /*@ loop invariant 0 <= i <= m;
        loop assigns i, s, a;
        loop variant m - i;
    */
    for (int i = 0; i < m; i++) {
        /*@ assert index: 0 <= i * n + j < m * n <= 4611686014132420609; */
        double p = A[(long)i * n + j] * y[i];
        s += p;
        a += p < 0 ? -p : p;
    }
    *abs = a;
    return s;
}

double llr_lp_round_err(int k, double abs)
{
    return ((double)k + 2.0) * 0x1.0p-52 * abs + 0x1.0p-1000;
}

/* The bound a multiplier v pushes against (lo when v > 0, hi when v < 0)
 * when it is finite, else the value itself (its term of the gap is then
 * 0; dual feasibility has bounded v). */
/*@ assigns \nothing; */
static double pushed(double mult, double v, double lo, double hi)
{
    double b = mult > 0 ? lo : mult < 0 ? hi : v;
    return b - b == 0.0 ? b : v;
}

/*@ assigns \nothing; */
static double mag(double v)
{
    return v < 0 ? -v : v;
}

/* Fill *out and return code (the one exit of llr_lp_duality). */
/*@ requires \valid(out);
    assigns *out;
    ensures \result == code;
    ensures out->row == row && out->col == col;
    ensures llr_same(out->gap, gap) && llr_same(out->gap_lim, lim);
*/
static int finish(llr_lp_gap *out, int code, int row, int col,
                  double primal, double gap, double lim)
{
    out->row = row, out->col = col;
    out->primal = primal;
    out->gap = gap;
    out->dual = primal - gap;
    out->gap_lim = lim;
    return code;
}

int llr_lp_duality(const double *A, const double *c, const double *rlo,
                   const double *rhi, const double *clo, const double *chi,
                   int m, int n, const double *x, const double *y,
                   double tol, llr_lp_gap *out)
{
    double gap = 0.0, lim = 0.0, err = 0.0, absg = 0.0, absp = 0.0,
           primal = 0.0;
    /*@ loop invariant 0 <= i <= m;
        loop assigns i, gap, lim, err, absg;
        loop variant m - i;
    */
    for (int i = 0; i < m; i++) {
        double abs, s = llr_lp_row_dot(A, m, n, i, x, &abs);
        double e = llr_lp_round_err(n, abs);
        if (!llr_lp_within(s, rlo[i], rhi[i], tol * (1.0 + abs) + e))
            return finish(out, LLR_LP_CERT_PRIMAL, i, -1, 0.0, 0.0, 0.0);
        if (!llr_lp_sign_ok(y[i], rlo[i], rhi[i], tol))
            return finish(out, LLR_LP_CERT_DUAL, i, -1, 0.0, 0.0, 0.0);
        double b = pushed(y[i], s, rlo[i], rhi[i]);
        double t = y[i] * (s - b);
        gap += t;
        absg += mag(t);
        err += mag(y[i]) * e;
        lim += tol * (mag(y[i]) * (1.0 + mag(b)) + mag(s - b));
    }
    /*@ loop invariant 0 <= j <= n;
        loop assigns j, gap, lim, err, absg, absp, primal;
        loop variant n - j;
    */
    for (int j = 0; j < n; j++) {
        if (!llr_lp_within(x[j], clo[j], chi[j], tol * (1.0 + mag(x[j]))))
            return finish(out, LLR_LP_CERT_PRIMAL, -1, j, 0.0, 0.0, 0.0);
        double abs, d = c[j] - llr_lp_col_dot(A, m, n, j, y, &abs);
        double scale = mag(c[j]) + abs;
        double e = llr_lp_round_err(m < 2147483647 ? m + 1 : m, scale);
        if (!llr_lp_sign_ok(d, clo[j], chi[j], tol * (1.0 + scale) + e))
            return finish(out, LLR_LP_CERT_DUAL, -1, j, 0.0, 0.0, 0.0);
        double b = pushed(d, x[j], clo[j], chi[j]);
        double t = d * (x[j] - b);
        gap += t;
        absg += mag(t);
        err += e * mag(x[j] - b);
        lim += tol * (mag(d) * (1.0 + mag(b)) + (1.0 + scale) * mag(x[j] - b));
        double p = c[j] * x[j];
        primal += p;
        absp += mag(p);
    }
    /* The rounding of the sums just formed: m + n terms of the gap, n of
     * the objective; (1 + 2^-20) covers the rounding of lim itself. */
    int k = m > 2147483647 - n ? 2147483647 : m + n;
    lim = (tol + lim + err + llr_lp_round_err(k, absg + absp)) *
          (1.0 + 0x1.0p-20);
    if (!(gap <= lim && gap >= -lim))
        return finish(out, LLR_LP_CERT_GAP, -1, -1, primal, gap, lim);
    return finish(out, LLR_LP_CERT_OK, -1, -1, primal, gap, lim);
}
