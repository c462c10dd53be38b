/* models/table.h - explicit next-token distributions for every prefix (small V^T).
 *
 * Row r of `logits` (N x V, N = V^0 + ... + V^(T-1)) holds raw logits for
 * the prefix numbered r in the enumeration order of prefix.h; the model's
 * centred logits are those rows centred. Any additive constant per row is
 * allowed and changes nothing.
 */
#ifndef LLR_TABLE_H
#define LLR_TABLE_H

#include <stdint.h>

#include "models/model.h"
#include "io/safetensors.h"

/* The largest table: N * V doubles. */
#define LLR_TABLE_MAX_ENTRIES (1ULL << 27)

/* Random table: every raw logit uniform in [-scale/2, scale/2), drawn row
 * by row, token by token, from llr_prng seeded with seed (one uniform each:
 * scale * (u - 1/2)). */
LLR_MUST_CHECK
int llr_table_generate(int V, int T, uint64_t seed, double scale,
                       llr_model **out, llr_error *e);

/* The exact table of any model: its centred logits at every prefix. */
LLR_MUST_CHECK
int llr_table_from_model(const llr_model *src, llr_model **out, llr_error *e);

/* Wrap an N x V array of raw logits (taken over). */
LLR_MUST_CHECK
int llr_table_wrap(int V, int T, double *logits, llr_model **out,
                   llr_error *e);

/* The raw logits array of a table model (NULL for other kinds). */
double *llr_table_logits(const llr_model *m);

LLR_MUST_CHECK
int llr_table_from_file(const llr_st_file *f, llr_model **out, llr_error *e);

#endif
