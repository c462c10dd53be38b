#include "oracle/trie.h"

#include <stdlib.h>
#include <string.h>

#include "base/capacity.h"

/* Grow an array of elements of size sz so that it holds at least need. */
static int grow(void **p, size_t *cap, size_t need, size_t sz)
{
    size_t c;
    if (llr_capacity(*cap, need, 16, sz, &c))
        return -1;
    if (c == *cap)
        return 0;
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
        return llr_fail(e, LLR_ENOMEM, "out of memory (prefix trie)");
    cap = t->cap;
    if (grow((void **)&t->answer, &cap, t->nodes + 1, sizeof(int64_t)))
        return llr_fail(e, LLR_ENOMEM, "out of memory (prefix trie)");
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
            size_t need;
            if (llr_trie_need(t->nblocks, t->V, &need) ||
                grow((void **)&t->children, &t->block_cap, need,
                     sizeof(int64_t)))
                return llr_fail(e, LLR_ENOMEM, "out of memory (prefix trie)");
            b = (int64_t)t->nblocks++;
            for (int z = 0; z < t->V; z++)
                t->children[llr_trie_slot((size_t)b, t->V, z)] = -1;
            t->child_block[n] = b;
        }
        size_t slot = llr_trie_slot((size_t)b, t->V, tok[i]);
        int64_t c = t->children[slot];
        if (c < 0) {
            if (!create)
                return -1;
            c = new_node(t, e);
            if (c < 0)
                return -1;
            t->children[slot] = c;
        }
        n = c;
    }
    return n;
}

/*@ ghost
  // A ghost lemma function: monotonicity of multiplication, which the SMT
  // provers miss among the facts of llr_trie_valid.
  /@ requires a <= c;
     requires V >= 0;
     assigns \nothing;
     ensures a * V <= c * V;
  @/
  static void llr_trie_mul_mono(uint64_t a, uint64_t c, int V)
  {
  }
*/

int64_t llr_trie_child(const llr_trie *t, int64_t n, int tok)
{
    int64_t b = t->child_block[n];
    if (b < 0)
        return -1;
    //@ ghost llr_trie_mul_mono((uint64_t)b + 1, t->nblocks, t->V);
    size_t s = llr_trie_slot((size_t)b, t->V, tok);
    //@ assert s == b * t->V + tok && s < t->nblocks * t->V;
    return t->children[s];
}

const double *llr_trie_answer(const llr_trie *t, int64_t n)
{
    int64_t a = t->answer[n];
    if (a < 0)
        return NULL;
    //@ ghost llr_trie_mul_mono((uint64_t)a + 1, t->nanswers, t->V);
    size_t s = llr_trie_slot((size_t)a, t->V, 0);
    //@ assert s == a * t->V && s + t->V <= t->nanswers * t->V;
    return t->answers + s;
}

int llr_trie_store(llr_trie *t, int64_t n, const double *v, llr_error *e)
{
    size_t need;
    if (llr_trie_need(t->nanswers, t->V, &need) ||
        grow((void **)&t->answers, &t->answer_cap, need, sizeof(double)))
        return llr_fail(e, LLR_ENOMEM, "out of memory (prefix trie answers)");
    memcpy(t->answers + t->nanswers * (size_t)t->V, v,
           (size_t)t->V * sizeof *v);
    t->answer[n] = (int64_t)t->nanswers++;
    return 0;
}

size_t llr_trie_slot(size_t b, int V, int tok)
{
    return b * (size_t)V + (size_t)tok;
}

/*@ ghost
  /@ requires d >= 1;
     assigns \nothing;
     ensures p > limit / d ==> p * d > limit;
     ensures p <= limit / d ==> p * d <= limit;
  @/
  static void llr_trie_div_bound(uint64_t p, uint64_t d, uint64_t limit)
  {
  }
*/

int llr_trie_need(size_t count, int V, size_t *need)
{
    if (count == SIZE_MAX)
        return -1;
    //@ ghost llr_trie_div_bound(count + 1, (uint64_t)V, SIZE_MAX);
    if (count + 1 > SIZE_MAX / (size_t)V)
        return -1;
    *need = (count + 1) * (size_t)V;
    return 0;
}
