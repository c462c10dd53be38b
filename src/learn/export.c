#include "learn/export.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/isan.h"

int llr_export_isan(const llr_gls *g, double tol, llr_model **out,
                    llr_error *e)
{
    int V = g->V, T = g->T, d = 1;
    *out = NULL;
    for (int s = 0; s < T; s++) {
        if (g->cut[s].k > d)
            d = g->cut[s].k;
        if (!g->separated || !g->separated[s])
            return llr_fail(e, LLR_EINPUT,
                            "cannot export: at cut %d the futures do not "
                               "separate the basis, so the coefficients are "
                               "not determined linearly", s);
    }
    double *x0 = calloc((size_t)d, sizeof *x0);
    double *B = calloc((size_t)T * V * d, sizeof *B);
    double *A = calloc((size_t)T * V * d * d, sizeof *A);
    if (!x0 || !B || !A) {
        free(x0), free(B), free(A);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    x0[0] = 1.0;
    int rc = 0;
    for (int t = 0; t < T; t++) {
        const llr_gls_cut *c = &g->cut[t];
        for (int i = 0; i < c->k; i++)
            for (int z = 0; z < V; z++)
                B[((size_t)t * V + z) * d + i] =
                    c->rhat[((size_t)i * c->fhat.count + 0) * V + z];
    }
    for (int s = 0; rc == 0 && s + 1 < T; s++) {
        const llr_gls_cut *cs = &g->cut[s], *cn = &g->cut[s + 1];
        int nf = cn->fhat.count, rows = nf * V, kn = cn->k, ks = cs->k;
        int ld = rows > kn ? rows : kn;
        double *M = malloc((size_t)rows * (kn ? kn : 1) * sizeof *M);
        double *W = malloc((size_t)ld * (ks ? ks : 1) * sizeof *W);
        double *sv = malloc((size_t)(kn ? kn : 1) * sizeof *sv);
        if (!M || !W || !sv) {
            free(M), free(W), free(sv);
            rc = llr_fail(e, LLR_ENOMEM, "out of memory");
            break;
        }
        for (int a = 0; rc == 0 && a < V; a++) {
            /* M (rows x kn) = rhat_{s+1}^T; W (rows x ks): column l is
             * rext_s[l][a]. */
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < kn; i++)
                    M[(size_t)r * kn + i] = cn->rhat[(size_t)i * rows + r];
                for (int l = 0; l < ks; l++)
                    W[(size_t)r * ks + l] =
                        cs->rext[(((size_t)l * V + a) * nf) * V + r];
            }
            double *W0 = malloc((size_t)rows * (ks ? ks : 1) * sizeof *W0);
            double *M0 = malloc((size_t)rows * (kn ? kn : 1) * sizeof *M0);
            if (!W0 || !M0) {
                free(W0), free(M0);
                rc = llr_fail(e, LLR_ENOMEM, "out of memory");
                break;
            }
            memcpy(W0, W, (size_t)rows * ks * sizeof *W0);
            memcpy(M0, M, (size_t)rows * kn * sizeof *M0);
            lapack_int rank;
            lapack_int info =
                kn && ks ? LAPACKE_dgelsd(LAPACK_ROW_MAJOR, rows, kn, ks, M,
                                          kn, W, ks, sv, -1.0, &rank)
                         : 0;
            if (info)
                rc = llr_fail(e, LLR_ESOLVER,
                              "LAPACKE_dgelsd failed (info %d)", (int)info);
            /* Residual of the solution, recomputed. */
            double worst = 0;
            for (int r = 0; rc == 0 && r < rows; r++)
                for (int l = 0; l < ks; l++) {
                    double v = W0[(size_t)r * ks + l];
                    for (int i = 0; i < kn; i++)
                        v -= M0[(size_t)r * kn + i] * W[(size_t)i * ks + l];
                    worst = fmax(worst, fabs(v));
                }
            if (rc == 0 && !(worst <= tol))
                rc = llr_fail(e, LLR_EINPUT,
                              "cannot export: the representation is not "
                                 "exact at cut %d, token %d (residual %.3g > "
                                 "%.3g)", s, a, worst, tol);
            double *Aa = A + ((size_t)s * V + a) * d * d;
            for (int i = 0; rc == 0 && i < kn; i++)
                for (int l = 0; l < ks; l++)
                    Aa[(size_t)i * d + l] = W[(size_t)i * ks + l];
            free(W0), free(M0);
        }
        free(M), free(W), free(sv);
    }
    for (int a = 0; a < V; a++)
        for (int i = 0; i < d; i++)
            A[(((size_t)(T - 1) * V + a) * d + i) * d + i] = 1.0;
    if (rc) {
        free(x0), free(B), free(A);
        return -1;
    }
    return llr_isan_wrap(V, d, T, x0, B, A, out, e);
}
