#include "oracle/counts.h"

int llr_counts_add(llr_counts *c, uint64_t len, int fresh)
{
    if (c->calls == UINT64_MAX || c->tokens > UINT64_MAX - len ||
        (fresh && c->distinct == UINT64_MAX))
        return -1;
    c->calls++;
    c->tokens += len;
    if (fresh)
        c->distinct++;
    return 0;
}

int llr_counts_allow(const llr_counts *c, uint64_t budget)
{
    return budget == 0 || c->distinct < budget;
}
