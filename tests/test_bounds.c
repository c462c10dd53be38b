/* The readers' proved bounds checks (arpa_bounds, protocol_bounds, capacity,
 * the trie's index arithmetic) at their limits, where the readers' own
 * tests do not reach: overflow and boundary values. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "io/arpa_bounds.h"
#include "base/capacity.h"
#include "io/protocol_bounds.h"
#include "oracle/trie.h"

Test(bounds, capacity_doubles_and_refuses_overflow)
{
    size_t c = 7;
    cr_assert_eq(llr_capacity(100, 50, 16, 8, &c), 0);
    cr_assert_eq(c, 100);
    cr_assert_eq(llr_capacity(0, 1, 16, 8, &c), 0);
    cr_assert_eq(c, 16);
    cr_assert_eq(llr_capacity(16, 17, 16, 8, &c), 0);
    cr_assert_eq(c, 32);
    cr_assert_eq(llr_capacity(16, 1000, 16, 8, &c), 0);
    cr_assert_eq(c, 1024);
    c = 7;
    cr_assert_eq(llr_capacity(16, SIZE_MAX / 8, 16, 8, &c), -1);
    cr_assert_eq(c, 7);
    cr_assert_eq(llr_capacity(SIZE_MAX / 2, SIZE_MAX / 2 + 1, 16, 1, &c), 0);
    cr_assert_eq(c, SIZE_MAX / 2 * 2);
}

Test(bounds, arpa_declarations)
{
    size_t need = 5;
    /* Order 2 lines take at least 5 bytes: 4 of them fit in 20. */
    cr_assert_eq(llr_arpa_check_decl(2, 4, 1, 20, 0, &need), LLR_ARPA_OK);
    cr_assert_eq(need, 20);
    cr_assert_eq(llr_arpa_check_decl(2, 5, 1, 20, 0, &need),
                 LLR_ARPA_TOO_MANY);
    cr_assert_eq(llr_arpa_check_decl(2, 1, 1, 20, 16, &need),
                 LLR_ARPA_TOO_MANY);
    cr_assert_eq(llr_arpa_check_decl(3, 1, 1, 20, 0, &need),
                 LLR_ARPA_ORDER_SEQ);
    cr_assert_eq(llr_arpa_check_decl(65, 1, 64, 1000, 0, &need),
                 LLR_ARPA_ORDER_HUGE);
    cr_assert_eq(llr_arpa_check_decl(1, 1ULL << 31, 0, SIZE_MAX, 0, &need),
                 LLR_ARPA_COUNT_HUGE);
    cr_assert_eq(llr_arpa_check_decl(1, ULLONG_MAX, 0, SIZE_MAX, 0, &need),
                 LLR_ARPA_TOO_MANY);
    cr_assert_eq(llr_arpa_check_section(3, 2, 3), LLR_ARPA_OK);
    cr_assert_eq(llr_arpa_check_section(4, 2, 3), LLR_ARPA_UNDECLARED);
    cr_assert_eq(llr_arpa_check_section(2, 2, 3), LLR_ARPA_OUT_OF_ORDER);
    cr_assert_eq(llr_arpa_check_fields(LLR_ARPA_MAX_ORDER + 2,
                                       LLR_ARPA_MAX_ORDER), LLR_ARPA_OK);
    cr_assert_eq(llr_arpa_check_fields(4, 1), LLR_ARPA_BAD_FIELDS);
}

Test(bounds, arpa_sizes)
{
    cr_assert_eq(llr_arpa_table_size(0), 16);
    cr_assert_eq(llr_arpa_table_size(8), 16);
    cr_assert_eq(llr_arpa_table_size(9), 32);
    cr_assert_eq(llr_arpa_table_size((1u << 31) - 1), (size_t)1 << 32);
    for (uint64_t h = 0; h < 1000; h += 7) {
        cr_assert_eq(llr_arpa_probe(h * 0x9e3779b97f4a7c15ULL, 63),
                     (size_t)(h * 0x9e3779b97f4a7c15ULL) & 63);
        cr_assert_eq(llr_arpa_probe_next((size_t)h & 63, 63),
                     ((size_t)h + 1) & 63);
    }
    size_t b = 3;
    cr_assert_eq(llr_arpa_alloc_size(0, 1, 8, &b), 0);
    cr_assert_eq(b, 8);
    cr_assert_eq(llr_arpa_alloc_size(10, 64, 4, &b), 0);
    cr_assert_eq(b, 2560);
    cr_assert_eq(llr_arpa_alloc_size(SIZE_MAX / 4 + 1, 1, 4, &b), -1);
    cr_assert_eq(llr_arpa_alloc_size(SIZE_MAX / 2, 3, 1, &b), -1);
    cr_assert_eq(llr_arpa_pool_grow(3, 10, 6, &b), 0);
    cr_assert_eq(llr_arpa_pool_grow(3, 10, 7, &b), 1);
    cr_assert_eq(b, 28);
    cr_assert_eq(llr_arpa_pool_grow(0, SIZE_MAX / 2, SIZE_MAX / 2, &b), -1);
}

Test(bounds, arpa_counts_and_fields)
{
    const char *s = "ngram 123456789012345=7";
    size_t i = 6;
    unsigned long long v = 0;
    cr_assert_eq(llr_arpa_parse_count(s, strlen(s), &i, &v), 0);
    cr_assert_eq(v, 123456789012345ULL);
    cr_assert_eq(i, 21);
    const char *t = "1234567890123456";
    i = 0;
    v = 9;
    cr_assert_eq(llr_arpa_parse_count(t, strlen(t), &i, &v), -1);
    cr_assert_eq(v, 9);
    i = 0;
    cr_assert_eq(llr_arpa_parse_count("x1", 2, &i, &v), -1);

    llr_arpa_fields f;
    const char *line = " \t-1.5\tthe  cat\r";
    llr_arpa_split(line, strlen(line), &f);
    cr_assert_eq(f.n, 3);
    cr_assert(f.off[0] == 2 && f.len[0] == 4);
    cr_assert(f.off[1] == 7 && f.len[1] == 3);
    cr_assert(f.off[2] == 12 && f.len[2] == 3);
    char many[2 * (LLR_ARPA_MAX_FIELDS + 5)];
    for (int k = 0; k < LLR_ARPA_MAX_FIELDS + 5; k++)
        many[2 * k] = 'w', many[2 * k + 1] = ' ';
    llr_arpa_split(many, sizeof many, &f);
    cr_assert_eq(f.n, LLR_ARPA_MAX_FIELDS + 5);
    cr_assert_eq(f.off[LLR_ARPA_MAX_FIELDS - 1],
                 2 * (LLR_ARPA_MAX_FIELDS - 1));
}

Test(bounds, protocol_and_trie)
{
    int next = -1;
    cr_assert_eq(llr_proto_check_prefix(10, 5, 5, &next), LLR_PROTO_OK);
    cr_assert_eq(next, 15);
    cr_assert_eq(llr_proto_check_prefix(10, 6, 5, &next), LLR_PROTO_TOO_LONG);
    cr_assert_eq(llr_proto_check_prefix(INT_MAX - 3, 3, 5, &next),
                 LLR_PROTO_TOO_MANY);
    cr_assert_eq(llr_proto_check_prefix(INT_MAX - 4, 3, 5, &next),
                 LLR_PROTO_OK);
    cr_assert_eq(next, INT_MAX - 1);
    cr_assert(llr_proto_token_ok(0, 2) && llr_proto_token_ok(1, 2));
    cr_assert(!llr_proto_token_ok(2, 2) && !llr_proto_token_ok(-1, 2));
    cr_assert(llr_proto_batch_ok(1000000) && !llr_proto_batch_ok(1000001));
    cr_assert(llr_proto_line_ok(LLR_PROTO_MAX_LINE - 1) &&
              !llr_proto_line_ok(LLR_PROTO_MAX_LINE));

    cr_assert_eq(llr_trie_slot(3, 5, 4), 19);
    size_t need = 1;
    cr_assert_eq(llr_trie_need(3, 5, &need), 0);
    cr_assert_eq(need, 20);
    cr_assert_eq(llr_trie_need(SIZE_MAX, 1, &need), -1);
    cr_assert_eq(llr_trie_need(SIZE_MAX / 4, 4, &need), -1);
    cr_assert_eq(need, 20);
}
