/* llr logits MODEL [TOKEN ...]: centred logits after a prefix. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "oracle/oracle.h"
#include "kernels/softmax.h"

#define CMD "llr logits"

static void help(void)
{
    printf("usage: llr logits MODEL [TOKEN ...] [--top-k K] [--json]\n\n"
           "The centred next-token logit vector l(h) after the prefix h = "
           "TOKEN ...\n(0 <= length < T), with the probabilities "
           "softmax(l(h)). JSON keys:\nprefix, logits, probs. With --top-k "
           "K, only the K largest logits, as an API\nreturns them (JSON "
           "keys: prefix, top: [{token, logit}]).\n");
}

int cmd_logits(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'},
        {"top-k", required_argument, 0, 'K'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int json = 0, c;
    long long topk = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'K':
            if (cli_int(CMD, "--top-k", optarg, 1, LLR_MAX_VOCAB, &topk))
                return EXIT_USAGE;
            break;
        case 'h': help(); return EXIT_OK;
        default: return cli_usage(CMD, "bad option");
        }
    }
    if (optind >= argc)
        return cli_usage(CMD, "expected a MODEL file");
    llr_model *m;
    int len = argc - optind - 1;
    int *tok = malloc((size_t)(len > 0 ? len : 1) * sizeof *tok);
    if (!tok) {
        fprintf(stderr, "%s: out of memory\n", CMD);
        return EXIT_FAIL;
    }
    for (int i = 0; i < len; i++) {
        long long v;
        if (cli_int(CMD, "TOKEN", argv[optind + 1 + i], 0, LLR_MAX_VOCAB - 1,
                    &v)) {
            free(tok);
            return EXIT_USAGE;
        }
        tok[i] = (int)v;
    }
    if (cli_load(CMD, argv[optind], &m)) {
        free(tok);
        return EXIT_FAIL;
    }
    llr_error e;
    int rc = EXIT_OK;
    if (topk) {
        llr_oracle *o = NULL;
        llr_oracle_opts oo = {0};
        oo.topk = (int)topk;
        int k = topk < m->V ? (int)topk : m->V;
        int *idx = malloc((size_t)k * sizeof *idx);
        double *val = malloc((size_t)k * sizeof *val);
        if (!idx || !val || llr_oracle_new(m, &oo, &o, &e)) {
            if (!idx || !val)
                llr_fail(&e, LLR_ENOMEM, "out of memory");
            rc = cli_fail(CMD, &e);
        } else {
            if (llr_oracle_topk(o, tok, len, idx, val, &e))
                rc = cli_fail(CMD, &e);
            else if ((rc = cli_exec_done(CMD, m)) != EXIT_OK)
                ;
            else if (json) {
                json_t *top = json_array(), *jp = json_array();
                for (int i = 0; i < len; i++)
                    json_array_append_new(jp, json_integer(tok[i]));
                for (int i = 0; i < k; i++)
                    json_array_append_new(top, json_pack("{s:i, s:f}", "token",
                                                         idx[i], "logit",
                                                         val[i]));
                cli_json(json_pack("{s:o, s:o}", "prefix", jp, "top", top));
            } else {
                printf("top %d of %d centred logits\n", k, m->V);
                for (int i = 0; i < k; i++)
                    printf("%-6d %.17g\n", idx[i], val[i]);
            }
            llr_oracle_free(o);
        }
        free(idx), free(val), free(tok);
        llr_model_free(m);
        return rc;
    }
    double *l = malloc(2 * (size_t)m->V * sizeof *l);
    if (!l || llr_model_logits(m, tok, len, l, &e)) {
        if (!l)
            llr_fail(&e, LLR_ENOMEM, "out of memory");
        rc = cli_fail(CMD, &e);
        goto done;
    }
    if ((rc = cli_exec_done(CMD, m)) != EXIT_OK)
        goto done;
    double *p = l + m->V;
    llr_softmax(l, m->V, p);
    if (json) {
        json_t *o = json_object(), *jp = json_array(), *jl = json_array(),
               *jq = json_array();
        for (int i = 0; i < len; i++)
            json_array_append_new(jp, json_integer(tok[i]));
        for (int z = 0; z < m->V; z++) {
            json_array_append_new(jl, json_real(l[z]));
            json_array_append_new(jq, json_real(p[z]));
        }
        json_object_set_new(o, "prefix", jp);
        json_object_set_new(o, "logits", jl);
        json_object_set_new(o, "probs", jq);
        cli_json(o);
    } else {
        printf("prefix:");
        for (int i = 0; i < len; i++)
            printf(" %d", tok[i]);
        printf("%s (length %d of horizon %d)\n", len ? "" : " (empty)", len,
               m->T);
        printf("%-6s %-24s %s\n", "token", "centred logit", "probability");
        for (int z = 0; z < m->V; z++)
            printf("%-6d %-24.17g %.17g\n", z, l[z], p[z]);
    }
done:
    free(l);
    free(tok);
    llr_model_free(m);
    return rc;
}
