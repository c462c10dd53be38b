#include "trie.h"

#include <stdlib.h>
#include <string.h>

/* Grow an array of elements of size sz so that it holds at least need. */
static int grow(void **p, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * sz);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

static int64_t new_node(llr_trie *t, llr_error *e)
{
    size_t cap = t->cap;
    if (grow((void **)&t->child_block, &cap, t->nodes + 1, sizeof(int64_t)))
        return llr_fail(e, "out of memory (prefix trie)");
    cap = t->cap;
    if (grow((void **)&t->answer, &cap, t->nodes + 1, sizeof(int64_t)))
        return llr_fail(e, "out of memory (prefix trie)");
    t->cap = cap;
    t->child_block[t->nodes] = -1;
    t->answer[t->nodes] = -1;
    return (int64_t)t->nodes++;
}

int llr_trie_init(llr_trie *t, int V, llr_error *e)
{
    memset(t, 0, sizeof *t);
    t->V = V;
    return new_node(t, e) < 0 ? -1 : 0;
}

void llr_trie_free(llr_trie *t)
{
    free(t->child_block);
    free(t->answer);
    free(t->children);
    free(t->answers);
    memset(t, 0, sizeof *t);
}

int64_t llr_trie_node(llr_trie *t, const int *tok, int len, int create,
                      llr_error *e)
{
    int64_t n = 0;
    for (int i = 0; i < len; i++) {
        int64_t b = t->child_block[n];
        if (b < 0) {
            if (!create)
                return -1;
            if (grow((void **)&t->children, &t->block_cap,
                     (t->nblocks + 1) * (size_t)t->V, sizeof(int64_t)))
                return llr_fail(e, "out of memory (prefix trie)");
            b = (int64_t)t->nblocks++;
            for (int z = 0; z < t->V; z++)
                t->children[(size_t)b * t->V + z] = -1;
            t->child_block[n] = b;
        }
        int64_t c = t->children[(size_t)b * t->V + tok[i]];
        if (c < 0) {
            if (!create)
                return -1;
            c = new_node(t, e);
            if (c < 0)
                return -1;
            t->children[(size_t)b * t->V + tok[i]] = c;
        }
        n = c;
    }
    return n;
}

int64_t llr_trie_child(const llr_trie *t, int64_t n, int tok)
{
    int64_t b = t->child_block[n];
    return b < 0 ? -1 : t->children[(size_t)b * t->V + tok];
}

const double *llr_trie_answer(const llr_trie *t, int64_t n)
{
    int64_t a = t->answer[n];
    return a < 0 ? NULL : t->answers + (size_t)a * t->V;
}

int llr_trie_store(llr_trie *t, int64_t n, const double *v, llr_error *e)
{
    if (grow((void **)&t->answers, &t->answer_cap,
             (t->nanswers + 1) * (size_t)t->V, sizeof(double)))
        return llr_fail(e, "out of memory (prefix trie answers)");
    memcpy(t->answers + t->nanswers * (size_t)t->V, v,
           (size_t)t->V * sizeof *v);
    t->answer[n] = (int64_t)t->nanswers++;
    return 0;
}
