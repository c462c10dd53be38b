/* llr - the command line. One subcommand per file of src/cli/. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/output.h"
#include "cli/cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *what;
} cmds[] = {
    {"gen", cmd_gen, "generate a model file (isan, approx, table, parity)"},
    {"info", cmd_info, "describe a model file"},
    {"logits", cmd_logits, "centred next-token logits after a prefix"},
    {"sample", cmd_sample, "draw sequences from a model"},
    {"tv", cmd_tv, "total-variation distance between two models"},
    {"spectrum", cmd_spectrum, "singular values of an extended logit matrix"},
    {"learn", cmd_learn, "learn a model from logit queries (GLS2)"},
    {"export", cmd_export, "a learned model as an explicit ISAN, where exact"},
    {"demo", cmd_demo, "demo parity: query learner against sample learner"},
    {"serve", cmd_serve, "serve a model's logits over stdin/stdout"},
    {"vectors", cmd_vectors, "golden vectors: make DIR, check DIR"},
    {"trace", cmd_trace, "trace diff: the first divergence of two traces"},
    {"compare", cmd_compare, "where a candidate model differs from the truth"},
    {"inspect", cmd_inspect, "a model at a prefix; a learned model's LP there"},
    {"version", cmd_version, "version and the BLAS/LAPACK in use"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: llr COMMAND [OPTIONS]  (llr COMMAND --help for "
                 "details)\n\ncommands:\n");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        fprintf(out, "  %-9s %s\n", cmds[i].name, cmds[i].what);
    fprintf(out, "\nglobal option: --horizon T, the horizon of models that "
                 "have none of their\nown (MODEL.arpa, an ARPA n-gram file)"
                 "; llr gen takes --horizon as its own option.\n");
    fprintf(out, "\nexit status: 0 success, 1 failure, 2 usage error\n");
}

/* SIGINT, SIGTERM, SIGHUP: remove the run's temporary files (staged
 * outputs, base/output.h), then die of the same signal. Final names are
 * only ever renamed into place, so they hold the old or the new file. */
static void on_signal(int sig)
{
    llr_outputs_unlink_temps();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Standard output is an output too: a write error there (a full disk) is
 * a failure, not a silent loss. */
static int finish_stdout(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        fprintf(stderr, "llr: standard output: write failed: %s\n",
                strerror(errno ? errno : EIO));
        return rc == EXIT_OK ? EXIT_FAIL : rc;
    }
    return rc;
}

static int run(int argc, char **argv);

int main(int argc, char **argv)
{
    int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        struct sigaction old;
        /* An ignored signal (nohup) stays ignored. */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
    int rc = run(argc, argv);
    /* A command that failed has reported why; nothing it staged stays. */
    llr_outputs_discard();
    return finish_stdout(rc);
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version"))
        return cmd_version(1, argv);
    /* The global --horizon T (not for gen, which has its own). */
    if (strcmp(argv[1], "gen") != 0) {
        int w = 1;
        for (int r = 1; r < argc; r++) {
            const char *v = NULL;
            if (!strcmp(argv[r], "--horizon") && r + 1 < argc)
                v = argv[++r];
            else if (!strncmp(argv[r], "--horizon=", 10))
                v = argv[r] + 10;
            else if (!strcmp(argv[r], "--horizon")) {
                fprintf(stderr, "llr: --horizon needs a value\n");
                return EXIT_USAGE;
            } else {
                argv[w++] = argv[r];
                continue;
            }
            long long T;
            if (cli_int("llr", "--horizon", v, 1, LLR_MAX_HORIZON, &T))
                return EXIT_USAGE;
            cli_set_horizon((int)T);
        }
        argc = w;
        argv[argc] = NULL;
    }
    /* The older name of compare, kept so that scripts go on working. */
    if (!strcmp(argv[1], "check"))
        argv[1] = "compare";
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(argv[1], cmds[i].name))
            return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "llr: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
