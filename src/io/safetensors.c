#include "io/safetensors.h"
#include "base/json.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/fileio.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "llr supports little-endian hosts only"
#endif

static const struct {
    const char *name;
    int code;
} dtypes[] = {
    {"BOOL", LLR_DT_BOOL}, {"U8", LLR_DT_U8}, {"I8", LLR_DT_I8},
    {"F8_E5M2", LLR_DT_F8_E5M2}, {"F8_E4M3", LLR_DT_F8_E4M3},
    {"I16", LLR_DT_I16}, {"U16", LLR_DT_U16}, {"F16", LLR_DT_F16},
    {"BF16", LLR_DT_BF16}, {"I32", LLR_DT_I32}, {"U32", LLR_DT_U32},
    {"F32", LLR_DT_F32}, {"I64", LLR_DT_I64}, {"U64", LLR_DT_U64},
    {"F64", LLR_DT_F64},
};

int llr_st_dtype_parse(const char *name)
{
    for (size_t i = 0; i < sizeof dtypes / sizeof dtypes[0]; i++)
        if (strcmp(dtypes[i].name, name) == 0)
            return dtypes[i].code;
    return 0;
}

const char *llr_st_dtype_name(int dtype)
{
    for (size_t i = 0; i < sizeof dtypes / sizeof dtypes[0]; i++)
        if (dtypes[i].code == dtype)
            return dtypes[i].name;
    return "?";
}

void llr_st_free(llr_st_file *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->ntensors; i++)
        free(f->tensors[i].name);
    for (size_t i = 0; i < f->nmeta; i++) {
        free(f->meta_key[i]);
        free(f->meta_val[i]);
    }
    free(f->tensors);
    free(f->meta_key);
    free(f->meta_val);
    free(f->buf);
    free(f->name);
    memset(f, 0, sizeof *f);
}

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* A JSON integer in [0, 2^62], or -1. */
static int json_u64(const json_t *j, uint64_t *out)
{
    if (!json_is_integer(j))
        return -1;
    json_int_t v = json_integer_value(j);
    if (v < 0 || (uint64_t)v > LLR_ST_MAX_BYTES)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static int parse_tensor(const char *fname, const char *key, json_t *val,
                        uint64_t data_size, llr_st_tensor *t, llr_error *e)
{
    if (!json_is_object(val))
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor '%s': header entry is not an object",
                        fname, key);
    const char *k;
    json_t *v;
    json_object_foreach(val, k, v) {
        if (strcmp(k, "dtype") && strcmp(k, "shape") &&
            strcmp(k, "data_offsets"))
            return llr_fail(e, LLR_EINPUT,
                            "%s: tensor '%s': unknown field '%s'", fname,
                            key, k);
    }
    json_t *jd = json_object_get(val, "dtype");
    json_t *js = json_object_get(val, "shape");
    json_t *jo = json_object_get(val, "data_offsets");
    if (!jd || !js || !jo)
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor '%s': missing field '%s'", fname, key,
                        !jd ? "dtype" : !js ? "shape" : "data_offsets");
    if (!json_is_string(jd))
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor '%s': dtype is not a string", fname,
                        key);
    t->dtype = llr_st_dtype_parse(json_string_value(jd));
    if (!t->dtype)
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor '%s': unknown dtype '%s'", fname, key,
                        json_string_value(jd));
    if (!json_is_array(js))
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor '%s': shape is not an array", fname,
                        key);
    size_t rank = json_array_size(js);
    if (rank > LLR_ST_MAX_RANK)
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor '%s': rank %zu exceeds the limit %d",
                        fname, key, rank, LLR_ST_MAX_RANK);
    t->rank = (int)rank;
    for (size_t i = 0; i < rank; i++)
        if (json_u64(json_array_get(js, i), &t->shape[i]))
            return llr_fail(e, LLR_EINPUT,
                            "%s: tensor '%s': shape[%zu] is not an integer "
                            "in [0, 2^62]",
                            fname, key, i);
    if (!json_is_array(jo) || json_array_size(jo) != 2 ||
        json_u64(json_array_get(jo, 0), &t->begin) ||
        json_u64(json_array_get(jo, 1), &t->end))
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor '%s': data_offsets is not a pair of "
                        "integers in [0, 2^62]",
                        fname, key);
    uint64_t nbytes;
    if (llr_st_elem_count(t->shape, t->rank, &t->count) != LLR_ST_OK ||
        llr_st_nbytes(t->count, (uint64_t)llr_st_dtype_size(t->dtype),
                      &nbytes) != LLR_ST_OK)
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor '%s': the shape's size overflows "
                        "(more than 2^62 bytes)",
                        fname, key);
    switch (llr_st_check_offsets(t->begin, t->end, nbytes, data_size)) {
    case LLR_ST_OK:
        break;
    case LLR_ST_BEGIN_AFTER_END:
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor '%s': data_offsets [%llu, %llu] begin "
                        "after they end",
                        fname, key, (unsigned long long)t->begin,
                        (unsigned long long)t->end);
    case LLR_ST_END_BEYOND:
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor '%s': data_offsets end %llu is beyond "
                        "the data section (%llu bytes)",
                        fname, key, (unsigned long long)t->end,
                        (unsigned long long)data_size);
    default:
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor '%s': data_offsets span %llu bytes but "
                        "dtype %s and the shape need %llu",
                        fname, key, (unsigned long long)(t->end - t->begin),
                        llr_st_dtype_name(t->dtype),
                        (unsigned long long)nbytes);
    }
    return 0;
}

/* A tensor's offsets and its number, sorted by (begin, end, number). */
typedef struct span {
    uint64_t begin, end;
    size_t index;
} span;

static int by_offsets(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int check_cover(llr_st_file *f, uint64_t data_size, llr_error *e)
{
    size_t n = f->ntensors;
    span *sp = malloc((n ? n : 1) * sizeof *sp);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    uint64_t *b = malloc((n ? n : 1) * sizeof *b);
    uint64_t *en = malloc((n ? n : 1) * sizeof *en);
    if (!sp || !order || !b || !en) {
        free(sp), free(order), free(b), free(en);
        return llr_fail(e, LLR_ENOMEM, "%s: out of memory", f->name);
    }
    for (size_t i = 0; i < n; i++) {
        sp[i] = (span){f->tensors[i].begin, f->tensors[i].end, i};
        b[i] = f->tensors[i].begin;
        en[i] = f->tensors[i].end;
    }
    qsort(sp, n, sizeof *sp, by_offsets);
    for (size_t i = 0; i < n; i++)
        order[i] = sp[i].index;
    size_t where = 0;
    int rc = llr_st_check_cover(b, en, order, n, data_size, &where);
    int res = 0;
    if (rc == LLR_ST_OVERLAP)
        res = llr_fail(e, LLR_EINPUT,
                       "%s: tensor '%s': data_offsets overlap tensor '%s'",
                       f->name, f->tensors[order[where]].name,
                       f->tensors[order[where - 1]].name);
    else if (rc == LLR_ST_GAP)
        res = llr_fail(e, LLR_EINPUT,
                       "%s: tensor '%s': data_offsets leave a gap of bytes "
                       "that belong to no tensor",
                       f->name, f->tensors[order[where]].name);
    else if (rc == LLR_ST_TRAILING)
        res = llr_fail(e, LLR_EINPUT,
                       "%s: data section has %llu bytes but the tensors "
                       "cover only %llu",
                       f->name, (unsigned long long)data_size,
                       (unsigned long long)(n ? en[order[n - 1]] : 0));
    free(sp), free(order), free(b), free(en);
    return res;
}

static int parse_header(llr_st_file *f, json_t *root, uint64_t data_size,
                        llr_error *e)
{
    if (!json_is_object(root))
        return llr_fail(e, LLR_EINPUT,
                        "%s: header is not a JSON object", f->name);
    size_t n = json_object_size(root);
    f->tensors = calloc(n ? n : 1, sizeof *f->tensors);
    if (!f->tensors)
        return llr_fail(e, LLR_ENOMEM, "%s: out of memory", f->name);
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val) {
        if (strcmp(key, "__metadata__") == 0) {
            if (!json_is_object(val))
                return llr_fail(e, LLR_EINPUT,
                                "%s: __metadata__ is not an object",
                                f->name);
            size_t m = json_object_size(val);
            f->meta_key = calloc(m ? m : 1, sizeof(char *));
            f->meta_val = calloc(m ? m : 1, sizeof(char *));
            if (!f->meta_key || !f->meta_val)
                return llr_fail(e, LLR_ENOMEM, "%s: out of memory", f->name);
            const char *mk;
            json_t *mv;
            json_object_foreach(val, mk, mv) {
                if (!json_is_string(mv))
                    return llr_fail(e, LLR_EINPUT,
                                    "%s: __metadata__ value of '%s' is not "
                                    "a string",
                                    f->name, mk);
                f->meta_key[f->nmeta] = strdup(mk);
                f->meta_val[f->nmeta] = strdup(json_string_value(mv));
                f->nmeta++;
                if (!f->meta_key[f->nmeta - 1] || !f->meta_val[f->nmeta - 1])
                    return llr_fail(e, LLR_ENOMEM,
                                    "%s: out of memory", f->name);
            }
            continue;
        }
        llr_st_tensor *t = &f->tensors[f->ntensors];
        t->name = strdup(key);
        if (!t->name)
            return llr_fail(e, LLR_ENOMEM, "%s: out of memory", f->name);
        f->ntensors++;
        if (parse_tensor(f->name, key, val, data_size, t, e))
            return -1;
    }
    return check_cover(f, data_size, e);
}

int llr_st_parse(const void *bytes, size_t size, const char *name,
                 llr_st_file *f, llr_error *e)
{
    memset(f, 0, sizeof *f);
    f->name = strdup(name ? name : "(buffer)");
    if (!f->name)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    const unsigned char *p = bytes;
    uint64_t hlen = size >= 8 ? le64(p) : 0;
    switch (llr_st_check_header_len(size, hlen)) {
    case LLR_ST_OK:
        break;
    case LLR_ST_SHORT_FILE:
        llr_fail(e, LLR_EINPUT,
                 "%s: truncated file: %zu bytes, fewer than the 8 of the "
                    "header length", f->name, size);
        goto fail;
    case LLR_ST_HEADER_HUGE:
        llr_fail(e, LLR_EINPUT,
                 "%s: header length %llu exceeds the limit of %llu bytes",
                 f->name, (unsigned long long)hlen, LLR_ST_MAX_HEADER);
        goto fail;
    case LLR_ST_HEADER_BEYOND:
        llr_fail(e, LLR_EINPUT,
                 "%s: header length %llu is beyond the end of the file "
                    "(%zu bytes)", f->name, (unsigned long long)hlen, size);
        goto fail;
    default:
        llr_fail(e, LLR_EINPUT,
                 "%s: header length %llu is too short for a JSON object",
                 f->name, (unsigned long long)hlen);
        goto fail;
    }
    if (p[8] != '{') {
        llr_fail(e, LLR_EINPUT,
                 "%s: invalid JSON header: it does not start with '{'",
                 f->name);
        goto fail;
    }
    json_error_t jerr;
    int oom;
    json_t *root = llr_json_loadb((const char *)p + 8, (size_t)hlen,
                                  JSON_REJECT_DUPLICATES, &jerr, &oom);
    if (!root && oom) {
        llr_fail(e, LLR_ENOMEM, "%s: out of memory reading the header",
                 f->name);
        goto fail;
    }
    if (!root) {
        llr_fail(e, LLR_EINPUT,
                 "%s: invalid JSON header: %s (line %d, column %d)",
                 f->name, jerr.text, jerr.line, jerr.column);
        goto fail;
    }
    f->data_start = 8 + (size_t)hlen;
    int rc = parse_header(f, root, size - f->data_start, e);
    json_decref(root);
    if (rc)
        goto fail;
    f->buf = malloc(size);
    if (!f->buf) {
        llr_fail(e, LLR_ENOMEM, "%s: out of memory", f->name);
        goto fail;
    }
    memcpy(f->buf, p, size);
    f->size = size;
    return 0;
fail:
    llr_st_free(f);
    return -1;
}

int llr_st_read(const char *path, llr_st_file *f, llr_error *e)
{
    unsigned char *buf;
    size_t len;
    memset(f, 0, sizeof *f);
    if (llr_read_file(path, &buf, &len, e))
        return -1;
    int rc = llr_st_parse(buf, len, path, f, e);
    free(buf);
    return rc;
}

const llr_st_tensor *llr_st_find(const llr_st_file *f, const char *name)
{
    for (size_t i = 0; i < f->ntensors; i++)
        if (strcmp(f->tensors[i].name, name) == 0)
            return &f->tensors[i];
    return NULL;
}

const char *llr_st_meta(const llr_st_file *f, const char *key)
{
    for (size_t i = 0; i < f->nmeta; i++)
        if (strcmp(f->meta_key[i], key) == 0)
            return f->meta_val[i];
    return NULL;
}

const llr_st_tensor *llr_st_expect(const llr_st_file *f, const char *name,
                                   int dtype, int rank, llr_error *e)
{
    const llr_st_tensor *t = llr_st_find(f, name);
    if (!t) {
        llr_fail(e, LLR_EINPUT, "%s: missing tensor '%s'", f->name, name);
        return NULL;
    }
    if (t->dtype != dtype) {
        llr_fail(e, LLR_EINPUT,
                 "%s: tensor '%s' has dtype %s, expected %s", f->name,
                 name, llr_st_dtype_name(t->dtype), llr_st_dtype_name(dtype));
        return NULL;
    }
    if (t->rank != rank) {
        llr_fail(e, LLR_EINPUT,
                 "%s: tensor '%s' has rank %d, expected %d", f->name, name,
                 t->rank, rank);
        return NULL;
    }
    return t;
}

int llr_st_copy_f64(const llr_st_file *f, const llr_st_tensor *t, double *out,
                    int finite, llr_error *e)
{
    if (t->dtype != LLR_DT_F64)
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor '%s' is not F64", f->name, t->name);
    const unsigned char *p = f->buf + f->data_start + t->begin;
    memcpy(out, p, (size_t)t->count * 8);
    if (finite)
        for (uint64_t i = 0; i < t->count; i++)
            if (!isfinite(out[i]))
                return llr_fail(e, LLR_EINPUT,
                                "%s: tensor '%s': element %llu is %s; "
                                "finite values are required",
                                f->name, t->name, (unsigned long long)i,
                                isnan(out[i]) ? "NaN" : "infinite");
    return 0;
}

int llr_st_copy_i64(const llr_st_file *f, const llr_st_tensor *t,
                    int64_t *out, llr_error *e)
{
    if (t->dtype != LLR_DT_I64 && t->dtype != LLR_DT_I32 &&
        t->dtype != LLR_DT_U8)
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor '%s' has dtype %s, expected an "
                           "integer dtype (I64, I32 or U8)",
                        f->name, t->name, llr_st_dtype_name(t->dtype));
    const unsigned char *p = f->buf + f->data_start + t->begin;
    for (uint64_t i = 0; i < t->count; i++) {
        switch (t->dtype) {
        case LLR_DT_I64: {
            int64_t v;
            memcpy(&v, p + 8 * i, 8);
            out[i] = v;
            break;
        }
        case LLR_DT_I32: {
            int32_t v;
            memcpy(&v, p + 4 * i, 4);
            out[i] = v;
            break;
        }
        default: /* LLR_DT_U8 */
            out[i] = p[i];
            break;
        }
    }
    return 0;
}

/* Valid UTF-8 (as JSON strings need: no overlong forms, no surrogates,
 * at most U+10FFFF), checked here so that a failure of jansson after it is
 * a lack of memory. */
static int utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p++;
        int n;
        unsigned min, cp;
        if (c < 0x80)
            continue;
        else if ((c & 0xe0) == 0xc0)
            n = 1, min = 0x80, cp = c & 0x1f;
        else if ((c & 0xf0) == 0xe0)
            n = 2, min = 0x800, cp = c & 0x0f;
        else if ((c & 0xf8) == 0xf0)
            n = 3, min = 0x10000, cp = c & 0x07;
        else
            return 0;
        for (int i = 0; i < n; i++, p++) {
            if ((*p & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (*p & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
    }
    return 1;
}

int llr_st_serialize(const llr_st_out *t, size_t n, const char *const *meta,
                     size_t nmeta, unsigned char **buf, size_t *len,
                     llr_error *e)
{
    *buf = NULL;
    *len = 0;
    json_t *root = json_object();
    if (!root)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    if (nmeta) {
        json_t *m = json_object();
        if (!m || json_object_set_new(root, "__metadata__", m)) {
            json_decref(root);
            return llr_fail(e, LLR_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < nmeta; i++) {
            const char *k = meta[2 * i], *val = meta[2 * i + 1];
            /* Bad input first, so that a failure after it is memory. */
            if (json_object_get(m, k) || !utf8_ok(k) || !utf8_ok(val)) {
                json_decref(root);
                return llr_fail(e, LLR_EINPUT,
                                "metadata '%s': duplicate key, or key or "
                                   "value not valid UTF-8", k);
            }
            /* json_object_set_new takes v, also when it fails. */
            json_t *v = json_string(val);
            if (!v || json_object_set_new(m, k, v)) {
                json_decref(root);
                return llr_fail(e, LLR_ENOMEM, "out of memory");
            }
        }
    }
    uint64_t off = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t count, nbytes;
        int es = llr_st_dtype_size(t[i].dtype);
        if (!es || t[i].rank < 0 ||
            llr_st_elem_count(t[i].shape, t[i].rank, &count) ||
            llr_st_nbytes(count, (uint64_t)es, &nbytes) ||
            nbytes > LLR_ST_MAX_BYTES - off) {
            json_decref(root);
            return llr_fail(e, LLR_EINPUT,
                            "tensor '%s': bad dtype or size", t[i].name);
        }
        if (json_object_get(root, t[i].name) ||
            !strcmp(t[i].name, "__metadata__") || !utf8_ok(t[i].name)) {
            json_decref(root);
            return llr_fail(e, LLR_EINPUT,
                            "tensor '%s': duplicate or reserved name, or "
                               "not valid UTF-8", t[i].name);
        }
        json_t *shape = json_array();
        int bad = !shape;
        for (int k = 0; !bad && k < t[i].rank; k++)
            bad = json_array_append_new(
                shape, json_integer((json_int_t)t[i].shape[k]));
        json_t *ent = bad ? NULL
                          : json_pack("{s:s, s:o, s:[I, I]}", "dtype",
                                      llr_st_dtype_name(t[i].dtype), "shape",
                                      shape, "data_offsets", (json_int_t)off,
                                      (json_int_t)(off + nbytes));
        if (bad)
            json_decref(shape); /* json_pack's "o" takes it otherwise */
        /* json_object_set_new takes ent, also when it fails. */
        if (!ent || json_object_set_new(root, t[i].name, ent)) {
            json_decref(root);
            return llr_fail(e, LLR_ENOMEM, "out of memory");
        }
        off += nbytes;
    }
    char *hdr = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!hdr)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    size_t hl = strlen(hdr);
    size_t padded = (hl + 7) / 8 * 8;
    size_t total = 8 + padded + (size_t)off;
    unsigned char *b = malloc(total ? total : 1);
    if (!b) {
        free(hdr);
        return llr_fail(e, LLR_ENOMEM, "out of memory (%zu bytes)", total);
    }
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((uint64_t)padded >> (8 * i));
    memcpy(b + 8, hdr, hl);
    memset(b + 8 + hl, ' ', padded - hl);
    free(hdr);
    unsigned char *d = b + 8 + padded;
    for (size_t i = 0; i < n; i++) {
        uint64_t count;
        llr_st_elem_count(t[i].shape, t[i].rank, &count);
        size_t nb = (size_t)count * (size_t)llr_st_dtype_size(t[i].dtype);
        if (nb)
            memcpy(d, t[i].data, nb); /* little-endian host: bytes as is */
        d += nb;
    }
    *buf = b;
    *len = total;
    return 0;
}

int llr_st_write(const char *path, const llr_st_out *t, size_t n,
                 const char *const *meta, size_t nmeta, llr_error *e)
{
    unsigned char *buf;
    size_t len;
    if (llr_st_serialize(t, n, meta, nmeta, &buf, &len, e))
        return llr_fail_prefix(e, "%s", path);
    int rc = llr_write_atomic(path, buf, len, e);
    free(buf);
    return rc;
}
