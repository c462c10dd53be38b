/* llr sample MODEL -n N --seed S: draw sequences. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define CMD "llr sample"

static void help(void)
{
    printf("usage: llr sample MODEL -n N --seed S [--json]\n\n"
           "Draw N sequences of length T, one per line, token ids separated "
           "by spaces.\nOne SplitMix64 generator seeded with S draws them "
           "in turn, token by token,\nby inverse CDF over the softmax "
           "(docs/models.md gives the rule bit for bit).\n");
}

int cmd_sample(int argc, char **argv)
{
    static const struct option opts[] = {
        {"seed", required_argument, 0, 's'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    long long n = -1;
    uint64_t seed = 0;
    int have_seed = 0, json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (cli_int(CMD, "-n", optarg, 0, 1000000000, &n))
                return EXIT_USAGE;
            break;
        case 's':
            if (cli_u64(CMD, "--seed", optarg, &seed))
                return EXIT_USAGE;
            have_seed = 1;
            break;
        case 'j': json = 1; break;
        case 'h': help(); return EXIT_OK;
        default: return cli_usage(CMD, "bad option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage(CMD, "expected one MODEL file");
    if (n < 0)
        return cli_usage(CMD, "-n N is required");
    if (!have_seed)
        return cli_usage(CMD, "--seed is required");
    llr_model *m;
    if (cli_load(CMD, argv[optind], &m))
        return EXIT_FAIL;
    int *seq = malloc((size_t)m->T * sizeof *seq);
    double *lp = malloc((size_t)m->T * sizeof *lp);
    llr_prng g;
    llr_prng_seed(&g, seed);
    llr_error e;
    int rc = EXIT_OK;
    json_t *all = json ? json_array() : NULL;
    /* A model that fetches samples ahead (a server of protocol version 2
     * that answers sample requests) draws the same stream by its sample
     * operation, in few requests; the others are walked token by token. */
    int ahead = m->ops->sample && m->ops->prefetch_samples;
    if (!seq || !lp) {
        llr_fail(&e, LLR_ENOMEM, "out of memory");
        rc = cli_fail(CMD, &e);
        n = 0;
    } else if (ahead && llr_model_prefetch_samples(m, &g, n, &e)) {
        rc = cli_fail(CMD, &e);
        n = 0;
    }
    for (long long i = 0; i < n; i++) {
        if (ahead ? m->ops->sample(m, &g, seq, lp, &e)
                  : llr_model_sample(m, &g, seq, &e)) {
            rc = cli_fail(CMD, &e);
            break;
        }
        if (json) {
            json_t *s = json_array();
            for (int t = 0; t < m->T; t++)
                json_array_append_new(s, json_integer(seq[t]));
            json_array_append_new(all, s);
        } else {
            for (int t = 0; t < m->T; t++)
                printf("%d%c", seq[t], t + 1 < m->T ? ' ' : '\n');
        }
    }
    if (rc == EXIT_OK)
        rc = cli_exec_done(CMD, m);
    if (json) {
        if (rc == EXIT_OK)
            cli_json(json_pack("{s:I, s:o}", "seed", (json_int_t)seed,
                               "samples", all));
        else
            json_decref(all);
    }
    free(seq), free(lp);
    llr_model_free(m);
    return rc;
}
