/* llr tv A B [--exact | --mc N --seed S]: distance between two models. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>

#include "cli/cli.h"
#include "measure/distance.h"
#include "base/prefix.h"

#define CMD "llr tv"

static void help(void)
{
    printf(
        "usage: llr tv A B [--exact | --mc N [--seed S]] [--delta D] "
        "[--threads N] [--json]\n\n"
        "Total-variation distance TV(A, B) = 1/2 sum_y |A(y) - B(y)| over "
        "Sigma^T.\n"
        "  --exact   enumerate all V^T sequences in one walk of the prefix "
        "tree\n"
        "            (up to 1e10); reports a bound on the rounding error of "
        "the sum\n"
        "  --mc N    N samples y ~ A: TV = E max(0, 1 - B(y)/A(y)), with "
        "the certified\n"
        "            upper bound of llr learn (binomial-KL or empirical "
        "Bernstein,\n"
        "            whichever is tighter: TV <= it with probability >= 1-D; "
        "default\n"
        "            D = 0.05; seed 1) and an interval holding with "
        "probability 1-D\n"
        "Default: exact when V^T <= 1e7, else --mc %d.\n"
        "  --threads N  the exact walk on at most N threads (default "
        "LLR_THREADS, else\n"
        "            the online cores; one for a model behind a process; "
        "Monte Carlo\n"
        "            runs on one): the output is the same for any N\n"
        "Also printed: the telescoping bound sum_t E_{h~A} TV(A(.|h), "
        "B(.|h)) (>= TV)\n"
        "and KL(A || B). JSON keys: tv, method, bound (exact) or "
        "tv_certified and ci\n(mc), telescoping, kl, and exec (the round "
        "trips of models behind a process:\ndocs/oracle-protocol.md).\n",
        CLI_AUTO_MC);
}

int cmd_tv(int argc, char **argv)
{
    static const struct option opts[] = {
        {"exact", no_argument, 0, 'x'},
        {"mc", required_argument, 0, 'n'},
        {"seed", required_argument, 0, 's'},
        {"delta", required_argument, 0, 'D'},
        {"threads", required_argument, 0, 'J'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int json = 0, c, r;
    cli_distance d;
    cli_distance_defaults(&d);
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if ((r = cli_distance_option(CMD, "--mc", c, optarg, &d)) != 0) {
            if (r < 0)
                return EXIT_USAGE;
            continue;
        }
        switch (c) {
        case 'j': json = 1; break;
        case 'h': help(); return EXIT_OK;
        default: return cli_usage(CMD, "bad option");
        }
    }
    if (optind + 2 != argc)
        return cli_usage(CMD, "expected two MODEL files");
    if (cli_distance_options_done(CMD, "--mc", &d) != EXIT_OK)
        return EXIT_USAGE;
    llr_model *a, *b;
    if (cli_load(CMD, argv[optind], &a))
        return EXIT_FAIL;
    if (cli_load(CMD, argv[optind + 1], &b)) {
        llr_model_free(a);
        return EXIT_FAIL;
    }
    int rc = cli_distance_run(CMD, a, b, NULL, &d);
    if (rc == EXIT_OK)
        rc = cli_exec_done(CMD, a);
    if (rc == EXIT_OK)
        rc = cli_exec_done(CMD, b);
    if (rc != EXIT_OK)
        goto done;
    if (json) {
        json_t *j = cli_distance_json(&d);
        cli_exec_json(j, "a", a, NULL);
        cli_exec_json(j, "b", b, NULL);
        cli_json(j);
    }
    else if (d.exact)
        printf("TV = %.17g  (exact over %llu sequences; rounding error "
               "<= %.2g)\ntelescoping bound = %.17g  (sum_t E_h TV of "
               "next-token distributions)\nKL(A || B) = %.17g\n",
               d.x.tv, (unsigned long long)d.x.leaves, d.x.tv_err,
               d.x.telescoping, d.x.kl);
    else
        printf("TV = %.6g  (Monte Carlo: %llu samples from A, seed %llu; "
               "%g%% interval [%.6g, %.6g])\n"
               "certified: TV <= %.6g with probability >= %g\n"
               "telescoping bound = %.6g  (interval [%.6g, %.6g])\n"
               "KL(A || B) = %.6g  (standard error %.2g)\n",
               d.m.tv, (unsigned long long)d.m.n, (unsigned long long)d.seed,
               100 * (1 - d.delta), d.m.tv_lo, d.m.tv_hi, d.m.tv_cert,
               1 - d.delta, d.m.telescoping, d.m.tele_lo, d.m.tele_hi,
               d.m.kl, d.m.kl_stderr);
done:
    llr_model_free(a);
    llr_model_free(b);
    return rc;
}
