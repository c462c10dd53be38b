/* llr spectrum MODEL --cut t: rank diagnostics (GLS1). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "base/prefix.h"
#include "measure/spectrum.h"

#define CMD "llr spectrum"
#define ALL_HIST 512 /* all histories when V^t <= this */
#define ALL_FUT 128  /* all futures when their number <= this */
#define DEF_HIST 256
#define DEF_FUT 64

static void help(void)
{
    printf(
        "usage: llr spectrum MODEL --cut t [--histories N] [--futures M] "
        "[--seed S]\n"
        "                    [--tol X] [--gesvd] [--json]\n\n"
        "Singular values of the extended logit matrix L_t: rows are "
        "histories h of\n"
        "length t, columns are (future f, token z) with |f| <= T-1-t, "
        "entries l_z(h f).\n"
        "Without --histories: all V^t histories when V^t <= %d, else %d "
        "drawn from\n"
        "MODEL. Without --futures: all futures when there are <= %d, else "
        "%d (the\n"
        "empty one, then futures of uniform length cut from samples). Seed "
        "default 1.\n"
        "Prints the numerical rank (sigma_i > X; default max(m,n) sigma_1 "
        "eps) and the\n"
        "power-law fit sigma_i ~ C i^-a over the singular values above "
        "the tolerance.\n"
        "--gesvd uses LAPACK's dgesvd instead of dgesdd (the fallback "
        "path).\n",
        ALL_HIST, DEF_HIST, ALL_FUT, DEF_FUT);
}

int cmd_spectrum(int argc, char **argv)
{
    static const struct option opts[] = {
        {"cut", required_argument, 0, 't'},
        {"histories", required_argument, 0, 'H'},
        {"futures", required_argument, 0, 'F'},
        {"seed", required_argument, 0, 's'},
        {"tol", required_argument, 0, 'x'},
        {"gesvd", no_argument, 0, 'g'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    long long cut = -1, nh = 0, nf = 0;
    uint64_t seed = 1;
    double tol = -1;
    int json = 0, gesvd = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (cli_int(CMD, "--cut", optarg, 0, LLR_MAX_HORIZON - 1, &cut))
                return EXIT_USAGE;
            break;
        case 'H':
            if (cli_int(CMD, "--histories", optarg, 1, 100000, &nh))
                return EXIT_USAGE;
            break;
        case 'F':
            if (cli_int(CMD, "--futures", optarg, 1, 100000, &nf))
                return EXIT_USAGE;
            break;
        case 's':
            if (cli_u64(CMD, "--seed", optarg, &seed))
                return EXIT_USAGE;
            break;
        case 'x':
            if (cli_double(CMD, "--tol", optarg, 0, 1e300, &tol))
                return EXIT_USAGE;
            break;
        case 'g': gesvd = 1; break;
        case 'j': json = 1; break;
        case 'h': help(); return EXIT_OK;
        default: return cli_usage(CMD, "bad option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage(CMD, "expected one MODEL file");
    if (cut < 0)
        return cli_usage(CMD, "--cut t is required");
    llr_model *m;
    if (cli_load(CMD, argv[optind], &m))
        return EXIT_FAIL;
    llr_error e;
    int rc = EXIT_OK;
    llr_strings H = {0}, F = {0};
    llr_spectrum sp = {0};
    double *mat = NULL;
    if (cut >= m->T) {
        llr_fail(&e, LLR_EINPUT,
                 "cut %lld is outside [0, %d] for horizon %d", cut,
                 m->T - 1, m->T);
        rc = cli_fail(CMD, &e);
        goto done;
    }
    int t = (int)cut;
    llr_prng g;
    llr_prng_seed(&g, seed);
    uint64_t cnt;
    int all_h = !nh && llr_prefix_count((uint64_t)m->V, (uint64_t)t, ALL_HIST,
                                        &cnt) == 0;
    uint64_t nfut;
    int all_f = !nf && llr_prefix_total((uint64_t)m->V,
                                        (uint64_t)(m->T - t), ALL_FUT,
                                        &nfut) == 0;
    if ((all_h ? llr_strings_all(m->V, t, 0, ALL_HIST, &H, &e)
               : llr_sample_histories(m, t, nh ? (int)nh : DEF_HIST, &g, &H,
                                      &e)) ||
        (all_f ? llr_strings_all(m->V, m->T - 1 - t, 1, ALL_FUT, &F, &e)
               : llr_sample_futures(m, t, nf ? (int)nf : DEF_FUT, &g, &F,
                                    &e))) {
        rc = cli_fail(CMD, &e);
        goto done;
    }
    int rows = H.count, cols = F.count * m->V;
    mat = malloc((size_t)rows * cols * sizeof *mat);
    if (!mat) {
        llr_fail(&e, LLR_ENOMEM,
                 "out of memory for a %d x %d matrix", rows, cols);
        rc = cli_fail(CMD, &e);
        goto done;
    }
    if (llr_logit_matrix(m, t, &H, &F, mat, &e) ||
        llr_spectrum_of(mat, rows, cols, tol, gesvd ? 1 : 0, &sp, &e)) {
        rc = cli_fail(CMD, &e);
        goto done;
    }
    if (json) {
        json_t *sv = json_array();
        for (int i = 0; i < sp.k; i++)
            json_array_append_new(sv, json_real(sp.sigma[i]));
        cli_json(json_pack(
            "{s:i, s:i, s:i, s:s, s:i, s:s, s:o, s:i, s:o, s:o, s:o, s:i, "
            "s:s}",
            "cut", t, "rows", rows, "cols", cols, "histories",
            all_h ? "all" : "sampled", "futures", F.count, "future_set",
            all_f ? "all" : "sampled", "singular_values", sv, "rank", sp.rank,
            "tol", cli_real(sp.tol), "exponent", cli_real(sp.exponent), "coef",
            cli_real(sp.coef), "fit_points", sp.fit_points, "svd",
            sp.fallback ? "dgesvd" : "dgesdd"));
    } else {
        printf("extended logit matrix at cut %d: %d histories (%s) x %d "
               "futures (%s) x %d tokens = %d x %d\n",
               t, rows, all_h ? "all" : "sampled", F.count,
               all_f ? "all" : "sampled", m->V, rows, cols);
        printf("singular values (%s):", sp.fallback ? "dgesvd" : "dgesdd");
        int shown = sp.k < 16 ? sp.k : 16;
        for (int i = 0; i < shown; i++)
            printf("%s%.6g", i % 8 ? " " : "\n  ", sp.sigma[i]);
        if (sp.k > shown)
            printf("\n  ... %d more (--json lists all)", sp.k - shown);
        printf("\nnumerical rank: %d (tolerance %.3g)\n", sp.rank, sp.tol);
        if (sp.fit_points >= 2)
            printf("power law sigma_i ~ C i^-a over %d values: a = %.4g, "
                   "C = %.4g\n",
                   sp.fit_points, sp.exponent, sp.coef);
        else
            printf("power law: needs at least 2 singular values above the "
                   "tolerance\n");
    }
done:
    free(mat);
    llr_spectrum_free(&sp);
    llr_strings_free(&H);
    llr_strings_free(&F);
    llr_model_free(m);
    return rc;
}
