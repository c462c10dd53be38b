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

/* Check dir against its manifest: one line per item to report, and up to a
 * few lines per difference (report may be NULL). s->results is kept
 * (appended to). Returns 0 when every item could be recomputed
 * (differences are counted in s->failed), -1 on a missing or malformed
 * manifest or file (message in e). */
LLR_MUST_CHECK
int llr_vectors_check(const char *dir, FILE *report, llr_vectors_summary *s,
                      llr_error *e);

#endif
