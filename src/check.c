#include "check.h"

int llr_check_box(const double *x, int n, double bound, double tol)
{
    double lim = bound + tol;
    /*@ loop invariant 0 <= i <= n;
        loop assigns i;
        loop variant n - i;
    */
    for (int i = 0; i < n; i++)
        if (!(x[i] <= lim && x[i] >= -lim))
            return 0;
    return 1;
}

double llr_check_residual(const double *A, const double *x, const double *b,
                          int m, int n)
{
    double worst = 0.0;
    for (int i = 0; i < m; i++) {
        double s = -b[i];
        for (int j = 0; j < n; j++)
            s += A[(long)i * n + j] * x[j];
        double a = s < 0 ? -s : s;
        if (a != a)
            return a; /* NaN */
        if (a > worst)
            worst = a;
    }
    return worst;
}
