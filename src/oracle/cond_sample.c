#include "oracle/cond_sample.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/softmax.h"

int llr_cond_parse(const char *s, llr_cond_access *c, llr_error *e)
{
    llr_cond_access r = {1, 3, 0.1, 1e-3, 0};
    if (strncmp(s, "sample", 6) || (s[6] && s[6] != ','))
        return llr_fail(e, LLR_EUSAGE,
                        "--access: '%s': expected sample[,lambda:L][,xi:X]"
                        "[,delta:D][,n:N]",
                        s);
    const char *p = s + 6;
    char *end;
    while (*p == ',') {
        p++;
        static const char *key[] = {"lambda:", "xi:", "delta:", "n:"};
        int k = 0;
        while (k < 4 && strncmp(p, key[k], strlen(key[k])))
            k++;
        if (k == 4)
            return llr_fail(e, LLR_EUSAGE,
                            "--access: '%s': unknown field at '%s' (lambda, "
                            "xi, delta, n)",
                            s, p);
        p += strlen(key[k]);
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno || !isfinite(v) || !(v > 0))
            return llr_fail(e, LLR_EUSAGE,
                            "--access: '%s': %s must be a number > 0", s,
                            key[k]);
        if (k == 0)
            r.lambda = v;
        else if (k == 1)
            r.xi = v;
        else if (k == 2) {
            if (!(v < 1))
                return llr_fail(e, LLR_EUSAGE,
                                "--access: '%s': delta must be in (0, 1)", s);
            r.delta = v;
        } else {
            if (v != floor(v) || v > LLR_COND_MAX_CALLS)
                return llr_fail(e, LLR_EUSAGE,
                                "--access: '%s': n must be an integer in "
                                "[1, %g]",
                                s, LLR_COND_MAX_CALLS);
            r.n = (long long)v;
        }
        p = end;
    }
    if (*p)
        return llr_fail(e, LLR_EUSAGE, "--access: '%s': trailing '%s'", s, p);
    if (r.lambda > 50 || r.xi > 10)
        return llr_fail(e, LLR_EUSAGE,
                        "--access: '%s': lambda must be <= 50 and xi <= 10",
                        s);
    *c = r;
    return 0;
}

double llr_cond_samples(const llr_cond_access *c, int V)
{
    double t = -expm1(-c->xi / 2); /* 1 - e^{-xi/2} */
    return 3.0 * V * exp(2 * c->lambda) * log(2.0 * V / c->delta) / (t * t);
}

int llr_cond_calls(const llr_cond_access *c, int V, long long *n,
                   llr_error *e)
{
    if (c->n > 0) {
        *n = c->n;
        return 0;
    }
    double m = ceil(llr_cond_samples(c, V));
    if (!(m <= LLR_COND_MAX_CALLS))
        return llr_fail(e, LLR_EUSAGE,
                        "sample access: xi %g at lambda %g over %d tokens "
                        "needs %.3g conditional samples per logit vector "
                        "(3 V e^(2 lambda) ln(2V/delta) / t^2), more than "
                        "%.0e",
                        c->xi, c->lambda, V, m, LLR_COND_MAX_CALLS);
    *n = (long long)m;
    return 0;
}

int llr_cond_estimate(const long long *cnt, int V, long long n, double *out,
                      llr_error *e)
{
    for (int z = 0; z < V; z++) {
        if (cnt[z] <= 0)
            return llr_fail(e, LLR_EINPUT,
                            "sample access: token %d was never drawn in %lld "
                            "calls: its probability is below e^(-2 lambda)/V "
                            "(the declared lambda is too small) or the "
                            "confidence failed",
                            z, n);
        out[z] = log((double)cnt[z] / (double)n);
    }
    llr_centre(out, V, out);
    return 0;
}
