#include "learn/empirical.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/softmax.h"
#include "oracle/trie.h"

/* Nodes in creation order: node 0 is the empty prefix; parent[i] and
 * token[i] say how node i extends its parent (-1 for the root). */
typedef struct empirical {
    llr_trie trie;
    size_t n;
    int64_t *parent, *token;
    double *counts; /* n x V */
    double alpha;
} empirical;

static empirical *impl(const llr_model *m)
{
    return (empirical *)m->impl;
}

/* State: the node of the prefix, or -1 once the prefix was never seen. */
static int emp_root(const llr_model *m, void *state, llr_error *e)
{
    (void)m, (void)e;
    int64_t n = 0;
    memcpy(state, &n, sizeof n);
    return 0;
}

static int emp_step(const llr_model *m, const void *state, int t, int tok,
                    void *next, llr_error *e)
{
    (void)t, (void)e;
    int64_t n;
    memcpy(&n, state, sizeof n);
    if (n >= 0)
        n = llr_trie_child(&impl(m)->trie, n, tok);
    memcpy(next, &n, sizeof n);
    return 0;
}

static int emp_logits(const llr_model *m, const void *state, int t,
                      double *out, llr_error *e)
{
    (void)t, (void)e;
    int64_t n;
    memcpy(&n, state, sizeof n);
    int V = m->V;
    double tot = 0;
    const double *c = n >= 0 ? impl(m)->counts + (size_t)n * V : NULL;
    for (int z = 0; c && z < V; z++)
        tot += c[z];
    if (!c || tot == 0) {
        memset(out, 0, (size_t)V * sizeof *out);
        return 0;
    }
    for (int z = 0; z < V; z++)
        out[z] = log(c[z] + impl(m)->alpha);
    llr_centre(out, V, out);
    return 0;
}

static int emp_save(const llr_model *m, const char *path, llr_error *e)
{
    empirical *p = impl(m);
    char alpha[40], horizon[16];
    snprintf(alpha, sizeof alpha, "%.17g", p->alpha);
    snprintf(horizon, sizeof horizon, "%d", m->T);
    llr_st_out t[3] = {
        {"parent", LLR_DT_I64, 1, {p->n}, p->parent},
        {"token", LLR_DT_I64, 1, {p->n}, p->token},
        {"counts", LLR_DT_F64, 2, {p->n, (uint64_t)m->V}, p->counts},
    };
    const char *meta[] = {"llr.kind", "empirical", "llr.format", "1",
                          "llr.alpha", alpha, "llr.horizon", horizon};
    return llr_model_write(m, path, t, 3, meta, 4, e);
}

static void emp_free(empirical *p)
{
    llr_trie_free(&p->trie);
    free(p->parent), free(p->token), free(p->counts);
    free(p);
}

static void emp_destroy(llr_model *m)
{
    emp_free(impl(m));
    free(m);
}

static const llr_model_ops emp_ops = {
    "empirical", emp_root, emp_step, emp_logits, emp_save, emp_destroy,
    llr_model_sample_direct, NULL, NULL,
    NULL,
};

/* Room for one more node. */
static int reserve(empirical *p, int V, size_t *cap, llr_error *e)
{
    if (p->n < *cap)
        return 0;
    size_t c = *cap ? 2 * *cap : 1024;
    int64_t *pa = realloc(p->parent, c * sizeof *pa);
    if (pa)
        p->parent = pa;
    int64_t *to = realloc(p->token, c * sizeof *to);
    if (to)
        p->token = to;
    double *co = realloc(p->counts, c * V * sizeof *co);
    if (co)
        p->counts = co;
    if (!pa || !to || !co)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    *cap = c;
    return 0;
}

static int wrap(empirical *p, int V, int T, llr_model **out, llr_error *e)
{
    llr_model *m = calloc(1, sizeof *m);
    if (!m) {
        emp_free(p);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    *m = (llr_model){&emp_ops, V, T, 0, sizeof(int64_t), p, NULL, 0};
    *out = m;
    return 0;
}

int llr_empirical_learn(llr_oracle *o, uint64_t m, double alpha,
                        uint64_t seed, llr_model **out, llr_error *e)
{
    int V = llr_oracle_model(o)->V, T = llr_oracle_model(o)->T;
    *out = NULL;
    if (!(alpha > 0) || !isfinite(alpha))
        return llr_fail(e, LLR_EUSAGE,
                        "empirical: alpha %g must be positive", alpha);
    empirical *p = calloc(1, sizeof *p);
    int *y = malloc((size_t)T * sizeof *y);
    size_t cap = 0;
    if (!p || !y || llr_trie_init(&p->trie, V, e) || reserve(p, V, &cap, e)) {
        free(y);
        if (p)
            emp_free(p);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    p->alpha = alpha;
    p->n = 1;
    p->parent[0] = p->token[0] = -1;
    memset(p->counts, 0, (size_t)V * sizeof *p->counts);
    llr_prng g;
    llr_prng_seed(&g, llr_mix64(seed ^ 0x53414d504c4553ULL));
    if (llr_oracle_prefetch_samples(o, &g,
                                    m > LLONG_MAX ? LLONG_MAX : (long long)m,
                                    e))
        goto fail;
    for (uint64_t i = 0; i < m; i++) {
        if (llr_oracle_sample(o, &g, y, NULL, e))
            goto fail;
        int64_t node = 0;
        for (int t = 0; t < T; t++) {
            p->counts[(size_t)node * V + y[t]] += 1;
            if (t + 1 == T)
                break;
            int64_t c = llr_trie_child(&p->trie, node, y[t]);
            if (c < 0) {
                if (reserve(p, V, &cap, e))
                    goto fail;
                c = llr_trie_node(&p->trie, y, t + 1, 1, e);
                if (c < 0)
                    goto fail;
                /* The trie numbers nodes in creation order, as we do. */
                p->parent[c] = node;
                p->token[c] = y[t];
                memset(p->counts + (size_t)c * V, 0, (size_t)V * sizeof(double));
                p->n = (size_t)c + 1;
            }
            node = c;
        }
    }
    free(y);
    return wrap(p, V, T, out, e);
fail:
    free(y);
    emp_free(p);
    return -1;
}

int llr_empirical_from_file(const llr_st_file *f, llr_model **out,
                            llr_error *e)
{
    *out = NULL;
    const llr_st_tensor *tp = llr_st_expect(f, "parent", LLR_DT_I64, 1, e);
    const llr_st_tensor *tt = tp ? llr_st_expect(f, "token", LLR_DT_I64, 1, e) : 0;
    const llr_st_tensor *tc = tt ? llr_st_expect(f, "counts", LLR_DT_F64, 2, e) : 0;
    if (!tc)
        return -1;
    const char *sa = llr_st_meta(f, "llr.alpha"), *sh = llr_st_meta(f, "llr.horizon");
    char *end;
    errno = 0;
    double alpha = sa ? strtod(sa, &end) : NAN;
    int okalpha = sa && *sa && !*end && !errno && alpha > 0 && isfinite(alpha);
    errno = 0;
    long T = sh ? strtol(sh, &end, 10) : -1;
    int okT = sh && *sh && !*end && !errno;
    uint64_t n = tp->shape[0], V = tc->shape[1];
    if (!okalpha || !okT)
        return llr_fail(e, LLR_EINPUT,
                        "%s: __metadata__ llr.alpha or llr.horizon is "
                           "missing or malformed", f->name);
    if (llr_model_check_dims((long long)V, T, 0, e))
        return llr_fail_prefix(e, "%s", f->name);
    if (n < 1 || tt->shape[0] != n || tc->shape[0] != n)
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensors parent, token and counts must have "
                           "the same number (>= 1) of nodes", f->name);
    empirical *p = calloc(1, sizeof *p);
    size_t cap = 0;
    if (!p || llr_trie_init(&p->trie, (int)V, e)) {
        free(p);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    p->alpha = alpha;
    while (cap < n)
        if (reserve(p, (int)V, &cap, e))
            goto fail;
    if (llr_st_copy_i64(f, tp, p->parent, e) ||
        llr_st_copy_i64(f, tt, p->token, e) ||
        llr_st_copy_f64(f, tc, p->counts, 1, e))
        goto fail;
    /* Rebuild the trie: node i must extend an earlier node by a token. */
    int *path = malloc((size_t)T * sizeof *path);
    int *depth = malloc((size_t)n * sizeof *depth);
    if (!path || !depth) {
        free(path), free(depth);
        llr_fail(e, LLR_ENOMEM, "out of memory");
        goto fail;
    }
    depth[0] = 0;
    int bad = p->parent[0] != -1 || p->token[0] != -1;
    for (uint64_t i = 1; !bad && i < n; i++) {
        int64_t par = p->parent[i], tok = p->token[i];
        if (par < 0 || (uint64_t)par >= i || tok < 0 || (uint64_t)tok >= V ||
            depth[par] + 1 >= T || llr_trie_child(&p->trie, par, (int)tok) >= 0) {
            bad = 1;
            break;
        }
        depth[i] = depth[par] + 1;
        int64_t a = (int64_t)i;
        for (int k = depth[i] - 1; k >= 0; k--) {
            path[k] = (int)p->token[a];
            a = p->parent[a];
        }
        int64_t c = llr_trie_node(&p->trie, path, depth[i], 1, e);
        if (c != (int64_t)i)
            bad = 1;
    }
    for (uint64_t i = 0; !bad && i < n * V; i++)
        bad = p->counts[i] < 0;
    free(path), free(depth);
    if (bad) {
        llr_fail(e, LLR_EINPUT,
                 "%s: the tensors parent and token do not describe a "
                    "prefix tree in creation order (or a count is negative)",
                 f->name);
        goto fail;
    }
    p->n = n;
    return wrap(p, (int)V, (int)T, out, e);
fail:
    emp_free(p);
    return -1;
}
