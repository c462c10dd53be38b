#include "learn/exhaustive.h"

#include <stdlib.h>
#include <string.h>

#include "base/prefix.h"
#include "models/table.h"

double llr_exhaustive_count(int V, int T)
{
    uint64_t n;
    if (llr_prefix_total((uint64_t)V, (uint64_t)T, 1ULL << 62, &n))
        return -1;
    return (double)n;
}

int llr_exhaustive_learn(llr_oracle *o, llr_model **out, llr_error *e)
{
    int V = llr_oracle_model(o)->V, T = llr_oracle_model(o)->T;
    uint64_t rows;
    *out = NULL;
    if (llr_prefix_total((uint64_t)V, (uint64_t)T, LLR_TABLE_MAX_ENTRIES / V,
                         &rows))
        return llr_fail(e, LLR_EBUDGET,
                        "exhaustive: V=%d, T=%d has more than 2^27 table "
                           "entries", V, T);
    double *l = malloc((size_t)rows * V * sizeof *l);
    int *tok = calloc((size_t)T, sizeof *tok);
    if (!l || !tok) {
        free(l), free(tok);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    uint64_t r = 0;
    for (int t = 0; t < T; t++) {
        memset(tok, 0, (size_t)T * sizeof *tok);
        do {
            if (llr_oracle_query(o, tok, t, l + r * V, e)) {
                free(l), free(tok);
                return -1;
            }
            r++;
        } while (llr_prefix_next(tok, t, V));
    }
    free(tok);
    return llr_table_wrap(V, T, l, out, e);
}
