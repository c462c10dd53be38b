#include "io/protocol.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/capacity.h"
#include "io/protocol_bounds.h"
#include "kernels/softmax.h"

_Static_assert(LLR_PROTO_MAX_LINE == LLR_PROTOCOL_MAX_LINE,
               "protocol_bounds.h states the line limit of protocol.h");

static json_t *load(const char *line, size_t len, const char *what,
                    llr_error *e)
{
    json_error_t jerr;
    json_t *j = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        llr_fail(e, LLR_EINPUT,
                 "%s is not valid JSON: %s (column %d)", what, jerr.text,
                 jerr.column);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        llr_fail(e, LLR_EINPUT, "%s is not a JSON object", what);
        return NULL;
    }
    return j;
}

static int get_int(json_t *o, const char *key, long long lo, long long hi,
                   long long *out, const char *what, llr_error *e)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) ||
        !llr_proto_in_range(json_integer_value(v), lo, hi))
        return llr_fail(e, LLR_EINPUT,
                        "%s: \"%s\" must be an integer in [%lld, %lld]",
                        what, key, lo, hi);
    *out = json_integer_value(v);
    return 0;
}

int llr_proto_greeting(const char *line, size_t len, llr_greeting *g,
                       llr_error *e)
{
    json_t *j = load(line, len, "the greeting", e);
    if (!j)
        return -1;
    long long ver, V, T;
    int rc = -1;
    if (get_int(j, "llr", 0, LLR_PROTO_MAX_VERSION, &ver, "greeting", e))
        goto done;
    if (ver != LLR_PROTOCOL_VERSION) {
        llr_fail(e, LLR_EINPUT,
                 "the greeting speaks protocol version %lld; this client "
                    "speaks %d", ver, LLR_PROTOCOL_VERSION);
        goto done;
    }
    if (get_int(j, "vocab", LLR_PROTO_MIN_VOCAB, LLR_PROTO_MAX_VOCAB, &V,
                "greeting", e) ||
        get_int(j, "horizon", LLR_PROTO_MIN_HORIZON, LLR_PROTO_MAX_HORIZON,
                &T, "greeting", e))
        goto done;
    json_t *lg = json_object_get(j, "logits");
    const char *kind = json_is_string(lg) ? json_string_value(lg) : NULL;
    if (!kind || (strcmp(kind, "centred") && strcmp(kind, "raw"))) {
        llr_fail(e, LLR_EINPUT,
                 "greeting: \"logits\" must be \"centred\" or \"raw\"");
        goto done;
    }
    g->V = (int)V, g->T = (int)T, g->raw = !strcmp(kind, "raw");
    rc = 0;
done:
    json_decref(j);
    return rc;
}

/* One logit vector from a JSON array of V finite numbers. */
static int vector(json_t *a, int V, int raw, double *out, int which,
                  llr_error *e)
{
    if (!json_is_array(a))
        return llr_fail(e, LLR_EINPUT,
                        "reply: logits %d is not an array", which);
    if (!llr_proto_size_is(json_array_size(a), V))
        return llr_fail(e, LLR_EINPUT,
                        "reply: logits %d has %zu entries; the vocabulary "
                           "has %d", which, json_array_size(a), V);
    for (int z = 0; z < V; z++) {
        json_t *x = json_array_get(a, (size_t)z);
        if (!json_is_number(x))
            return llr_fail(e, LLR_EINPUT,
                            "reply: logits %d entry %d is not a number",
                            which, z);
        out[z] = json_number_value(x);
        if (!isfinite(out[z]))
            return llr_fail(e, LLR_EINPUT,
                            "reply: logits %d entry %d is not finite",
                            which, z);
    }
    if (raw)
        llr_centre(out, V, out);
    return 0;
}

int llr_proto_reply(const char *line, size_t len, int V, int raw, int n,
                    double *out, llr_error *e)
{
    json_t *j = load(line, len, "the reply", e);
    if (!j)
        return -1;
    int rc = -1;
    json_t *err = json_object_get(j, "error");
    json_t *l = json_object_get(j, "logits");
    if (err) {
        llr_fail(e, LLR_EINPUT, "the server answered an error: %s",
                 json_is_string(err) ? json_string_value(err) : "(not a string)");
    } else if (!l) {
        llr_fail(e, LLR_EINPUT, "reply: no \"logits\"");
    } else if (n == 0) {
        rc = vector(l, V, raw, out, 0, e);
    } else if (!json_is_array(l) || !llr_proto_size_is(json_array_size(l), n)) {
        llr_fail(e, LLR_EINPUT,
                 "reply: a batch of %d prefixes needs an array of %d "
                    "logit vectors", n, n);
    } else {
        rc = 0;
        for (int i = 0; rc == 0 && i < n; i++)
            rc = vector(json_array_get(l, (size_t)i), V, raw,
                        out + (size_t)i * V, i, e);
    }
    json_decref(j);
    return rc;
}

/* Append one prefix (a JSON array of token ids) to off/tok. */
static int prefix(json_t *a, int V, int maxlen, int i, int *off, int **tok,
                  size_t *cap, llr_error *e)
{
    if (!json_is_array(a))
        return llr_fail(e, LLR_EINPUT,
                        "request: prefix %d is not an array", i);
    size_t k = json_array_size(a);
    int next;
    int rc = llr_proto_check_prefix(off[i], k, maxlen, &next);
    if (rc == LLR_PROTO_TOO_LONG)
        return llr_fail(e, LLR_EINPUT,
                        "request: prefix %d has length %zu; the longest is "
                           "%d", i, k, maxlen);
    if (rc)
        return llr_fail(e, LLR_EINPUT,
                        "request: more than %d tokens in all", INT_MAX - 1);
    size_t c, need = (size_t)next + 1;
    if (llr_capacity(*cap, need, 64, sizeof **tok, &c))
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    if (c != *cap) {
        int *t = realloc(*tok, c * sizeof *t);
        if (!t)
            return llr_fail(e, LLR_ENOMEM, "out of memory");
        *tok = t;
        *cap = c;
    }
    for (size_t q = 0; q < k; q++) {
        json_t *x = json_array_get(a, q);
        if (!json_is_integer(x) || !llr_proto_token_ok(json_integer_value(x), V))
            return llr_fail(e, LLR_EINPUT,
                            "request: prefix %d token %zu is not a token "
                               "id in [0, %d]", i, q, V - 1);
        (*tok)[off[i] + (int)q] = (int)json_integer_value(x);
    }
    off[i + 1] = next;
    return 0;
}

int llr_proto_request(const char *line, size_t len, int V, int maxlen,
                      int *n, int **off, int **tok, int *batch, llr_error *e)
{
    *off = NULL, *tok = NULL, *n = 0;
    json_t *j = load(line, len, "the request", e);
    if (!j)
        return -1;
    json_t *one = json_object_get(j, "prefix");
    json_t *many = json_object_get(j, "prefixes");
    int rc = -1;
    size_t cap = 0;
    if (!one == !many) {
        llr_fail(e, LLR_EINPUT, "request: give exactly one of \"prefix\" and "
                    "\"prefixes\"");
        goto done;
    }
    *batch = many != NULL;
    size_t cnt = many ? (json_is_array(many) ? json_array_size(many) : 0) : 1;
    if (many && !json_is_array(many)) {
        llr_fail(e, LLR_EINPUT, "request: \"prefixes\" is not an array");
        goto done;
    }
    if (!llr_proto_batch_ok(cnt)) {
        llr_fail(e, LLR_EINPUT,
                 "request: a batch of %zu prefixes is too large", cnt);
        goto done;
    }
    *off = calloc(cnt + 1, sizeof **off);
    if (!*off) {
        llr_fail(e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    rc = 0;
    for (size_t i = 0; rc == 0 && i < cnt; i++)
        rc = prefix(many ? json_array_get(many, i) : one, V, maxlen, (int)i,
                    *off, tok, &cap, e);
    if (rc == 0)
        *n = (int)cnt;
done:
    json_decref(j);
    if (rc) {
        free(*off), free(*tok);
        *off = NULL, *tok = NULL;
    }
    return rc;
}

/* A growable string. */
typedef struct sbuf {
    char *s;
    size_t n, cap;
} sbuf;

static void put(sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(sbuf *b, const char *fmt, ...)
{
    if (!b->s && b->cap == (size_t)-1)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0,
                          fmt, ap);
        va_end(ap);
        if (k < 0)
            return;
        if (b->s && b->n + (size_t)k < b->cap) {
            b->n += (size_t)k;
            return;
        }
        /* b->n + k >= b->cap here, so the capacity at least doubles. */
        size_t c;
        char *t = NULL;
        if (!llr_capacity(b->cap, b->n + (size_t)k + 1, 256, 1, &c))
            t = realloc(b->s, c);
        if (!t) {
            free(b->s);
            b->s = NULL;
            b->cap = (size_t)-1;
            return;
        }
        b->s = t;
        b->cap = c;
    }
}

char *llr_proto_format_request(const int *tok, int len)
{
    sbuf b = {0};
    put(&b, "{\"prefix\": [");
    for (int i = 0; i < len; i++)
        put(&b, "%s%d", i ? ", " : "", tok[i]);
    put(&b, "]}\n");
    return b.s;
}

char *llr_proto_format_greeting(int V, int T)
{
    sbuf b = {0};
    put(&b, "{\"llr\": %d, \"vocab\": %d, \"horizon\": %d, \"logits\": "
            "\"centred\"}\n", LLR_PROTOCOL_VERSION, V, T);
    return b.s;
}

char *llr_proto_format_reply(const double *l, int V, int n, int batch)
{
    sbuf b = {0};
    put(&b, "{\"logits\": %s", batch ? "[" : "");
    for (int i = 0; i < n; i++) {
        put(&b, "%s[", i ? ", " : "");
        for (int z = 0; z < V; z++) {
            double x = l[(size_t)i * V + z];
            /* "-0" would read back as the integer 0: keep the sign. */
            if (x == 0 && signbit(x))
                put(&b, "%s-0.0", z ? ", " : "");
            else
                put(&b, "%s%.17g", z ? ", " : "", x);
        }
        put(&b, "]");
    }
    put(&b, "%s}\n", batch ? "]" : "");
    return b.s;
}
