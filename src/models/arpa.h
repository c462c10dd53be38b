/* models/arpa.h - the model of an ARPA back-off n-gram file (SRILM,
 * KenLM, CMU Sphinx; docs/arpa.md). The file is read by io/arpa_file.h.
 *
 * Semantics. Let N be the highest declared order of the file, Sigma its
 * vocabulary (io/arpa_file.h).
 *  - The context of position 1 is <s> (empty if <s> is not a unigram);
 *    after that it is the last N-1 tokens, preceded by <s> while fewer than
 *    N-1 tokens have been emitted. (For N = 1 the context is always empty.)
 *  - Back-off: log10 P(z | c_1..c_k) is the log10prob of the n-gram
 *    (c_1..c_k, z) when it is listed; otherwise log10backoff(c_1..c_k) +
 *    log10 P(z | c_2..c_k), with log10backoff 0 when (c_1..c_k) is not
 *    listed or has no back-off field; at k = 0 it is z's unigram log10prob.
 *  - The model's conditional M(z | h) for z in Sigma is that P(z | h)
 *    renormalised over Sigma (the mass of </s>, <unk> and <s> is dropped);
 *    its centred logits are centre(ln 10 * log10 P(z | h)).
 *  - The horizon T (1..4096) is the caller's: the file has none.
 * The model has kind "arpa", d = 0 and state_bytes = 4 N (an int32 count of
 * context words followed by up to N-1 word numbers). It is read-only: its
 * save op fails.
 */
#ifndef LLR_ARPA_H
#define LLR_ARPA_H

#include <stddef.h>

#include "models/model.h"

/* Load the ARPA file at path as a model of horizon T. */
LLR_MUST_CHECK
int llr_arpa_load(const char *path, int T, llr_model **out, llr_error *e);

/* The same from size bytes in memory (copied); name labels the messages
 * ("NAME:LINE: problem"). */
LLR_MUST_CHECK
int llr_arpa_parse(const char *bytes, size_t size, const char *name, int T,
                   llr_model **out, llr_error *e);

/* The word of token z (0 <= z < V) of an arpa model; NULL when m is not an
 * arpa model or z is out of range. */
const char *llr_arpa_word(const llr_model *m, int z);

/* The order N of an arpa model (0 for other kinds). */
int llr_arpa_order(const llr_model *m);

#endif
