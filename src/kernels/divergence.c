#include "kernels/divergence.h"

#include <math.h>

double llr_tv_prob(const double *p, const double *q, int V)
{
    double s = 0.0;
    /*@ loop invariant 0 <= z <= V;
        LLR_EXACT(loop invariant exact: s == llr_abs_diff_sum(p, q, z);)
        LLR_EXACT(loop invariant exact: 0.0 <= s <= llr_sum(p, z) + llr_sum(q, z)
                      || !(\forall integer k; 0 <= k < V ==>
                               0.0 <= p[k] && 0.0 <= q[k]);)
        loop assigns z, s;
        loop variant V - z;
    */
    for (int z = 0; z < V; z++)
        s += fabs(p[z] - q[z]);
    return 0.5 * s;
}

double llr_kl_logprob(const double *p, const double *lp, const double *lq,
                      int V)
{
    double s = 0.0;
    /*@ loop invariant 0 <= z <= V;
        LLR_EXACT(loop invariant exact: s == llr_kl(p, lp, lq, z);)
        loop assigns z, s;
        loop variant V - z;
    */
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
