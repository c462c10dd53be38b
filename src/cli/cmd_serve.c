/* llr serve MODEL: the reference server of the query protocol. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "protocol.h"

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
    ssize_t n;
    double *l = NULL;
    size_t lcap = 0;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        if (n > 0 && line[n - 1] == '\n')
            n--;
        llr_error e;
        int k, batch, *off, *tok;
        char *reply = NULL;
        if (llr_proto_request(line, (size_t)n, m->V, m->T - 1, &k, &off, &tok,
                              &batch, &e) == 0) {
            int rc = 0;
            if ((size_t)k * m->V > lcap) {
                lcap = (size_t)k * m->V;
                double *t = realloc(l, lcap * sizeof *l);
                if (!t)
                    rc = llr_fail(&e, "out of memory");
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
