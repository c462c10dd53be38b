/* models/prefix_cache.h - the answers of a model behind a process, cached
 * by prefix (models/process.c).
 *
 * A prefix is a node: the root (node 0) is the empty prefix, and a node's
 * child by token z is found through a hash table of (parent, z), so that a
 * walk of the prefix tree moves from a prefix to the next in O(1) and the
 * memory per prefix does not grow with V. A node may hold an answer (V
 * doubles). Answers take at most max_values vectors: when a new one does
 * not fit, every answer is dropped at once (a flush; the nodes stay, so
 * node numbers held by callers stay valid). Every node that ever held an
 * answer is counted once in `distinct`.
 */
#ifndef LLR_PREFIX_CACHE_H
#define LLR_PREFIX_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct llr_pcache {
    int V;
    size_t nodes, cap;     /* nodes in use, allocated */
    int64_t *parent;       /* per node: its parent (-1 for the root) */
    int *tok;              /* per node: the token from its parent */
    int *len;              /* per node: the prefix length */
    int64_t *val;          /* per node: its answer's index, or -1 */
    unsigned char *seen;   /* per node: 1 once it held an answer */
    uint64_t *mark;        /* per node: a stamp for deduplicating lists */
    int64_t *slot;         /* hash table of non-root nodes (-1: empty) */
    size_t nslots;         /* a power of two, more than twice nodes */
    double *values;        /* answers, V doubles each */
    size_t nvals, valcap, valmax;
    uint64_t distinct, flushes;
} llr_pcache;

/* A cache of answers of V doubles holding at most max_values (>= 1) of
 * them. */
LLR_MUST_CHECK
int llr_pcache_init(llr_pcache *c, int V, size_t max_values, llr_error *e);
void llr_pcache_free(llr_pcache *c);

/* The child of node n by token z (0 <= z < V), made when absent and
 * make != 0; -1 when absent (or, with e set, out of memory). */
int64_t llr_pcache_child(llr_pcache *c, int64_t n, int z, int make,
                         llr_error *e);

/* The node of tok[0..len), made (with its ancestors) when absent; -1 out
 * of memory (e set). */
int64_t llr_pcache_node(llr_pcache *c, const int *tok, int len,
                        llr_error *e);

/* The answer at node n, or NULL. */
const double *llr_pcache_get(const llr_pcache *c, int64_t n);

/* Make room for k more answers without a flush in between: flushes now
 * when they would not fit. */
void llr_pcache_room(llr_pcache *c, size_t k);

/* Store V doubles at node n (replacing its answer if it has one); a
 * flush first when the cache is full. */
LLR_MUST_CHECK
int llr_pcache_put(llr_pcache *c, int64_t n, const double *v, llr_error *e);

/* The tokens of node n into out (room for its length); returns it. */
int llr_pcache_tokens(const llr_pcache *c, int64_t n, int *out);

#endif
