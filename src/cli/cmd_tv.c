/* llr tv A B [--exact | --mc N --seed S]: distance between two models. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "distance.h"
#include "prefix.h"

#define CMD "llr tv"
/* Without --exact or --mc: exact up to this many sequences, else MC. */
#define AUTO_EXACT 10000000ULL
/* --exact refuses above this many sequences. */
#define MAX_EXACT 10000000000ULL
#define AUTO_MC 100000

static void help(void)
{
    printf(
        "usage: llr tv A B [--exact | --mc N [--seed S]] [--delta D] "
        "[--json]\n\n"
        "Total-variation distance TV(A, B) = 1/2 sum_y |A(y) - B(y)| over "
        "Sigma^T.\n"
        "  --exact   enumerate all V^T sequences in one walk of the prefix "
        "tree\n"
        "            (up to 1e10); reports a bound on the rounding error of "
        "the sum\n"
        "  --mc N    N samples y ~ A: TV = E max(0, 1 - B(y)/A(y)), with a "
        "Hoeffding\n"
        "            interval holding with probability 1-D (default D = "
        "0.05; seed 1)\n"
        "Default: exact when V^T <= 1e7, else --mc %d.\n"
        "Also printed: the telescoping bound sum_t E_{h~A} TV(A(.|h), "
        "B(.|h)) (>= TV)\n"
        "and KL(A || B). JSON keys: tv, method, bound (exact) or ci (mc), "
        "telescoping, kl.\n",
        AUTO_MC);
}

int cmd_tv(int argc, char **argv)
{
    static const struct option opts[] = {
        {"exact", no_argument, 0, 'x'},
        {"mc", required_argument, 0, 'm'},
        {"seed", required_argument, 0, 's'},
        {"delta", required_argument, 0, 'D'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int exact = 0, json = 0, c, have_seed = 0;
    long long mc = 0;
    uint64_t seed = 1;
    double delta = 0.05;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'x': exact = 1; break;
        case 'm':
            if (cli_int(CMD, "--mc", optarg, 1, 1000000000000LL, &mc))
                return EXIT_USAGE;
            break;
        case 's':
            if (cli_u64(CMD, "--seed", optarg, &seed))
                return EXIT_USAGE;
            have_seed = 1;
            break;
        case 'D':
            if (cli_double(CMD, "--delta", optarg, 1e-300, 0.999999, &delta))
                return EXIT_USAGE;
            break;
        case 'j': json = 1; break;
        case 'h': help(); return EXIT_OK;
        default: return cli_usage(CMD, "bad option");
        }
    }
    if (optind + 2 != argc)
        return cli_usage(CMD, "expected two MODEL files");
    if (exact && mc)
        return cli_usage(CMD, "--exact and --mc exclude each other");
    if (exact && have_seed)
        return cli_usage(CMD, "--seed applies to --mc only");
    llr_model *a, *b;
    if (cli_load(CMD, argv[optind], &a))
        return EXIT_FAIL;
    if (cli_load(CMD, argv[optind + 1], &b)) {
        llr_model_free(a);
        return EXIT_FAIL;
    }
    llr_error e;
    int rc = EXIT_OK;
    if (llr_distance_compatible(a, b, &e)) {
        rc = cli_fail(CMD, &e);
        goto done;
    }
    uint64_t leaves;
    int small = llr_prefix_count((uint64_t)a->V, (uint64_t)a->T, AUTO_EXACT,
                                 &leaves) == 0;
    if (!exact && !mc) {
        if (small)
            exact = 1;
        else
            mc = AUTO_MC;
    }
    cli_progress pr;
    if (exact) {
        llr_exact r;
        cli_progress_init(&pr, "exact TV");
        int fail = llr_distance_exact(a, b, MAX_EXACT, &pr.p, &r, &e);
        cli_progress_done(&pr);
        if (fail) {
            rc = cli_fail(CMD, &e);
            goto done;
        }
        if (json)
            cli_json(json_pack("{s:o, s:s, s:o, s:o, s:o, s:I}", "tv",
                               cli_real(r.tv), "method", "exact", "bound",
                               cli_real(r.tv_err), "telescoping",
                               cli_real(r.telescoping), "kl", cli_real(r.kl),
                               "sequences", (json_int_t)r.leaves));
        else
            printf("TV = %.17g  (exact over %llu sequences; rounding error "
                   "<= %.2g)\ntelescoping bound = %.17g  (sum_t E_h TV of "
                   "next-token distributions)\nKL(A || B) = %.17g\n",
                   r.tv, (unsigned long long)r.leaves, r.tv_err,
                   r.telescoping, r.kl);
    } else {
        llr_mc r;
        cli_progress_init(&pr, "Monte Carlo TV");
        int fail = llr_distance_mc(a, b, (uint64_t)mc, seed, delta, &pr.p, &r,
                                   &e);
        cli_progress_done(&pr);
        if (fail) {
            rc = cli_fail(CMD, &e);
            goto done;
        }
        if (json)
            cli_json(json_pack(
                "{s:o, s:s, s:[o, o], s:o, s:I, s:I, s:o, s:[o, o], s:o, "
                "s:o}",
                "tv", cli_real(r.tv), "method", "mc", "ci", cli_real(r.tv_lo),
                cli_real(r.tv_hi), "confidence", cli_real(1 - delta),
                "samples", (json_int_t)r.n, "seed", (json_int_t)seed,
                "telescoping", cli_real(r.telescoping), "telescoping_ci",
                cli_real(r.tele_lo), cli_real(r.tele_hi), "kl",
                cli_real(r.kl), "kl_stderr", cli_real(r.kl_stderr)));
        else
            printf("TV = %.6g  (Monte Carlo: %llu samples from A, seed %llu; "
                   "%g%% Hoeffding interval [%.6g, %.6g])\n"
                   "telescoping bound = %.6g  (interval [%.6g, %.6g])\n"
                   "KL(A || B) = %.6g  (standard error %.2g)\n",
                   r.tv, (unsigned long long)r.n, (unsigned long long)seed,
                   100 * (1 - delta), r.tv_lo, r.tv_hi, r.telescoping,
                   r.tele_lo, r.tele_hi, r.kl, r.kl_stderr);
    }
done:
    llr_model_free(a);
    llr_model_free(b);
    return rc;
}
