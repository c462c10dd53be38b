/* models/model_meta.c - the extra metadata a model carries into its file
 * (models/model.h). Apart from model.c so that a program using one model
 * family without files (an ARPA-only program) does not link the
 * safetensors writer. */
#include <stdlib.h>
#include <string.h>

#include "models/model.h"

int llr_model_set_meta(llr_model *m, const char *key, const char *value,
                       llr_error *e)
{
    char *v = strdup(value);
    if (!v)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    for (size_t i = 0; i < m->nmeta; i++)
        if (!strcmp(m->meta[2 * i], key)) {
            free(m->meta[2 * i + 1]);
            m->meta[2 * i + 1] = v;
            return 0;
        }
    char *k = strdup(key);
    char **a = realloc(m->meta, (2 * m->nmeta + 2) * sizeof *a);
    if (!k || !a) {
        free(k), free(v);
        if (a)
            m->meta = a;
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    m->meta = a;
    a[2 * m->nmeta] = k;
    a[2 * m->nmeta + 1] = v;
    m->nmeta++;
    return 0;
}

int llr_model_write(const llr_model *m, const char *path,
                    const llr_st_out *t, size_t n, const char *const *meta,
                    size_t nmeta, llr_error *e)
{
    if (!m->nmeta)
        return llr_st_write(path, t, n, meta, nmeta, e);
    const char **all = malloc(2 * (nmeta + m->nmeta) * sizeof *all);
    if (!all)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    for (size_t i = 0; i < 2 * nmeta; i++)
        all[i] = meta[i];
    for (size_t i = 0; i < 2 * m->nmeta; i++)
        all[2 * nmeta + i] = m->meta[i];
    int rc = llr_st_write(path, t, n, all, nmeta + m->nmeta, e);
    free(all);
    return rc;
}
