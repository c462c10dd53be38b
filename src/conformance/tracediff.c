#include "conformance/tracediff.h"
#include "base/json.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- reading lines: a length limit, and a timeout on pipes ---- */

typedef struct src {
    const char *path;
    int fd;
    int stream;          /* a pipe, FIFO, socket or device: poll first */
    char *buf;
    size_t cap, beg, end;
    int eof;
    long lineno;         /* lines returned so far */
    size_t max_line;
    int timeout_ms;
} src;

static int src_open(src *s, const char *path, size_t max_line,
                    int timeout_ms, llr_error *e)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    s->fd = -1;
    s->max_line = max_line;
    s->timeout_ms = timeout_ms;
    /* O_NONBLOCK: opening a FIFO nobody writes to would block forever. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return llr_fail(e, LLR_EIO, "%s: cannot open: %s", path,
                        strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        int err = errno;
        close(fd);
        return llr_fail(e, LLR_EIO, "%s: cannot read: %s", path,
                        S_ISDIR(st.st_mode) ? "is a directory"
                                            : strerror(err));
    }
    s->stream = !S_ISREG(st.st_mode);
    if (!s->stream) {
        int fl = fcntl(fd, F_GETFL);
        if (fl == -1 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
            int err = errno;
            close(fd);
            return llr_fail(e, LLR_EIO, "%s: %s", path, strerror(err));
        }
    }
    s->fd = fd;
    return 0;
}

static void src_close(src *s)
{
    if (s->fd >= 0)
        close(s->fd);
    free(s->buf);
    s->fd = -1;
    s->buf = NULL;
}

/* Wait until a stream has data or is closed by its writer. */
static int src_wait(src *s, llr_error *e)
{
    struct pollfd p = {s->fd, POLLIN, 0};
    for (;;) {
        int n = poll(&p, 1, s->timeout_ms);
        if (n > 0)
            return 0;
        if (n == 0)
            return llr_fail(e, LLR_EIO,
                            "%s: no data for %.3g s after line %ld (a pipe "
                            "or FIFO that nobody writes to?); --timeout "
                            "sets the wait",
                            s->path, s->timeout_ms / 1000.0, s->lineno);
        if (errno != EINTR)
            return llr_fail(e, LLR_EIO, "%s: %s", s->path, strerror(errno));
    }
}

/* The next line (without its '\n') into *line, *len: 1; 0 at the end of
 * the file; -1 on an error. *line stays valid until the next call. */
static int src_line(src *s, char **line, size_t *len, llr_error *e)
{
    for (;;) {
        size_t have = s->end - s->beg;
        char *nl = have ? memchr(s->buf + s->beg, '\n', have) : NULL;
        if (nl || (s->eof && have)) {
            *line = s->buf + s->beg;
            *len = nl ? (size_t)(nl - *line) : have;
            if (*len > s->max_line)
                break;
            s->beg += *len + (nl != NULL);
            s->lineno++;
            return 1;
        }
        if (s->eof)
            return 0;
        if (have > s->max_line)
            break;
        if (s->beg) {
            memmove(s->buf, s->buf + s->beg, have);
            s->beg = 0;
            s->end = have;
        }
        if (s->cap - s->end < 65536) {
            size_t cap = s->cap ? 2 * s->cap : 131072;
            if (cap > s->max_line + 131072)
                cap = s->max_line + 131072;
            char *b = realloc(s->buf, cap);
            if (!b)
                return llr_fail(e, LLR_ENOMEM, "out of memory");
            s->buf = b;
            s->cap = cap;
        }
        if (s->stream && src_wait(s, e))
            return -1;
        ssize_t n = read(s->fd, s->buf + s->end, s->cap - s->end);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            return llr_fail(e, LLR_EIO, "%s: read error after line %ld: %s",
                            s->path, s->lineno, strerror(errno));
        if (n == 0)
            s->eof = 1;
        s->end += (size_t)n;
    }
    return llr_fail(e, LLR_EINPUT,
                    "%s, line %ld: longer than the limit of %zu bytes "
                    "(--max-line sets it)",
                    s->path, s->lineno + 1, s->max_line);
}

/* ---- texts ---- */

/* Copy src[0..n) into dst (LLR_TRACEDIFF_TEXT bytes), "..." when cut. */
static void abbrev_n(char *dst, const char *src, size_t n)
{
    size_t max = LLR_TRACEDIFF_TEXT - 1;
    while (n && (src[n - 1] == '\n' || src[n - 1] == '\r'))
        n--;
    if (n <= max) {
        memcpy(dst, src, n);
        dst[n] = 0;
        return;
    }
    memcpy(dst, src, max - 3);
    memcpy(dst + max - 3, "...", 4);
}

static void abbrev(char *dst, const char *src)
{
    abbrev_n(dst, src, strlen(src));
}

static void value_text(char *dst, const json_t *v)
{
    if (!v) {
        abbrev(dst, "(absent)");
        return;
    }
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
                                JSON_REAL_PRECISION(17));
    abbrev(dst, s ? s : "(unprintable)");
    free(s);
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "real";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    default: return "null";
    }
}

/* ---- the comparison's state ---- */

typedef struct ign {
    char *type;   /* NULL: every line */
    int path;     /* 1: pat is a JSON path, 0: a key name */
    char *pat;
} ign;

typedef struct differ {
    const llr_tracediff_opts *o;
    ign *ig;
    size_t nig;
    llr_tracediff *r;
    const char *type;      /* of the lines being compared */
    /* The first difference under the current key, and how many. */
    long found;
    char path[LLR_TRACEDIFF_TEXT];
    char what[LLR_TRACEDIFF_TEXT];
    char a[LLR_TRACEDIFF_TEXT], b[LLR_TRACEDIFF_TEXT];
} differ;

/* ---- records: parsed lines with their event signature and context ---- */

/* The keys that identify a line's event, per type (docs/trace.md,
 * "Comparing traces"); a type not listed is identified by its type alone.
 * Two lines are in step when their types and keys are equal. */
static const struct {
    const char *type;
    const char *keys[3];
} event_keys[] = {
    {"sample", {"stream", "index", 0}},
    {"epoch_begin", {"epoch", 0}},
    {"basis", {"epoch", "cut", 0}},
    {"round_begin", {"epoch", "round", 0}},
    {"round_end", {"epoch", "round", 0}},
    {"validate", {"epoch", "sample", 0}},
    {"epoch_end", {"epoch", 0}},
    {"cut", {"cut", 0}},
    {"query", {"prefix", 0}},
    {"lp", {"t", 0}},
    {"failure", {"t", 0}},
    {"spanner_swap", {"swap", 0}},
};

typedef struct ctxs {
    llr_tracediff_ctx c[3];
} ctxs;

typedef struct rec {
    json_t *v;
    long no;             /* line number in its file (1-based) */
    const char *type;    /* "" when the line has none */
    char *sig;           /* the event: type and keys (signature()) */
    ctxs before;         /* the context on the lines before it */
    char text[LLR_TRACEDIFF_TEXT];
} rec;

typedef struct queue {
    src s;
    rec *r;
    size_t cap, head, n; /* records r[head..n) are pending */
    ctxs ctx;            /* the context after the last line read */
    char last[LLR_TRACEDIFF_TEXT]; /* the last record popped */
    long last_no;
} queue;

static const char *CTX_KEYS[3] = {"epoch", "cut", "sample"};

static void note_context(ctxs *c, const json_t *v, long no)
{
    const json_t *type = json_object_get(v, "type");
    for (int i = 0; i < 3; i++) {
        const json_t *x = json_object_get(v, CTX_KEYS[i]);
        if (x && json_is_integer(x)) {
            c->c[i].value = json_integer_value(x);
            c->c[i].line = no;
            snprintf(c->c[i].type, sizeof c->c[i].type, "%s",
                     json_is_string(type) ? json_string_value(type) : "?");
        }
    }
}

static int ignored(const differ *D, const char *type, const char *path,
                   const char *key);

/* "TYPE KEY VALUE ...": the line's event (keys left out by --ignore are
 * not part of it). */
static char *signature(const differ *D, const json_t *v, const char *type)
{
    size_t n = strlen(type) + 1, cap = n + 64;
    char *sig = malloc(cap);
    if (!sig)
        return NULL;
    memcpy(sig, type, n);
    for (size_t i = 0; i < sizeof event_keys / sizeof event_keys[0]; i++) {
        if (strcmp(type, event_keys[i].type))
            continue;
        for (int k = 0; k < 3 && event_keys[i].keys[k]; k++) {
            const char *key = event_keys[i].keys[k];
            char path[80];
            snprintf(path, sizeof path, "$.%s", key);
            if (ignored(D, type, path, key))
                continue;
            const json_t *x = json_object_get(v, key);
            char *t = x ? json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT |
                                            JSON_REAL_PRECISION(17))
                        : NULL;
            const char *val = t ? t : "-";
            size_t need = n + strlen(key) + strlen(val) + 3;
            if (need > cap) {
                char *s2 = realloc(sig, need + 64);
                if (!s2) {
                    free(t), free(sig);
                    return NULL;
                }
                sig = s2;
                cap = need + 64;
            }
            n += (size_t)sprintf(sig + n - 1, " %s %s", key, val);
            free(t);
        }
    }
    return sig;
}



/* Read records into q until it holds k + 1 pending ones or the file ends.
 * Lines of ignored types update the context and are dropped. */
static int fill(queue *q, size_t k, const differ *D, llr_error *e)
{
    const llr_tracediff_opts *o = D->o;
    while (q->n - q->head <= k) {
        char *line = NULL;
        size_t len = 0;
        int got = src_line(&q->s, &line, &len, e);
        if (got <= 0)
            return got;
        long no = q->s.lineno;
        json_error_t je;
        int oom;
        json_t *v = llr_json_loadb(line, len, 0, &je, &oom);
        if (!v && oom)
            return llr_fail(e, LLR_ENOMEM, "%s, line %ld: out of memory "
                            "parsing it", q->s.path, no);
        if (!v)
            return llr_fail(e, LLR_EINPUT,
                            "%s, line %ld: not valid JSON: %s (column %d)",
                            q->s.path, no, je.text, je.column);
        if (!json_is_object(v)) {
            json_decref(v);
            return llr_fail(e, LLR_EINPUT,
                            "%s, line %ld: a trace line must be a JSON "
                            "object", q->s.path, no);
        }
        const json_t *t = json_object_get(v, "type");
        const char *type = json_is_string(t) ? json_string_value(t) : "";
        int skip = 0;
        for (size_t i = 0; i < o->nignore_type; i++)
            skip |= !strcmp(type, o->ignore_type[i]);
        ctxs before = q->ctx;
        note_context(&q->ctx, v, no);
        if (skip) {
            json_decref(v);
            continue;
        }
        if (q->head > 0 && q->head == q->n)
            q->head = q->n = 0;
        if (q->n == q->cap) {
            if (q->head > q->cap / 2) {
                memmove(q->r, q->r + q->head,
                        (q->n - q->head) * sizeof *q->r);
                q->n -= q->head;
                q->head = 0;
            } else {
                size_t cap = q->cap ? 2 * q->cap : 64;
                rec *r = realloc(q->r, cap * sizeof *r);
                if (!r) {
                    json_decref(v);
                    return llr_fail(e, LLR_ENOMEM, "out of memory");
                }
                q->r = r;
                q->cap = cap;
            }
        }
        rec *r = &q->r[q->n];
        char *sig = signature(D, v, type);
        if (!sig) {
            json_decref(v);
            return llr_fail(e, LLR_ENOMEM, "out of memory");
        }
        r->v = v;
        r->no = no;
        r->type = type;
        r->sig = sig;
        r->before = before;
        abbrev_n(r->text, line, len);
        q->n++;
    }
    return 1;
}

/* The k-th pending record (NULL past the end of the file; *err set on an
 * error). */
static rec *at(queue *q, size_t k, const differ *D, int *err, llr_error *e)
{
    int got = fill(q, k, D, e);
    if (got < 0) {
        *err = 1;
        return NULL;
    }
    return q->n - q->head > k ? &q->r[q->head + k] : NULL;
}

static void pop(queue *q)
{
    rec *r = &q->r[q->head++];
    memcpy(q->last, r->text, sizeof q->last);
    q->last_no = r->no;
    json_decref(r->v);
    free(r->sig);
}

static void queue_free(queue *q)
{
    while (q->head < q->n)
        pop(q);
    free(q->r);
    src_close(&q->s);
}

/* ---- ignored fields ---- */


/* pat matches path or a prefix of it that ends before '.' or '['. */
static int path_match(const char *pat, const char *path)
{
    while (*pat) {
        if (!strncmp(pat, "[*]", 3) && *path == '[') {
            const char *end = strchr(path, ']');
            if (!end)
                return 0;
            path = end + 1;
            pat += 3;
        } else if (*pat == *path) {
            pat++, path++;
        } else {
            return 0;
        }
    }
    return !*path || *path == '.' || *path == '[';
}

/* ---- comparing ---- */


static int ignored(const differ *D, const char *type, const char *path,
                   const char *key)
{
    for (size_t i = 0; i < D->nig; i++) {
        const ign *g = &D->ig[i];
        if (g->type && strcmp(g->type, type))
            continue;
        if (g->path ? path_match(g->pat, path) : key && !strcmp(g->pat, key))
            return 1;
    }
    return 0;
}

static void found(differ *D, const char *path, const json_t *a,
                  const json_t *b, const char *fmt, const char *x,
                  const char *y)
{
    if (D->found++ == 0) {
        snprintf(D->path, sizeof D->path, "%s", path);
        snprintf(D->what, sizeof D->what, fmt, x, y);
        value_text(D->a, a);
        value_text(D->b, b);
    }
}

/* Compare a and b at path (a buffer of plen bytes), counting every
 * differing leaf in D->found; stop at the first unless `all`. */
static void compare(differ *D, const json_t *a, const json_t *b, char *path,
                    size_t plen)
{
    size_t used = strlen(path);
    int an = json_is_number(a), bn = json_is_number(b);
    if (an && bn) {
        if (json_is_integer(a) && json_is_integer(b)) {
            if (json_integer_value(a) != json_integer_value(b))
                found(D, path, a, b, "integers differ%s%s", "", "");
            return;
        }
        double x = json_number_value(a), y = json_number_value(b);
        double d = fabs(x - y);
        double tol = D->o->atol + D->o->rtol * fmax(fabs(x), fabs(y));
        if (d > D->r->max_abs)
            D->r->max_abs = d;
        if (d > tol) {
            char dx[64], tx[64];
            snprintf(dx, sizeof dx, "%.3g", d);
            snprintf(tx, sizeof tx, "%.3g", tol);
            found(D, path, a, b,
                  "numbers differ by %s, more than the tolerance %s", dx,
                  tx);
        }
        return;
    }
    int ab = json_is_boolean(a), bb = json_is_boolean(b);
    if (!(ab && bb) && json_typeof(a) != json_typeof(b)) {
        found(D, path, a, b, "types differ: %s against %s", type_name(a),
              type_name(b));
        return;
    }
    if (ab) {
        if (json_is_true(a) != json_is_true(b))
            found(D, path, a, b, "booleans differ%s%s", "", "");
        return;
    }
    if (json_is_string(a)) {
        if (strcmp(json_string_value(a), json_string_value(b)))
            found(D, path, a, b, "strings differ%s%s", "", "");
        return;
    }
    if (json_is_array(a)) {
        size_t na = json_array_size(a), nb = json_array_size(b);
        if (na != nb) {
            char x[32], y[32];
            snprintf(x, sizeof x, "%zu", na);
            snprintf(y, sizeof y, "%zu", nb);
            found(D, path, a, b, "arrays differ in length: %s against %s", x,
                  y);
            return;
        }
        for (size_t i = 0; i < na && (D->o->all || !D->found); i++) {
            snprintf(path + used, plen - used, "[%zu]", i);
            if (!ignored(D, D->type, path, NULL))
                compare(D, json_array_get(a, i), json_array_get(b, i), path,
                        plen);
        }
        path[used] = 0;
        return;
    }
    if (json_is_object(a)) {
        const char *k;
        json_t *va, *vb;
        json_object_foreach((json_t *)a, k, va) {
            if (!D->o->all && D->found)
                break;
            snprintf(path + used, plen - used, ".%s", k);
            if (ignored(D, D->type, path, k))
                continue;
            if (!(vb = json_object_get(b, k)))
                found(D, path, va, NULL, "key present in A only%s%s", "",
                      "");
            else
                compare(D, va, vb, path, plen);
        }
        json_object_foreach((json_t *)b, k, vb) {
            if (!D->o->all && D->found)
                break;
            snprintf(path + used, plen - used, ".%s", k);
            if (!json_object_get(a, k) && !ignored(D, D->type, path, k))
                found(D, path, NULL, vb, "key present in B only%s%s", "",
                      "");
        }
        path[used] = 0;
    }
    /* both null: equal */
}

/* ---- divergences ---- */

static int add_div(llr_tracediff *r, const llr_tracediff_opts *o,
                   const llr_tracediff_div *d, llr_error *e)
{
    r->ndiv++;
    r->equal = 0;
    long i = 0;
    while (i < r->ncounts && strcmp(r->counts[i].field, d->field))
        i++;
    if (i == r->ncounts) {
        if (r->ncounts % 64 == 0) {
            llr_tracediff_count *c =
                realloc(r->counts, (size_t)(r->ncounts + 64) * sizeof *c);
            if (!c)
                return llr_fail(e, LLR_ENOMEM, "out of memory");
            r->counts = c;
        }
        snprintf(r->counts[i].field, sizeof r->counts[i].field, "%s",
                 d->field);
        r->counts[i].count = 0;
        r->ncounts++;
    }
    r->counts[i].count++;
    long max = o->max_listed > 0 ? o->max_listed : LLR_TRACEDIFF_MAX_LISTED;
    if (r->nlisted >= max)
        return 0;
    if (r->nlisted % 64 == 0) {
        llr_tracediff_div *v =
            realloc(r->div, (size_t)(r->nlisted + 64) * sizeof *v);
        if (!v)
            return llr_fail(e, LLR_ENOMEM, "out of memory");
        r->div = v;
    }
    r->div[r->nlisted++] = *d;
    return 0;
}

static void set_ctx(llr_tracediff_div *d, const ctxs *c)
{
    for (int i = 0; i < 3; i++) {
        d->ctx[i] = c->c[i];
        d->ctx[i].key = CTX_KEYS[i];
    }
}

/* The first divergence also keeps the surrounding lines. */
static void note_first(llr_tracediff *r, const queue *A, long line,
                       const char *la, const char *lb)
{
    if (r->ndiv != 1)
        return;
    r->line = line;
    if (A->last_no)
        memcpy(r->prev, A->last, sizeof r->prev);
    abbrev(r->line_a, la);
    abbrev(r->line_b, lb);
}

/* Compare one pair of records: a divergence per differing top-level key
 * (only the first unless `all`). Returns the number found, -1 on error. */
static int compare_pair(differ *D, queue *A, rec *ra, rec *rb, llr_error *e)
{
    const llr_tracediff_opts *o = D->o;
    llr_tracediff *r = D->r;
    D->type = ra->type;
    int n = 0;
    const char *k;
    json_t *va, *vb;
    char path[LLR_TRACEDIFF_TEXT];
    /* A's keys in A's order, then the keys only B has. */
    for (int pass = 0; pass < 2; pass++) {
        json_t *x = pass ? rb->v : ra->v, *y = pass ? ra->v : rb->v;
        json_object_foreach(x, k, va) {
            if (!o->all && n)
                return n;
            if (!strcmp(k, "seq"))
                continue;
            snprintf(path, sizeof path, "$.%s", k);
            if (ignored(D, D->type, path, k))
                continue;
            vb = json_object_get(y, k);
            if (pass && vb)
                continue;
            D->found = 0;
            if (!vb)
                found(D, path, pass ? NULL : va, pass ? va : NULL,
                      pass ? "key present in B only%s%s"
                           : "key present in A only%s%s", "", "");
            else
                compare(D, va, vb, path, sizeof path);
            if (!D->found)
                continue;
            llr_tracediff_div d = {0};
            d.kind = LLR_TRACEDIFF_FIELD;
            d.line_a = d.end_a = ra->no;
            d.line_b = d.end_b = rb->no;
            snprintf(d.type, sizeof d.type, "%s", ra->type);
            snprintf(d.field, sizeof d.field, "%s.%s",
                     *ra->type ? ra->type : "(untyped)", k);
            memcpy(d.path, D->path, sizeof d.path);
            memcpy(d.what, D->what, sizeof d.what);
            memcpy(d.a, D->a, sizeof d.a);
            memcpy(d.b, D->b, sizeof d.b);
            d.elements = D->found;
            set_ctx(&d, &ra->before);
            if (add_div(r, o, &d, e))
                return -1;
            note_first(r, A, ra->no, ra->text, rb->text);
            n++;
        }
    }
    return n;
}

/* "12 lines: lp (8), query (4)" for records [0, n) of q; a single line
 * is shown itself. */
static void type_list(char *dst, queue *q, size_t n)
{
    if (n == 1) {
        char t[LLR_TRACEDIFF_TEXT + 16];
        snprintf(t, sizeof t, "1 line: %s", q->r[q->head].text);
        abbrev(dst, t);
        return;
    }
    size_t w = (size_t)snprintf(dst, LLR_TRACEDIFF_TEXT, "%zu line%s", n,
                                n == 1 ? "" : "s");
    for (size_t i = 0; i < n && w < LLR_TRACEDIFF_TEXT; i++) {
        const char *t = q->r[q->head + i].type;
        size_t j = 0;
        while (j < i && strcmp(q->r[q->head + j].type, t))
            j++;
        if (j < i)
            continue; /* counted at its first occurrence */
        long c = 0;
        for (size_t m = i; m < n; m++)
            c += !strcmp(q->r[q->head + m].type, t);
        w += (size_t)snprintf(dst + w, LLR_TRACEDIFF_TEXT - w, "%s %s (%ld)",
                              i ? "," : ":", *t ? t : "(untyped)", c);
    }
    if (w >= LLR_TRACEDIFF_TEXT)
        memcpy(dst + LLR_TRACEDIFF_TEXT - 4, "...", 4);
}

/* Resynchronise after an event-structure difference: the pair of lines
 * with equal signatures at offsets (i, j) of smallest i + j. *i = *j = -1
 * when none is left in either file. */
static int resync(const differ *D, queue *A, queue *B, long *bi, long *bj,
                  llr_error *e)
{
    int err = 0;
    for (size_t w = 64;; w *= 2) {
        at(A, w - 1, D, &err, e);
        if (!err)
            at(B, w - 1, D, &err, e);
        if (err)
            return -1;
        size_t na = A->n - A->head, nb = B->n - B->head;
        size_t ma = na < w ? na : w, mb = nb < w ? nb : w;
        json_t *first = json_object();
        if (!first)
            return llr_fail(e, LLR_ENOMEM, "out of memory");
        for (size_t j = 0; j < mb; j++) {
            const char *s = B->r[B->head + j].sig;
            if (s && !json_object_get(first, s))
                json_object_set_new(first, s, json_integer((json_int_t)j));
        }
        long best = -1;
        *bi = *bj = -1;
        for (size_t i = 0; i < ma; i++) {
            if (best >= 0 && (long)i >= best)
                break;
            const char *s = A->r[A->head + i].sig;
            json_t *j = s ? json_object_get(first, s) : NULL;
            if (j && (best < 0 || (long)i + json_integer_value(j) < best)) {
                best = (long)i + (long)json_integer_value(j);
                *bi = (long)i;
                *bj = (long)json_integer_value(j);
            }
        }
        json_decref(first);
        if (best >= 0 && best < (long)w)
            return 0;
        if (na < w && nb < w)
            return 0; /* both files read to the end */
    }
}

/* Lines skipped on both sides: one divergence of kind gap. */
static int gap(differ *D, queue *A, queue *B, long ni, long nj,
               const char *until, llr_error *e)
{
    llr_tracediff_div d = {0};
    d.kind = LLR_TRACEDIFF_GAP;
    snprintf(d.field, sizeof d.field, "(gap)");
    snprintf(d.path, sizeof d.path, "$");
    d.line_a = ni ? A->r[A->head].no : A->s.lineno + 1;
    d.end_a = ni ? A->r[A->head + ni - 1].no : d.line_a - 1;
    d.line_b = nj ? B->r[B->head].no : B->s.lineno + 1;
    d.end_b = nj ? B->r[B->head + nj - 1].no : d.line_b - 1;
    if (ni == 0 && A->n > A->head)
        d.end_a = (d.line_a = A->r[A->head].no) - 1;
    if (nj == 0 && B->n > B->head)
        d.end_b = (d.line_b = B->r[B->head].no) - 1;
    type_list(d.a, A, (size_t)ni);
    type_list(d.b, B, (size_t)nj);
    snprintf(d.what, sizeof d.what,
             "the event structure differs: %ld line%s of A and %ld of B "
             "have no counterpart %s", ni, ni == 1 ? "" : "s", nj, until);
    set_ctx(&d, ni ? &A->r[A->head].before : &A->ctx);
    if (add_div(D->r, D->o, &d, e))
        return -1;
    note_first(D->r, A, d.line_a, ni ? A->r[A->head].text : "(none)",
               nj ? B->r[B->head].text : "(none)");
    for (long i = 0; i < ni; i++)
        pop(A);
    for (long j = 0; j < nj; j++)
        pop(B);
    return 0;
}

static int parse_ignores(const llr_tracediff_opts *o, ign *ig, llr_error *e)
{
    for (size_t i = 0; i < o->nignore; i++) {
        const char *s = o->ignore[i], *colon = strchr(s, ':');
        const char *f = s;
        ig[i].type = NULL;
        if (colon && colon > s && !memchr(s, '$', (size_t)(colon - s))) {
            if (!(ig[i].type = strndup(s, (size_t)(colon - s))))
                return llr_fail(e, LLR_ENOMEM, "out of memory");
            f = colon + 1;
        }
        ig[i].path = f[0] == '$';
        if (!*f || (ig[i].path && f[1] && f[1] != '.' && f[1] != '[') ||
            (!ig[i].path && strpbrk(f, ".[]")))
            return llr_fail(e, LLR_EUSAGE,
                            "--ignore '%s': expected a field name (calls), "
                            "a JSON path ($.coefficients[0], [*] for any "
                            "index), or either after TYPE: (lp:objective)",
                            s);
        if (!(ig[i].pat = strdup(f)))
            return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    return 0;
}

static int sort_counts(const void *x, const void *y)
{
    const llr_tracediff_count *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->field, b->field);
}

/* The comparison itself, on two open queues. */
static int run(differ *D, queue *A, queue *B, llr_error *e)
{
    const llr_tracediff_opts *o = D->o;
    llr_tracediff *r = D->r;
    int err = 0;
    for (;;) {
        rec *ra = at(A, 0, D, &err, e);
        rec *rb = err ? NULL : at(B, 0, D, &err, e);
        if (err)
            return -1;
        if (!ra && !rb)
            return 0;
        if (!ra || !rb) {
            /* One file ends: the rest of the other is a gap. */
            queue *Q = ra ? A : B;
            int more = 1;
            size_t n = 0;
            while (more) {
                more = at(Q, n, D, &err, e) != NULL;
                if (err)
                    return -1;
                n += more;
                if (!o->all)
                    break;
            }
            long before = r->ndiv;
            if (gap(D, A, B, ra ? (long)n : 0, rb ? (long)n : 0,
                    "(the other file ends first)", e))
                return -1;
            if (before == 0 && !o->all) {
                llr_tracediff_div *d = &r->div[0];
                snprintf(d->what, sizeof d->what,
                         "%s ends after %ld lines; %s goes on",
                         ra ? "B" : "A", ra ? B->s.lineno : A->s.lineno,
                         ra ? "A" : "B");
                abbrev(d->a, ra ? r->line_a : "(end of file)");
                abbrev(d->b, rb ? r->line_b : "(end of file)");
                snprintf(r->line_a, sizeof r->line_a, "%s",
                         ra ? d->a : "(end of file)");
                snprintf(r->line_b, sizeof r->line_b, "%s",
                         rb ? d->b : "(end of file)");
            }
            return 0;
        }
        int in_step = !strcmp(ra->sig, rb->sig);
        if (!o->all || in_step) {
            int n = compare_pair(D, A, ra, rb, e);
            if (n < 0)
                return -1;
            r->lines++;
            pop(A), pop(B);
            if (n && !o->all)
                return 0;
            continue;
        }
        long i = -1, j = -1;
        if (resync(D, A, B, &i, &j, e))
            return -1;
        char until[LLR_TRACEDIFF_TEXT];
        if (i < 0) {
            i = (long)(A->n - A->head);
            j = (long)(B->n - B->head);
            snprintf(until, sizeof until,
                     "(no later event is in both files)");
        } else {
            snprintf(until, sizeof until,
                     "before the next event both have, %s (line %ld of "
                     "A, %ld of B)",
                     A->r[A->head + i].sig, A->r[A->head + i].no,
                     B->r[B->head + j].no);
        }
        if (gap(D, A, B, i, j, until, e))
            return -1;
    }
}

int llr_tracediff_files(const char *pa, const char *pb,
                        const llr_tracediff_opts *opts, llr_tracediff *r,
                        llr_error *e)
{
    memset(r, 0, sizeof *r);
    r->equal = 1;
    llr_tracediff_opts o = {0};
    if (opts)
        o = *opts;
    if (!(o.rtol >= 0) || !(o.atol >= 0))
        return llr_fail(e, LLR_EUSAGE, "tolerances must be >= 0");
    if (!o.max_line)
        o.max_line = LLR_TRACEDIFF_MAX_LINE;
    if (o.timeout_ms <= 0)
        o.timeout_ms = LLR_TRACEDIFF_TIMEOUT_MS;
    ign *ig = calloc(o.nignore + 1, sizeof *ig);
    if (!ig)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    differ D = {.o = &o, .ig = ig, .nig = o.nignore, .r = r};
    queue A = {0}, B = {0};
    A.s.fd = B.s.fd = -1;
    int rc = parse_ignores(&o, ig, e);
    if (rc == 0)
        rc = src_open(&A.s, pa, o.max_line, o.timeout_ms, e);
    if (rc == 0)
        rc = src_open(&B.s, pb, o.max_line, o.timeout_ms, e);
    if (rc == 0)
        rc = run(&D, &A, &B, e);
    if (rc == 0 && r->ncounts)
        qsort(r->counts, (size_t)r->ncounts, sizeof *r->counts, sort_counts);
    r->lines_a = A.s.lineno;
    r->lines_b = B.s.lineno;
    queue_free(&A), queue_free(&B);
    for (size_t i = 0; i < o.nignore; i++)
        free(ig[i].type), free(ig[i].pat);
    free(ig);
    if (rc)
        llr_tracediff_free(r);
    return rc;
}

void llr_tracediff_free(llr_tracediff *r)
{
    free(r->div);
    free(r->counts);
    r->div = NULL;
    r->counts = NULL;
    r->nlisted = r->ncounts = 0;
}
