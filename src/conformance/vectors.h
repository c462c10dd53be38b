/* conformance/vectors.h - golden vectors: small fixed cases (models, logits at given
 * prefixes, samples for given seeds, the learner's spanner choices, LP
 * solutions, learned models, exact TVs) that other implementations, and
 * this one, are checked against. A directory holds manifest.json and one
 * safetensors file per item; docs/vectors.md gives the schema.
 *
 * make: compute every case of the built-in list and write the directory
 * (the same list gives byte-identical files on every run).
 * check: read the manifest, recompute every item from its description and
 * the stored input files (models, prefixes), and compare with the stored
 * results: integers exactly, floats within the tolerance the manifest
 * states for that quantity (|got - want| <= atol + rtol |want|).
 */
#ifndef LLR_VECTORS_H
#define LLR_VECTORS_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "base/error.h"

#define LLR_VECTORS_FORMAT "llr-vectors"
#define LLR_VECTORS_VERSION 1

typedef struct llr_vectors_summary {
    int items;    /* items checked (models included) */
    int failed;   /* items with at least one difference beyond tolerance */
    long values;  /* values compared */
    /* When not NULL (a JSON array, set by the caller): one object per item,
     * {"name", "ok", "values", "differences", "max_diff"} and, when an
     * item fails, "first_difference" (the text of its first report line). */
    json_t *results;
} llr_vectors_summary;

/* Write the vectors into dir (created when missing); one line per item to
 * log (may be NULL). */
LLR_MUST_CHECK
int llr_vectors_make(const char *dir, FILE *log, llr_error *e);

/* Golden vectors of the user's own models (llr vectors make DIR --model
 * FILE... [--learn ARGS]; docs/vectors.md). Each model file is stored in
 * DIR in llr's format (a "stored" model entry: an input, loaded by check,
 * not recomputed); items: its logits at every prefix (when there are at
 * most LLR_VECTORS_ALL_PREFIXES, or when prefixes < 0) or at `prefixes`
 * (default LLR_VECTORS_SAMPLED_PREFIXES) sampled ones, `samples` samples
 * drawn with sample_seed, its LP at the same prefixes when it is a learned
 * model, and the exact TV between every two models of equal shape (V^T <=
 * 10^7). With learn: each model is also learned (a "learn" entry with the
 * parameters below, noiseless oracle) and the learned model gets the same
 * items plus its spanner choices and the TV against its teacher. */
#define LLR_VECTORS_ALL_PREFIXES 10000
#define LLR_VECTORS_SAMPLED_PREFIXES 1000
typedef struct llr_vectors_user {
    const char *const *models;  /* model files, as llr_model_load reads */
    int nmodels;
    int learn;                  /* also learn each model with: */
    int rank;
    double eps, delta;
    uint64_t seed;
    double gap, tau;            /* gap <= 0, tau < 0: practical defaults */
    long prefixes;              /* 0: see above; -1: all; n > 0: n sampled */
    int samples;                /* sequences per samples item */
    uint64_t sample_seed;       /* seed of the samples and sampled prefixes */
} llr_vectors_user;

LLR_MUST_CHECK
int llr_vectors_make_models(const char *dir, const llr_vectors_user *u,
                            FILE *log, llr_error *e);

/* Check dir against its manifest: one line per item to report, and up to a
 * few lines per difference (report may be NULL). s->results is kept
 * (appended to). Returns 0 when every item could be recomputed
 * (differences are counted in s->failed), -1 on a missing or malformed
 * manifest or file (message in e). */
LLR_MUST_CHECK
int llr_vectors_check(const char *dir, FILE *report, llr_vectors_summary *s,
                      llr_error *e);

#endif
