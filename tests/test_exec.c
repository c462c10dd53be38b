/* Models behind a process, protocol version 2: the sample and topk
 * requests against local computation, the prefetch and the cache, the
 * client's checks of calls and replies; the biased top-k kernel against
 * brute force; the prefix cache. The server is `llr serve` (LLR_BIN, set
 * by make unit). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/prefix.h"
#include "helpers.h"
#include "io/protocol.h"
#include "kernels/softmax.h"
#include "kernels/topk.h"
#include "models/isan.h"
#include "models/prefix_cache.h"
#include "models/process.h"

/* An ISAN saved to a file, and a server of it. */
static llr_model *served(int V, int d, int T, uint64_t seed, llr_model **local)
{
    llr_error err;
    const char *bin = getenv("LLR_BIN");
    cr_assert(bin != NULL, "LLR_BIN is not set (make unit sets it)");
    cr_assert(llr_isan_generate(V, d, T, seed, 3.0, local, &err) == 0, "%s",
              err.msg);
    char name[64], cmd[1024];
    snprintf(name, sizeof name, "isan_%d_%d_%d_%d.st", V, d, T, (int)seed);
    const char *path = tmp_path(name);
    cr_assert(llr_model_save(*local, path, &err) == 0, "%s", err.msg);
    snprintf(cmd, sizeof cmd, "%s serve %s", bin, path);
    llr_model *m;
    cr_assert(llr_exec_open(cmd, &m, &err) == 0, "%s", err.msg);
    return m;
}

Test(exec, sample_requests_draw_what_llr_model_sample_draws, .timeout = 120)
{
    llr_model *local, *m = served(4, 3, 5, 7, &local);
    llr_error err;
    int T = 5, n = 100000;
    cr_assert(m->ops->sample != NULL, "llr serve offers sample requests");
    int *seq = malloc((size_t)n * T * sizeof *seq), y[5];
    double *lp = malloc((size_t)n * T * sizeof *lp);
    cr_assert(seq && lp);
    /* More than one request's worth: the client splits and pipelines. */
    cr_assert(llr_exec_sample(m, 12345, 0, n, seq, lp, &err) == 0, "%s",
              err.msg);
    llr_exec_stats st;
    cr_assert(llr_exec_stats_of(m, &st));
    cr_assert(st.requests >= 2 && st.round_trips == 1 && st.samples == 100000,
              "requests %llu, round trips %llu",
              (unsigned long long)st.requests,
              (unsigned long long)st.round_trips);
    /* The requests are small and the replies slow: all are sent first. */
    cr_assert(st.max_pipelined == 3 && st.max_in_flight >= 2,
              "pipelined %llu, in flight %llu",
              (unsigned long long)st.max_pipelined,
              (unsigned long long)st.max_in_flight);
    llr_prng g;
    llr_prng_seed(&g, 12345);
    for (int i = 0; i < n; i++) {
        cr_assert(llr_model_sample(local, &g, y, &err) == 0);
        cr_assert(memcmp(y, seq + (size_t)i * T, sizeof y) == 0,
                  "sample %d differs", i);
        if (i % 101)
            continue;
        double want, got = 0;
        cr_assert(llr_model_logprob(local, y, T, &want, &err) == 0);
        for (int t = 0; t < T; t++) {
            cr_assert(lp[(size_t)i * T + t] <= 0);
            got += lp[(size_t)i * T + t];
        }
        cr_assert(fabs(got - want) <= 1e-12, "sample %d: %.17g vs %.17g",
                  i, got, want);
    }
    /* Any state, also one of 2^63 and more (sent as a negative seed), and
     * the stream of a generator, which is then advanced as the local draws
     * advance it. */
    llr_prng h, k;
    llr_prng_seed(&h, 0xfedcba9876543210ULL);
    k = h;
    int many[3 * 5];
    double mlp[3 * 5];
    cr_assert(llr_exec_sample_stream(m, &h, 3, many, mlp, &err) == 0, "%s",
              err.msg);
    for (int i = 0; i < 3; i++) {
        cr_assert(llr_model_sample(local, &k, y, &err) == 0);
        cr_assert(memcmp(y, many + 5 * i, sizeof y) == 0, "stream %d", i);
    }
    cr_assert(h.state == k.state);
    /* skip continues the same stream. */
    int part[10 * 5];
    double plp[10 * 5];
    cr_assert(llr_exec_sample(m, 12345, 54321, 10, part, plp, &err) == 0);
    cr_assert(memcmp(part, seq + (size_t)54321 * T, sizeof part) == 0);
    cr_assert(memcmp(plp, lp + (size_t)54321 * T, sizeof plp) == 0);
    cr_assert(llr_exec_finish(m, &err) == 0, "%s", err.msg);
    free(seq), free(lp);
    llr_model_free(m);
    llr_model_free(local);
}

/* The sample operation (one sequence from a generator) answers what
 * llr_model_sample_direct answers, with or without a plan: a plan of n
 * sequences is fetched in one round trip, a generator that leaves the plan
 * is answered by one request, and the plan goes on where its next
 * sequence starts. */
Test(exec, the_sample_operation_with_and_without_a_plan, .timeout = 60)
{
    llr_model *local, *m = served(4, 3, 5, 9, &local);
    llr_error err;
    int y[5], z[5];
    double ly[5], lz[5];
    cr_assert(m->ops->sample != NULL && m->ops->prefetch_samples != NULL);
    llr_prng g, h, off, off2; /* g and off for m, h and off2 local */
    llr_prng_seed(&g, 77);
    h = g;
    llr_prng_seed(&off, 78);
    off2 = off;
    llr_exec_stats a, b;
    cr_assert(llr_exec_stats_of(m, &a));
    cr_assert(llr_model_prefetch_samples(m, &g, 40, &err) == 0, "%s",
              err.msg);
    for (int i = 0; i < 60; i++) {
        /* The 11th draw is from a generator off the plan. */
        llr_prng *q = i == 10 ? &off : &g, *r = i == 10 ? &off2 : &h;
        cr_assert(m->ops->sample(m, q, y, ly, &err) == 0, "%s", err.msg);
        cr_assert(llr_model_sample_direct(local, r, z, lz, &err) == 0);
        cr_assert(memcmp(y, z, sizeof y) == 0, "draw %d differs", i);
        cr_assert(memcmp(ly, lz, sizeof ly) == 0, "draw %d: logp", i);
        cr_assert(q->state == r->state, "draw %d: generator", i);
    }
    cr_assert(llr_exec_stats_of(m, &b));
    /* The 40 planned (draws 0-9 and 11-40) in one request, the one off
     * the plan, then the 19 beyond the plan one by one. */
    cr_assert(b.samples - a.samples == 60 &&
                  b.round_trips - a.round_trips == 21,
              "samples %llu, round trips %llu",
              (unsigned long long)(b.samples - a.samples),
              (unsigned long long)(b.round_trips - a.round_trips));
    cr_assert(llr_exec_finish(m, &err) == 0, "%s", err.msg);
    llr_model_free(m);
    llr_model_free(local);
}

Test(exec, topk_requests_answer_what_the_kernel_computes)
{
    llr_model *local, *m = served(6, 3, 4, 11, &local);
    llr_error err;
    int V = 6, T = 4, n = 300;
    cr_assert(llr_exec_offers_topk(m));
    llr_topk_call *c = calloc((size_t)n, sizeof *c), *w = calloc(n, sizeof *w);
    int *pre = malloc((size_t)n * T * sizeof *pre);
    int *btok = malloc((size_t)n * V * sizeof *btok);
    double *bval = malloc((size_t)n * V * sizeof *bval);
    int *tok = malloc(2 * (size_t)n * V * sizeof *tok);
    double *lp = malloc(2 * (size_t)n * V * sizeof *lp);
    cr_assert(c && w && pre && btok && bval && tok && lp);
    llr_prng g;
    llr_prng_seed(&g, 5);
    for (int round = -1; round <= 6; round += 7) {
        for (int i = 0; i < n; i++) {
            int len = (int)llr_prng_below(&g, (uint64_t)T);
            for (int s = 0; s < len; s++)
                pre[i * T + s] = (int)llr_prng_below(&g, (uint64_t)V);
            int nb = (int)llr_prng_below(&g, (uint64_t)V + 1);
            /* Distinct biased tokens: a prefix of a rotation. */
            int rot = (int)llr_prng_below(&g, (uint64_t)V);
            for (int q = 0; q < nb; q++) {
                btok[i * V + q] = (rot + q) % V;
                bval[i * V + q] = 40 * llr_prng_uniform(&g) - 10;
            }
            int k = 1 + (int)llr_prng_below(&g, (uint64_t)V);
            c[i] = (llr_topk_call){pre + i * T, len, k, nb, btok + i * V,
                                   bval + i * V, tok + 2 * i * V,
                                   lp + 2 * i * V};
            w[i] = c[i];
            w[i].tok = tok + (2 * i + 1) * V;
            w[i].logprob = lp + (2 * i + 1) * V;
        }
        cr_assert(llr_exec_topk(m, c, n, round, &err) == 0, "%s", err.msg);
        double l[6], work[12];
        int iw[6];
        for (int i = 0; i < n; i++) {
            cr_assert(llr_model_logits(local, c[i].prefix, c[i].len, l,
                                       &err) == 0);
            cr_assert(llr_topk_biased(l, V, &w[i], round, work, iw) == 0);
            cr_assert(memcmp(c[i].tok, w[i].tok, c[i].k * sizeof(int)) == 0,
                      "call %d: tokens differ", i);
            for (int q = 0; q < c[i].k; q++)
                cr_assert(fabs(c[i].logprob[q] - w[i].logprob[q]) <=
                              (round < 0 ? 1e-12 : 1e-6),
                          "call %d entry %d: %.17g vs %.17g", i, q,
                          c[i].logprob[q], w[i].logprob[q]);
        }
    }
    llr_exec_stats st;
    cr_assert(llr_exec_stats_of(m, &st) && st.topk_calls == 2 * (uint64_t)n);
    free(c), free(w), free(pre), free(btok), free(bval), free(tok), free(lp);
    llr_model_free(m);
    llr_model_free(local);
}

Test(exec, prefetch_asks_once_and_the_cache_answers)
{
    llr_model *local, *m = served(3, 2, 4, 3, &local);
    llr_error err;
    int V = 3, T = 4, tok[40 * 3], off[41], n = 0;
    off[0] = 0;
    for (int len = 0; len < T; len++) {
        int x[3] = {0};
        do {
            memcpy(tok + off[n], x, (size_t)len * sizeof *x);
            off[n + 1] = off[n] + len;
            n++;
        } while (llr_prefix_next(x, len, V));
    }
    cr_assert_eq(n, 40);
    cr_assert(llr_model_prefetch(m, tok, off, n, &err) == 0, "%s", err.msg);
    cr_assert(llr_model_prefetch(m, tok, off, n, &err) == 0, "%s", err.msg);
    for (int i = 0; i < n; i++) {
        double a[3], b[3];
        cr_assert(llr_model_logits(m, tok + off[i], off[i + 1] - off[i], a,
                                   &err) == 0);
        cr_assert(llr_model_logits(local, tok + off[i], off[i + 1] - off[i],
                                   b, &err) == 0);
        cr_assert(memcmp(a, b, sizeof a) == 0, "prefix %d differs", i);
    }
    llr_exec_stats st;
    cr_assert(llr_exec_stats_of(m, &st));
    cr_assert(st.round_trips == 1 && st.requests == 1 && st.prefixes == 40 &&
                  st.distinct == 40 && st.cache_hits == 40 && st.version == 2,
              "round trips %llu, prefixes %llu, hits %llu",
              (unsigned long long)st.round_trips,
              (unsigned long long)st.prefixes,
              (unsigned long long)st.cache_hits);
    cr_assert(!llr_exec_stats_of(local, &st));
    /* Prefetch is a no-op for a model that does not batch. */
    cr_assert(llr_model_batch(local) == 0 && llr_model_batch(m) > 0);
    cr_assert(llr_model_prefetch(local, tok, off, n, &err) == 0);
    /* After the end of the run, cached answers stay. */
    cr_assert(llr_exec_finish(m, &err) == 0, "%s", err.msg);
    double l[3];
    cr_assert(llr_model_logits(m, tok, 1, l, &err) == 0, "%s", err.msg);
    llr_model_free(m);
    llr_model_free(local);
}

Test(exec, calls_the_protocol_cannot_carry_are_refused)
{
    llr_model *local, *m = served(4, 2, 3, 1, &local);
    llr_error err;
    int tk[4], pre[3] = {0, 1, 2}, bt[2] = {1, 1};
    double lv[4], bv[2] = {1, 2};
    llr_topk_call c = {pre, 1, 2, 0, bt, bv, tk, lv};
    c.k = 0;
    cr_assert(llr_exec_topk(m, &c, 1, -1, &err) != 0);
    assert_code(err, LLR_EUSAGE);
    c.k = 5;
    cr_assert(llr_exec_topk(m, &c, 1, -1, &err) != 0);
    c.k = 2, c.nbias = 2;
    cr_assert(llr_exec_topk(m, &c, 1, -1, &err) != 0);
    cr_assert(strstr(err.msg, "twice") != NULL, "%s", err.msg);
    bt[1] = 2, bv[1] = 1e7;
    cr_assert(llr_exec_topk(m, &c, 1, -1, &err) != 0);
    bv[1] = NAN;
    cr_assert(llr_exec_topk(m, &c, 1, -1, &err) != 0);
    bv[1] = 2, c.len = 3;
    cr_assert(llr_exec_topk(m, &c, 1, -1, &err) != 0);
    c.len = 1;
    cr_assert(llr_exec_topk(m, &c, 1, 18, &err) != 0);
    assert_code(err, LLR_EUSAGE);
    cr_assert(llr_exec_topk(m, &c, 1, 3, &err) == 0, "%s", err.msg);
    int seq[3];
    double slp[3];
    cr_assert(llr_exec_sample(m, 1, 1ULL << 53, 1, seq, slp, &err) != 0);
    assert_code(err, LLR_EUSAGE);
    cr_assert(llr_exec_sample(local, 1, 0, 1, seq, slp, &err) != 0);
    assert_code(err, LLR_EUSAGE);
    llr_model_free(m);
    llr_model_free(local);
}

Test(exec, a_version_1_server_gets_version_1_requests)
{
    llr_error err;
    llr_model *m;
    cr_assert(llr_exec_open("/usr/bin/python3 tests/bad_server.py ok", &m,
                            &err) == 0, "%s", err.msg);
    llr_exec_stats st;
    cr_assert(llr_exec_stats_of(m, &st) && st.version == 1);
    cr_assert(m->ops->sample == NULL && m->ops->prefetch == NULL);
    cr_assert(!llr_exec_offers_topk(m));
    int seq[4];
    double lp[4];
    cr_assert(llr_exec_sample(m, 1, 0, 1, seq, lp, &err) != 0);
    assert_code(err, LLR_EUSAGE);
    int tok[1] = {0};
    double l[3];
    cr_assert(llr_model_logits(m, tok, 1, l, &err) == 0, "%s", err.msg);
    cr_assert(fabs(l[0] + l[1] + l[2]) < 1e-15);
    cr_assert(llr_exec_finish(m, &err) == 0, "%s", err.msg);
    /* Then nothing new is asked. */
    tok[0] = 1;
    cr_assert(llr_model_logits(m, tok, 1, l, &err) != 0);
    assert_code(err, LLR_EIO);
    cr_assert(strstr(err.msg, "was closed") != NULL, "%s", err.msg);
    llr_model_free(m);
}

Test(exec, replies_must_echo_the_pending_request_id)
{
    llr_error err;
    double out[3];
    const char *ok = "{\"id\": 4, \"logits\": [[1, 2, 3]]}";
    cr_assert(llr_proto_logits_reply(ok, strlen(ok), 4, 3, 1, 1, out,
                                     &err) == 0, "%s", err.msg);
    cr_assert(fabs(out[0] + 1) < 1e-15 && fabs(out[2] - 1) < 1e-15);
    cr_assert(llr_proto_logits_reply(ok, strlen(ok), 5, 3, 1, 1, out,
                                     &err) != 0);
    assert_code(err, LLR_EINPUT);
    cr_assert(strstr(err.msg, "answers request id 4") != NULL, "%s", err.msg);
    const char *none = "{\"logits\": [[1, 2, 3]]}";
    cr_assert(llr_proto_logits_reply(none, strlen(none), 5, 3, 0, 1, out,
                                     &err) != 0);
    const char *er = "{\"id\": 5, \"error\": \"busy\"}";
    cr_assert(llr_proto_logits_reply(er, strlen(er), 5, 3, 0, 1, out,
                                     &err) != 0);
    cr_assert(strstr(err.msg, "busy") != NULL, "%s", err.msg);
    /* Huge values: a clean error, never a value out of range. */
    const char *huge = "{\"id\": 5, \"logits\": [[1e308, -1e308, 1e308]]}";
    cr_assert(llr_proto_logits_reply(huge, strlen(huge), 5, 3, 1, 1, out,
                                     &err) != 0);
    cr_assert(llr_proto_logits_reply(huge, strlen(huge), 5, 3, 0, 1, out,
                                     &err) != 0);
    assert_code(err, LLR_EINPUT);
    /* Sample and topk replies are checked too. */
    int seq[4];
    double lp[4];
    const char *s = "{\"id\": 2, \"samples\": [[0, 2]], \"logprobs\": "
                    "[[-0.5, 0.25]]}";
    cr_assert(llr_proto_sample_reply(s, strlen(s), 2, 3, 2, 1, seq, lp,
                                     &err) != 0);
    cr_assert(strstr(err.msg, "log-probability") != NULL, "%s", err.msg);
    int tk[2];
    double tv[2];
    llr_topk_call c = {NULL, 0, 2, 0, NULL, NULL, tk, tv};
    const char *t = "{\"id\": 3, \"top\": [{\"tokens\": [1, 1], \"logprobs\": "
                    "[-0.1, -0.2]}]}";
    cr_assert(llr_proto_topk_reply(t, strlen(t), 3, 3, &c, 1, &err) != 0);
    cr_assert(strstr(err.msg, "twice") != NULL, "%s", err.msg);
    const char *u = "{\"id\": 3, \"top\": [{\"tokens\": [1, 0], \"logprobs\": "
                    "[-0.3, -0.2]}]}";
    cr_assert(llr_proto_topk_reply(u, strlen(u), 3, 3, &c, 1, &err) != 0);
    cr_assert(strstr(err.msg, "decreasing") != NULL, "%s", err.msg);
}

Test(exec, greetings_choose_the_highest_common_version)
{
    llr_greeting g;
    llr_error err;
    const char *a = "{\"llr\": 1, \"vocab\": 3, \"horizon\": 2, \"logits\": "
                    "\"raw\"}";
    const char *b = "{\"llr\": 1, \"versions\": [1, 2, 9], \"vocab\": 3, "
                    "\"horizon\": 2, \"logits\": \"raw\", \"requests\": "
                    "[\"logits\", \"topk\", \"future\"]}";
    const char *c = "{\"llr\": 9, \"versions\": [3, 9], \"vocab\": 3, "
                    "\"horizon\": 2, \"logits\": \"raw\"}";
    cr_assert(llr_proto_greeting(a, strlen(a), &g, &err) == 0);
    cr_assert(g.version == 1 && !g.sample && !g.topk);
    cr_assert(llr_proto_greeting(b, strlen(b), &g, &err) == 0, "%s", err.msg);
    cr_assert(g.version == 2 && !g.sample && g.topk);
    cr_assert(llr_proto_greeting(c, strlen(c), &g, &err) != 0);
    cr_assert(strstr(err.msg, "versions 3, 9") != NULL, "%s", err.msg);
}

/* The k largest of v (ties: smaller index first), by sorting. */
static const double *sort_v;
static int by_value(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    if (sort_v[x] != sort_v[y])
        return sort_v[x] > sort_v[y] ? -1 : 1;
    return x - y;
}

Test(topk, biased_top_k_is_the_sorted_biased_distribution)
{
    llr_prng g;
    llr_prng_seed(&g, 17);
    for (int trial = 0; trial < 2000; trial++) {
        int V = 2 + (int)llr_prng_below(&g, 30);
        double l[32], b[32], lp[32], work[64];
        int iw[32], order[32], bt[32], tok[32];
        double bv[32], out[32];
        for (int z = 0; z < V; z++) {
            /* Coarse values make ties common. */
            l[z] = (double)llr_prng_below(&g, 5) - 2;
            b[z] = l[z];
        }
        int nb = (int)llr_prng_below(&g, (uint64_t)V + 1);
        for (int q = 0; q < nb; q++) {
            bt[q] = (q * 7 + trial) % V;
            bv[q] = (double)llr_prng_below(&g, 9) - 4;
        }
        /* Distinct tokens: q * 7 mod V repeats when gcd(7, V) > 1. */
        int distinct = 1;
        for (int q = 0; q < nb && distinct; q++)
            for (int r = 0; r < q; r++)
                distinct &= bt[r] != bt[q];
        if (!distinct)
            continue;
        for (int q = 0; q < nb; q++)
            b[bt[q]] += bv[q];
        llr_log_softmax(b, V, lp);
        for (int z = 0; z < V; z++)
            order[z] = z;
        sort_v = lp;
        qsort(order, (size_t)V, sizeof *order, by_value);
        int k = 1 + (int)llr_prng_below(&g, (uint64_t)V);
        llr_topk_call c = {NULL, 0, k, nb, bt, bv, tok, out};
        cr_assert(llr_topk_biased(l, V, &c, -1, work, iw) == 0);
        for (int j = 0; j < k; j++) {
            cr_assert_eq(tok[j], order[j], "trial %d entry %d", trial, j);
            cr_assert(out[j] == lp[order[j]]);
        }
    }
    cr_assert(llr_round_decimals(-1.23456789, 3) == -1.235);
    cr_assert(llr_round_decimals(-0.0004, 3) == 0);
    cr_assert(llr_round_decimals(-2.5e-7, 6) == strtod("-0.000000", NULL));
}

Test(pcache, a_full_cache_is_emptied_and_distinct_prefixes_counted)
{
    llr_pcache c;
    llr_error err;
    cr_assert(llr_pcache_init(&c, 2, 3, &err) == 0);
    int tok[3] = {1, 0, 1};
    double v[2] = {1, 2};
    int64_t n[4];
    for (int i = 0; i < 4; i++) {
        n[i] = llr_pcache_node(&c, tok, i, &err);
        cr_assert(n[i] >= 0);
    }
    cr_assert(n[0] == 0 && llr_pcache_node(&c, tok, 2, &err) == n[2]);
    for (int i = 0; i < 3; i++)
        cr_assert(llr_pcache_put(&c, n[i], v, &err) == 0);
    cr_assert(c.flushes == 0 && llr_pcache_get(&c, n[0]) != NULL);
    cr_assert(llr_pcache_put(&c, n[3], v, &err) == 0);
    cr_assert(c.flushes == 1 && llr_pcache_get(&c, n[0]) == NULL);
    cr_assert(llr_pcache_get(&c, n[3])[1] == 2);
    cr_assert(llr_pcache_put(&c, n[0], v, &err) == 0);
    cr_assert_eq(c.distinct, 4);
    int back[3];
    cr_assert(llr_pcache_tokens(&c, n[3], back) == 3);
    cr_assert(memcmp(back, tok, sizeof tok) == 0);
    /* Many nodes: the hash table grows, and every node is found again. */
    int64_t first[4096];
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 4096; i++) {
            int t[12];
            for (int b = 0; b < 12; b++)
                t[b] = (i >> b) & 1;
            int64_t x = llr_pcache_node(&c, t, 12, &err);
            cr_assert(x >= 0);
            if (pass == 0)
                first[i] = x;
            else
                cr_assert(x == first[i], "prefix %d moved", i);
        }
    cr_assert(c.nodes > 8000 && c.nslots > 2 * c.nodes);
    llr_pcache_free(&c);
}
