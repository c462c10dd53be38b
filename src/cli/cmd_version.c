/* llr version: the version and the BLAS/LAPACK libraries in use. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "kernels/linalg.h"

int cmd_version(int argc, char **argv)
{
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "--help")) {
            printf("usage: llr version [--json]\n\nThe version, and the "
                   "shared objects that provide BLAS (dgemm_) and LAPACK\n"
                   "(dgesdd_) in this process; the build pins the reference "
                   "(netlib) ones.\n");
            return EXIT_OK;
        } else
            return cli_usage("llr version", "unexpected argument '%s'",
                             argv[i]);
    }
    llr_blas_info b;
    llr_blas_query(&b);
    if (json)
        cli_json(json_pack("{s:s, s:s, s:s, s:b}", "version",
                           LLR_VERSION_STRING, "blas", b.blas, "lapack",
                           b.lapack, "openblas", b.openblas));
    else
        printf("llr %s\nBLAS:     %s\nLAPACK:   %s\nOpenBLAS: %s\n",
               LLR_VERSION_STRING, b.blas, b.lapack,
               b.openblas ? "loaded" : "not loaded");
    return EXIT_OK;
}
