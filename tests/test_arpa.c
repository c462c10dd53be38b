/* ARPA back-off n-gram models: hand-computed conditionals, errors with line
 * numbers, robustness on mutated files, and a model estimated by
 * tools/make_arpa.py. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/arpa.h"
#include "helpers.h"
#include "kernels/softmax.h"

#define LN10 2.302585092994045684017991454684364208

/* Write text to a file in the temporary directory; the path is copied into
 * path (tmp_path's buffer is reused). */
static const char *put(const char *name, const char *text, char *path)
{
    strcpy(path, write_bytes(name, text, strlen(text)));
    return path;
}

static llr_model *load_text(const char *name, const char *text, int T)
{
    char path[512];
    llr_model *m;
    llr_error err;
    put(name, text, path);
    cr_assert(llr_arpa_load(path, T, &m, &err) == 0, "%s", err.msg);
    return m;
}

/* The logits after prefix tok[0..len-1] equal centre(ln 10 * want) to
 * 1e-12, and their softmax is want's probabilities renormalised and sums
 * to 1. */
static void expect_logits(const llr_model *m, const int *tok, int len,
                          const double *want10)
{
    int V = m->V;
    double l[8], w[8], p[8];
    llr_error err;
    cr_assert(V <= 8);
    cr_assert(llr_model_logits(m, tok, len, l, &err) == 0, "%s", err.msg);
    double mean = 0, Z = 0;
    for (int z = 0; z < V; z++)
        mean += LN10 * want10[z] / V, Z += pow(10, want10[z]);
    for (int z = 0; z < V; z++) {
        w[z] = LN10 * want10[z] - mean;
        cr_assert(fabs(l[z] - w[z]) < 1e-12,
                  "prefix length %d token %d: logit %.17g, want %.17g", len,
                  z, l[z], w[z]);
    }
    llr_softmax(l, V, p);
    double s = 0;
    for (int z = 0; z < V; z++) {
        s += p[z];
        cr_assert(fabs(p[z] - pow(10, want10[z]) / Z) < 1e-12);
    }
    cr_assert(fabs(s - 1) < 1e-12, "sum %.17g", s);
}

static const char *BIGRAM =
    "Some text before the data section\n"
    "written by a tool\n"
    "\\data\\\n"
    "ngram 1=6\n"
    "ngram  2 = 5\n"
    "\n"
    "\\1-grams:\n"
    "-99\t<s>\t-0.30\n"
    "-0.5\t</s>\n"
    "-1.0 <unk>\n"
    "-0.4\ta\t-0.2\n"
    "-0.6  b  -0.1\r\n"
    "-0.9\tc\n"
    "\n"
    "\\2-grams:\n"
    "-0.2\t<s> a\n"
    "-0.5\t<s> b\n"
    "-0.3\ta b\n"
    "-0.7\ta a\n"
    "-0.1\tb </s>\n"
    "\n"
    "\\end\\\n"
    "trailing text is ignored\n";

Test(arpa, bigram_back_off_by_hand)
{
    llr_model *m = load_text("bi.arpa", BIGRAM, 5);
    cr_assert_str_eq(m->ops->kind, "arpa");
    cr_assert_eq(m->V, 3);
    cr_assert_eq(m->T, 5);
    cr_assert_eq(m->d, 0);
    cr_assert_eq(m->state_bytes, 2 * sizeof(int32_t));
    cr_assert_eq(llr_arpa_order(m), 2);
    cr_assert_str_eq(llr_arpa_word(m, 0), "a");
    cr_assert_str_eq(llr_arpa_word(m, 1), "b");
    cr_assert_str_eq(llr_arpa_word(m, 2), "c");
    cr_assert_null(llr_arpa_word(m, 3));
    /* Sigma = a b c. Position 1, context <s>: c backs off via bo(<s>). */
    expect_logits(m, NULL, 0, (double[]){-0.2, -0.5, -0.30 - 0.9});
    /* Context a: c backs off via bo(a). */
    expect_logits(m, (int[]){0}, 1, (double[]){-0.7, -0.3, -0.2 - 0.9});
    /* Context b: only b </s> is listed, so everything backs off. */
    expect_logits(m, (int[]){2, 1}, 2,
                  (double[]){-0.1 - 0.4, -0.1 - 0.6, -0.1 - 0.9});
    /* Context c: no back-off weight (0): the unigrams. */
    expect_logits(m, (int[]){0, 1, 2}, 3, (double[]){-0.4, -0.6, -0.9});
    expect_logits(m, (int[]){1, 1, 0, 0}, 4, (double[]){-0.7, -0.3, -1.1});
    llr_error err;
    cr_assert(llr_model_save(m, tmp_path("bi.st"), &err) != 0);
    cr_assert(strstr(err.msg, "read-only") != NULL, "%s", err.msg);
    assert_code(err, LLR_EUSAGE);
    llr_model_free(m);
}

static const char *TRIGRAM =
    "\\data\\\n"
    "ngram 1=5\n"
    "ngram 2=4\n"
    "ngram 3=3\n"
    "\n"
    "\\1-grams:\n"
    "-99 <s> -0.5\n"
    "-0.7 </s>\n"
    "-0.3 x -0.25\n"
    "-0.5 y -0.15\n"
    "-0.8 z\n"
    "\n"
    "\\2-grams:\n"
    "-0.2 <s> x -0.05\n"
    "-0.4 x y -0.35\n"
    "-0.6 y x\n"
    "-0.9 x x 0.1\n"
    "\n"
    "\\3-grams:\n"
    "-0.1 <s> x y\n"
    "-0.45 x y z\n"
    "-0.25 x x x\n"
    "\n"
    "\\end\\\n";

static void check_trigram(llr_model *m)
{
    cr_assert_eq(m->V, 3);
    cr_assert_eq(m->state_bytes, 3 * sizeof(int32_t));
    enum { X, Y, Z };
    cr_assert_eq(llr_arpa_order(m), 3);
    /* <s>: bigrams, then bo(<s>) + unigram. */
    expect_logits(m, NULL, 0, (double[]){-0.2, -0.5 - 0.5, -0.5 - 0.8});
    /* <s> x: x via bo(<s> x) + P(x|x); y listed; z via bo(<s> x) + bo(x)
     * + P(z). */
    expect_logits(m, (int[]){X}, 1,
                  (double[]){-0.05 - 0.9, -0.1, -0.05 - 0.25 - 0.8});
    /* x y: x via bo(x y) + P(x|y); y via bo(x y) + bo(y) + P(y); z listed. */
    expect_logits(m, (int[]){X, Y}, 2,
                  (double[]){-0.35 - 0.6, -0.35 - 0.15 - 0.5, -0.45});
    /* (x y) x -> context y x: no back-off weight, P(.|x). */
    expect_logits(m, (int[]){X, Y, X}, 3,
                  (double[]){-0.9, -0.4, -0.25 - 0.8});
    /* x x: a positive back-off weight 0.1. */
    expect_logits(m, (int[]){X, X}, 2,
                  (double[]){-0.25, 0.1 - 0.4, 0.1 - 0.25 - 0.8});
    /* z: context <s> z is not listed, z has no back-off: unigrams. */
    expect_logits(m, (int[]){Z}, 1, (double[]){-0.3, -0.5, -0.8});
    expect_logits(m, (int[]){Y, Z, Y, Z}, 4, (double[]){-0.3, -0.5, -0.8});
}

Test(arpa, trigram_back_off_by_hand)
{
    llr_model *m = load_text("tri.arpa", TRIGRAM, 6);
    check_trigram(m);
    llr_model_free(m);
}

/* A 3-gram whose first two words are not a listed 2-gram (an "orphan"):
 * the logits then look up every token instead of walking child lists, and
 * the values are the same. */
Test(arpa, trigram_with_an_orphan_n_gram)
{
    char *text = malloc(strlen(TRIGRAM) + 64);
    cr_assert(text);
    strcpy(text, TRIGRAM);
    char *at = strstr(text, "\n\n\\end\\");
    cr_assert(at);
    strcpy(at, "\n-0.33 z z x\n\n\\end\\\n");
    at = strstr(text, "ngram 3=3");
    at[8] = '4';
    llr_model *m = load_text("orphan.arpa", text, 6);
    check_trigram(m);
    /* z z: x from the orphan 3-gram; y and z from the unigrams. */
    expect_logits(m, (int[]){2, 2}, 2, (double[]){-0.33, -0.5, -0.8});
    llr_model_free(m);
    free(text);
}

Test(arpa, unigram_model_and_no_sentence_start)
{
    /* Order 1; no <s> at all; <UNK> is special too. */
    llr_model *m = load_text("uni.arpa",
                             "\\data\\\nngram 1=4\n\\1-grams:\n"
                             "-0.1 p\n-0.2 <UNK>\n-0.3 q\n-0.4 r\n\\end\\\n",
                             3);
    cr_assert_eq(m->V, 3);
    cr_assert_eq(m->state_bytes, sizeof(int32_t));
    expect_logits(m, NULL, 0, (double[]){-0.1, -0.3, -0.4});
    expect_logits(m, (int[]){2, 1}, 2, (double[]){-0.1, -0.3, -0.4});
    llr_model_free(m);
    /* A bigram model without <s>: position 1 uses the unigrams. */
    m = load_text("nos.arpa",
                  "\\data\\\nngram 1=2\nngram 2=1\n\\1-grams:\n"
                  "-0.1 p -0.5\n-0.2 q\n\\2-grams:\n-0.01 p q\n\\end\\\n",
                  3);
    expect_logits(m, NULL, 0, (double[]){-0.1, -0.2});
    expect_logits(m, (int[]){0}, 1, (double[]){-0.5 - 0.1, -0.01});
    llr_model_free(m);
}

/* ---- errors ---- */

/* Loading text fails with a message that holds "PATH:LINE:" and word. */
static void expect_error(const char *text, int T, int line, const char *word)
{
    static int serial;
    char name[64], path[512], where[600];
    snprintf(name, sizeof name, "bad%d.arpa", serial++);
    put(name, text, path);
    llr_model *m = (llr_model *)1;
    llr_error err;
    memset(err.msg, 0, sizeof err.msg);
    cr_assert(llr_arpa_load(path, T, &m, &err) != 0,
              "loaded, but expected an error with '%s'", word);
    cr_assert_null(m);
    if (line > 0) {
        snprintf(where, sizeof where, "%s:%d: ", path, line);
        cr_assert(strstr(err.msg, where) != NULL, "want '%s' in: %s", where,
                  err.msg);
    } else {
        cr_assert(strstr(err.msg, path) != NULL, "%s", err.msg);
    }
    cr_assert(strstr(err.msg, word) != NULL, "want '%s' in: %s", word,
              err.msg);
    assert_code(err, LLR_EINPUT);
}

#define HEAD "\\data\\\nngram 1=4\nngram 2=2\n\n\\1-grams:\n" /* 5 lines */
#define UNI "-99 <s> -0.1\n-0.5 </s>\n-0.3 a -0.2\n-0.2 b\n" /* 6..9 */

Test(arpa, malformed_files_name_the_line_and_the_problem)
{
    /* Missing \data\ (the end of file, line 2). */
    expect_error("hello\nworld\n", 3, 2, "\\data\\");
    expect_error("", 3, 1, "\\data\\");
    /* The \data\ header. */
    expect_error("\\data\\\nngram 1=4\nngrams 2=2\n", 3, 3, "ngram N=COUNT");
    expect_error("\\data\\\nngram 1=4\nngram 3=2\n", 3, 3, "order 3");
    expect_error("\\data\\\nngram 1=4\nngram 1=4\n", 3, 3, "order 1");
    expect_error("\\data\\\n\\1-grams:\n", 3, 2, "no n-gram counts");
    expect_error("\\data\\\nngram 1=400\n\\1-grams:\n-1 a\n", 3, 2,
                 "more n-grams than the file can hold");
    expect_error("\\data\\\nngram 1=4\n", 3, 2, "end of file");
    /* Sections out of order or undeclared. */
    expect_error("\\data\\\nngram 1=4\nngram 2=2\n\\2-grams:\n", 3, 4,
                 "out of order");
    expect_error(HEAD UNI "\\3-grams:\n", 3, 10, "not declared");
    expect_error("\\data\\\nngram 1=4\nngram 2=0\nngram 3=0\n\\1-grams:\n" UNI
                 "\\3-grams:\n",
                 3, 10, "out of order");
    expect_error(HEAD UNI "\\end\\\n", 3, 10, "\\end\\ before");
    expect_error(HEAD UNI "\\foo\n", 3, 10, "unexpected line");
    /* Counts that disagree with the sections. */
    expect_error(HEAD UNI "\\2-grams:\n-0.1 a b\n\\end\\\n", 3, 12,
                 "declared 2");
    expect_error(HEAD UNI "\\2-grams:\n-0.1 a b\n-0.1 b a\n-0.1 a a\n"
                 "\\end\\\n",
                 3, 13, "more 2-grams than the 2 declared");
    expect_error("\\data\\\nngram 1=5\nngram 2=2\n\n\\1-grams:\n" UNI
                 "\\2-grams:\n",
                 3, 10, "has 4 1-grams");
    /* Word counts. */
    expect_error(HEAD UNI "\\2-grams:\n-0.1 a\n", 3, 11,
                 "expected 2 words in a 2-gram line, got 1");
    expect_error(HEAD UNI "\\2-grams:\n-0.1 a b a -0.5\n", 3, 11,
                 "expected 2 words in a 2-gram line, got 3");
    expect_error(HEAD UNI "\\2-grams:\n-0.1 a b a\n", 3, 11,
                 "expected 2 words in a 2-gram line, got 3");
    expect_error("\\data\\\nngram 1=2\nngram 2=1\nngram 3=1\n\\1-grams:\n"
                 "-0.1 a\n-0.1 b\n\\2-grams:\n-0.1 a a\n\\3-grams:\n"
                 "-0.1 a a\n",
                 3, 11, "expected 3 words in a 3-gram line, got 2");
    expect_error("\\data\\\nngram 1=2\n\\1-grams:\n-0.1\n", 3, 4,
                 "expected 1 word in a 1-gram line, got 0");
    /* Words that are not unigrams. */
    expect_error(HEAD UNI "\\2-grams:\n-0.1 a c\n", 3, 11,
                 "word 'c' in a 2-gram is not a unigram");
    /* Probabilities and back-off weights. */
    expect_error(HEAD "-99 <s>\n-0.5x </s>\n", 3, 7,
                 "'-0.5x' is not a number");
    expect_error(HEAD "-99 <s>\ninf </s>\n", 3, 7, "not finite");
    expect_error(HEAD "-99 <s>\n-nan </s>\n", 3, 7, "not finite");
    expect_error(HEAD "-99 <s>\n0.25 </s>\n", 3, 7, "positive");
    expect_error(HEAD "-99 <s>\n-0.5 </s> 1e999\n", 3, 7, "not finite");
    expect_error(HEAD "-99 <s>\n-0.5 </s> abc\n", 3, 7, "back-off");
    /* Duplicates. */
    expect_error(HEAD "-99 <s>\n-0.5 a\n-0.1 a\n", 3, 8,
                 "duplicate 1-gram 'a' (first at line 7)");
    expect_error(HEAD UNI "\\2-grams:\n-0.1 a b\n-0.2\ta  b\n", 3, 12,
                 "duplicate 2-gram 'a  b' (first at line 11)");
    /* Missing \end\. */
    expect_error(HEAD UNI "\\2-grams:\n-0.1 a b\n-0.2 b a\n", 3, 12,
                 "missing \\end\\");
    expect_error(HEAD UNI "\\2-grams:\n-0.1 a b\n-0.2 b a", 3, 12,
                 "missing \\end\\");
    /* Empty vocabulary after removing the special tokens. */
    expect_error("\\data\\\nngram 1=4\n\\1-grams:\n-99 <s>\n-1 </s>\n"
                 "-1 <unk>\n-1 a\n\\end\\\n",
                 3, 3, "need at least 2");
    /* The horizon. */
    expect_error(BIGRAM, 0, 0, "horizon 0 is outside [1, 4096]");
    expect_error(BIGRAM, 4097, 0, "horizon 4097");
    /* NUL bytes. */
    char path[512];
    static const char nul[] = "\\data\\\nngram 1=2\n\\1-grams:\n-1 a\0b\n";
    strcpy(path, write_bytes("nul.arpa", nul, sizeof nul - 1));
    llr_model *m;
    llr_error err;
    cr_assert(llr_arpa_load(path, 3, &m, &err) != 0);
    cr_assert(strstr(err.msg, ":4: NUL byte") != NULL, "%s", err.msg);
    /* A file that does not exist. */
    cr_assert(llr_arpa_load(tmp_path("absent.arpa"), 3, &m, &err) != 0);
    cr_assert(strstr(err.msg, "cannot open") != NULL, "%s", err.msg);
    assert_code(err, LLR_EIO);
}

/* Mutated and truncated files load or fail, never crash (ASan). */
Test(arpa, mutations_never_crash, .timeout = 120)
{
    const char *src = TRIGRAM;
    size_t n = strlen(src);
    char *buf = malloc(n + 64);
    cr_assert(buf);
    llr_prng g;
    llr_prng_seed(&g, 12345);
    int loaded = 0;
    char path[512];
    strcpy(path, tmp_path("mut.arpa"));
    static const char alphabet[] = " \t\n\r\\-0123456789.e<>s/xyzngram=:#";
    for (int it = 0; it < 1500; it++) {
        size_t len = n;
        memcpy(buf, src, n);
        if (it < (int)n) {
            len = (size_t)it; /* every truncation */
        } else {
            int k = 1 + (int)llr_prng_below(&g, 4);
            for (int j = 0; j < k; j++) {
                size_t at = (size_t)llr_prng_below(&g, len);
                int op = (int)llr_prng_below(&g, 3);
                char c = alphabet[llr_prng_below(&g, sizeof alphabet - 1)];
                if (op == 0) {
                    buf[at] = c;
                } else if (op == 1 && len + 1 < n + 64) {
                    memmove(buf + at + 1, buf + at, len - at);
                    buf[at] = c, len++;
                } else if (len > 1) {
                    memmove(buf + at, buf + at + 1, len - at - 1);
                    len--;
                }
            }
        }
        FILE *f = fopen(path, "wb");
        cr_assert(f);
        cr_assert(fwrite(buf, 1, len, f) == len || len == 0);
        fclose(f);
        llr_model *m;
        llr_error err;
        if (llr_arpa_load(path, 4, &m, &err) == 0) {
            loaded++;
            int seq[4];
            llr_prng s;
            llr_prng_seed(&s, (uint64_t)it);
            if (llr_model_sample(m, &s, seq, &err) == 0)
                for (int t = 0; t < 4; t++)
                    cr_assert(seq[t] >= 0 && seq[t] < m->V);
            llr_model_free(m);
        } else {
            cr_assert(strstr(err.msg, path) != NULL, "%s", err.msg);
        }
    }
    cr_assert(loaded > 0);
    free(buf);
}

/* ---- a naive reader: linear search over the n-grams, for comparison ---- */

typedef struct naive_gram {
    int n;
    char *w[8];
    double prob, bo;
} naive_gram;

typedef struct naive {
    int N, count;
    naive_gram *g;
} naive;

static void naive_read(const char *path, naive *nv)
{
    FILE *f = fopen(path, "r");
    cr_assert(f);
    char line[4096];
    int n = 0;
    nv->N = 0, nv->count = 0;
    nv->g = NULL;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "ngram ", 6) == 0)
            nv->N++;
        if (sscanf(line, "\\%d-grams:", &n) == 1 || line[0] == '\\' ||
            n == 0)
            continue;
        char *tok[10], *save;
        int k = 0;
        for (char *t = strtok_r(line, " \t\r\n", &save); t && k < 10;
             t = strtok_r(NULL, " \t\r\n", &save))
            tok[k++] = t;
        if (k == 0)
            continue;
        cr_assert(k == n + 1 || k == n + 2);
        nv->g = realloc(nv->g, (size_t)(nv->count + 1) * sizeof *nv->g);
        naive_gram *g = &nv->g[nv->count++];
        g->n = n;
        g->prob = strtod(tok[0], NULL);
        g->bo = k == n + 2 ? strtod(tok[n + 1], NULL) : 0;
        for (int i = 0; i < n; i++)
            g->w[i] = strdup(tok[1 + i]);
    }
    fclose(f);
}

static void naive_free(naive *nv)
{
    for (int i = 0; i < nv->count; i++)
        for (int j = 0; j < nv->g[i].n; j++)
            free(nv->g[i].w[j]);
    free(nv->g);
}

static const naive_gram *naive_find(const naive *nv, char **w, int n)
{
    for (int i = 0; i < nv->count; i++) {
        const naive_gram *g = &nv->g[i];
        int j = 0;
        if (g->n != n)
            continue;
        while (j < n && strcmp(g->w[j], w[j]) == 0)
            j++;
        if (j == n)
            return g;
    }
    return NULL;
}

/* log10 P(w[n-1] | w[0..n-2]) by the back-off rule. */
static double naive_p10(const naive *nv, char **w, int n)
{
    const naive_gram *g = naive_find(nv, w, n);
    if (g)
        return g->prob;
    cr_assert(n > 1);
    const naive_gram *c = naive_find(nv, w, n - 1);
    return (c ? c->bo : 0) + naive_p10(nv, w + 1, n - 1);
}

/* m's logits after prefix tok[0..len-1] agree with the naive reader's. */
static void naive_compare(const llr_model *m, const naive *nv, const int *tok,
                          int len)
{
    int V = m->V, N = nv->N;
    char *ctx[64];
    int k = 0;
    /* <s> w_1 .. w_len, keep the last N-1. */
    char *all[64];
    cr_assert(len < 60);
    all[0] = "<s>";
    for (int i = 0; i < len; i++)
        all[1 + i] = (char *)llr_arpa_word(m, tok[i]);
    for (int i = (len + 1 > N - 1 ? len + 1 - (N - 1) : 0); i <= len; i++)
        ctx[k++] = all[i];
    if (N == 1)
        k = 0;
    double *l = malloc((size_t)V * sizeof *l), *w = malloc((size_t)V * sizeof *w);
    llr_error err;
    cr_assert(llr_model_logits(m, tok, len, l, &err) == 0, "%s", err.msg);
    for (int z = 0; z < V; z++) {
        ctx[k] = (char *)llr_arpa_word(m, z);
        w[z] = LN10 * naive_p10(nv, ctx, k + 1);
    }
    llr_centre(w, V, w);
    for (int z = 0; z < V; z++)
        cr_assert(fabs(l[z] - w[z]) < 1e-12, "len %d token %d: %.17g vs %.17g",
                  len, z, l[z], w[z]);
    free(l);
    free(w);
}

/* Models of README.md of orders 1, 2 and 4 estimated by tools/make_arpa.py
 * give the naive reader's logits along sampled sequences. */
Test(arpa, estimated_models_agree_with_a_naive_reader, .timeout = 300)
{
    for (int N = 1; N <= 4; N += 1 + (N == 2)) {
        char path[512], cmd[1200];
        snprintf(cmd, sizeof cmd, "readme%d.arpa", N);
        strcpy(path, tmp_path(cmd));
        snprintf(cmd, sizeof cmd,
                 "/usr/bin/python3 tools/make_arpa.py --order %d README.md "
                 "'%s'", N, path);
        cr_assert_eq(system(cmd), 0, "%s failed", cmd);
        llr_model *m;
        llr_error err;
        cr_assert(llr_arpa_load(path, 8, &m, &err) == 0, "%s", err.msg);
        naive nv;
        naive_read(path, &nv);
        cr_assert_eq(nv.N, N);
        llr_prng g;
        llr_prng_seed(&g, (uint64_t)N);
        int seq[8];
        for (int r = 0; r < 2; r++) {
            cr_assert(llr_model_sample(m, &g, seq, &err) == 0, "%s", err.msg);
            for (int t = r; t < 8; t += 2)
                naive_compare(m, &nv, seq, t);
        }
        naive_free(&nv);
        llr_model_free(m);
    }
}

/* A trigram model of README.md estimated by tools/make_arpa.py. */
Test(arpa, estimated_model_loads_and_samples, .timeout = 120)
{
    char path[512], cmd[1200];
    strcpy(path, tmp_path("readme.arpa"));
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 tools/make_arpa.py --order 3 --verify "
             "README.md '%s'", path);
    cr_assert_eq(system(cmd), 0, "%s failed", cmd);
    llr_model *m;
    llr_error err;
    cr_assert(llr_arpa_load(path, 12, &m, &err) == 0, "%s", err.msg);
    cr_assert(m->V > 50, "V = %d", m->V);
    cr_assert_eq(llr_arpa_order(m), 3);
    naive nv;
    naive_read(path, &nv);
    for (int r = 0; r < 2; r++) {
        llr_prng g;
        int seq[12];
        llr_prng_seed(&g, 100 + (uint64_t)r);
        cr_assert(llr_model_sample(m, &g, seq, &err) == 0, "%s", err.msg);
        for (int t = 0; t < 12; t++)
            naive_compare(m, &nv, seq, t);
    }
    naive_free(&nv);
    double *l = malloc((size_t)m->V * sizeof *l);
    double *p = malloc((size_t)m->V * sizeof *p);
    int seq[12];
    llr_prng g;
    llr_prng_seed(&g, 7);
    for (int r = 0; r < 20; r++) {
        cr_assert(llr_model_sample(m, &g, seq, &err) == 0, "%s", err.msg);
        for (int t = 0; t < 12; t++)
            cr_assert(seq[t] >= 0 && seq[t] < m->V);
        double lp;
        cr_assert(llr_model_logprob(m, seq, 12, &lp, &err) == 0, "%s",
                  err.msg);
        cr_assert(isfinite(lp) && lp < 0);
        for (int t = 0; t < 12; t += 5) {
            cr_assert(llr_model_logits(m, seq, t, l, &err) == 0, "%s",
                      err.msg);
            double mean = 0, s = 0;
            for (int z = 0; z < m->V; z++)
                mean += l[z];
            cr_assert(fabs(mean / m->V) < 1e-9, "not centred: %g", mean);
            llr_softmax(l, m->V, p);
            for (int z = 0; z < m->V; z++)
                s += p[z];
            cr_assert(fabs(s - 1) < 1e-12);
        }
    }
    /* The first word of README.md ("#") is the first token. */
    cr_assert_str_eq(llr_arpa_word(m, 0), "#");
    free(l);
    free(p);
    llr_model_free(m);
}
