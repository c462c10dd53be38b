#include "oracle/counts.h"

int llr_counts_add(llr_counts *c, uint64_t len, int fresh)
{
    if (c->calls == UINT64_MAX ||
        (fresh && (c->distinct == UINT64_MAX || c->tokens > UINT64_MAX - len)))
        return -1;
    c->calls++;
    if (fresh) {
        c->distinct++;
        c->tokens += len;
    }
    return 0;
}

int llr_counts_add_sample(llr_counts *c, uint64_t len)
{
    if (c->samples == UINT64_MAX || c->sample_tokens > UINT64_MAX - len)
        return -1;
    c->samples++;
    c->sample_tokens += len;
    return 0;
}

int llr_counts_add_api(llr_counts *c, uint64_t n)
{
    if (c->api_calls > UINT64_MAX - n)
        return -1;
    c->api_calls += n;
    return 0;
}

int llr_counts_allow(const llr_counts *c, uint64_t budget)
{
    return budget == 0 || c->distinct < budget;
}
