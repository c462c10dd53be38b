#include "io/protocol_bounds.h"

int llr_proto_in_range(long long v, long long lo, long long hi)
{
    return v >= lo && v <= hi;
}

int llr_proto_line_ok(size_t len)
{
    return len < LLR_PROTO_MAX_LINE;
}

int llr_proto_size_is(size_t size, int n)
{
    return size == (size_t)n;
}

int llr_proto_batch_ok(size_t cnt)
{
    return cnt <= LLR_PROTO_MAX_BATCH;
}

int llr_proto_token_ok(long long x, int V)
{
    return x >= 0 && x < V;
}

int llr_proto_check_prefix(int off, size_t k, int maxlen, int *next)
{
    if (k > (size_t)maxlen)
        return LLR_PROTO_TOO_LONG;
    if (k >= (size_t)(INT_MAX - off))
        return LLR_PROTO_TOO_MANY;
    *next = off + (int)k;
    return LLR_PROTO_OK;
}
