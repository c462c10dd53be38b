#include "io/safetensors_bounds.h"

int llr_st_check_header_len(uint64_t file_size, uint64_t header_len)
{
    if (file_size < 8)
        return LLR_ST_SHORT_FILE;
    if (header_len > LLR_ST_MAX_HEADER)
        return LLR_ST_HEADER_HUGE;
    if (header_len > file_size - 8)
        return LLR_ST_HEADER_BEYOND;
    if (header_len < 2)
        return LLR_ST_HEADER_EMPTY;
    return LLR_ST_OK;
}

/*@ ghost
  // Ghost lemma functions: facts about spec/safetensors.acsl that the SMT
  // provers do not find alone (a loop is an induction), for the code below
  // to call. Ghost code: the compiler never sees it.
  /@ requires 0 <= rank;
     requires \valid_read(shape + (0 .. rank - 1));
     assigns \nothing;
     ensures \forall integer k, m; 0 <= k <= m <= rank ==>
                 1 <= llr_st_nz_product(shape, k) <=
                      llr_st_nz_product(shape, m);
  @/
  static void llr_st_nz_mono(const uint64_t *shape, int rank)
  {
      /@ loop invariant 0 <= j <= rank;
         loop invariant \forall integer k, m; 0 <= k <= m <= j ==>
                            1 <= llr_st_nz_product(shape, k) <=
                                 llr_st_nz_product(shape, m);
         loop assigns j;
         loop variant rank - j;
      @/
      for (int j = 0; j < rank; j++) {
          /@ assert llr_st_nz_product(shape, j + 1) ==
                    llr_st_nz_product(shape, j) *
                    (shape[j] == 0 ? 1 : shape[j]); @/
          /@ assert llr_st_nz_product(shape, j) <=
                    llr_st_nz_product(shape, j + 1); @/
      }
  }
*/

/*@ ghost
  /@ requires d >= 1;
     assigns \nothing;
     ensures p > limit / d ==> p * d > limit;
     ensures p <= limit / d ==> p * d <= limit;
  @/
  static void llr_st_div_bound(uint64_t p, uint64_t d, uint64_t limit)
  {
  }
*/

int llr_st_elem_count(const uint64_t *shape, int rank, uint64_t *count)
{
    if (rank > LLR_ST_MAX_RANK)
        return LLR_ST_BAD_RANK;
    uint64_t n = 1;
    int zero = 0;
    //@ ghost llr_st_nz_mono(shape, rank);
    /*@ loop invariant 0 <= i <= rank;
        loop invariant n <= LLR_ST_MAX_BYTES;
        loop invariant 1 <= n;
        loop invariant n == llr_st_nz_product(shape, i);
        loop invariant zero == 0 || zero == 1;
        loop invariant zero == 0 ==> n == llr_st_product(shape, i);
        loop invariant zero == 1 ==> llr_st_product(shape, i) == 0;
        loop assigns i, n, zero;
        loop variant rank - i;
    */
    for (int i = 0; i < rank; i++) {
        if (shape[i] == 0) {
            zero = 1;
            continue;
        }
        //@ ghost llr_st_div_bound(shape[i], n, LLR_ST_MAX_BYTES);
        //@ assert llr_st_nz_product(shape, i + 1) == n * shape[i];
        if (shape[i] > LLR_ST_MAX_BYTES / n)
            return LLR_ST_OVERFLOW;
        n *= shape[i];
    }
    *count = zero ? 0 : n;
    return LLR_ST_OK;
}

int llr_st_nbytes(uint64_t count, uint64_t elem_size, uint64_t *nbytes)
{
    //@ ghost llr_st_div_bound(count, elem_size, LLR_ST_MAX_BYTES);
    if (count > LLR_ST_MAX_BYTES / elem_size)
        return LLR_ST_OVERFLOW;
    *nbytes = count * elem_size;
    return LLR_ST_OK;
}

int llr_st_check_offsets(uint64_t begin, uint64_t end, uint64_t nbytes,
                         uint64_t data_size)
{
    if (begin > end)
        return LLR_ST_BEGIN_AFTER_END;
    if (end > data_size)
        return LLR_ST_END_BEYOND;
    if (end - begin != nbytes)
        return LLR_ST_SIZE_MISMATCH;
    return LLR_ST_OK;
}

int llr_st_check_cover(const uint64_t *begin, const uint64_t *end,
                       const size_t *order, size_t n, uint64_t data_size,
                       size_t *where)
{
    uint64_t expected = 0;
    /*@ loop invariant 0 <= k <= n;
        loop invariant expected == llr_st_expected_begin(end, order, k);
        loop invariant llr_st_contiguous(begin, end, order, k);
        loop assigns k, expected;
        loop variant n - k;
    */
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        if (begin[i] != expected) {
            *where = k;
            return begin[i] < expected ? LLR_ST_OVERLAP : LLR_ST_GAP;
        }
        expected = end[i];
    }
    if (expected != data_size) {
        *where = n;
        return LLR_ST_TRAILING;
    }
    return LLR_ST_OK;
}

int llr_st_dtype_size(int dtype)
{
    switch (dtype) {
    case LLR_DT_BOOL: case LLR_DT_U8: case LLR_DT_I8:
    case LLR_DT_F8_E5M2: case LLR_DT_F8_E4M3:
        return 1;
    case LLR_DT_I16: case LLR_DT_U16: case LLR_DT_F16: case LLR_DT_BF16:
        return 2;
    case LLR_DT_I32: case LLR_DT_U32: case LLR_DT_F32:
        return 4;
    case LLR_DT_I64: case LLR_DT_U64: case LLR_DT_F64:
        return 8;
    default:
        return 0;
    }
}
