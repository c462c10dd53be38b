#include "io/trace.h"

#include <math.h>
#include <string.h>

void llr_trace_init(llr_trace *t, FILE *f)
{
    t->f = f;
    t->seq = 0;
    t->open = 0;
}

void llr_trace_begin(llr_trace *t, const char *type)
{
    if (!t)
        return;
    fprintf(t->f, "{\"seq\": %llu, \"type\": \"%s\"",
            (unsigned long long)t->seq++, type);
    t->open = 1;
}

static void key(llr_trace *t, const char *k)
{
    fprintf(t->f, ", \"%s\": ", k);
}

void llr_trace_int(llr_trace *t, const char *k, long long v)
{
    if (!t)
        return;
    key(t, k);
    fprintf(t->f, "%lld", v);
}

void llr_trace_u64str(llr_trace *t, const char *k, uint64_t v)
{
    if (!t)
        return;
    key(t, k);
    fprintf(t->f, "\"%llu\"", (unsigned long long)v);
}

void llr_trace_bool(llr_trace *t, const char *k, int v)
{
    if (!t)
        return;
    key(t, k);
    fputs(v ? "true" : "false", t->f);
}

void llr_trace_format_real(double v, char *buf, size_t size)
{
    if (isnan(v)) {
        snprintf(buf, size, "\"NaN\"");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, size, v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        return;
    }
    int n = snprintf(buf, size, "%.17g", v);
    if (n > 0 && (size_t)n + 2 < size && !strpbrk(buf, ".e"))
        memcpy(buf + n, ".0", 3);
}

static void real(llr_trace *t, double v)
{
    char b[40];
    llr_trace_format_real(v, b, sizeof b);
    fputs(b, t->f);
}

void llr_trace_real(llr_trace *t, const char *k, double v)
{
    if (!t)
        return;
    key(t, k);
    real(t, v);
}

void llr_trace_str(llr_trace *t, const char *k, const char *s)
{
    if (!t)
        return;
    key(t, k);
    fputc('"', t->f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(t->f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(t->f, "\\u%04x", *p);
        else
            fputc(*p, t->f);
    }
    fputc('"', t->f);
}

static void ints(llr_trace *t, const int *v, size_t n)
{
    fputc('[', t->f);
    for (size_t i = 0; i < n; i++)
        fprintf(t->f, "%s%d", i ? ", " : "", v[i]);
    fputc(']', t->f);
}

void llr_trace_ints(llr_trace *t, const char *k, const int *v, size_t n)
{
    if (!t)
        return;
    key(t, k);
    ints(t, v, n);
}

void llr_trace_reals(llr_trace *t, const char *k, const double *v, size_t n)
{
    if (!t)
        return;
    key(t, k);
    fputc('[', t->f);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(", ", t->f);
        real(t, v[i]);
    }
    fputc(']', t->f);
}

void llr_trace_int_rows(llr_trace *t, const char *k, const int *v,
                        size_t rows, size_t cols)
{
    if (!t)
        return;
    key(t, k);
    fputc('[', t->f);
    for (size_t r = 0; r < rows; r++) {
        if (r)
            fputs(", ", t->f);
        ints(t, v + r * cols, cols);
    }
    fputc(']', t->f);
}

void llr_trace_strings(llr_trace *t, const char *k, const llr_strings *s)
{
    if (!t)
        return;
    key(t, k);
    fputc('[', t->f);
    for (int j = 0; j < s->count; j++) {
        if (j)
            fputs(", ", t->f);
        ints(t, llr_strings_at(s, j), (size_t)llr_strings_len(s, j));
    }
    fputc(']', t->f);
}

void llr_trace_end(llr_trace *t)
{
    if (!t)
        return;
    fputs("}\n", t->f);
    t->open = 0;
}
