/* catalog/catalog.h - the one place that knows every kind of model: a
 * constant table from a file's llr.kind to the family that reads it, and
 * the loader of any model a user can name (docs/models.md).
 *
 * The model families (models/) and the learned models (learn/) know only
 * the model interface (models/model.h); nothing registers itself at run
 * time, so linking one family does not drag in the others.
 */
#ifndef LLR_CATALOG_H
#define LLR_CATALOG_H

#include "models/model.h"

/* What loading needs besides the path. */
typedef struct llr_load_opts {
    /* The horizon of models that have none of their own (ARPA files);
     * 0: none given (loading such a model is then an error). */
    int horizon;
} llr_load_opts;

/* Load any model: a safetensors file (its llr.kind metadata picks the
 * family: isan, approx, table, parity, gls, empirical), "exec:COMMAND", a
 * model behind a process (models/process.h), or a path ending in ".arpa",
 * an ARPA n-gram file (models/arpa.h) of horizon opts->horizon. opts may be
 * NULL (no options). */
LLR_MUST_CHECK
int llr_model_load(const char *path, const llr_load_opts *opts,
                   llr_model **out, llr_error *e);

#endif
