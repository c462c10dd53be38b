#include "learn/certify.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void llr_cert_from(const llr_mean_acc *w, double delta, llr_certificate *c)
{
    c->n = w->n;
    c->delta = delta;
    c->estimate = w->mean;
    llr_mean_bounds(w->n, w->mean, llr_mean_acc_var(w), delta, &c->b);
    c->upper = c->b.upper;
    c->lower = c->b.lower;
}

uint64_t llr_cert_samples(double eps, double delta)
{
    if (!(eps > 0 && eps < 1) || !(delta > 0 && delta < 1))
        return 0;
    return llr_kl_samples(eps, eps / 100, delta / 2);
}

int llr_certify(llr_oracle *o, const llr_model *Q, uint64_t n, double delta,
                uint64_t seed, llr_certificate *c, llr_error *e)
{
    const llr_model *P = llr_oracle_model(o);
    if (llr_model_check_dims(Q->V, Q->T, 0, e))
        return -1;
    if (P->V != Q->V || P->T != Q->T)
        return llr_fail(e, LLR_EUSAGE,
                        "certificate: teacher (V=%d, T=%d) and model (V=%d, "
                        "T=%d) differ",
                        P->V, P->T, Q->V, Q->T);
    if (n < 1 || !(delta > 0 && delta < 1))
        return llr_fail(e, LLR_EUSAGE,
                        "certificate: needs n >= 1 samples and delta in "
                        "(0, 1)");
    int T = P->T;
    int *y = malloc((size_t)T * sizeof *y);
    double *lp = malloc((size_t)T * sizeof *lp);
    if (!y || !lp) {
        free(y), free(lp);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    llr_prng g;
    llr_prng_seed(&g, llr_mix64(seed ^ 0x43455254ULL));
    llr_mean_acc acc = {0};
    int rc = llr_oracle_prefetch_samples(o, &g,
                                         n > LLONG_MAX ? LLONG_MAX
                                                       : (long long)n,
                                         e);
    for (uint64_t i = 0; rc == 0 && i < n; i++) {
        double logq;
        rc = llr_oracle_sample(o, &g, y, lp, e);
        if (rc == 0)
            rc = llr_model_logprob(Q, y, T, &logq, e);
        if (rc == 0) {
            double logp = 0;
            for (int t = 0; t < T; t++)
                logp += lp[t];
            llr_mean_acc_add(&acc, llr_tv_weight(logp, logq));
        }
    }
    free(y), free(lp);
    if (rc)
        return llr_fail_prefix(e, "certificate");
    llr_cert_from(&acc, delta, c);
    return 0;
}

int llr_cert_meta(llr_model *m, const llr_certificate *c, llr_error *e)
{
    char u[40], est[40], n[24], d[40];
    snprintf(u, sizeof u, "%.17g", c->upper);
    snprintf(est, sizeof est, "%.17g", c->estimate);
    snprintf(n, sizeof n, "%llu", (unsigned long long)c->n);
    snprintf(d, sizeof d, "%.17g", c->delta);
    return llr_model_set_meta(m, "llr.tv_certified", u, e) ||
                   llr_model_set_meta(m, "llr.tv_estimate", est, e) ||
                   llr_model_set_meta(m, "llr.certificate_samples", n, e) ||
                   llr_model_set_meta(m, "llr.delta", d, e)
               ? -1
               : 0;
}
