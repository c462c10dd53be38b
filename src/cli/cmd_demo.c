/* llr demo parity: the separation GLS2 starts from, measured. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "measure/distance.h"
#include "learn/empirical.h"
#include "learn/exhaustive.h"
#include "learn/gls.h"
#include "oracle/oracle.h"
#include "models/parity.h"
#include "learn/params.h"

#define CMD "llr demo"

static void help(void)
{
    printf(
        "usage: llr demo parity [--bits n] [--noise NU] [--weight k] "
        "[--seed S] [--eps E]\n"
        "                       [--mc N] [--json]\n\n"
        "Noisy parity (n bits, noise NU, secret drawn from S; default n = "
        "16, NU = 0.1,\n"
        "S = 1, dense secret unless --weight k) learned two ways: GLS2's "
        "learner from\n"
        "logit queries (rank 1, target E, default 0.05), and the "
        "samples-only baseline\n"
        "(smoothed empirical conditionals) given as many teacher samples as "
        "the query\n"
        "learner made distinct logit queries and drew teacher samples "
        "together. TV is\n"
        "exact for n <= 16, else Monte Carlo with N samples (default 20000) "
        "and a 95%%\n"
        "interval (binomial-KL or empirical Bernstein).\n");
}

typedef struct tvres {
    double tv, lo, hi;
    int exact;
} tvres;

static int measure(const llr_model *M, const llr_model *L, long long mc,
                   uint64_t seed, tvres *r, llr_error *e)
{
    llr_distance_opts o = {1ULL << 20, (uint64_t)mc, seed, 0.05, NULL, NULL, 1};
    if (M->T <= 17) {
        llr_exact x;
        if (llr_distance_exact(M, L, &o, &x, e))
            return -1;
        *r = (tvres){x.tv, x.tv - x.tv_err, x.tv + x.tv_err, 1};
        return 0;
    }
    llr_mc m;
    if (llr_distance_mc(M, L, &o, &m, e))
        return -1;
    *r = (tvres){m.tv, m.tv_lo, m.tv_hi, 0};
    return 0;
}

static void show(const char *who, const char *access, const tvres *r)
{
    if (r->exact)
        printf("%-20s %-40s %.3g (exact)\n", who, access, r->tv);
    else
        printf("%-20s %-40s %.3g (Monte Carlo, 95%% interval [%.3g, "
               "%.3g])\n",
               who, access, r->tv, r->lo, r->hi);
}

int cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {
        {"bits", required_argument, 0, 'n'},
        {"noise", required_argument, 0, 'N'},
        {"weight", required_argument, 0, 'w'},
        {"seed", required_argument, 0, 's'},
        {"eps", required_argument, 0, 'e'},
        {"mc", required_argument, 0, 'm'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    long long n = 16, weight = 0, mc = 20000;
    double nu = 0.1, eps = 0.05;
    uint64_t seed = 1;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (cli_int(CMD, "--bits", optarg, 1, 256, &n))
                return EXIT_USAGE;
            break;
        case 'N':
            if (cli_double(CMD, "--noise", optarg, 1e-9, 0.499, &nu))
                return EXIT_USAGE;
            break;
        case 'w':
            if (cli_int(CMD, "--weight", optarg, 1, 256, &weight))
                return EXIT_USAGE;
            break;
        case 's':
            if (cli_u64(CMD, "--seed", optarg, &seed))
                return EXIT_USAGE;
            break;
        case 'e':
            if (cli_double(CMD, "--eps", optarg, 1e-6, 0.9, &eps))
                return EXIT_USAGE;
            break;
        case 'm':
            if (cli_int(CMD, "--mc", optarg, 1, 100000000, &mc))
                return EXIT_USAGE;
            break;
        case 'j': json = 1; break;
        case 'h': help(); return EXIT_OK;
        default: return cli_usage(CMD, "bad option");
        }
    }
    if (optind + 1 != argc || strcmp(argv[optind], "parity"))
        return cli_usage(CMD, "the demo is 'parity'");
    if (weight > n)
        return cli_usage(CMD, "--weight exceeds --bits");
    llr_error e;
    unsigned char *sec = malloc((size_t)n);
    llr_model *M = NULL, *G = NULL, *S = NULL;
    llr_oracle *o = NULL, *os = NULL;
    int rc = EXIT_FAIL;
    tvres tg, ts;
    llr_gls_stats st;
    if (!sec || llr_parity_secret_from_seed((int)n, seed, (int)weight, sec, &e) ||
        llr_parity_new((int)n, sec, nu, &M, &e) ||
        llr_oracle_new(M, NULL, &o, &e) ||
        llr_oracle_new(M, NULL, &os, &e)) {
        cli_fail(CMD, &e);
        goto done;
    }
    llr_gls_params p;
    llr_params_practical(M->T, 1, eps, 0.05, 0, 0, seed, &p);
    if (llr_gls_learn(o, &p, NULL, &G, &st, &e)) {
        cli_fail(CMD, &e);
        goto done;
    }
    /* The samples baseline gets as many samples as gls had accesses. */
    llr_counts gc = llr_oracle_counts(o);
    uint64_t access = gc.distinct + gc.samples;
    if (llr_empirical_learn(os, access, 0.5, seed, &S, &e) ||
        measure(M, G, mc, seed, &tg, &e) || measure(M, S, mc, seed, &ts, &e)) {
        cli_fail(CMD, &e);
        goto done;
    }
    int w = 0;
    for (int i = 0; i < n; i++)
        w += sec[i];
    double ex = llr_exhaustive_count(2, (int)n + 1);
    if (json) {
        cli_json(json_pack(
            "{s:I, s:f, s:i, s:I, s:{s:I, s:I, s:I, s:i, s:f, s:f, s:f, "
            "s:b, s:f}, s:{s:I, s:f, s:f, s:f, s:b}, s:f}",
            "bits", (json_int_t)n, "noise", nu, "weight", w, "seed",
            (json_int_t)seed, "gls", "distinct_queries",
            (json_int_t)gc.distinct, "queries", (json_int_t)gc.calls,
            "samples", (json_int_t)gc.samples, "witnesses", st.witnesses,
            "tv", tg.tv, "tv_lo", tg.lo, "tv_hi", tg.hi, "exact", tg.exact,
            "tv_certified", st.cert.upper, "samples", "samples",
            (json_int_t)access, "tv", ts.tv, "tv_lo", ts.lo, "tv_hi", ts.hi,
            "exact", ts.exact, "exhaustive_queries", ex));
    } else {
        char acc[64];
        printf("noisy parity: n = %lld bits, noise %g, secret weight %d "
               "(seed %llu); exhaustive would query %.0f prefixes\n",
               n, nu, w, (unsigned long long)seed, ex);
        printf("%-20s %-40s %s\n", "learner", "teacher access",
               "TV(teacher, learned)");
        snprintf(acc, sizeof acc, "%llu logit queries + %llu samples",
                 (unsigned long long)gc.distinct,
                 (unsigned long long)gc.samples);
        show("gls (GLS2)", acc, &tg);
        snprintf(acc, sizeof acc, "%llu samples, no logits",
                 (unsigned long long)access);
        show("samples (baseline)", acc, &ts);
        printf("gls's certificate: TV <= %.3g with probability >= 0.95 "
               "(%llu fresh samples)\n",
               st.cert.upper, (unsigned long long)st.cert.n);
    }
    rc = EXIT_OK;
done:
    free(sec);
    llr_oracle_free(o);
    llr_oracle_free(os);
    llr_model_free(G);
    llr_model_free(S);
    llr_model_free(M);
    return rc;
}
