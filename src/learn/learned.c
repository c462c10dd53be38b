/* learn/learned.c - the learned representation as a model (GLS2 Algorithm 2;
 * docs/mathematics.md §4.1).
 *
 * Kind "gls". Its state is the prefix itself; its logits at a prefix are
 * the reconstruction LP's prediction (reconstruct.h): the standalone
 * sampler never consults the teacher, and the same prefix always gives the
 * same answer, so llr tv, llr sample and llr logits work on it. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/gls.h"
#include "kernels/linalg.h"
#include "learn/reconstruct.h"

typedef struct learned {
    llr_gls g;
    const llr_gls *gp; /* &g, or a fork's original's g (not owned) */
    double *c; /* 1 + T d coefficients (scratch) */
    llr_lp_warm *warm; /* warm starts along the prefixes asked */
} learned;

static learned *impl(const llr_model *m)
{
    return (learned *)m->impl;
}

static int gls_logits(const llr_model *m, const void *state, int t,
                      double *out, llr_error *e)
{
    const int *s = state;
    llr_lp_result r = {0};
    r.c = impl(m)->c;
    return llr_reconstruct_warm(impl(m)->gp, s + 1, t, out, &r, 0,
                                impl(m)->warm, e);
}

/* bound[0] of cut s: ||P||_inf for P = (R R^T)^{-1} R (k x cols), the
 * pseudo-inverse of the transpose of R = c->rhat (k x cols), INFINITY when
 * R R^T is rank-deficient to working precision (then the bound is not
 * used). Memory k x cols, not cols^2. */
static int pinv_norm(const llr_gls_cut *c, int cols, double *out,
                     llr_error *e)
{
    int k = c->k;
    const double *R = c->rhat;
    double *G = calloc((size_t)k * k, sizeof *G);
    double *P = malloc((size_t)k * cols * sizeof *P);
    int rank = 0, rc = 0;
    if (!G || !P)
        rc = llr_fail(e, LLR_ENOMEM, "out of memory");
    for (int i = 0; rc == 0 && i < k; i++)
        for (int j = 0; j < k; j++)
            for (int q = 0; q < cols; q++)
                G[i * k + j] += R[(size_t)i * cols + q] * R[(size_t)j * cols + q];
    int finite = 1;
    for (int i = 0; rc == 0 && i < k * k; i++)
        finite &= isfinite(G[i]);
    *out = INFINITY;
    if (rc == 0 && finite && llr_lstsq(G, k, k, R, cols, -1.0, P, &rank, e))
        /* only a lack of memory is an error: otherwise no bound */
        rc = e && e->code == LLR_ENOMEM ? -1 : (finite = 0);
    if (rc == 0 && finite) {
        double best = rank < k ? INFINITY : 0.0;
        for (int i = 0; rank == k && i < k; i++) {
            double sum = 0;
            for (int q = 0; q < cols; q++)
                sum += fabs(P[(size_t)i * cols + q]);
            best = sum > best || isnan(sum) ? sum : best;
        }
        *out = isnan(best) ? INFINITY : best;
    }
    free(G), free(P);
    return rc;
}

/* Every cut's bound (gls.h). */
static int bounds(llr_gls *g, llr_error *e)
{
    int V = g->V;
    for (int s = 0; s < g->T; s++) {
        llr_gls_cut *c = &g->cut[s];
        free(c->bound);
        double *b = c->bound = calloc((size_t)V + 1, sizeof *c->bound);
        if (!b)
            return llr_fail(e, LLR_ENOMEM, "out of memory");
        int cols = c->fhat.count * V;
        if (c->k > cols)
            b[0] = INFINITY;
        else if (c->k > 0 && pinv_norm(c, cols, &b[0], e))
            return -1;
        if (s + 1 >= g->T || !c->rext)
            continue;
        int nn = g->cut[s + 1].fhat.count;
        for (int a = 0; a < V; a++)
            for (int q = 0; q < nn * V; q++) {
                double sum = 0;
                for (int i = 0; i < c->k; i++)
                    sum += fabs(c->rext[((size_t)i * V + a) * nn * V + q]);
                if (sum > b[1 + a] || isnan(sum))
                    b[1 + a] = isnan(sum) ? INFINITY : sum;
            }
    }
    return 0;
}

int llr_gls_prepare(llr_gls *g, llr_error *e)
{
    free(g->separated);
    g->separated = calloc((size_t)g->T, sizeof *g->separated);
    if (!g->separated)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    if (bounds(g, e))
        return -1;
    for (int s = 0; s < g->T; s++) {
        const llr_gls_cut *c = &g->cut[s];
        int cols = c->fhat.count * g->V;
        if (c->k == 0) {
            g->separated[s] = 1;
            continue;
        }
        if (c->k > cols)
            continue;
        double *a = malloc((size_t)c->k * cols * sizeof *a);
        double *sv = malloc((size_t)c->k * sizeof *sv);
        if (!a || !sv) {
            free(a), free(sv);
            return llr_fail(e, LLR_ENOMEM, "out of memory");
        }
        memcpy(a, c->rhat, (size_t)c->k * cols * sizeof *a);
        int fb;
        if (llr_singular_values(a, c->k, cols, sv, 0, &fb, e)) {
            free(a), free(sv);
            return -1;
        }
        double tol = (cols > c->k ? cols : c->k) * sv[0] * DBL_EPSILON;
        g->separated[s] = sv[c->k - 1] > tol;
        free(a), free(sv);
    }
    return 0;
}

void llr_gls_free(llr_gls *g)
{
    free(g->separated);
    g->separated = NULL;
    if (!g->cut)
        return;
    for (int s = 0; s < g->T; s++) {
        free(g->cut[s].basis);
        llr_strings_free(&g->cut[s].fhat);
        free(g->cut[s].rhat);
        free(g->cut[s].rext);
        free(g->cut[s].bound);
        free(g->cut[s].rhat_dn);
        free(g->cut[s].rext_dn);
    }
    free(g->cut);
    g->cut = NULL;
}

static void gls_destroy(llr_model *m)
{
    if (impl(m)->gp == &impl(m)->g)
        llr_gls_free(&impl(m)->g);
    free(impl(m)->c);
    llr_lp_warm_free(impl(m)->warm);
    free(m->impl);
    free(m);
}

static int gls_save(const llr_model *m, const char *path, llr_error *e)
{
    return llr_gls_save_model(m, impl(m)->gp, path, e);
}

static int gls_fork(const llr_model *m, llr_model **out, llr_error *e);

static const llr_model_ops gls_ops = {
    "gls", llr_prefix_state_root, llr_prefix_state_step, gls_logits,
    gls_save, gls_destroy, llr_model_sample_direct, NULL, NULL,
    gls_fork,
};

const llr_gls *llr_gls_of(const llr_model *m)
{
    return m->ops == &gls_ops ? impl(m)->gp : NULL;
}

int llr_gls_model(llr_gls *g, llr_model **out, llr_error *e)
{
    *out = NULL;
    llr_model *m = calloc(1, sizeof *m);
    learned *l = calloc(1, sizeof *l);
    double *c = malloc((1 + (size_t)g->T * (g->d ? g->d : 1)) * sizeof *c);
    if (!m || !l || !c) {
        free(m), free(l), free(c);
        llr_gls_free(g);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    if (llr_gls_prepare(g, e)) {
        free(m), free(l), free(c);
        llr_gls_free(g);
        return -1;
    }
    l->warm = llr_lp_warm_new(g->V, g->T, g->d);
    if (!l->warm) {
        free(m), free(l), free(c);
        llr_gls_free(g);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    l->g = *g;
    l->gp = &l->g;
    l->c = c;
    g->cut = NULL, g->separated = NULL;
    *m = (llr_model){&gls_ops, g->V, g->T, g->d,
                     (size_t)(g->T + 1) * sizeof(int), l, NULL, 0};
    *out = m;
    return 0;
}

/* A fork shares the representation and has its own coefficients and warm
 * starts (an LP cache serves one thread). */
static int gls_fork(const llr_model *m, llr_model **out, llr_error *e)
{
    const llr_gls *g = impl(m)->gp;
    *out = NULL;
    llr_model *f = calloc(1, sizeof *f);
    learned *l = calloc(1, sizeof *l);
    double *c = malloc((1 + (size_t)g->T * (g->d ? g->d : 1)) * sizeof *c);
    llr_lp_warm *w = llr_lp_warm_new(g->V, g->T, g->d);
    if (!f || !l || !c || !w) {
        free(f), free(l), free(c), llr_lp_warm_free(w);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    l->gp = g;
    l->c = c;
    l->warm = w;
    *f = (llr_model){&gls_ops, m->V, m->T, m->d, m->state_bytes, l, NULL, 0};
    *out = f;
    return 0;
}
