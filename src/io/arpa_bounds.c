#include "io/arpa_bounds.h"

/*@ ghost
  // Ghost lemma functions: facts about the logic of spec/arpa.acsl and
  // spec/prefix.acsl that the SMT provers do not find alone (a loop is an
  // induction), for the code below to call. Ghost code: the compiler never
  // sees it.
  /@ requires d >= 1;
     assigns \nothing;
     ensures p > limit / d ==> p * d > limit;
     ensures p <= limit / d ==> p * d <= limit;
  @/
  static void llr_arpa_div_bound(uint64_t p, uint64_t d, uint64_t limit)
  {
  }
*/

/*@ ghost
  /@ requires 0 <= n;
     assigns \nothing;
     ensures \forall integer k, m; 0 <= k <= m <= n ==>
                 1 <= llr_pow(10, k) <= llr_pow(10, m);
  @/
  static void llr_arpa_pow10_mono(int n)
  {
      /@ loop invariant 0 <= j <= n;
         loop invariant \forall integer k, m; 0 <= k <= m <= j ==>
                            1 <= llr_pow(10, k) <= llr_pow(10, m);
         loop assigns j;
         loop variant n - j;
      @/
      for (int j = 0; j < n; j++)
          ;
  }
*/

int llr_arpa_check_decl(unsigned long long order, unsigned long long count,
                        int N, size_t size, size_t need, size_t *need_out)
{
    if (order != (unsigned long long)N + 1)
        return LLR_ARPA_ORDER_SEQ;
    if (order > LLR_ARPA_MAX_ORDER)
        return LLR_ARPA_ORDER_HUGE;
    /* An n-gram line of order o takes at least 2 o + 1 bytes. */
    size_t line = 2 * (size_t)order + 1;
    //@ ghost llr_arpa_div_bound(count, line, size - need);
    if (count > (size - need) / line)
        return LLR_ARPA_TOO_MANY;
    if (count >= LLR_ARPA_MAX_COUNT)
        return LLR_ARPA_COUNT_HUGE;
    *need_out = need + count * line;
    return LLR_ARPA_OK;
}

int llr_arpa_check_first_section(unsigned long long so, int N)
{
    if (N == 0)
        return LLR_ARPA_NO_COUNTS;
    if (so != 1)
        return LLR_ARPA_OUT_OF_ORDER;
    return LLR_ARPA_OK;
}

int llr_arpa_check_section(unsigned long long so, int n, int N)
{
    if (so == 0)
        return LLR_ARPA_NOT_SECTION;
    if (so > (unsigned long long)N)
        return LLR_ARPA_UNDECLARED;
    if (so != (unsigned long long)n + 1)
        return LLR_ARPA_OUT_OF_ORDER;
    return LLR_ARPA_OK;
}

int llr_arpa_check_more(size_t have, size_t declared)
{
    return have < declared ? LLR_ARPA_OK : LLR_ARPA_MORE_LINES;
}

int llr_arpa_check_count(size_t have, size_t declared)
{
    return have == declared ? LLR_ARPA_OK : LLR_ARPA_COUNT_MISMATCH;
}

int llr_arpa_check_fields(int nf, int n)
{
    return nf >= n + 1 && nf <= n + 2 ? LLR_ARPA_OK : LLR_ARPA_BAD_FIELDS;
}

int llr_arpa_check_vocab(int V)
{
    if (V < LLR_ARPA_MIN_VOCAB)
        return LLR_ARPA_FEW_WORDS;
    if (V > LLR_ARPA_MAX_VOCAB)
        return LLR_ARPA_MANY_WORDS;
    return LLR_ARPA_OK;
}

int llr_arpa_check_context(int k, int N)
{
    return k >= 0 && k < N ? LLR_ARPA_OK : LLR_ARPA_BAD_CONTEXT;
}

int llr_arpa_check_token(int tok, int V)
{
    return tok >= 0 && tok < V ? LLR_ARPA_OK : LLR_ARPA_BAD_TOKEN;
}

size_t llr_arpa_table_size(size_t n)
{
    size_t c = 16;
    //@ assert llr_arpa_pow2(2);
    //@ assert llr_arpa_pow2(4);
    //@ assert llr_arpa_pow2(8);
    //@ assert llr_arpa_pow2(16);
    /*@ loop invariant llr_arpa_pow2(c);
        loop invariant 16 <= c;
        loop invariant c == 16 || c < 4 * n;
        loop assigns c;
        loop variant 4 * n + 16 - c;
    */
    while (c < 2 * n)
        c *= 2;
    return c;
}

/* Written as a remainder, which is h & mask for the power-of-two sizes of
 * llr_arpa_table_size (the provers know the remainder's bounds). */
size_t llr_arpa_probe(uint64_t h, size_t mask)
{
    return (size_t)(h % ((uint64_t)mask + 1));
}

size_t llr_arpa_probe_next(size_t i, size_t mask)
{
    return i < mask ? i + 1 : 0;
}

int llr_arpa_alloc_size(size_t count, size_t elems, size_t elem_size,
                        size_t *bytes)
{
    size_t c = count ? count : 1;
    //@ ghost llr_arpa_div_bound(c, elems, SIZE_MAX);
    if (c > SIZE_MAX / elems)
        return -1;
    c *= elems;
    //@ ghost llr_arpa_div_bound(c, elem_size, SIZE_MAX);
    if (c > SIZE_MAX / elem_size)
        return -1;
    *bytes = c * elem_size;
    return 0;
}

int llr_arpa_pool_grow(size_t pool_len, size_t pool_cap, size_t len,
                       size_t *cap_out)
{
    if (len < pool_cap - pool_len)
        return 0;
    if (len > SIZE_MAX - 1 || pool_cap > (SIZE_MAX - 1 - len) / 2)
        return -1;
    *cap_out = 2 * pool_cap + len + 1;
    return 1;
}

int llr_arpa_parse_count(const char *s, size_t len, size_t *i,
                         unsigned long long *out)
{
    size_t b = *i, j = *i;
    unsigned long long v = 0;
    //@ ghost llr_arpa_pow10_mono(LLR_ARPA_MAX_DIGITS);
    /*@ loop invariant b <= j <= len;
        loop invariant j - b <= LLR_ARPA_MAX_DIGITS;
        loop invariant \forall integer q; b <= q < j ==>
                           llr_arpa_is_digit(s[q]);
        loop invariant v == llr_arpa_decimal(s, b, j);
        loop invariant v < llr_pow(10, j - b);
        loop assigns j, v;
        loop variant len - j;
    */
    while (j < len && s[j] >= '0' && s[j] <= '9' &&
           j - b < LLR_ARPA_MAX_DIGITS) {
        //@ assert llr_pow(10, j - b + 1) == 10 * llr_pow(10, j - b);
        //@ assert llr_pow(10, j - b + 1) <= llr_pow(10, LLR_ARPA_MAX_DIGITS);
        v = 10 * v + (unsigned long long)(s[j] - '0');
        j++;
    }
    *i = j;
    if (j == b || (j < len && s[j] >= '0' && s[j] <= '9'))
        return -1;
    *out = v;
    return 0;
}

void llr_arpa_split(const char *s, size_t len, llr_arpa_fields *f)
{
    f->n = 0;
    size_t i = 0;
    /*@ loop invariant 0 <= i <= len;
        loop invariant 0 <= f->n <= i;
        loop invariant \forall integer k; 0 <= k < f->n &&
            k < LLR_ARPA_MAX_FIELDS ==>
                1 <= f->len[k] && f->off[k] + f->len[k] <= i &&
                !llr_arpa_is_sep(s[f->off[k]]) &&
                (k >= 1 ==> f->off[k - 1] + f->len[k - 1] < f->off[k]);
        // Every pass ends on a separator or at the end of the line.
        loop invariant i == 0 || i == len || llr_arpa_is_sep(s[i]);
        loop assigns i, f->n, f->off[0 .. LLR_ARPA_MAX_FIELDS - 1],
                     f->len[0 .. LLR_ARPA_MAX_FIELDS - 1];
        loop variant len - i;
    */
    while (i < len) {
        //@ ghost size_t i0 = i;
        /*@ loop invariant i0 <= i <= len;
            loop invariant \forall integer q; i0 <= q < i ==>
                llr_arpa_is_sep(s[q]);
            loop assigns i;
            loop variant len - i;
        */
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
            i++;
        if (i == len)
            break;
        size_t b = i;
        /*@ loop invariant b <= i <= len;
            loop assigns i;
            loop variant len - i;
        */
        while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            i++;
        if (f->n < LLR_ARPA_MAX_FIELDS) {
            f->off[f->n] = b;
            f->len[f->n] = i - b;
        }
        if (f->n < INT_MAX)
            f->n++;
    }
}
