#include "measure/spectrum.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/linalg.h"
#include "base/prefix.h"

int llr_sample_histories(const llr_model *M, int t, int n, llr_prng *g,
                         llr_strings *out, llr_error *e)
{
    memset(out, 0, sizeof *out);
    int *seq = malloc((size_t)M->T * sizeof *seq);
    if (!seq || llr_strings_alloc(out, n, (size_t)n * t, e)) {
        free(seq);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        if (llr_model_sample(M, g, seq, e)) {
            free(seq);
            llr_strings_free(out);
            return -1;
        }
        out->off[i] = i * t;
        memcpy(out->tok + (size_t)i * t, seq, (size_t)t * sizeof *seq);
    }
    out->off[n] = n * t;
    free(seq);
    return 0;
}

int llr_sample_futures(const llr_model *M, int t, int n, llr_prng *g,
                       llr_strings *out, llr_error *e)
{
    memset(out, 0, sizeof *out);
    int maxlen = M->T - 1 - t;
    int *seq = malloc((size_t)M->T * sizeof *seq);
    if (!seq || llr_strings_alloc(out, n, (size_t)n * (maxlen > 0 ? maxlen : 1),
                              e)) {
        free(seq);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    size_t pos = 0;
    out->off[0] = 0;
    for (int i = 1; i < n; i++) {
        int k = (int)llr_prng_below(g, (uint64_t)maxlen + 1);
        if (llr_model_sample(M, g, seq, e)) {
            free(seq);
            llr_strings_free(out);
            return -1;
        }
        out->off[i] = (int)pos;
        memcpy(out->tok + pos, seq + t, (size_t)k * sizeof *seq);
        pos += (size_t)k;
    }
    out->off[n] = (int)pos;
    free(seq);
    return 0;
}

int llr_logit_matrix(const llr_model *M, int t, const llr_strings *H,
                     const llr_strings *F, double *out, llr_error *e)
{
    if (t < 0 || t >= M->T)
        return llr_fail(e, LLR_EUSAGE,
                        "cut %d is outside [0, %d]", t, M->T - 1);
    int V = M->V;
    size_t cols = (size_t)F->count * V;
    void *st = llr_model_states(M, M->T + 1);
    if (!st)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    int rc = 0;
    for (int i = 0; rc == 0 && i < H->count; i++) {
        const int *h = H->tok + H->off[i];
        if (H->off[i + 1] - H->off[i] != t) {
            rc = llr_fail(e, LLR_EINPUT,
                          "history %d has length %d, not the cut %d", i,
                          H->off[i + 1] - H->off[i], t);
            break;
        }
        rc = M->ops->root(M, llr_model_state_at(M, st, 0), e);
        for (int k = 0; rc == 0 && k < t; k++) {
            if (h[k] < 0 || h[k] >= V)
                rc = llr_fail(e, LLR_EINPUT,
                              "history %d: token %d out of range", i, h[k]);
            else
                rc = M->ops->step(M, llr_model_state_at(M, st, k), k, h[k],
                                  llr_model_state_at(M, st, k + 1), e);
        }
        for (int j = 0; rc == 0 && j < F->count; j++) {
            const int *f = F->tok + F->off[j];
            int len = F->off[j + 1] - F->off[j];
            if (len > M->T - 1 - t) {
                rc = llr_fail(e, LLR_EINPUT,
                              "future %d has length %d; at cut %d the "
                                 "longest is %d", j, len, t, M->T - 1 - t);
                break;
            }
            /* States t .. t+len hold h, h f_1, ..., h f. */
            for (int k = 0; rc == 0 && k < len; k++) {
                if (f[k] < 0 || f[k] >= V)
                    rc = llr_fail(e, LLR_EINPUT,
                                  "future %d: token %d out of range", j,
                                  f[k]);
                else
                    rc = M->ops->step(M, llr_model_state_at(M, st, t + k),
                                      t + k, f[k],
                                      llr_model_state_at(M, st, t + k + 1), e);
            }
            if (rc == 0)
                rc = M->ops->logits(M, llr_model_state_at(M, st, t + len),
                                    t + len, out + (size_t)i * cols +
                                    (size_t)j * V, e);
        }
    }
    free(st);
    return rc;
}

void llr_spectrum_free(llr_spectrum *s)
{
    free(s->sigma);
    memset(s, 0, sizeof *s);
}

int llr_spectrum_of(double *a, int rows, int cols, double tol, int flags,
                    llr_spectrum *out, llr_error *e)
{
    memset(out, 0, sizeof *out);
    int k = rows < cols ? rows : cols;
    out->rows = rows, out->cols = cols, out->k = k;
    out->sigma = malloc((size_t)(k > 0 ? k : 1) * sizeof *out->sigma);
    if (!out->sigma)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    if (llr_singular_values(a, rows, cols, out->sigma, flags, &out->fallback,
                            e)) {
        llr_spectrum_free(out);
        return -1;
    }
    int big = rows > cols ? rows : cols;
    out->tol = tol >= 0 ? tol : big * out->sigma[0] * DBL_EPSILON;
    for (int i = 0; i < k; i++)
        if (out->sigma[i] > out->tol)
            out->rank++;
    /* Least squares of y = log sigma_i on x = log i, i = 1..rank. */
    int n = out->rank;
    out->fit_points = n;
    out->exponent = out->coef = NAN;
    if (n >= 2) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 0; i < n; i++) {
            double x = log(i + 1.0), y = log(out->sigma[i]);
            sx += x, sy += y, sxx += x * x, sxy += x * y;
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        double icpt = (sy - slope * sx) / n;
        out->exponent = -slope;
        out->coef = exp(icpt);
    }
    return 0;
}
