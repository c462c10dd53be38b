/* llr vectors make|check DIR: golden vectors (docs/vectors.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "conformance/vectors.h"

#define CMD "llr vectors"

static void help(void)
{
    printf("usage: llr vectors make DIR\n"
           "       llr vectors make DIR --model FILE... [--learn ARGS] "
           "[--prefixes all|N]\n"
           "                            [--samples N] [--seed S]\n"
           "       llr vectors check DIR [--json]\n\n"
           "make   writes the golden vectors into DIR: manifest.json and one "
           "safetensors\n"
           "       file per model and item (the same files on every run).\n"
           "       Without --model: the built-in cases. With --model FILE... "
           "(one or more\n"
           "       model files, or --model repeated): those models, stored "
           "in DIR, with\n"
           "       their logits at every prefix (when at most 10000, else "
           "1000 sampled;\n"
           "       --prefixes all or N), --samples N samples (8) drawn with "
           "--seed S (7),\n"
           "       the LP at those prefixes of a learned (gls) model, and "
           "the exact TV of\n"
           "       every two models of the same shape. --learn ARGS (one "
           "argument,\n"
           "       e.g. \"--rank 2 --eps 0.1\", also --delta, --seed, --gap, "
           "--tau, as for\n"
           "       llr learn) also learns each model, with the learned "
           "model's logits,\n"
           "       samples, spanner choices, LP and TV against its "
           "teacher.\n"
           "check  recomputes every item of DIR/manifest.json from its "
           "description and the\n"
           "       stored inputs, and reports each value that differs beyond "
           "the tolerance\n"
           "       the manifest states for its quantity; exit 1 on any "
           "difference.\n"
           "       --json: a summary with one entry per item instead of "
           "the lines.\n"
           "The manifest schema and the tolerances: docs/vectors.md.\n");
}

/* Parse the learner's arguments of --learn ARGS into u. */
static int parse_learn(const char *args, llr_vectors_user *u)
{
    char *copy = strdup(args), *save = NULL;
    if (!copy)
        return -1;
    int rc = 0, have_rank = 0, have_eps = 0;
    for (char *k = strtok_r(copy, " \t\n", &save); k && rc == 0;
         k = strtok_r(NULL, " \t\n", &save)) {
        char *v = strchr(k, '=');
        if (v)
            *v++ = 0;
        else
            v = strtok_r(NULL, " \t\n", &save);
        if (!v) {
            rc = cli_usage(CMD, "--learn: %s needs a value", k);
            break;
        }
        long long i;
        if (!strcmp(k, "--rank")) {
            rc = cli_int(CMD, "--learn --rank", v, 1, LLR_MAX_RANK, &i);
            u->rank = (int)i;
            have_rank = 1;
        } else if (!strcmp(k, "--eps")) {
            rc = cli_double(CMD, "--learn --eps", v, 1e-300, 0.999999,
                            &u->eps);
            have_eps = 1;
        } else if (!strcmp(k, "--delta")) {
            rc = cli_double(CMD, "--learn --delta", v, 1e-300, 0.999999,
                            &u->delta);
        } else if (!strcmp(k, "--seed")) {
            rc = cli_u64(CMD, "--learn --seed", v, &u->seed);
        } else if (!strcmp(k, "--gap")) {
            rc = cli_double(CMD, "--learn --gap", v, 1e-300, 1e300, &u->gap);
        } else if (!strcmp(k, "--tau")) {
            rc = cli_double(CMD, "--learn --tau", v, 0, 1e300, &u->tau);
        } else {
            rc = cli_usage(CMD, "--learn: unknown option '%s' (--rank, "
                                "--eps, --delta, --seed, --gap, --tau)", k);
        }
        rc = rc ? -1 : 0;
    }
    free(copy);
    if (rc == 0 && (!have_rank || !have_eps))
        rc = cli_usage(CMD, "--learn needs --rank D and --eps E") ? -1 : 0;
    return rc ? -1 : 0;
}

int cmd_vectors(int argc, char **argv)
{
    /* The golden vectors are the reference answers: every reconstruction
     * LP solved cold (learn/reconstruct.h), the definition a second
     * implementation reproduces, whatever warm starts do to the last bits
     * elsewhere. */
    setenv("LLR_LP_COLD", "1", 1);
    int json = 0, w = 1, nmodels = 0, user = 0;
    const char **models = calloc((size_t)argc + 1, sizeof *models);
    llr_vectors_user u = {.delta = 0.05, .seed = 1, .tau = -1,
                          .samples = 8, .sample_seed = 7};
    if (!models) {
        fprintf(stderr, "%s: out of memory\n", CMD);
        return EXIT_FAIL;
    }
    int rc = EXIT_USAGE;
    for (int r = 1; r < argc; r++) {
        const char *a = argv[r];
        long long v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            help();
            rc = EXIT_OK;
            goto out;
        }
        if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--model")) {
            user = 1;
            int before = nmodels;
            while (r + 1 < argc && strncmp(argv[r + 1], "--", 2))
                models[nmodels++] = argv[++r];
            if (nmodels == before) {
                cli_usage(CMD, "--model needs a model FILE");
                goto out;
            }
        } else if (!strcmp(a, "--learn") || !strncmp(a, "--learn=", 8)) {
            const char *args = a[7] == '=' ? a + 8 : NULL;
            if (!args && r + 1 < argc)
                args = argv[++r];
            if (!args) {
                cli_usage(CMD, "--learn needs ARGS, e.g. \"--rank 2 --eps "
                               "0.1\"");
                goto out;
            }
            if (parse_learn(args, &u))
                goto out;
            u.learn = user = 1;
        } else if (!strcmp(a, "--prefixes") && r + 1 < argc) {
            user = 1;
            if (!strcmp(argv[++r], "all"))
                u.prefixes = -1;
            else if (cli_int(CMD, "--prefixes", argv[r], 1, 100000, &v))
                goto out;
            else
                u.prefixes = (long)v;
        } else if (!strcmp(a, "--samples") && r + 1 < argc) {
            user = 1;
            if (cli_int(CMD, "--samples", argv[++r], 1, 100000, &v))
                goto out;
            u.samples = (int)v;
        } else if (!strcmp(a, "--seed") && r + 1 < argc) {
            user = 1;
            if (cli_u64(CMD, "--seed", argv[++r], &u.sample_seed))
                goto out;
        } else if (a[0] == '-') {
            cli_usage(CMD, "bad option '%s'", a);
            goto out;
        } else {
            argv[w++] = argv[r];
        }
    }
    if (w != 3) {
        cli_usage(CMD, "expected 'make DIR' or 'check DIR'");
        goto out;
    }
    const char *dir = argv[2];
    llr_error e;
    if (!strcmp(argv[1], "make")) {
        if (json) {
            cli_usage(CMD, "--json goes with check");
            goto out;
        }
        if (user && !nmodels) {
            cli_usage(CMD, "--learn, --prefixes, --samples and --seed go "
                           "with --model FILE...");
            goto out;
        }
        u.models = models;
        u.nmodels = nmodels;
        if (nmodels ? llr_vectors_make_models(dir, &u, stdout, &e)
                    : llr_vectors_make(dir, stdout, &e)) {
            rc = e.code == LLR_EUSAGE ? cli_usage(CMD, "%s", e.msg)
                                      : cli_fail(CMD, &e);
            goto out;
        }
        printf("wrote %s/manifest.json\n", dir);
        rc = EXIT_OK;
        goto out;
    }
    if (strcmp(argv[1], "check")) {
        cli_usage(CMD, "unknown action '%s' (make or check)", argv[1]);
        goto out;
    }
    if (user) {
        cli_usage(CMD, "--model and its options go with make");
        goto out;
    }
    llr_vectors_summary s = {0};
    s.results = json ? json_array() : NULL;
    int crc = llr_vectors_check(dir, json ? NULL : stdout, &s, &e);
    fflush(stdout);
    if (crc) {
        json_decref(s.results);
        fprintf(stderr, "%s: %s\n", CMD, e.msg);
        if (s.items)
            fprintf(stderr, "%s: stopped after %d items (%d failed)\n", CMD,
                    s.items, s.failed);
        rc = EXIT_FAIL;
        goto out;
    }
    if (json)
        cli_json(json_pack("{s:s, s:i, s:i, s:i, s:I, s:o}", "dir", dir,
                           "items", s.items, "passed", s.items - s.failed,
                           "failed", s.failed, "values", (json_int_t)s.values,
                           "results", s.results));
    else
        printf("vectors: %d items checked (%ld values), %d passed, %d "
               "failed\n",
               s.items, s.values, s.items - s.failed, s.failed);
    rc = s.failed ? EXIT_FAIL : EXIT_OK;
out:
    free(models);
    return rc;
}
