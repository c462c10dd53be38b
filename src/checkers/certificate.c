#include "checkers/certificate.h"

int llr_cert_box(const double *x, int n, double bound, double tol)
{
    double lim = bound + tol;
    /*@ loop invariant 0 <= i <= n;
        loop invariant llr_in_box(x, i, lim);
        loop assigns i;
        loop variant n - i;
    */
    for (int i = 0; i < n; i++)
        if (!(x[i] <= lim && x[i] >= -lim))
            return 0;
    return 1;
}

double llr_cert_residual(const double *A, const double *x, const double *b,
                          int m, int n)
{
    double worst = 0.0;
    /*@ loop invariant 0 <= i <= m;
        loop invariant \le_double((double)0.0, worst);
        loop invariant \forall integer k; 0 <= k < i ==>
          !\is_NaN(llr_row_sum(A, x, b, n, k, n)) &&
          llr_row_within(A, x, b, n, k, worst);
        loop invariant \eq_double(worst, (double)0.0) ||
          (\exists integer k; 0 <= k < i &&
             llr_row_is(A, x, b, n, k, worst));
        loop assigns i, worst;
        loop variant m - i;
    */
    for (int i = 0; i < m; i++) {
        double s = -b[i];
        /*@ loop invariant 0 <= j <= n;
            loop invariant llr_same(s, llr_row_sum(A, x, b, n, i, j));
            loop assigns j, s;
            loop variant n - j;
        */
        for (int j = 0; j < n; j++) {
            /*@ assert index: 0 <= i * n + j < m * n <= 4611686014132420609; */
            s += A[(long)i * n + j] * x[j];
        }
        double a = s < 0 ? -s : s;
        if (a != a)
            return a; /* NaN */
        if (a > worst)
            worst = a;
    }
    return worst;
}
