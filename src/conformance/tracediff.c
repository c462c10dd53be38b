#include "conformance/tracediff.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct cmp {
    double rtol, atol;
    llr_tracediff *r;
} cmp;

/* Abbreviate src into dst (size LLR_TRACEDIFF_TEXT) with "..." when cut. */
static void abbrev(char *dst, const char *src)
{
    size_t n = strlen(src), max = LLR_TRACEDIFF_TEXT - 1;
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

static void value_text(char *dst, const json_t *v)
{
    if (!v) {
        abbrev(dst, "(absent)");
        return;
    }
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
                                JSON_REAL_PRECISION(17) |
                                JSON_PRESERVE_ORDER);
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

/* Record a divergence at path. */
static int diverge(cmp *C, const char *path, const json_t *a, const json_t *b,
                   const char *fmt, const char *x, const char *y)
{
    snprintf(C->r->path, sizeof C->r->path, "%s", path);
    snprintf(C->r->what, sizeof C->r->what, fmt, x, y);
    value_text(C->r->a, a);
    value_text(C->r->b, b);
    return 1;
}

/* 1 when a and b differ beyond the tolerance (recorded in C->r). */
static int compare(cmp *C, const json_t *a, const json_t *b, char *path,
                   size_t plen)
{
    size_t used = strlen(path);
    int an = json_is_number(a), bn = json_is_number(b);
    if (an && bn) {
        if (json_is_integer(a) && json_is_integer(b)) {
            if (json_integer_value(a) != json_integer_value(b))
                return diverge(C, path, a, b, "integers differ%s%s", "", "");
            return 0;
        }
        double x = json_number_value(a), y = json_number_value(b);
        double d = fabs(x - y), tol = C->atol + C->rtol * fmax(fabs(x), fabs(y));
        if (d > C->r->max_abs)
            C->r->max_abs = d;
        if (d > tol) {
            char dx[64], tx[64];
            snprintf(dx, sizeof dx, "%.3g", d);
            snprintf(tx, sizeof tx, "%.3g", tol);
            return diverge(C, path, a, b,
                           "numbers differ by %s, more than the tolerance %s",
                           dx, tx);
        }
        return 0;
    }
    int ab = json_is_boolean(a), bb = json_is_boolean(b);
    if (!(ab && bb) && json_typeof(a) != json_typeof(b))
        return diverge(C, path, a, b, "types differ: %s against %s",
                       type_name(a), type_name(b));
    if (ab) {
        if (json_is_true(a) != json_is_true(b))
            return diverge(C, path, a, b, "booleans differ%s%s", "", "");
        return 0;
    }
    if (json_is_string(a)) {
        if (strcmp(json_string_value(a), json_string_value(b)))
            return diverge(C, path, a, b, "strings differ%s%s", "", "");
        return 0;
    }
    if (json_is_array(a)) {
        size_t na = json_array_size(a), nb = json_array_size(b);
        if (na != nb) {
            char x[32], y[32];
            snprintf(x, sizeof x, "%zu", na);
            snprintf(y, sizeof y, "%zu", nb);
            return diverge(C, path, a, b,
                           "arrays differ in length: %s against %s", x, y);
        }
        for (size_t i = 0; i < na; i++) {
            snprintf(path + used, plen - used, "[%zu]", i);
            if (compare(C, json_array_get(a, i), json_array_get(b, i), path,
                        plen))
                return 1;
        }
        path[used] = 0;
        return 0;
    }
    if (json_is_object(a)) {
        const char *k;
        json_t *va;
        json_object_foreach((json_t *)a, k, va) {
            snprintf(path + used, plen - used, ".%s", k);
            json_t *vb = json_object_get(b, k);
            if (!vb)
                return diverge(C, path, va, NULL,
                               "key present in A only%s%s", "", "");
            if (compare(C, va, vb, path, plen))
                return 1;
        }
        json_t *vb;
        json_object_foreach((json_t *)b, k, vb) {
            if (!json_object_get(a, k)) {
                snprintf(path + used, plen - used, ".%s", k);
                return diverge(C, path, NULL, vb,
                               "key present in B only%s%s", "", "");
            }
        }
        path[used] = 0;
        return 0;
    }
    return 0; /* both null */
}

/* Read the next line of f; 0 at end of file, -1 on error. */
static long next_line(FILE *f, char **buf, size_t *cap)
{
    errno = 0;
    ssize_t n = getline(buf, cap, f);
    if (n < 0)
        return errno ? -1 : 0;
    return (long)n;
}

static json_t *parse(const char *path, long no, const char *text,
                     llr_error *e)
{
    json_error_t je;
    json_t *v = json_loads(text, 0, &je);
    if (!v) {
        llr_fail(e, LLR_EINPUT,
                 "%s, line %ld: not valid JSON: %s (column %d)", path, no,
                 je.text, je.column);
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        llr_fail(e, LLR_EINPUT,
                 "%s, line %ld: a trace line must be a JSON object", path,
                 no);
        return NULL;
    }
    return v;
}

/* Remember the context keys of an (equal) line of A. */
static void note_context(llr_tracediff *r, const json_t *v, long no)
{
    const json_t *type = json_object_get(v, "type");
    for (int i = 0; i < 3; i++) {
        const json_t *x = json_object_get(v, r->ctx[i].key);
        if (x && json_is_integer(x)) {
            r->ctx[i].value = json_integer_value(x);
            r->ctx[i].line = no;
            snprintf(r->ctx[i].type, sizeof r->ctx[i].type, "%s",
                     json_is_string(type) ? json_string_value(type) : "?");
        }
    }
}

/* Open a trace for reading. A FIFO with no writer is refused at once
 * instead of waiting for one forever; a FIFO with a writer (a shell's
 * process substitution) is read. */
static FILE *open_trace(const char *path, llr_error *e)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        llr_fail(e, LLR_EIO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat sb;
    int first = EOF;
    if (fstat(fd, &sb) == 0 && S_ISFIFO(sb.st_mode)) {
        unsigned char b;
        ssize_t n = read(fd, &b, 1);
        if (n == 0) {
            close(fd);
            llr_fail(e, LLR_EIO, "%s: a FIFO with no writer", path);
            return NULL;
        }
        first = n == 1 ? b : EOF;
    }
    FILE *f = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == 0
                  ? fdopen(fd, "r")
                  : NULL;
    if (!f) {
        llr_fail(e, LLR_EIO, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (first != EOF)
        ungetc(first, f);
    return f;
}

int llr_tracediff_files(const char *pa, const char *pb, double rtol,
                        double atol, llr_tracediff *r, llr_error *e)
{
    memset(r, 0, sizeof *r);
    r->ctx[0].key = "epoch";
    r->ctx[1].key = "cut";
    r->ctx[2].key = "sample";
    FILE *fa = open_trace(pa, e), *fb = fa ? open_trace(pb, e) : NULL;
    if (!fa || !fb) {
        if (fa)
            fclose(fa);
        return -1;
    }
    cmp C = {rtol, atol, r};
    char *la = NULL, *lb = NULL, path[LLR_TRACEDIFF_TEXT];
    size_t ca = 0, cb = 0;
    int rc = -1;
    for (long no = 1;; no++) {
        long na = next_line(fa, &la, &ca), nb = next_line(fb, &lb, &cb);
        if (na < 0 || nb < 0) {
            llr_fail(e, LLR_EIO,
                     "%s: read error at line %ld", na < 0 ? pa : pb, no);
            break;
        }
        if (na == 0 && nb == 0) {
            r->equal = 1;
            rc = 0;
            break;
        }
        json_t *ja = na ? parse(pa, no, la, e) : NULL;
        if (na && !ja)
            break;
        json_t *jb = nb ? parse(pb, no, lb, e) : NULL;
        if (nb && !jb) {
            json_decref(ja);
            break;
        }
        int differ = 0;
        if (!ja || !jb) {
            snprintf(r->path, sizeof r->path, "$");
            snprintf(r->what, sizeof r->what, "%s ends after %ld lines; %s "
                     "goes on", ja ? "B" : "A", no - 1, ja ? "A" : "B");
            abbrev(r->a, ja ? la : "(end of file)");
            abbrev(r->b, jb ? lb : "(end of file)");
            differ = 1;
        } else {
            strcpy(path, "$");
            differ = compare(&C, ja, jb, path, sizeof path);
        }
        if (differ) {
            r->line = no;
            abbrev(r->line_a, na ? la : "(end of file)");
            abbrev(r->line_b, nb ? lb : "(end of file)");
            json_decref(ja), json_decref(jb);
            rc = 0;
            break;
        }
        r->lines = no;
        note_context(r, ja, no);
        abbrev(r->prev, la);
        json_decref(ja), json_decref(jb);
    }
    free(la), free(lb);
    fclose(fa), fclose(fb);
    return rc;
}
