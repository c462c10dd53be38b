/* llr trace diff A B [--rtol R] [--atol A]: the first divergence of two
 * traces (docs/trace.md). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "conformance/tracediff.h"

#define CMD "llr trace"

static void help(void)
{
    printf(
        "usage: llr trace diff A B [--rtol R] [--atol A] [--json]\n\n"
        "Compare two traces (llr learn --trace; docs/trace.md) line by line, "
        "structurally:\n"
        "same keys, arrays of the same length, strings, booleans and "
        "integers equal,\n"
        "numbers with a real among them within atol + rtol * max(|a|, |b|) "
        "(default 0:\n"
        "bit for bit). Reports the first divergence: its line, the JSON path "
        "of the\n"
        "field, both values, the enclosing epoch, cut and sample, and the "
        "line before.\n"
        "Exit status: 0 equal within the tolerance, 1 divergent, 2 usage "
        "error or a\n"
        "file that cannot be read or is not JSON lines.\n");
}

static void print_text(const char *pa, const char *pb, double rtol,
                       double atol, const llr_tracediff *r)
{
    if (r->equal) {
        printf("traces are equal within rtol %g, atol %g: %ld lines "
               "(largest numeric difference %.3g)\n",
               rtol, atol, r->lines, r->max_abs);
        return;
    }
    printf("traces diverge at line %ld (A: %s, B: %s)\n", r->line, pa, pb);
    printf("  field:   %s\n  A:       %s\n  B:       %s\n  why:     %s\n",
           r->path, r->a, r->b, r->what);
    printf("  context:");
    int any = 0;
    for (int i = 0; i < 3; i++)
        if (r->ctx[i].line) {
            printf("%s %s %lld (line %ld, %s)", any ? ";" : "",
                   r->ctx[i].key, r->ctx[i].value, r->ctx[i].line,
                   r->ctx[i].type);
            any = 1;
        }
    printf("%s\n", any ? "" : " (none before this line)");
    if (r->line > 1)
        printf("  line %ld (A): %s\n", r->line - 1, r->prev);
    printf("  line %ld (A): %s\n  line %ld (B): %s\n", r->line, r->line_a,
           r->line, r->line_b);
}

static void print_json(double rtol, double atol, const llr_tracediff *r)
{
    json_t *j = json_pack("{s:b, s:I, s:o, s:o, s:o}", "equal", r->equal,
                          "lines", (json_int_t)r->lines, "rtol",
                          cli_real(rtol), "atol", cli_real(atol),
                          "max_abs_difference", cli_real(r->max_abs));
    if (!r->equal) {
        json_t *ctx = json_object();
        for (int i = 0; i < 3; i++)
            if (r->ctx[i].line)
                json_object_set_new(
                    ctx, r->ctx[i].key,
                    json_pack("{s:I, s:I, s:s}", "value",
                              (json_int_t)r->ctx[i].value, "line",
                              (json_int_t)r->ctx[i].line, "type",
                              r->ctx[i].type));
        json_object_set_new(j, "line", json_integer(r->line));
        json_object_set_new(j, "path", json_string(r->path));
        json_object_set_new(j, "what", json_string(r->what));
        json_object_set_new(j, "a", json_string(r->a));
        json_object_set_new(j, "b", json_string(r->b));
        json_object_set_new(j, "context", ctx);
    }
    cli_json(j);
}

int cmd_trace(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rtol", required_argument, 0, 'r'},
        {"atol", required_argument, 0, 'a'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    double rtol = 0, atol = 0;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (cli_double(CMD, "--rtol", optarg, 0, 1e300, &rtol))
                return EXIT_USAGE;
            break;
        case 'a':
            if (cli_double(CMD, "--atol", optarg, 0, 1e300, &atol))
                return EXIT_USAGE;
            break;
        case 'j': json = 1; break;
        case 'h': help(); return EXIT_OK;
        default: return cli_usage(CMD, "bad option");
        }
    }
    if (optind >= argc)
        return cli_usage(CMD, "expected a subcommand: diff");
    if (strcmp(argv[optind], "diff"))
        return cli_usage(CMD, "unknown subcommand '%s' (diff)", argv[optind]);
    if (optind + 3 != argc)
        return cli_usage(CMD, "diff expects two trace files A B");
    const char *pa = argv[optind + 1], *pb = argv[optind + 2];
    llr_tracediff r;
    llr_error e;
    if (llr_tracediff_files(pa, pb, rtol, atol, &r, &e)) {
        fprintf(stderr, "%s diff: %s\n", CMD, e.msg);
        return EXIT_USAGE;
    }
    if (json)
        print_json(rtol, atol, &r);
    else
        print_text(pa, pb, rtol, atol, &r);
    return r.equal ? EXIT_OK : EXIT_FAIL;
}
