/* models/model.h - a language model given by its centred next-token logits.
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
    /* The logits at the n prefixes tok[off[i] .. off[i+1]) will be asked
     * soon: fetch them together (a model behind a process asks for them in
     * few requests and caches them). Never changes an answer. */
    int (*prefetch)(const llr_model *m, const int *tok, const int *off,
                    int n, llr_error *e);
    /* Sequences skip .. skip + n - 1 of the stream that consecutive
     * llr_model_sample calls draw after llr_prng_seed(seed), into seq
     * (n x T), with the log-probability of each token, log M(y_t | y_<t),
     * into logp (n x T). */
    int (*sample)(const llr_model *m, uint64_t seed, uint64_t skip, int n,
                  int *seq, double *logp, llr_error *e);
} llr_model_ops;

struct llr_model {
    const llr_model_ops *ops;
    int V;              /* vocabulary size, >= 2 */
    int T;              /* horizon, >= 1 */
    int d;              /* logit rank where known (ISAN dimension), else 0 */
    size_t state_bytes; /* size of one state */
    void *impl;         /* the family's data */
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

/* log M(seq) for a sequence of length len <= T (natural log). */
LLR_MUST_CHECK
int llr_model_logprob(const llr_model *m, const int *seq, int len,
                      double *out, llr_error *e);

LLR_MUST_CHECK
int llr_model_save(const llr_model *m, const char *path, llr_error *e);

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
 * the caller's own draws (from its cache when P batches). */
LLR_MUST_CHECK
int llr_model_prefetch_samples(const llr_model *P, const llr_model *Q,
                               const llr_prng *g, int nb, llr_error *e);

/* Scratch states for walks: depth+1 states of m->state_bytes each. */
void *llr_model_states(const llr_model *m, int count);
void *llr_model_state_at(const llr_model *m, void *states, int i);

#endif
