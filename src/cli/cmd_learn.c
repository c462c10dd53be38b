/* llr learn MODEL --rank D --eps E ...: learn from logit queries. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/clock.h"
#include "learn/certify.h"
#include "measure/distance.h"
#include "learn/empirical.h"
#include "learn/exhaustive.h"
#include "learn/gls.h"
#include "oracle/oracle.h"
#include "learn/params.h"
#include "base/prefix.h"
#include "learn/reconstruct.h"
#include "learn/spanner.h"
#include "learn/spectral.h"
#include "io/trace.h"
#include "base/output.h"

#define CMD "llr learn"
/* The report's exact TV is computed when V^T is at most this. */
#define TV_LIMIT 100000000ULL

static void help(void)
{
    printf(
        "usage: llr learn MODEL --rank D --eps E [--delta P] [--seed S]\n"
        "                 [--method gls|spectral|exhaustive|samples] "
        "[--xi X] "
        "[--quantum Q] [--budget N]\n"
        "                 [--sample-budget N] [--cert-samples N] "
        "[--params practical|theory]\n"
        "                 [--trace FILE] -o OUT [--json]\n"
        "                 [--spanner-n N] [--valid-n n] [--gap G] [--tau T] "
        "[--samples M]\n"
        "                 [--max-epochs N] [--time-limit S] [--threads N]\n\n"
        "Learn a standalone model of MODEL from its two access operations: "
        "logit\nqueries (a whole next-token vector at a chosen prefix) and "
        "teacher samples\n(a sequence with the teacher's log-probability of "
        "each token).\n"
        "  gls         GLS2's learner: barycentric-spanner basis histories, "
        "witness\n"
        "              futures found by validation, a reconstruction LP per "
        "prefix;\n"
        "              stops when fresh samples certify TV <= E; on a teacher "
        "not of\n"
        "              rank D it stops at the budget, the epoch cap "
        "(--max-epochs),\n"
        "              the time limit (--time-limit S seconds) or when it "
        "makes no\n"
        "              progress, and returns its model read by least "
        "squares over\n"
        "              denoised rows, with its certified TV, exit status 0, "
        "target_met\n"
        "              false and a one-line reason on stderr\n"
        "  spectral    baseline: random histories and futures, truncated SVD "
        "at rank D,\n"
        "              least-squares transition maps: an explicit ISAN\n"
        "  exhaustive  baseline: query every prefix (sum_t V^t queries), "
        "exact table\n"
        "  samples     baseline that sees only --samples M teacher samples, "
        "no logits:\n"
        "              smoothed empirical conditionals (no queries)\n"
        "Every method reports a certified TV: with probability >= 1-P, "
        "TV(MODEL, OUT)\n"
        "<= tv_certified, from fresh teacher samples and their "
        "log-probabilities (no\n"
        "logit query; gls: its last round; the baselines: --cert-samples N, "
        "default the\n"
        "size that certifies E when E is given, else 1000). The figures go "
        "into OUT's\n"
        "metadata too (llr info shows them).\n"
        "Oracle: --xi X adds a deterministic per-entry error below X to "
        "logit answers;\n"
        "--quantum Q rounds them to multiples of Q; --budget N: never more "
        "than N\n"
        "distinct logit queries (gls returns its model as it was before the "
        "query that\n"
        "would exceed it; the baselines stop, writing nothing), "
        "--sample-budget N\n"
        "rather than draw more than N teacher samples; --trace FILE writes "
        "every step\n"
        "as JSON lines (docs/trace.md: queries, samples, bases, LP "
        "solutions,\n"
        "witnesses, certificates; for the baselines, the queries), only when "
        "the run\n"
        "succeeds. --top-k K: the oracle answers only the K largest logits "
        "(API-shaped);\n"
        "every learner here needs whole vectors and refuses it. --access "
        "topk:K[,bias:B][,round:R][,nbias:N]:\n"
        "the teacher is reached only by top-K log-probability calls with a "
        "logit bias of\n"
        "at most B on N tokens, rounded to R decimals (docs/access.md); "
        "whole vectors\n"
        "are recovered from them, the learner's xi is the recovery's "
        "bound, and the\n"
        "report adds api_calls and access. --params "
        "theory computes\n"
        "the theorem's settings and runs only when they are not "
        "astronomically large.\n"
        "--threads N: at most N threads for the exact TV of the result "
        "(V^T <= 1e8;\n"
        "default LLR_THREADS, else the online cores); the outputs are the "
        "same for any N.\n"
        "Defaults: --delta 0.05, --seed 1, practical.\n"
        "The report has queries, distinct_queries, tokens (logit queries), "
        "samples,\n"
        "sample_tokens, sampling (teacher samples), tv_certified, "
        "tv_estimate,\n"
        "certificate_samples, delta, target_met, epochs, witnesses, seconds, "
        "\n"
        "(gls) stopped (null, or budget, epochs, no progress, time, samples), "
        "stop_detail,\n"
        "reconstruction (lp or lsq), "
        "exhaustive_queries (null above 2^62), when V^T <= 1e8, tv (exact, "
        "MODEL\nagainst OUT), and for a teacher behind a process, exec (its "
        "round trips:\ndocs/oracle-protocol.md).\n");
}

/* The largest rank any cut can have: max over s of min(V^s, V times the
 * number of futures of length <= T-1-s), capped at LLR_MAX_RANK + 1. */
static int max_rank(int V, int T)
{
    double best = 0, cap = LLR_MAX_RANK + 1;
    for (int s = 0; s < T; s++) {
        double h = pow(V, s), f = 0;
        for (int j = 0; j <= T - 1 - s && f < cap; j++)
            f += pow(V, j);
        double r = fmin(h, V * f);
        best = fmax(best, r);
    }
    return (int)fmin(best, cap);
}

static void print_params(FILE *f, const char *what, const llr_gls_params *p)
{
    fprintf(f,
            "%-10s gap %-10.3g tau %-8.3g box %g  spanner_n %-6d "
            "valid_n %-10d max_epochs %d\n",
            what, p->gap, p->tau, p->box, p->spanner_n, p->valid_n,
            p->max_epochs);
}

int cmd_learn(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rank", required_argument, 0, 'd'},
        {"eps", required_argument, 0, 'e'},
        {"delta", required_argument, 0, 'D'},
        {"seed", required_argument, 0, 's'},
        {"method", required_argument, 0, 'm'},
        {"xi", required_argument, 0, 'x'},
        {"quantum", required_argument, 0, 'q'},
        {"budget", required_argument, 0, 'b'},
        {"params", required_argument, 0, 'p'},
        {"trace", required_argument, 0, 't'},
        {"output", required_argument, 0, 'o'},
        {"spanner-n", required_argument, 0, 'N'},
        {"valid-n", required_argument, 0, 'n'},
        {"gap", required_argument, 0, 'g'},
        {"tau", required_argument, 0, 'T'},
        {"samples", required_argument, 0, 'M'},
        {"top-k", required_argument, 0, 'K'},
        {"access", required_argument, 0, 'A'},
        {"cert-samples", required_argument, 0, 'C'},
        {"sample-budget", required_argument, 0, 'B'},
        {"max-epochs", required_argument, 0, 'E'},
        {"time-limit", required_argument, 0, 'L'},
        {"threads", required_argument, 0, 'J'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    long long d = -1, budget = 0, sn = 0, vn = 0, msamples = 0, topk = 0;
    long long cert_n = 0, sbudget = 0, max_epochs = 0;
    double time_limit = 0;
    double eps = -1, delta = 0.05, xi = 0, quantum = 0, gap = -1, tau = -1;
    uint64_t seed = 1;
    const char *method = "gls", *params = "practical", *trace = NULL,
               *out = NULL;
    int json = 0, c, threads = 0;
    llr_access acc = {0, 0, 0, -1};
    llr_cond_access cond = {0, 0, 0, 0, 0};
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (cli_int(CMD, "--rank", optarg, 1, LLR_MAX_RANK, &d))
                return EXIT_USAGE;
            break;
        case 'e':
            if (cli_prob(CMD, "--eps", optarg, &eps))
                return EXIT_USAGE;
            break;
        case 'D':
            if (cli_prob(CMD, "--delta", optarg, &delta))
                return EXIT_USAGE;
            break;
        case 's':
            if (cli_u64(CMD, "--seed", optarg, &seed))
                return EXIT_USAGE;
            break;
        case 'm': method = optarg; break;
        case 'x':
            if (cli_double(CMD, "--xi", optarg, 0, 1e3, &xi))
                return EXIT_USAGE;
            break;
        case 'q':
            if (cli_double(CMD, "--quantum", optarg, 0, 1e3, &quantum))
                return EXIT_USAGE;
            break;
        case 'b':
            if (cli_int(CMD, "--budget", optarg, 1, 1LL << 62, &budget))
                return EXIT_USAGE;
            break;
        case 'p': params = optarg; break;
        case 't': trace = optarg; break;
        case 'o': out = optarg; break;
        case 'N':
            if (cli_int(CMD, "--spanner-n", optarg, 1, 1000000, &sn))
                return EXIT_USAGE;
            break;
        case 'n':
            if (cli_int(CMD, "--valid-n", optarg, 1, 100000000, &vn))
                return EXIT_USAGE;
            break;
        case 'g':
            if (cli_double(CMD, "--gap", optarg, 1e-15, 1e3, &gap))
                return EXIT_USAGE;
            break;
        case 'T':
            if (cli_double(CMD, "--tau", optarg, 0, 1e3, &tau))
                return EXIT_USAGE;
            break;
        case 'K':
            if (cli_int(CMD, "--top-k", optarg, 1, LLR_MAX_VOCAB, &topk))
                return EXIT_USAGE;
            break;
        case 'A': {
            llr_error ae;
            if (!strncmp(optarg, "sample", 6)
                    ? llr_cond_parse(optarg, &cond, &ae)
                    : llr_access_parse(optarg, &acc, &ae))
                return cli_usage(CMD, "%s", ae.msg);
            break;
        }
        case 'M':
            if (cli_int(CMD, "--samples", optarg, 1, 1LL << 40, &msamples))
                return EXIT_USAGE;
            break;
        case 'C':
            if (cli_int(CMD, "--cert-samples", optarg, 1, 1LL << 40,
                        &cert_n))
                return EXIT_USAGE;
            break;
        case 'B':
            if (cli_int(CMD, "--sample-budget", optarg, 1, 1LL << 62,
                        &sbudget))
                return EXIT_USAGE;
            break;
        case 'E':
            if (cli_int(CMD, "--max-epochs", optarg, 1, 1000000000,
                        &max_epochs))
                return EXIT_USAGE;
            break;
        case 'L':
            if (cli_double(CMD, "--time-limit", optarg, 1e-3, 1e9,
                           &time_limit))
                return EXIT_USAGE;
            break;
        case 'J':
            if (cli_threads_option(CMD, optarg, &threads))
                return EXIT_USAGE;
            break;
        case 'j': json = 1; break;
        case 'h': help(); return EXIT_OK;
        default: return cli_usage(CMD, "bad option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage(CMD, "expected one MODEL");
    if (cli_threads_resolve(CMD, &threads) != EXIT_OK)
        return EXIT_USAGE;
    if (!out)
        return cli_usage(CMD, "-o OUT is required");
    int is_gls = !strcmp(method, "gls"), is_ex = !strcmp(method, "exhaustive");
    int is_sp = !strcmp(method, "spectral"), is_sam = !strcmp(method, "samples");
    if (!is_gls && !is_ex && !is_sp && !is_sam)
        return cli_usage(CMD, "unknown --method '%s' (gls, spectral, "
                              "exhaustive or samples)", method);
    if (is_sam != (msamples > 0))
        return cli_usage(CMD, "--samples M goes with --method samples, and "
                              "--method samples needs it");
    if (is_sp && d < 0)
        return cli_usage(CMD, "--rank is required");
    if (is_gls && d < 0)
        return cli_usage(CMD, "--rank is required");
    if (is_gls && eps < 0)
        return cli_usage(CMD, "--eps is required");
    if (strcmp(params, "practical") && strcmp(params, "theory"))
        return cli_usage(CMD, "--params is practical or theory");
    if (is_gls && cert_n)
        return cli_usage(CMD, "--cert-samples is for the baselines: gls "
                              "sizes its rounds itself (--valid-n)");
    if (is_gls && !vn) {
        llr_error pe;
        if (llr_params_check(eps, delta, &pe))
            return cli_usage(CMD, "--eps: %s", pe.msg);
    }
    if (!is_gls && !cert_n)
        cert_n = eps > 0 ? (long long)llr_cert_samples(eps, delta) : 1000;

    if (!is_gls && (max_epochs || time_limit > 0))
        return cli_usage(CMD, "--max-epochs and --time-limit are gls's");
    /* Outputs are checked before any work: their directories, and that
     * --trace is neither -o nor the input model. */
    if (cli_stage(CMD, argv[optind], out, trace, (char *)NULL))
        return EXIT_FAIL;
    llr_model *M;
    if (cli_load(CMD, argv[optind], &M))
        return EXIT_FAIL;
    if ((is_gls || is_sp) && d > max_rank(M->V, M->T)) {
        fprintf(stderr, "%s: --rank: %lld is above %d, the largest rank a "
                        "cut of a model with V = %d and T = %d can have "
                        "(min(V^s, V times the futures of length <= T-1-s) "
                        "at cut s); nothing was written\n",
                CMD, d, max_rank(M->V, M->T), M->V, M->T);
        llr_model_free(M);
        return EXIT_USAGE;
    }
    llr_error e;
    int rc = EXIT_FAIL;
    llr_gls_params p = {0}, th = {0};
    double theory_queries = 0;
    FILE *tf = NULL;
    llr_trace trs;
    llr_model *L = NULL;
    llr_oracle *o = NULL;
    /* Through API access, the learner's answer error is the recovery's
     * per-entry bound (oracle/recovery.h). */
    double xi_learn = xi;
    if (acc.k > 0) {
        if (llr_access_check(&acc, M->V, &e)) {
            cli_fail(CMD, &e);
            llr_model_free(M);
            return EXIT_USAGE;
        }
        xi_learn = xi + llr_recovery_bound(&acc, M->V);
    }
    if (cond.on) {
        long long ncalls;
        if (llr_cond_calls(&cond, M->V, &ncalls, &e)) {
            cli_fail(CMD, &e);
            llr_model_free(M);
            return EXIT_USAGE;
        }
        xi_learn = xi + cond.xi;
    }
    if (is_gls) {
        llr_params_practical(M->T, (int)d, eps, delta, xi_learn, quantum, seed,
                             &p);
        theory_queries = llr_params_theory(M->T, (int)d, eps, delta, seed, &th);
        if (!strcmp(params, "theory")) {
            print_params(stderr, "practical", &p);
            print_params(stderr, "theory", &th);
            fprintf(stderr, "theory: query bound T^13 d^4 / eps^4 ln(1/delta) "
                            "= %.3g (GLS2 Thm 5.11 as re-stated; constants "
                            "and log factors unknown)\n",
                    theory_queries);
            if (theory_queries > LLR_THEORY_MAX_QUERIES) {
                fprintf(stderr,
                        "%s: declining to run with the theory settings: "
                        "they need about %.3g queries, more than %.0e; use "
                        "--params practical\n",
                        CMD, theory_queries, LLR_THEORY_MAX_QUERIES);
                llr_model_free(M);
                return EXIT_FAIL;
            }
            p = th;
        }
        if (sn)
            p.spanner_n = (int)sn;
        if (vn) {
            p.valid_n = (int)vn;
            p.max_cert_n = vn > 2000000000 / 64 ? 2000000000 : 64 * (int)vn;
        }
        if (gap > 0)
            p.gap = gap;
        if (tau >= 0)
            p.tau = tau;
        if (max_epochs)
            p.max_epochs = (int)max_epochs;
        p.max_seconds = time_limit;
    }
    /* The first certificate round against the teacher-sample budget. */
    long long first = is_gls ? (long long)p.spanner_n + p.valid_n
                             : cert_n + msamples;
    if (sbudget && first > sbudget) {
        fprintf(stderr,
                "%s: the first certificate round needs %lld teacher "
                "samples (%s), more than --sample-budget %lld; nothing was "
                "written\n",
                CMD, first,
                is_gls ? "--spanner-n plus the round --valid-n"
                       : is_sam ? "--samples plus --cert-samples"
                                : "--cert-samples",
                sbudget);
        llr_model_free(M);
        return EXIT_FAIL;
    }
    llr_oracle_opts oo = {xi, llr_params_noise_seed(seed), quantum,
                          (uint64_t)budget, NULL, (int)topk, NULL,
                          (uint64_t)sbudget, acc, cond};
    if (trace) {
        if (!(tf = llr_output_stream(trace, &e))) {
            cli_fail(CMD, &e);
            goto done;
        }
        llr_trace_init(&trs, tf);
        oo.trace = &trs;
    }
    if (llr_oracle_new(M, &oo, &o, &e)) {
        cli_fail(CMD, &e);
        goto done;
    }
    double t0 = llr_clock_seconds();
    llr_gls_stats st = {0};
    FILE *prog = isatty(2) || getenv("LLR_PROGRESS") ? stderr : NULL;
    int fail = is_sam ? 0 : llr_oracle_need_full(o, method, &e);
    if (fail)
        ;
    else if (is_gls)
        fail = llr_gls_learn(o, &p, prog, &L, &st, &e);
    else if (is_sp) {
        llr_spectral_params sp;
        llr_spectral_defaults((int)d, seed, &sp);
        if (sn)
            sp.histories = (int)sn;
        fail = llr_spectral_learn(o, &sp, &L, &e);
    } else if (is_sam)
        fail = llr_empirical_learn(o, (uint64_t)msamples, 0.5, seed, &L, &e);
    else
        fail = llr_exhaustive_learn(o, &L, &e);
    double secs = llr_clock_seconds() - t0;
    if (!fail && is_gls && st.stop)
        fprintf(stderr, "%s: stopped (%s): %s; returning the model read by "
                        "%s\n",
                CMD, st.stop, st.stop_detail,
                st.recon == LLR_RECON_LSQ ? "least squares over denoised "
                                            "rows (certified below)"
                                          : "the LP");
    /* The certificate: gls's own last round; the baselines' from
     * cert_n fresh teacher samples. */
    llr_certificate cert = {0};
    if (!fail && is_gls)
        cert = st.cert;
    else if (!fail)
        fail = llr_certify(o, L, (uint64_t)cert_n, delta, seed, &cert, &e);
    llr_counts n = llr_oracle_counts(o);
    /* The teacher's client counters for the learning and its certificate
     * (the exact TV of the result below asks more; "teacher" in the JSON
     * counts both). */
    llr_exec_stats xs;
    int is_exec = llr_exec_stats_of(M, &xs);
    if (fail) {
        cli_fail(CMD, &e);
        char api[64] = "";
        if (acc.k > 0 || cond.on)
            snprintf(api, sizeof api, ", %llu API calls",
                     (unsigned long long)n.api_calls);
        fprintf(stderr, "%s: after %llu distinct logit queries (%llu calls%s) "
                        "and %llu teacher samples; nothing was written\n",
                CMD, (unsigned long long)n.distinct,
                (unsigned long long)n.calls, api, (unsigned long long)n.samples);
        goto done;
    }
    /* Exact TV of the result against the teacher where feasible. */
    llr_exact x = {0};
    int have_tv = 0;
    uint64_t leaves;
    if (llr_prefix_count((uint64_t)M->V, (uint64_t)M->T, TV_LIMIT, &leaves) ==
        0) {
        cli_progress pr;
        cli_progress_init(&pr, "exact TV of the result");
        llr_distance_opts o = {.max_leaves = TV_LIMIT, .progress = &pr.p,
                               .threads = threads};
        if (llr_distance_exact(M, L, &o, &x, &e)) {
            cli_progress_done(&pr);
            cli_fail(CMD, &e);
            goto done;
        }
        cli_progress_done(&pr);
        have_tv = 1;
    }
    if (cli_exec_done(CMD, M) != EXIT_OK)
        goto done;
    if (llr_cert_meta(L, &cert, &e) || llr_model_save(L, out, &e)) {
        cli_fail(CMD, &e);
        goto done;
    }
    /* The model and the trace go into place together, or neither. */
    if (cli_commit(CMD) != EXIT_OK)
        goto done;
    double exq = llr_exhaustive_count(M->V, M->T);
    const char *sampling = llr_oracle_samples_direct(o) ? "direct"
                                                        : "logit queries";
    int met = eps > 0 && cert.upper <= eps;
    if (json) {
        json_t *j = json_pack(
            "{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:o, s:o, s:I, s:o, "
            "s:o, s:i, s:i, s:f, s:o}",
            "method", method, "file", out, "queries", (json_int_t)n.calls,
            "distinct_queries", (json_int_t)n.distinct, "tokens",
            (json_int_t)n.tokens, "samples", (json_int_t)n.samples,
            "sample_tokens", (json_int_t)n.sample_tokens, "sampling",
            sampling, "tv_certified", cli_real(cert.upper), "tv_estimate",
            cli_real(cert.estimate), "certificate_samples",
            (json_int_t)cert.n, "delta", cli_real(delta), "target_met",
            eps > 0 ? json_boolean(met) : json_null(), "epochs", st.epochs,
            "witnesses", st.witnesses, "seconds", secs,
            "exhaustive_queries", exq < 0 ? json_null() : cli_real(exq));
        json_object_set_new(j, "api_calls", json_integer((json_int_t)n.api_calls));
        if (cond.on)
            json_object_set_new(
                j, "access",
                json_pack("{s:s, s:f, s:f, s:f, s:o, s:f}", "kind", "sample",
                          "lambda", cond.lambda, "xi", cond.xi, "delta",
                          cond.delta, "n", cond.n ? json_integer(cond.n)
                                                  : json_null(),
                          "samples_per_vector",
                          llr_cond_samples(&cond, M->V)));
        if (acc.k > 0)
            json_object_set_new(
                j, "access",
                json_pack("{s:i, s:f, s:i, s:i, s:o}", "k", acc.k, "bias",
                          acc.bias, "nbias", acc.nbias, "round", acc.round,
                          "xi", cli_real(llr_recovery_bound(&acc, M->V))));
        json_object_set_new(
            j, "certificate",
            json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i}",
                      "samples", (json_int_t)cert.n, "test_delta",
                      cli_real(cert.b.delta), "mean", cli_real(cert.estimate),
                      "variance", cli_real(cert.b.var), "kl",
                      cli_real(cert.b.kl), "bernstein",
                      cli_real(cert.b.bernstein), "upper",
                      cli_real(cert.upper), "lower", cli_real(cert.lower),
                      "tests", is_gls ? st.tests : 1));
        if (have_tv) {
            json_object_set_new(j, "tv", cli_real(x.tv));
            json_object_set_new(j, "tv_bound", cli_real(x.tv_err));
            json_object_set_new(j, "telescoping", cli_real(x.telescoping));
        }
        if (is_gls) {
            const llr_gls *g = llr_gls_of(L);
            json_t *ks = json_array(), *ws = json_array(), *fs = json_array();
            for (int s = 0; s < g->T; s++) {
                json_array_append_new(ks, json_integer(g->cut[s].k));
                json_array_append_new(ws, json_integer(g->cut[s].witnesses));
                json_array_append_new(fs, json_integer(g->cut[s].fhat.count));
            }
            json_object_set_new(j, "basis_sizes", ks);
            json_object_set_new(j, "witnesses_per_cut", ws);
            json_object_set_new(j, "futures_per_cut", fs);
            json_object_set_new(j, "basis_additions",
                                json_integer(st.basis_additions));
            json_object_set_new(j, "lp_solves", json_integer(st.lp_solves));
            json_object_set_new(j, "lp_checked", json_integer(st.lp_checked));
            json_object_set_new(j, "lp_duality_certificates",
                                json_integer(st.lp_duality));
            json_object_set_new(j, "lp_duality_uncertified",
                                json_integer(st.lp_uncertified));
            json_object_set_new(j, "lp_tiebreaks",
                                json_integer(st.lp_tiebreaks));
            json_object_set_new(j, "spanner_solves",
                                json_integer(st.spanner_solves));
            json_object_set_new(j, "spanner_checked",
                                json_integer(st.spanner_checked));
            json_object_set_new(j, "max_residual", cli_real(st.max_residual));
            json_object_set_new(j, "stopped", st.stop ? json_string(st.stop)
                                                      : json_null());
            json_object_set_new(j, "stop_detail",
                                st.stop ? json_string(st.stop_detail)
                                        : json_null());
            json_object_set_new(j, "pool_futures",
                                json_integer(st.pool_futures));
            json_object_set_new(j, "reconstruction",
                                json_string(g->recon == LLR_RECON_LSQ
                                                ? "lsq" : "lp"));
            json_object_set_new(
                j, "params",
                json_pack("{s:s, s:i, s:f, s:f, s:f, s:f, s:f, s:i, s:i, "
                          "s:i, s:i, s:f}",
                          "set", params, "rank", p.d, "eps", p.eps, "delta",
                          p.delta, "gap", p.gap, "tau", p.tau, "box", p.box,
                          "spanner_n", p.spanner_n, "valid_n", p.valid_n,
                          "max_cert_n", p.max_cert_n, "max_epochs",
                          p.max_epochs, "theory_queries", theory_queries));
        }
        if (is_exec) {
            cli_exec_json(j, "teacher", M, NULL);
            cli_exec_json(j, "teacher_learning", M, &xs);
        }
        cli_json(j);
    } else {
        char exs[48];
        if (exq < 0)
            snprintf(exs, sizeof exs, "more than 2^62");
        else
            snprintf(exs, sizeof exs, "%.0f", exq);
        printf("learned %s with %s%s: %llu distinct logit queries (%llu "
               "calls, %llu tokens), %llu teacher samples (%s); exhaustive "
               "needs %s queries\n",
               out, method, is_gls ? "" : " (a baseline)",
               (unsigned long long)n.distinct, (unsigned long long)n.calls,
               (unsigned long long)n.tokens, (unsigned long long)n.samples,
               sampling, exs);
        if (cond.on)
            printf("sample access (lambda %g, xi %g, delta %g): %llu API "
                   "calls (one token each)\n",
                   cond.lambda, cond.xi, cond.delta,
                   (unsigned long long)n.api_calls);
        if (acc.k > 0)
            printf("API access top-%d, bias <= %g on <= %d tokens, %d "
                   "decimals: %llu API calls; recovered entries within "
                   "%.4g\n",
                   acc.k, acc.bias, acc.nbias, acc.round,
                   (unsigned long long)n.api_calls,
                   llr_recovery_bound(&acc, M->V));
        if (is_gls)
            printf("epochs %d, witnesses %d, basis additions %d, %.2f s\n",
                   st.epochs, st.witnesses, st.basis_additions, secs);
        printf("certified TV(MODEL, OUT) <= %.4g with probability >= %g "
               "(%llu fresh teacher samples; estimate %.3g)\n",
               cert.upper, 1 - delta, (unsigned long long)cert.n,
               cert.estimate);
        if (have_tv)
            printf("TV(MODEL, OUT) = %.6g (exact; rounding error <= %.2g)\n",
                   x.tv, x.tv_err);
    }
    rc = EXIT_OK;
done:
    if (rc != EXIT_OK)
        llr_outputs_discard();
    llr_oracle_free(o);
    llr_model_free(L);
    llr_model_free(M);
    return rc;
}
