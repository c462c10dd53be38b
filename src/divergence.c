#include "divergence.h"

#include <math.h>

double llr_tv_prob(const double *p, const double *q, int V)
{
    double s = 0.0;
    for (int z = 0; z < V; z++)
        s += fabs(p[z] - q[z]);
    return 0.5 * s;
}

double llr_kl_logprob(const double *p, const double *lp, const double *lq,
                      int V)
{
    double s = 0.0;
    for (int z = 0; z < V; z++)
        if (p[z] > 0)
            s += p[z] * (lp[z] - lq[z]);
    return s;
}

double llr_gamma(double n)
{
    const double u = 0x1.0p-53;
    return n * u / (1.0 - n * u);
}
