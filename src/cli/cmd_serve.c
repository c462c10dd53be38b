/* llr serve MODEL: the reference server of the query protocol. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/capacity.h"
#include "cli/cli.h"
#include "io/protocol.h"
#include "io/protocol_bounds.h"

#define CMD "llr serve"

static void help(void)
{
    printf("usage: llr serve MODEL\n\n"
           "Serve MODEL's centred logits over stdin/stdout with the query "
           "protocol of\ndocs/oracle-protocol.md: a greeting line, then one "
           "JSON reply per request\nline ({\"prefix\": [...]} or "
           "{\"prefixes\": [[...], ...]}); a bad request gets\n"
           "{\"error\": \"...\"} and the server goes on. It exits at the end "
           "of its input, so\n"
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
    char *g = llr_proto_format_greeting(m->V, m->T);
    fputs(g, stdout);
    fflush(stdout);
    free(g);
    char *line = NULL;
    size_t cap = 0;
    size_t n = 0;
    double *l = NULL;
    size_t lcap = 0;
    int got;
    const char *why = NULL;
    while ((got = read_request(&line, &cap, &n, &why)) != 0) {
        llr_error e;
        int k, batch, *off, *tok;
        char *reply = NULL;
        if (got < 0)
            llr_fail(&e, LLR_EINPUT, "%s (at most %u bytes)", why,
                     LLR_PROTOCOL_MAX_LINE);
        else if (llr_proto_request(line, n, m->V, m->T - 1, &k, &off, &tok,
                                   &batch, &e) == 0) {
            int rc = 0;
            if ((size_t)k * m->V > lcap) {
                lcap = (size_t)k * m->V;
                double *t = realloc(l, lcap * sizeof *l);
                if (!t)
                    rc = llr_fail(&e, LLR_ENOMEM, "out of memory");
                else
                    l = t;
            }
            for (int i = 0; rc == 0 && i < k; i++)
                rc = llr_model_logits(m, tok + off[i], off[i + 1] - off[i],
                                      l + (size_t)i * m->V, &e);
            if (rc == 0)
                reply = llr_proto_format_reply(l, m->V, k, batch);
            free(off), free(tok);
        }
        if (!reply) {
            json_t *j = json_pack("{s:s}", "error", e.msg);
            char *s = json_dumps(j, JSON_COMPACT);
            json_decref(j);
            size_t sl = s ? strlen(s) : 0;
            reply = malloc(sl + 2);
            if (reply) {
                memcpy(reply, s ? s : "", sl);
                memcpy(reply + sl, "\n", 2);
            }
            free(s);
        }
        if (reply)
            fputs(reply, stdout);
        free(reply);
        fflush(stdout);
    }
    free(line);
    free(l);
    llr_model_free(m);
    return EXIT_OK;
}
