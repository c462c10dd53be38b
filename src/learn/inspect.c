#include "learn/inspect.h"

#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/softmax.h"
#include "learn/glpk_guard.h"

/* Iterations allowed per range LP (these LPs take tens). */
#define IT_LIM 20000

void llr_lp_view_free(llr_lp_view *v)
{
    free(v->lr.c), free(v->logits), free(v->probs), free(v->level_off);
    free(v->e), free(v->e_level), free(v->e_future), free(v->e_token);
    free(v->bind), free(v->lo), free(v->hi), free(v->llo), free(v->lhi);
    free(v->at_lo), free(v->at_hi), free(v->lat_lo), free(v->lat_hi);
    memset(v, 0, sizeof *v);
}

/* The residual system e = A x - b at prefix y of length t >= 1 (x = the
 * coefficients c_1..c_t), rows level by level, future by future, token by
 * token, as in docs/learner.md. A is m x n, dense. */
static int residual_system(const llr_gls *g, const int *y, int t,
                           const int *off, int n, llr_lp_view *v, double **A,
                           double **b, llr_error *e)
{
    int V = g->V, m = 0;
    for (int s = 0; s < t; s++)
        m += g->cut[s + 1].fhat.count * V;
    v->m = m;
    *A = calloc((size_t)m * (n ? n : 1) + 1, sizeof **A);
    *b = calloc((size_t)m + 1, sizeof **b);
    v->e = calloc((size_t)m + 1, sizeof *v->e);
    v->e_level = malloc(((size_t)m + 1) * sizeof *v->e_level);
    v->e_future = malloc(((size_t)m + 1) * sizeof *v->e_future);
    v->e_token = malloc(((size_t)m + 1) * sizeof *v->e_token);
    if (!*A || !*b || !v->e || !v->e_level || !v->e_future || !v->e_token)
        return llr_fail(e, LLR_ENOMEM, "out of memory for %d residuals", m);
    int row = 0;
    for (int s = 0; s < t; s++) {
        const llr_gls_cut *cs = &g->cut[s], *cn = &g->cut[s + 1];
        int nf = cn->fhat.count, a = y[s];
        for (int j = 0; j < nf; j++)
            for (int z = 0; z < V; z++, row++) {
                double *Ar = *A + (size_t)row * n;
                v->e_level[row] = s;
                v->e_future[row] = j;
                v->e_token[row] = z;
                for (int i = 0; i < cn->k; i++)
                    Ar[off[s + 1] - 1 + i] =
                        cn->rhat[((size_t)i * nf + j) * V + z];
                for (int i = 0; i < cs->k; i++) {
                    double x =
                        cs->rext[(((size_t)i * V + a) * nf + j) * V + z];
                    if (s == 0)
                        (*b)[row] += x; /* c_0 = (1) */
                    else
                        Ar[off[s] - 1 + i] -= x;
                }
            }
    }
    return 0;
}

/* glp_simplex, retried once on the scaled problem from the standard basis
 * when it fails (as reconstruct.c does). */
static int simplex(glp_prob *lp, const glp_smcp *parm)
{
    if (glp_simplex(lp, parm) == 0 && glp_get_status(lp) == GLP_OPT)
        return 0;
    int out = glp_term_out(GLP_OFF);
    glp_scale_prob(lp, GLP_SF_AUTO);
    glp_term_out(out);
    glp_std_basis(lp);
    return glp_simplex(lp, parm) == 0 && glp_get_status(lp) == GLP_OPT ? 0
                                                                       : -1;
}

/* min and max of the objective w.x (w: n values, NULL: x_col) over the
 * optimal face, and the points (1 + n values, c_0 = 1 first) where they
 * are reached. */
static int face_range(glp_prob *lp, const glp_smcp *parm, int n,
                      const double *w, int col, double *lo, double *hi,
                      double *plo, double *phi)
{
    for (int j = 1; j <= n; j++)
        glp_set_obj_coef(lp, j, w ? w[j - 1] : j == col);
    for (int dir = 0; dir < 2; dir++) {
        glp_set_obj_dir(lp, dir ? GLP_MAX : GLP_MIN);
        if (simplex(lp, parm))
            return -1;
        *(dir ? hi : lo) = glp_get_obj_val(lp);
        double *p = dir ? phi : plo;
        p[0] = 1.0;
        for (int j = 1; j <= n; j++)
            p[j] = glp_get_col_prim(lp, j);
    }
    return 0;
}

/* The arguments of face_lps() for llr_glpk_run: everything allocated
 * before GLPK runs (a longjmp out of GLPK must leak nothing). */
typedef struct face_ctx {
    const llr_gls *g;
    int t, n;
    const int *off;
    const double *A, *b;
    double R;
    llr_lp_view *v;
    int *ia, *ja;
    double *ar, *w;
} face_ctx;

/* All GLPK work of face(). */
static int face_lps(glp_prob *lp, void *ctx, llr_error *e)
{
    face_ctx *c = ctx;
    const llr_gls *g = c->g;
    const double *A = c->A, *b = c->b;
    llr_lp_view *v = c->v;
    int m = v->m, V = g->V, n = c->n, t = c->t;
    int *ia = c->ia, *ja = c->ja;
    double *ar = c->ar, *w = c->w;
    glp_add_cols(lp, n);
    for (int j = 1; j <= n; j++)
        glp_set_col_bnds(lp, j, GLP_DB, -g->box, g->box);
    glp_add_rows(lp, m);
    int ne = 0;
    for (int i = 0; i < m; i++) {
        glp_set_row_bnds(lp, i + 1, GLP_DB, b[i] - c->R, b[i] + c->R);
        for (int j = 0; j < n; j++)
            if (A[(size_t)i * n + j] != 0.0)
                ne++, ia[ne] = i + 1, ja[ne] = j + 1,
                      ar[ne] = A[(size_t)i * n + j];
    }
    glp_load_matrix(lp, ne, ia, ja, ar);
    glp_std_basis(lp);
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.meth = GLP_PRIMAL;
    parm.it_lim = IT_LIM;
    parm.tol_bnd = 1e-10;
    parm.tol_dj = 1e-10;
    size_t nc = (size_t)n + 1;
    for (int j = 0; j < n; j++)
        if (face_range(lp, &parm, n, NULL, j + 1, &v->lo[j + 1],
                       &v->hi[j + 1], v->at_lo + (j + 1) * nc,
                       v->at_hi + (j + 1) * nc))
            return llr_fail(e, LLR_ESOLVER,
                            "GLPK failed on the optimal-face LP of "
                            "coefficient %d", j + 1);
    const llr_gls_cut *ct = &g->cut[t];
    int nf = ct->fhat.count;
    for (int z = 0; z < V; z++) {
        memset(w, 0, (size_t)n * sizeof *w);
        for (int i = 0; i < ct->k; i++)
            w[c->off[t] - 1 + i] = ct->rhat[((size_t)i * nf + 0) * V + z];
        if (face_range(lp, &parm, n, w, 0, &v->llo[z], &v->lhi[z],
                       v->lat_lo + z * nc, v->lat_hi + z * nc))
            return llr_fail(e, LLR_ESOLVER,
                            "GLPK failed on the optimal-face LP of the "
                            "predicted logit %d", z);
    }
    return 0;
}

/* The ranges of every coefficient and predicted logit on the face
 * { x in the box : |A x - b| <= R }. */
static int face(const llr_gls *g, int t, const int *off, int n,
                const double *A, const double *b, double R, llr_lp_view *v,
                llr_error *e)
{
    int m = v->m, V = g->V;
    face_ctx c = {g, t, n, off, A, b, R, v,
                  malloc(((size_t)m * n + 1) * sizeof *c.ia),
                  malloc(((size_t)m * n + 1) * sizeof *c.ja),
                  malloc(((size_t)m * n + 1) * sizeof *c.ar),
                  calloc((size_t)n + 1, sizeof *c.w)};
    v->lo[0] = v->hi[0] = 1.0; /* c_0 */
    size_t np = (size_t)(n + 1) * (n + 1), nl = (size_t)V * (n + 1);
    v->at_lo = calloc(np, sizeof *v->at_lo);
    v->at_hi = calloc(np, sizeof *v->at_hi);
    v->lat_lo = calloc(nl, sizeof *v->lat_lo);
    v->lat_hi = calloc(nl, sizeof *v->lat_hi);
    int rc;
    if (!c.ia || !c.ja || !c.ar || !c.w || !v->at_lo || !v->at_hi ||
        !v->lat_lo || !v->lat_hi) {
        rc = llr_fail(e, LLR_ENOMEM, "out of memory");
    } else {
        /* Row 0 of at_lo/at_hi (c_0 itself) is the solution. */
        for (int j = 0; j <= n; j++)
            v->at_lo[j] = v->at_hi[j] = v->lr.c[j];
        rc = llr_glpk_run("the optimal-face LPs", face_lps, &c, e);
    }
    free(c.ia), free(c.ja), free(c.ar), free(c.w);
    return rc;
}

int llr_lp_inspect(const llr_gls *g, const int *y, int t, llr_lp_view *v,
                   llr_error *e)
{
    memset(v, 0, sizeof *v);
    int V = g->V;
    if (t < 0 || t >= g->T)
        return llr_fail(e, LLR_EUSAGE,
                        "a prefix of length %d: prefixes have length 0..%d",
                        t, g->T - 1);
    for (int i = 0; i < t; i++)
        if (y[i] < 0 || y[i] >= V)
            return llr_fail(e, LLR_EUSAGE,
                            "token %d at position %d is outside [0, %d]",
                            y[i], i, V - 1);
    v->t = t;
    size_t W = 1 + (size_t)t * (g->d > 0 ? g->d : 1);
    v->lr.c = malloc(W * sizeof *v->lr.c);
    v->logits = malloc((size_t)V * sizeof *v->logits);
    v->probs = malloc((size_t)V * sizeof *v->probs);
    v->level_off = malloc(((size_t)t + 2) * sizeof *v->level_off);
    v->llo = malloc((size_t)V * sizeof *v->llo);
    v->lhi = malloc((size_t)V * sizeof *v->lhi);
    double *A = NULL, *b = NULL;
    int rc = -1;
    if (!v->lr.c || !v->logits || !v->probs || !v->level_off || !v->llo ||
        !v->lhi) {
        llr_fail(e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    /* Warm-started like the learned model's own logits (a fresh cache:
     * the answer depends on the prefix alone), so the view shows the
     * model's answer bit for bit. */
    llr_lp_warm *warm = llr_lp_warm_new(V, g->T, g->d);
    if (!warm) {
        llr_fail(e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    int lrc = llr_reconstruct_warm(g, y, t, v->logits, &v->lr, 0, warm, e);
    llr_lp_warm_free(warm);
    if (lrc)
        goto done;
    llr_softmax(v->logits, V, v->probs);
    int *off = v->level_off;
    off[0] = 0;
    off[1] = 1;
    v->determined = 1;
    for (int s = 1; s <= t; s++) {
        off[s + 1] = off[s] + g->cut[s].k;
        v->determined &= g->separated ? g->separated[s] : 0;
    }
    int nc = off[t + 1], n = nc - 1;
    v->lo = malloc((size_t)nc * sizeof *v->lo);
    v->hi = malloc((size_t)nc * sizeof *v->hi);
    v->bind = malloc(((size_t)nc + 1) * sizeof *v->bind);
    if (!v->lo || !v->hi || !v->bind) {
        llr_fail(e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    if (t == 0 || n == 0) {
        /* No LP (t = 0) or no coefficient to choose: one point. */
        for (int j = 0; j < nc; j++)
            v->lo[j] = v->hi[j] = v->lr.c[j];
        memset(v->llo, 0, (size_t)V * sizeof *v->llo);
        memset(v->lhi, 0, (size_t)V * sizeof *v->lhi);
        if (t == 0) {
            memcpy(v->llo, v->logits, (size_t)V * sizeof *v->llo);
            memcpy(v->lhi, v->logits, (size_t)V * sizeof *v->lhi);
        }
    }
    if (t > 0 && residual_system(g, y, t, off, n, v, &A, &b, e))
        goto done;
    const double *x = v->lr.c + 1;
    for (int i = 0; i < v->m; i++) {
        double s = -b[i];
        for (int j = 0; j < n; j++)
            s += A[(size_t)i * n + j] * x[j];
        v->e[i] = s;
        v->r = fmax(v->r, fabs(s));
    }
    v->tol = 1e-9 * (1 + v->r);
    for (int i = 0; i < v->m; i++)
        v->nbind += fabs(v->e[i]) >= v->r - v->tol;
    for (int j = 0; j < n; j++)
        v->nbind_box += fabs(x[j]) >= g->box - 1e-9;
    free(v->bind);
    v->bind = malloc(((size_t)v->nbind + v->nbind_box + 1) * sizeof *v->bind);
    if (!v->bind) {
        llr_fail(e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    int k = 0;
    for (int i = 0; i < v->m; i++)
        if (fabs(v->e[i]) >= v->r - v->tol)
            v->bind[k++] = (llr_lp_bind){LLR_BIND_RESIDUAL, v->e_level[i],
                                         v->e_future[i], v->e_token[i],
                                         v->e[i]};
    for (int s = 1; s <= t; s++)
        for (int i = 0; i < g->cut[s].k; i++) {
            double c = v->lr.c[off[s] + i];
            if (fabs(c) >= g->box - 1e-9)
                v->bind[k++] = (llr_lp_bind){LLR_BIND_BOX, s, i, -1, c};
        }
    v->nbind += v->nbind_box;
    v->slack = 1e-9 * (1 + v->r);
    if (t > 0 && n > 0 && face(g, t, off, n, A, b, v->r + v->slack, v, e))
        goto done;
    for (int j = 0; j < nc; j++)
        v->width = fmax(v->width, v->hi[j] - v->lo[j]);
    for (int z = 0; z < V; z++)
        v->logit_width = fmax(v->logit_width, v->lhi[z] - v->llo[z]);
    v->unique = v->width <= LLR_INSPECT_UNIQUE;
    rc = 0;
done:
    free(A), free(b);
    if (rc)
        llr_lp_view_free(v);
    return rc;
}
