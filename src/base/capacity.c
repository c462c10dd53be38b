#include "base/capacity.h"

int llr_capacity(size_t cap, size_t need, size_t first, size_t elem_size,
                 size_t *out)
{
    if (need <= cap) {
        *out = cap;
        return 0;
    }
    size_t limit = SIZE_MAX / elem_size;
    size_t c = cap ? cap : first;
    if (c > limit)
        return -1;
    /*@ loop invariant 1 <= c <= limit;
        loop invariant c == (cap == 0 ? first : cap) || c < 2 * need;
        loop assigns c;
        loop variant limit - c;
    */
    while (c < need) {
        if (c > limit / 2)
            return -1;
        c *= 2;
    }
    //@ assert c * elem_size <= SIZE_MAX;
    *out = c;
    return 0;
}
