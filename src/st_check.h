/* st_check.h - the bounds and size checks of the safetensors reader.
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

/*@ requires \true;
    assigns \nothing;
    ensures \result == LLR_ST_OK ==>
        file_size >= 8 && 2 <= header_len <= LLR_ST_MAX_HEADER &&
        header_len <= file_size - 8;
    ensures \result == LLR_ST_OK || \result == LLR_ST_SHORT_FILE ||
        \result == LLR_ST_HEADER_HUGE || \result == LLR_ST_HEADER_BEYOND ||
        \result == LLR_ST_HEADER_EMPTY;
*/
int llr_st_check_header_len(uint64_t file_size, uint64_t header_len);

/* count = product of shape[0..rank-1] (1 for rank 0), checked against 2^62. */
/*@ requires 0 <= rank;
    requires \valid_read(shape + (0 .. rank - 1));
    requires \valid(count);
    requires \separated(count, shape + (0 .. rank - 1));
    assigns *count;
    ensures \result == LLR_ST_OK ==> *count <= LLR_ST_MAX_BYTES;
    ensures \result == LLR_ST_OK || \result == LLR_ST_OVERFLOW ||
        \result == LLR_ST_BAD_RANK;
*/
int llr_st_elem_count(const uint64_t *shape, int rank, uint64_t *count);

/* nbytes = count * elem_size, checked against 2^62. */
/*@ requires 1 <= elem_size <= 8;
    requires \valid(nbytes);
    assigns *nbytes;
    ensures \result == LLR_ST_OK ==>
        *nbytes == count * elem_size && *nbytes <= LLR_ST_MAX_BYTES;
    ensures \result == LLR_ST_OK || \result == LLR_ST_OVERFLOW;
*/
int llr_st_nbytes(uint64_t count, uint64_t elem_size, uint64_t *nbytes);

/* One tensor's data_offsets [begin, end) against its size and the data
 * section (data_size bytes after the header). */
/*@ assigns \nothing;
    ensures \result == LLR_ST_OK ==>
        begin <= end <= data_size && end - begin == nbytes;
    ensures \result == LLR_ST_OK || \result == LLR_ST_BEGIN_AFTER_END ||
        \result == LLR_ST_END_BEYOND || \result == LLR_ST_SIZE_MISMATCH;
*/
int llr_st_check_offsets(uint64_t begin, uint64_t end, uint64_t nbytes,
                         uint64_t data_size);

/* The tensors, visited in order[0..n-1] (sorted by begin, ties by end),
 * tile the data section exactly: no overlap, no gap, nothing after.
 * Each [begin[i], end[i]) is already checked by llr_st_check_offsets.
 * On failure *where is the position in order of the offending tensor. */
/*@ requires n >= 0;
    requires \valid_read(begin + (0 .. n - 1));
    requires \valid_read(end + (0 .. n - 1));
    requires \valid_read(order + (0 .. n - 1));
    requires \forall integer k; 0 <= k < n ==> order[k] < n;
    requires \valid(where);
    assigns *where;
    ensures \result == LLR_ST_OK || \result == LLR_ST_OVERLAP ||
        \result == LLR_ST_GAP || \result == LLR_ST_TRAILING;
    ensures \result != LLR_ST_OK ==> *where <= n;
*/
int llr_st_check_cover(const uint64_t *begin, const uint64_t *end,
                       const size_t *order, size_t n, uint64_t data_size,
                       size_t *where);

/* Bytes per element of a dtype code (see safetensors.h), 0 if unknown. */
/*@ assigns \nothing;
    ensures 0 <= \result <= 8;
*/
int llr_st_dtype_size(int dtype);

#endif
