/* llr trace diff A B [--rtol R] [--atol A] [--ignore F]... [--ignore-type
 * T]... [--all] [--json]: where two traces diverge (docs/trace.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "conformance/tracediff.h"

#define CMD "llr trace"

static void help(void)
{
    printf(
        "usage: llr trace diff A B [--rtol R] [--atol A] [--ignore FIELD]...\n"
        "                          [--ignore-type TYPE]... [--all] [--max N]"
        " [--json]\n"
        "                          [--max-line BYTES] [--timeout SECONDS]\n\n"
        "Compare two traces (llr learn --trace; docs/trace.md) line by line, "
        "structurally:\n"
        "same keys, arrays of the same length, strings, booleans and "
        "integers equal,\n"
        "numbers with a real among them within atol + rtol * max(|a|, |b|) "
        "(default 0:\n"
        "bit for bit); \"seq\" is not compared. Reports the first "
        "divergence: its line,\n"
        "the JSON path of the field, both values, the enclosing epoch, cut "
        "and sample,\n"
        "and the line before.\n\n"
        "  --ignore FIELD      leave out a field: a key name at any depth "
        "(calls), a JSON\n"
        "                      path ($.coefficients[0]; [*] any index), "
        "either one after\n"
        "                      TYPE: for lines of one type only "
        "(lp:objective); repeatable\n"
        "  --ignore-type TYPE  leave out every line of that type; "
        "repeatable\n"
        "  --all               go on after a divergence, resynchronising on "
        "the event\n"
        "                      structure (epoch, basis, validate, sample, "
        "cut lines), and\n"
        "                      list every divergence, then how often each "
        "field differs\n"
        "  --max N             list at most N divergences (all are "
        "counted; default all)\n"
        "  --json              the report as JSON: divergences under "
        "\"divergences\"\n"
        "  --max-line BYTES    refuse longer lines (default 64 MiB)\n"
        "  --timeout SECONDS   wait at most this long for data from a pipe "
        "or FIFO (60)\n\n"
        "Exit status: 0 equal within the tolerance, 1 divergent, 2 usage "
        "error or a\n"
        "file that cannot be read or is not JSON lines.\n");
}

static void print_ctx(const llr_tracediff_ctx *c)
{
    printf("  context:");
    int any = 0;
    for (int i = 0; i < 3; i++)
        if (c[i].line) {
            printf("%s %s %lld (line %ld, %s)", any ? ";" : "", c[i].key,
                   c[i].value, c[i].line, c[i].type);
            any = 1;
        }
    printf("%s\n", any ? "" : " (none before this line)");
}

static void range(char *buf, size_t n, long from, long to)
{
    if (to < from)
        snprintf(buf, n, "none (before line %ld)", from);
    else if (to == from)
        snprintf(buf, n, "line %ld", from);
    else
        snprintf(buf, n, "lines %ld-%ld", from, to);
}

static void print_div(const llr_tracediff_div *d, long no)
{
    if (d->kind == LLR_TRACEDIFF_FIELD) {
        printf("%ld. line %ld of A, %ld of B (%s): %s\n", no, d->line_a,
               d->line_b, d->type, d->path);
        printf("  A:       %s\n  B:       %s\n  why:     %s", d->a, d->b,
               d->what);
        if (d->elements > 1)
            printf(" (%ld values differ under this field)", d->elements);
        printf("\n");
    } else {
        char ra[64], rb[64];
        range(ra, sizeof ra, d->line_a, d->end_a);
        range(rb, sizeof rb, d->line_b, d->end_b);
        printf("%ld. A %s, B %s: gap\n", no, ra, rb);
        printf("  A:       %s\n  B:       %s\n  why:     %s\n", d->a, d->b,
               d->what);
    }
    print_ctx(d->ctx);
}

static void print_ignored(const llr_tracediff_opts *o)
{
    for (size_t i = 0; i < o->nignore; i++)
        printf("%s%s", i ? ", " : "; ignored fields: ", o->ignore[i]);
    for (size_t i = 0; i < o->nignore_type; i++)
        printf("%s%s", i ? ", " : "; ignored types: ", o->ignore_type[i]);
}

static void print_text(const char *pa, const char *pb,
                       const llr_tracediff_opts *o, const llr_tracediff *r)
{
    if (r->equal) {
        printf("traces are equal within rtol %g, atol %g: %ld lines "
               "(largest numeric difference %.3g",
               o->rtol, o->atol, r->lines, r->max_abs);
        print_ignored(o);
        printf(")\n");
        return;
    }
    if (o->all) {
        printf("traces diverge: %ld divergence%s (A: %s, %ld lines; B: %s, "
               "%ld lines; %ld line pairs compared; rtol %g, atol %g",
               r->ndiv, r->ndiv == 1 ? "" : "s", pa, r->lines_a, pb,
               r->lines_b, r->lines, o->rtol, o->atol);
        print_ignored(o);
        printf(")\n");
        for (long i = 0; i < r->nlisted; i++)
            print_div(&r->div[i], i + 1);
        if (r->nlisted < r->ndiv)
            printf("... %ld more not listed (--max)\n",
                   r->ndiv - r->nlisted);
        printf("summary: divergences per field\n");
        for (long i = 0; i < r->ncounts; i++)
            printf("  %-28s %ld\n", r->counts[i].field, r->counts[i].count);
        return;
    }
    const llr_tracediff_div *d = &r->div[0];
    printf("traces diverge at line %ld (A: %s, B: %s)\n", r->line, pa, pb);
    printf("  field:   %s\n  A:       %s\n  B:       %s\n  why:     %s\n",
           d->path, d->a, d->b, d->what);
    print_ctx(d->ctx);
    if (r->line > 1 && r->prev[0])
        printf("  line %ld (A): %s\n", r->line - 1, r->prev);
    printf("  line %ld (A): %s\n  line %ld (B): %s\n", r->line, r->line_a,
           d->line_b, r->line_b);
}

static json_t *ctx_json(const llr_tracediff_ctx *c)
{
    json_t *ctx = json_object();
    for (int i = 0; i < 3; i++)
        if (c[i].line)
            json_object_set_new(
                ctx, c[i].key,
                json_pack("{s:I, s:I, s:s}", "value", (json_int_t)c[i].value,
                          "line", (json_int_t)c[i].line, "type", c[i].type));
    return ctx;
}

static json_t *div_json(const llr_tracediff_div *d)
{
    json_t *j;
    if (d->kind == LLR_TRACEDIFF_FIELD)
        j = json_pack("{s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
                      "kind", "field", "line_a", (json_int_t)d->line_a,
                      "line_b", (json_int_t)d->line_b, "type", d->type,
                      "field", d->field, "path", d->path, "what", d->what,
                      "a", d->a, "b", d->b, "elements",
                      (json_int_t)d->elements);
    else
        j = json_pack("{s:s, s:[I, I], s:[I, I], s:s, s:s, s:s, s:s}",
                      "kind", "gap", "lines_a", (json_int_t)d->line_a,
                      (json_int_t)d->end_a, "lines_b", (json_int_t)d->line_b,
                      (json_int_t)d->end_b, "field", d->field, "what",
                      d->what, "a", d->a, "b", d->b);
    json_object_set_new(j, "context", ctx_json(d->ctx));
    return j;
}

static json_t *strs(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static void print_json(const llr_tracediff_opts *o, const llr_tracediff *r)
{
    json_t *j = json_pack("{s:b, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, "
                          "s:b, s:I}",
                          "equal", r->equal, "lines", (json_int_t)r->lines,
                          "lines_a", (json_int_t)r->lines_a, "lines_b",
                          (json_int_t)r->lines_b, "rtol", cli_real(o->rtol),
                          "atol", cli_real(o->atol), "max_abs_difference",
                          cli_real(r->max_abs), "ignore",
                          strs(o->ignore, o->nignore), "ignore_type",
                          strs(o->ignore_type, o->nignore_type), "all",
                          o->all, "count", (json_int_t)r->ndiv);
    if (!r->equal) {
        /* The first divergence at the top level, as before --all. */
        const llr_tracediff_div *d = &r->div[0];
        json_object_set_new(j, "line", json_integer(r->line));
        json_object_set_new(j, "path", json_string(d->path));
        json_object_set_new(j, "what", json_string(d->what));
        json_object_set_new(j, "a", json_string(d->a));
        json_object_set_new(j, "b", json_string(d->b));
        json_object_set_new(j, "context", ctx_json(d->ctx));
    }
    json_t *list = json_array(), *sum = json_object();
    for (long i = 0; i < r->nlisted; i++)
        json_array_append_new(list, div_json(&r->div[i]));
    for (long i = 0; i < r->ncounts; i++)
        json_object_set_new(sum, r->counts[i].field,
                            json_integer((json_int_t)r->counts[i].count));
    json_object_set_new(j, "divergences", list);
    json_object_set_new(j, "listed", json_integer((json_int_t)r->nlisted));
    json_object_set_new(j, "summary", sum);
    cli_json(j);
}

/* Append s to the list *v of *n strings. */
static int push(const char ***v, size_t *n, const char *s)
{
    const char **w = realloc(*v, (*n + 1) * sizeof *w);
    if (!w)
        return -1;
    w[(*n)++] = s;
    *v = w;
    return 0;
}

int cmd_trace(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rtol", required_argument, 0, 'r'},
        {"atol", required_argument, 0, 'a'},
        {"ignore", required_argument, 0, 'i'},
        {"ignore-type", required_argument, 0, 't'},
        {"all", no_argument, 0, 'A'},
        {"max", required_argument, 0, 'm'},
        {"max-line", required_argument, 0, 'L'},
        {"timeout", required_argument, 0, 'T'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    llr_tracediff_opts o = {0};
    const char **ig = NULL, **it = NULL;
    int json = 0, c, rc = EXIT_USAGE;
    long long v;
    double secs;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (cli_double(CMD, "--rtol", optarg, 0, 1e300, &o.rtol))
                goto out;
            break;
        case 'a':
            if (cli_double(CMD, "--atol", optarg, 0, 1e300, &o.atol))
                goto out;
            break;
        case 'i':
            if (push(&ig, &o.nignore, optarg)) {
                fprintf(stderr, "%s: out of memory\n", CMD);
                goto out;
            }
            break;
        case 't':
            if (!*optarg) {
                rc = cli_usage(CMD, "--ignore-type needs a line type");
                goto out;
            }
            if (push(&it, &o.nignore_type, optarg)) {
                fprintf(stderr, "%s: out of memory\n", CMD);
                goto out;
            }
            break;
        case 'A': o.all = 1; break;
        case 'm':
            if (cli_int(CMD, "--max", optarg, 1, 1000000000, &v))
                goto out;
            o.max_listed = (long)v;
            break;
        case 'L':
            if (cli_int(CMD, "--max-line", optarg, 1, 1LL << 40, &v))
                goto out;
            o.max_line = (size_t)v;
            break;
        case 'T':
            if (cli_double(CMD, "--timeout", optarg, 0.001, 86400, &secs))
                goto out;
            o.timeout_ms = (int)(secs * 1000 + 0.5);
            break;
        case 'j': json = 1; break;
        case 'h':
            help();
            rc = EXIT_OK;
            goto out;
        default: rc = cli_usage(CMD, "bad option"); goto out;
        }
    }
    o.ignore = ig;
    o.ignore_type = it;
    if (optind >= argc) {
        rc = cli_usage(CMD, "expected a subcommand: diff");
        goto out;
    }
    if (strcmp(argv[optind], "diff")) {
        rc = cli_usage(CMD, "unknown subcommand '%s' (diff)", argv[optind]);
        goto out;
    }
    if (optind + 3 != argc) {
        rc = cli_usage(CMD, "diff expects two trace files A B");
        goto out;
    }
    const char *pa = argv[optind + 1], *pb = argv[optind + 2];
    llr_tracediff r;
    llr_error e;
    if (llr_tracediff_files(pa, pb, &o, &r, &e)) {
        fprintf(stderr, "%s diff: %s\n", CMD, e.msg);
        goto out;
    }
    if (json)
        print_json(&o, &r);
    else
        print_text(pa, pb, &o, &r);
    rc = r.equal ? EXIT_OK : EXIT_FAIL;
    llr_tracediff_free(&r);
out:
    free(ig), free(it);
    return rc;
}
