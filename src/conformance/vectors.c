/* conformance/vectors.c - golden vectors: make and check (docs/vectors.md).
 *
 * One code path computes every item for both commands: make computes into
 * the vectors directory itself and then writes the manifest; check reads
 * the manifest, computes into a temporary directory from the stored inputs
 * (model files, prefixes) and compares the two files of each item. */
#include "catalog/catalog.h"
#include "conformance/vectors.h"
#include "base/json.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "models/approx.h"
#include "measure/distance.h"
#include "base/fileio.h"
#include "learn/gls.h"
#include "models/isan.h"
#include "models/model.h"
#include "oracle/oracle.h"
#include "learn/params.h"
#include "models/parity.h"
#include "base/prefix.h"
#include "learn/reconstruct.h"
#include "io/safetensors.h"
#include "models/table.h"

#define MANIFEST "manifest.json"
/* Differences shown per item (all are counted). */
#define MAX_SHOWN 5
/* Limits that keep a manifest's requests small. */
#define MAX_PREFIXES 100000
#define MAX_SAMPLES 100000
#define MAX_LEAVES 10000000ULL
#define MAX_VALUES 10000000LL

typedef struct tol {
    double atol, rtol;
} tol;

typedef struct ctx {
    int making;
    const char *dir;      /* the vectors directory */
    const char *out;      /* where computed files go */
    char *mpath;          /* dir/manifest.json, for messages */
    json_t *models;       /* the manifest's model list */
    llr_model **loaded;   /* stored models, loaded on first use */
    FILE *rep;
    llr_error *e;
    char where[200];      /* "items[3] ('logits/isan')" */
    const char *item;     /* the item's name */
    long nvals;           /* per item: values compared */
    int ndiff;            /* per item: differences */
    double maxdiff;
    char first[400];      /* per item: the first difference */
    llr_vectors_summary *sum;
    char **tmp;           /* files written into a temporary directory */
    size_t ntmp;
    /* make with the user's models: where each stored model comes from */
    const char *const *src_name;
    const char *const *src_path;
    int nsrc;
} ctx;

static char *join(const char *dir, const char *file)
{
    size_t n = strlen(dir) + strlen(file) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, file);
    return p;
}

/* A manifest error: names the manifest, the entry and the problem. */
static int bad(ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int bad(ctx *c, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return llr_fail(c->e, LLR_EINPUT, "%s: %s: %s", c->mpath, c->where, msg);
}

static json_t *need(ctx *c, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        bad(c, "field '%s' is missing", key);
    return v;
}

static const char *get_str(ctx *c, json_t *o, const char *key)
{
    json_t *v = need(c, o, key);
    if (v && !json_is_string(v)) {
        bad(c, "field '%s' is not a string", key);
        return NULL;
    }
    return v ? json_string_value(v) : NULL;
}

static int get_int(ctx *c, json_t *o, const char *key, long long lo,
                   long long hi, long long *out)
{
    json_t *v = need(c, o, key);
    if (!v)
        return -1;
    if (!json_is_integer(v) || json_integer_value(v) < lo ||
        json_integer_value(v) > hi)
        return bad(c, "field '%s' is not an integer in [%lld, %lld]", key, lo,
                   hi);
    *out = json_integer_value(v);
    return 0;
}

static int get_num(ctx *c, json_t *o, const char *key, double *out)
{
    json_t *v = need(c, o, key);
    if (!v)
        return -1;
    if (!json_is_number(v) || !isfinite(json_number_value(v)))
        return bad(c, "field '%s' is not a finite number", key);
    *out = json_number_value(v);
    return 0;
}

/* An optional number: absent leaves *out as it is. */
static int opt_num(ctx *c, json_t *o, const char *key, double *out)
{
    return json_object_get(o, key) ? get_num(c, o, key, out) : 0;
}

/* A file name inside the directory: no path separators, not hidden. */
static const char *get_file(ctx *c, json_t *o)
{
    const char *f = get_str(c, o, "file");
    if (f && (!*f || f[0] == '.' || strchr(f, '/'))) {
        bad(c, "file '%s' is not a plain file name in the directory", f);
        return NULL;
    }
    return f;
}

/* The tolerance for quantity q of an item: the entry q of its "tolerance"
 * object, else its entry "*"; "exact" or {"atol": a, "rtol": r}. */
static int get_tol(ctx *c, json_t *item, const char *q, tol *t)
{
    json_t *T = json_object_get(item, "tolerance");
    if (!json_is_object(T))
        return bad(c, "field 'tolerance' is missing or not an object");
    json_t *v = json_object_get(T, q);
    if (!v)
        v = json_object_get(T, "*");
    if (!v)
        return bad(c, "no tolerance for '%s' (and no '*' entry)", q);
    if (json_is_string(v) && !strcmp(json_string_value(v), "exact")) {
        t->atol = t->rtol = 0;
        return 0;
    }
    json_t *a = json_object_get(v, "atol"), *r = json_object_get(v, "rtol");
    if (!json_is_object(v) || !json_is_number(a) || !json_is_number(r) ||
        !(json_number_value(a) >= 0) || !(json_number_value(r) >= 0))
        return bad(c, "tolerance of '%s' is neither \"exact\" nor {\"atol\": "
                      "a, \"rtol\": r} with a, r >= 0", q);
    t->atol = json_number_value(a);
    t->rtol = json_number_value(r);
    return 0;
}

/* ---- differences ---- */

static void differ(ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void differ(ctx *c, const char *fmt, ...)
{
    if (c->ndiff == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->first, sizeof c->first, fmt, ap);
        va_end(ap);
    }
    if (c->ndiff < MAX_SHOWN) {
        va_list ap;
        fprintf(c->rep, "FAIL  %s: ", c->item);
        va_start(ap, fmt);
        vfprintf(c->rep, fmt, ap);
        va_end(ap);
        fputc('\n', c->rep);
    }
    c->ndiff++;
}

static void cmp_real(ctx *c, const char *what, double got, double want,
                     const tol *t)
{
    c->nvals++;
    double d = fabs(got - want);
    if (got == want)
        return;
    if (isfinite(d) && d > c->maxdiff)
        c->maxdiff = d;
    if (!(d <= t->atol + t->rtol * fabs(want)))
        differ(c, "%s = %.17g, expected %.17g (|diff| %.3g > atol %g + "
                  "rtol %g |expected|)",
               what, got, want, d, t->atol, t->rtol);
}

static void cmp_int(ctx *c, const char *what, long long got, long long want)
{
    c->nvals++;
    if (got != want)
        differ(c, "%s = %lld, expected %lld (integers must be equal)", what,
               got, want);
}

/* "name[i, j]" for element k of a tensor of that shape. */
static void elem_name(char *buf, size_t n, const llr_st_tensor *t,
                      uint64_t k)
{
    uint64_t idx[LLR_ST_MAX_RANK];
    for (int r = t->rank - 1; r >= 0; r--) {
        idx[r] = t->shape[r] ? k % t->shape[r] : 0;
        k = t->shape[r] ? k / t->shape[r] : 0;
    }
    int w = snprintf(buf, n, "tensor '%s' [", t->name);
    for (int r = 0; r < t->rank && w > 0 && (size_t)w < n; r++)
        w += snprintf(buf + w, n - (size_t)w, "%s%llu", r ? ", " : "",
                      (unsigned long long)idx[r]);
    if (w > 0 && (size_t)w < n)
        snprintf(buf + w, n - (size_t)w, "]");
}

static int is_int_dtype(int dt)
{
    return dt == LLR_DT_I64 || dt == LLR_DT_I32 || dt == LLR_DT_U8;
}

/* Compare the recomputed file out/file with the stored dir/file. */
static int compare_files(ctx *c, json_t *item, const char *file)
{
    char *pw = join(c->dir, file), *pg = join(c->out, file);
    llr_st_file want = {0}, got = {0};
    double *fw = NULL, *fg = NULL;
    int64_t *iw = NULL, *ig = NULL;
    int rc = -1;
    if (!pw || !pg) {
        llr_fail(c->e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    if (llr_st_read(pw, &want, c->e) || llr_st_read(pg, &got, c->e))
        goto done;
    for (size_t i = 0; i < want.nmeta; i++) {
        const char *g = llr_st_meta(&got, want.meta_key[i]);
        if (!g || strcmp(g, want.meta_val[i]))
            differ(c, "__metadata__ '%s' is '%s', expected '%s'",
                   want.meta_key[i], g ? g : "(absent)", want.meta_val[i]);
    }
    for (size_t i = 0; i < got.nmeta; i++)
        if (!llr_st_meta(&want, got.meta_key[i]))
            differ(c, "__metadata__ '%s' is not in the stored file",
                   got.meta_key[i]);
    for (size_t i = 0; i < got.ntensors; i++)
        if (!llr_st_find(&want, got.tensors[i].name))
            differ(c, "tensor '%s' is not in the stored file",
                   got.tensors[i].name);
    for (size_t i = 0; i < want.ntensors; i++) {
        const llr_st_tensor *tw = &want.tensors[i];
        const llr_st_tensor *tg = llr_st_find(&got, tw->name);
        if (!tg) {
            differ(c, "tensor '%s' is missing from the recomputed file",
                   tw->name);
            continue;
        }
        int same = tg->dtype == tw->dtype && tg->rank == tw->rank;
        for (int r = 0; same && r < tw->rank; r++)
            same = tg->shape[r] == tw->shape[r];
        if (!same) {
            differ(c, "tensor '%s' has dtype %s and %d dimensions (first "
                      "%llu), expected %s and %d (first %llu)",
                   tw->name, llr_st_dtype_name(tg->dtype), tg->rank,
                   (unsigned long long)(tg->rank ? tg->shape[0] : 0),
                   llr_st_dtype_name(tw->dtype), tw->rank,
                   (unsigned long long)(tw->rank ? tw->shape[0] : 0));
            continue;
        }
        size_t n = (size_t)tw->count;
        char what[160];
        if (tw->dtype == LLR_DT_F64) {
            tol t;
            if (get_tol(c, item, tw->name, &t))
                goto done;
            fw = malloc((n + 1) * sizeof *fw);
            fg = malloc((n + 1) * sizeof *fg);
            if (!fw || !fg) {
                llr_fail(c->e, LLR_ENOMEM, "out of memory");
                goto done;
            }
            if (llr_st_copy_f64(&want, tw, fw, 0, c->e) ||
                llr_st_copy_f64(&got, tg, fg, 0, c->e))
                goto done;
            for (size_t k = 0; k < n; k++) {
                if (fw[k] != fg[k])
                    elem_name(what, sizeof what, tw, k);
                cmp_real(c, what, fg[k], fw[k], &t);
            }
            free(fw), free(fg);
            fw = fg = NULL;
        } else if (is_int_dtype(tw->dtype)) {
            iw = malloc((n + 1) * sizeof *iw);
            ig = malloc((n + 1) * sizeof *ig);
            if (!iw || !ig) {
                llr_fail(c->e, LLR_ENOMEM, "out of memory");
                goto done;
            }
            if (llr_st_copy_i64(&want, tw, iw, c->e) ||
                llr_st_copy_i64(&got, tg, ig, c->e))
                goto done;
            for (size_t k = 0; k < n; k++) {
                if (iw[k] != ig[k])
                    elem_name(what, sizeof what, tw, k);
                cmp_int(c, what, ig[k], iw[k]);
            }
            free(iw), free(ig);
            iw = ig = NULL;
        } else {
            llr_fail(c->e, LLR_EINPUT,
                     "%s: tensor '%s' has dtype %s; vectors use F64, "
                           "I64 and U8",
                     pw, tw->name, llr_st_dtype_name(tw->dtype));
            goto done;
        }
    }
    rc = 0;
done:
    llr_st_free(&want), llr_st_free(&got);
    free(fw), free(fg), free(iw), free(ig);
    free(pw), free(pg);
    return rc;
}

/* ---- writing computed files ---- */

/* Remember a file written into the temporary directory (check). */
static int note_written(ctx *c, const char *file)
{
    if (c->making)
        return 0;
    char **t = realloc(c->tmp, (c->ntmp + 1) * sizeof *t);
    if (!t)
        return llr_fail(c->e, LLR_ENOMEM, "out of memory");
    c->tmp = t;
    if (!(c->tmp[c->ntmp] = join(c->out, file)))
        return llr_fail(c->e, LLR_ENOMEM, "out of memory");
    c->ntmp++;
    return 0;
}

static int write_item(ctx *c, const char *file, const llr_st_out *t,
                      size_t n)
{
    char *p = join(c->out, file);
    if (!p)
        return llr_fail(c->e, LLR_ENOMEM, "out of memory");
    const char *meta[] = {"llr.vectors.item", c->item};
    int rc = note_written(c, file);
    if (rc == 0)
        rc = llr_st_write(p, t, n, meta, 1, c->e);
    free(p);
    return rc;
}

/* After an item: its line in the report and the summary counts. */
static void item_done(ctx *c)
{
    c->sum->items++;
    c->sum->values += c->nvals;
    if (c->sum->results)
        json_array_append_new(
            c->sum->results,
            json_pack("{s:s, s:b, s:I, s:i, s:f}", "name", c->item, "ok",
                      !c->ndiff, "values", (json_int_t)c->nvals,
                      "differences", c->ndiff, "max_diff", c->maxdiff));
    if (c->sum->results && c->ndiff)
        json_object_set_new(json_array_get(c->sum->results,
                                           json_array_size(c->sum->results) -
                                               1),
                            "first_difference", json_string(c->first));
    if (c->ndiff) {
        c->sum->failed++;
        fprintf(c->rep, "FAIL  %s: %d of %ld values differ beyond the "
                        "tolerance\n",
                c->item, c->ndiff, c->nvals);
    } else {
        fprintf(c->rep, "ok    %-26s %5ld values, max |diff| %.3g\n",
                c->item, c->nvals, c->maxdiff);
    }
}

/* ---- models ---- */

static json_t *find_model(ctx *c, const char *name, size_t *index)
{
    size_t i;
    json_t *m;
    json_array_foreach(c->models, i, m)
    {
        json_t *n = json_object_get(m, "name");
        if (json_is_string(n) && !strcmp(json_string_value(n), name)) {
            if (index)
                *index = i;
            return m;
        }
    }
    return NULL;
}

/* The stored model called name (loaded once). */
static int get_model(ctx *c, const char *name, const llr_model **out)
{
    size_t i;
    json_t *spec = find_model(c, name, &i);
    if (!spec)
        return bad(c, "no model named '%s' in 'models'", name);
    if (!c->loaded[i]) {
        char where[sizeof c->where];
        memcpy(where, c->where, sizeof where);
        snprintf(c->where, sizeof c->where, "models[%zu] ('%s')", i, name);
        const char *file = get_file(c, spec);
        memcpy(c->where, where, sizeof where);
        if (!file)
            return -1;
        char *p = join(c->dir, file);
        if (!p)
            return llr_fail(c->e, LLR_ENOMEM, "out of memory");
        int rc = llr_model_load(p, NULL, &c->loaded[i], c->e);
        free(p);
        if (rc)
            return -1;
    }
    *out = c->loaded[i];
    return 0;
}

static int gen_model(ctx *c, json_t *g, llr_model **m)
{
    const char *kind = get_str(c, g, "kind");
    long long V, d, T, seed, bits, weight = 0;
    double scale = 3, eps, noise;
    if (!kind)
        return -1;
    if (!strcmp(kind, "isan") || !strcmp(kind, "approx")) {
        if (get_int(c, g, "vocab", 2, 1024, &V) ||
            get_int(c, g, "rank", 1, 64, &d) ||
            get_int(c, g, "horizon", 1, 64, &T) ||
            get_int(c, g, "seed", 0, INT64_MAX, &seed) ||
            get_num(c, g, "scale", &scale))
            return -1;
        if ((double)V * d * d * T > MAX_VALUES)
            return bad(c, "V d^2 T = %.0f exceeds the %g values a vector "
                          "model may have", (double)V * d * d * T,
                       (double)MAX_VALUES);
        if (kind[0] == 'i')
            return llr_isan_generate((int)V, (int)d, (int)T, (uint64_t)seed,
                                     scale, m, c->e);
        if (get_num(c, g, "eps", &eps))
            return -1;
        return llr_approx_generate((int)V, (int)d, (int)T, (uint64_t)seed,
                                   scale, eps, m, c->e);
    }
    if (!strcmp(kind, "table")) {
        if (get_int(c, g, "vocab", 2, 1024, &V) ||
            get_int(c, g, "horizon", 1, 64, &T) ||
            get_int(c, g, "seed", 0, INT64_MAX, &seed) ||
            get_num(c, g, "scale", &scale))
            return -1;
        uint64_t rows;
        if (llr_prefix_total((uint64_t)V, (uint64_t)T, MAX_VALUES, &rows) ||
            (double)rows * V > MAX_VALUES)
            return bad(c, "a table of V = %lld, T = %lld exceeds the %g "
                          "values a vector model may have",
                       V, T, (double)MAX_VALUES);
        return llr_table_generate((int)V, (int)T, (uint64_t)seed, scale, m,
                                  c->e);
    }
    if (!strcmp(kind, "parity")) {
        if (get_int(c, g, "bits", 1, 64, &bits) ||
            get_num(c, g, "noise", &noise) ||
            get_int(c, g, "seed", 0, INT64_MAX, &seed))
            return -1;
        if (json_object_get(g, "weight") &&
            get_int(c, g, "weight", 0, bits, &weight))
            return -1;
        unsigned char sec[64];
        if (llr_parity_secret_from_seed((int)bits, (uint64_t)seed,
                                        (int)weight, sec, c->e))
            return -1;
        return llr_parity_new((int)bits, sec, noise, m, c->e);
    }
    return bad(c, "gen kind '%s' is not isan, approx, table or parity", kind);
}

/* Run the learner as `llr learn TEACHER --rank D --eps E --delta P --seed S
 * [--gap G] [--tau T]` does (noiseless oracle, practical parameters). */
static int learn_model(ctx *c, json_t *L, llr_model **out)
{
    const char *teacher = get_str(c, L, "teacher");
    long long d, seed;
    double eps, delta, gap = -1, tau = -1;
    const llr_model *M;
    if (!teacher || get_int(c, L, "rank", 1, 64, &d) ||
        get_num(c, L, "eps", &eps) || get_num(c, L, "delta", &delta) ||
        get_int(c, L, "seed", 0, INT64_MAX, &seed) ||
        opt_num(c, L, "gap", &gap) || opt_num(c, L, "tau", &tau) ||
        get_model(c, teacher, &M))
        return -1;
    if (!(eps > 0 && eps < 1) || !(delta > 0 && delta < 1))
        return bad(c, "eps and delta must lie in (0, 1)");
    llr_error pe;
    if (llr_params_check(eps, delta, &pe))
        return bad(c, "%s", pe.msg);
    llr_gls_params p;
    llr_params_practical(M->T, (int)d, eps, delta, 0, 0, (uint64_t)seed, &p);
    if (gap > 0)
        p.gap = gap;
    if (tau >= 0)
        p.tau = tau;
    llr_oracle_opts oo = {.noise_seed = llr_params_noise_seed((uint64_t)seed)};
    llr_oracle *o = NULL;
    llr_gls_stats st;
    int rc = llr_oracle_new(M, &oo, &o, c->e);
    if (rc == 0)
        rc = llr_gls_learn(o, &p, NULL, out, &st, c->e);
    llr_oracle_free(o);
    if (rc)
        return llr_fail_prefix(c->e, "%s: learning from '%s'", c->where,
                               teacher);
    if (st.stop) {
        /* The vectors hold models read by the LP that met their target
         * (a stopped run's least-squares model has no LP items). */
        llr_model_free(*out);
        *out = NULL;
        return llr_fail(c->e, LLR_EINPUT,
                        "%s: learning from '%s': the run stopped (%s) "
                        "without certifying eps: %s", c->where, teacher,
                        st.stop, st.stop_detail);
    }
    return 0;
}

/* Compute a model of the manifest (gen or learn). */
static int compute_model(ctx *c, json_t *spec, llr_model **m)
{
    json_t *g = json_object_get(spec, "gen"), *l = json_object_get(spec, "learn");
    if (!g == !l)
        return bad(c, "a model has exactly one of 'gen', 'learn' and "
                      "'stored'");
    if (!json_is_object(g ? g : l))
        return bad(c, "field '%s' is not an object", g ? "gen" : "learn");
    return g ? gen_model(c, g, m) : learn_model(c, l, m);
}

/* A model the user gave (make: its source file, loaded and written in
 * llr's format; check: the stored file, loaded, and its kind, vocabulary
 * and horizon compared with the manifest's). */
static int stored_model(ctx *c, json_t *spec, const char *file)
{
    json_t *st = json_object_get(spec, "stored");
    const char *name = json_string_value(json_object_get(spec, "name"));
    if (json_object_get(spec, "gen") || json_object_get(spec, "learn"))
        return bad(c, "a model has exactly one of 'gen', 'learn' and "
                      "'stored'");
    if (!json_is_object(st))
        return bad(c, "field 'stored' is not an object");
    const char *kind = get_str(c, st, "kind");
    long long V, T;
    if (!kind || get_int(c, st, "vocab", 2, LLR_MAX_VOCAB, &V) ||
        get_int(c, st, "horizon", 1, LLR_MAX_HORIZON, &T))
        return -1;
    if (!c->making) {
        const llr_model *m;
        if (get_model(c, name, &m))
            return -1;
        c->nvals++;
        if (strcmp(m->ops->kind, kind))
            differ(c, "the stored model has kind '%s', the manifest says "
                      "'%s'", m->ops->kind, kind);
        cmp_int(c, "vocab", m->V, V);
        cmp_int(c, "horizon", m->T, T);
        return 0;
    }
    const char *src = NULL;
    for (int i = 0; i < c->nsrc; i++)
        if (!strcmp(c->src_name[i], name))
            src = c->src_path[i];
    if (!src)
        return bad(c, "no source file for the stored model '%s'", name);
    llr_model *m = NULL;
    char *p = join(c->out, file);
    int rc = !p ? llr_fail(c->e, LLR_ENOMEM, "out of memory")
                : llr_model_load(src, NULL, &m, c->e);
    if (rc == 0)
        rc = llr_model_save(m, p, c->e);
    llr_model_free(m);
    free(p);
    return rc ? llr_fail_prefix(c->e, "%s: storing %s", c->where, src) : 0;
}

static int do_model(ctx *c, json_t *spec)
{
    const char *file = get_file(c, spec);
    if (!file)
        return -1;
    if (json_object_get(spec, "stored"))
        return stored_model(c, spec, file);
    llr_model *m = NULL;
    char *p = join(c->out, file);
    int rc = !p ? llr_fail(c->e, LLR_ENOMEM,
                           "out of memory") : compute_model(c, spec, &m);
    if (rc == 0)
        rc = note_written(c, file);
    if (rc == 0)
        rc = llr_model_save(m, p, c->e);
    llr_model_free(m);
    free(p);
    if (rc == 0 && !c->making)
        rc = compare_files(c, spec, file);
    return rc;
}

/* ---- prefixes: enumerated by make, read back by check ---- */

typedef struct prefixes {
    long n;
    int w;       /* T - 1 columns, -1 padded */
    int *tok;    /* n x w */
    int *len;
} prefixes;

static void prefixes_free(prefixes *P)
{
    free(P->tok), free(P->len);
}

/* make: every prefix of length < T in enumeration order (docs/models.md). */
static int prefixes_all(ctx *c, const llr_model *m, prefixes *P)
{
    uint64_t total;
    if (llr_prefix_total((uint64_t)m->V, (uint64_t)m->T, MAX_PREFIXES,
                         &total))
        return llr_fail(c->e, LLR_EINPUT, "%s: more than %d prefixes", c->item,
                        MAX_PREFIXES);
    P->n = (long)total;
    P->w = m->T - 1;
    P->tok = malloc(((size_t)P->n * P->w + 1) * sizeof *P->tok);
    P->len = malloc((size_t)P->n * sizeof *P->len);
    if (!P->tok || !P->len)
        return llr_fail(c->e, LLR_ENOMEM, "out of memory");
    long r = 0;
    for (int t = 0; t < m->T; t++) {
        int *tok = calloc((size_t)t + 1, sizeof *tok);
        if (!tok)
            return llr_fail(c->e, LLR_ENOMEM, "out of memory");
        do {
            for (int q = 0; q < P->w; q++)
                P->tok[(size_t)r * P->w + q] = q < t ? tok[q] : -1;
            P->len[r++] = t;
        } while (llr_prefix_next(tok, t, m->V));
        free(tok);
    }
    return 0;
}

/* check: the tensor `prefixes` of the stored file, validated. */
static int prefixes_read(ctx *c, const char *file, const llr_model *m,
                         prefixes *P)
{
    char *p = join(c->dir, file);
    llr_st_file f = {0};
    int64_t *v = NULL;
    int rc = -1;
    if (!p) {
        llr_fail(c->e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    if (llr_st_read(p, &f, c->e))
        goto done;
    const llr_st_tensor *t = llr_st_expect(&f, "prefixes", LLR_DT_I64, 2, c->e);
    if (!t)
        goto done;
    if (t->shape[1] != (uint64_t)(m->T - 1) || t->shape[0] > MAX_PREFIXES) {
        llr_fail(c->e, LLR_EINPUT,
                 "%s: tensor 'prefixes' has shape [%llu, %llu]; "
                       "expected [n <= %d, T - 1 = %d]",
                 p, (unsigned long long)t->shape[0],
                 (unsigned long long)t->shape[1], MAX_PREFIXES, m->T - 1);
        goto done;
    }
    P->n = (long)t->shape[0];
    P->w = m->T - 1;
    v = malloc((t->count + 1) * sizeof *v);
    P->tok = malloc((t->count + 1) * sizeof *P->tok);
    P->len = malloc(((size_t)P->n + 1) * sizeof *P->len);
    if (!v || !P->tok || !P->len) {
        llr_fail(c->e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    if (llr_st_copy_i64(&f, t, v, c->e))
        goto done;
    for (long r = 0; r < P->n; r++) {
        int len = 0;
        for (int q = 0; q < P->w; q++) {
            int64_t x = v[(size_t)r * P->w + q];
            if (x >= 0 && x < m->V && len == q)
                len++;
            else if (!(x == -1 && len <= q)) {
                llr_fail(c->e, LLR_EINPUT,
                         "%s: prefixes[%ld, %d] = %lld is neither a "
                               "token in [0, %d) nor padding -1 after the "
                               "last token",
                         p, r, q, (long long)x, m->V);
                goto done;
            }
            P->tok[(size_t)r * P->w + q] = (int)x;
        }
        P->len[r] = len;
    }
    rc = 0;
done:
    free(v), free(p);
    llr_st_free(&f);
    return rc;
}

/* make: n prefixes drawn by a SplitMix64 generator seeded with seed:
 * for each, a length t = below(T), then t tokens below(V). */
static int prefixes_sampled(ctx *c, const llr_model *m, long n,
                            uint64_t seed, prefixes *P)
{
    P->n = n;
    P->w = m->T - 1;
    P->tok = malloc(((size_t)n * P->w + 1) * sizeof *P->tok);
    P->len = malloc(((size_t)n + 1) * sizeof *P->len);
    if (!P->tok || !P->len)
        return llr_fail(c->e, LLR_ENOMEM, "out of memory");
    llr_prng g;
    llr_prng_seed(&g, seed);
    for (long r = 0; r < n; r++) {
        int t = (int)llr_prng_below(&g, (uint64_t)m->T);
        for (int q = 0; q < P->w; q++)
            P->tok[(size_t)r * P->w + q] =
                q < t ? (int)llr_prng_below(&g, (uint64_t)m->V) : -1;
        P->len[r] = t;
    }
    return 0;
}

/* The prefixes of an item: make enumerates them all, or draws them when
 * the item says "prefixes": {"sample": N, "seed": S}; check reads the
 * stored ones. */
static int get_prefixes(ctx *c, json_t *item, const char *file,
                        const llr_model *m, prefixes *P)
{
    memset(P, 0, sizeof *P);
    if (!c->making)
        return prefixes_read(c, file, m, P);
    json_t *spec = json_object_get(item, "prefixes");
    if (!spec)
        return prefixes_all(c, m, P);
    long long n, seed;
    if (!json_is_object(spec))
        return bad(c, "field 'prefixes' is not an object");
    if (get_int(c, spec, "sample", 1, MAX_PREFIXES, &n) ||
        get_int(c, spec, "seed", 0, INT64_MAX, &seed))
        return -1;
    return prefixes_sampled(c, m, (long)n, (uint64_t)seed, P);
}

static int64_t *prefixes_i64(const prefixes *P)
{
    int64_t *v = malloc(((size_t)P->n * P->w + 1) * sizeof *v);
    for (size_t k = 0; v && k < (size_t)P->n * P->w; k++)
        v[k] = P->tok[k];
    return v;
}

/* ---- items ---- */

static int item_model(ctx *c, json_t *item, const llr_model **m)
{
    const char *name = get_str(c, item, "model");
    return name ? get_model(c, name, m) : -1;
}

static int do_logits(ctx *c, json_t *item, const char *file)
{
    const llr_model *m;
    prefixes P;
    if (item_model(c, item, &m) || get_prefixes(c, item, file, m, &P))
        return -1;
    double *L = malloc(((size_t)P.n * m->V + 1) * sizeof *L);
    int64_t *pv = prefixes_i64(&P);
    int rc = !L || !pv ? llr_fail(c->e, LLR_ENOMEM, "out of memory") : 0;
    for (long r = 0; rc == 0 && r < P.n; r++)
        rc = llr_model_logits(m, P.tok + (size_t)r * P.w, P.len[r],
                              L + (size_t)r * m->V, c->e);
    if (rc == 0) {
        llr_st_out t[2] = {
            {"prefixes", LLR_DT_I64, 2, {(uint64_t)P.n, (uint64_t)P.w}, pv},
            {"logits", LLR_DT_F64, 2, {(uint64_t)P.n, (uint64_t)m->V}, L},
        };
        rc = write_item(c, file, t, 2);
    }
    free(L), free(pv);
    prefixes_free(&P);
    return rc;
}

static int do_samples(ctx *c, json_t *item, const char *file)
{
    const llr_model *m;
    long long seed, n;
    if (item_model(c, item, &m) ||
        get_int(c, item, "seed", 0, INT64_MAX, &seed) ||
        get_int(c, item, "count", 1, MAX_SAMPLES, &n))
        return -1;
    int64_t *S = malloc((size_t)n * m->T * sizeof *S);
    int *seq = malloc((size_t)m->T * sizeof *seq);
    int rc = !S || !seq ? llr_fail(c->e, LLR_ENOMEM, "out of memory") : 0;
    llr_prng g;
    llr_prng_seed(&g, (uint64_t)seed);
    for (long long i = 0; rc == 0 && i < n; i++) {
        rc = llr_model_sample(m, &g, seq, c->e);
        for (int t = 0; rc == 0 && t < m->T; t++)
            S[(size_t)i * m->T + t] = seq[t];
    }
    if (rc == 0) {
        llr_st_out t = {"samples", LLR_DT_I64, 2,
                        {(uint64_t)n, (uint64_t)m->T}, S};
        rc = write_item(c, file, &t, 1);
    }
    free(S), free(seq);
    return rc;
}

/* The basis histories the learner picks, per cut (it is run again). */
static int do_spanner(ctx *c, json_t *item, const char *file)
{
    const char *name = get_str(c, item, "model");
    json_t *spec = name ? find_model(c, name, NULL) : NULL;
    json_t *L = spec ? json_object_get(spec, "learn") : NULL;
    if (!name)
        return -1;
    if (!json_is_object(L))
        return bad(c, "model '%s' is not a learned model (no 'learn')", name);
    llr_model *m = NULL;
    if (learn_model(c, L, &m))
        return -1;
    const llr_gls *g = llr_gls_of(m);
    llr_st_out *t = calloc((size_t)g->T, sizeof *t);
    char (*names)[32] = calloc((size_t)g->T, sizeof *names);
    int64_t **b = calloc((size_t)g->T, sizeof *b);
    int rc = !t || !names || !b ? llr_fail(c->e, LLR_ENOMEM,
                                           "out of memory") : 0;
    for (int s = 0; rc == 0 && s < g->T; s++) {
        size_t n = (size_t)g->cut[s].k * s;
        if (!(b[s] = malloc((n + 1) * sizeof *b[s]))) {
            rc = llr_fail(c->e, LLR_ENOMEM, "out of memory");
            break;
        }
        for (size_t k = 0; k < n; k++)
            b[s][k] = g->cut[s].basis[k];
        snprintf(names[s], sizeof names[s], "cut%d.basis", s);
        t[s] = (llr_st_out){names[s], LLR_DT_I64, 2,
                            {(uint64_t)g->cut[s].k, (uint64_t)s}, b[s]};
    }
    if (rc == 0)
        rc = write_item(c, file, t, (size_t)g->T);
    for (int s = 0; b && s < g->T; s++)
        free(b[s]);
    free(b), free(names), free(t);
    llr_model_free(m);
    return rc;
}

/* The reconstruction LP of a learned model at the given prefixes. */
static int do_lp(ctx *c, json_t *item, const char *file)
{
    const llr_model *m;
    prefixes P;
    if (item_model(c, item, &m))
        return -1;
    const llr_gls *g = llr_gls_of(m);
    if (!g)
        return bad(c, "model of kind '%s' has no reconstruction LP (a "
                      "learned model, kind gls, is needed)", m->ops->kind);
    if (g->recon != LLR_RECON_LP)
        return bad(c, "the learned model is read by least squares "
                      "(llr.reconstruction lsq), not by the reconstruction "
                      "LP");
    if (get_prefixes(c, item, file, m, &P))
        return -1;
    size_t W = 1 + (size_t)(m->T - 1) * g->d, n = (size_t)P.n, V = m->V;
    double *coef = calloc(n * W + 1, sizeof *coef);
    double *res = malloc((n + 1) * sizeof *res);
    double *obj = calloc(3 * n + 1, sizeof *obj);
    double *L = malloc((n * V + 1) * sizeof *L);
    int64_t *nc = malloc((n + 1) * sizeof *nc);
    int64_t *feas = malloc((n + 1) * sizeof *feas);
    double *cbuf = malloc(W * sizeof *cbuf);
    int64_t *pv = prefixes_i64(&P);
    int rc = !coef || !res || !obj || !L || !nc || !feas || !cbuf || !pv
                 ? llr_fail(c->e, LLR_ENOMEM, "out of memory")
                 : 0;
    for (size_t r = 0; rc == 0 && r < n; r++) {
        llr_lp_result lr = {0};
        lr.c = cbuf;
        rc = llr_reconstruct(g, P.tok + r * P.w, P.len[r], L + r * V, &lr, 0,
                             c->e);
        if (rc)
            break;
        memcpy(coef + r * W, cbuf, (size_t)lr.nc * sizeof *cbuf);
        nc[r] = lr.nc;
        res[r] = lr.residual;
        obj[3 * r] = lr.residual;
        obj[3 * r + 1] = lr.levels;
        obj[3 * r + 2] = lr.coef_sum;
        feas[r] = lr.feasible;
    }
    if (rc == 0) {
        llr_st_out t[7] = {
            {"prefixes", LLR_DT_I64, 2, {n, (uint64_t)P.w}, pv},
            {"ncoef", LLR_DT_I64, 1, {n}, nc},
            {"coefficients", LLR_DT_F64, 2, {n, W}, coef},
            {"residual", LLR_DT_F64, 1, {n}, res},
            {"objectives", LLR_DT_F64, 2, {n, 3}, obj},
            {"feasible", LLR_DT_I64, 1, {n}, feas},
            {"logits", LLR_DT_F64, 2, {n, V}, L},
        };
        rc = write_item(c, file, t, 7);
    }
    free(coef), free(res), free(obj), free(L), free(nc), free(feas),
        free(cbuf);
    free(pv);
    prefixes_free(&P);
    return rc;
}

/* Exact TV, telescoping bound and KL: values in the manifest itself. */
static int do_tv(ctx *c, json_t *item)
{
    const char *a = get_str(c, item, "a"), *b = a ? get_str(c, item, "b")
                                                  : NULL;
    const llr_model *P, *Q;
    if (!b || get_model(c, a, &P) || get_model(c, b, &Q))
        return -1;
    llr_exact x;
    llr_distance_opts o = {.max_leaves = MAX_LEAVES};
    if (llr_distance_exact(P, Q, &o, &x, c->e))
        return llr_fail_prefix(c->e, "%s", c->where);
    const char *names[3] = {"tv", "telescoping", "kl"};
    double vals[3] = {x.tv, x.telescoping, x.kl};
    if (c->making) {
        for (int i = 0; i < 3; i++)
            json_object_set_new(item, names[i], json_real(vals[i]));
        json_object_set_new(item, "leaves", json_integer((json_int_t)x.leaves));
        return 0;
    }
    long long leaves;
    if (get_int(c, item, "leaves", 0, INT64_MAX, &leaves))
        return -1;
    cmp_int(c, "leaves", (long long)x.leaves, leaves);
    for (int i = 0; i < 3; i++) {
        double want;
        tol t;
        if (get_num(c, item, names[i], &want) || get_tol(c, item, names[i], &t))
            return -1;
        cmp_real(c, names[i], vals[i], want, &t);
    }
    return 0;
}

static int do_item(ctx *c, json_t *item)
{
    const char *type = get_str(c, item, "type");
    if (!type)
        return -1;
    if (!strcmp(type, "tv"))
        return do_tv(c, item);
    const char *file = get_file(c, item);
    if (!file)
        return -1;
    int rc;
    if (!strcmp(type, "logits"))
        rc = do_logits(c, item, file);
    else if (!strcmp(type, "samples"))
        rc = do_samples(c, item, file);
    else if (!strcmp(type, "spanner"))
        rc = do_spanner(c, item, file);
    else if (!strcmp(type, "lp"))
        rc = do_lp(c, item, file);
    else
        return bad(c, "unknown type '%s' (logits, samples, spanner, lp or "
                      "tv)", type);
    if (rc == 0 && !c->making)
        rc = compare_files(c, item, file);
    return rc;
}

/* Every model, then every item, in manifest order. */
static int run(ctx *c, json_t *man)
{
    json_t *items = json_object_get(man, "items");
    size_t nm = json_array_size(c->models);
    c->loaded = calloc(nm + 1, sizeof *c->loaded);
    if (!c->loaded)
        return llr_fail(c->e, LLR_ENOMEM, "out of memory");
    int rc = 0;
    for (int pass = 0; pass < 2 && rc == 0; pass++) {
        json_t *list = pass ? items : c->models;
        size_t i;
        json_t *it;
        json_array_foreach(list, i, it)
        {
            json_t *nm_ = json_object_get(it, "name");
            c->item = json_is_string(nm_) ? json_string_value(nm_) : "?";
            snprintf(c->where, sizeof c->where, "%s[%zu] ('%s')",
                     pass ? "items" : "models", i, c->item);
            if (!json_is_object(it) || !json_is_string(nm_)) {
                rc = bad(c, "not an object with a string 'name'");
                break;
            }
            c->nvals = 0, c->ndiff = 0, c->maxdiff = 0;
            rc = pass ? do_item(c, it) : do_model(c, it);
            if (rc) {
                if (!strstr(c->e->msg, c->where))
                    llr_fail_prefix(c->e, "%s", c->where);
                break;
            }
            if (c->making)
                fprintf(c->rep, "made  %s\n", c->item);
            else
                item_done(c);
        }
    }
    for (size_t i = 0; i < nm; i++)
        llr_model_free(c->loaded[i]);
    free(c->loaded);
    c->loaded = NULL;
    return rc;
}

/* ---- the built-in list (make) ---- */

static json_t *tol_obj(double atol, double rtol)
{
    return json_pack("{s:f, s:f}", "atol", atol, "rtol", rtol);
}

/* The tolerances of an lp item: the one answer is stated to 1e-9
 * (spec/learner.md rule 4). */
static json_t *lp_tolerance(void)
{
    return json_pack("{s:o, s:o, s:o, s:o}", "coefficients",
                     tol_obj(1e-9, 0), "residual", tol_obj(1e-9, 0),
                     "objectives", tol_obj(1e-9, 0), "logits",
                     tol_obj(1e-9, 0));
}

/* A model entry: made by `how` ("gen" or "learn") from the description d,
 * its values compared within atol (and rtol 1e-12). */
static void add_model(json_t *models, const char *name, const char *how,
                      json_t *d, double atol)
{
    char file[64];
    snprintf(file, sizeof file, "%s.safetensors", name);
    json_array_append_new(
        models, json_pack("{s:s, s:s, s:s, s:o, s:{s:o}}", "name", name,
                          "type", "model", "file", file, how, d, "tolerance",
                          "*", tol_obj(atol, 1e-12)));
}

static void add_gen(json_t *models, const char *name, json_t *gen)
{
    add_model(models, name, "gen", gen, 1e-13);
}

static void add_learn(json_t *models, const char *name, json_t *learn)
{
    add_model(models, name, "learn", learn, 1e-12);
}

static json_t *builtin(void)
{
    json_t *models = json_array(), *items = json_array();
    add_gen(models, "isan",
            json_pack("{s:s, s:i, s:i, s:i, s:i, s:f}", "kind", "isan",
                      "vocab", 3, "rank", 2, "horizon", 4, "seed", 1, "scale",
                      3.0));
    add_gen(models, "approx",
            json_pack("{s:s, s:i, s:i, s:i, s:i, s:f, s:f}", "kind", "approx",
                      "vocab", 3, "rank", 2, "horizon", 4, "seed", 1, "scale",
                      3.0, "eps", 0.2));
    add_gen(models, "table",
            json_pack("{s:s, s:i, s:i, s:i, s:f}", "kind", "table", "vocab",
                      3, "horizon", 4, "seed", 2, "scale", 3.0));
    add_gen(models, "parity",
            json_pack("{s:s, s:i, s:f, s:i}", "kind", "parity", "bits", 4,
                      "noise", 0.1, "seed", 3));
    add_gen(models, "parity_w",
            json_pack("{s:s, s:i, s:f, s:i, s:i}", "kind", "parity", "bits",
                      6, "noise", 0.2, "seed", 5, "weight", 3));
    /* Approximate teachers whose LPs have r* > 0 at most prefixes, so
     * that the later stages of the one answer (spec/learner.md rule 4)
     * decide the coefficients: at the teacher's rank, and below it. */
    add_gen(models, "approx_b",
            json_pack("{s:s, s:i, s:i, s:i, s:i, s:f, s:f}", "kind", "approx",
                      "vocab", 3, "rank", 2, "horizon", 5, "seed", 4, "scale",
                      3.0, "eps", 0.3));
    add_gen(models, "approx_r",
            json_pack("{s:s, s:i, s:i, s:i, s:i, s:f, s:f}", "kind", "approx",
                      "vocab", 4, "rank", 3, "horizon", 4, "seed", 2, "scale",
                      3.0, "eps", 0.1));
    add_learn(models, "isan_gls",
              json_pack("{s:s, s:i, s:f, s:f, s:i}", "teacher", "isan",
                        "rank", 2, "eps", 0.1, "delta", 0.05, "seed", 1));
    add_learn(models, "approx_gls",
              json_pack("{s:s, s:i, s:f, s:f, s:i, s:f, s:f}", "teacher",
                        "approx", "rank", 2, "eps", 0.1, "delta", 0.05,
                        "seed", 1, "gap", 0.4, "tau", 0.4));
    add_learn(models, "parity_gls",
              json_pack("{s:s, s:i, s:f, s:f, s:i}", "teacher", "parity",
                        "rank", 1, "eps", 0.1, "delta", 0.05, "seed", 1));
    add_learn(models, "approx_b_gls",
              json_pack("{s:s, s:i, s:f, s:f, s:i, s:f, s:f}", "teacher",
                        "approx_b", "rank", 2, "eps", 0.2, "delta", 0.05,
                        "seed", 1, "gap", 0.6, "tau", 0.6));
    add_learn(models, "approx_r_gls",
              json_pack("{s:s, s:i, s:f, s:f, s:i, s:f, s:f}", "teacher",
                        "approx_r", "rank", 2, "eps", 0.3, "delta", 0.05,
                        "seed", 1, "gap", 2.0, "tau", 2.0));
    size_t i;
    json_t *m;
    char name[96], file[96];
    json_array_foreach(models, i, m)
    {
        const char *mn = json_string_value(json_object_get(m, "name"));
        int learned = json_object_get(m, "learn") != NULL;
        /* Learned logits come from an LP: a looser tolerance. */
        double la = learned ? 1e-9 : 1e-12, lr = learned ? 0 : 1e-12;
        snprintf(name, sizeof name, "logits/%s", mn);
        snprintf(file, sizeof file, "logits_%s.safetensors", mn);
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:s, s:s, s:{s:o}}", "name", name,
                             "type", "logits", "model", mn, "file", file,
                             "tolerance", "logits", tol_obj(la, lr)));
    }
    json_array_foreach(models, i, m)
    {
        const char *mn = json_string_value(json_object_get(m, "name"));
        snprintf(name, sizeof name, "samples/%s/seed7", mn);
        snprintf(file, sizeof file, "samples_%s_seed7.safetensors", mn);
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:{s:s}}",
                             "name", name, "type", "samples", "model", mn,
                             "seed", 7, "count", 8, "file", file,
                             "tolerance", "*", "exact"));
    }
    json_array_foreach(models, i, m)
    {
        const char *mn = json_string_value(json_object_get(m, "name"));
        if (!json_object_get(m, "learn"))
            continue;
        snprintf(name, sizeof name, "spanner/%s", mn);
        snprintf(file, sizeof file, "spanner_%s.safetensors", mn);
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:s, s:s, s:{s:s}}", "name", name,
                             "type", "spanner", "model", mn, "file", file,
                             "tolerance", "*", "exact"));
        snprintf(name, sizeof name, "lp/%s", mn);
        snprintf(file, sizeof file, "lp_%s.safetensors", mn);
        json_array_append_new(
            items,
            json_pack("{s:s, s:s, s:s, s:s, s:o}", "name", name, "type",
                      "lp", "model", mn, "file", file, "tolerance",
                      lp_tolerance()));
    }
    static const char *pairs[][2] = {
        {"isan", "approx"},     {"isan", "table"},
        {"approx", "table"},    {"isan", "isan_gls"},
        {"approx", "approx_gls"}, {"parity", "parity_gls"},
        {"approx_b", "approx_b_gls"}, {"approx_r", "approx_r_gls"},
    };
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        snprintf(name, sizeof name, "tv/%s~%s", pairs[k][0], pairs[k][1]);
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:s, s:s, s:{s:o, s:o, s:o}}",
                             "name", name, "type", "tv", "a", pairs[k][0],
                             "b", pairs[k][1], "tolerance", "tv",
                             tol_obj(1e-12, 0), "telescoping",
                             tol_obj(1e-12, 0), "kl", tol_obj(1e-12, 0)));
    }
    return json_pack("{s:s, s:i, s:s, s:o, s:o}", "format",
                     LLR_VECTORS_FORMAT, "version", LLR_VECTORS_VERSION,
                     "schema", "docs/vectors.md", "models", models, "items",
                     items);
}

/* ---- the manifest's text ---- */

/* The shortest of %.15g, %.16g, %.17g that reads back as x. */
static void put_real(FILE *f, double x)
{
    char b[40];
    for (int p = 15; p <= 17; p++) {
        snprintf(b, sizeof b, "%.*g", p, x);
        if (strtod(b, NULL) == x)
            break;
    }
    fputs(b, f);
    if (!strpbrk(b, ".eEn"))
        fputs(".0", f); /* keep it a JSON real */
}

static int is_scalar(json_t *v)
{
    return !json_is_object(v) && !json_is_array(v);
}

/* A value with only scalar members fits on one line. */
static int is_flat(json_t *v)
{
    const char *k;
    size_t i;
    json_t *m;
    if (json_is_object(v)) {
        json_object_foreach(v, k, m) if (!is_scalar(m)) return 0;
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, m) if (!is_scalar(m)) return 0;
    }
    return 1;
}

/* JSON with two-space indentation, flat objects on one line, reals in
 * their shortest exact form. */
static void dump(FILE *f, json_t *v, int depth)
{
    const char *k;
    size_t i;
    json_t *m;
    int flat = is_flat(v), first = 1;
    if (json_is_real(v)) {
        put_real(f, json_real_value(v));
    } else if (json_is_object(v)) {
        fputc('{', f);
        json_object_foreach(v, k, m)
        {
            json_t *key = json_string(k);
            char *ks = json_dumps(key, JSON_ENCODE_ANY);
            if (flat)
                fprintf(f, "%s%s: ", first ? "" : ", ", ks);
            else
                fprintf(f, "%s\n%*s%s: ", first ? "" : ",", 2 * depth + 2,
                        "", ks);
            free(ks);
            json_decref(key);
            dump(f, m, depth + 1);
            first = 0;
        }
        if (!flat)
            fprintf(f, "\n%*s", 2 * depth, "");
        fputc('}', f);
    } else if (json_is_array(v)) {
        fputc('[', f);
        json_array_foreach(v, i, m)
        {
            if (flat)
                fputs(first ? "" : ", ", f);
            else
                fprintf(f, "%s\n%*s", first ? "" : ",", 2 * depth + 2, "");
            dump(f, m, depth + 1);
            first = 0;
        }
        if (!flat)
            fprintf(f, "\n%*s", 2 * depth, "");
        fputc(']', f);
    } else {
        char *t = json_dumps(v, JSON_ENCODE_ANY);
        fputs(t ? t : "null", f);
        free(t);
    }
}

/* Compute every entry of the manifest man into dir, then write
 * dir/manifest.json. */
static int make_dir(const char *dir, json_t *man, const char *const *names,
                    const char *const *paths, int nsrc, FILE *log,
                    llr_error *e)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return llr_fail(e, LLR_EIO, "%s: cannot create the directory: %s", dir,
                        strerror(errno));
    llr_vectors_summary sum = {0};
    ctx c = {0};
    c.making = 1;
    c.dir = c.out = dir;
    c.mpath = join(dir, MANIFEST);
    c.rep = log ? log : fopen("/dev/null", "w");
    c.e = e;
    c.sum = &sum;
    c.src_name = names;
    c.src_path = paths;
    c.nsrc = nsrc;
    int rc = !c.mpath || !man || !c.rep ? llr_fail(e, LLR_ENOMEM,
                                                   "out of memory") : 0;
    if (rc == 0) {
        c.models = json_object_get(man, "models");
        rc = run(&c, man);
    }
    char *txt = NULL;
    size_t len = 0;
    if (rc == 0) {
        FILE *f = open_memstream(&txt, &len);
        if (!f)
            rc = llr_fail(e, LLR_ENOMEM, "out of memory");
        else {
            dump(f, man, 0);
            fputc('\n', f);
            if (fclose(f) != 0)
                rc = llr_fail(e, LLR_ENOMEM, "out of memory");
        }
    }
    if (rc == 0)
        rc = llr_write_atomic(c.mpath, txt, len, e);
    free(txt);
    free(c.mpath);
    if (!log && c.rep)
        fclose(c.rep);
    return rc;
}

int llr_vectors_make(const char *dir, FILE *log, llr_error *e)
{
    json_t *man = builtin();
    int rc = make_dir(dir, man, NULL, NULL, 0, log, e);
    json_decref(man);
    return rc;
}

/* ---- the user's models ---- */

/* A name for the model file at path: its base name without the last
 * extension, with every character but [A-Za-z0-9_-] made '_', unique
 * among names[0..n). */
static char *model_name(const char *path, char **names, int n)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t len = strlen(b);
    const char *dot = strrchr(b, '.');
    if (dot && dot > b)
        len = (size_t)(dot - b);
    char *nm = malloc(len + 16);
    if (!nm)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        char ch = b[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                 (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
        nm[i] = ok ? ch : '_';
    }
    nm[len] = 0;
    if (!len)
        strcpy(nm, "model");
    char base[sizeof "model" + 64];
    snprintf(base, sizeof base, "%.60s", nm);
    for (int k = 2;; k++) {
        int taken = 0;
        for (int i = 0; i < n && !taken; i++)
            taken = !strcmp(names[i], nm);
        if (!taken)
            return nm;
        snprintf(nm, len + 16, "%.60s_%d", base, k);
    }
}

/* The prefixes field of a logits or lp item for a model of shape (V, T):
 * NULL (all) or {"sample": n, "seed": s}. */
static json_t *prefix_spec(const llr_vectors_user *u, int V, int T)
{
    uint64_t total;
    int fits = llr_prefix_total((uint64_t)V, (uint64_t)T,
                                LLR_VECTORS_ALL_PREFIXES, &total) == 0;
    if (u->prefixes < 0 || (u->prefixes == 0 && fits))
        return NULL;
    long n = u->prefixes > 0 ? u->prefixes : LLR_VECTORS_SAMPLED_PREFIXES;
    return json_pack("{s:I, s:I}", "sample", (json_int_t)n, "seed",
                     (json_int_t)u->sample_seed);
}

static void add_items(json_t *items, const llr_vectors_user *u,
                      const char *mn, int V, int T, int learned, int lp,
                      int spanner)
{
    char name[160], file[160];
    double la = learned ? 1e-9 : 1e-12, lr = learned ? 0 : 1e-12;
    json_t *it;
    snprintf(name, sizeof name, "logits/%s", mn);
    snprintf(file, sizeof file, "logits_%s.safetensors", mn);
    it = json_pack("{s:s, s:s, s:s, s:s, s:{s:o}}", "name", name, "type",
                   "logits", "model", mn, "file", file, "tolerance",
                   "logits", tol_obj(la, lr));
    json_t *ps = prefix_spec(u, V, T);
    if (ps)
        json_object_set_new(it, "prefixes", ps);
    json_array_append_new(items, it);
    snprintf(name, sizeof name, "samples/%s/seed%llu", mn,
             (unsigned long long)u->sample_seed);
    snprintf(file, sizeof file, "samples_%s_seed%llu.safetensors", mn,
             (unsigned long long)u->sample_seed);
    json_array_append_new(
        items, json_pack("{s:s, s:s, s:s, s:I, s:i, s:s, s:{s:s}}", "name",
                         name, "type", "samples", "model", mn, "seed",
                         (json_int_t)u->sample_seed, "count", u->samples,
                         "file", file, "tolerance", "*", "exact"));
    if (spanner) {
        snprintf(name, sizeof name, "spanner/%s", mn);
        snprintf(file, sizeof file, "spanner_%s.safetensors", mn);
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:s, s:s, s:{s:s}}", "name", name,
                             "type", "spanner", "model", mn, "file", file,
                             "tolerance", "*", "exact"));
    }
    if (lp) {
        snprintf(name, sizeof name, "lp/%s", mn);
        snprintf(file, sizeof file, "lp_%s.safetensors", mn);
        it = json_pack("{s:s, s:s, s:s, s:s, s:o}", "name", name, "type",
                       "lp", "model", mn, "file", file, "tolerance",
                       lp_tolerance());
        if ((ps = prefix_spec(u, V, T)))
            json_object_set_new(it, "prefixes", ps);
        json_array_append_new(items, it);
    }
}

static void add_tv(json_t *items, const char *a, const char *b)
{
    char name[330];
    snprintf(name, sizeof name, "tv/%s~%s", a, b);
    json_array_append_new(
        items, json_pack("{s:s, s:s, s:s, s:s, s:{s:o, s:o, s:o}}", "name",
                         name, "type", "tv", "a", a, "b", b, "tolerance",
                         "tv", tol_obj(1e-12, 0), "telescoping",
                         tol_obj(1e-12, 0), "kl", tol_obj(1e-12, 0)));
}

/* V^T <= MAX_LEAVES: an exact TV is affordable. */
static int tv_fits(int V, int T)
{
    uint64_t n = 1;
    for (int t = 0; t < T; t++) {
        if (n > MAX_LEAVES / (uint64_t)V)
            return 0;
        n *= (uint64_t)V;
    }
    return 1;
}

int llr_vectors_make_models(const char *dir, const llr_vectors_user *u,
                            FILE *log, llr_error *e)
{
    int n = u->nmodels;
    if (n < 1)
        return llr_fail(e, LLR_EUSAGE, "no model given");
    if (u->samples < 1 || u->samples > MAX_SAMPLES)
        return llr_fail(e, LLR_EUSAGE, "samples %d is outside [1, %d]",
                        u->samples, MAX_SAMPLES);
    if (u->prefixes > MAX_PREFIXES)
        return llr_fail(e, LLR_EUSAGE, "prefixes %ld exceed the %d an item "
                        "may have", u->prefixes, MAX_PREFIXES);
    if (u->learn && (u->rank < 1 || u->rank > LLR_MAX_RANK ||
                     !(u->eps > 0 && u->eps < 1) ||
                     !(u->delta > 0 && u->delta < 1)))
        return llr_fail(e, LLR_EUSAGE,
                        "learning needs a rank in [1, %d] and eps, delta in "
                        "(0, 1)", LLR_MAX_RANK);
    char **names = calloc((size_t)2 * n + 1, sizeof *names);
    int *V = calloc((size_t)n + 1, sizeof *V), *T = calloc((size_t)n + 1,
                                                          sizeof *T);
    int *gls = calloc((size_t)n + 1, sizeof *gls);
    json_t *models = json_array(), *items = json_array(), *man = NULL;
    int rc = !names || !V || !T || !gls || !models || !items
                 ? llr_fail(e, LLR_ENOMEM, "out of memory")
                 : 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        llr_model *m = NULL;
        /* A horizon only so that an ARPA file loads and is refused below
         * for what it is. */
        llr_load_opts lo = {.horizon = 1};
        if (llr_model_load(u->models[i], &lo, &m, e)) {
            rc = -1;
            break;
        }
        V[i] = m->V, T[i] = m->T;
        gls[i] = !strcmp(m->ops->kind, "gls");
        if (!strcmp(m->ops->kind, "exec") || !strcmp(m->ops->kind, "arpa")) {
            rc = llr_fail(e, LLR_EINPUT,
                          "%s: a model of kind %s cannot be stored in "
                          "vectors (they hold safetensors files); store "
                          "its table with llr gen table --from MODEL -o "
                          "FILE and give FILE",
                          u->models[i], m->ops->kind);
            llr_model_free(m);
            break;
        }
        if (!(names[i] = model_name(u->models[i], names, i)))
            rc = llr_fail(e, LLR_ENOMEM, "out of memory");
        char file[96];
        if (rc == 0) {
            snprintf(file, sizeof file, "%s.safetensors", names[i]);
            const char *slash = strrchr(u->models[i], '/');
            json_array_append_new(
                models,
                json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:i, s:i}, s:{s:o}}",
                          "name", names[i], "type", "model", "file", file,
                          "stored", "from", slash ? slash + 1 : u->models[i],
                          "kind", m->ops->kind, "vocab", m->V, "horizon",
                          m->T, "tolerance", "*", tol_obj(0, 0)));
        }
        llr_model_free(m);
    }
    for (int i = 0; rc == 0 && u->learn && i < n; i++) {
        char base[96];
        snprintf(base, sizeof base, "%s_gls", names[i]);
        if (!(names[n + i] = model_name(base, names, n + i)))
            rc = llr_fail(e, LLR_ENOMEM, "out of memory");
        /* model_name dropped the last extension: none here. */
        json_t *L = json_pack("{s:s, s:i, s:f, s:f, s:I}", "teacher",
                              names[i], "rank", u->rank, "eps", u->eps,
                              "delta", u->delta, "seed",
                              (json_int_t)u->seed);
        if (u->gap > 0)
            json_object_set_new(L, "gap", json_real(u->gap));
        if (u->tau >= 0)
            json_object_set_new(L, "tau", json_real(u->tau));
        if (rc == 0)
            add_learn(models, names[n + i], L);
        else
            json_decref(L);
    }
    for (int i = 0; rc == 0 && i < n; i++)
        add_items(items, u, names[i], V[i], T[i], gls[i], gls[i], 0);
    for (int i = 0; rc == 0 && u->learn && i < n; i++)
        add_items(items, u, names[n + i], V[i], T[i], 1, 1, 1);
    for (int i = 0; rc == 0 && i < n; i++) {
        if (!tv_fits(V[i], T[i])) {
            if (log)
                fprintf(log, "skip  the TVs of %s: V^T = %d^%d exceeds the "
                             "%g sequences of an exact TV\n",
                        names[i], V[i], T[i], (double)MAX_LEAVES);
            continue;
        }
        for (int j = i + 1; j < n; j++)
            if (V[j] == V[i] && T[j] == T[i])
                add_tv(items, names[i], names[j]);
        if (u->learn)
            add_tv(items, names[i], names[n + i]);
    }
    if (rc == 0) {
        man = json_pack("{s:s, s:i, s:s, s:o, s:o}", "format",
                        LLR_VECTORS_FORMAT, "version", LLR_VECTORS_VERSION,
                        "schema", "docs/vectors.md", "models", models,
                        "items", items);
        models = items = NULL;
        rc = make_dir(dir, man, (const char *const *)names, u->models, n,
                      log, e);
    }
    json_decref(man), json_decref(models), json_decref(items);
    for (int i = 0; names && i < 2 * n; i++)
        free(names[i]);
    free(names), free(V), free(T), free(gls);
    return rc;
}

int llr_vectors_check(const char *dir, FILE *report, llr_vectors_summary *s,
                      llr_error *e)
{
    json_t *results = s->results;
    memset(s, 0, sizeof *s);
    s->results = results;
    ctx c = {0};
    c.dir = dir;
    c.mpath = join(dir, MANIFEST);
    c.rep = report ? report : fopen("/dev/null", "w");
    if (!c.rep) {
        free(c.mpath);
        return llr_fail(e, LLR_EIO, "cannot open /dev/null");
    }
    c.e = e;
    c.sum = s;
    snprintf(c.where, sizeof c.where, "top level");
    if (!c.mpath)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        llr_fail(e, LLR_EINPUT, "%s: not a directory of vectors", dir);
        free(c.mpath);
        if (!report)
            fclose(c.rep);
        return -1;
    }
    json_error_t je;
    unsigned char *buf = NULL;
    size_t len = 0;
    json_t *man = NULL;
    int oom = 0;
    int rc = llr_read_file(c.mpath, &buf, &len, e);
    if (rc == 0 && !(man = llr_json_loadb((const char *)buf, len,
                                          JSON_REJECT_DUPLICATES, &je,
                                          &oom)) && oom)
        rc = llr_fail(e, LLR_ENOMEM, "%s: out of memory parsing it",
                      c.mpath);
    else if (rc == 0 && !man)
        rc = llr_fail(e, LLR_EINPUT,
                      "%s: invalid JSON: %s (line %d, column %d)",
                      c.mpath, je.text, je.line, je.column);
    free(buf);
    if (rc)
        ;
    else if (!json_is_object(man))
        rc = bad(&c, "the manifest is not a JSON object");
    else {
        json_t *f = json_object_get(man, "format");
        json_t *v = json_object_get(man, "version");
        c.models = json_object_get(man, "models");
        if (!json_is_string(f) || strcmp(json_string_value(f),
                                         LLR_VECTORS_FORMAT))
            rc = bad(&c, "'format' is not \"%s\"", LLR_VECTORS_FORMAT);
        else if (!json_is_integer(v) ||
                 json_integer_value(v) != LLR_VECTORS_VERSION)
            rc = bad(&c, "'version' is not %d", LLR_VECTORS_VERSION);
        else if (!json_is_array(c.models) ||
                 !json_is_array(json_object_get(man, "items")))
            rc = bad(&c, "'models' and 'items' must be arrays");
    }
    char tmpl[4096];
    const char *td = getenv("TMPDIR");
    snprintf(tmpl, sizeof tmpl, "%s/llr-vectors-XXXXXX",
             td && *td ? td : "/tmp");
    if (rc == 0 && !mkdtemp(tmpl))
        rc = llr_fail(e, LLR_EIO,
                      "cannot create a temporary directory %s: %s", tmpl,
                      strerror(errno));
    if (rc == 0) {
        c.out = tmpl;
        rc = run(&c, man);
        for (size_t i = 0; i < c.ntmp; i++)
            unlink(c.tmp[i]);
        rmdir(tmpl);
    }
    for (size_t i = 0; i < c.ntmp; i++)
        free(c.tmp[i]);
    free(c.tmp);
    json_decref(man);
    free(c.mpath);
    if (!report)
        fclose(c.rep);
    return rc;
}
