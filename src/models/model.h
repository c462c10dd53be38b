/* models/model.h - a language model given by its centred next-token logits
 * (docs/mathematics.md §1.1-1.2).
 *
 * A model is a distribution over Sigma^T, Sigma = {0..V-1}, given by
 * next-token conditionals M(z | h) for |h| < T. Every family evaluates
 * incrementally: an opaque state summarises a prefix (the ISAN's x_t, a
 * table's row index, ...), so walks of the prefix tree share work between
 * prefixes. The generic functions below build on those four operations.
 */
#ifndef LLR_MODEL_H
#define LLR_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/prng.h"
#include "io/safetensors.h"

/* Limits on what a model file or a generator may ask for. */
#define LLR_MAX_VOCAB (1 << 24)
#define LLR_MAX_HORIZON 4096
#define LLR_MAX_RANK 4096

typedef struct llr_model llr_model;

typedef struct llr_model_ops {
    const char *kind;
    /* The state of the empty prefix. */
    int (*root)(const llr_model *m, void *state, llr_error *e);
    /* The state after appending token tok to a prefix of length t with
     * state `state` (0 <= t < T - 1). */
    int (*step)(const llr_model *m, const void *state, int t, int tok,
                void *next, llr_error *e);
    /* The centred logits at a prefix of length t (0 <= t < T) with state
     * `state`, into out[0..V-1]. */
    int (*logits)(const llr_model *m, const void *state, int t, double *out,
                  llr_error *e);
    /* Write the model to a safetensors file (atomically). */
    int (*save)(const llr_model *m, const char *path, llr_error *e);
    void (*destroy)(llr_model *m);
    /* Optional operations: NULL when the family does not offer them. */
    /* Draw one sequence seq[0..T-1] from generator g, with the model's
     * log-probability of each token given the ones before it in
     * logp[0..T-1] (natural log): what a text-generation API returns. The
     * draw must be a deterministic function of g's state and leave g as
     * llr_model_sample does (one draw per token). NULL: the family can
     * only be asked for logits (a process speaking protocol 1, or 2
     * without sample requests); the oracle then samples by logit queries
     * and counts them as such (oracle.h). In-process families use
     * llr_model_sample_direct; a process that answers sample requests,
     * llr_exec_sample_stream with one sequence (models/process.h). */
    int (*sample)(const llr_model *m, llr_prng *g, int *seq, double *logp,
                  llr_error *e);
    /* The logits at the n prefixes tok[off[i] .. off[i+1]) will be asked
     * soon: fetch them together (a model behind a process asks for them in
     * few requests and caches them). Never changes an answer. */
    int (*prefetch)(const llr_model *m, const int *tok, const int *off,
                    int n, llr_error *e);
    /* The next n sequences that consecutive sample calls will draw from
     * g's present state (g is not advanced) will be asked soon: fetch them
     * together (a model behind a process asks for them in few sample
     * requests as the calls come, and answers a call from them only when
     * its generator is at the state that sequence starts from). Never
     * changes an answer. */
    int (*prefetch_samples)(const llr_model *m, const llr_prng *g,
                            long long n, llr_error *e);
    /* A model for another thread: the same answers from the same states
     * (states pass between m and it), usable at the same time as m, with
     * its own scratch and sharing m's read-only data; freed
     * (llr_model_free) before m. NULL: the family's operations only read
     * the model, so threads share m itself. Sets *out = NULL when m must
     * stay on one thread (a model behind a process: one pipe). */
    int (*fork)(const llr_model *m, llr_model **out, llr_error *e);
} llr_model_ops;

struct llr_model {
    const llr_model_ops *ops;
    int V;              /* vocabulary size, >= 2 */
    int T;              /* horizon, >= 1 */
    int d;              /* logit rank where known (ISAN dimension), else 0 */
    size_t state_bytes; /* size of one state */
    void *impl;         /* the family's data */
    /* Extra __metadata__ entries the model carries into its file (a
     * learned model's certificate): nmeta key/value pairs, meta[2i] a key
     * and meta[2i+1] its value, owned by the model (llr_model_set_meta);
     * NULL and 0 for none. */
    char **meta;
    size_t nmeta;
};

/* Check V, T and d against the limits above. */
LLR_MUST_CHECK
int llr_model_check_dims(long long V, long long T, long long d, llr_error *e);

/* Fail when a logit vector (at a prefix of length t) has a NaN or an
 * infinity: finite parameters can still overflow. */
LLR_MUST_CHECK
int llr_check_finite_logits(const double *l, int V, int t, llr_error *e);

/* The centred logits after the prefix tok[0..len-1] (0 <= len < T). */
LLR_MUST_CHECK
int llr_model_logits(const llr_model *m, const int *tok, int len, double *out,
                     llr_error *e);

/* Draw one sequence of length T: token by token, llr_sample_token on the
 * centred logits (docs/models.md specifies the rule bit for bit). */
LLR_MUST_CHECK
int llr_model_sample(const llr_model *m, llr_prng *g, int *seq, llr_error *e);

/* The same draw as llr_model_sample (the same tokens from the same
 * generator state), with each token's log-probability in logp[0..T-1]:
 * the sample operation of every in-process family. */
LLR_MUST_CHECK
int llr_model_sample_direct(const llr_model *m, llr_prng *g, int *seq,
                            double *logp, llr_error *e);

/* log M(seq) for a sequence of length len <= T (natural log). */
LLR_MUST_CHECK
int llr_model_logprob(const llr_model *m, const int *seq, int len,
                      double *out, llr_error *e);

LLR_MUST_CHECK
int llr_model_save(const llr_model *m, const char *path, llr_error *e);

/* Set (or replace) the extra metadata entry key = value (copied). */
LLR_MUST_CHECK
int llr_model_set_meta(llr_model *m, const char *key, const char *value,
                       llr_error *e);

/* For the families' save operations: write tensors t[0..n-1] with the
 * family's metadata meta[0..2 nmeta-1] followed by the model's extra
 * entries, atomically (llr_st_write). */
LLR_MUST_CHECK
int llr_model_write(const llr_model *m, const char *path,
                    const llr_st_out *t, size_t n, const char *const *meta,
                    size_t nmeta, llr_error *e);

void llr_model_free(llr_model *m);

/* Root and step for families whose state is the prefix itself (int length,
 * then T ints of tokens; state_bytes = (T + 1) * sizeof(int)): learned
 * models, models behind a process. */
LLR_MUST_CHECK
int llr_prefix_state_root(const llr_model *m, void *state, llr_error *e);
LLR_MUST_CHECK
int llr_prefix_state_step(const llr_model *m, const void *state, int t,
                          int tok, void *next, llr_error *e);

/* How many prefixes a walk should gather into one llr_model_prefetch:
 * 0 when m has no prefetch operation (walks then gather nothing), else
 * enough for about LLR_PREFETCH_BYTES of logits, between 1 and
 * LLR_PREFETCH_MAX. */
#define LLR_PREFETCH_BYTES (4u << 20)
#define LLR_PREFETCH_MAX 4096
int llr_model_batch(const llr_model *m);

/* m->ops->prefetch when m has one, else nothing (0). */
LLR_MUST_CHECK
int llr_model_prefetch(const llr_model *m, const int *tok, const int *off,
                       int n, llr_error *e);

/* Prefetch (as above) the prefixes of the next nb samples of P that
 * llr_model_sample would draw from g, and the same prefixes of Q (NULL:
 * none): the samples are drawn ahead from copies of g, a level at a time
 * (sample b starts at the state after b T draws, since llr_sample_token
 * makes one draw per token), each level's prefixes prefetched before P's
 * logits there are read. g is not advanced. P is evaluated here besides
 * the caller's own draws (from its cache when P batches). For walks that
 * read P's logits along its samples (Monte Carlo TV, sampling by logit
 * queries). */
LLR_MUST_CHECK
int llr_model_prefetch_sample_prefixes(const llr_model *P,
                                       const llr_model *Q, const llr_prng *g,
                                       int nb, llr_error *e);

/* m->ops->prefetch_samples(m, g, n) when m has one, else nothing (0). */
LLR_MUST_CHECK
int llr_model_prefetch_samples(const llr_model *m, const llr_prng *g,
                               long long n, llr_error *e);

/* A model for another thread (the fork operation above): *use = m itself
 * when its family shares (*owned = NULL), else its fork (*use = *owned,
 * for the caller to free); *use = NULL when m must stay on one thread. */
LLR_MUST_CHECK
int llr_model_fork(const llr_model *m, const llr_model **use,
                   llr_model **owned, llr_error *e);

/* The fork operation of families that must stay on one thread. */
int llr_model_fork_none(const llr_model *m, llr_model **out, llr_error *e);

/* Scratch states for walks: depth+1 states of m->state_bytes each. */
void *llr_model_states(const llr_model *m, int count);
void *llr_model_state_at(const llr_model *m, void *states, int i);

#endif
