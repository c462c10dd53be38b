#include "cli/cli.h"
#include "base/output.h"
#include "base/clock.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/prefix.h"

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see '%s --help')\n", cmd);
    return EXIT_USAGE;
}

int cli_fail(const char *cmd, const llr_error *e)
{
    fprintf(stderr, "%s: %s\n", cmd, e->msg);
    return EXIT_FAIL;
}

int cli_int(const char *cmd, const char *opt, const char *s, long long lo,
            long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*s == 0 || *end != 0 || errno || v < lo || v > hi) {
        cli_usage(cmd, "%s '%s' is not an integer in [%lld, %lld]", opt, s,
                  lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_u64(const char *cmd, const char *opt, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    /* Base 10 always: '010' is ten, not octal eight. */
    unsigned long long v = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || *end != 0 || errno) {
        cli_usage(cmd, "%s '%s' is not an unsigned 64-bit decimal integer",
                  opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_double(const char *cmd, const char *opt, const char *s, double lo,
               double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*s == 0 || *end != 0 || errno || !isfinite(v) || v < lo || v > hi) {
        cli_usage(cmd, "%s '%s' is not a number in [%g, %g]", opt, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_prob(const char *cmd, const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*s == 0 || *end != 0 || errno || !(v > 0 && v < 1)) {
        cli_usage(cmd, "%s '%s' is not a number in the open interval "
                       "(0, 1)", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

static llr_load_opts load_opts;

void cli_set_horizon(int T)
{
    load_opts.horizon = T;
}

int cli_load(const char *cmd, const char *path, llr_model **m)
{
    llr_error e;
    if (llr_model_load(path, &load_opts, m, &e)) {
        cli_fail(cmd, &e);
        return -1;
    }
    return 0;
}

void cli_json(json_t *obj)
{
    json_dumpf(obj, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17) |
                                JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(obj);
}

int cli_stage(const char *cmd, const char *input, ...)
{
    llr_error e;
    if (input && llr_output_input(input, &e))
        return cli_fail(cmd, &e);
    va_list ap;
    va_start(ap, input);
    const char *out;
    int rc = EXIT_OK;
    while (rc == EXIT_OK && (out = va_arg(ap, const char *)))
        if (llr_output_add(out, &e)) {
            llr_outputs_discard();
            rc = cli_fail(cmd, &e);
        }
    va_end(ap);
    return rc;
}

int cli_commit(const char *cmd)
{
    llr_error e;
    return llr_outputs_commit(&e) ? cli_fail(cmd, &e) : EXIT_OK;
}

json_t *cli_real(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

static void progress_fn(void *ctx, double fraction)
{
    cli_progress *pr = ctx;
    double t = llr_clock_seconds();
    if (t - pr->start < 1.0 || t - pr->last < 0.25)
        return;
    pr->last = t;
    pr->shown = 1;
    fprintf(stderr, "\r%s: %5.1f%% (%.0f s)", pr->what, 100 * fraction,
            t - pr->start);
    fflush(stderr);
}

void cli_progress_init(cli_progress *pr, const char *what)
{
    pr->what = what;
    pr->start = pr->last = llr_clock_seconds();
    pr->shown = 0;
    pr->p.fn = isatty(2) ? progress_fn : NULL;
    pr->p.ctx = pr;
}

void cli_progress_done(cli_progress *pr)
{
    if (pr->shown)
        fprintf(stderr, "\r%*s\r", 40, "");
}

int cli_threads_resolve(const char *cmd, int *threads)
{
    if (*threads > 0)
        return EXIT_OK;
    const char *env = getenv("LLR_THREADS");
    if (env && *env) {
        long long n;
        if (cli_int(cmd, "LLR_THREADS", env, 1, CLI_MAX_THREADS, &n))
            return EXIT_USAGE;
        *threads = (int)n;
        return EXIT_OK;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    *threads = cores < 1 ? 1 : cores > CLI_MAX_THREADS ? CLI_MAX_THREADS
                                                       : (int)cores;
    return EXIT_OK;
}

int cli_threads_option(const char *cmd, const char *arg, int *threads)
{
    long long n;
    if (cli_int(cmd, "--threads", arg, 1, CLI_MAX_THREADS, &n))
        return -1;
    *threads = (int)n;
    return 0;
}

void cli_distance_defaults(cli_distance *d)
{
    *d = (cli_distance){.seed = 1, .delta = 0.05};
}

int cli_distance_option(const char *cmd, const char *countopt, int c,
                        const char *arg, cli_distance *d)
{
    switch (c) {
    case 'x':
        d->exact = 1;
        return 1;
    case 'n':
        return cli_int(cmd, countopt, arg, 1, 1000000000000LL, &d->mc) ? -1
                                                                        : 1;
    case 's':
        d->have_seed = 1;
        return cli_u64(cmd, "--seed", arg, &d->seed) ? -1 : 1;
    case 'D':
        return cli_prob(cmd, "--delta", arg, &d->delta) ? -1 : 1;
    case 'J':
        return cli_threads_option(cmd, arg, &d->threads) ? -1 : 1;
    default:
        return 0;
    }
}

int cli_distance_options_done(const char *cmd, const char *countopt,
                              cli_distance *d)
{
    if (d->exact && d->mc)
        return cli_usage(cmd, "--exact and %s exclude each other", countopt);
    if (d->exact && d->have_seed)
        return cli_usage(cmd, "--seed applies to Monte Carlo (%s) only",
                         countopt);
    return cli_threads_resolve(cmd, &d->threads);
}

int cli_distance_run(const char *cmd, const llr_model *a, const llr_model *b,
                     const llr_distance_hooks *hooks, cli_distance *d)
{
    llr_error e;
    if (llr_distance_compatible(a, b, &e))
        return cli_fail(cmd, &e);
    uint64_t leaves;
    if (!d->exact && !d->mc) {
        if (llr_prefix_count((uint64_t)a->V, (uint64_t)a->T, CLI_AUTO_EXACT,
                             &leaves) == 0)
            d->exact = 1;
        else
            d->mc = CLI_AUTO_MC;
    }
    cli_progress pr;
    cli_progress_init(&pr, d->exact ? "exact TV" : "Monte Carlo TV");
    llr_distance_opts o = {CLI_MAX_EXACT, (uint64_t)d->mc, d->seed,
                           d->delta, &pr.p, hooks, d->threads};
    int fail = d->exact ? llr_distance_exact(a, b, &o, &d->x, &e)
                        : llr_distance_mc(a, b, &o, &d->m, &e);
    cli_progress_done(&pr);
    return fail ? cli_fail(cmd, &e) : EXIT_OK;
}

json_t *cli_distance_json(const cli_distance *d)
{
    if (d->exact)
        return json_pack("{s:o, s:s, s:o, s:o, s:o, s:I}", "tv",
                         cli_real(d->x.tv), "method", "exact", "bound",
                         cli_real(d->x.tv_err), "telescoping",
                         cli_real(d->x.telescoping), "kl", cli_real(d->x.kl),
                         "sequences", (json_int_t)d->x.leaves);
    const llr_mc *r = &d->m;
    return json_pack(
        "{s:o, s:s, s:o, s:[o, o], s:o, s:I, s:I, s:o, s:[o, o], s:o, s:o}",
        "tv", cli_real(r->tv), "method", "mc", "tv_certified",
        cli_real(r->tv_cert), "ci", cli_real(r->tv_lo), cli_real(r->tv_hi),
        "confidence", cli_real(1 - d->delta), "samples", (json_int_t)r->n,
        "seed", (json_int_t)d->seed, "telescoping", cli_real(r->telescoping),
        "telescoping_ci", cli_real(r->tele_lo), cli_real(r->tele_hi), "kl",
        cli_real(r->kl), "kl_stderr", cli_real(r->kl_stderr));
}

void cli_exec_json(json_t *j, const char *role, const llr_model *m,
                   const llr_exec_stats *s)
{
    llr_exec_stats st;
    if (!llr_exec_stats_of(m, &st))
        return;
    if (s)
        st = *s;
    json_t *x = json_object_get(j, "exec");
    if (!x) {
        x = json_object();
        json_object_set_new(j, "exec", x);
    }
    json_object_set_new(
        x, role,
        json_pack("{s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                  "version", st.version, "round_trips",
                  (json_int_t)st.round_trips, "requests",
                  (json_int_t)st.requests, "max_pipelined",
                  (json_int_t)st.max_pipelined, "prefixes",
                  (json_int_t)st.prefixes, "distinct_prefixes",
                  (json_int_t)st.distinct, "cache_hits",
                  (json_int_t)st.cache_hits, "cache_flushes",
                  (json_int_t)st.flushes, "samples", (json_int_t)st.samples,
                  "topk_calls", (json_int_t)st.topk_calls));
}

int cli_exec_done(const char *cmd, const llr_model *m)
{
    llr_error e;
    return llr_exec_finish(m, &e) ? cli_fail(cmd, &e) : EXIT_OK;
}
