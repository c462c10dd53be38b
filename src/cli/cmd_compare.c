/* llr compare TRUTH CANDIDATE: how far a candidate implementation is from
 * the truth, step by step and prefix by prefix (docs/commands.md). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "measure/distance.h"
#include "base/prefix.h"

#define CMD "llr compare"

static void help(void)
{
    printf(
        "usage: llr compare TRUTH CANDIDATE [--exact | --samples N] [--seed S] "
        "[--delta D]\n"
        "                 [--top K] [--max-tv X] [--threads N] [--json]\n\n"
        "Where CANDIDATE differs from TRUTH (any model llr loads, or "
        "exec:COMMAND):\n"
        "  TV(TRUTH, CANDIDATE), exact when V^T <= 1e7 (or --exact, up to "
        "1e10), else\n"
        "      Monte Carlo over N samples of TRUTH (--samples, default %d; "
        "seed 1)\n"
        "      with the certified upper bound of llr learn (TV <= it with "
        "probability\n"
        "      >= 1-D, default D = 0.05) and an interval at confidence "
        "1-D;\n"
        "  the per-step terms E_{h~TRUTH} TV(TRUTH(.|h), CANDIDATE(.|h)), "
        "t = 1..T,\n"
        "      whose sum (the telescoping bound) is >= TV;\n"
        "  the K prefixes h (default 10) with the largest contributions "
        "P(h) * TV\n"
        "      of the next-token distributions: the prefix, P(h) under "
        "TRUTH, the\n"
        "      next-token TV (Monte Carlo: among the sampled prefixes).\n"
        "Exit status 1 when --max-tv X is given and TV > X (Monte Carlo: "
        "when the\n"
        "certified upper bound exceeds X, so that passing means TV <= X is "
        "certified).\n"
        "--threads N: the exact walk on at most N threads when --top 0 "
        "(the prefixes\n"
        "are ranked in walk order otherwise: one thread); default "
        "LLR_THREADS, else the\n"
        "online cores; the output is the same for any N.\n",
        CLI_AUTO_MC);
}

typedef struct top_entry {
    double contrib, p, tv;
    int t;
    int *tok;
} top_entry;

typedef struct topk {
    int k, n, T;
    top_entry *e;
} topk;

static int same_prefix(const top_entry *x, const int *h, int t)
{
    return x->t == t && (t == 0 || !memcmp(x->tok, h, (size_t)t * sizeof *h));
}

/* Keep the k largest contributions; a prefix already kept is skipped
 * (Monte Carlo visits a prefix once per sample through it). */
static void top_visit(void *ctx, const int *h, int t, double p, double tv)
{
    topk *K = ctx;
    double c = p * tv;
    if (!(c > 0))
        return;
    int low = -1;
    for (int i = 0; i < K->n; i++) {
        if (same_prefix(&K->e[i], h, t))
            return;
        if (low < 0 || K->e[i].contrib < K->e[low].contrib)
            low = i;
    }
    int at;
    if (K->n < K->k)
        at = K->n++;
    else if (c > K->e[low].contrib)
        at = low;
    else
        return;
    top_entry *x = &K->e[at];
    x->contrib = c, x->p = p, x->tv = tv, x->t = t;
    if (t)
        memcpy(x->tok, h, (size_t)t * sizeof *h);
}

/* Largest contribution first; ties by length, then tokens. */
static int top_order(const void *a, const void *b)
{
    const top_entry *x = a, *y = b;
    if (x->contrib != y->contrib)
        return x->contrib > y->contrib ? -1 : 1;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    for (int i = 0; i < x->t; i++)
        if (x->tok[i] != y->tok[i])
            return x->tok[i] < y->tok[i] ? -1 : 1;
    return 0;
}

static void print_prefix(const top_entry *x)
{
    char buf[64];
    int n = 0;
    if (x->t == 0)
        n = snprintf(buf, sizeof buf, "(empty)");
    for (int i = 0; i < x->t && n < (int)sizeof buf - 16; i++)
        n += snprintf(buf + n, sizeof buf - n, "%s%d", i ? " " : "",
                      x->tok[i]);
    if (n >= (int)sizeof buf - 16)
        snprintf(buf + n, sizeof buf - n, " ...");
    printf("  %-24s", buf);
}

int cmd_compare(int argc, char **argv)
{
    static const struct option opts[] = {
        {"exact", no_argument, 0, 'x'},
        {"samples", required_argument, 0, 'n'},
        {"seed", required_argument, 0, 's'},
        {"delta", required_argument, 0, 'D'},
        {"threads", required_argument, 0, 'J'},
        {"top", required_argument, 0, 'k'},
        {"max-tv", required_argument, 0, 'M'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int json = 0, c, r;
    long long ktop = 10;
    double max_tv = -1;
    cli_distance d;
    cli_distance_defaults(&d);
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if ((r = cli_distance_option(CMD, "--samples", c, optarg, &d)) != 0) {
            if (r < 0)
                return EXIT_USAGE;
            continue;
        }
        switch (c) {
        case 'k':
            if (cli_int(CMD, "--top", optarg, 0, 100000, &ktop))
                return EXIT_USAGE;
            break;
        case 'M':
            if (cli_double(CMD, "--max-tv", optarg, 0, 1, &max_tv))
                return EXIT_USAGE;
            break;
        case 'j': json = 1; break;
        case 'h': help(); return EXIT_OK;
        default: return cli_usage(CMD, "bad option");
        }
    }
    if (optind + 2 != argc)
        return cli_usage(CMD, "expected TRUTH and CANDIDATE");
    if (cli_distance_options_done(CMD, "--samples", &d) != EXIT_OK)
        return EXIT_USAGE;
    llr_model *P, *Q = NULL;
    if (cli_load(CMD, argv[optind], &P))
        return EXIT_FAIL;
    if (cli_load(CMD, argv[optind + 1], &Q)) {
        llr_model_free(P);
        return EXIT_FAIL;
    }
    llr_error e;
    int rc = EXIT_FAIL, T = P->T;
    double *steps = NULL;
    topk K = {(int)ktop, 0, T, NULL};
    steps = calloc((size_t)T, sizeof *steps);
    K.e = calloc((size_t)(ktop ? ktop : 1), sizeof *K.e);
    for (int i = 0; K.e && i < ktop; i++)
        if (!(K.e[i].tok = malloc((size_t)T * sizeof(int))))
            break;
    if (!steps || !K.e || (ktop && !K.e[ktop - 1].tok)) {
        llr_fail(&e, LLR_ENOMEM, "out of memory");
        cli_fail(CMD, &e);
        goto done;
    }
    llr_distance_hooks hk = {steps, ktop ? top_visit : NULL, &K};
    if (cli_distance_run(CMD, P, Q, &hk, &d) != EXIT_OK ||
        cli_exec_done(CMD, P) != EXIT_OK || cli_exec_done(CMD, Q) != EXIT_OK)
        goto done;
    const int exact = d.exact;
    const double delta = d.delta;
    const llr_exact x = d.x;
    const llr_mc m = d.m;
    qsort(K.e, (size_t)K.n, sizeof *K.e, top_order);
    double tv = exact ? x.tv : m.tv_cert; /* what --max-tv judges */
    /* Hoeffding half-width of each Monte Carlo step term (values in
     * [0, 1]), at confidence 1 - delta each. */
    double hw = exact ? 0 : sqrt(log(2 / delta) / (2 * (double)d.mc));
    if (json) {
        json_t *j = cli_distance_json(&d);
        if (!exact)
            json_object_set_new(j, "step_halfwidth", cli_real(hw));
        json_t *st = json_array(), *tp = json_array();
        for (int t = 0; t < T; t++)
            json_array_append_new(st, cli_real(steps[t]));
        for (int i = 0; i < K.n; i++) {
            json_t *h = json_array();
            for (int s = 0; s < K.e[i].t; s++)
                json_array_append_new(h, json_integer(K.e[i].tok[s]));
            json_array_append_new(
                tp, json_pack("{s:o, s:o, s:o, s:o}", "prefix", h, "p",
                              cli_real(K.e[i].p), "tv", cli_real(K.e[i].tv),
                              "contribution", cli_real(K.e[i].contrib)));
        }
        json_object_set_new(j, "steps", st);
        json_object_set_new(j, "top", tp);
        if (max_tv >= 0)
            json_object_set_new(j, "max_tv_exceeded",
                                json_boolean(tv > max_tv));
        cli_exec_json(j, "truth", P, NULL);
        cli_exec_json(j, "candidate", Q, NULL);
        cli_json(j);
    } else {
        if (exact)
            printf("TV(TRUTH, CANDIDATE) = %.17g  (exact over %llu "
                   "sequences; rounding error <= %.2g)\n"
                   "telescoping bound = %.17g\nKL(TRUTH || CANDIDATE) = "
                   "%.17g\n",
                   x.tv, (unsigned long long)x.leaves, x.tv_err,
                   x.telescoping, x.kl);
        else
            printf("TV(TRUTH, CANDIDATE) = %.6g  (Monte Carlo: %llu samples "
                   "of TRUTH, seed %llu; %g%% interval [%.6g, %.6g])\n"
                   "certified: TV <= %.6g with probability >= %g\n"
                   "telescoping bound = %.6g  (interval [%.6g, "
                   "%.6g])\nKL(TRUTH || CANDIDATE) = %.6g  (standard error "
                   "%.2g)\n",
                   m.tv, (unsigned long long)m.n, (unsigned long long)d.seed,
                   100 * (1 - delta), m.tv_lo, m.tv_hi, m.tv_cert, 1 - delta,
                   m.telescoping, m.tele_lo, m.tele_hi, m.kl, m.kl_stderr);
        printf("per-step terms E_{h~TRUTH} TV(TRUTH(.|h), CANDIDATE(.|h)), "
               "h of length t-1%s:\n",
               exact ? "" : " (each +- the half-width below)");
        for (int t = 0; t < T; t++)
            printf("  t = %-4d %.6g\n", t + 1, steps[t]);
        if (!exact)
            printf("  half-width %.3g per term (Hoeffding, confidence %g "
                   "each)\n", hw, 1 - delta);
        if (K.n) {
            printf("top %d prefixes by P(h) * TV(next token)%s:\n", K.n,
                   exact ? "" : " among the sampled prefixes");
            printf("  %-24s %-12s %-12s %s\n", "prefix h", "P(h)",
                   "next-tok TV", "contribution");
            for (int i = 0; i < K.n; i++) {
                print_prefix(&K.e[i]);
                printf(" %-12.6g %-12.6g %.6g\n", K.e[i].p, K.e[i].tv,
                       K.e[i].contrib);
            }
        } else if (ktop)
            printf("no prefix contributes: the next-token distributions "
                   "agree everywhere\n");
    }
    rc = EXIT_OK;
    if (max_tv >= 0 && tv > max_tv) {
        fprintf(stderr, "%s: %s %.6g exceeds --max-tv %g\n", CMD,
                exact ? "TV" : "the certified TV bound", tv, max_tv);
        rc = EXIT_FAIL;
    }
done:
    for (int i = 0; K.e && i < ktop; i++)
        free(K.e[i].tok);
    free(K.e), free(steps);
    llr_model_free(P);
    llr_model_free(Q);
    return rc;
}
