#include "base/strlist.h"

#include <stdlib.h>
#include <string.h>

#include "base/prefix.h"

void llr_strings_free(llr_strings *s)
{
    free(s->off);
    free(s->tok);
    memset(s, 0, sizeof *s);
}

int llr_strings_alloc(llr_strings *s, int count, size_t ntok, llr_error *e)
{
    s->count = count;
    s->off = calloc((size_t)count + 1, sizeof *s->off);
    s->tok = malloc((ntok ? ntok : 1) * sizeof *s->tok);
    if (!s->off || !s->tok) {
        llr_strings_free(s);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    return 0;
}

int llr_strings_all(int V, int len, int upto, int limit, llr_strings *out,
                    llr_error *e)
{
    memset(out, 0, sizeof *out);
    uint64_t count = 0, ntok = 0;
    for (int k = upto ? 0 : len; k <= len; k++) {
        uint64_t c;
        if (llr_prefix_count((uint64_t)V, (uint64_t)k, (uint64_t)limit, &c) ||
            count + c > (uint64_t)limit)
            return llr_fail(e, LLR_EINPUT,
                            "more than %d strings of length %s%d over %d "
                            "tokens",
                            limit, upto ? "up to " : "", len, V);
        count += c;
        ntok += c * (uint64_t)k;
    }
    if (llr_strings_alloc(out, (int)count, (size_t)ntok, e))
        return -1;
    int i = 0;
    size_t pos = 0;
    for (int k = upto ? 0 : len; k <= len; k++) {
        uint64_t c;
        llr_prefix_count((uint64_t)V, (uint64_t)k, (uint64_t)limit, &c);
        for (uint64_t idx = 0; idx < c; idx++) {
            out->off[i++] = (int)pos;
            llr_prefix_from_index(idx, k, V, out->tok + pos);
            pos += (size_t)k;
        }
    }
    out->off[count] = (int)pos;
    return 0;
}

int llr_strings_push(llr_strings *s, const int *tok, int len, llr_error *e)
{
    int n = s->count;
    size_t used = s->off ? (size_t)s->off[n] : 0;
    int *off = realloc(s->off, ((size_t)n + 2) * sizeof *off);
    if (!off)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    s->off = off;
    if (n == 0)
        s->off[0] = 0;
    int *tk = realloc(s->tok, (used + (size_t)len + 1) * sizeof *tk);
    if (!tk)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    s->tok = tk;
    if (len)
        memcpy(s->tok + used, tok, (size_t)len * sizeof *tok);
    s->off[n + 1] = (int)(used + (size_t)len);
    s->count = n + 1;
    return 0;
}

int llr_strings_find(const llr_strings *s, const int *tok, int len)
{
    for (int i = 0; i < s->count; i++)
        if (llr_strings_len(s, i) == len &&
            (len == 0 ||
             memcmp(s->tok + s->off[i], tok, (size_t)len * sizeof *tok) == 0))
            return i;
    return -1;
}

int llr_strings_copy(const llr_strings *src, llr_strings *dst, llr_error *e)
{
    memset(dst, 0, sizeof *dst);
    for (int i = 0; i < src->count; i++)
        if (llr_strings_push(dst, llr_strings_at(src, i),
                             llr_strings_len(src, i), e)) {
            llr_strings_free(dst);
            return -1;
        }
    return 0;
}
