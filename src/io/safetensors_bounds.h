/* io/safetensors_bounds.h - the bounds and size checks of the safetensors reader.
 *
 * Pure integer functions, kept apart from the JSON parsing so that their
 * contracts are proved with Frama-C WP (spec/safetensors.acsl states the
 * header invariants). The reader (safetensors.c) turns their status codes
 * into messages that name the file and the tensor.
 */
#ifndef LLR_ST_CHECK_H
#define LLR_ST_CHECK_H

#include <stddef.h>
#include <stdint.h>

/* The largest JSON header accepted (the same limit as the reference
 * safetensors implementation). */
#define LLR_ST_MAX_HEADER 100000000ULL
/* The largest element count or byte size of one tensor. */
#define LLR_ST_MAX_BYTES 0x4000000000000000ULL /* 2^62 */
#define LLR_ST_MAX_RANK 8

#ifdef __FRAMAC__ /* ACSL logic (spec/): seen by Frama-C only */
#include "../../spec/safetensors.acsl"
#endif

enum {
    LLR_ST_OK = 0,
    LLR_ST_SHORT_FILE = 1,   /* fewer than 8 bytes */
    LLR_ST_HEADER_HUGE = 2,  /* header length above LLR_ST_MAX_HEADER */
    LLR_ST_HEADER_BEYOND = 3,/* header length beyond the end of the file */
    LLR_ST_HEADER_EMPTY = 4, /* header shorter than "{}" */
    LLR_ST_OVERFLOW = 5,     /* element count or byte size above 2^62 */
    LLR_ST_BEGIN_AFTER_END = 6,
    LLR_ST_END_BEYOND = 7,   /* end offset beyond the data section */
    LLR_ST_SIZE_MISMATCH = 8,/* end - begin differs from the shape's bytes */
    LLR_ST_OVERLAP = 9,      /* a tensor starts before the previous one ends */
    LLR_ST_GAP = 10,         /* bytes between two tensors belong to none */
    LLR_ST_TRAILING = 11,    /* bytes after the last tensor belong to none */
    LLR_ST_BAD_RANK = 12     /* rank above LLR_ST_MAX_RANK */
};

/*@ // llr_st_header_ok: spec/safetensors.acsl
    requires \true;
    assigns \nothing;
    ensures \result == LLR_ST_OK ==> llr_st_header_ok(file_size, header_len);
    ensures \result == LLR_ST_OK || \result == LLR_ST_SHORT_FILE ||
        \result == LLR_ST_HEADER_HUGE || \result == LLR_ST_HEADER_BEYOND ||
        \result == LLR_ST_HEADER_EMPTY;
    behavior short_file:
      assumes file_size < 8;
      ensures \result == LLR_ST_SHORT_FILE;
    behavior huge:
      assumes file_size >= 8 && header_len > LLR_ST_MAX_HEADER;
      ensures \result == LLR_ST_HEADER_HUGE;
    behavior beyond:
      assumes file_size >= 8 && header_len <= LLR_ST_MAX_HEADER;
      assumes header_len > file_size - 8;
      ensures \result == LLR_ST_HEADER_BEYOND;
    behavior empty:
      assumes file_size >= 8 && header_len <= file_size - 8;
      assumes header_len < 2;
      ensures \result == LLR_ST_HEADER_EMPTY;
    behavior ok:
      assumes file_size >= 8 && 2 <= header_len <= LLR_ST_MAX_HEADER;
      assumes header_len <= file_size - 8;
      ensures \result == LLR_ST_OK;
    complete behaviors;
    disjoint behaviors;
*/
int llr_st_check_header_len(uint64_t file_size, uint64_t header_len);

/* count = product of shape[0..rank-1] (1 for rank 0), checked against 2^62. */
/*@ // llr_st_product, llr_st_nz_product, llr_st_size_ok:
    // spec/safetensors.acsl
    requires 0 <= rank;
    requires \valid_read(shape + (0 .. rank - 1));
    requires \valid(count);
    requires \separated(count, shape + (0 .. rank - 1));
    assigns *count;
    ensures \result == LLR_ST_OK ==> llr_st_size_ok(*count);
    ensures \result == LLR_ST_OK || \result == LLR_ST_OVERFLOW ||
        \result == LLR_ST_BAD_RANK;
    behavior bad_rank:
      assumes rank > LLR_ST_MAX_RANK;
      assigns \nothing;
      ensures \result == LLR_ST_BAD_RANK;
    behavior overflow:
      assumes rank <= LLR_ST_MAX_RANK;
      assumes llr_st_nz_product(shape, rank) > LLR_ST_MAX_BYTES;
      assigns \nothing;
      ensures \result == LLR_ST_OVERFLOW;
    behavior ok:
      assumes rank <= LLR_ST_MAX_RANK;
      assumes llr_st_nz_product(shape, rank) <= LLR_ST_MAX_BYTES;
      assigns *count;
      ensures \result == LLR_ST_OK;
      ensures *count == llr_st_product{Pre}(shape, rank);
    complete behaviors;
    disjoint behaviors;
*/
int llr_st_elem_count(const uint64_t *shape, int rank, uint64_t *count);

/* nbytes = count * elem_size, checked against 2^62. */
/*@ // llr_st_size_ok: spec/safetensors.acsl
    requires 1 <= elem_size <= 8;
    requires \valid(nbytes);
    assigns *nbytes;
    ensures \result == LLR_ST_OK ==>
        *nbytes == count * elem_size && llr_st_size_ok(*nbytes);
    ensures \result == LLR_ST_OK || \result == LLR_ST_OVERFLOW;
    behavior fits:
      assumes count * elem_size <= LLR_ST_MAX_BYTES;
      assigns *nbytes;
      ensures \result == LLR_ST_OK;
    behavior overflow:
      assumes count * elem_size > LLR_ST_MAX_BYTES;
      assigns \nothing;
      ensures \result == LLR_ST_OVERFLOW;
    complete behaviors;
    disjoint behaviors;
*/
int llr_st_nbytes(uint64_t count, uint64_t elem_size, uint64_t *nbytes);

/* One tensor's data_offsets [begin, end) against its size and the data
 * section (data_size bytes after the header). */
/*@ assigns \nothing;
    ensures \result == LLR_ST_OK ==>
        begin <= end <= data_size && end - begin == nbytes;
    ensures \result == LLR_ST_OK || \result == LLR_ST_BEGIN_AFTER_END ||
        \result == LLR_ST_END_BEYOND || \result == LLR_ST_SIZE_MISMATCH;
    behavior begin_after_end:
      assumes begin > end;
      ensures \result == LLR_ST_BEGIN_AFTER_END;
    behavior end_beyond:
      assumes begin <= end && end > data_size;
      ensures \result == LLR_ST_END_BEYOND;
    behavior size_mismatch:
      assumes begin <= end <= data_size && end - begin != nbytes;
      ensures \result == LLR_ST_SIZE_MISMATCH;
    behavior ok:
      assumes begin <= end <= data_size && end - begin == nbytes;
      ensures \result == LLR_ST_OK;
    complete behaviors;
    disjoint behaviors;
*/
int llr_st_check_offsets(uint64_t begin, uint64_t end, uint64_t nbytes,
                         uint64_t data_size);

/* The tensors, visited in order[0..n-1] (sorted by begin, ties by end),
 * tile the data section exactly: no overlap, no gap, nothing after.
 * Each [begin[i], end[i]) is already checked by llr_st_check_offsets.
 * On failure *where is the position in order of the offending tensor. */
/*@ // llr_st_tiles, llr_st_contiguous, llr_st_expected_begin:
    // spec/safetensors.acsl
    requires n >= 0;
    requires \valid_read(begin + (0 .. n - 1));
    requires \valid_read(end + (0 .. n - 1));
    requires \valid_read(order + (0 .. n - 1));
    requires \forall integer k; 0 <= k < n ==> order[k] < n;
    requires \valid(where);
    requires \separated(where, begin + (0 .. n - 1), end + (0 .. n - 1),
                        order + (0 .. n - 1));
    assigns *where;
    ensures \result == LLR_ST_OK || \result == LLR_ST_OVERLAP ||
        \result == LLR_ST_GAP || \result == LLR_ST_TRAILING;
    ensures \result != LLR_ST_OK ==> *where <= n;
    behavior tiles:
      assumes llr_st_tiles(begin, end, order, n, data_size);
      assigns \nothing;
      ensures \result == LLR_ST_OK;
    behavior broken:
      assumes !llr_st_tiles(begin, end, order, n, data_size);
      assigns *where;
      ensures \result != LLR_ST_OK;
      // Every tensor before position *where is in its place ...
      ensures llr_st_contiguous(begin, end, order, *where);
      // ... and the one at *where starts too early, or too late, or the
      // last one ends before the end of the data section.
      ensures \result == LLR_ST_OVERLAP ==> 1 <= *where < n &&
          begin[order[*where]] < llr_st_expected_begin(end, order, *where);
      ensures \result == LLR_ST_GAP ==> *where < n &&
          begin[order[*where]] > llr_st_expected_begin(end, order, *where);
      ensures \result == LLR_ST_TRAILING ==> *where == n &&
          llr_st_expected_begin(end, order, n) != data_size;
    complete behaviors;
    disjoint behaviors;
*/
int llr_st_check_cover(const uint64_t *begin, const uint64_t *end,
                       const size_t *order, size_t n, uint64_t data_size,
                       size_t *where);

/* The dtype codes of the safetensors format. */
enum {
    LLR_DT_BOOL = 1, LLR_DT_U8, LLR_DT_I8, LLR_DT_F8_E5M2, LLR_DT_F8_E4M3,
    LLR_DT_I16, LLR_DT_U16, LLR_DT_F16, LLR_DT_BF16,
    LLR_DT_I32, LLR_DT_U32, LLR_DT_F32, LLR_DT_I64, LLR_DT_U64, LLR_DT_F64
};

/* Bytes per element of a dtype code, 0 if unknown. */
/*@ assigns \nothing;
    ensures 0 <= \result <= 8;
    behavior one:
      assumes dtype == LLR_DT_BOOL || dtype == LLR_DT_U8 ||
              dtype == LLR_DT_I8 || dtype == LLR_DT_F8_E5M2 ||
              dtype == LLR_DT_F8_E4M3;
      ensures \result == 1;
    behavior two:
      assumes dtype == LLR_DT_I16 || dtype == LLR_DT_U16 ||
              dtype == LLR_DT_F16 || dtype == LLR_DT_BF16;
      ensures \result == 2;
    behavior four:
      assumes dtype == LLR_DT_I32 || dtype == LLR_DT_U32 ||
              dtype == LLR_DT_F32;
      ensures \result == 4;
    behavior eight:
      assumes dtype == LLR_DT_I64 || dtype == LLR_DT_U64 ||
              dtype == LLR_DT_F64;
      ensures \result == 8;
    behavior unknown:
      assumes dtype < LLR_DT_BOOL || dtype > LLR_DT_F64;
      ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
*/
int llr_st_dtype_size(int dtype);

#endif
