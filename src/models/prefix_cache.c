#include "models/prefix_cache.h"

#include <stdlib.h>
#include <string.h>

#include "base/capacity.h"
#include "base/prng.h"

static size_t hash(const llr_pcache *c, int64_t parent, int z)
{
    uint64_t h = llr_mix64((uint64_t)parent * 0x100000001b3ULL ^
                           (uint64_t)(unsigned)z);
    return (size_t)h & (c->nslots - 1);
}

/* Rebuild the hash table with n slots (a power of two). */
static int rehash(llr_pcache *c, size_t n, llr_error *e)
{
    int64_t *s = malloc(n * sizeof *s);
    if (!s)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        s[i] = -1;
    free(c->slot);
    c->slot = s;
    c->nslots = n;
    for (size_t v = 1; v < c->nodes; v++) {
        size_t h = hash(c, c->parent[v], c->tok[v]);
        while (s[h] >= 0)
            h = (h + 1) & (n - 1);
        s[h] = (int64_t)v;
    }
    return 0;
}

/* Room for one more node in every per-node array. */
static int grow(llr_pcache *c, llr_error *e)
{
    if (c->nodes < c->cap)
        return 0;
    size_t n;
    if (llr_capacity(c->cap, c->nodes + 1, 1024, sizeof(uint64_t), &n))
        return llr_fail(e, LLR_ENOMEM, "out of memory");
#define GROW(field)                                                         \
    do {                                                                    \
        void *t = realloc(c->field, n * sizeof *c->field);                  \
        if (!t)                                                             \
            return llr_fail(e, LLR_ENOMEM, "out of memory");                \
        c->field = t;                                                       \
    } while (0)
    GROW(parent);
    GROW(tok);
    GROW(len);
    GROW(val);
    GROW(seen);
    GROW(mark);
#undef GROW
    c->cap = n;
    return 0;
}

int llr_pcache_init(llr_pcache *c, int V, size_t max_values, llr_error *e)
{
    memset(c, 0, sizeof *c);
    c->V = V;
    c->valmax = max_values ? max_values : 1;
    if (grow(c, e) || rehash(c, 64, e)) {
        llr_pcache_free(c);
        return -1;
    }
    c->nodes = 1;
    c->parent[0] = -1, c->tok[0] = -1, c->len[0] = 0, c->val[0] = -1;
    c->seen[0] = 0, c->mark[0] = 0;
    return 0;
}

void llr_pcache_free(llr_pcache *c)
{
    free(c->parent), free(c->tok), free(c->len), free(c->val);
    free(c->seen), free(c->mark), free(c->slot), free(c->values);
    memset(c, 0, sizeof *c);
}

int64_t llr_pcache_child(llr_pcache *c, int64_t n, int z, int make,
                         llr_error *e)
{
    size_t h = hash(c, n, z);
    for (; c->slot[h] >= 0; h = (h + 1) & (c->nslots - 1)) {
        int64_t v = c->slot[h];
        if (c->parent[v] == n && c->tok[v] == z)
            return v;
    }
    if (!make)
        return -1;
    if (grow(c, e))
        return -1;
    int64_t v = (int64_t)c->nodes++;
    c->parent[v] = n, c->tok[v] = z, c->len[v] = c->len[n] + 1;
    c->val[v] = -1, c->seen[v] = 0, c->mark[v] = 0;
    c->slot[h] = v;
    /* Keep the table at most half full. */
    if (2 * c->nodes > c->nslots && rehash(c, 2 * c->nslots, e))
        return -1;
    return v;
}

int64_t llr_pcache_node(llr_pcache *c, const int *tok, int len,
                        llr_error *e)
{
    int64_t n = 0;
    for (int i = 0; i < len && n >= 0; i++)
        n = llr_pcache_child(c, n, tok[i], 1, e);
    return n;
}

const double *llr_pcache_get(const llr_pcache *c, int64_t n)
{
    return c->val[n] < 0 ? NULL : c->values + (size_t)c->val[n] * c->V;
}

static void flush(llr_pcache *c)
{
    for (size_t v = 0; v < c->nodes; v++)
        c->val[v] = -1;
    c->nvals = 0;
    c->flushes++;
}

void llr_pcache_room(llr_pcache *c, size_t k)
{
    if (c->nvals && c->nvals + k > c->valmax)
        flush(c);
}

int llr_pcache_put(llr_pcache *c, int64_t n, const double *v, llr_error *e)
{
    if (c->val[n] < 0) {
        if (c->nvals == c->valmax)
            flush(c);
        if (c->nvals == c->valcap) {
            size_t m;
            double *t = NULL;
            if (!llr_capacity(c->valcap, c->nvals + 1, 64,
                              (size_t)c->V * sizeof *t, &m)) {
                if (m > c->valmax)
                    m = c->valmax;
                t = realloc(c->values, m * (size_t)c->V * sizeof *t);
            }
            if (!t)
                return llr_fail(e, LLR_ENOMEM, "out of memory");
            c->values = t;
            c->valcap = m;
        }
        c->val[n] = (int64_t)c->nvals++;
    }
    memcpy(c->values + (size_t)c->val[n] * c->V, v, (size_t)c->V * sizeof *v);
    if (!c->seen[n]) {
        c->seen[n] = 1;
        c->distinct++;
    }
    return 0;
}

int llr_pcache_tokens(const llr_pcache *c, int64_t n, int *out)
{
    int len = c->len[n];
    for (int i = len - 1; i >= 0; i--, n = c->parent[n])
        out[i] = c->tok[n];
    return len;
}
