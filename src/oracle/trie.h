/* oracle/trie.h - a prefix trie holding one logit vector per queried prefix.
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

#include "base/error.h"

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

/* The trie's bookkeeping is consistent: every node's block and answer
 * index is -1 or in use, every child slot of a block in use is -1 or a
 * node in use, and the arrays are allocated that far. */
/*@ predicate llr_trie_valid{L}(llr_trie *t) =
      \valid_read(t) && 1 <= t->V &&
      1 <= t->nodes <= t->cap &&
      \valid(t->child_block + (0 .. t->cap - 1)) &&
      \valid(t->answer + (0 .. t->cap - 1)) &&
      t->nblocks * t->V <= t->block_cap &&
      \valid(t->children + (0 .. t->block_cap - 1)) &&
      t->nanswers * t->V <= t->answer_cap &&
      \valid(t->answers + (0 .. t->answer_cap - 1)) &&
      (\forall integer n; 0 <= n < t->nodes ==>
          -1 <= t->child_block[n] < t->nblocks) &&
      (\forall integer n; 0 <= n < t->nodes ==>
          -1 <= t->answer[n] < t->nanswers) &&
      (\forall integer j; 0 <= j < t->nblocks * t->V ==>
          -1 <= t->children[j] < t->nodes);
*/

/* Contracts of requires and assigns only (not proved: they allocate with
 * realloc, which WP's memory model does not follow); the index arithmetic
 * they do is in the proved llr_trie_slot and llr_trie_need. */
/*@ requires \valid(t);
    requires V >= 1;
    requires e == \null || \valid(e);
    assigns *t, e->msg[..];
*/
LLR_MUST_CHECK
int llr_trie_init(llr_trie *t, int V, llr_error *e);

/*@ requires \valid(t);
    assigns *t;
*/
void llr_trie_free(llr_trie *t);

/* The node of prefix tok[0..len-1], created (with its ancestors) when
 * create != 0; -1 when absent (or on allocation failure, with e set). */
/*@ requires llr_trie_valid(t);
    requires len >= 0 && \valid_read(tok + (0 .. len - 1));
    requires \forall integer i; 0 <= i < len ==> 0 <= tok[i] < t->V;
    requires e == \null || \valid(e);
    assigns *t, t->child_block[..], t->answer[..], t->children[..],
            e->msg[..];
*/
int64_t llr_trie_node(llr_trie *t, const int *tok, int len, int create,
                      llr_error *e);

/* The child of node n by token tok, or -1 (never creates). */
/*@ requires llr_trie_valid(t);
    requires 0 <= n < t->nodes;
    requires 0 <= tok < t->V;
    assigns \nothing;
    ensures -1 <= \result < t->nodes;
    ensures t->child_block[n] < 0 ==> \result == -1;
    ensures t->child_block[n] >= 0 ==>
        \result == t->children[t->child_block[n] * t->V + tok];
*/
int64_t llr_trie_child(const llr_trie *t, int64_t n, int tok);

/* The answer stored at node n, or NULL. */
/*@ requires llr_trie_valid(t);
    requires 0 <= n < t->nodes;
    assigns \nothing;
    ensures t->answer[n] < 0 ==> \result == \null;
    ensures t->answer[n] >= 0 ==>
        \result == t->answers + t->answer[n] * t->V &&
        \valid_read(\result + (0 .. t->V - 1));
*/
const double *llr_trie_answer(const llr_trie *t, int64_t n);

/* Store V doubles at node n (which must have none yet). */
/*@ requires llr_trie_valid(t);
    requires 0 <= n < t->nodes && t->answer[n] == -1;
    requires \valid_read(v + (0 .. t->V - 1));
    requires e == \null || \valid(e);
    assigns *t, t->answer[n], t->answers[..], e->msg[..];
*/
LLR_MUST_CHECK
int llr_trie_store(llr_trie *t, int64_t n, const double *v, llr_error *e);

/* The index of token tok's slot in block b (b V + tok): inside block b,
 * which ends at (b + 1) V, when the blocks up to b fit in a size_t. (A
 * total function: its callers prove the condition where they are proved,
 * llr_trie_child and llr_trie_answer.) */
/*@ assigns \nothing;
    ensures V >= 1 && 0 <= tok < V && (b + 1) * V <= SIZE_MAX ==>
        \result == b * V + tok && b * V <= \result < (b + 1) * V;
*/
size_t llr_trie_slot(size_t b, int V, int tok);

/* The elements that count + 1 blocks (or answers) of V take: 0 with *need
 * = (count + 1) V, or -1 when that does not fit in a size_t. */
/*@ requires V >= 1;
    requires \valid(need);
    assigns *need;
    ensures \result == 0 || \result == -1;
    ensures \result == 0 <==> (count + 1) * V <= SIZE_MAX;
    ensures \result == 0 ==> *need == (count + 1) * V;
    ensures \result == -1 ==> *need == \old(*need);
*/
int llr_trie_need(size_t count, int V, size_t *need);

#endif
