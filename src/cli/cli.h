/* cli.h - helpers shared by the subcommands of the llr command.
 * Exit codes: 0 success, 1 failure, 2 usage error. */
#ifndef LLR_CLI_H
#define LLR_CLI_H

#include <jansson.h>
#include <stdint.h>

#include "measure/distance.h"
#include "base/error.h"
#include "catalog/catalog.h"
#include "models/model.h"
#include "models/process.h"
#include "base/version.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Report a usage error for command cmd and return EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Report a failure (message from e) and return EXIT_FAIL. */
int cli_fail(const char *cmd, const llr_error *e);

/* Staged outputs (base/output.h): register the run's input (may be NULL)
 * and outputs (NULL-terminated) before any work; EXIT_OK, or the error
 * printed and EXIT_FAIL. cli_commit puts them all in place at the end. */
int cli_stage(const char *cmd, const char *input, ...);
int cli_commit(const char *cmd);

/* Parse option values; on a bad value print a usage error and return -1. */
int cli_int(const char *cmd, const char *opt, const char *s, long long lo,
            long long hi, long long *out);
int cli_u64(const char *cmd, const char *opt, const char *s, uint64_t *out);
int cli_double(const char *cmd, const char *opt, const char *s, double lo,
               double hi, double *out);
/* A probability strictly between 0 and 1 (--eps, --delta). */
int cli_prob(const char *cmd, const char *opt, const char *s, double *out);

/* Load a model named on the command line; prints the error on failure. */
int cli_load(const char *cmd, const char *path, llr_model **m);
/* The global --horizon T (main.c) that cli_load gives to models without a
 * horizon of their own (ARPA files); 0: none. */
void cli_set_horizon(int T);

/* Print a JSON object to stdout (17 significant digits) and free it. */
void cli_json(json_t *obj);
/* A JSON real, or null when x is not finite. */
json_t *cli_real(double x);

/* A progress line on stderr, only when stderr is a terminal and the work
 * has run for over a second. */
typedef struct cli_progress {
    const char *what;
    double start, last;
    int shown;
    llr_progress p;
} cli_progress;
void cli_progress_init(cli_progress *pr, const char *what);
void cli_progress_done(cli_progress *pr);

/* The distance computation shared by llr tv and llr compare. Without
 * --exact (exact) or a sample count (mc), exact when V^T <= CLI_AUTO_EXACT,
 * else Monte Carlo over CLI_AUTO_MC samples; --exact is refused above
 * CLI_MAX_EXACT sequences. */
#define CLI_AUTO_EXACT 10000000ULL
#define CLI_MAX_EXACT 10000000000ULL
#define CLI_AUTO_MC 100000
typedef struct cli_distance {
    int exact;      /* in: --exact; out: whether the exact walk ran */
    long long mc;   /* in: samples asked (0: none); out: samples used */
    uint64_t seed;  /* Monte Carlo seed */
    double delta;   /* Monte Carlo: intervals at confidence 1 - delta */
    int have_seed;  /* --seed was given */
    int threads;    /* --threads N (0: the default, set by
                     * cli_distance_options_done) */
    llr_exact x;    /* the result when exact */
    llr_mc m;       /* the result when Monte Carlo */
} cli_distance;
/* --threads N: at most N threads (1 .. CLI_MAX_THREADS); the results
 * are the same for any N. cli_threads_option parses it (0, or -1 after a
 * usage error); cli_threads_resolve replaces 0 by the default: LLR_THREADS
 * when set, else the number of online cores (EXIT_OK, or EXIT_USAGE after
 * a usage error on a bad LLR_THREADS). */
#define CLI_MAX_THREADS 256
int cli_threads_option(const char *cmd, const char *arg, int *threads);
int cli_threads_resolve(const char *cmd, int *threads);

/* The options of the computation shared by llr tv and llr compare, as getopt
 * codes: 'x' --exact, 'n' COUNT N (countopt: "--mc" or "--samples"),
 * 's' --seed S, 'D' --delta D, 'J' --threads N. cli_distance_defaults sets seed 1, delta
 * 0.05 and nothing asked. cli_distance_option handles code c with its
 * argument: 1 when handled, 0 when c is none of them, -1 after printing a
 * usage error. cli_distance_options_done checks the combination once the
 * options are read: EXIT_OK or (message printed) EXIT_USAGE. */
void cli_distance_defaults(cli_distance *d);
int cli_distance_option(const char *cmd, const char *countopt, int c,
                        const char *arg, cli_distance *d);
int cli_distance_options_done(const char *cmd, const char *countopt,
                              cli_distance *d);
/* Checks that A and B are comparable, chooses the method as above and runs
 * it (hooks may be NULL) with progress on stderr. Returns EXIT_OK, or
 * prints the error and returns EXIT_FAIL. */
int cli_distance_run(const char *cmd, const llr_model *a, const llr_model *b,
                     const llr_distance_hooks *hooks, cli_distance *d);
/* The result as a JSON object: tv, method, and bound, sequences,
 * telescoping, kl (exact) or tv_certified, ci, confidence, samples, seed,
 * telescoping, telescoping_ci, kl, kl_stderr (Monte Carlo). */
json_t *cli_distance_json(const cli_distance *d);

/* When m is a model behind a process, add what its client did (round
 * trips, requests, prefixes, ...: models/process.h) to j as
 * j["exec"][role]; else nothing. s, when non-NULL, is used instead of m's
 * counters now (a snapshot taken earlier). */
void cli_exec_json(json_t *j, const char *role, const llr_model *m,
                   const llr_exec_stats *s);

/* Before reporting answers of m: when m is a model behind a process, end
 * its server and check that it sent nothing that answers no request
 * (llr_exec_finish). EXIT_OK, or the error printed and EXIT_FAIL. */
int cli_exec_done(const char *cmd, const llr_model *m);

/* The subcommands. */
int cmd_gen(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_logits(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_tv(int argc, char **argv);
int cmd_spectrum(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_learn(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_vectors(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_inspect(int argc, char **argv);

#endif
