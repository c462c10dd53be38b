#include "helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/prefix.h"

const char *tmp_path(const char *name)
{
    static char dir[256];
    static char path[512];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/llr-test-XXXXXX");
        cr_assert(mkdtemp(dir) != NULL);
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

long ipow(long V, int k)
{
    long r = 1;
    while (k-- > 0)
        r *= V;
    return r;
}

rank_info exhaustive_rank(const llr_model *m, const llr_model *other, int t,
                          int k)
{
    rank_info r = {0};
    llr_strings H, F;
    llr_error err;
    cr_assert(llr_strings_all(m->V, t, 0, 1 << 20, &H, &err) == 0, "%s",
              err.msg);
    cr_assert(llr_strings_all(m->V, m->T - 1 - t, 1, 1 << 20, &F, &err) == 0,
              "%s", err.msg);
    r.rows = H.count;
    r.cols = F.count * m->V;
    size_t n = (size_t)r.rows * r.cols;
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    cr_assert(a && b);
    cr_assert(llr_logit_matrix(m, t, &H, &F, a, &err) == 0, "%s", err.msg);
    if (other) {
        cr_assert(llr_logit_matrix(other, t, &H, &F, b, &err) == 0, "%s",
                  err.msg);
        for (size_t i = 0; i < n; i++)
            r.maxdiff = fmax(r.maxdiff, fabs(a[i] - b[i]));
    }
    llr_spectrum sp;
    cr_assert(llr_spectrum_of(a, r.rows, r.cols, -1, 0, &sp, &err) == 0, "%s",
              err.msg);
    r.rank = sp.rank;
    r.sigma_k = k >= 0 && k < sp.k ? sp.sigma[k] : 0;
    llr_spectrum_free(&sp);
    llr_strings_free(&H);
    llr_strings_free(&F);
    free(a);
    free(b);
    return r;
}

const char *write_bytes(const char *name, const void *buf, size_t len)
{
    const char *p = tmp_path(name);
    FILE *f = fopen(p, "wb");
    cr_assert(f != NULL);
    cr_assert(fwrite(buf, 1, len, f) == len || len == 0);
    fclose(f);
    return p;
}

void brute_force(const llr_model *P, const llr_model *Q, double *tv,
                 double *kl)
{
    llr_error err;
    int T = P->T, V = P->V;
    int *seq = calloc((size_t)T, sizeof *seq);
    double s = 0, k = 0;
    do {
        double lp, lq;
        cr_assert(llr_model_logprob(P, seq, T, &lp, &err) == 0, "%s", err.msg);
        cr_assert(llr_model_logprob(Q, seq, T, &lq, &err) == 0, "%s", err.msg);
        s += fabs(exp(lp) - exp(lq));
        k += exp(lp) * (lp - lq);
    } while (llr_prefix_next(seq, T, V));
    free(seq);
    *tv = s / 2;
    *kl = k;
}
