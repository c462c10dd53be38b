#include "kernels/softmax.h"

#include <math.h>

void llr_centre(const double *raw, int V, double *out)
{
    double s = 0.0;
    /*@ loop invariant 0 <= z <= V;
        LLR_EXACT(loop invariant exact: s == llr_sum(raw, z);)
        loop assigns z, s;
        loop variant V - z;
    */
    for (int z = 0; z < V; z++)
        s += raw[z];
    double mean = s / V;
    /*@ loop invariant 0 <= z <= V;
        LLR_EXACT(loop invariant exact: \forall integer k; z <= k < V ==>
                      raw[k] == \at(raw[k], Pre);)
        LLR_EXACT(loop invariant exact: mean == llr_mean{Pre}(raw, V);)
        LLR_EXACT(loop invariant exact: \forall integer k; 0 <= k < z ==>
                      out[k] == \at(raw[k], Pre) - llr_mean{Pre}(raw, V);)
        loop assigns z, out[0 .. V - 1];
        loop variant V - z;
    */
    for (int z = 0; z < V; z++)
        out[z] = raw[z] - mean;
}

double llr_max(const double *x, int V)
{
    double m = x[0];
    /*@ loop invariant 1 <= z <= V;
        loop invariant \is_finite(m);
        loop invariant llr_is_max(x, z, m);
        loop assigns z, m;
        loop variant V - z;
    */
    for (int z = 1; z < V; z++)
        if (x[z] > m)
            m = x[z];
    return m;
}

double llr_logsumexp(const double *x, int V)
{
    double m = llr_max(x, V);
    double s = 0.0;
    /*@ loop invariant 0 <= z <= V;
        loop assigns z, s, errno;
        loop variant V - z;
    */
    for (int z = 0; z < V; z++)
        s += exp(x[z] - m);
    return m + log(s);
}

void llr_softmax(const double *l, int V, double *p)
{
    double m = llr_max(l, V);
    double s = 0.0;
    /*@ loop invariant 0 <= z <= V;
        loop assigns z, s, p[0 .. V - 1], errno;
        loop variant V - z;
    */
    for (int z = 0; z < V; z++) {
        p[z] = exp(l[z] - m);
        s += p[z];
    }
    /*@ loop invariant 0 <= z <= V;
        loop assigns z, p[0 .. V - 1];
        loop variant V - z;
    */
    for (int z = 0; z < V; z++)
        p[z] /= s;
}

void llr_log_softmax(const double *l, int V, double *lp)
{
    /* (l - m) - log s, not l - (m + log s): near |m| = 1e20, m + log s
     * rounds to m and tied tokens each got log-probability 0. */
    double m = llr_max(l, V);
    double s = 0.0;
    /*@ loop invariant 0 <= z <= V;
        loop assigns z, s, errno;
        loop variant V - z;
    */
    for (int z = 0; z < V; z++)
        s += exp(l[z] - m);
    double ls = log(s);
    /*@ loop invariant 0 <= z <= V;
        LLR_EXACT(loop invariant exact: \forall integer k; z <= k < V ==>
                      l[k] == \at(l[k], Pre);)
        LLR_EXACT(loop invariant exact: \forall integer k; 0 <= k < z ==>
                      lp[k] == (\at(l[k], Pre) - m) - ls;)
        loop assigns z, lp[0 .. V - 1];
        loop variant V - z;
    */
    for (int z = 0; z < V; z++)
        lp[z] = (l[z] - m) - ls;
}

int llr_choose_index(const double *cum, int n, double target)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer j; 0 <= j < i ==>
                           !\lt_double(target, cum[j]);
        loop assigns i;
        loop variant n - i;
    */
    for (int i = 0; i < n; i++)
        if (target < cum[i])
            return i;
    /*@ loop invariant 0 <= i < n;
        loop invariant \forall integer j; i < j < n ==>
                           !\gt_double(cum[j], cum[j - 1]);
        loop assigns i;
        loop variant i;
    */
    for (int i = n - 1; i > 0; i--)
        if (cum[i] > cum[i - 1])
            return i;
    return 0;
}

int llr_sample_token(const double *l, int V, llr_prng *g, double *work)
{
    double m = llr_max(l, V);
    double c = 0.0;
    /*@ loop invariant 0 <= z <= V;
        loop assigns z, c, work[0 .. V - 1], errno;
        loop variant V - z;
    */
    for (int z = 0; z < V; z++) {
        c += exp(l[z] - m);
        work[z] = c;
    }
    double u = llr_prng_uniform(g);
    return llr_choose_index(work, V, u * work[V - 1]);
}
