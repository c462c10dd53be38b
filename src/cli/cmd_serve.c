/* llr serve MODEL: the reference server of the query protocol. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/capacity.h"
#include "cli/cli.h"
#include "io/protocol.h"
#include "io/protocol_bounds.h"
#include "kernels/softmax.h"
#include "kernels/topk.h"

#define CMD "llr serve"

static void help(void)
{
    printf("usage: llr serve MODEL\n\n"
           "Serve MODEL over stdin/stdout with the query protocol of\n"
           "docs/oracle-protocol.md, versions 1 and 2: a greeting line, then "
           "one JSON reply\nper request line, echoing its \"id\" "
           "(version 2):\n"
           "  {\"prefix\": [...]}, {\"prefixes\": [[...], ...]}\n"
           "      centred logits;\n"
           "  {\"sample\": {\"n\": N, \"seed\": S, \"skip\": K}}\n"
           "      sequences K..K+N-1 of `llr sample MODEL --seed S`, with "
           "each token's\n      log-probability;\n"
           "  {\"topk\": [{\"prefix\": [...], \"k\": K, \"bias\": "
           "[[token, b], ...]}, ...],\n   \"round\": R}\n"
           "      the top K log-probabilities after the biases, rounded to R "
           "decimals.\n"
           "A bad request gets {\"error\": \"...\"} and the server goes "
           "on. It exits at the\nend of its input, so "
           "`llr tv M exec:'llr serve M'` is 0.\n");
}

/* One request line from stdin into *buf (NUL-terminated, without its
 * newline), *len its length. Returns 1, 0 at the end of input, or -1 for a
 * line longer than the protocol allows (LLR_PROTOCOL_MAX_LINE; the rest of
 * it is read and dropped) or out of memory; *why says which. */
static int read_request(char **buf, size_t *cap, size_t *len,
                        const char **why)
{
    size_t n = 0;
    int c, got = 0, over = 0, oom = 0;
    while ((c = getchar_unlocked()) != EOF && c != '\n') {
        got = 1;
        if (over || oom)
            continue;
        if (!llr_proto_line_ok(n)) {
            over = 1;
            continue;
        }
        if (n + 2 > *cap) {
            size_t nc;
            char *t = NULL;
            if (llr_capacity(*cap, n + 2, 4096, 1, &nc) == 0)
                t = realloc(*buf, nc);
            if (!t) {
                oom = 1;
                continue;
            }
            *buf = t;
            *cap = nc;
        }
        (*buf)[n++] = (char)c;
    }
    if (c == EOF && !got)
        return 0;
    if (over || oom) {
        *why = over ? "request line too long" : "out of memory";
        return -1;
    }
    if (!*buf && !(*buf = malloc(*cap = 1))) {
        *why = "out of memory";
        return -1;
    }
    (*buf)[n] = 0;
    *len = n;
    return 1;
}

/* n sequences from seed, after skip sequences, drawn exactly as
 * llr_model_sample draws them (llr_model_sample_direct: the same walk,
 * with each token's log-probability). Skipping k sequences is k T draws
 * of SplitMix64: state = seed + k T 0x9e3779b97f4a7c15 (base/prng.h). */
static int sample(const llr_model *m, uint64_t seed, uint64_t skip, int n,
                  int *seq, double *logp, llr_error *e)
{
    int T = m->T;
    llr_prng g;
    llr_prng_seed(&g, seed);
    g.state += skip * (uint64_t)T * 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < n; i++)
        if (llr_model_sample_direct(m, &g, seq + (size_t)i * T,
                                    logp + (size_t)i * T, e))
            return -1;
    return 0;
}

/* The answer to one parsed request, or NULL with e set. */
static char *answer(const llr_model *m, const llr_request *r, llr_error *e)
{
    int V = m->V, T = m->T;
    char *reply = NULL;
    if (r->kind == LLR_REQ_LOGITS) {
        double *l = malloc(((size_t)r->n * V + 1) * sizeof *l);
        int rc = l ? 0 : llr_fail(e, LLR_ENOMEM, "out of memory");
        for (int i = 0; rc == 0 && i < r->n; i++)
            rc = llr_model_logits(m, r->tok + r->off[i],
                                  r->off[i + 1] - r->off[i],
                                  l + (size_t)i * V, e);
        if (rc == 0)
            reply = llr_proto_format_logits_reply(r->id, l, V, r->n,
                                                  r->batch);
        free(l);
    } else if (r->kind == LLR_REQ_SAMPLE) {
        int *seq = malloc((size_t)r->n * T * sizeof *seq);
        double *lp = malloc((size_t)r->n * T * sizeof *lp);
        int rc = seq && lp ? 0 : llr_fail(e, LLR_ENOMEM, "out of memory");
        if (rc == 0)
            rc = sample(m, r->seed, r->skip, r->n, seq, lp, e);
        if (rc == 0)
            reply = llr_proto_format_sample_reply(r->id, seq, lp, T, r->n);
        free(seq), free(lp);
    } else {
        size_t kk = 0;
        for (int i = 0; i < r->n; i++)
            kk += (size_t)r->k[i];
        llr_topk_call *c = calloc((size_t)r->n + 1, sizeof *c);
        int *tok = malloc((kk + 1) * sizeof *tok);
        double *lp = malloc((kk + 1) * sizeof *lp);
        double *l = malloc(3 * (size_t)V * sizeof *l);
        int *iw = malloc((size_t)V * sizeof *iw);
        int rc = c && tok && lp && l && iw
                     ? 0
                     : llr_fail(e, LLR_ENOMEM, "out of memory");
        size_t at = 0;
        for (int i = 0; rc == 0 && i < r->n; i++) {
            c[i] = (llr_topk_call){r->tok + r->off[i],
                                   r->off[i + 1] - r->off[i], r->k[i],
                                   r->boff[i + 1] - r->boff[i],
                                   r->btok + r->boff[i], r->bval + r->boff[i],
                                   tok + at, lp + at};
            at += (size_t)r->k[i];
            rc = llr_model_logits(m, c[i].prefix, c[i].len, l, e);
            if (rc == 0 && llr_topk_biased(l, V, &c[i], r->round, l + V, iw))
                rc = llr_fail(e, LLR_EINPUT,
                              "topk call %d: the biased logits overflow", i);
        }
        if (rc == 0)
            reply = llr_proto_format_topk_reply(r->id, c, r->n, r->round);
        free(c), free(tok), free(lp), free(l), free(iw);
    }
    if (!reply && e->code == LLR_OK)
        llr_fail(e, LLR_ENOMEM, "out of memory");
    return reply;
}

int cmd_serve(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        help();
        return EXIT_OK;
    }
    if (argc != 2 || argv[1][0] == '-')
        return cli_usage(CMD, "expected one MODEL");
    llr_model *m;
    if (cli_load(CMD, argv[1], &m))
        return EXIT_FAIL;
    char *g = llr_proto_format_greeting2(m->V, m->T);
    if (!g) {
        fprintf(stderr, "%s: out of memory formatting the greeting\n", CMD);
        llr_model_free(m);
        return EXIT_FAIL;
    }
    fputs(g, stdout);
    fflush(stdout);
    free(g);
    char *line = NULL;
    size_t cap = 0, n = 0;
    int got;
    const char *why = NULL;
    int rc = EXIT_OK;
    while ((got = read_request(&line, &cap, &n, &why)) != 0) {
        llr_error e = {LLR_OK, ""};
        llr_request r = {0};
        char *reply = NULL;
        if (got < 0)
            llr_fail(&e, LLR_EINPUT, "%s (at most %u bytes)", why,
                     LLR_PROTOCOL_MAX_LINE);
        else if (llr_proto_parse(line, n, m->V, m->T - 1, &r, &e) == 0) {
            reply = answer(m, &r, &e);
            llr_proto_request_free(&r);
        }
        if (!reply)
            reply = llr_proto_format_error(r.id, e.msg[0] ? e.msg
                                                          : "internal error");
        if (!reply) {
            /* Not even the error reply could be formatted: stop, rather
             * than leave the client waiting for a reply that never comes
             * or answering its next request out of turn. */
            fprintf(stderr, "%s: out of memory formatting a reply; "
                            "stopping\n", CMD);
            rc = EXIT_FAIL;
            break;
        }
        fputs(reply, stdout);
        free(reply);
        fflush(stdout);
    }
    free(line);
    llr_model_free(m);
    return rc;
}
