#include "learn/spectral.h"

#include <stdlib.h>
#include <string.h>

#include "models/isan.h"
#include "kernels/linalg.h"
#include "base/strlist.h"

void llr_spectral_defaults(int d, uint64_t seed, llr_spectral_params *p)
{
    p->d = d;
    p->histories = 8 * d + 8;
    p->futures = 2 * d + 4;
    p->seed = seed;
}

/* Rows of histories H (length t) on futures F: |H| x |F| V, queried. */
static int rows(llr_oracle *o, int t, const llr_strings *H,
                const llr_strings *F, double *out, llr_error *e)
{
    int V = llr_oracle_model(o)->V, T = llr_oracle_model(o)->T;
    int *tok = malloc((size_t)T * sizeof *tok);
    if (!tok)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    int rc = 0;
    for (int i = 0; rc == 0 && i < H->count; i++)
        for (int j = 0; rc == 0 && j < F->count; j++) {
            int lf = llr_strings_len(F, j);
            if (t)
                memcpy(tok, llr_strings_at(H, i), (size_t)t * sizeof *tok);
            if (lf)
                memcpy(tok + t, llr_strings_at(F, j), (size_t)lf * sizeof *tok);
            rc = llr_oracle_query(o, tok, t + lf,
                                  out + ((size_t)i * F->count + j) * V, e);
        }
    free(tok);
    return rc;
}

typedef struct cutdata {
    llr_strings H, F;
    double *W;  /* |F| V x d: top right singular vectors (zero-padded) */
} cutdata;

/* The truncated SVD of L_t: W = first d right singular vectors. */
static int top_vectors(const double *L, int m, int n, int d, double *W,
                       llr_error *e)
{
    int k = m < n ? m : n, fallback;
    double *a = malloc((size_t)m * n * sizeof *a);
    double *s = malloc((size_t)k * sizeof *s);
    double *vt = malloc((size_t)k * n * sizeof *vt);
    if (!a || !s || !vt) {
        free(a), free(s), free(vt);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    memcpy(a, L, (size_t)m * n * sizeof *a);
    int rc = llr_svd(a, m, n, s, vt, 0, &fallback, e);
    if (rc == 0) {
        memset(W, 0, (size_t)n * d * sizeof *W);
        for (int j = 0; j < d && j < k; j++)
            for (int c = 0; c < n; c++)
                W[(size_t)c * d + j] = vt[(size_t)j * n + c];
    }
    free(a), free(s), free(vt);
    return rc;
}

/* states = R (rows x n) W (n x d). */
static void project(const double *R, int rows_, int n, const double *W, int d,
                    double *states)
{
    for (int i = 0; i < rows_; i++)
        for (int j = 0; j < d; j++) {
            double acc = 0;
            for (int c = 0; c < n; c++)
                acc += R[(size_t)i * n + c] * W[(size_t)c * d + j];
            states[(size_t)i * d + j] = acc;
        }
}

int llr_spectral_learn(llr_oracle *o, const llr_spectral_params *p,
                       llr_model **out, llr_error *e)
{
    int V = llr_oracle_model(o)->V, T = llr_oracle_model(o)->T, d = p->d;
    *out = NULL;
    if (d < 1 || p->histories < 1 || p->futures < 1)
        return llr_fail(e, LLR_EUSAGE,
                        "spectral: rank, histories and futures must be "
                           "positive");
    /* A rank above the number of prefixes (sum of V^t, t < T) is one no
     * model has; the transition tensors (T V d^2 doubles) must fit in
     * LLR_SPECTRAL_MAX_BYTES. */
    double prefixes = 0, vt = 1;
    for (int t = 0; t < T && prefixes <= d; t++, vt *= V)
        prefixes += vt;
    if (d > prefixes)
        return llr_fail(e, LLR_EUSAGE,
                        "spectral: rank %d exceeds the number of prefixes "
                        "(%.0f) of the teacher (V=%d, T=%d), which bounds "
                        "the rank of any model",
                        d, prefixes, V, T);
    double bytes = (double)T * V * d * d * sizeof(double);
    if (bytes > LLR_SPECTRAL_MAX_BYTES)
        return llr_fail(e, LLR_EUSAGE,
                        "spectral: rank %d with V=%d, T=%d needs %.3g bytes "
                        "of transition tensors (T V d^2 doubles), more than "
                        "the limit of %.3g",
                        d, V, T, bytes, (double)LLR_SPECTRAL_MAX_BYTES);
    cutdata *cd = calloc((size_t)T, sizeof *cd);
    int *y = malloc((size_t)T * sizeof *y);
    double *x0 = calloc((size_t)d, sizeof *x0);
    double *B = calloc((size_t)T * V * d, sizeof *B);
    double *A = calloc((size_t)T * V * d * d, sizeof *A);
    double *Lt = NULL, *Ln = NULL, *Xt = NULL, *Xn = NULL, *Y = NULL,
           *Wt = NULL;
    int rc = -1;
    if (!cd || !y || !x0 || !B || !A) {
        llr_fail(e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    llr_prng g;
    llr_prng_seed(&g, llr_mix64(p->seed ^ 0x5350454354ULL));
    /* Histories: prefixes of teacher samples (distinct); futures: the
     * empty one, then pieces of samples of uniform length. */
    if (llr_oracle_prefetch_samples(o, &g, p->histories, e))
        goto done;
    for (int i = 0; i < p->histories; i++) {
        if (llr_oracle_sample(o, &g, y, NULL, e))
            goto done;
        for (int t = 0; t < T; t++)
            if (llr_strings_find(&cd[t].H, y, t) < 0 &&
                llr_strings_push(&cd[t].H, y, t, e))
                goto done;
    }
    for (int t = 0; t < T; t++) {
        if (llr_strings_push(&cd[t].F, NULL, 0, e))
            goto done;
        for (int j = 1; j < p->futures && T - 1 - t > 0; j++) {
            int k = 1 + (int)llr_prng_below(&g, (uint64_t)(T - 1 - t));
            if (llr_oracle_sample(o, &g, y, NULL, e))
                goto done;
            if (llr_strings_find(&cd[t].F, y + t, k) < 0 &&
                llr_strings_push(&cd[t].F, y + t, k, e))
                goto done;
        }
    }
    /* Truncated SVD per cut. */
    for (int t = 0; t < T; t++) {
        int m = cd[t].H.count, n = cd[t].F.count * V;
        free(Lt);
        Lt = malloc((size_t)m * n * sizeof *Lt);
        cd[t].W = malloc((size_t)n * d * sizeof *cd[t].W);
        if (!Lt || !cd[t].W) {
            llr_fail(e, LLR_ENOMEM, "out of memory");
            goto done;
        }
        if (rows(o, t, &cd[t].H, &cd[t].F, Lt, e) ||
            top_vectors(Lt, m, n, d, cd[t].W, e))
            goto done;
        /* States of the histories, readout B[t] by least squares on the
         * empty future's block (columns 0..V-1). */
        free(Xt), free(Y), free(Wt);
        Xt = malloc((size_t)m * d * sizeof *Xt);
        Y = malloc((size_t)m * V * sizeof *Y);
        Wt = malloc((size_t)d * V * sizeof *Wt);
        if (!Xt || !Y || !Wt) {
            llr_fail(e, LLR_ENOMEM, "out of memory");
            goto done;
        }
        project(Lt, m, n, cd[t].W, d, Xt);
        if (t == 0)
            memcpy(x0, Xt, (size_t)d * sizeof *x0);
        for (int i = 0; i < m; i++)
            memcpy(Y + (size_t)i * V, Lt + (size_t)i * n, (size_t)V * sizeof *Y);
        if (llr_lstsq(Xt, m, d, Y, V, -1.0, Wt, NULL, e))
            goto done;
        for (int z = 0; z < V; z++)
            for (int j = 0; j < d; j++)
                B[((size_t)t * V + z) * d + j] = Wt[(size_t)j * V + z];
    }
    /* Transitions: for h in H_t and token z, the state of h z at cut t+1
     * (its row on F_{t+1}, projected) against the state of h. */
    for (int t = 0; t + 1 < T; t++) {
        int m = cd[t].H.count, n1 = cd[t + 1].F.count * V;
        free(Xt), free(Xn), free(Ln), free(Wt);
        Xt = malloc((size_t)m * d * sizeof *Xt);
        Xn = malloc((size_t)m * d * sizeof *Xn);
        Ln = malloc((size_t)m * n1 * sizeof *Ln);
        Wt = malloc((size_t)d * d * sizeof *Wt);
        free(Lt);
        Lt = malloc((size_t)m * cd[t].F.count * V * sizeof *Lt);
        if (!Xt || !Xn || !Ln || !Wt || !Lt) {
            llr_fail(e, LLR_ENOMEM, "out of memory");
            goto done;
        }
        if (rows(o, t, &cd[t].H, &cd[t].F, Lt, e))
            goto done;
        project(Lt, m, cd[t].F.count * V, cd[t].W, d, Xt);
        for (int z = 0; z < V; z++) {
            llr_strings Hz = {0};
            for (int i = 0; i < m; i++) {
                int tok[LLR_MAX_HORIZON];
                if (t)
                    memcpy(tok, llr_strings_at(&cd[t].H, i),
                           (size_t)t * sizeof *tok);
                tok[t] = z;
                if (llr_strings_push(&Hz, tok, t + 1, e)) {
                    llr_strings_free(&Hz);
                    goto done;
                }
            }
            int bad = rows(o, t + 1, &Hz, &cd[t + 1].F, Ln, e);
            llr_strings_free(&Hz);
            if (bad)
                goto done;
            project(Ln, m, n1, cd[t + 1].W, d, Xn);
            /* Xt A^T = Xn. */
            if (llr_lstsq(Xt, m, d, Xn, d, -1.0, Wt, NULL, e))
                goto done;
            double *Az = A + ((size_t)t * V + z) * d * d;
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                    Az[(size_t)i * d + j] = Wt[(size_t)j * d + i];
        }
    }
    for (int z = 0; z < V; z++) /* A[T-1] is never used: the identity */
        for (int i = 0; i < d; i++)
            A[(((size_t)(T - 1) * V + z) * d + i) * d + i] = 1.0;
    rc = llr_isan_wrap(V, d, T, x0, B, A, out, e);
    x0 = B = A = NULL;
done:
    for (int t = 0; cd && t < T; t++) {
        llr_strings_free(&cd[t].H);
        llr_strings_free(&cd[t].F);
        free(cd[t].W);
    }
    free(cd), free(y), free(x0), free(B), free(A);
    free(Lt), free(Ln), free(Xt), free(Xn), free(Y), free(Wt);
    return rc;
}
