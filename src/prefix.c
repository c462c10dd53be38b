#include "prefix.h"

int llr_prefix_count(uint64_t V, uint64_t len, uint64_t limit, uint64_t *out)
{
    uint64_t n = 1;
    /*@ loop invariant 0 <= i <= len;
        loop invariant 1 <= n <= limit || (i == 0 && n == 1);
        loop assigns i, n;
        loop variant len - i;
    */
    for (uint64_t i = 0; i < len; i++) {
        if (n > limit / V)
            return -1;
        n *= V;
    }
    if (n > limit)
        return -1;
    *out = n;
    return 0;
}

int llr_prefix_total(uint64_t V, uint64_t T, uint64_t limit, uint64_t *out)
{
    uint64_t total = 0, power = 1;
    /*@ loop invariant 0 <= t <= T;
        loop invariant total <= limit;
        loop invariant 1 <= power;
        loop assigns t, total, power;
        loop variant T - t;
    */
    for (uint64_t t = 0; t < T; t++) {
        if (power > limit - total)
            return -1;
        total += power;
        if (t + 1 < T) {
            if (power > limit / V)
                return -1;
            power *= V;
        }
    }
    *out = total;
    return 0;
}

int llr_prefix_next(int *tok, int len, int V)
{
    /*@ loop invariant -1 <= i < len;
        loop invariant tokens_in_range(tok, len, V);
        loop invariant \forall integer j; i < j < len ==> tok[j] == 0;
        loop assigns i, tok[0 .. len - 1];
        loop variant i + 1;
    */
    for (int i = len - 1; i >= 0; i--) {
        if (tok[i] + 1 < V) {
            tok[i]++;
            return 1;
        }
        tok[i] = 0;
    }
    return 0;
}

uint64_t llr_prefix_index(const int *tok, int len, int V)
{
    uint64_t idx = 0;
    /*@ loop invariant 0 <= i <= len;
        loop assigns i, idx;
        loop variant len - i;
    */
    for (int i = 0; i < len; i++)
        idx = idx * (uint64_t)V + (uint64_t)tok[i];
    return idx;
}

void llr_prefix_from_index(uint64_t index, int len, int V, int *tok)
{
    /*@ loop invariant -1 <= i < len;
        loop invariant \forall integer j; i < j < len ==> 0 <= tok[j] < V;
        loop assigns i, index, tok[0 .. len - 1];
        loop variant i + 1;
    */
    for (int i = len - 1; i >= 0; i--) {
        tok[i] = (int)(index % (uint64_t)V);
        index /= (uint64_t)V;
    }
}
