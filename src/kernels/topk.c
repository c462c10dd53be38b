#include "kernels/topk.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernels/softmax.h"

double llr_round_decimals(double x, int r)
{
    if (!isfinite(x))
        return x;
    /* At most 309 digits before the point, 17 after, sign and NUL. */
    char buf[352];
    snprintf(buf, sizeof buf, "%.*f", r, x);
    return strtod(buf, NULL);
}

/* Insert index z into best[0..n) (n < k or z beats the last), kept in
 * decreasing order of v, ties by smaller index. */
static int better(const double *v, int a, int b)
{
    return v[a] > v[b] || (v[a] == v[b] && a < b);
}

int llr_topk_biased(const double *l, int V, const llr_topk_call *c,
                    int round, double *work, int *iwork)
{
    double *b = work, *lp = work + V;
    int *best = iwork;
    for (int z = 0; z < V; z++)
        b[z] = l[z];
    for (int i = 0; i < c->nbias; i++)
        b[c->bias_tok[i]] += c->bias[i];
    for (int z = 0; z < V; z++)
        if (!isfinite(b[z]))
            return -1;
    llr_log_softmax(b, V, lp);
    for (int z = 0; z < V; z++)
        if (!(lp[z] <= 0))
            return -1;
    /* Selection by insertion into the k best so far: O(V k). */
    int n = 0, k = c->k;
    for (int z = 0; z < V; z++) {
        if (n == k && !better(lp, z, best[k - 1]))
            continue;
        int at = n < k ? n++ : k - 1;
        while (at > 0 && better(lp, z, best[at - 1])) {
            best[at] = best[at - 1];
            at--;
        }
        best[at] = z;
    }
    for (int j = 0; j < k; j++) {
        c->tok[j] = best[j];
        c->logprob[j] = round >= 0 ? llr_round_decimals(lp[best[j]], round)
                                   : lp[best[j]];
        /* "-0.000000" reads back as -0.0: keep answers <= 0 and tidy. */
        if (c->logprob[j] == 0)
            c->logprob[j] = 0;
    }
    return 0;
}
