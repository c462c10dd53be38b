#include "io/arpa_file.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fileio.h"
#include "base/prng.h"

typedef llr_arpa_tables arpa;
typedef llr_arpa_level level;

/* ---- hashing ---- */

#define HASH_START 0x6a09e667f3bcc909ULL

uint64_t llr_arpa_hash_id(uint64_t h, int32_t id)
{
    return llr_mix64(h ^ (uint64_t)(uint32_t)id);
}

uint64_t llr_arpa_hash_ids(const int32_t *ids, int n)
{
    uint64_t h = HASH_START;
    for (int i = 0; i < n; i++)
        h = llr_arpa_hash_id(h, ids[i]);
    return h;
}

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a, then one mix */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return llr_mix64(h ^ len);
}

long llr_arpa_find_ngram(const level *L, int n, const int32_t *ids,
                         uint64_t h)
{
    if (!L->slot)
        return -1;
    uint64_t tag = h >> 32;
    for (size_t i = llr_arpa_probe(h, L->mask);;
         i = llr_arpa_probe_next(i, L->mask)) {
        uint64_t s = L->slot[i];
        if (!s)
            return -1;
        if ((s >> 32) == tag) {
            size_t idx = (size_t)(uint32_t)s - 1;
            const int32_t *x = L->ids + idx * (size_t)n;
            int j = 0;
            while (j < n && x[j] == ids[j])
                j++;
            if (j == n)
                return (long)idx;
        }
    }
}

static int find_word(const arpa *a, const char *w, size_t len, uint64_t h)
{
    uint64_t tag = h >> 32;
    for (size_t i = llr_arpa_probe(h, a->wmask);;
         i = llr_arpa_probe_next(i, a->wmask)) {
        uint64_t s = a->wslot[i];
        if (!s)
            return -1;
        if ((s >> 32) == tag) {
            int id = (int)(uint32_t)s - 1;
            if (a->wlen[id] == len &&
                memcmp(a->pool + a->woff[id], w, len) == 0)
                return id;
        }
    }
}


void llr_arpa_tables_free(llr_arpa_tables *a)
{
    if (!a)
        return;
    free(a->pool);
    free(a->woff);
    free(a->wlen);
    free(a->tok);
    free(a->uprob);
    free(a->ubo);
    free(a->uline);
    free(a->wslot);
    free(a->sigma);
    for (int n = 2; n <= LLR_ARPA_MAX_ORDER; n++) {
        level *L = &a->lev[n];
        free(L->ids);
        free(L->prob);
        free(L->bo);
        free(L->line);
        free(L->slot);
        free(L->parent);
        free(L->first);
        free(L->kids);
    }
    free(a);
}


typedef struct parser {
    const char *path;
    llr_error *e;
    size_t line;   /* the current line number (1-based) */
    const char *s; /* the current line, without its '\n' */
    size_t len;
} parser;

static int fail_at(parser *p, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(parser *p, size_t line, const char *fmt, ...)
{
    char msg[LLR_ERROR_MSG];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return llr_fail(p->e, LLR_EINPUT, "%s:%zu: %s", p->path, line, msg);
}

/* A printable copy of s[0..len-1] (at most 40 bytes, control and non-ASCII
 * bytes shown as '?') for messages. */
typedef struct quoted {
    char s[48];
} quoted;

static quoted quote(const char *s, size_t len)
{
    quoted q;
    size_t n = len > 40 ? 40 : len, i;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        q.s[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    if (len > n) {
        memcpy(q.s + i, "...", 3);
        i += 3;
    }
    q.s[i] = 0;
    return q;
}

static int is_sep(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* The line without leading and trailing separators. */
static void trim(const char *s, size_t len, const char **ts, size_t *tl)
{
    while (len && is_sep(*s))
        s++, len--;
    while (len && is_sep(s[len - 1]))
        len--;
    *ts = s;
    *tl = len;
}

static int equals(const char *s, size_t len, const char *lit)
{
    return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

/* A line's fields (llr_arpa_split) with the line they are in. */
typedef struct fields {
    const char *s;
    llr_arpa_fields f;
} fields;

static void split(const char *s, size_t len, fields *f)
{
    f->s = s;
    llr_arpa_split(s, len, &f->f);
}

/* Field k (k < LLR_ARPA_MAX_FIELDS) and its length. */
static const char *at(const fields *f, int k)
{
    return f->s + f->f.off[k];
}

static size_t flen(const fields *f, int k)
{
    return f->f.len[k];
}

/* Parse a field as a double: 0 on success, -1 when it is not a number. */
static int parse_double(const char *s, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = 0;
    char *end;
    *out = strtod(buf, &end);
    return end == buf + len ? 0 : -1;
}

/* `\N-grams:` -> N (>= 1), else 0. */
static unsigned long long section_order(const char *s, size_t len)
{
    size_t i = 1;
    unsigned long long n;
    if (len < 2 || s[0] != '\\' || llr_arpa_parse_count(s, len, &i, &n) ||
        !equals(s + i, len - i, "-grams:") || n == 0)
        return 0;
    return n;
}

static int is_special(const char *w, size_t len)
{
    return equals(w, len, "<s>") || equals(w, len, "</s>") ||
           equals(w, len, "<unk>") || equals(w, len, "<UNK>");
}

/* The log10 probability and back-off fields of an n-gram line f (words at
 * fields 1..n); fills prob and bo (0 when absent). */
static int parse_numbers(parser *p, int n, const fields *f, double *prob,
                         double *bo)
{
    if (llr_arpa_check_fields(f->f.n, n)) {
        int words = f->f.n - 1;
        double x;
        if (f->f.n > n + 2 && f->f.n <= LLR_ARPA_MAX_FIELDS &&
            parse_double(at(f, f->f.n - 1), flen(f, f->f.n - 1), &x) == 0)
            words--;
        return fail_at(p, p->line, "expected %d word%s in a %d-gram line, "
                                   "got %d", n, n == 1 ? "" : "s", n, words);
    }
    int bad = parse_double(at(f, 0), flen(f, 0), prob) ? 1
              : !isfinite(*prob)                        ? 2
              : *prob > 0                               ? 3
                                                        : 0;
    if (bad) {
        static const char *why[] = {"", "is not a number", "is not finite",
                                    "is positive (a probability above 1)"};
        quoted q = quote(at(f, 0), flen(f, 0));
        return fail_at(p, p->line, "log10 probability '%s' %s", q.s,
                       why[bad]);
    }
    *bo = 0;
    if (f->f.n == n + 2) {
        bad = parse_double(at(f, n + 1), flen(f, n + 1), bo) ? 1
              : !isfinite(*bo)                             ? 2
                                                           : 0;
        quoted b = bad ? quote(at(f, n + 1), flen(f, n + 1)) : (quoted){""};
        if (bad == 1)
            return fail_at(p, p->line, "expected %d word%s in a %d-gram "
                                       "line, got %d ('%s' is not a "
                                       "back-off weight)",
                           n, n == 1 ? "" : "s", n, n + 1, b.s);
        if (bad == 2)
            return fail_at(p, p->line, "log10 back-off weight '%s' is not "
                                       "finite", b.s);
    }
    return 0;
}

static int add_unigram(parser *p, arpa *a, const fields *f, size_t *pool_cap,
                       size_t *pool_len)
{
    double prob, bo;
    if (parse_numbers(p, 1, f, &prob, &bo))
        return -1;
    const char *w = at(f, 1);
    size_t len = flen(f, 1);
    uint64_t h = hash_bytes(w, len);
    int old = find_word(a, w, len, h);
    if (old >= 0) {
        quoted q = quote(w, len);
        return fail_at(p, p->line, "duplicate 1-gram '%s' (first at line "
                                   "%zu)", q.s, a->uline[old]);
    }
    size_t cap;
    int grow = llr_arpa_pool_grow(*pool_len, *pool_cap, len, &cap);
    if (grow < 0)
        return fail_at(p, p->line, "out of memory");
    if (grow) {
        char *np = realloc(a->pool, cap);
        if (!np)
            return fail_at(p, p->line, "out of memory");
        a->pool = np;
        *pool_cap = cap;
    }
    int id = a->nwords++;
    memcpy(a->pool + *pool_len, w, len);
    a->pool[*pool_len + len] = 0;
    a->woff[id] = *pool_len;
    a->wlen[id] = len;
    *pool_len += len + 1;
    a->uprob[id] = prob;
    a->ubo[id] = bo;
    a->uline[id] = p->line;
    size_t i = llr_arpa_probe(h, a->wmask);
    while (a->wslot[i])
        i = llr_arpa_probe_next(i, a->wmask);
    a->wslot[i] = (h >> 32 << 32) | (uint64_t)(id + 1);
    if (equals(w, len, "<s>"))
        a->bos = id;
    return 0;
}

/* The n words of an n-gram line as text, for messages. */
static quoted ngram_text(const fields *f, int n)
{
    const char *b = at(f, 1);
    const char *end = at(f, n) + flen(f, n);
    return quote(b, (size_t)(end - b));
}

static int add_ngram(parser *p, arpa *a, int n, const fields *f)
{
    double prob, bo;
    if (parse_numbers(p, n, f, &prob, &bo))
        return -1;
    level *L = &a->lev[n];
    int32_t ids[LLR_ARPA_MAX_ORDER];
    for (int i = 0; i < n; i++) {
        const char *w = at(f, 1 + i);
        size_t len = flen(f, 1 + i);
        ids[i] = find_word(a, w, len, hash_bytes(w, len));
        if (ids[i] < 0) {
            quoted q = quote(w, len);
            return fail_at(p, p->line, "word '%s' in a %d-gram is not a "
                                       "unigram (not in \\1-grams:)",
                           q.s, n);
        }
    }
    /* The parent: the first n-1 words as an entry of order n-1. */
    uint64_t h = llr_arpa_hash_ids(ids, n - 1);
    L->parent[L->count] =
        n == 2 ? ids[0] : (int32_t)llr_arpa_find_ngram(&a->lev[n - 1], n - 1, ids, h);
    if (L->parent[L->count] < 0)
        L->orphans = 1;
    h = llr_arpa_hash_id(h, ids[n - 1]);
    long old = llr_arpa_find_ngram(L, n, ids, h);
    if (old >= 0) {
        quoted q = ngram_text(f, n);
        return fail_at(p, p->line, "duplicate %d-gram '%s' (first at line "
                                   "%zu)", n, q.s, L->line[old]);
    }
    size_t idx = L->count++;
    memcpy(L->ids + idx * (size_t)n, ids, (size_t)n * sizeof *ids);
    L->prob[idx] = prob;
    L->bo[idx] = bo;
    L->line[idx] = p->line;
    size_t i = llr_arpa_probe(h, L->mask);
    while (L->slot[i])
        i = llr_arpa_probe_next(i, L->mask);
    L->slot[i] = (h >> 32 << 32) | (uint64_t)(idx + 1);
    return 0;
}

/* Allocate the arrays for the declared counts (checked against the file's
 * size by the caller). */
static int allocate(parser *p, arpa *a)
{
    size_t c1 = a->lev[1].declared;
    size_t ws = llr_arpa_table_size(c1);
    size_t bz, bd;
    if (llr_arpa_alloc_size(c1, 1, sizeof(size_t), &bz) ||
        llr_arpa_alloc_size(c1, 1, sizeof(double), &bd))
        return fail_at(p, p->line, "out of memory");
    a->woff = malloc(bz);
    a->wlen = malloc(bz);
    a->uprob = malloc(bd);
    a->ubo = malloc(bd);
    a->uline = malloc(bz);
    a->wslot = calloc(ws, sizeof *a->wslot);
    a->wmask = ws - 1;
    if (!a->woff || !a->wlen || !a->uprob || !a->ubo || !a->uline ||
        !a->wslot)
        return fail_at(p, p->line, "out of memory");
    for (int n = 2; n <= a->N; n++) {
        level *L = &a->lev[n];
        size_t ts = llr_arpa_table_size(L->declared), bi, bp;
        if (llr_arpa_alloc_size(L->declared, (size_t)n, sizeof(int32_t),
                                &bi) ||
            llr_arpa_alloc_size(L->declared, 1, sizeof(double), &bd) ||
            llr_arpa_alloc_size(L->declared, 1, sizeof(size_t), &bz) ||
            llr_arpa_alloc_size(L->declared, 1, sizeof(int32_t), &bp))
            return fail_at(p, p->line, "out of memory");
        L->ids = malloc(bi);
        L->prob = malloc(bd);
        L->bo = malloc(bd);
        L->line = malloc(bz);
        L->slot = calloc(ts, sizeof *L->slot);
        L->mask = ts - 1;
        L->parent = malloc(bp);
        if (!L->ids || !L->prob || !L->bo || !L->line || !L->slot ||
            !L->parent)
            return fail_at(p, p->line, "out of memory");
    }
    return 0;
}

/* Parse an `ngram N=COUNT` line (trimmed) into its order and count. */
static int parse_ngram_decl(const char *s, size_t len, unsigned long long *n,
                            unsigned long long *count)
{
    if (len < 6 || memcmp(s, "ngram", 5) != 0 || !is_sep(s[5]))
        return -1;
    size_t i = 5;
    while (i < len && is_sep(s[i]))
        i++;
    if (llr_arpa_parse_count(s, len, &i, n))
        return -1;
    while (i < len && is_sep(s[i]))
        i++;
    if (i == len || s[i] != '=')
        return -1;
    i++;
    while (i < len && is_sep(s[i]))
        i++;
    if (llr_arpa_parse_count(s, len, &i, count) || i != len)
        return -1;
    return 0;
}

/* Build Sigma after the unigram section (ending at line `line`). */
static int make_sigma(parser *p, arpa *a, size_t line)
{
    int V = 0;
    size_t bytes;
    if (llr_arpa_alloc_size((size_t)a->nwords, 1, sizeof(int), &bytes))
        return fail_at(p, line, "out of memory");
    a->sigma = malloc(bytes);
    a->tok = malloc(bytes);
    if (!a->sigma || !a->tok)
        return fail_at(p, line, "out of memory");
    for (int i = 0; i < a->nwords; i++) {
        a->tok[i] = -1;
        if (!is_special(a->pool + a->woff[i], a->wlen[i])) {
            a->tok[i] = V;
            a->sigma[V++] = i;
        }
    }
    int rc = llr_arpa_check_vocab(V);
    if (rc == LLR_ARPA_FEW_WORDS)
        return fail_at(p, line, "the vocabulary has %d word%s besides <s>, "
                                "</s> and <unk>; need at least 2",
                       V, V == 1 ? "" : "s");
    if (rc == LLR_ARPA_MANY_WORDS)
        return fail_at(p, line, "the vocabulary has %d words besides <s>, "
                                "</s> and <unk>; at most %d are supported",
                       V, LLR_ARPA_MAX_VOCAB);
    return V;
}

enum { PRE, DATA, SECTION, DONE };

static int parse(parser *p, const char *buf, size_t len, arpa *a, int *V)
{
    int st = PRE, n = 0; /* n: the current section's order */
    size_t decl_line[LLR_ARPA_MAX_ORDER + 1] = {0};
    size_t sect_line = 0, need = 0, pool_cap = 0, pool_len = 0;
    const char *end = buf + len;
    const char *cur = buf;
    fields f;
    p->line = 0;
    while (st != DONE && cur < end) {
        const char *nl = memchr(cur, '\n', (size_t)(end - cur));
        const char *le = nl ? nl : end;
        p->line++;
        p->s = cur;
        p->len = (size_t)(le - cur);
        cur = nl ? nl + 1 : end;
        const char *ts;
        size_t tl;
        trim(p->s, p->len, &ts, &tl);
        if (st == PRE) {
            if (equals(ts, tl, "\\data\\"))
                st = DATA;
            continue;
        }
        if (tl == 0)
            continue;
        if (memchr(ts, 0, tl))
            return fail_at(p, p->line, "NUL byte in the line");
        if (st == DATA) {
            unsigned long long o, c;
            if (ts[0] == '\\') {
                int rc = llr_arpa_check_first_section(section_order(ts, tl),
                                                      a->N);
                if (rc == LLR_ARPA_NO_COUNTS)
                    return fail_at(p, p->line, "\\data\\ declares no n-gram "
                                               "counts (no 'ngram N=COUNT' "
                                               "lines)");
                if (rc) {
                    quoted q = quote(ts, tl);
                    return fail_at(p, p->line, "section '%s' out of order: "
                                               "expected \\1-grams: after "
                                               "the counts", q.s);
                }
                if (allocate(p, a))
                    return -1;
                st = SECTION;
                n = 1;
                sect_line = p->line;
                continue;
            }
            if (parse_ngram_decl(ts, tl, &o, &c)) {
                quoted q = quote(ts, tl);
                return fail_at(p, p->line, "expected 'ngram N=COUNT' in the "
                                           "\\data\\ header, got '%s'", q.s);
            }
            int rc = llr_arpa_check_decl(o, c, a->N, len, need, &need);
            if (rc == LLR_ARPA_ORDER_SEQ)
                return fail_at(p, p->line, "expected 'ngram %d=COUNT', got "
                                           "order %llu (orders must be "
                                           "declared 1, 2, ... in turn)",
                               a->N + 1, o);
            if (rc == LLR_ARPA_ORDER_HUGE)
                return fail_at(p, p->line, "order %llu is above the largest "
                                           "supported order %d", o,
                               LLR_ARPA_MAX_ORDER);
            if (rc == LLR_ARPA_TOO_MANY)
                return fail_at(p, p->line, "'ngram %llu=%llu' declares more "
                                           "n-grams than the file can hold",
                               o, c);
            if (rc == LLR_ARPA_COUNT_HUGE)
                return fail_at(p, p->line, "'ngram %llu=%llu': at most 2^31 "
                                           "- 1 n-grams of one order are "
                                           "supported", o, c);
            a->N = (int)o;
            a->lev[o].declared = (size_t)c;
            decl_line[o] = p->line;
            continue;
        }
        /* st == SECTION */
        if (ts[0] == '\\') {
            level *L = &a->lev[n];
            size_t have = n == 1 ? (size_t)a->nwords : L->count;
            if (llr_arpa_check_count(have, L->declared))
                return fail_at(p, p->line, "the \\%d-grams: section (line "
                                           "%zu) has %zu %d-gram%s, but "
                                           "'ngram %d=%zu' (line %zu) "
                                           "declared %zu",
                               n, sect_line, have, n, have == 1 ? "" : "s",
                               n, L->declared, decl_line[n], L->declared);
            if (n == 1 && (*V = make_sigma(p, a, sect_line)) < 0)
                return -1;
            if (equals(ts, tl, "\\end\\")) {
                if (n != a->N)
                    return fail_at(p, p->line, "\\end\\ before the "
                                               "\\%d-grams: section "
                                               "declared in \\data\\", n + 1);
                st = DONE;
                continue;
            }
            unsigned long long so = section_order(ts, tl);
            int rc = llr_arpa_check_section(so, n, a->N);
            if (rc == LLR_ARPA_NOT_SECTION) {
                quoted q = quote(ts, tl);
                return fail_at(p, p->line, "unexpected line '%s' (expected "
                                           "a section header like "
                                           "\\%d-grams: or \\end\\)",
                               q.s, n + 1);
            }
            if (rc == LLR_ARPA_UNDECLARED)
                return fail_at(p, p->line, "section \\%llu-grams: is not "
                                           "declared in \\data\\ (the "
                                           "highest order is %d)",
                               so, a->N);
            if (rc == LLR_ARPA_OUT_OF_ORDER)
                return fail_at(p, p->line, "section \\%llu-grams: out of "
                                           "order: expected \\%d-grams:",
                               so, n + 1);
            n++;
            sect_line = p->line;
            continue;
        }
        level *L = &a->lev[n];
        size_t have = n == 1 ? (size_t)a->nwords : L->count;
        if (llr_arpa_check_more(have, L->declared))
            return fail_at(p, p->line, "more %d-grams than the %zu declared "
                                       "by 'ngram %d=%zu' (line %zu)",
                           n, L->declared, n, L->declared, decl_line[n]);
        split(p->s, p->len, &f);
        if (n == 1 ? add_unigram(p, a, &f, &pool_cap, &pool_len)
                   : add_ngram(p, a, n, &f))
            return -1;
    }
    size_t last = p->line ? p->line : 1;
    if (st == PRE)
        return fail_at(p, last, "end of file without a \\data\\ line (not an "
                                "ARPA file?)");
    if (st == DATA)
        return fail_at(p, last, "end of file in the \\data\\ header (no "
                                "\\1-grams: section)");
    if (st == SECTION)
        return fail_at(p, last, "end of file in the \\%d-grams: section: "
                                "missing \\end\\", n);
    return 0;
}

/* The children lists of every level without orphans (see level). */
static int build_children(arpa *a)
{
    for (int n = 2; n <= a->N; n++) {
        level *L = &a->lev[n];
        if (L->orphans)
            continue;
        size_t np = n == 2 ? (size_t)a->nwords : a->lev[n - 1].count;
        size_t bytes;
        if (llr_arpa_alloc_size(L->count, 1, sizeof *L->kids, &bytes))
            return -1;
        L->first = calloc(np + 1, sizeof *L->first);
        L->kids = malloc(bytes);
        if (!L->first || !L->kids)
            return -1;
        /* Counting sort, stable: first[p] counts, then ends, then starts. */
        for (size_t i = 0; i < L->count; i++)
            L->first[L->parent[i]]++;
        for (size_t p = 1; p < np; p++)
            L->first[p] += L->first[p - 1];
        for (size_t i = L->count; i-- > 0;)
            L->kids[--L->first[L->parent[i]]] = (uint32_t)i;
        L->first[np] = (uint32_t)L->count;
    }
    return 0;
}

int llr_arpa_tables_parse(const char *bytes, size_t size, const char *name,
                          llr_arpa_tables **out, llr_error *e)
{
    *out = NULL;
    /* The parser works on a NUL-terminated copy. */
    char *buf = malloc(size + 1);
    arpa *a = calloc(1, sizeof *a);
    if (!buf || !a) {
        free(buf), free(a);
        return llr_fail(e, LLR_ENOMEM, "%s: out of memory", name);
    }
    if (size)
        memcpy(buf, bytes, size);
    buf[size] = 0;
    a->bos = -1;
    parser p = {name, e, 0, NULL, 0};
    int rc = parse(&p, buf, size, a, &a->V);
    free(buf);
    if (rc == 0 && build_children(a))
        rc = llr_fail(e, LLR_ENOMEM, "%s: out of memory", name);
    if (rc) {
        llr_arpa_tables_free(a);
        return -1;
    }
    /* Line numbers are only for loading messages. */
    free(a->uline);
    a->uline = NULL;
    for (int n = 2; n <= a->N; n++) {
        free(a->lev[n].line);
        free(a->lev[n].parent);
        a->lev[n].line = NULL;
        a->lev[n].parent = NULL;
    }
    *out = a;
    return 0;
}

int llr_arpa_tables_read(const char *path, llr_arpa_tables **out,
                         llr_error *e)
{
    unsigned char *buf;
    size_t len;
    *out = NULL;
    if (llr_read_file(path, &buf, &len, e))
        return -1;
    int rc = llr_arpa_tables_parse((const char *)buf, len, path, out, e);
    free(buf);
    return rc;
}
