/* llr export LEARNED -o ISAN: a learned model as an explicit ISAN. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "learn/export.h"

#define CMD "llr export"

static void help(void)
{
    printf("usage: llr export LEARNED -o OUT [--tol X] [--json]\n\n"
           "Write a learned model (kind gls) as an explicit ISAN with the "
           "isan file layout,\nwhere its representation is exact: every "
           "transition c_{s+1} = A c_s solved with\nresidual <= X (default "
           "1e-9). Refused, with the cut and token that broke it,\n"
           "otherwise.\n");
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'},
        {"tol", required_argument, 0, 't'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *out = NULL;
    double tol = 1e-9;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 't':
            if (cli_double(CMD, "--tol", optarg, 0, 1e6, &tol))
                return EXIT_USAGE;
            break;
        case 'j': json = 1; break;
        case 'h': help(); return EXIT_OK;
        default: return cli_usage(CMD, "bad option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage(CMD, "expected one LEARNED model");
    if (!out)
        return cli_usage(CMD, "-o OUT is required");
    if (cli_stage(CMD, argv[optind], out, (char *)NULL))
        return EXIT_FAIL;
    llr_model *m, *x = NULL;
    if (cli_load(CMD, argv[optind], &m))
        return EXIT_FAIL;
    llr_error e;
    const llr_gls *g = llr_gls_of(m);
    int rc = EXIT_OK;
    if (!g) {
        llr_fail(&e, LLR_EINPUT,
                 "%s is a model of kind %s, not a learned (gls) model",
                 argv[optind], m->ops->kind);
        rc = cli_fail(CMD, &e);
    } else if (llr_export_isan(g, tol, &x, &e) || llr_model_save(x, out, &e))
        rc = cli_fail(CMD, &e);
    else if (cli_commit(CMD))
        rc = EXIT_FAIL;
    else if (json)
        cli_json(json_pack("{s:s, s:s, s:i, s:i, s:i}", "file", out, "kind",
                           "isan", "vocab", x->V, "horizon", x->T, "rank",
                           x->d));
    else
        printf("wrote %s: isan, V=%d, T=%d, d=%d (exported from %s)\n", out,
               x->V, x->T, x->d, argv[optind]);
    llr_model_free(x);
    llr_model_free(m);
    return rc;
}
