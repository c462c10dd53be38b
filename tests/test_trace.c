/* Tests of the trace sink (trace.c), the trace comparison (tracediff.c)
 * and the distance hooks that llr check uses. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    llr_tracediff r;
    llr_error e;
    cr_assert(llr_tracediff_files(a, a, 0, 0, &r, &e) == 0);
    cr_assert(r.equal && r.lines == 2 && r.max_abs == 0);
    cr_assert(llr_tracediff_files(a, b, 0, 0, &r, &e) == 0);
    cr_assert(!r.equal);
    cr_assert_eq(r.line, 2);
    cr_assert_str_eq(r.path, "$.x[1]");
    cr_assert_str_eq(r.a, "2.5");
    cr_assert_eq(r.ctx[0].line, 1);
    cr_assert_eq(r.ctx[0].value, 2);
    cr_assert_str_eq(r.ctx[0].type, "epoch_begin");
    /* Key order does not matter; the difference 1e-10 passes rtol 1e-9. */
    cr_assert(llr_tracediff_files(a, b, 1e-9, 0, &r, &e) == 0);
    cr_assert(r.equal);
    cr_assert(r.max_abs > 0.9e-10 && r.max_abs < 1.1e-10);
    cr_assert(llr_tracediff_files(a, b, 0, 2e-10, &r, &e) == 0);
    cr_assert(r.equal);
    /* Integers are compared exactly, whatever the tolerance. */
    char *c = put("c.jsonl",
                        "{\"seq\": 0, \"type\": \"epoch_begin\", \"epoch\": 3}\n");
    cr_assert(llr_tracediff_files(a, c, 1, 1, &r, &e) == 0);
    cr_assert(!r.equal && r.line == 1);
    cr_assert_str_eq(r.path, "$.epoch");
    /* Types: a boolean against a string. */
    char *d = put("d.jsonl",
                        "{\"seq\": 0, \"type\": \"epoch_begin\", \"epoch\": 2}\n"
                        "{\"seq\": 1, \"type\": \"lp\", \"x\": [1.0, 2.5], "
                        "\"ok\": \"yes\"}\n");
    cr_assert(llr_tracediff_files(a, d, 0, 0, &r, &e) == 0);
    cr_assert(!r.equal);
    cr_assert_str_eq(r.path, "$.ok");
    cr_assert(strstr(r.what, "boolean against string"), "%s", r.what);
    /* Malformed: the file and line are named. */
    char *m = put("m.jsonl",
                  "{\"seq\": 0, \"type\": \"epoch_begin\", \"epoch\": 2}\n"
                  "{\"seq\": 1,,}\n");
    cr_assert(llr_tracediff_files(a, m, 0, 0, &r, &e) != 0);
    cr_assert(strstr(e.msg, "m.jsonl, line 2: not valid JSON"), "%s", e.msg);
    assert_code(e, LLR_EINPUT);
    free(a), free(b), free(c), free(d), free(m);
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
