/* trie.h - a prefix trie holding one logit vector per queried prefix.
 *
 * Nodes are numbered in order of creation (the root, the empty prefix, is
 * node 0). A node's children are a block of V node numbers (-1: absent),
 * allocated when its first child is made. Each node may hold an answer:
 * V doubles. The oracle uses it as its cache, so a repeated query costs no
 * access to the model. */
#ifndef LLR_TRIE_H
#define LLR_TRIE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct llr_trie {
    int V;
    size_t nodes, cap;      /* nodes in use, allocated */
    int64_t *child_block;   /* per node: index of its block in children, or -1 */
    int64_t *answer;        /* per node: index of its answer in answers, or -1 */
    int64_t *children;      /* blocks of V node numbers */
    size_t nblocks, block_cap;
    double *answers;        /* V doubles per answered node */
    size_t nanswers, answer_cap;
} llr_trie;

int llr_trie_init(llr_trie *t, int V, llr_error *e);
void llr_trie_free(llr_trie *t);

/* The node of prefix tok[0..len-1], created (with its ancestors) when
 * create != 0; -1 when absent (or on allocation failure, with e set). */
int64_t llr_trie_node(llr_trie *t, const int *tok, int len, int create,
                      llr_error *e);

/* The child of node n by token tok, or -1 (never creates). */
int64_t llr_trie_child(const llr_trie *t, int64_t n, int tok);

/* The answer stored at node n, or NULL. */
const double *llr_trie_answer(const llr_trie *t, int64_t n);
/* Store V doubles at node n (which must have none yet). */
int llr_trie_store(llr_trie *t, int64_t n, const double *v, llr_error *e);

#endif
