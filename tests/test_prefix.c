/* Prefix enumeration order and counts. */
#include <criterion/criterion.h>

#include "base/prefix.h"

Test(prefix, next_enumerates_lexicographically)
{
    int tok[3] = {0, 0, 0};
    uint64_t i = 0;
    do {
        cr_assert_eq(llr_prefix_index(tok, 3, 4), i);
        int back[3];
        llr_prefix_from_index(i, 3, 4, back);
        cr_assert_arr_eq(back, tok, sizeof tok);
        i++;
    } while (llr_prefix_next(tok, 3, 4));
    cr_assert_eq(i, 64);
    cr_assert(tok[0] == 0 && tok[1] == 0 && tok[2] == 0);
    int none[1];
    cr_assert_eq(llr_prefix_next(none, 0, 4), 0);
}

Test(prefix, counts_and_overflow)
{
    uint64_t n;
    cr_assert_eq(llr_prefix_count(3, 4, 1000, &n), 0);
    cr_assert_eq(n, 81);
    cr_assert_eq(llr_prefix_count(3, 4, 80, &n), -1);
    cr_assert_eq(llr_prefix_count(2, 70, UINT64_MAX >> 1, &n), -1);
    cr_assert_eq(llr_prefix_total(3, 4, 1000, &n), 0);
    cr_assert_eq(n, 1 + 3 + 9 + 27);
    cr_assert_eq(llr_prefix_total(3, 0, 1000, &n), 0);
    cr_assert_eq(n, 0);
    cr_assert_eq(llr_prefix_total(1 << 20, 5, UINT64_MAX >> 1, &n), -1);
}
