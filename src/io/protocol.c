#include "io/protocol.h"
#include "base/json.h"

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
    int oom;
    json_t *j = llr_json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr,
                               &oom);
    if (!j && oom) {
        llr_fail(e, LLR_ENOMEM, "%s: out of memory parsing it", what);
        return NULL;
    }
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

/* "this client speaks 1 and 2", from LLR_PROTOCOL_VERSION. */
static const char *spoken(void)
{
    return LLR_PROTOCOL_VERSION == 2 ? "1 and 2" : "1";
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
    /* The version: the highest of "llr" and "versions" spoken here. */
    int best = ver >= 1 && ver <= LLR_PROTOCOL_VERSION ? (int)ver : 0;
    json_t *vs = json_object_get(j, "versions");
    if (vs && !json_is_array(vs)) {
        llr_fail(e, LLR_EINPUT, "greeting: \"versions\" is not an array");
        goto done;
    }
    for (size_t i = 0; vs && i < json_array_size(vs); i++) {
        json_t *x = json_array_get(vs, i);
        if (!json_is_integer(x) ||
            !llr_proto_in_range(json_integer_value(x), 0,
                                LLR_PROTO_MAX_VERSION)) {
            llr_fail(e, LLR_EINPUT,
                     "greeting: \"versions\" must hold integers in [0, %d]",
                     LLR_PROTO_MAX_VERSION);
            goto done;
        }
        long long v = json_integer_value(x);
        if (v >= 1 && v <= LLR_PROTOCOL_VERSION && v > best)
            best = (int)v;
    }
    if (!best) {
        char list[128] = "";
        size_t at = 0;
        for (size_t i = 0; vs && i < json_array_size(vs) && at < 96; i++)
            at += (size_t)snprintf(list + at, sizeof list - at, "%s%lld",
                                   i ? ", " : "",
                                   (long long)json_integer_value(
                                       json_array_get(vs, i)));
        if (at)
            llr_fail(e, LLR_EINPUT,
                     "the greeting speaks protocol version %lld (versions "
                        "%s); this client speaks %s", ver, list, spoken());
        else
            llr_fail(e, LLR_EINPUT,
                     "the greeting speaks protocol version %lld; this "
                        "client speaks %s", ver, spoken());
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
    g->version = best;
    g->sample = g->topk = 0;
    json_t *rq = json_object_get(j, "requests");
    if (rq && !json_is_array(rq)) {
        llr_fail(e, LLR_EINPUT, "greeting: \"requests\" is not an array");
        goto done;
    }
    for (size_t i = 0; rq && i < json_array_size(rq); i++) {
        const char *r = json_string_value(json_array_get(rq, i));
        if (!r) {
            llr_fail(e, LLR_EINPUT,
                     "greeting: \"requests\" must hold strings");
            goto done;
        }
        /* Requests this client does not know are ignored. */
        if (best >= 2 && !strcmp(r, "sample"))
            g->sample = 1;
        if (best >= 2 && !strcmp(r, "topk"))
            g->topk = 1;
    }
    rc = 0;
done:
    json_decref(j);
    return rc;
}

/* One logit vector from a JSON array of V finite numbers, centred when
 * raw; every value (after centring) within +-LLR_PROTO_MAX_LOGIT. */
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
    for (int z = 0; z < V; z++)
        if (!(fabs(out[z]) <= LLR_PROTO_MAX_LOGIT))
            return llr_fail(e, LLR_EINPUT,
                            "reply: logits %d entry %d is %g%s; the "
                               "client accepts centred logits within +-%g",
                            which, z, out[z], raw ? " after centring" : "",
                            LLR_PROTO_MAX_LOGIT);
    return 0;
}

/* The error and id of a reply: fails on {"error": ...}, and, for id > 0,
 * unless the reply carries "id": id. */
static int reply_head(json_t *j, uint64_t id, llr_error *e)
{
    json_t *err = json_object_get(j, "error");
    json_t *ji = json_object_get(j, "id");
    if (id && ji && !json_is_null(ji) &&
        (!json_is_integer(ji) || json_integer_value(ji) != (json_int_t)id)) {
        if (json_is_integer(ji))
            return llr_fail(e, LLR_EINPUT,
                            "reply: it answers request id %lld, but the "
                               "next pending request is id %llu (a "
                               "surplus, missing or reordered reply)",
                            (long long)json_integer_value(ji),
                            (unsigned long long)id);
        return llr_fail(e, LLR_EINPUT,
                        "reply: \"id\" is not an integer (the next pending "
                           "request is id %llu)", (unsigned long long)id);
    }
    if (err)
        return llr_fail(e, LLR_EINPUT, "the server answered an error: %s",
                        json_is_string(err) ? json_string_value(err)
                                            : "(not a string)");
    if (id && !ji)
        return llr_fail(e, LLR_EINPUT,
                        "reply: no \"id\" (the next pending request is id "
                           "%llu)", (unsigned long long)id);
    return 0;
}

/* A batch of n logit vectors (n == 0: the single form) from "logits". */
static int logits_body(json_t *j, int V, int raw, int n, double *out,
                       llr_error *e)
{
    json_t *l = json_object_get(j, "logits");
    if (!l)
        return llr_fail(e, LLR_EINPUT, "reply: no \"logits\"");
    if (n == 0)
        return vector(l, V, raw, out, 0, e);
    if (!json_is_array(l) || !llr_proto_size_is(json_array_size(l), n))
        return llr_fail(e, LLR_EINPUT,
                        "reply: a batch of %d prefixes needs an array of %d "
                           "logit vectors", n, n);
    for (int i = 0; i < n; i++)
        if (vector(json_array_get(l, (size_t)i), V, raw,
                   out + (size_t)i * V, i, e))
            return -1;
    return 0;
}

int llr_proto_reply(const char *line, size_t len, int V, int raw, int n,
                    double *out, llr_error *e)
{
    json_t *j = load(line, len, "the reply", e);
    if (!j)
        return -1;
    int rc = reply_head(j, 0, e);
    if (rc == 0)
        rc = logits_body(j, V, raw, n, out, e);
    json_decref(j);
    return rc;
}

int llr_proto_logits_reply(const char *line, size_t len, uint64_t id, int V,
                           int raw, int n, double *out, llr_error *e)
{
    json_t *j = load(line, len, "the reply", e);
    if (!j)
        return -1;
    int rc = reply_head(j, id, e);
    if (rc == 0)
        rc = logits_body(j, V, raw, n, out, e);
    json_decref(j);
    return rc;
}

/* An array of exactly n entries under key, or an error. */
static json_t *array_of(json_t *j, const char *key, size_t n,
                        const char *what, llr_error *e)
{
    json_t *a = json_object_get(j, key);
    if (!json_is_array(a) || json_array_size(a) != n) {
        llr_fail(e, LLR_EINPUT, "%s: \"%s\" must be an array of %zu entries",
                 what, key, n);
        return NULL;
    }
    return a;
}

/* A log-probability: a finite number <= 0. */
static int logprob(json_t *x, double *out, const char *what, int i, int t,
                   llr_error *e)
{
    double v = json_is_number(x) ? json_number_value(x) : NAN;
    if (!(v <= 0) || !isfinite(v))
        return llr_fail(e, LLR_EINPUT,
                        "%s %d entry %d: a log-probability must be a finite "
                           "number <= 0", what, i, t);
    *out = v;
    return 0;
}

int llr_proto_sample_reply(const char *line, size_t len, uint64_t id, int V,
                           int T, int n, int *seq, double *logp,
                           llr_error *e)
{
    json_t *j = load(line, len, "the reply", e);
    if (!j)
        return -1;
    int rc = reply_head(j, id, e);
    json_t *sa = NULL, *la = NULL;
    if (rc == 0 &&
        (!(sa = array_of(j, "samples", (size_t)n, "reply", e)) ||
         !(la = array_of(j, "logprobs", (size_t)n, "reply", e))))
        rc = -1;
    for (int i = 0; rc == 0 && i < n; i++) {
        json_t *s = json_array_get(sa, (size_t)i);
        json_t *l = json_array_get(la, (size_t)i);
        if (!json_is_array(s) || !llr_proto_size_is(json_array_size(s), T) ||
            !json_is_array(l) || !llr_proto_size_is(json_array_size(l), T)) {
            rc = llr_fail(e, LLR_EINPUT,
                          "reply: sample %d must have %d tokens and %d "
                             "log-probabilities", i, T, T);
            break;
        }
        for (int t = 0; rc == 0 && t < T; t++) {
            json_t *x = json_array_get(s, (size_t)t);
            if (!json_is_integer(x) ||
                !llr_proto_token_ok(json_integer_value(x), V))
                rc = llr_fail(e, LLR_EINPUT,
                              "reply: sample %d token %d is not a token id "
                                 "in [0, %d]", i, t, V - 1);
            else
                seq[(size_t)i * T + t] = (int)json_integer_value(x);
            if (rc == 0)
                rc = logprob(json_array_get(l, (size_t)t),
                             logp + (size_t)i * T + t, "reply: sample", i, t,
                             e);
        }
    }
    json_decref(j);
    return rc;
}

int llr_proto_topk_reply(const char *line, size_t len, uint64_t id, int V,
                         llr_topk_call *c, int n, llr_error *e)
{
    json_t *j = load(line, len, "the reply", e);
    if (!j)
        return -1;
    int rc = reply_head(j, id, e);
    json_t *top = NULL;
    if (rc == 0 && !(top = array_of(j, "top", (size_t)n, "reply", e)))
        rc = -1;
    for (int i = 0; rc == 0 && i < n; i++) {
        json_t *a = json_array_get(top, (size_t)i);
        json_t *ta, *la;
        int k = c[i].k;
        if (!json_is_object(a)) {
            rc = llr_fail(e, LLR_EINPUT, "reply: top %d is not an object",
                          i);
            break;
        }
        if (!(ta = array_of(a, "tokens", (size_t)k, "reply: top", e)) ||
            !(la = array_of(a, "logprobs", (size_t)k, "reply: top", e))) {
            rc = llr_fail_prefix(e, "call %d", i);
            break;
        }
        for (int q = 0; rc == 0 && q < k; q++) {
            json_t *x = json_array_get(ta, (size_t)q);
            if (!json_is_integer(x) ||
                !llr_proto_token_ok(json_integer_value(x), V)) {
                rc = llr_fail(e, LLR_EINPUT,
                              "reply: top %d token %d is not a token id in "
                                 "[0, %d]", i, q, V - 1);
                break;
            }
            c[i].tok[q] = (int)json_integer_value(x);
            for (int r = 0; r < q; r++)
                if (c[i].tok[r] == c[i].tok[q])
                    rc = llr_fail(e, LLR_EINPUT,
                                  "reply: top %d lists token %d twice", i,
                                  c[i].tok[q]);
            if (rc == 0)
                rc = logprob(json_array_get(la, (size_t)q),
                             &c[i].logprob[q], "reply: top", i, q, e);
            if (rc == 0 && q > 0 && c[i].logprob[q] > c[i].logprob[q - 1])
                rc = llr_fail(e, LLR_EINPUT,
                              "reply: top %d is not in decreasing order of "
                                 "log-probability (entry %d)", i, q);
        }
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

/* A request's count of entries: the size of array a, checked. */
static int count_ok(json_t *a, const char *key, size_t *cnt, llr_error *e)
{
    if (!json_is_array(a))
        return llr_fail(e, LLR_EINPUT, "request: \"%s\" is not an array",
                        key);
    *cnt = json_array_size(a);
    if (!llr_proto_batch_ok(*cnt))
        return llr_fail(e, LLR_EINPUT,
                        "request: \"%s\" has %zu entries; at most %d",
                        key, *cnt, LLR_PROTO_MAX_BATCH);
    return 0;
}

/* The prefixes of a logits request. */
static int parse_logits(json_t *one, json_t *many, int V, int maxlen,
                        llr_request *r, llr_error *e)
{
    size_t cnt = 1, cap = 0;
    r->batch = many != NULL;
    if (many && count_ok(many, "prefixes", &cnt, e))
        return -1;
    r->off = calloc(cnt + 1, sizeof *r->off);
    if (!r->off)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    for (size_t i = 0; i < cnt; i++)
        if (prefix(many ? json_array_get(many, i) : one, V, maxlen, (int)i,
                   r->off, &r->tok, &cap, e))
            return -1;
    r->n = (int)cnt;
    return 0;
}

static int parse_sample(json_t *s, llr_request *r, llr_error *e)
{
    long long n, seed, skip = 0;
    /* Any 64-bit integer: the state mod 2^64. */
    if (!json_is_object(s))
        return llr_fail(e, LLR_EINPUT,
                        "request: \"sample\" is not an object");
    if (get_int(s, "n", 1, LLR_PROTO_MAX_SAMPLES, &n, "request: sample", e) ||
        get_int(s, "seed", LLONG_MIN, LLONG_MAX, &seed, "request: sample",
                e))
        return -1;
    if (json_object_get(s, "skip") &&
        get_int(s, "skip", 0, LLR_PROTO_MAX_SKIP, &skip, "request: sample",
                e))
        return -1;
    r->n = (int)n, r->seed = (uint64_t)seed, r->skip = (uint64_t)skip;
    return 0;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The biases of topk call i: an array of [token, bias] pairs. */
static int parse_bias(json_t *b, int V, int i, llr_request *r, size_t *cap,
                      llr_error *e)
{
    size_t nb = b ? json_array_size(b) : 0;
    if (b && !json_is_array(b))
        return llr_fail(e, LLR_EINPUT,
                        "request: topk call %d: \"bias\" is not an array", i);
    if (nb > LLR_PROTO_MAX_BIAS)
        return llr_fail(e, LLR_EINPUT,
                        "request: topk call %d biases %zu tokens; at most %d",
                        i, nb, LLR_PROTO_MAX_BIAS);
    int at = r->boff[i];
    size_t c;
    if (llr_capacity(*cap, (size_t)at + nb + 1, 64, sizeof(double), &c))
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    if (c != *cap) {
        int *t = realloc(r->btok, c * sizeof *t);
        if (t)
            r->btok = t;
        double *v = t ? realloc(r->bval, c * sizeof *v) : NULL;
        if (!v)
            return llr_fail(e, LLR_ENOMEM, "out of memory");
        r->bval = v;
        *cap = c;
    }
    for (size_t q = 0; q < nb; q++) {
        json_t *p = json_array_get(b, q);
        json_t *x = json_array_get(p, 0), *y = json_array_get(p, 1);
        double v = json_is_number(y) ? json_number_value(y) : NAN;
        if (!json_is_array(p) || json_array_size(p) != 2 ||
            !json_is_integer(x) ||
            !llr_proto_token_ok(json_integer_value(x), V) ||
            !(fabs(v) <= LLR_PROTO_MAX_BIAS_VALUE))
            return llr_fail(e, LLR_EINPUT,
                            "request: topk call %d bias %zu must be [token, "
                               "bias] with a token id in [0, %d] and a bias "
                               "within +-%g", i, q, V - 1,
                            LLR_PROTO_MAX_BIAS_VALUE);
        r->btok[at + (int)q] = (int)json_integer_value(x);
        r->bval[at + (int)q] = v;
    }
    /* Each token biased once. */
    int *s = nb ? malloc(nb * sizeof *s) : NULL;
    if (nb && !s)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    for (size_t q = 0; q < nb; q++)
        s[q] = r->btok[at + (int)q];
    if (nb)
        qsort(s, nb, sizeof *s, cmp_int);
    int dup = -1;
    for (size_t q = 1; q < nb && dup < 0; q++)
        if (s[q] == s[q - 1])
            dup = s[q];
    free(s);
    if (dup >= 0)
        return llr_fail(e, LLR_EINPUT,
                        "request: topk call %d biases token %d twice", i,
                        dup);
    r->boff[i + 1] = at + (int)nb;
    return 0;
}

static int parse_topk(json_t *j, json_t *calls, int V, int maxlen,
                      llr_request *r, llr_error *e)
{
    size_t cnt, cap = 0, bcap = 0;
    if (count_ok(calls, "topk", &cnt, e))
        return -1;
    json_t *rd = json_object_get(j, "round");
    long long round = -1;
    if (rd && get_int(j, "round", 0, LLR_PROTO_MAX_ROUND, &round, "request",
                      e))
        return -1;
    r->round = (int)round;
    r->off = calloc(cnt + 1, sizeof *r->off);
    r->boff = calloc(cnt + 1, sizeof *r->boff);
    r->k = calloc(cnt + 1, sizeof *r->k);
    if (!r->off || !r->boff || !r->k)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    long long kmax = V < LLR_PROTO_MAX_K ? V : LLR_PROTO_MAX_K, k;
    for (size_t i = 0; i < cnt; i++) {
        json_t *c = json_array_get(calls, i);
        if (!json_is_object(c))
            return llr_fail(e, LLR_EINPUT,
                            "request: topk call %zu is not an object", i);
        if (prefix(json_object_get(c, "prefix"), V, maxlen, (int)i, r->off,
                   &r->tok, &cap, e) ||
            get_int(c, "k", 1, kmax, &k, "request: topk call", e) ||
            parse_bias(json_object_get(c, "bias"), V, (int)i, r, &bcap, e))
            return -1;
        r->k[i] = (int)k;
    }
    r->n = (int)cnt;
    return 0;
}

void llr_proto_request_free(llr_request *r)
{
    free(r->off), free(r->tok), free(r->k), free(r->boff), free(r->btok);
    free(r->bval);
    r->off = r->tok = r->k = r->boff = r->btok = NULL;
    r->bval = NULL;
}

int llr_proto_parse(const char *line, size_t len, int V, int maxlen,
                    llr_request *r, llr_error *e)
{
    memset(r, 0, sizeof *r);
    r->round = -1;
    json_t *j = load(line, len, "the request", e);
    if (!j)
        return -1;
    int rc = -1;
    json_t *id = json_object_get(j, "id");
    if (id) {
        long long v;
        if (get_int(j, "id", 1, LLR_PROTO_MAX_ID, &v, "request", e))
            goto done;
        r->id = v;
    }
    json_t *one = json_object_get(j, "prefix");
    json_t *many = json_object_get(j, "prefixes");
    json_t *smp = json_object_get(j, "sample");
    json_t *top = json_object_get(j, "topk");
    if ((one != NULL) + (many != NULL) + (smp != NULL) + (top != NULL) != 1) {
        llr_fail(e, LLR_EINPUT, "request: give exactly one of \"prefix\", "
                    "\"prefixes\", \"sample\" and \"topk\"");
        goto done;
    }
    if ((smp || top) && !r->id) {
        llr_fail(e, LLR_EINPUT, "request: a %s request needs an \"id\" "
                    "(protocol version 2)", smp ? "sample" : "topk");
        goto done;
    }
    r->kind = smp ? LLR_REQ_SAMPLE : top ? LLR_REQ_TOPK : LLR_REQ_LOGITS;
    if (smp)
        rc = parse_sample(smp, r, e);
    else if (top)
        rc = parse_topk(j, top, V, maxlen, r, e);
    else
        rc = parse_logits(one, many, V, maxlen, r, e);
done:
    json_decref(j);
    if (rc) {
        long long keep = r->id;
        llr_proto_request_free(r);
        memset(r, 0, sizeof *r);
        r->id = keep;
        r->round = -1;
    }
    return rc;
}

int llr_proto_request(const char *line, size_t len, int V, int maxlen,
                      int *n, int **off, int **tok, int *batch, llr_error *e)
{
    *off = NULL, *tok = NULL, *n = 0;
    llr_request r;
    if (llr_proto_parse(line, len, V, maxlen, &r, e))
        return -1;
    if (r.kind != LLR_REQ_LOGITS) {
        llr_proto_request_free(&r);
        return llr_fail(e, LLR_EINPUT,
                        "request: only \"prefix\" and \"prefixes\" requests "
                           "are expected here");
    }
    *n = r.n, *off = r.off, *tok = r.tok, *batch = r.batch;
    r.off = r.tok = NULL;
    llr_proto_request_free(&r);
    return 0;
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

/* One double that reads back bit for bit. */
static void put_real(sbuf *b, const char *sep, double x)
{
    /* "-0" would read back as the integer 0: keep the sign. */
    if (x == 0 && signbit(x))
        put(b, "%s-0.0", sep);
    else
        put(b, "%s%.17g", sep, x);
}

static void put_ints(sbuf *b, const int *tok, int len)
{
    put(b, "[");
    for (int i = 0; i < len; i++)
        put(b, "%s%d", i ? ", " : "", tok[i]);
    put(b, "]");
}

static void put_id(sbuf *b, long long id)
{
    if (id > 0)
        put(b, "\"id\": %lld, ", id);
}

char *llr_proto_format_request(const int *tok, int len)
{
    sbuf b = {0};
    put(&b, "{\"prefix\": ");
    put_ints(&b, tok, len);
    put(&b, "}\n");
    return b.s;
}

char *llr_proto_format_logits_request(uint64_t id, const int *tok,
                                      const int *off, int n)
{
    sbuf b = {0};
    put(&b, "{");
    put_id(&b, (long long)id);
    put(&b, "\"prefixes\": [");
    for (int i = 0; i < n; i++) {
        put(&b, "%s", i ? ", " : "");
        put_ints(&b, tok + off[i], off[i + 1] - off[i]);
    }
    put(&b, "]}\n");
    return b.s;
}

char *llr_proto_format_sample_request(uint64_t id, int n, uint64_t seed,
                                      uint64_t skip)
{
    sbuf b = {0};
    put(&b, "{");
    put_id(&b, (long long)id);
    /* The seed as a 64-bit signed integer (the same state mod 2^64). */
    put(&b, "\"sample\": {\"n\": %d, \"seed\": %lld, \"skip\": %llu}}\n", n,
        (long long)(int64_t)seed, (unsigned long long)skip);
    return b.s;
}

char *llr_proto_format_topk_request(uint64_t id, const llr_topk_call *c,
                                    int n, int round)
{
    sbuf b = {0};
    put(&b, "{");
    put_id(&b, (long long)id);
    put(&b, "\"topk\": [");
    for (int i = 0; i < n; i++) {
        put(&b, "%s{\"prefix\": ", i ? ", " : "");
        put_ints(&b, c[i].prefix, c[i].len);
        put(&b, ", \"k\": %d, \"bias\": [", c[i].k);
        for (int q = 0; q < c[i].nbias; q++) {
            put(&b, "%s[%d", q ? ", " : "", c[i].bias_tok[q]);
            put_real(&b, ", ", c[i].bias[q]);
            put(&b, "]");
        }
        put(&b, "]}");
    }
    put(&b, "]");
    if (round >= 0)
        put(&b, ", \"round\": %d", round);
    put(&b, "}\n");
    return b.s;
}

char *llr_proto_format_greeting(int V, int T)
{
    sbuf b = {0};
    put(&b, "{\"llr\": 1, \"vocab\": %d, \"horizon\": %d, \"logits\": "
            "\"centred\"}\n", V, T);
    return b.s;
}

char *llr_proto_format_greeting2(int V, int T)
{
    sbuf b = {0};
    put(&b, "{\"llr\": 1, \"versions\": [1, 2], \"vocab\": %d, \"horizon\": "
            "%d, \"logits\": \"centred\", \"requests\": [\"logits\", "
            "\"sample\", \"topk\"]}\n", V, T);
    return b.s;
}

char *llr_proto_format_logits_reply(long long id, const double *l, int V,
                                    int n, int batch)
{
    sbuf b = {0};
    put(&b, "{");
    put_id(&b, id);
    put(&b, "\"logits\": %s", batch ? "[" : "");
    for (int i = 0; i < n; i++) {
        put(&b, "%s[", i ? ", " : "");
        for (int z = 0; z < V; z++)
            put_real(&b, z ? ", " : "", l[(size_t)i * V + z]);
        put(&b, "]");
    }
    put(&b, "%s}\n", batch ? "]" : "");
    return b.s;
}

char *llr_proto_format_reply(const double *l, int V, int n, int batch)
{
    return llr_proto_format_logits_reply(0, l, V, n, batch);
}

char *llr_proto_format_sample_reply(long long id, const int *seq,
                                    const double *logp, int T, int n)
{
    sbuf b = {0};
    put(&b, "{");
    put_id(&b, id);
    put(&b, "\"samples\": [");
    for (int i = 0; i < n; i++) {
        put(&b, "%s", i ? ", " : "");
        put_ints(&b, seq + (size_t)i * T, T);
    }
    put(&b, "], \"logprobs\": [");
    for (int i = 0; i < n; i++) {
        put(&b, "%s[", i ? ", " : "");
        for (int t = 0; t < T; t++)
            put_real(&b, t ? ", " : "", logp[(size_t)i * T + t]);
        put(&b, "]");
    }
    put(&b, "]}\n");
    return b.s;
}

char *llr_proto_format_topk_reply(long long id, const llr_topk_call *c,
                                  int n, int round)
{
    sbuf b = {0};
    put(&b, "{");
    put_id(&b, id);
    put(&b, "\"top\": [");
    for (int i = 0; i < n; i++) {
        put(&b, "%s{\"tokens\": ", i ? ", " : "");
        put_ints(&b, c[i].tok, c[i].k);
        put(&b, ", \"logprobs\": [");
        for (int q = 0; q < c[i].k; q++) {
            if (round >= 0)
                put(&b, "%s%.*f", q ? ", " : "", round, c[i].logprob[q]);
            else
                put_real(&b, q ? ", " : "", c[i].logprob[q]);
        }
        put(&b, "]}");
    }
    put(&b, "]}\n");
    return b.s;
}

char *llr_proto_format_error(long long id, const char *msg)
{
    /* The message as printable ASCII (jansson refuses invalid UTF-8). */
    char clean[LLR_ERROR_MSG];
    size_t n = 0;
    for (; msg[n] && n + 1 < sizeof clean; n++)
        clean[n] = msg[n] >= 32 && msg[n] < 127 ? msg[n] : '?';
    clean[n] = 0;
    json_t *j = json_object();
    /* Out of memory anywhere: NULL, never a reply without its id or its
     * message. */
    if (j && ((id > 0 && json_object_set_new(j, "id", json_integer(id))) ||
              json_object_set_new(j, "error", json_string(clean)))) {
        json_decref(j);
        j = NULL;
    }
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    sbuf b = {0};
    if (s)
        put(&b, "%s\n", s);
    free(s);
    return b.s;
}
