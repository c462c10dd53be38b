/* llr logits MODEL [TOKEN ...]: centred logits after a prefix. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "oracle/oracle.h"
#include "kernels/softmax.h"

#define CMD "llr logits"

static void help(void)
{
    printf("usage: llr logits MODEL [TOKEN ...] [--top-k K | --access ACCESS] "
           "[--json]\n\n"
           "The centred next-token logit vector l(h) after the prefix h = "
           "TOKEN ...\n(0 <= length < T), with the probabilities "
           "softmax(l(h)). JSON keys:\nprefix, logits, probs. With --top-k "
           "K, only the K largest logits, as an API\nreturns them (JSON "
           "keys: prefix, top: [{token, logit}]).\nWith --access topk:K[,bias:B]"
           "[,round:R][,nbias:N], the whole vector recovered\nfrom biased "
           "top-K calls (docs/access.md); JSON adds api_calls and xi, the "
           "per-entry\nerror bound.\n");
}

int cmd_logits(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'},
        {"top-k", required_argument, 0, 'K'},
        {"access", required_argument, 0, 'A'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int json = 0, c;
    long long topk = 0;
    llr_access acc = {0, 0, 0, -1};
    llr_cond_access cond = {0, 0, 0, 0, 0};
    llr_error e;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'K':
            if (cli_int(CMD, "--top-k", optarg, 1, LLR_MAX_VOCAB, &topk))
                return EXIT_USAGE;
            break;
        case 'A':
            if (!strncmp(optarg, "sample", 6)
                    ? llr_cond_parse(optarg, &cond, &e)
                    : llr_access_parse(optarg, &acc, &e))
                return cli_usage(CMD, "%s", e.msg);
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
    int rc = EXIT_OK;
    if (topk && (acc.k || cond.on)) {
        free(tok);
        llr_model_free(m);
        return cli_usage(CMD, "--top-k and --access do not combine");
    }
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
    llr_counts cn = {0};
    if (!l) {
        llr_fail(&e, LLR_ENOMEM, "out of memory");
        rc = cli_fail(CMD, &e);
        goto done;
    }
    if (acc.k || cond.on) {
        llr_oracle *o = NULL;
        llr_oracle_opts oo = {0};
        oo.access = acc;
        oo.cond = cond;
        int f = llr_oracle_new(m, &oo, &o, &e) ||
                llr_oracle_query(o, tok, len, l, &e);
        if (o)
            cn = llr_oracle_counts(o);
        llr_oracle_free(o);
        if (f) {
            rc = cli_fail(CMD, &e);
            goto done;
        }
    } else if (llr_model_logits(m, tok, len, l, &e)) {
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
        if (cond.on) {
            json_object_set_new(o, "api_calls",
                                json_integer((json_int_t)cn.api_calls));
            json_object_set_new(o, "xi", json_real(cond.xi));
            json_object_set_new(o, "samples_per_vector",
                                json_real(llr_cond_samples(&cond, m->V)));
        }
        if (acc.k) {
            json_object_set_new(o, "api_calls",
                                json_integer((json_int_t)cn.api_calls));
            json_object_set_new(o, "xi",
                                json_real(llr_recovery_bound(&acc, m->V)));
        }
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
        if (cond.on)
            printf("estimated from %llu one-token samples (lambda %g): every "
                   "entry within %g with probability >= %g\n",
                   (unsigned long long)cn.api_calls, cond.lambda, cond.xi,
                   1 - cond.delta);
        if (acc.k)
            printf("recovered from %llu API calls (top-%d, bias <= %g on <= "
                   "%d tokens, %d decimals): every entry within %.4g\n",
                   (unsigned long long)cn.api_calls, acc.k, acc.bias,
                   acc.nbias, acc.round, llr_recovery_bound(&acc, m->V));
    }
done:
    free(l);
    free(tok);
    llr_model_free(m);
    return rc;
}
