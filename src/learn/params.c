#include "learn/params.h"

#include <math.h>
#include <string.h>

void llr_params_practical(int T, int d, double eps, double delta, double xi,
                          double q, uint64_t seed, llr_gls_params *p)
{
    memset(p, 0, sizeof *p);
    p->d = d;
    p->eps = eps;
    p->delta = delta;
    p->box = 2.0;
    p->gap = eps / (2.0 * T);
    uint64_t n = llr_cert_samples(eps, delta / 2);
    p->valid_n = n < 1 ? 1 : n > LLR_MAX_VALID_N ? LLR_MAX_VALID_N : (int)n;
    p->max_cert_n = 64 * p->valid_n;
    p->tau = p->gap + 4 * xi + q;
    p->spanner_n = 8 * d + 8;
    p->rank_tol = 1e-9;
    p->max_epochs = 50 * T * d + 50;
    p->seed = seed;
}

int llr_params_check(double eps, double delta, llr_error *e)
{
    if (!(eps > 0 && eps < 1) || !(delta > 0 && delta < 1))
        return llr_fail(e, LLR_EUSAGE,
                        "eps %g and delta %g must lie in (0, 1)", eps, delta);
    uint64_t n = llr_cert_samples(eps, delta / 2);
    if (n > LLR_MAX_VALID_N)
        return llr_fail(e, LLR_EUSAGE,
                        "eps %g needs certificate rounds of %llu teacher "
                        "samples, more than the limit of %d (use a larger "
                        "eps, or set the round size with --valid-n)",
                        eps, (unsigned long long)n, LLR_MAX_VALID_N);
    return 0;
}

double llr_params_theory(int T, int d, double eps, double delta,
                         uint64_t seed, llr_gls_params *p)
{
    llr_params_practical(T, d, eps, delta, 0, 0, seed, p);
    double queries = pow(T, 13) * pow(d, 4) / pow(eps, 4) * log(1 / delta);
    p->gap = eps / (pow(T, 3) * pow(d, 1.5));
    p->tau = p->gap;
    double n = queries / T;
    p->valid_n = n > 2e9 ? 2000000000 : (int)ceil(n);
    p->max_cert_n = n > 2e9 / 64 ? 2000000000 : 64 * p->valid_n;
    return queries;
}

uint64_t llr_params_noise_seed(uint64_t seed)
{
    return llr_mix64(seed ^ 0x4e4f495345ULL);
}
