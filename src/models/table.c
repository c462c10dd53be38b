#include "models/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/prefix.h"
#include "kernels/softmax.h"

typedef struct table {
    uint64_t rows;
    uint64_t *first; /* first[t] = number of the first prefix of length t */
    double *logits;  /* [rows][V] */
} table;

static table *impl(const llr_model *m)
{
    return (table *)m->impl;
}

/* State: the index of the prefix among those of its length (uint64_t). */
static int table_root(const llr_model *m, void *state, llr_error *e)
{
    (void)m, (void)e;
    uint64_t i = 0;
    memcpy(state, &i, sizeof i);
    return 0;
}

static int table_step(const llr_model *m, const void *state, int t, int tok,
                      void *next, llr_error *e)
{
    (void)t, (void)e;
    uint64_t i;
    memcpy(&i, state, sizeof i);
    i = i * (uint64_t)m->V + (uint64_t)tok;
    memcpy(next, &i, sizeof i);
    return 0;
}

static int table_logits(const llr_model *m, const void *state, int t,
                        double *out, llr_error *e)
{
    uint64_t i;
    memcpy(&i, state, sizeof i);
    const double *row = impl(m)->logits + (impl(m)->first[t] + i) * m->V;
    llr_centre(row, m->V, out);
    return llr_check_finite_logits(out, m->V, t, e);
}

static int table_save(const llr_model *m, const char *path, llr_error *e)
{
    llr_st_out t = {"logits", LLR_DT_F64, 2,
                    {impl(m)->rows, (uint64_t)m->V}, impl(m)->logits};
    const char *meta[] = {"llr.kind", "table", "llr.format", "1"};
    return llr_model_write(m, path, &t, 1, meta, 2, e);
}

static void table_destroy(llr_model *m)
{
    free(impl(m)->first);
    free(impl(m)->logits);
    free(m->impl);
    free(m);
}

static const llr_model_ops table_ops = {
    "table", table_root, table_step, table_logits, table_save, table_destroy,
    llr_model_sample_direct, NULL, NULL,
    NULL,
};

double *llr_table_logits(const llr_model *m)
{
    return m->ops == &table_ops ? impl(m)->logits : NULL;
}

/* Number of rows of a (V, T) table, checked against the size limit. */
static int table_rows(int V, int T, uint64_t *rows, llr_error *e)
{
    if (llr_model_check_dims(V, T, 0, e))
        return -1;
    if (llr_prefix_total((uint64_t)V, (uint64_t)T,
                         LLR_TABLE_MAX_ENTRIES / (uint64_t)V, rows))
        return llr_fail(e, LLR_EBUDGET,
                        "a table for V=%d, T=%d has more than 2^27 entries",
                        V, T);
    return 0;
}

int llr_table_wrap(int V, int T, double *logits, llr_model **out,
                   llr_error *e)
{
    *out = NULL;
    uint64_t rows;
    if (table_rows(V, T, &rows, e)) {
        free(logits);
        return -1;
    }
    llr_model *m = calloc(1, sizeof *m);
    table *tb = calloc(1, sizeof *tb);
    uint64_t *first = malloc((size_t)(T + 1) * sizeof *first);
    if (!m || !tb || !first) {
        free(m), free(tb), free(first), free(logits);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    for (int t = 0; t <= T; t++)
        llr_prefix_total((uint64_t)V, (uint64_t)t, UINT64_MAX >> 1, &first[t]);
    *tb = (table){rows, first, logits};
    *m = (llr_model){&table_ops, V, T, 0, sizeof(uint64_t), tb, NULL, 0};
    *out = m;
    return 0;
}

int llr_table_generate(int V, int T, uint64_t seed, double scale,
                       llr_model **out, llr_error *e)
{
    uint64_t rows;
    *out = NULL;
    if (table_rows(V, T, &rows, e))
        return -1;
    if (!(scale > 0) || !isfinite(scale) || scale > 1e6)
        return llr_fail(e, LLR_EINPUT, "scale %g is outside (0, 1e6]", scale);
    double *l = malloc((size_t)rows * V * sizeof *l);
    if (!l)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    llr_prng g;
    llr_prng_seed(&g, seed);
    for (size_t i = 0; i < (size_t)rows * V; i++)
        l[i] = scale * (llr_prng_uniform(&g) - 0.5);
    return llr_table_wrap(V, T, l, out, e);
}

int llr_table_from_model(const llr_model *src, llr_model **out, llr_error *e)
{
    uint64_t rows;
    *out = NULL;
    int V = src->V, T = src->T;
    if (table_rows(V, T, &rows, e))
        return -1;
    double *l = malloc((size_t)rows * V * sizeof *l);
    int *tok = malloc((size_t)T * sizeof *tok);
    void *st = llr_model_states(src, T + 1);
    if (!l || !tok || !st) {
        free(l), free(tok), free(st);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    /* Walk each length in enumeration order; the state stack shares the
     * work of common prefixes (only the changed suffix is re-stepped). */
    int rc = src->ops->root(src, llr_model_state_at(src, st, 0), e);
    uint64_t r = 0;
    for (int t = 0; rc == 0 && t < T; t++) {
        memset(tok, 0, (size_t)T * sizeof *tok);
        int valid = 0; /* states 0..valid are up to date */
        do {
            for (int i = valid; rc == 0 && i < t; i++)
                rc = src->ops->step(src, llr_model_state_at(src, st, i), i,
                                    tok[i], llr_model_state_at(src, st, i + 1),
                                    e);
            if (rc == 0)
                rc = src->ops->logits(src, llr_model_state_at(src, st, t), t,
                                      l + r * V, e);
            r++;
            /* The next prefix changes positions from the last one that
             * was incremented onwards. */
            valid = t - 1;
            while (valid >= 0 && tok[valid] == V - 1)
                valid--;
            if (valid < 0)
                valid = 0;
        } while (rc == 0 && llr_prefix_next(tok, t, V));
    }
    free(tok);
    free(st);
    if (rc) {
        free(l);
        return -1;
    }
    return llr_table_wrap(V, T, l, out, e);
}

int llr_table_from_file(const llr_st_file *f, llr_model **out, llr_error *e)
{
    *out = NULL;
    const llr_st_tensor *t = llr_st_expect(f, "logits", LLR_DT_F64, 2, e);
    if (!t)
        return -1;
    if (f->ntensors != 1)
        return llr_fail(e, LLR_EINPUT,
                        "%s: a table file holds exactly the tensor "
                           "'logits'; this one has %zu tensors",
                        f->name, f->ntensors);
    uint64_t rows = t->shape[0], V = t->shape[1];
    if (V < 2 || V > LLR_MAX_VOCAB)
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor 'logits' has %llu columns; the "
                           "vocabulary size must be in [2, %d]",
                        f->name, (unsigned long long)V, LLR_MAX_VOCAB);
    int T = 0;
    uint64_t total = 0, power = 1;
    while (total < rows && T < LLR_MAX_HORIZON) {
        total += power;
        T++;
        if (power > (UINT64_MAX >> 2) / V)
            break;
        power *= V;
    }
    if (total != rows || T < 1)
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor 'logits' has %llu rows, which is not "
                           "1 + V + ... + V^(T-1) for V = %llu and any "
                           "horizon T",
                        f->name, (unsigned long long)rows,
                        (unsigned long long)V);
    double *l = malloc((size_t)t->count * sizeof *l);
    if (!l)
        return llr_fail(e, LLR_ENOMEM, "%s: out of memory", f->name);
    if (llr_st_copy_f64(f, t, l, 1, e)) {
        free(l);
        return -1;
    }
    if (llr_table_wrap((int)V, T, l, out, e))
        return llr_fail_prefix(e, "%s", f->name);
    return 0;
}

