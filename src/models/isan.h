/* models/isan.h - the time-varying ISAN family (GLS1 Thm 4.3;
 * docs/mathematics.md §1.6).
 *
 * State x_0 in R^d; at position t+1 (0-based t) the raw logits are
 * B[t] x_t and, after emitting z, x_{t+1} = A[t, z] x_t. A model has cutwise
 * logit rank <= d exactly when it is such an ISAN of dimension d.
 * Arrays are row-major: x0[d], B[T][V][d], A[T][V][d][d], exactly the
 * tensors of the safetensors file (docs/file-formats.md).
 */
#ifndef LLR_ISAN_H
#define LLR_ISAN_H

#include <stdint.h>

#include "models/model.h"
#include "io/safetensors.h"

typedef struct llr_isan {
    int V, T, d;
    double *x0; /* [d] */
    double *B;  /* [T][V][d] */
    double *A;  /* [T][V][d][d] */
} llr_isan;

/* Generate an ISAN from (V, d, T, seed, scale lambda > 0).
 * Draws, in this order, from llr_prng seeded with seed: x0 (d normals,
 * scaled to unit norm); for each t: B[t] (V x d normals, row-major, all
 * scaled by one factor so that its longest row has norm lambda/2; a common
 * factor keeps the rows generic even for d = 1); for each t, each z:
 * A[t][z], the orthogonal factor Q of
 * the QR factorisation of a d x d matrix of normals (row-major), with the
 * signs of Q's columns fixed so that R has a positive diagonal.
 * So ||x_t|| = 1 for every t, every raw logit lies in [-lambda/2, lambda/2]
 * and every centred logit in [-lambda, lambda] (up to rounding). */
LLR_MUST_CHECK
int llr_isan_generate(int V, int d, int T, uint64_t seed, double scale,
                      llr_model **out, llr_error *e);

/* Wrap explicit arrays (taken over by the model; freed with it). */
LLR_MUST_CHECK
int llr_isan_wrap(int V, int d, int T, double *x0, double *B, double *A,
                  llr_model **out, llr_error *e);

/* The ISAN arrays of a model of kind "isan" or "approx", else NULL. */
const llr_isan *llr_isan_of(const llr_model *m);

/* Load the tensors x0, B, A of an isan (or approx) file, checking shapes
 * and finiteness. */
LLR_MUST_CHECK
int llr_isan_read_arrays(const llr_st_file *f, llr_isan *isan, llr_error *e);
LLR_MUST_CHECK
int llr_isan_from_file(const llr_st_file *f, llr_model **out, llr_error *e);

/* The raw logits B[t] x into out[0..V-1]. */
void llr_isan_raw_logits(const llr_isan *s, int t, const double *x,
                         double *out);
/* x_next = A[t, z] x. */
void llr_isan_transition(const llr_isan *s, int t, int z, const double *x,
                         double *x_next);

/* The safetensors tensors x0, B, A of s (for writers of isan-like files). */
void llr_isan_tensors(const llr_isan *s, llr_st_out out[3]);

#endif
