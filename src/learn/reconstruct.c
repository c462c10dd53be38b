#include "learn/reconstruct.h"

#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checkers/certificate.h"
#include "learn/glpk_guard.h"
#include "learn/lsq.h"
#include "learn/lp_optimality.h"


/* GLPK tolerances (glp_smcp defaults): primal feasibility 1e-7. */
#define GLPK_TOL_BND 1e-7
/* The stages stop once the face provably lies within this distance (max
 * norm of c) of the current vertex (spec/learner.md rule 4). */
#define NEAR 1e-11
/* Slack of the guard row that holds a stage's objective at its optimum. */
#define GUARD_REL 1e-9
#define GUARD_ABS 1e-15

int llr_residual_build(const llr_gls *g, const int *y, int t,
                       llr_residual_sys *L, llr_error *e)
{
    int V = g->V;
    memset(L, 0, sizeof *L);
    L->t = t;
    L->off = calloc((size_t)t + 2, sizeof *L->off);
    if (!L->off)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    int n = 0, m = 0;
    for (int s = 1; s <= t; s++) {
        L->off[s] = n;
        n += g->cut[s].k;
        m += g->cut[s].fhat.count * V;
    }
    L->m = m, L->n = n;
    L->A = calloc((size_t)m * (n ? n : 1), sizeof *L->A);
    L->b = calloc((size_t)(m ? m : 1), sizeof *L->b);
    L->lev = calloc((size_t)(m ? m : 1), sizeof *L->lev);
    if (!L->A || !L->b || !L->lev)
        return llr_fail(e, LLR_ENOMEM,
                        "out of memory for a residual system of %d rows", m);
    int row = 0;
    for (int s = 0; s < t; s++) {
        const llr_gls_cut *cs = &g->cut[s], *cn = &g->cut[s + 1];
        int nf = cn->fhat.count, a = y[s];
        for (int j = 0; j < nf; j++)
            for (int z = 0; z < V; z++, row++) {
                double *Ar = L->A + (size_t)row * n;
                L->lev[row] = s;
                for (int i = 0; i < cn->k; i++)
                    Ar[L->off[s + 1] + i] =
                        cn->rhat[((size_t)i * nf + j) * V + z];
                for (int i = 0; i < cs->k; i++) {
                    double v =
                        cs->rext[(((size_t)i * V + a) * nf + j) * V + z];
                    if (!(fabs(v) <= LLR_LP_DATA_MAX))
                        return llr_fail(
                            e, LLR_EINPUT,
                            "residual system: cut%d.rext entry %.3g is %s",
                            s, v, isfinite(v) ? "beyond the range 1e15 of "
                                                "a logit" : "not finite");
                    if (s == 0)
                        L->b[row] += v; /* c_0 = e_1 */
                    else
                        Ar[L->off[s] + i] -= v;
                }
            }
    }
    for (int r = 0; r < m; r++)
        for (int j = 0; j < n; j++) {
            double v = L->A[(size_t)r * n + j];
            if (!(fabs(v) <= LLR_LP_DATA_MAX))
                return llr_fail(e, LLR_EINPUT,
                                "residual system: a coefficient at level "
                                "%d is %.3g, %s",
                                L->lev[r], v,
                                isfinite(v) ? "beyond the range 1e15 of a "
                                              "logit" : "not finite");
        }
    return 0;
}

void llr_residual_free(llr_residual_sys *L)
{
    free(L->A), free(L->b), free(L->lev), free(L->off);
}

/* Simplex iterations allowed per attempt. These LPs take tens; GLPK's
 * primal simplex was seen to cycle forever on an unscaled tie-break LP
 * (fuzz/corpus/lp/regression_tiebreak_cycles), so an attempt is cut off
 * here (deterministically: a count, not a time). */
#define LLR_LP_IT_LIM 20000

/* glp_simplex, and when it fails (GLPK gives up on a basis it finds
 * singular to working precision, or cycles until the iteration limit:
 * both seen on tie-break LPs, whose columns have entries 1 beside
 * coefficients of 1e6), once more on the problem scaled by GLPK
 * (glp_scale_prob) from the standard basis. The retry only runs where the
 * first attempt failed, so every LP GLPK solves directly is solved as
 * before. */
static int simplex(glp_prob *lp, const glp_smcp *parm)
{
    int rc = glp_simplex(lp, parm);
    if (rc == 0 && glp_get_status(lp) == GLP_OPT)
        return 0;
    int out = glp_term_out(GLP_OFF); /* glp_scale_prob reports otherwise */
    glp_scale_prob(lp, GLP_SF_AUTO);
    glp_term_out(out);
    glp_std_basis(lp);
    rc = glp_simplex(lp, parm);
    return rc ? rc : glp_get_status(lp) == GLP_OPT ? 0 : -1;
}

/* The optimal face of the stage just solved. A nonbasic variable whose
 * reduced cost d has the optimality sign with |d| > LLR_LP_TIE is at its
 * bound in every optimal solution (complementary slackness with this
 * dual solution); fix: make it a fixed variable there. Returns 1 when
 * every nonbasic variable is (or would be) fixed: the face is the current
 * vertex. */
static int face(glp_prob *lp, int fix)
{
    int nr = glp_get_num_rows(lp), nc = glp_get_num_cols(lp), point = 1;
    for (int k = 1; k <= nr + nc; k++) {
        int row = k <= nr, i = row ? k : k - nr;
        int st = row ? glp_get_row_stat(lp, i) : glp_get_col_stat(lp, i);
        int type = row ? glp_get_row_type(lp, i) : glp_get_col_type(lp, i);
        if (st == GLP_BS || type == GLP_FX)
            continue;
        double d = row ? glp_get_row_dual(lp, i) : glp_get_col_dual(lp, i);
        if (!((st == GLP_NL && d > LLR_LP_TIE) ||
              (st == GLP_NU && d < -LLR_LP_TIE))) {
            point = 0;
            continue;
        }
        if (!fix)
            continue;
        double v = st == GLP_NL
                       ? (row ? glp_get_row_lb(lp, i) : glp_get_col_lb(lp, i))
                       : (row ? glp_get_row_ub(lp, i) : glp_get_col_ub(lp, i));
        if (row) {
            glp_set_row_bnds(lp, i, GLP_FX, v, v);
            glp_set_row_stat(lp, i, GLP_NS);
        } else {
            glp_set_col_bnds(lp, i, GLP_FX, v, v);
            glp_set_col_stat(lp, i, GLP_NS);
        }
    }
    return point;
}

/* The optimal basis of a prefix's stage-1 LP (llr_lp_warm): the GLPK
 * statuses of its nr = 2 m rows and nc = 1 + n columns. */
typedef struct lp_basis {
    int nr, nc;
    int *rs, *cs;
} lp_basis;

/* Scratch for solve(), allocated before GLPK runs (a longjmp out of GLPK
 * must leak nothing). */
typedef struct lp_work {
    int *ia, *ja;
    double *ar;
    int *ind;   /* n + 3 */
    double *val;
} lp_work;

/* A row sum_j val[j] x_{ind[j]} of type `type` with bound v. */
static void add_row(glp_prob *lp, int len, const int *ind, const double *val,
                    int type, double v)
{
    int i = glp_add_rows(lp, 1);
    glp_set_row_bnds(lp, i, type, v, v);
    glp_set_mat_row(lp, i, len, ind, val);
}

/* Hold the objective just minimised (value z) at its optimum: a guard
 * row objective <= z + GUARD_REL |z| + GUARD_ABS, on top of the fixings
 * of face(), against reduced costs within LLR_LP_TIE of 0. */
static void guard(glp_prob *lp, double z, lp_work *w)
{
    int nc = glp_get_num_cols(lp), len = 0;
    for (int j = 1; j <= nc; j++) {
        double c = glp_get_obj_coef(lp, j);
        if (c != 0.0)
            len++, w->ia[len] = j, w->ar[len] = c;
    }
    add_row(lp, len, w->ia, w->ar, GLP_UP,
            z + GUARD_REL * fabs(z) + GUARD_ABS);
}

static void clear_objective(glp_prob *lp)
{
    for (int j = 1; j <= glp_get_num_cols(lp); j++)
        glp_set_obj_coef(lp, j, 0.0);
}

/* After stage 1: when every cut is separated, two points of the stage's
 * face (max |e| <= r*) differ by at most 2 r* K in max norm (K: the
 * bound of llr_reconstruct), so the current vertex is the answer within
 * NEAR when 2 K r* <= NEAR (up to rounding: the vertex itself solves the
 * equations only up to rounding, which no later stage could improve). */
static int near(glp_prob *lp, double K)
{
    return K < INFINITY && 2 * K * fmax(glp_get_col_prim(lp, 1), 0.0) <= NEAR;
}

/* The stages of spec/learner.md rule 4 (see reconstruct.h). Columns:
 * 1 = r, 2..n+1 = x; stage 2 adds t level maxima, stage 3 n magnitudes.
 * All GLPK work of a solve happens here. */
static int stages(const llr_residual_sys *L, double box, double K, glp_prob *lp,
                  lp_work *w, double *x, double *r_claim, int *nst,
                  int *ncert, int *nfail, const lp_basis *from,
                  lp_basis *to, llr_error *e)
{
    int m = L->m, n = L->n, t = L->t;
    glp_set_obj_dir(lp, GLP_MIN);
    glp_add_cols(lp, 1 + n);
    glp_set_col_bnds(lp, 1, GLP_LO, 0.0, 0.0);
    glp_set_obj_coef(lp, 1, 1.0);
    for (int j = 0; j < n; j++)
        glp_set_col_bnds(lp, 2 + j, GLP_DB, -box, box);
    /* Rows: 2 per residual. */
    glp_add_rows(lp, m ? 2 * m : 1);
    int ne = 0;
    for (int i = 0; i < m; i++)
        for (int sgn = 0; sgn < 2; sgn++) {
            int row = 2 * i + sgn + 1;
            /* sgn 0: A x - r <= b;  sgn 1: A x + r >= b. */
            glp_set_row_bnds(lp, row, sgn ? GLP_LO : GLP_UP, L->b[i], L->b[i]);
            ne++, w->ia[ne] = row, w->ja[ne] = 1, w->ar[ne] = sgn ? 1.0 : -1.0;
            for (int j = 0; j < n; j++) {
                double v = L->A[(size_t)i * n + j];
                if (v != 0.0)
                    ne++, w->ia[ne] = row, w->ja[ne] = 2 + j, w->ar[ne] = v;
            }
        }
    glp_load_matrix(lp, ne, w->ia, w->ja, w->ar);
    if (from) { /* the parent's stage-1 basis, extended (see warm_basis) */
        for (int i = 1; i <= 2 * m; i++)
            glp_set_row_stat(lp, i, i <= from->nr ? from->rs[i - 1] : GLP_BS);
        for (int j = 1; j <= 1 + n; j++)
            glp_set_col_stat(lp, j, j <= from->nc ? from->cs[j - 1] : GLP_NL);
    }
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.meth = GLP_DUALP;
    parm.it_lim = LLR_LP_IT_LIM;
    static const char *what[] = {"the reconstruction LP",
                                 "its per-level stage", "its sum |c| stage",
                                 "a coordinate stage"};
    int last = n > 0 ? 3 + n : 1;
    *nst = 0;
    for (int k = 1; k <= last; k++) {
        if (k > 1) {
            double z = glp_get_obj_val(lp);
            if (face(lp, 0) || (k == 2 && near(lp, K)))
                break;
            face(lp, 1);
            guard(lp, z, w);
            clear_objective(lp);
            parm.meth = GLP_PRIMAL;
        }
        if (k == 2) { /* level maxima l_s >= |e| of every row of level s */
            int c0 = glp_add_cols(lp, t);
            for (int s = 0; s < t; s++) {
                glp_set_col_bnds(lp, c0 + s, GLP_LO, 0.0, 0.0);
                glp_set_obj_coef(lp, c0 + s, 1.0);
            }
            for (int i = 0; i < m; i++) {
                int len = 0;
                for (int j = 0; j < n; j++) {
                    double v = L->A[(size_t)i * n + j];
                    if (v != 0.0)
                        len++, w->ind[len] = 2 + j, w->val[len] = v;
                }
                w->ind[++len] = c0 + L->lev[i];
                w->val[len] = -1.0;
                add_row(lp, len, w->ind, w->val, GLP_UP, L->b[i]);
                w->val[len] = 1.0;
                add_row(lp, len, w->ind, w->val, GLP_LO, L->b[i]);
            }
        } else if (k == 3) { /* u_j >= |x_j| */
            int c0 = glp_add_cols(lp, n);
            for (int j = 0; j < n; j++) {
                glp_set_col_bnds(lp, c0 + j, GLP_LO, 0.0, 0.0);
                glp_set_obj_coef(lp, c0 + j, 1.0);
                w->ind[1] = 2 + j, w->ind[2] = c0 + j;
                w->val[1] = 1.0, w->val[2] = -1.0;
                add_row(lp, 2, w->ind, w->val, GLP_UP, 0.0);
                w->val[2] = 1.0;
                add_row(lp, 2, w->ind, w->val, GLP_LO, 0.0);
            }
        } else if (k > 3) {
            glp_set_obj_coef(lp, 2 + (k - 4), 1.0);
        }
        int rc = simplex(lp, &parm);
        if (rc != 0 && k >= 2) {
            /* GLPK finds a tie-break stage's face empty (its stage-1
             * vertex was feasible only within its tolerance): the answer
             * is the previous stage's point, still optimal for the stages
             * before and certified as any answer; counted as uncertified
             * (spec/learner.md rule 4). */
            ++*nfail;
            break;
        }
        if (rc != 0)
            return llr_fail(e, LLR_ESOLVER,
                            "GLPK simplex failed on %s (code %d, status %d)",
                            what[k < 4 ? k - 1 : 3], rc,
                            glp_get_status(lp));
        /* Each stage's optimum certified by duality: stage 1 (r*) must
         * be, a tie-break stage is counted either way (reconstruct.h). */
        llr_lp_gap gap;
        int cert = llr_lp_optimality(lp, what[k < 4 ? k - 1 : 3], k == 1,
                                     &gap, e);
        if (cert < 0)
            return -1;
        *ncert += cert == 0, *nfail += cert == 1;
        if (k == 1) {
            *r_claim = glp_get_col_prim(lp, 1);
            for (int i = 0; to && i < to->nr; i++)
                to->rs[i] = glp_get_row_stat(lp, i + 1);
            for (int j = 0; to && j < to->nc; j++)
                to->cs[j] = glp_get_col_stat(lp, j + 1);
        }
        *nst = k;
        for (int j = 0; j < n; j++)
            x[j] = glp_get_col_prim(lp, 2 + j);
    }
    return 0;
}

/* The arguments of stages() for llr_glpk_run. */
typedef struct stages_ctx {
    const llr_residual_sys *L;
    double box, K;
    lp_work *w;
    double *x, *r_claim;
    int *nst, *ncert, *nfail;
    const lp_basis *from;
    lp_basis *to;
} stages_ctx;

static int stages_body(glp_prob *lp, void *ctx, llr_error *e)
{
    stages_ctx *c = ctx;
    return stages(c->L, c->box, c->K, lp, c->w, c->x, c->r_claim, c->nst,
                  c->ncert, c->nfail, c->from, c->to, e);
}

/* Solve the stages of the LP L with GLPK, guarded against its aborts.
 * x receives the solution (n values). */
static int solve(const llr_residual_sys *L, double box, double K, double *x,
                 double *r_claim, int *nst, int *ncert, int *nfail,
                 const lp_basis *from, lp_basis *to, llr_error *e)
{
    int m = L->m, n = L->n;
    size_t cap = (size_t)2 * m * (n + 1) + (size_t)n + 4;
    lp_work w = {malloc((cap + 1) * sizeof *w.ia),
                 malloc((cap + 1) * sizeof *w.ja),
                 malloc((cap + 1) * sizeof *w.ar),
                 malloc(((size_t)n + 4) * sizeof *w.ind),
                 malloc(((size_t)n + 4) * sizeof *w.val)};
    int rc;
    if (!w.ia || !w.ja || !w.ar || !w.ind || !w.val) {
        rc = llr_fail(e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    stages_ctx c = {L, box, K, &w, x, r_claim, nst, ncert, nfail, from, to};
    rc = llr_glpk_run("the reconstruction LP", stages_body, &c, e);
done:
    free(w.ia), free(w.ja), free(w.ar), free(w.ind), free(w.val);
    return rc;
}

/* The objectives of stages 2 and 3 at the answer x. */
static void stage_values(const llr_residual_sys *L, const double *x,
                         llr_lp_result *res)
{
    double lev = 0, cur = 0;
    for (int i = 0; i < L->m; i++) {
        if (i > 0 && L->lev[i] != L->lev[i - 1])
            lev += cur, cur = 0;
        double s = -L->b[i];
        for (int j = 0; j < L->n; j++)
            s += L->A[(size_t)i * L->n + j] * x[j];
        cur = fmax(cur, fabs(s));
    }
    res->levels = lev + cur;
    res->coef_sum = 0;
    for (int j = 0; j < L->n; j++)
        res->coef_sum += fabs(x[j]);
}

/* ---- Warm starts (llr_lp_warm) ----
 * The LP of y_{1:t} is the LP of y_{1:t-1} with the columns of c_t and
 * the rows of level t-1 appended (llr_residual_build orders both by level). The
 * parent's optimal stage-1 basis, with the new rows basic and the new
 * columns nonbasic at their lower bound, is a basis of the child's
 * stage-1 LP: nonsingular (block triangular: the new rows' slacks), and
 * dual feasible (the new columns have cost 0 and appear only in the new
 * rows, whose duals are 0), so the dual simplex starts from it. Entry s
 * of the cache holds the stage-1 basis of one prefix of length s, solved
 * itself from its parent's entry; a prefix whose parent's entry is
 * missing gets it first (recursively, from the root). So the basis used
 * at a prefix depends on the prefix alone, never on which prefixes were
 * solved before: the answers are a function of the prefix. */
struct llr_lp_warm {
    int T, cold;
    lp_basis *b;  /* T entries: b[s] for a prefix of length s */
    int *y;       /* T x T: y[s T ..] the prefix of entry s */
    int *valid;   /* T */
    double *c, *logits; /* scratch for the parents' solves */
    int V, d;
};

llr_lp_warm *llr_lp_warm_new(int V, int T, int d)
{
    llr_lp_warm *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    int Tp = T > 0 ? T : 1;
    w->T = T, w->V = V, w->d = d;
    const char *cold = getenv("LLR_LP_COLD");
    w->cold = cold && *cold && strcmp(cold, "0") != 0;
    w->b = calloc((size_t)Tp, sizeof *w->b);
    w->y = calloc((size_t)Tp * Tp, sizeof *w->y);
    w->valid = calloc((size_t)Tp, sizeof *w->valid);
    w->c = malloc((1 + (size_t)Tp * (d > 0 ? d : 1)) * sizeof *w->c);
    w->logits = malloc((size_t)(V > 0 ? V : 1) * sizeof *w->logits);
    if (!w->b || !w->y || !w->valid || !w->c || !w->logits) {
        llr_lp_warm_free(w);
        return NULL;
    }
    return w;
}

void llr_lp_warm_reset(llr_lp_warm *w)
{
    if (w)
        memset(w->valid, 0, (size_t)(w->T > 0 ? w->T : 1) * sizeof *w->valid);
}

void llr_lp_warm_free(llr_lp_warm *w)
{
    if (!w)
        return;
    for (int s = 0; w->b && s < w->T; s++)
        free(w->b[s].rs), free(w->b[s].cs);
    free(w->b), free(w->y), free(w->valid), free(w->c), free(w->logits);
    free(w);
}

/* Entry t of w, sized for the LP L (no entry when t is out of range). */
static lp_basis *warm_slot(llr_lp_warm *w, const llr_residual_sys *L, int t)
{
    if (!w || w->cold || t < 1 || t >= w->T)
        return NULL;
    lp_basis *b = &w->b[t];
    w->valid[t] = 0;
    int nr = 2 * L->m, nc = 1 + L->n;
    int *rs = realloc(b->rs, (size_t)(nr ? nr : 1) * sizeof *rs);
    if (rs)
        b->rs = rs;
    int *cs = realloc(b->cs, (size_t)nc * sizeof *cs);
    if (cs)
        b->cs = cs;
    if (!rs || !cs)
        return NULL; /* no memory: solve cold, remember nothing */
    b->nr = nr, b->nc = nc;
    return b;
}

/* The entry of prefix y[0..t-1] when w holds it, else NULL. */
static const lp_basis *warm_find(const llr_lp_warm *w, const int *y, int t)
{
    if (!w || w->cold || t < 1 || t >= w->T || !w->valid[t] ||
        memcmp(w->y + (size_t)t * w->T, y, (size_t)t * sizeof *y) != 0)
        return NULL;
    return &w->b[t];
}

static int reconstruct(const llr_gls *g, const int *y, int t, double *logits,
                       llr_lp_result *res, int flags, llr_lp_warm *w,
                       llr_error *e);

int llr_reconstruct(const llr_gls *g, const int *y, int t, double *logits,
                    llr_lp_result *res, int flags, llr_error *e)
{
    if (g->recon == LLR_RECON_LSQ) /* an approximate model (lsq.h) */
        return llr_reconstruct_lsq(g, y, t, logits, res, flags, e);
    return reconstruct(g, y, t, logits, res, flags, NULL, e);
}

int llr_reconstruct_warm(const llr_gls *g, const int *y, int t,
                         double *logits, llr_lp_result *res, int flags,
                         llr_lp_warm *w, llr_error *e)
{
    if (g->recon == LLR_RECON_LSQ) /* no LP, nothing to warm-start */
        return llr_reconstruct_lsq(g, y, t, logits, res, flags, e);
    if (w && (w->T != g->T || w->V != g->V || w->d < g->d))
        w = NULL; /* made for another shape: cold */
    if (w && !w->cold && t >= 2 && t - 1 < w->T &&
        !warm_find(w, y, t - 1)) {
        /* The parent's entry first (its answer is discarded). */
        llr_lp_result pr = {0};
        pr.c = w->c;
        if (llr_reconstruct_warm(g, y, t - 1, w->logits, &pr, 0, w, e))
            return -1;
    }
    return reconstruct(g, y, t, logits, res, flags, w, e);
}

static int reconstruct(const llr_gls *g, const int *y, int t, double *logits,
                       llr_lp_result *res, int flags, llr_lp_warm *w,
                       llr_error *e)
{
    int V = g->V;
    res->residual = 0;
    res->feasible = 1;
    res->c[0] = 1.0;
    res->nc = 1;
    res->objective = 0;
    res->tiebreak = 0;
    res->stages = 0;
    res->levels = 0;
    res->coef_sum = 0;
    res->certified = 0;
    res->duality = 0;
    res->uncertified = 0;
    if (t == 0) {
        memcpy(logits, g->cut[0].rhat, (size_t)V * sizeof *logits);
        return 0;
    }
    llr_residual_sys L;
    if (llr_residual_build(g, y, t, &L, e)) {
        llr_residual_free(&L);
        return -1;
    }
    double *x = res->c + 1, rclaim = 0;
    int nst = 0, rc = 0;
    if (!(g->box > 0 && g->box <= LLR_LP_DATA_MAX))
        rc = llr_fail(e, LLR_EINPUT,
                      "reconstruction LP: the box %g is not in (0, 1e15]",
                      g->box);
    /* K bounds max |c - c'| / max |e - e'| over the coefficient vectors
     * c, c' of this prefix when every cut is separated: c_{s+1} - c'_{s+1}
     * = P_{s+1} (e_s - e'_s + R_s(y_s) (c_s - c'_s)) (gls.h, llr_gls_cut.bound). */
    double K = 0.0, d = 0;
    for (int s = 0; s < t && K < INFINITY; s++) {
        const double *bn = g->cut[s + 1].bound, *bs = g->cut[s].bound;
        if (!bn || !bs) {
            K = INFINITY;
            break;
        }
        d = bn[0] * (1 + (s ? bs[1 + y[s]] : 0.0) * d);
        K = isnan(d) ? INFINITY : fmax(K, d);
    }
    const lp_basis *from = t >= 2 ? warm_find(w, y, t - 1) : NULL;
    if (from && (from->nr != 2 * (L.m - g->cut[t].fhat.count * V) ||
                 from->nc != 1 + L.off[t]))
        from = NULL; /* not this model's parent LP */
    lp_basis *to = rc == 0 ? warm_slot(w, &L, t) : NULL;
    if (rc == 0)
        rc = solve(&L, g->box, K, x, &rclaim, &nst, &res->duality,
                   &res->uncertified, from, to, e);
    if (rc == 0 && to && nst >= 1) {
        memcpy(w->y + (size_t)t * w->T, y, (size_t)t * sizeof *y);
        w->valid[t] = 1;
    }
    res->objective = rclaim;
    res->stages = nst;
    res->tiebreak = nst > 1;
    if (rc == 0 && (flags & LLR_LP_CORRUPT_FOR_TEST) && L.n > 0)
        x[L.n - 1] = g->box + 0.5; /* out of the box, whatever it was */
    if (rc == 0) {
        /* Certify: the box, and the residuals recomputed from scratch. */
        double r = llr_cert_residual(L.A, x, L.b, L.m, L.n);
        if (!llr_cert_box(x, L.n, g->box, GLPK_TOL_BND * (1 + g->box)))
            rc = llr_fail(e, LLR_ECERT,
                          "LP certificate rejected: a coefficient lies "
                             "outside the box [-%g, %g]", g->box, g->box);
        else if (!(r <= rclaim + GLPK_TOL_BND * (1 + fabs(rclaim))))
            rc = llr_fail(e, LLR_ECERT,
                          "LP certificate rejected: recomputed residual "
                             "%.3g exceeds the solver's claim %.3g", r,
                          rclaim);
        else {
            res->certified = 1;
            res->residual = r;
            stage_values(&L, x, res);
            res->feasible = r <= g->tau;
        }
    }
    if (rc == 0) {
        const llr_gls_cut *ct = &g->cut[t];
        int nf = ct->fhat.count;
        res->nc = 1 + L.n;
        memset(logits, 0, (size_t)V * sizeof *logits);
        if (res->feasible)
            for (int i = 0; i < ct->k; i++)
                for (int z = 0; z < V; z++)
                    logits[z] += x[L.off[t] + i] *
                                 ct->rhat[((size_t)i * nf + 0) * V + z];
    }
    llr_residual_free(&L);
    return rc;
}
