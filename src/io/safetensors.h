/* io/safetensors.h - read and write the safetensors format.
 *
 * Format (the Hugging Face "safetensors" layout): an unsigned 64-bit
 * little-endian header length N; N bytes of UTF-8 JSON: an object mapping
 * each tensor name to {"dtype", "shape", "data_offsets": [begin, end]},
 * plus an optional "__metadata__" object of string values; then the data
 * section, raw little-endian, offsets relative to its start. The reader is
 * strict: the tensors must tile the data section exactly, as the reference
 * loader requires. Only little-endian hosts are supported.
 */
#ifndef LLR_SAFETENSORS_H
#define LLR_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "io/safetensors_bounds.h"

/* The dtype codes LLR_DT_* are in io/safetensors_bounds.h. */
/* The dtype code for a name such as "F64", 0 if unknown. */
int llr_st_dtype_parse(const char *name);
/* The name of a dtype code ("?" if unknown). */
const char *llr_st_dtype_name(int dtype);

typedef struct llr_st_tensor {
    char *name;
    int dtype;
    int rank;
    uint64_t shape[LLR_ST_MAX_RANK];
    uint64_t count;      /* product of the shape */
    uint64_t begin, end; /* data_offsets */
} llr_st_tensor;

typedef struct llr_st_file {
    char *name;          /* the file name used in messages */
    unsigned char *buf;  /* the whole file */
    size_t size;
    size_t data_start;   /* 8 + header length */
    size_t ntensors;
    llr_st_tensor *tensors;
    size_t nmeta;
    char **meta_key, **meta_val;
} llr_st_file;

/* Parse a safetensors image of size bytes (copied). name labels messages.
 * On failure f is left empty (llr_st_free is still safe). */
LLR_MUST_CHECK
int llr_st_parse(const void *bytes, size_t size, const char *name,
                 llr_st_file *f, llr_error *e);
/* Read and parse the file at path. */
LLR_MUST_CHECK
int llr_st_read(const char *path, llr_st_file *f, llr_error *e);
void llr_st_free(llr_st_file *f);

/* The tensor with that name, or NULL. */
const llr_st_tensor *llr_st_find(const llr_st_file *f, const char *name);
/* The metadata value for key, or NULL. */
const char *llr_st_meta(const llr_st_file *f, const char *key);

/* The tensor `name`, which must exist with the given dtype and rank;
 * otherwise NULL with a message naming the file and the tensor. */
const llr_st_tensor *llr_st_expect(const llr_st_file *f, const char *name,
                                   int dtype, int rank, llr_error *e);

/* Copy an F64 tensor's elements (row-major) into out (count doubles).
 * With finite != 0, a NaN or infinity is an error naming the element. */
LLR_MUST_CHECK
int llr_st_copy_f64(const llr_st_file *f, const llr_st_tensor *t, double *out,
                    int finite, llr_error *e);
/* Copy an integer tensor (I64, I32 or U8; any other dtype is an error)
 * into out as int64. */
LLR_MUST_CHECK
int llr_st_copy_i64(const llr_st_file *f, const llr_st_tensor *t,
                    int64_t *out, llr_error *e);

/* A tensor to write: data holds count elements in host order. */
typedef struct llr_st_out {
    const char *name;
    int dtype;
    int rank;
    uint64_t shape[LLR_ST_MAX_RANK];
    const void *data;
} llr_st_out;

/* Serialise tensors (in the given order) and metadata (nmeta key/value
 * pairs: meta[2i] is a key, meta[2i+1] its value) into a new buffer. The
 * header is padded with spaces so the data section starts 8-aligned.
 * Fails on a duplicate or reserved tensor name, a rank outside [0, 8], a
 * duplicate metadata key, or a key or value that is not valid UTF-8. */
LLR_MUST_CHECK
int llr_st_serialize(const llr_st_out *t, size_t n, const char *const *meta,
                     size_t nmeta, unsigned char **buf, size_t *len,
                     llr_error *e);
/* Serialise and write atomically to path (temporary file, then rename). */
LLR_MUST_CHECK
int llr_st_write(const char *path, const llr_st_out *t, size_t n,
                 const char *const *meta, size_t nmeta, llr_error *e);

#endif
