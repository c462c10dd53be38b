/* llr vectors make|check DIR: golden vectors (docs/vectors.md). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "conformance/vectors.h"

#define CMD "llr vectors"

static void help(void)
{
    printf("usage: llr vectors make DIR\n"
           "       llr vectors check DIR [--json]\n\n"
           "make   writes the golden vectors into DIR: manifest.json and one "
           "safetensors\n"
           "       file per model and item (the same files on every run).\n"
           "check  recomputes every item of DIR/manifest.json from its "
           "description and the\n"
           "       stored inputs, and reports each value that differs beyond "
           "the tolerance\n"
           "       the manifest states for its quantity; exit 1 on any "
           "difference.\n"
           "       --json: a summary with one entry per item instead of "
           "the lines.\n"
           "The manifest schema and the tolerances: docs/vectors.md.\n");
}

int cmd_vectors(int argc, char **argv)
{
    int json = 0, w = 1;
    for (int r = 1; r < argc; r++) {
        if (!strcmp(argv[r], "--help") || !strcmp(argv[r], "-h")) {
            help();
            return EXIT_OK;
        }
        if (!strcmp(argv[r], "--json"))
            json = 1;
        else if (argv[r][0] == '-')
            return cli_usage(CMD, "bad option '%s'", argv[r]);
        else
            argv[w++] = argv[r];
    }
    if (w != 3)
        return cli_usage(CMD, "expected 'make DIR' or 'check DIR'");
    const char *dir = argv[2];
    llr_error e;
    if (!strcmp(argv[1], "make")) {
        if (json)
            return cli_usage(CMD, "--json goes with check");
        if (llr_vectors_make(dir, stdout, &e))
            return cli_fail(CMD, &e);
        printf("wrote %s/manifest.json\n", dir);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "check"))
        return cli_usage(CMD, "unknown action '%s' (make or check)", argv[1]);
    llr_vectors_summary s = {0};
    s.results = json ? json_array() : NULL;
    int rc = llr_vectors_check(dir, json ? NULL : stdout, &s, &e);
    fflush(stdout);
    if (rc) {
        json_decref(s.results);
        fprintf(stderr, "%s: %s\n", CMD, e.msg);
        if (s.items)
            fprintf(stderr, "%s: stopped after %d items (%d failed)\n", CMD,
                    s.items, s.failed);
        return EXIT_FAIL;
    }
    if (json)
        cli_json(json_pack("{s:s, s:i, s:i, s:i, s:I, s:o}", "dir", dir,
                           "items", s.items, "passed", s.items - s.failed,
                           "failed", s.failed, "values", (json_int_t)s.values,
                           "results", s.results));
    else
        printf("vectors: %d items checked (%ld values), %d passed, %d "
               "failed\n",
               s.items, s.values, s.items - s.failed, s.failed);
    return s.failed ? EXIT_FAIL : EXIT_OK;
}
