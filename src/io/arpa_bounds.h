/* io/arpa_bounds.h - the bounds and size checks of the ARPA reader.
 *
 * Pure functions, kept apart from the parser (arpa_file.c) so that their
 * contracts are proved with Frama-C WP; spec/arpa.acsl states the header
 * invariants they enforce. The reader turns their status codes into
 * messages that name the file and the line.
 */
#ifndef LLR_ARPA_CHECK_H
#define LLR_ARPA_CHECK_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* The largest order accepted (the state holds N int32 values). */
#define LLR_ARPA_MAX_ORDER 64
/* The most n-grams of one order (their numbers are int32). */
#define LLR_ARPA_MAX_COUNT 0x80000000ULL /* 2^31, excluded */
/* The vocabulary: at least 2 words, at most LLR_MAX_VOCAB (model.h). */
#define LLR_ARPA_MIN_VOCAB 2
#define LLR_ARPA_MAX_VOCAB (1 << 24)
/* The fields of a line that split records (an n-gram line of order
 * LLR_ARPA_MAX_ORDER has at most LLR_ARPA_MAX_ORDER + 2). */
#define LLR_ARPA_MAX_FIELDS (LLR_ARPA_MAX_ORDER + 3)
/* The longest decimal count accepted in the header. */
#define LLR_ARPA_MAX_DIGITS 15

#ifdef __FRAMAC__ /* ACSL logic (spec/): seen by Frama-C only */
#include "../../spec/arpa.acsl"
#include "../../spec/prefix.acsl"
#endif

enum {
    LLR_ARPA_OK = 0,
    LLR_ARPA_ORDER_SEQ = 1,     /* `ngram o=` with o != N + 1 */
    LLR_ARPA_ORDER_HUGE = 2,    /* o above LLR_ARPA_MAX_ORDER */
    LLR_ARPA_TOO_MANY = 3,      /* the declared n-grams cannot fit the file */
    LLR_ARPA_COUNT_HUGE = 4,    /* a count of 2^31 or more */
    LLR_ARPA_NO_COUNTS = 5,     /* a section before any `ngram` line */
    LLR_ARPA_NOT_SECTION = 6,   /* a line starting with '\' that is none */
    LLR_ARPA_UNDECLARED = 7,    /* a section above the highest order */
    LLR_ARPA_OUT_OF_ORDER = 8,  /* a section other than the next one */
    LLR_ARPA_MORE_LINES = 9,    /* more lines than the declared count */
    LLR_ARPA_COUNT_MISMATCH = 10,/* a section ends with another count */
    LLR_ARPA_BAD_FIELDS = 11,   /* not n + 1 or n + 2 fields */
    LLR_ARPA_FEW_WORDS = 12,    /* vocabulary below LLR_ARPA_MIN_VOCAB */
    LLR_ARPA_MANY_WORDS = 13,   /* vocabulary above LLR_ARPA_MAX_VOCAB */
    LLR_ARPA_BAD_CONTEXT = 14,  /* a state's context length out of range */
    LLR_ARPA_BAD_TOKEN = 15     /* a token outside [0, V) */
};

/* One `ngram order=count` line of the \data\ header, read after orders
 * 1..N were declared; need is the least byte count (the sum of count *
 * (2o + 1)) that the orders before it take, size the file's size. On OK
 * *need_out is the sum with this order added. */
/*@ requires 0 <= N <= LLR_ARPA_MAX_ORDER;
    requires need <= size;
    requires \valid(need_out);
    assigns *need_out;
    ensures \result == LLR_ARPA_OK || \result == LLR_ARPA_ORDER_SEQ ||
        \result == LLR_ARPA_ORDER_HUGE || \result == LLR_ARPA_TOO_MANY ||
        \result == LLR_ARPA_COUNT_HUGE;
    behavior seq:
      assumes order != N + 1;
      assigns \nothing;
      ensures \result == LLR_ARPA_ORDER_SEQ;
    behavior huge:
      assumes order == N + 1 && order > LLR_ARPA_MAX_ORDER;
      assigns \nothing;
      ensures \result == LLR_ARPA_ORDER_HUGE;
    behavior too_many:
      assumes order == N + 1 && order <= LLR_ARPA_MAX_ORDER;
      assumes need + count * llr_arpa_line_min(order) > size;
      assigns \nothing;
      ensures \result == LLR_ARPA_TOO_MANY;
    behavior count_huge:
      assumes order == N + 1 && order <= LLR_ARPA_MAX_ORDER;
      assumes need + count * llr_arpa_line_min(order) <= size;
      assumes count >= LLR_ARPA_MAX_COUNT;
      assigns \nothing;
      ensures \result == LLR_ARPA_COUNT_HUGE;
    behavior ok:
      assumes order == N + 1 && order <= LLR_ARPA_MAX_ORDER;
      assumes need + count * llr_arpa_line_min(order) <= size;
      assumes count < LLR_ARPA_MAX_COUNT;
      assigns *need_out;
      ensures \result == LLR_ARPA_OK;
      ensures *need_out == need + count * llr_arpa_line_min(order);
      ensures *need_out <= size;
    complete behaviors;
    disjoint behaviors;
*/
int llr_arpa_check_decl(unsigned long long order, unsigned long long count,
                        int N, size_t size, size_t need, size_t *need_out);

/* The first section header (order so, 0 when the line is none), after the
 * counts of orders 1..N: it must be \1-grams:, and N >= 1. */
/*@ requires 0 <= N;
    assigns \nothing;
    behavior no_counts:
      assumes N == 0;
      ensures \result == LLR_ARPA_NO_COUNTS;
    behavior out_of_order:
      assumes N >= 1 && so != 1;
      ensures \result == LLR_ARPA_OUT_OF_ORDER;
    behavior ok:
      assumes N >= 1 && so == 1;
      ensures \result == LLR_ARPA_OK;
    complete behaviors;
    disjoint behaviors;
*/
int llr_arpa_check_first_section(unsigned long long so, int N);

/* A section header (order so, 0 when the line is none) after the section
 * of order n; orders 1..N are declared. */
/*@ requires 1 <= n <= N;
    assigns \nothing;
    behavior not_section:
      assumes so == 0;
      ensures \result == LLR_ARPA_NOT_SECTION;
    behavior undeclared:
      assumes so != 0 && so > N;
      ensures \result == LLR_ARPA_UNDECLARED;
    behavior out_of_order:
      assumes so != 0 && so <= N && so != n + 1;
      ensures \result == LLR_ARPA_OUT_OF_ORDER;
    behavior ok:
      assumes so == n + 1 && so <= N;
      ensures \result == LLR_ARPA_OK;
    complete behaviors;
    disjoint behaviors;
*/
int llr_arpa_check_section(unsigned long long so, int n, int N);

/* One more n-gram line in a section that has `have` of `declared`. */
/*@ assigns \nothing;
    ensures \result == LLR_ARPA_OK || \result == LLR_ARPA_MORE_LINES;
    ensures \result == LLR_ARPA_OK <==> have < declared;
*/
int llr_arpa_check_more(size_t have, size_t declared);

/* The end of a section that has `have` n-grams of `declared`. */
/*@ assigns \nothing;
    ensures \result == LLR_ARPA_OK || \result == LLR_ARPA_COUNT_MISMATCH;
    ensures \result == LLR_ARPA_OK <==> have == declared;
*/
int llr_arpa_check_count(size_t have, size_t declared);

/* An n-gram line of order n with nf fields: the log10 probability, n
 * words, and an optional back-off weight. On OK every field it uses was
 * recorded by llr_arpa_split (nf < LLR_ARPA_MAX_FIELDS). */
/*@ requires 1 <= n <= LLR_ARPA_MAX_ORDER;
    assigns \nothing;
    ensures \result == LLR_ARPA_OK || \result == LLR_ARPA_BAD_FIELDS;
    ensures \result == LLR_ARPA_OK <==> n + 1 <= nf <= n + 2;
    ensures \result == LLR_ARPA_OK ==> nf < LLR_ARPA_MAX_FIELDS;
*/
int llr_arpa_check_fields(int nf, int n);

/* The vocabulary size V (unigrams other than <s>, </s>, <unk>). */
/*@ assigns \nothing;
    behavior few:
      assumes V < LLR_ARPA_MIN_VOCAB;
      ensures \result == LLR_ARPA_FEW_WORDS;
    behavior many:
      assumes V > LLR_ARPA_MAX_VOCAB;
      ensures \result == LLR_ARPA_MANY_WORDS;
    behavior ok:
      assumes LLR_ARPA_MIN_VOCAB <= V <= LLR_ARPA_MAX_VOCAB;
      ensures \result == LLR_ARPA_OK;
    complete behaviors;
    disjoint behaviors;
*/
int llr_arpa_check_vocab(int V);

/* A state's context length k for a model of order N: 0 <= k <= N - 1
 * (the state holds k word numbers after the count, in N int32 slots). */
/*@ assigns \nothing;
    ensures \result == LLR_ARPA_OK || \result == LLR_ARPA_BAD_CONTEXT;
    ensures \result == LLR_ARPA_OK <==> 0 <= k < N;
*/
int llr_arpa_check_context(int k, int N);

/* A token id against the vocabulary size V. */
/*@ assigns \nothing;
    ensures \result == LLR_ARPA_OK || \result == LLR_ARPA_BAD_TOKEN;
    ensures \result == LLR_ARPA_OK <==> 0 <= tok < V;
*/
int llr_arpa_check_token(int tok, int V);

/* The size of a hash table for n entries: the smallest power of two that
 * is at least 2 n and at least 16 (so linear probing always finds a free
 * slot, and the mask size - 1 selects a slot). */
/*@ requires n < LLR_ARPA_MAX_COUNT;
    assigns \nothing;
    ensures llr_arpa_pow2(\result);
    ensures \result >= 16 && \result >= 2 * n;
    ensures \result == 16 || \result < 4 * n;
*/
size_t llr_arpa_table_size(size_t n);

/* The first slot probed for hash h in a table of mask + 1 slots (h mod
 * mask + 1, which is h & mask for a power-of-two size), and the slot after
 * slot i (wrapping to 0 after the last): both in the table. */
/*@ requires mask < SIZE_MAX;
    assigns \nothing;
    ensures \result == h % (mask + 1);
    ensures \result <= mask;
*/
size_t llr_arpa_probe(uint64_t h, size_t mask);

/*@ requires i <= mask;
    assigns \nothing;
    ensures \result == (i == mask ? 0 : i + 1);
    ensures \result <= mask;
*/
size_t llr_arpa_probe_next(size_t i, size_t mask);

/* The bytes of an array of max(count, 1) items of elems elements of
 * elem_size bytes (count 0 still allocates one item): 0 with *bytes set,
 * or -1 when the product does not fit in a size_t. */
/*@ requires elems >= 1 && elem_size >= 1;
    requires \valid(bytes);
    assigns *bytes;
    ensures \result == 0 || \result == -1;
    behavior fits:
      assumes (count == 0 ? 1 : count) * elems * elem_size <= SIZE_MAX;
      assigns *bytes;
      ensures \result == 0;
      ensures *bytes == (count == 0 ? 1 : count) * elems * elem_size;
    behavior overflow:
      assumes (count == 0 ? 1 : count) * elems * elem_size > SIZE_MAX;
      assigns \nothing;
      ensures \result == -1;
    complete behaviors;
    disjoint behaviors;
*/
int llr_arpa_alloc_size(size_t count, size_t elems, size_t elem_size,
                        size_t *bytes);

/* The word pool holds pool_len of pool_cap bytes; a word of len bytes and
 * its NUL are to be added. 0: it fits; 1: grow to *cap_out = 2 pool_cap +
 * len + 1; -1: that capacity does not fit in a size_t. */
/*@ requires pool_len <= pool_cap;
    requires \valid(cap_out);
    assigns *cap_out;
    ensures \result == 0 || \result == 1 || \result == -1;
    behavior fits:
      assumes pool_len + len + 1 <= pool_cap;
      assigns \nothing;
      ensures \result == 0;
    behavior grow:
      assumes pool_len + len + 1 > pool_cap;
      assumes 2 * pool_cap + len + 1 <= SIZE_MAX;
      assigns *cap_out;
      ensures \result == 1;
      ensures *cap_out == 2 * pool_cap + len + 1;
      ensures *cap_out >= pool_len + len + 1;
    behavior overflow:
      assumes pool_len + len + 1 > pool_cap;
      assumes 2 * pool_cap + len + 1 > SIZE_MAX;
      assigns \nothing;
      ensures \result == -1;
    complete behaviors;
    disjoint behaviors;
*/
int llr_arpa_pool_grow(size_t pool_len, size_t pool_cap, size_t len,
                       size_t *cap_out);

/* A decimal number of 1 to LLR_ARPA_MAX_DIGITS digits at s[*i], not
 * followed by another digit: 0 with *out its value and *i past it, else
 * -1 (*out unchanged). */
/*@ requires \valid_read(s + (0 .. len - 1));
    requires \valid(i) && \valid(out);
    requires \separated(i, out, s + (0 .. len - 1));
    requires *i <= len;
    assigns *i, *out;
    ensures \old(*i) <= *i <= len;
    ensures \result == 0 || \result == -1;
    ensures \result == 0 ==>
        1 <= *i - \old(*i) <= LLR_ARPA_MAX_DIGITS &&
        (\forall integer j; \old(*i) <= j < *i ==> llr_arpa_is_digit(s[j])) &&
        (*i == len || !llr_arpa_is_digit(s[*i])) &&
        *out == llr_arpa_decimal(s, \old(*i), *i) &&
        *out < llr_pow(10, *i - \old(*i));
    ensures \result == -1 ==> *out == \old(*out);
*/
int llr_arpa_parse_count(const char *s, size_t len, size_t *i,
                         unsigned long long *out);

/* The fields of a line: maximal runs of bytes other than ' ', '\t' and
 * '\r'. All are counted in n (up to INT_MAX); the first
 * LLR_ARPA_MAX_FIELDS are recorded, field k as s[off[k] .. off[k] +
 * len[k] - 1]. */
typedef struct llr_arpa_fields {
    int n;
    size_t off[LLR_ARPA_MAX_FIELDS];
    size_t len[LLR_ARPA_MAX_FIELDS];
} llr_arpa_fields;

/*@ requires \valid_read(s + (0 .. len - 1));
    requires \valid(f);
    assigns *f;
    ensures 0 <= f->n <= len;
    ensures \forall integer k; 0 <= k < f->n && k < LLR_ARPA_MAX_FIELDS ==>
        1 <= f->len[k] && f->off[k] + f->len[k] <= len &&
        !llr_arpa_is_sep(s[f->off[k]]) &&
        (k >= 1 ==> f->off[k - 1] + f->len[k - 1] < f->off[k]);
*/
void llr_arpa_split(const char *s, size_t len, llr_arpa_fields *f);

#endif
