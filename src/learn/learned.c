/* learn/learned.c - the learned representation as a model (GLS2 Algorithm 2).
 *
 * Kind "gls". Its state is the prefix itself; its logits at a prefix are
 * the reconstruction LP's prediction (reconstruct.h): the standalone
 * sampler never consults the teacher, and the same prefix always gives the
 * same answer, so llr tv, llr sample and llr logits work on it. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/gls.h"
#include "kernels/linalg.h"
#include "learn/reconstruct.h"

typedef struct learned {
    llr_gls g;
    double *c; /* 1 + T d coefficients (scratch) */
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
    return llr_reconstruct(&impl(m)->g, s + 1, t, out, &r, 0, e);
}

int llr_gls_prepare(llr_gls *g, llr_error *e)
{
    free(g->separated);
    g->separated = calloc((size_t)g->T, sizeof *g->separated);
    if (!g->separated)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
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
    }
    free(g->cut);
    g->cut = NULL;
}

static void gls_destroy(llr_model *m)
{
    llr_gls_free(&impl(m)->g);
    free(impl(m)->c);
    free(m->impl);
    free(m);
}

static int gls_save(const llr_model *m, const char *path, llr_error *e)
{
    return llr_gls_save(&impl(m)->g, path, e);
}

static const llr_model_ops gls_ops = {
    "gls", llr_prefix_state_root, llr_prefix_state_step, gls_logits,
    gls_save, gls_destroy, NULL, NULL,
};

const llr_gls *llr_gls_of(const llr_model *m)
{
    return m->ops == &gls_ops ? &impl(m)->g : NULL;
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
    l->g = *g;
    l->c = c;
    *m = (llr_model){&gls_ops, g->V, g->T, g->d,
                     (size_t)(g->T + 1) * sizeof(int), l};
    *out = m;
    return 0;
}
