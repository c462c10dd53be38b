/* safetensors: bit-exact round trips, every malformed case rejected with a
 * message naming the file and the problem, atomic writes. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog/catalog.h"
#include "base/fileio.h"
#include "helpers.h"
#include "models/isan.h"
#include "io/safetensors.h"

/* header length (LE), the JSON text, then data_len bytes. */
static const char *make(const char *name, const char *json, size_t data_len,
                        const void *data)
{
    size_t hl = strlen(json), len = 8 + hl + data_len;
    unsigned char *b = calloc(1, len);
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((uint64_t)hl >> (8 * i));
    memcpy(b + 8, json, hl);
    if (data)
        memcpy(b + 8 + hl, data, data_len);
    const char *p = write_bytes(name, b, len);
    free(b);
    return p;
}

static void rejects(const char *path, const char *what)
{
    llr_st_file f;
    llr_error err;
    cr_assert(llr_st_read(path, &f, &err) != 0, "%s accepted", path);
    cr_assert(strstr(err.msg, path) != NULL, "no file name in: %s", err.msg);
    cr_assert(strstr(err.msg, what) != NULL, "expected '%s' in: %s", what,
              err.msg);
    assert_code(err, LLR_EINPUT);
    llr_st_free(&f);
}

static void model_rejects(const char *path, const char *what)
{
    llr_model *m;
    llr_error err;
    cr_assert(llr_model_load(path, NULL, &m, &err) != 0, "%s accepted", path);
    cr_assert(strstr(err.msg, path) != NULL, "no file name in: %s", err.msg);
    cr_assert(strstr(err.msg, what) != NULL, "expected '%s' in: %s", what,
              err.msg);
    assert_code(err, strstr(what, "cannot open") ? LLR_EIO : LLR_EINPUT);
}

#define T1 "\"t\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":"

Test(safetensors, malformed_headers_are_rejected)
{
    unsigned char short5[5] = {1, 2, 3, 4, 5};
    rejects(write_bytes("short.st", short5, 5), "truncated file");
    unsigned char beyond[16] = {200, 0, 0, 0, 0, 0, 0, 0, '{', '}'};
    rejects(write_bytes("beyond.st", beyond, 16), "beyond the end of the file");
    unsigned char huge[16] = {0, 0, 0, 0, 1, 0, 0, 0, '{', '}'};
    rejects(write_bytes("huge.st", huge, 16), "exceeds the limit");
    rejects(make("badjson.st", "{\"t\": [1, ", 0, NULL), "invalid JSON header");
    rejects(make("notobj.st", "[1, 2]  ", 0, NULL), "invalid JSON header");
    rejects(make("dup.st", "{\"a\":{},\"a\":{}}", 0, NULL),
            "invalid JSON header");
    rejects(make("dtype.st",
                 "{\"t\":{\"dtype\":\"F65\",\"shape\":[2],"
                 "\"data_offsets\":[0,16]}}",
                 16, NULL),
            "unknown dtype 'F65'");
    rejects(make("size.st", "{" T1 "[0,8]}}", 8, NULL), "span 8 bytes");
    rejects(make("range.st", "{" T1 "[0,16]}}", 8, NULL),
            "beyond the data section");
    rejects(make("order.st", "{" T1 "[16,0]}}", 16, NULL), "begin after");
    rejects(make("overlap.st",
                 "{" T1 "[0,16]},\"u\":{\"dtype\":\"F64\",\"shape\":[1],"
                 "\"data_offsets\":[8,16]}}",
                 16, NULL),
            "overlap");
    rejects(make("gap.st", "{" T1 "[8,24]}}", 24, NULL), "gap");
    rejects(make("trailing.st", "{" T1 "[0,16]}}", 24, NULL), "cover only");
    rejects(make("overflow.st",
                 "{\"t\":{\"dtype\":\"F64\",\"shape\":[4294967296,"
                 "4294967296],\"data_offsets\":[0,0]}}",
                 0, NULL),
            "overflows");
    rejects(make("negshape.st",
                 "{\"t\":{\"dtype\":\"F64\",\"shape\":[-1],"
                 "\"data_offsets\":[0,0]}}",
                 0, NULL),
            "shape[0] is not an integer");
    rejects(make("meta.st", "{\"__metadata__\":{\"k\":1}}", 0, NULL),
            "not a string");
    rejects(make("field.st",
                 "{\"t\":{\"dtype\":\"F64\",\"shape\":[0],"
                 "\"data_offsets\":[0,0],\"x\":1}}",
                 0, NULL),
            "unknown field 'x'");
    rejects(make("missing.st", "{\"t\":{\"dtype\":\"F64\",\"shape\":[0]}}", 0,
                 NULL),
            "missing field 'data_offsets'");
}

Test(safetensors, round_trip_is_bit_exact)
{
    double vals[6] = {0.0, -0.0, NAN, INFINITY, 5e-324, -1.7976931348623157e308};
    int64_t ints[3] = {-1, INT64_MAX, INT64_MIN};
    unsigned char bytes[5] = {0, 1, 2, 254, 255};
    llr_st_out t[4] = {
        {"vals", LLR_DT_F64, 2, {2, 3}, vals},
        {"ints", LLR_DT_I64, 1, {3}, ints},
        {"scalar", LLR_DT_U8, 0, {0}, bytes},
        {"empty", LLR_DT_F64, 2, {0, 4}, NULL},
    };
    const char *meta[] = {"llr.kind", "test", "note", "caf\xc3\xa9"};
    llr_error err;
    char path[600];
    snprintf(path, sizeof path, "%s", tmp_path("rt.st"));
    cr_assert(llr_st_write(path, t, 4, meta, 2, &err) == 0, "%s", err.msg);
    llr_st_file f;
    cr_assert(llr_st_read(path, &f, &err) == 0, "%s", err.msg);
    cr_assert_eq(f.ntensors, 4);
    cr_assert_eq(f.data_start % 8, 0, "data section is 8-aligned");
    cr_assert_str_eq(llr_st_meta(&f, "note"), "caf\xc3\xa9");
    const llr_st_tensor *tv = llr_st_find(&f, "vals");
    double back[6];
    cr_assert(llr_st_copy_f64(&f, tv, back, 0, &err) == 0);
    cr_assert_arr_eq(back, vals, sizeof vals);
    cr_assert(llr_st_copy_f64(&f, tv, back, 1, &err) != 0);
    cr_assert(strstr(err.msg, "'vals': element 2 is NaN") != NULL, "%s",
              err.msg);
    int64_t ib[3];
    cr_assert(llr_st_copy_i64(&f, llr_st_find(&f, "ints"), ib, &err) == 0);
    cr_assert_arr_eq(ib, ints, sizeof ints);
    const llr_st_tensor *sc = llr_st_find(&f, "scalar");
    cr_assert_eq(sc->rank, 0);
    cr_assert_eq(sc->count, 1);
    cr_assert_eq(llr_st_find(&f, "empty")->count, 0);
    /* Serialising what was read gives the same bytes. */
    unsigned char *buf, *orig;
    size_t len, olen;
    cr_assert(llr_st_serialize(t, 4, meta, 2, &buf, &len, &err) == 0);
    cr_assert(llr_read_file(path, &orig, &olen, &err) == 0);
    cr_assert_eq(len, olen);
    cr_assert_arr_eq(buf, orig, len);
    free(buf);
    free(orig);
    llr_st_free(&f);
}

Test(safetensors, model_file_round_trip_and_layout)
{
    llr_error err;
    llr_model *m, *m2;
    cr_assert(llr_isan_generate(3, 2, 4, 1, 3.0, &m, &err) == 0);
    char p1[600], p2[600];
    snprintf(p1, sizeof p1, "%s", tmp_path("m1.st"));
    snprintf(p2, sizeof p2, "%s", tmp_path("m2.st"));
    cr_assert(llr_model_save(m, p1, &err) == 0, "%s", err.msg);
    cr_assert(llr_model_load(p1, NULL, &m2, &err) == 0, "%s", err.msg);
    cr_assert(llr_model_save(m2, p2, &err) == 0, "%s", err.msg);
    unsigned char *a, *b;
    size_t la, lb;
    cr_assert(llr_read_file(p1, &a, &la, &err) == 0);
    cr_assert(llr_read_file(p2, &b, &lb, &err) == 0);
    cr_assert_eq(la, lb);
    cr_assert_arr_eq(a, b, la);
    /* The layout the issue fixes: x0 [d], B [T, V, d], A [T, V, d, d]. */
    llr_st_file f;
    cr_assert(llr_st_read(p1, &f, &err) == 0);
    cr_assert_str_eq(llr_st_meta(&f, "llr.kind"), "isan");
    cr_assert_str_eq(llr_st_meta(&f, "llr.format"), "1");
    const llr_st_tensor *B = llr_st_find(&f, "B"), *A = llr_st_find(&f, "A");
    cr_assert(B->shape[0] == 4 && B->shape[1] == 3 && B->shape[2] == 2);
    cr_assert(A->shape[0] == 4 && A->shape[1] == 3 && A->shape[2] == 2 &&
              A->shape[3] == 2);
    const llr_isan *s = llr_isan_of(m);
    cr_assert_arr_eq(f.buf + f.data_start + B->begin, s->B, B->end - B->begin);
    llr_st_free(&f);
    free(a);
    free(b);
    llr_model_free(m);
    llr_model_free(m2);
}

Test(safetensors, bad_model_files_are_rejected)
{
    llr_error err;
    double x0[2] = {1, 0}, B[1 * 2 * 2] = {1, 2, 3, 4},
           A[1 * 2 * 2 * 2] = {1, 0, 0, 1, 0, 1, 1, 0};
    const char *meta[] = {"llr.kind", "isan", "llr.format", "1"};
    llr_st_out t[3] = {
        {"x0", LLR_DT_F64, 1, {2}, x0},
        {"B", LLR_DT_F64, 3, {1, 2, 2}, B},
        {"A", LLR_DT_F64, 4, {1, 2, 2, 2}, A},
    };
    char p[600];
    snprintf(p, sizeof p, "%s", tmp_path("good.st"));
    cr_assert(llr_st_write(p, t, 3, meta, 2, &err) == 0);
    llr_model *m;
    cr_assert(llr_model_load(p, NULL, &m, &err) == 0, "%s", err.msg);
    llr_model_free(m);

    B[3] = NAN;
    snprintf(p, sizeof p, "%s", tmp_path("nan.st"));
    cr_assert(llr_st_write(p, t, 3, meta, 2, &err) == 0);
    model_rejects(p, "tensor 'B': element 3 is NaN");
    B[3] = -INFINITY;
    snprintf(p, sizeof p, "%s", tmp_path("inf.st"));
    cr_assert(llr_st_write(p, t, 3, meta, 2, &err) == 0);
    model_rejects(p, "element 3 is infinite");
    B[3] = 4;

    snprintf(p, sizeof p, "%s", tmp_path("noA.st"));
    cr_assert(llr_st_write(p, t, 2, meta, 2, &err) == 0);
    model_rejects(p, "missing tensor 'A'");

    t[2].shape[2] = 1, t[2].shape[3] = 4;
    snprintf(p, sizeof p, "%s", tmp_path("shapeA.st"));
    cr_assert(llr_st_write(p, t, 3, meta, 2, &err) == 0);
    model_rejects(p, "tensor 'A' has shape [1, 2, 1, 4]");
    t[2].shape[2] = 2, t[2].shape[3] = 2;

    const char *kind[] = {"llr.kind", "gpt", "llr.format", "1"};
    snprintf(p, sizeof p, "%s", tmp_path("kind.st"));
    cr_assert(llr_st_write(p, t, 3, kind, 2, &err) == 0);
    model_rejects(p, "unknown llr.kind 'gpt'");
    snprintf(p, sizeof p, "%s", tmp_path("nokind.st"));
    cr_assert(llr_st_write(p, t, 3, NULL, 0, &err) == 0);
    model_rejects(p, "no llr.kind");
    const char *fmt[] = {"llr.kind", "isan", "llr.format", "2"};
    snprintf(p, sizeof p, "%s", tmp_path("fmt.st"));
    cr_assert(llr_st_write(p, t, 3, fmt, 2, &err) == 0);
    model_rejects(p, "llr.format is '2'");

    /* V = 1 is not a vocabulary. */
    llr_st_out one[3] = {
        {"x0", LLR_DT_F64, 1, {2}, x0},
        {"B", LLR_DT_F64, 3, {1, 1, 2}, B},
        {"A", LLR_DT_F64, 4, {1, 1, 2, 2}, A},
    };
    snprintf(p, sizeof p, "%s", tmp_path("v1.st"));
    cr_assert(llr_st_write(p, one, 3, meta, 2, &err) == 0);
    model_rejects(p, "vocabulary size 1");

    /* Finite parameters whose logits overflow. */
    double bigx[2] = {1, 1}, bigB[4] = {1e308, 1e308, -1e308, 1e308};
    llr_st_out big[3] = {{"x0", LLR_DT_F64, 1, {2}, bigx},
                         {"B", LLR_DT_F64, 3, {1, 2, 2}, bigB}, t[2]};
    snprintf(p, sizeof p, "%s", tmp_path("big.st"));
    cr_assert(llr_st_write(p, big, 3, meta, 2, &err) == 0);
    cr_assert(llr_model_load(p, NULL, &m, &err) == 0);
    double l[2];
    cr_assert(llr_model_logits(m, NULL, 0, l, &err) != 0);
    cr_assert(strstr(err.msg, "not finite") != NULL, "%s", err.msg);
    llr_model_free(m);

    model_rejects(tmp_path("does-not-exist.st"), "cannot open");
}

Test(safetensors, failed_write_leaves_existing_file_intact)
{
    llr_error err;
    double x = 1.5;
    llr_st_out t = {"x", LLR_DT_F64, 1, {1}, &x};
    char p[600];
    snprintf(p, sizeof p, "%s", tmp_path("keep.st"));
    cr_assert(llr_st_write(p, &t, 1, NULL, 0, &err) == 0);
    unsigned char *before, *after;
    size_t lb, la;
    cr_assert(llr_read_file(p, &before, &lb, &err) == 0);
    /* A duplicate tensor name fails before anything is written. */
    llr_st_out dup[2] = {t, t};
    cr_assert(llr_st_write(p, dup, 2, NULL, 0, &err) != 0);
    cr_assert(strstr(err.msg, p) != NULL, "%s", err.msg);
    cr_assert(llr_read_file(p, &after, &la, &err) == 0);
    cr_assert_eq(la, lb);
    cr_assert_arr_eq(after, before, la);
    free(after);
    /* Writing over a directory fails before anything is written (staged
     * outputs check the target first) and leaves no temporary file
     * behind. */
    snprintf(p, sizeof p, "%s", tmp_path("adir"));
    cr_assert(mkdir(p, 0755) == 0);
    cr_assert(llr_st_write(p, &t, 1, NULL, 0, &err) != 0);
    cr_assert(strstr(err.msg, "is a directory") != NULL, "%s", err.msg);
    assert_code(err, LLR_EIO);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls %s.tmp.* >/dev/null 2>&1", p);
    cr_assert(system(cmd) != 0, "a temporary file was left behind");
    free(before);
}

Test(determinism, same_seed_gives_identical_files_and_samples)
{
    llr_error err;
    unsigned char *f[3];
    size_t len[3];
    for (int i = 0; i < 3; i++) {
        llr_model *m;
        cr_assert(llr_isan_generate(4, 3, 5, i < 2 ? 77 : 78, 3.0, &m, &err) ==
                  0);
        char p[600];
        snprintf(p, sizeof p, "%s", tmp_path(i == 0 ? "d0.st"
                                             : i == 1 ? "d1.st"
                                                      : "d2.st"));
        cr_assert(llr_model_save(m, p, &err) == 0);
        cr_assert(llr_read_file(p, &f[i], &len[i], &err) == 0);
        llr_model_free(m);
    }
    cr_assert_eq(len[0], len[1]);
    cr_assert_arr_eq(f[0], f[1], len[0], "same seed, different bytes");
    cr_assert(memcmp(f[0], f[2], len[0]) != 0, "different seeds, same bytes");
    for (int i = 0; i < 3; i++)
        free(f[i]);
}

Test(safetensors, writer_rejects_what_it_cannot_write)
{
    llr_error err;
    unsigned char *buf;
    size_t len;
    double x = 1;
    const char *bad_utf8[] = {"ok", "1", "bad", "\xff\xfe"};
    cr_assert(llr_st_serialize(NULL, 0, bad_utf8, 2, &buf, &len, &err) != 0);
    cr_assert(strstr(err.msg, "metadata 'bad'") != NULL, "%s", err.msg);
    const char *dup[] = {"k", "1", "k", "2"};
    cr_assert(llr_st_serialize(NULL, 0, dup, 2, &buf, &len, &err) != 0);
    cr_assert(strstr(err.msg, "duplicate key") != NULL, "%s", err.msg);
    llr_st_out neg = {"x", LLR_DT_F64, -1, {0}, &x};
    cr_assert(llr_st_serialize(&neg, 1, NULL, 0, &buf, &len, &err) != 0);
    llr_st_out reserved = {"__metadata__", LLR_DT_F64, 1, {1}, &x};
    cr_assert(llr_st_serialize(&reserved, 1, NULL, 0, &buf, &len, &err) != 0);
}

Test(safetensors, integer_copy_rejects_float_tensors_even_when_empty)
{
    llr_error err;
    llr_st_out t = {"e", LLR_DT_F64, 1, {0}, NULL};
    char p[600];
    snprintf(p, sizeof p, "%s", tmp_path("empty_f64.st"));
    cr_assert(llr_st_write(p, &t, 1, NULL, 0, &err) == 0);
    llr_st_file f;
    cr_assert(llr_st_read(p, &f, &err) == 0);
    int64_t out[1];
    cr_assert(llr_st_copy_i64(&f, llr_st_find(&f, "e"), out, &err) != 0);
    cr_assert(strstr(err.msg, "expected an integer dtype") != NULL, "%s",
              err.msg);
    llr_st_free(&f);
}
