/* io/arpa_file.h - the reader of ARPA back-off n-gram files (SRILM, KenLM,
 * CMU Sphinx; docs/arpa.md): the file's tables, parsed and indexed for
 * lookup. The model built on them (back-off, renormalisation over Sigma,
 * centring) is models/arpa.h.
 *
 * Format: optional text, then a line `\data\`, lines `ngram N=COUNT` for
 * N = 1, 2, ..., one section `\N-grams:` per declared order (in increasing
 * order) whose lines are `log10prob w1 ... wN [log10backoff]` (fields
 * separated by spaces or tabs; a trailing CR is ignored), then `\end\`.
 * Text after `\end\` is ignored. Sigma = the unigrams other than <s>,
 * </s> and <unk> (also <UNK>), numbered 0..V-1 in the order they appear in
 * the \1-grams: section; V >= 2 is required.
 *
 * Every error on a malformed file reads "PATH:LINE: problem". The bounds
 * checks the reader relies on (counts, field numbers, hash probes,
 * allocation sizes) are proved apart, in io/arpa_bounds.h.
 */
#ifndef LLR_ARPA_FILE_H
#define LLR_ARPA_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "io/arpa_bounds.h"


/* One order n >= 2: the n-grams in file order, and an open-addressing hash
 * table over their word-number sequences. A slot holds (tag << 32) |
 * (index + 1), tag the hash's top 32 bits; 0 is an empty slot. */
typedef struct llr_arpa_level {
    size_t declared, count;
    int32_t *ids; /* count x n word numbers */
    double *prob, *bo;
    size_t *line; /* the line of each n-gram (during loading only) */
    uint64_t *slot;
    size_t mask;
    /* The n-grams grouped by their first n-1 words (their parent, an entry
     * of order n-1, or a word for n = 2): those of parent p are
     * kids[first[p] .. first[p+1]-1]. parent[] is only kept while loading.
     * When some n-gram's first n-1 words are not listed (an orphan), the
     * lists are not built and logits look up every token instead. */
    int32_t *parent;
    uint32_t *first, *kids;
    int orphans;
} llr_arpa_level;

typedef struct llr_arpa_tables {
    int N;       /* order */
    int nwords;  /* unigrams, special ones included */
    char *pool;  /* the unigram words, NUL-terminated */
    size_t *woff; /* word i is pool + woff[i] */
    size_t *wlen;
    int *tok;    /* tok[word] = its token number, or -1 (special words) */
    double *uprob, *ubo;
    size_t *uline;
    uint64_t *wslot; /* word hash: (tag << 32) | (word + 1) */
    size_t wmask;
    int bos;     /* the word number of <s>, or -1 */
    int *sigma;  /* sigma[z] = the word number of token z */
    llr_arpa_level lev[LLR_ARPA_MAX_ORDER + 1]; /* lev[2..N] */
    int V;       /* tokens: the words of sigma */
} llr_arpa_tables;

/* Parse size bytes (copied; name labels the messages "NAME:LINE: problem")
 * into new tables *out (free with llr_arpa_tables_free). */
LLR_MUST_CHECK
int llr_arpa_tables_parse(const char *bytes, size_t size, const char *name,
                          llr_arpa_tables **out, llr_error *e);

/* The same from the file at path. */
LLR_MUST_CHECK
int llr_arpa_tables_read(const char *path, llr_arpa_tables **out,
                         llr_error *e);

void llr_arpa_tables_free(llr_arpa_tables *a);

/* The hash of a word-number sequence: llr_arpa_hash_ids(ids, n) chains
 * llr_arpa_hash_id over ids[0..n-1], so that the hash of ids followed by
 * one more word is llr_arpa_hash_id(hash of ids, word). */
uint64_t llr_arpa_hash_id(uint64_t h, int32_t id);
uint64_t llr_arpa_hash_ids(const int32_t *ids, int n);

/* The index of the n-gram ids[0..n-1] (hash h) in L, or -1. */
long llr_arpa_find_ngram(const llr_arpa_level *L, int n, const int32_t *ids,
                         uint64_t h);

#endif
