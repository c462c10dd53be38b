/* safetensors_fuzzer.c - libFuzzer target for the safetensors reader and writer.
 *
 * Feeds the input bytes to llr_st_parse and judges the outcome with oracles
 * that do not trust the code under test:
 *   (a) a rejection leaves a non-empty error message (and an empty file);
 *   (b) an accepted file round-trips: the parsed tensors (in data-offset
 *       order) and metadata, written by llr_st_serialize and parsed again,
 *       give the same names, dtypes, shapes, offsets, metadata and data
 *       bytes, and writing that second parse again gives the same bytes
 *       (the writer's output is a fixed point);
 *   (c) an accepted file satisfies the format independently of
 *       io/safetensors_bounds.c: the header length matches the first 8
 *       bytes, every tensor's [begin, end) lies in the data section, the
 *       product of its shape times the dtype size (recomputed here,
 *       overflow-checked, with a dtype table of our own) equals
 *       end - begin, and the non-empty tensors tile the data section
 *       without overlap;
 *   (d) the same bytes, read as a recipe by a small data producer, describe
 *       tensors and metadata to write: llr_st_serialize must accept exactly
 *       the valid requests, and the reader must return what was written.
 *       This catches a reader that wrongly rejects valid files, which
 *       (a)-(c) cannot see.
 * The accessors (llr_st_find, llr_st_meta, llr_st_expect, llr_st_copy_f64,
 * llr_st_copy_i64) are checked against our own decoding of the bytes.
 * Every allocation is bounded by a small multiple of the input size (or
 * GEN_MAX_BYTES); any failed check calls abort(). Under libFuzzer
 * (-DLLR_LIBFUZZER) a custom mutator keeps the header length consistent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/safetensors.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK FZ_CHECK

/* The dtypes of the safetensors specification with their element sizes,
 * keyed by the codes of safetensors.h (deliberately not llr_st_dtype_size
 * or the reader's name table). */
static const struct {
    int code;
    const char *name;
    uint64_t size;
} spec_dtypes[] = {
    {LLR_DT_BOOL, "BOOL", 1}, {LLR_DT_U8, "U8", 1}, {LLR_DT_I8, "I8", 1},
    {LLR_DT_F8_E5M2, "F8_E5M2", 1}, {LLR_DT_F8_E4M3, "F8_E4M3", 1},
    {LLR_DT_I16, "I16", 2}, {LLR_DT_U16, "U16", 2}, {LLR_DT_F16, "F16", 2},
    {LLR_DT_BF16, "BF16", 2}, {LLR_DT_I32, "I32", 4}, {LLR_DT_U32, "U32", 4},
    {LLR_DT_F32, "F32", 4}, {LLR_DT_I64, "I64", 8}, {LLR_DT_U64, "U64", 8},
    {LLR_DT_F64, "F64", 8},
};
#define N_SPEC_DTYPES (sizeof spec_dtypes / sizeof spec_dtypes[0])

/* Bytes per element of a dtype code; 0 if unknown. Also checks that the
 * library names the code as the specification does. */
static uint64_t spec_elem_size(int code)
{
    for (size_t i = 0; i < N_SPEC_DTYPES; i++)
        if (spec_dtypes[i].code == code) {
            CHECK(strcmp(llr_st_dtype_name(code), spec_dtypes[i].name) == 0);
            CHECK(llr_st_dtype_parse(spec_dtypes[i].name) == code);
            return spec_dtypes[i].size;
        }
    return 0;
}

/* The byte size of a tensor recomputed from its shape: 0 on success with
 * *count and *nbytes set, -1 if a product overflows 64 bits. A zero
 * dimension makes the tensor empty whatever the others are. */
static int spec_nbytes(const uint64_t *shape, int rank, uint64_t esize,
                       uint64_t *count, uint64_t *nbytes)
{
    uint64_t n = 1;
    for (int i = 0; i < rank; i++)
        if (shape[i] == 0) {
            *count = 0;
            *nbytes = 0;
            return 0;
        }
    for (int i = 0; i < rank; i++)
        if (__builtin_mul_overflow(n, shape[i], &n))
            return -1;
    if (__builtin_mul_overflow(n, esize, nbytes))
        return -1;
    *count = n;
    return 0;
}

static uint64_t load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* A tensor's position in the data section, for sorting. */
typedef struct span {
    uint64_t begin, end;
    const char *name;
    size_t idx;
} span;

/* By data offsets, ties (empty tensors at one offset) by name, so that the
 * order and hence the writer's output are canonical. */
static int span_cmp(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* The tensors of f sorted by span_cmp (caller frees). */
static span *sorted_spans(const llr_st_file *f)
{
    span *s = malloc((f->ntensors ? f->ntensors : 1) * sizeof *s);
    CHECK(s != NULL);
    for (size_t i = 0; i < f->ntensors; i++) {
        s[i].begin = f->tensors[i].begin;
        s[i].end = f->tensors[i].end;
        s[i].name = f->tensors[i].name;
        s[i].idx = i;
    }
    qsort(s, f->ntensors, sizeof *s, span_cmp);
    return s;
}

/* Oracle (c): the structure of an accepted file, checked from scratch. */
static void check_structure(const llr_st_file *f, const uint8_t *data,
                            size_t size, const span *s)
{
    CHECK(size >= 8);
    uint64_t hlen = load_le64(data);
    CHECK(hlen >= 2 && hlen <= size - 8);
    CHECK(f->data_start == 8 + hlen);
    CHECK(f->size == size);
    CHECK(f->buf != NULL && memcmp(f->buf, data, size) == 0);
    CHECK(data[8] == '{');
    uint64_t dsize = size - f->data_start;

    for (size_t i = 0; i < f->ntensors; i++) {
        const llr_st_tensor *t = &f->tensors[i];
        CHECK(t->name != NULL);
        CHECK(strcmp(t->name, "__metadata__") != 0);
        CHECK(t->rank >= 0 && t->rank <= LLR_ST_MAX_RANK);
        uint64_t esize = spec_elem_size(t->dtype);
        CHECK(esize != 0);
        uint64_t count, nbytes;
        CHECK(spec_nbytes(t->shape, t->rank, esize, &count, &nbytes) == 0);
        CHECK(t->count == count);
        CHECK(t->begin <= t->end && t->end <= dsize);
        CHECK(t->end - t->begin == nbytes);
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(f->tensors[j].name, t->name) != 0);
    }

    /* The non-empty tensors, in offset order, do not overlap, and their
     * sizes add up to the data section: together they tile it. */
    uint64_t total = 0, prev_end = 0;
    for (size_t k = 0; k < f->ntensors; k++) {
        if (s[k].end == s[k].begin)
            continue;
        CHECK(s[k].begin >= prev_end);
        prev_end = s[k].end;
        CHECK(!__builtin_add_overflow(total, s[k].end - s[k].begin, &total));
    }
    CHECK(total == dsize);

    for (size_t i = 0; i < f->nmeta; i++) {
        CHECK(f->meta_key[i] != NULL && f->meta_val[i] != NULL);
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(f->meta_key[j], f->meta_key[i]) != 0);
    }
}

/* Not a NaN or an infinity: the exponent bits are not all ones. */
static int finite_bits(const uint8_t *p)
{
    uint64_t v = load_le64(p);
    return ((v >> 52) & 0x7ff) != 0x7ff;
}

/* The accessors against our own reading of the bytes. */
static void check_accessors(const llr_st_file *f)
{
    llr_error err;
    for (size_t i = 0; i < f->ntensors; i++) {
        const llr_st_tensor *t = &f->tensors[i];
        const uint8_t *p = f->buf + f->data_start + t->begin;
        CHECK(llr_st_find(f, t->name) == t);
        CHECK(llr_st_expect(f, t->name, t->dtype, t->rank, &err) == t);
        err.msg[0] = '\0';
        CHECK(llr_st_expect(f, t->name, t->dtype, t->rank + 1, &err) ==
              NULL);
        CHECK(err.msg[0] != '\0');

        /* count <= end - begin <= size, so this is bounded by 8 * size. */
        void *mem = malloc((t->count ? t->count : 1) * 8);
        CHECK(mem != NULL);
        int64_t *out = mem;
        if (t->dtype == LLR_DT_F64) {
            CHECK(llr_st_copy_f64(f, t, mem, 0, &err) == 0);
            CHECK(t->count == 0 || memcmp(mem, p, t->count * 8) == 0);
            int all_finite = 1;
            for (uint64_t k = 0; k < t->count; k++)
                all_finite &= finite_bits(p + 8 * k);
            err.msg[0] = '\0';
            int rc = llr_st_copy_f64(f, t, mem, 1, &err);
            CHECK((rc == 0) == all_finite);
            CHECK(rc == 0 || err.msg[0] != '\0');
        }
        err.msg[0] = '\0';
        int rc = llr_st_copy_i64(f, t, out, &err);
        if (t->dtype == LLR_DT_I64 || t->dtype == LLR_DT_I32 ||
            t->dtype == LLR_DT_U8) {
            CHECK(rc == 0);
            for (uint64_t k = 0; k < t->count; k++) {
                int64_t want;
                if (t->dtype == LLR_DT_U8) {
                    want = p[k];
                } else if (t->dtype == LLR_DT_I32) {
                    uint32_t u = (uint32_t)p[4 * k] |
                                 (uint32_t)p[4 * k + 1] << 8 |
                                 (uint32_t)p[4 * k + 2] << 16 |
                                 (uint32_t)p[4 * k + 3] << 24;
                    want = u < 0x80000000u ? (int64_t)u
                                           : (int64_t)u - 0x100000000LL;
                } else {
                    uint64_t u = load_le64(p + 8 * k);
                    want = u < 0x8000000000000000ull
                               ? (int64_t)u
                               : -(int64_t)(~u) - 1;
                }
                CHECK(out[k] == want);
            }
        } else if (t->count > 0) {
            /* Known quirk: llr_st_copy_i64 checks the dtype inside its
             * element loop, so an empty tensor of any dtype "succeeds";
             * the oracle only insists on a rejection when count > 0. */
            CHECK(rc != 0 && err.msg[0] != '\0');
        }
        free(mem);
    }
    for (size_t i = 0; i < f->nmeta; i++) {
        const char *v = llr_st_meta(f, f->meta_key[i]);
        CHECK(v != NULL && strcmp(v, f->meta_val[i]) == 0);
    }
}

/* Serialise f, tensors in data-offset order (s), metadata in f's order.
 * Every accepted file must be writable. */
static void serialize(const llr_st_file *f, const span *s,
                      unsigned char **buf, size_t *len)
{
    llr_st_out *out = calloc(f->ntensors ? f->ntensors : 1, sizeof *out);
    const char **meta = calloc(f->nmeta ? 2 * f->nmeta : 1, sizeof *meta);
    CHECK(out != NULL && meta != NULL);
    for (size_t k = 0; k < f->ntensors; k++) {
        const llr_st_tensor *t = &f->tensors[s[k].idx];
        out[k].name = t->name;
        out[k].dtype = t->dtype;
        out[k].rank = t->rank;
        memcpy(out[k].shape, t->shape, sizeof out[k].shape);
        out[k].data = f->buf + f->data_start + t->begin;
    }
    for (size_t i = 0; i < f->nmeta; i++) {
        meta[2 * i] = f->meta_key[i];
        meta[2 * i + 1] = f->meta_val[i];
    }
    llr_error err;
    err.msg[0] = '\0';
    if (llr_st_serialize(out, f->ntensors, meta, f->nmeta, buf, len, &err)) {
        fprintf(stderr, "llr_st_serialize: %s\n", err.msg);
        CHECK(!"an accepted file must serialise");
    }
    free(out);
    free(meta);
}

static const llr_st_tensor *find_by_name(const llr_st_file *f,
                                         const char *name)
{
    for (size_t i = 0; i < f->ntensors; i++)
        if (strcmp(f->tensors[i].name, name) == 0)
            return &f->tensors[i];
    return NULL;
}

/* Oracle (b): g, parsed from the serialisation of f, holds the same. */
static void check_same(const llr_st_file *f, const llr_st_file *g)
{
    CHECK(g->ntensors == f->ntensors);
    CHECK(g->nmeta == f->nmeta);
    CHECK(g->data_start % 8 == 0);
    CHECK(g->size - g->data_start == f->size - f->data_start);
    CHECK(f->size == f->data_start ||
          memcmp(g->buf + g->data_start, f->buf + f->data_start,
                 f->size - f->data_start) == 0);
    for (size_t i = 0; i < f->ntensors; i++) {
        const llr_st_tensor *a = &f->tensors[i];
        const llr_st_tensor *b = find_by_name(g, a->name);
        CHECK(b != NULL);
        CHECK(a->dtype == b->dtype && a->rank == b->rank);
        for (int k = 0; k < a->rank; k++)
            CHECK(a->shape[k] == b->shape[k]);
        CHECK(a->count == b->count);
        /* The originals tile the data section in the order written, so
         * the writer must reproduce the very same offsets. */
        CHECK(a->begin == b->begin && a->end == b->end);
        CHECK(a->end == a->begin ||
              memcmp(f->buf + f->data_start + a->begin,
                     g->buf + g->data_start + b->begin,
                     a->end - a->begin) == 0);
    }
    for (size_t i = 0; i < f->nmeta; i++) {
        size_t j = 0;
        while (j < g->nmeta && strcmp(g->meta_key[j], f->meta_key[i]) != 0)
            j++;
        CHECK(j < g->nmeta);
        CHECK(strcmp(g->meta_val[j], f->meta_val[i]) == 0);
    }
}

/* ---- (d) the writer, driven by a recipe read from the input --------- */

/* A data producer: hands out the input's bytes from the last one backwards
 * (zeros once they run out), so that the recipe comes mostly from the data
 * section of an image, which mutations of its header leave alone. */
typedef struct producer {
    const uint8_t *p;
    size_t n;
} producer;

static unsigned take(producer *pr)
{
    return pr->n ? pr->p[--pr->n] : 0;
}

#define GEN_MAX_TENSORS 6
#define GEN_MAX_META 4
#define GEN_MAX_BYTES 65536 /* the largest data section written */
#define GEN_NAME 24

/* A short name over an alphabet of multi-byte UTF-8 and characters that
 * JSON escapes; now and then the reserved "__metadata__". */
static void take_name(producer *pr, char out[GEN_NAME])
{
    static const char *const piece[] = {
        "a", "b", "_", "0", "/", "\"", "\\", "\t", "\xc3\xa9", "\xe4\xb8\xad",
    };
    unsigned c = take(pr);
    out[0] = '\0';
    if (c == 255) {
        strcpy(out, "__metadata__");
        return;
    }
    for (unsigned i = 0; i < c % 4; i++)
        strcat(out, piece[take(pr) % (sizeof piece / sizeof piece[0])]);
}

/* Mostly small dimensions, with the limits now and then. */
static uint64_t take_dim(producer *pr)
{
    unsigned c = take(pr);
    switch (c) {
    case 255: return 1ull << 62;
    case 254: return (1ull << 62) + 1;
    case 253: return 1ull << 31;
    case 252: return UINT64_MAX;
    default: return c % 4;
    }
}

/* What llr_st_serialize must do with these tensors: 1 accept, 0 reject,
 * -1 either (a zero dimension next to others whose product passes 2^62:
 * the element count is 0 but the reader's overflow check, like the
 * reference loader's, may still refuse). *total: the data section size. */
static int writer_verdict(const llr_st_out *t, size_t n, uint64_t *total)
{
    const uint64_t lim = LLR_ST_MAX_BYTES; /* 2^62, from the format's doc */
    int reject = 0, unsure = 0;
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t es = spec_elem_size(t[i].dtype), count, nbytes;
        if (es == 0 || t[i].rank > LLR_ST_MAX_RANK ||
            strcmp(t[i].name, "__metadata__") == 0) {
            reject = 1;
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(t[j].name, t[i].name) == 0)
                reject = 1;
        uint64_t p = 1;
        int big = 0;
        for (int k = 0; k < t[i].rank; k++)
            if (t[i].shape[k] &&
                (__builtin_mul_overflow(p, t[i].shape[k], &p) || p > lim))
                big = 1;
        if (spec_nbytes(t[i].shape, t[i].rank, es, &count, &nbytes) ||
            nbytes > lim) {
            reject = 1;
            continue;
        }
        if (count == 0 && big)
            unsure = 1;
        if (__builtin_add_overflow(sum, nbytes, &sum) || sum > lim)
            reject = 1;
    }
    *total = sum;
    return reject ? 0 : unsure ? -1 : 1;
}

/* Oracle (d): tensors and metadata built from the input are written; the
 * writer must accept exactly the valid requests, and the reader must give
 * back what was written, at consecutive offsets in the order given. */
static void check_writer(const uint8_t *data, size_t size)
{
    static uint8_t pool[GEN_MAX_BYTES]; /* every tensor's data */
    static int pool_ready;
    if (!pool_ready) {
        for (size_t i = 0; i < sizeof pool; i++)
            pool[i] = (uint8_t)(i * 167 + (i >> 8) * 13 + 1);
        pool_ready = 1;
    }
    producer pr = {data, size};
    char names[GEN_MAX_TENSORS][GEN_NAME];
    char mk[GEN_MAX_META][GEN_NAME + 2], mv[GEN_MAX_META][GEN_NAME];
    const char *meta[2 * GEN_MAX_META];
    llr_st_out t[GEN_MAX_TENSORS];
    memset(t, 0, sizeof t);
    size_t n = take(&pr) % (GEN_MAX_TENSORS + 1);
    for (size_t i = 0; i < n; i++) {
        take_name(&pr, names[i]);
        t[i].name = names[i];
        t[i].dtype = (int)(take(&pr) % (N_SPEC_DTYPES + 2));
        t[i].rank = (int)(take(&pr) % (LLR_ST_MAX_RANK + 2));
        for (int k = 0; k < t[i].rank && k < LLR_ST_MAX_RANK; k++)
            t[i].shape[k] = take_dim(&pr);
        t[i].data = pool;
    }
    size_t nmeta = take(&pr) % (GEN_MAX_META + 1);
    for (size_t i = 0; i < nmeta; i++) {
        char base[GEN_NAME];
        take_name(&pr, base);
        size_t bl = strlen(base); /* unique keys: base, '#', index */
        memcpy(mk[i], base, bl);
        mk[i][bl] = '#';
        mk[i][bl + 1] = (char)('0' + i);
        mk[i][bl + 2] = '\0';
        take_name(&pr, mv[i]);
        meta[2 * i] = mk[i];
        meta[2 * i + 1] = mv[i];
    }

    uint64_t total;
    int verdict = writer_verdict(t, n, &total);
    if (verdict != 0 && total > GEN_MAX_BYTES)
        return; /* valid but too big to write here */
    unsigned char *buf;
    size_t len;
    llr_error err;
    memset(&err, 0, sizeof err);
    int rc = llr_st_serialize(t, n, meta, nmeta, &buf, &len, &err);
    if (rc != 0) {
        CHECK(verdict != 1);
        CHECK(err.msg[0] != '\0');
        CHECK(buf == NULL);
        return;
    }
    CHECK(verdict != 0);

    llr_st_file g;
    memset(&err, 0, sizeof err);
    if (llr_st_parse(buf, len, "written", &g, &err) != 0) {
        fprintf(stderr, "parse of written file: %s\n", err.msg);
        CHECK(!"the writer's output must parse");
    }
    span *sg = sorted_spans(&g);
    check_structure(&g, buf, len, sg);
    free(sg);
    CHECK(g.ntensors == n && g.nmeta == nmeta);
    CHECK(g.data_start % 8 == 0 && len - g.data_start == total);
    uint64_t off = 0;
    for (size_t i = 0; i < n; i++) {
        const llr_st_tensor *b = find_by_name(&g, t[i].name);
        CHECK(b != NULL);
        CHECK(b->dtype == t[i].dtype && b->rank == t[i].rank);
        for (int k = 0; k < t[i].rank; k++)
            CHECK(b->shape[k] == t[i].shape[k]);
        uint64_t nb = b->end - b->begin;
        CHECK(b->begin == off);
        CHECK(nb == 0 || memcmp(g.buf + g.data_start + b->begin, pool, nb) == 0);
        off = b->end;
    }
    for (size_t i = 0; i < nmeta; i++) {
        const char *v = llr_st_meta(&g, mk[i]);
        CHECK(v != NULL && strcmp(v, mv[i]) == 0);
    }
    llr_st_free(&g);
    free(buf);
}

#ifdef LLR_LIBFUZZER
/* A structure-aware mutator: the JSON parser (jansson) is not instrumented,
 * so coverage alone cannot teach libFuzzer that the 8-byte length must
 * follow the header. Most mutations therefore change the header alone and
 * rewrite the length to match, or change the data section alone; the rest
 * are plain byte-level mutations of the whole image. Bounded by max_size. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
                               unsigned int seed);

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
                               unsigned int seed)
{
    unsigned choice = seed % 8;
    if (size < 10 || max_size < size || choice < 2)
        return LLVMFuzzerMutate(data, size, max_size);
    uint64_t hlen = load_le64(data);
    if (hlen > size - 8)
        hlen = size - 8;
    size_t dlen = size - 8 - (size_t)hlen;
    if (choice == 2) {
        /* The data section alone, at most its current size. */
        if (dlen == 0)
            return LLVMFuzzerMutate(data, size, max_size);
        uint8_t *d = data + 8 + hlen;
        return 8 + (size_t)hlen + LLVMFuzzerMutate(d, dlen, dlen);
    }
    /* The header alone: set the data section aside, mutate, put it back. */
    uint8_t *saved = malloc(dlen ? dlen : 1);
    if (!saved)
        return LLVMFuzzerMutate(data, size, max_size);
    memcpy(saved, data + 8 + hlen, dlen);
    size_t nh = hlen ? LLVMFuzzerMutate(data + 8, (size_t)hlen,
                                        max_size - 8 - dlen)
                     : 0;
    memcpy(data + 8 + nh, saved, dlen);
    free(saved);
    for (int i = 0; i < 8; i++)
        data[i] = (uint8_t)((uint64_t)nh >> (8 * i));
    return 8 + nh + dlen;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    llr_st_file f;
    llr_error err;
    check_writer(data, size);
    memset(&err, 0, sizeof err);
    if (llr_st_parse(data, size, "fuzz", &f, &err) != 0) {
        /* (a) a rejection explains itself, and leaves f empty. */
        CHECK(err.msg[0] != '\0');
        CHECK(memchr(err.msg, '\0', sizeof err.msg) != NULL);
        CHECK(f.buf == NULL && f.tensors == NULL && f.ntensors == 0 &&
              f.nmeta == 0);
        llr_st_free(&f);
        return 0;
    }

    span *s = sorted_spans(&f);
    check_structure(&f, data, size, s);
    check_accessors(&f);

    /* (b) round trip. */
    unsigned char *buf1, *buf2;
    size_t len1, len2;
    serialize(&f, s, &buf1, &len1);
    llr_st_file g;
    memset(&err, 0, sizeof err);
    if (llr_st_parse(buf1, len1, "roundtrip", &g, &err) != 0) {
        fprintf(stderr, "re-parse: %s\n", err.msg);
        CHECK(!"the writer's output must parse");
    }
    span *sg = sorted_spans(&g);
    check_structure(&g, buf1, len1, sg);
    check_same(&f, &g);

    /* Writing the re-parsed file again gives the same bytes. */
    serialize(&g, sg, &buf2, &len2);
    CHECK(len2 == len1 && memcmp(buf1, buf2, len1) == 0);

    free(buf1);
    free(buf2);
    free(sg);
    free(s);
    llr_st_free(&g);
    llr_st_free(&f);
    return 0;
}
