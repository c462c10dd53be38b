#include "catalog/catalog.h"

#include <string.h>

#include "io/safetensors.h"
#include "learn/empirical.h"
#include "learn/gls.h"
#include "models/approx.h"
#include "models/arpa.h"
#include "models/isan.h"
#include "models/parity.h"
#include "models/process.h"
#include "models/table.h"

/* Every kind of model file: its llr.kind and the family's reader. */
static const struct {
    const char *kind;
    int (*from_file)(const llr_st_file *f, llr_model **out, llr_error *e);
} kinds[] = {
    {"isan", llr_isan_from_file},     {"approx", llr_approx_from_file},
    {"table", llr_table_from_file},   {"parity", llr_parity_from_file},
    {"gls", llr_gls_from_file},       {"empirical", llr_empirical_from_file},
};

#define NKINDS (sizeof kinds / sizeof kinds[0])

static int from_file(const char *path, llr_model **out, llr_error *e)
{
    llr_st_file f;
    if (llr_st_read(path, &f, e))
        return -1;
    const char *kind = llr_st_meta(&f, "llr.kind");
    const char *fmt = llr_st_meta(&f, "llr.format");
    int rc = -2;
    if (!kind)
        rc = llr_fail(e, LLR_EINPUT,
                      "%s: not an llr model: __metadata__ has no llr.kind",
                      path);
    else if (!fmt || strcmp(fmt, "1") != 0)
        rc = llr_fail(e, LLR_EINPUT,
                      "%s: llr.format is %s%s%s; this version reads 1",
                      path, fmt ? "'" : "", fmt ? fmt : "missing",
                      fmt ? "'" : "");
    for (size_t i = 0; rc == -2 && i < NKINDS; i++)
        if (strcmp(kind, kinds[i].kind) == 0)
            rc = kinds[i].from_file(&f, out, e);
    if (rc == -2) {
        char known[128] = "";
        for (size_t i = 0; i < NKINDS; i++) {
            strcat(known, i ? ", " : "");
            strcat(known, kinds[i].kind);
        }
        rc = llr_fail(e, LLR_EINPUT,
                      "%s: unknown llr.kind '%s' (expected one of: %s)",
                      path, kind, known);
    }
    llr_st_free(&f);
    return rc;
}

int llr_model_load(const char *path, const llr_load_opts *opts,
                   llr_model **out, llr_error *e)
{
    int horizon = opts ? opts->horizon : 0;
    *out = NULL;
    if (strncmp(path, "exec:", 5) == 0)
        return llr_exec_open(path + 5, out, e);
    size_t pl = strlen(path);
    if (pl > 5 && strcmp(path + pl - 5, ".arpa") == 0) {
        if (horizon < 1)
            return llr_fail(e, LLR_EINPUT,
                            "%s: an ARPA model has no horizon of its own: "
                               "give --horizon T", path);
        return llr_arpa_load(path, horizon, out, e);
    }
    return from_file(path, out, e);
}
