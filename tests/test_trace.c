/* Tests of the trace sink (trace.c), the trace comparison (tracediff.c)
 * and the distance hooks that llr check uses. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "measure/distance.h"
#include "helpers.h"
#include "models/isan.h"
#include "models/approx.h"
#include "base/prng.h"
#include "learn/spanner.h"
#include "io/trace.h"
#include "conformance/tracediff.h"

/* Every double prints as a JSON real that strtod reads back bit for bit. */
Test(trace, reals_round_trip_and_stay_reals)
{
    llr_prng g;
    llr_prng_seed(&g, 11);
    double fixed[] = {0.0, -0.0, 1.0, -2.0, 1e300, 5e-324, 0.1, 1e22,
                      123456789.0, -1.7976931348623157e308};
    char buf[40];
    for (int i = 0; i < 10000; i++) {
        double x;
        if (i < 10)
            x = fixed[i];
        else {
            uint64_t u = llr_prng_next(&g);
            memcpy(&x, &u, sizeof x);
            if (!isfinite(x))
                continue;
        }
        llr_trace_format_real(x, buf, sizeof buf);
        cr_assert(strpbrk(buf, ".e"), "%s is not a JSON real", buf);
        double y = strtod(buf, NULL);
        cr_assert(memcmp(&x, &y, sizeof x) == 0, "%s does not round-trip",
                  buf);
    }
    llr_trace_format_real(NAN, buf, sizeof buf);
    cr_assert_str_eq(buf, "\"NaN\"");
    llr_trace_format_real(-INFINITY, buf, sizeof buf);
    cr_assert_str_eq(buf, "\"-Infinity\"");
}

Test(trace, lines_have_seq_type_and_escaped_strings)
{
    char *out;
    size_t len;
    FILE *f = open_memstream(&out, &len);
    llr_trace t;
    llr_trace_init(&t, f);
    int v[] = {1, 2, 3, 4};
    double r[] = {0.5, 2};
    llr_trace_begin(&t, "a");
    llr_trace_int(&t, "n", -3);
    llr_trace_str(&t, "s", "q\"b\\\n");
    llr_trace_end(&t);
    llr_trace_begin(&t, "b");
    llr_trace_int_rows(&t, "rows", v, 2, 2);
    llr_trace_reals(&t, "x", r, 2);
    llr_trace_u64str(&t, "seed", UINT64_MAX);
    llr_trace_bool(&t, "ok", 1);
    llr_trace_end(&t);
    /* A NULL sink writes nothing and does not crash. */
    llr_trace_begin(NULL, "c");
    llr_trace_int(NULL, "n", 1);
    llr_trace_end(NULL);
    fclose(f);
    cr_assert_str_eq(out,
                     "{\"seq\": 0, \"type\": \"a\", \"n\": -3, \"s\": "
                     "\"q\\\"b\\\\\\u000a\"}\n"
                     "{\"seq\": 1, \"type\": \"b\", \"rows\": [[1, 2], [3, "
                     "4]], \"x\": [0.5, 2.0], \"seed\": "
                     "\"18446744073709551615\", \"ok\": true}\n");
    free(out);
}

/* The spanner's exchanges are traced: one swap line per exchange, whose
 * coefficient exceeds the box. The rows are SplitMix64 draws (seed 76)
 * for which the greedy start needs an exchange at box 1.1. */
Test(trace, spanner_exchanges_are_traced)
{
    llr_prng g;
    llr_prng_seed(&g, 76);
    int n = 12, m = 4, d = 3;
    double X[48];
    for (int i = 0; i < n * m; i++)
        X[i] = (double)((llr_prng_next(&g) >> 11) % 2001) / 100.0 - 10.0;
    for (int i = 0; i < n; i++) {
        double s = 1 + (double)((llr_prng_next(&g) >> 11) % 300) / 100.0;
        for (int j = 0; j < m; j++)
            X[i * m + j] *= s;
    }
    char *out;
    size_t len;
    FILE *f = open_memstream(&out, &len);
    llr_trace t;
    llr_trace_init(&t, f);
    int idx[3];
    llr_spanner_result r;
    llr_error e;
    llr_spanner_opts so = {d, 1.1, 1e-9, 0, 0, &t};
    cr_assert(llr_spanner(X, n, m, &so, idx, &r, &e) == 0, "%s", e.msg);
    fclose(f);
    cr_assert(r.swaps >= 1);
    int swaps = 0;
    for (char *p = out; (p = strstr(p, "\"type\": \"spanner_swap\"")); p++) {
        swaps++;
        double c = strtod(strstr(p, "\"coef\": ") + 8, NULL);
        cr_assert(fabs(c) > 1.1, "swap coefficient %g within the box", c);
    }
    cr_assert_eq(swaps, r.swaps);
    cr_assert(strstr(out, "\"type\": \"spanner_initial\", \"rows\": 12, "
                          "\"columns\": 4"));
    /* Untraced, the same choice. */
    int idx2[3];
    llr_spanner_result r2;
    so.trace = NULL;
    cr_assert(llr_spanner(X, n, m, &so, idx2, &r2, &e) == 0);
    cr_assert(memcmp(idx, idx2, sizeof idx) == 0 && r2.swaps == r.swaps);
    free(out);
}

/* write_bytes returns a path in a static buffer: a copy to free. */
static char *put(const char *name, const char *text)
{
    return strdup(write_bytes(name, text, strlen(text)));
}

/* llr_tracediff_files after releasing what r held. */
static int td(const char *a, const char *b, const llr_tracediff_opts *o,
              llr_tracediff *r, llr_error *e)
{
    llr_tracediff_free(r);
    return llr_tracediff_files(a, b, o, r, e);
}

Test(tracediff, equal_divergent_and_tolerant)
{
    char *a = put("a.jsonl",
                        "{\"seq\": 0, \"type\": \"epoch_begin\", \"epoch\": 2}\n"
                        "{\"seq\": 1, \"type\": \"lp\", \"x\": [1.0, 2.5], "
                        "\"ok\": true}\n");
    char *b = put("b.jsonl",
                        "{\"type\": \"epoch_begin\", \"seq\": 0, \"epoch\": 2}\n"
                        "{\"seq\": 1, \"type\": \"lp\", \"x\": [1.0, "
                        "2.5000000001], \"ok\": true}\n");
    llr_tracediff r = {0};
    llr_error e;
    llr_tracediff_opts rel = {.rtol = 1e-9}, abs_ = {.atol = 2e-10},
                       loose = {.rtol = 1, .atol = 1};
    cr_assert(td(a, a, NULL, &r, &e) == 0);
    cr_assert(r.equal && r.lines == 2 && r.max_abs == 0);
    cr_assert(td(a, b, NULL, &r, &e) == 0);
    cr_assert(!r.equal);
    cr_assert_eq(r.line, 2);
    cr_assert_str_eq(r.div[0].path, "$.x[1]");
    cr_assert_str_eq(r.div[0].a, "2.5");
    cr_assert_eq(r.div[0].ctx[0].line, 1);
    cr_assert_eq(r.div[0].ctx[0].value, 2);
    cr_assert_str_eq(r.div[0].ctx[0].type, "epoch_begin");
    /* Key order does not matter; the difference 1e-10 passes rtol 1e-9. */
    cr_assert(td(a, b, &rel, &r, &e) == 0);
    cr_assert(r.equal);
    cr_assert(r.max_abs > 0.9e-10 && r.max_abs < 1.1e-10);
    cr_assert(td(a, b, &abs_, &r, &e) == 0);
    cr_assert(r.equal);
    /* Integers are compared exactly, whatever the tolerance. */
    char *c = put("c.jsonl",
                        "{\"seq\": 0, \"type\": \"epoch_begin\", \"epoch\": 3}\n");
    cr_assert(td(a, c, &loose, &r, &e) == 0);
    cr_assert(!r.equal && r.line == 1);
    cr_assert_str_eq(r.div[0].path, "$.epoch");
    /* Types: a boolean against a string. */
    char *d = put("d.jsonl",
                        "{\"seq\": 0, \"type\": \"epoch_begin\", \"epoch\": 2}\n"
                        "{\"seq\": 1, \"type\": \"lp\", \"x\": [1.0, 2.5], "
                        "\"ok\": \"yes\"}\n");
    cr_assert(td(a, d, NULL, &r, &e) == 0);
    cr_assert(!r.equal);
    cr_assert_str_eq(r.div[0].path, "$.ok");
    cr_assert(strstr(r.div[0].what, "boolean against string"), "%s",
              r.div[0].what);
    /* Malformed: the file and line are named. */
    char *m = put("m.jsonl",
                  "{\"seq\": 0, \"type\": \"epoch_begin\", \"epoch\": 2}\n"
                  "{\"seq\": 1,,}\n");
    cr_assert(td(a, m, NULL, &r, &e) != 0);
    cr_assert(strstr(e.msg, "m.jsonl, line 2: not valid JSON"), "%s", e.msg);
    assert_code(e, LLR_EINPUT);
    llr_tracediff_free(&r);
    free(a), free(b), free(c), free(d), free(m);
}


/* Ignored fields (by name, by path, per type), ignored line types, and
 * --all: every divergence, one per top-level field, with a summary. */
Test(tracediff, ignore_and_all)
{
    char *a = put("ia.jsonl",
        "{\"seq\": 0, \"type\": \"query\", \"prefix\": [], \"logits\": "
        "[0.5, -0.5], \"calls\": 1}\n"
        "{\"seq\": 1, \"type\": \"validate\", \"epoch\": 1, \"sample\": 0}\n"
        "{\"seq\": 2, \"type\": \"lp\", \"t\": 1, \"c\": [1.0, 2.0, 3.0], "
        "\"objective\": 0.0}\n"
        "{\"seq\": 3, \"type\": \"learn_end\", \"calls\": 9, "
        "\"tokens\": 30}\n");
    char *b = put("ib.jsonl",
        "{\"seq\": 0, \"type\": \"query\", \"prefix\": [], \"logits\": "
        "[0.5, -0.5], \"calls\": 2}\n"
        "{\"seq\": 1, \"type\": \"validate\", \"epoch\": 1, \"sample\": 0}\n"
        "{\"seq\": 2, \"type\": \"lp\", \"t\": 1, \"c\": [1.0, 2.5, 3.5], "
        "\"objective\": 1.0}\n"
        "{\"seq\": 3, \"type\": \"learn_end\", \"calls\": 7, "
        "\"tokens\": 31}\n");
    llr_tracediff r = {0};
    llr_error e;
    const char *bk[] = {"calls", "tokens"};
    llr_tracediff_opts o = {.ignore = bk, .nignore = 2, .all = 1};
    cr_assert(td(a, b, &o, &r, &e) == 0);
    /* Left: lp.c (two elements) and lp.objective, nothing else. */
    cr_assert_eq(r.ndiv, 2);
    cr_assert_eq(r.nlisted, 2);
    cr_assert_str_eq(r.div[0].field, "lp.c");
    cr_assert_str_eq(r.div[0].path, "$.c[1]");
    cr_assert_eq(r.div[0].elements, 2);
    cr_assert_eq(r.div[0].line_a, 3);
    cr_assert_eq(r.div[0].ctx[2].value, 0); /* sample 0 */
    cr_assert_eq(r.div[0].ctx[2].line, 2);
    cr_assert_str_eq(r.div[1].field, "lp.objective");
    cr_assert_eq(r.ncounts, 2);
    /* Without --all: the first divergence only (calls, line 1). */
    cr_assert(td(a, b, NULL, &r, &e) == 0);
    cr_assert(r.ndiv == 1 && r.line == 1);
    cr_assert_str_eq(r.div[0].path, "$.calls");
    /* Paths, [*], and TYPE: prefixes. */
    const char *p1[] = {"calls", "tokens", "$.c[*]", "lp:objective"};
    llr_tracediff_opts o1 = {.ignore = p1, .nignore = 4, .all = 1};
    cr_assert(td(a, b, &o1, &r, &e) == 0);
    cr_assert(r.equal, "%ld divergences, first %s", r.ndiv,
              r.ndiv ? r.div[0].path : "");
    const char *p2[] = {"calls", "tokens", "$.c[1]", "query:$.objective",
                        "$.objective"};
    llr_tracediff_opts o2 = {.ignore = p2, .nignore = 5, .all = 1};
    cr_assert(td(a, b, &o2, &r, &e) == 0);
    cr_assert_eq(r.ndiv, 1);
    cr_assert_str_eq(r.div[0].path, "$.c[2]");
    cr_assert_eq(r.div[0].elements, 1);
    /* A per-type ignore does not reach other types. */
    const char *p3[] = {"lp:calls", "tokens", "lp:c", "lp:objective"};
    llr_tracediff_opts o3 = {.ignore = p3, .nignore = 4, .all = 1};
    cr_assert(td(a, b, &o3, &r, &e) == 0);
    cr_assert_eq(r.ndiv, 2);
    cr_assert_str_eq(r.div[0].field, "query.calls");
    cr_assert_str_eq(r.div[1].field, "learn_end.calls");
    /* Ignored line types: both files lose them. */
    const char *ty[] = {"lp", "query", "learn_end"};
    llr_tracediff_opts o4 = {.ignore_type = ty, .nignore_type = 3};
    cr_assert(td(a, b, &o4, &r, &e) == 0);
    cr_assert(r.equal && r.lines == 1 && r.lines_a == 4);
    /* A malformed --ignore is a usage error. */
    const char *bad[] = {"a.b"};
    llr_tracediff_opts o5 = {.ignore = bad, .nignore = 1};
    cr_assert(td(a, b, &o5, &r, &e) != 0);
    assert_code(e, LLR_EUSAGE);
    llr_tracediff_free(&r);
    free(a), free(b);
}

/* --all resynchronises on the events: a line only B has is one gap, and
 * the lines after it are compared in step again. */
Test(tracediff, all_resynchronises)
{
    char *a = put("ra.jsonl",
        "{\"seq\": 0, \"type\": \"validate\", \"epoch\": 1, \"sample\": 0}\n"
        "{\"seq\": 1, \"type\": \"lp\", \"t\": 1, \"c\": [1.0]}\n"
        "{\"seq\": 2, \"type\": \"lp\", \"t\": 2, \"c\": [2.0]}\n"
        "{\"seq\": 3, \"type\": \"validate\", \"epoch\": 1, \"sample\": 1}\n"
        "{\"seq\": 4, \"type\": \"lp\", \"t\": 1, \"c\": [3.0]}\n");
    char *b = put("rb.jsonl",
        "{\"seq\": 0, \"type\": \"validate\", \"epoch\": 1, \"sample\": 0}\n"
        "{\"seq\": 1, \"type\": \"lp\", \"t\": 1, \"c\": [1.0]}\n"
        "{\"seq\": 2, \"type\": \"query\", \"prefix\": [0, 1]}\n"
        "{\"seq\": 3, \"type\": \"lp\", \"t\": 2, \"c\": [2.0]}\n"
        "{\"seq\": 4, \"type\": \"validate\", \"epoch\": 1, \"sample\": 1}\n"
        "{\"seq\": 5, \"type\": \"lp\", \"t\": 1, \"c\": [3.5]}\n");
    llr_tracediff r = {0};
    llr_error e;
    llr_tracediff_opts o = {.all = 1};
    cr_assert(td(a, b, &o, &r, &e) == 0);
    cr_assert_eq(r.ndiv, 2);
    cr_assert_eq(r.div[0].kind, LLR_TRACEDIFF_GAP);
    cr_assert(r.div[0].line_a > r.div[0].end_a); /* none of A */
    cr_assert(r.div[0].line_b == 3 && r.div[0].end_b == 3);
    cr_assert(strstr(r.div[0].b, "\"query\""), "%s", r.div[0].b);
    cr_assert_eq(r.div[1].kind, LLR_TRACEDIFF_FIELD);
    cr_assert(r.div[1].line_a == 5 && r.div[1].line_b == 6);
    cr_assert_str_eq(r.div[1].path, "$.c[0]");
    cr_assert_eq(r.lines, 5);
    /* A file that ends first: the rest of the other is one gap. */
    char *h = put("rh.jsonl",
        "{\"seq\": 0, \"type\": \"validate\", \"epoch\": 1, \"sample\": 0}\n");
    cr_assert(td(h, a, &o, &r, &e) == 0);
    cr_assert(r.ndiv == 1 && r.div[0].kind == LLR_TRACEDIFF_GAP);
    cr_assert(r.div[0].line_b == 2 && r.div[0].end_b == 5);
    /* Listing stops at max_listed; counting does not. */
    llr_tracediff_opts o1 = {.all = 1, .max_listed = 1};
    cr_assert(td(a, b, &o1, &r, &e) == 0);
    cr_assert(r.ndiv == 2 && r.nlisted == 1);
    llr_tracediff_free(&r);
    free(a), free(b), free(h);
}

/* Reading: a line longer than the limit, a FIFO nobody writes to, and a
 * directory are errors, not hangs or crashes. */
Test(tracediff, limits)
{
    char *a = put("la.jsonl", "{\"seq\": 0, \"type\": \"x\", \"v\": 1}\n");
    llr_tracediff r = {0};
    llr_error e;
    llr_tracediff_opts o = {.max_line = 10};
    cr_assert(td(a, a, &o, &r, &e) != 0);
    cr_assert(strstr(e.msg, "line 1: longer than the limit of 10 bytes"),
              "%s", e.msg);
    assert_code(e, LLR_EINPUT);
    char fifo[] = "/tmp/llr-td-fifo-XXXXXX";
    int fd = mkstemp(fifo);
    cr_assert(fd >= 0);
    close(fd);
    unlink(fifo);
    cr_assert(mkfifo(fifo, 0600) == 0);
    llr_tracediff_opts o1 = {.timeout_ms = 50};
    cr_assert(td(a, fifo, &o1, &r, &e) != 0);
    cr_assert(strstr(e.msg, "no data for"), "%s", e.msg);
    assert_code(e, LLR_EIO);
    unlink(fifo);
    cr_assert(td(a, "/", NULL, &r, &e) != 0);
    cr_assert(strstr(e.msg, "is a directory"), "%s", e.msg);
    llr_tracediff_free(&r);
    free(a);
}

/* The hooks: per-step terms sum to the telescoping bound, and the
 * per-prefix calls add up to them. */
typedef struct acc {
    double *by_t;
    long calls;
} acc;

static void visit(void *ctx, const int *h, int t, double p, double tv)
{
    (void)h;
    acc *a = ctx;
    a->by_t[t] += p * tv;
    a->calls++;
}

Test(distance, hooks_give_the_telescoping_terms)
{
    llr_model *P, *Q;
    llr_error e;
    cr_assert(llr_isan_generate(3, 2, 4, 8, 3.0, &P, &e) == 0);
    cr_assert(llr_approx_generate(3, 2, 4, 8, 3.0, 0.2, &Q, &e) == 0, "%s",
              e.msg);
    double steps[4], by_t[4] = {0};
    acc a = {by_t, 0};
    llr_distance_hooks hk = {steps, visit, &a};
    llr_exact x, y;
    llr_distance_opts o = {.max_leaves = 1000, .hooks = &hk};
    cr_assert(llr_distance_exact(P, Q, &o, &x, &e) == 0);
    o.hooks = NULL;
    cr_assert(llr_distance_exact(P, Q, &o, &y, &e) == 0);
    cr_assert(x.tv == y.tv && x.telescoping == y.telescoping);
    cr_assert_eq(a.calls, 1 + 3 + 9 + 27);
    double sum = 0;
    for (int t = 0; t < 4; t++) {
        cr_assert(steps[t] > 0);
        cr_assert(fabs(steps[t] - by_t[t]) <= 1e-15);
        sum += steps[t];
    }
    cr_assert(fabs(sum - x.telescoping) <= 1e-14);
    /* Monte Carlo: the same estimates with and without hooks. */
    llr_mc m1, m2;
    double ms[4];
    llr_distance_hooks hm = {ms, NULL, NULL};
    llr_distance_opts om = {.samples = 3000, .seed = 5, .delta = 0.05,
                            .hooks = &hm};
    cr_assert(llr_distance_mc(P, Q, &om, &m1, &e) == 0);
    om.hooks = NULL;
    cr_assert(llr_distance_mc(P, Q, &om, &m2, &e) == 0);
    cr_assert(m1.tv == m2.tv && m1.telescoping == m2.telescoping);
    double msum = 0;
    for (int t = 0; t < 4; t++)
        msum += ms[t];
    cr_assert(fabs(msum - m1.telescoping) <= 1e-12);
    cr_assert(fabs(ms[0] - steps[0]) <= 1e-12); /* the root is always seen */
    llr_model_free(P);
    llr_model_free(Q);
}
