/* llr inspect MODEL [TOKEN ...]: what a model does at a prefix; for a
 * learned (gls) model, its reconstruction LP there (docs/inspect.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "kernels/softmax.h"
#include "learn/gls.h"
#include "learn/inspect.h"
#include "models/arpa.h"
#include "models/state.h"

#define CMD "llr inspect"

static void help(void)
{
    printf(
        "usage: llr inspect MODEL [TOKEN ...] [--rows N] [--json]\n\n"
        "What MODEL does after the prefix TOKEN ... (0 <= length < T): the "
        "centred\nlogits and the probabilities, and\n"
        "  for a learned model (kind gls), its reconstruction LP at the "
        "prefix: the\n"
        "  coefficients level by level with their basis histories, the "
        "residual, the\n"
        "  binding constraints, whether the tie-break stages ran, and the "
        "optimal face:\n"
        "  how far each coefficient and each predicted logit can move at "
        "the optimal\n"
        "  residual (the optimum is unique when no coefficient moves by "
        "more than 1e-4);\n"
        "  for the other kinds, the family's state after the prefix where "
        "it has one\n"
        "  (isan, approx: x_t; approx: the perturbation; table: the row; "
        "parity: the\n"
        "  parity so far; arpa: the context).\n"
        "--rows N: list at most N binding constraints and coefficient "
        "ranges (20); --json\n"
        "lists all. Read-only: nothing is written. See docs/inspect.md.\n");
}

static void print_reals(const double *v, int n)
{
    printf("[");
    for (int i = 0; i < n; i++)
        printf("%s%.17g", i ? ", " : "", v[i]);
    printf("]");
}

static void print_ints(const int *v, int n)
{
    printf("[");
    for (int i = 0; i < n; i++)
        printf("%s%d", i ? ", " : "", v[i]);
    printf("]");
}

static json_t *reals(const double *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, cli_real(v[i]));
    return a;
}

static json_t *ints(const int *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_integer(v[i]));
    return a;
}

/* "c_s[i]" for coefficient j of the view (j >= 1). */
static void coef_name(const llr_lp_view *v, int j, char *buf, size_t n)
{
    int s = 0;
    while (s < v->t && j >= v->level_off[s + 1])
        s++;
    snprintf(buf, n, "c_%d[%d]", s, j - v->level_off[s]);
}

static const char *tiebreak_text(const llr_lp_view *v)
{
    if (v->t == 0)
        return "no LP at t = 0: the prediction is rhat_0";
    if (v->lr.tiebreak)
        return "ran: the stage-1 optimum was not provably a single point, "
               "so the later stages of the lexicographic LP (spec rule 4: "
               "each level's worst residual, then sum |c|, then the "
               "coefficients in turn) chose one point of its face";
    return v->determined
               ? "not run: the stage-1 optimum is provably a single point "
                 "(spec rule 4's early stop: every nonbasic variable "
                 "fixed, or every cut s <= t separates its basis and "
                 "2 r* K <= 1e-11)"
               : "not run: the stage-1 optimum is provably a single point "
                 "(spec rule 4's early stop: every nonbasic variable "
                 "fixed)";
}

static void text_gls(const char *path, const llr_model *m,
                     const llr_gls *g, const int *y, const llr_lp_view *v,
                     int rows)
{
    int V = m->V, t = v->t;
    printf("model:         %s: gls, V=%d, T=%d, rank %d, box %g, tau "
           "%.17g\n", path, V, m->T, g->d, g->box, g->tau);
    printf("prefix:        ");
    print_ints(y, t);
    printf(" (t = %d)\n", t);
    printf("coefficients:  c_0 = [1]");
    for (int s = 1; s <= t; s++) {
        const llr_gls_cut *c = &g->cut[s];
        printf("\n  c_%d = ", s);
        print_reals(v->lr.c + v->level_off[s], c->k);
        printf("\n        on the basis of cut %d:", s);
        for (int i = 0; i < c->k; i++) {
            printf(" ");
            print_ints(c->basis + (size_t)i * s, s);
        }
        if (c->k == 0)
            printf(" (empty)");
    }
    printf("\n");
    if (g->recon == LLR_RECON_LSQ) {
        /* A stopped run's model (spec/learner.md rule 10): no LP. */
        int sep = 1;
        for (int s = 1; s <= t; s++)
            sep &= g->separated[s] != 0;
        printf("reading:       least squares over denoised rows "
               "(llr.reconstruction lsq): c minimises the sum of squared "
               "residuals in the box%s\n",
               t == 0 ? " (no residuals at t = 0)"
               : sep ? "; every cut s <= t separates its basis, so the "
                       "minimiser is unique"
                     : "; a cut s <= t does not separate its basis: the "
                       "minimiser may not be unique");
        if (t > 0)
            printf("residual:      max |e| %.17g, sum e^2 %.17g (%d "
                   "residuals; checked)\n",
                   v->lr.residual, v->lr.objective, v->m);
        printf("logits:        ");
        print_reals(v->logits, V);
        printf("\nprobabilities: ");
        print_reals(v->probs, V);
        printf("\n");
        return;
    }
    if (t == 0) {
        printf("residual:      0 (no LP at t = 0)\n");
    } else {
        printf("residual:      %.17g (certified, %d residual constraints; "
               "recomputed here %.3g)\n",
               v->lr.residual, v->m, v->r);
        printf("feasible:      %s (tau %.17g)\n",
               v->lr.feasible ? "yes" : "no: the prediction is the zero "
                                       "vector (uniform next token)",
               g->tau);
        printf("solver:        GLPK dual simplex; r of its final point "
               "%.17g\n", v->lr.objective);
    }
    printf("tie-break:     %s\n", tiebreak_text(v));
    if (t > 0) {
        printf("binding:       %d of %d residuals at |e| >= r - %.3g", 
               v->nbind - v->nbind_box, v->m, v->tol);
        if (v->r <= v->tol)
            printf(" (r is at rounding level: all, on both sides)");
        printf("; %d coefficient%s at the box\n", v->nbind_box,
               v->nbind_box == 1 ? "" : "s");
        for (int i = 0; i < v->nbind && i < rows; i++) {
            const llr_lp_bind *b = &v->bind[i];
            if (b->kind == LLR_BIND_BOX) {
                printf("  c_%d[%d] = %.17g\n", b->level, b->index, b->value);
                continue;
            }
            const llr_strings *F = &g->cut[b->level + 1].fhat;
            printf("  level %d, future ", b->level);
            print_ints(llr_strings_at(F, b->index),
                       llr_strings_len(F, b->index));
            printf(", token %d: e = %.17g\n", b->token, b->value);
        }
        if (v->nbind > rows)
            printf("  ... %d more (--rows, --json)\n", v->nbind - rows);
        int nc = v->level_off[t + 1];
        if (v->unique)
            printf("optimum:       unique: with the residual allowed up to "
                   "r + %.3g, no coefficient moves by more than %.3g and "
                   "no predicted logit by more than %.3g\n",
                   v->slack, v->width, v->logit_width);
        else {
            printf("optimum:       stage 1 alone is NOT unique: with the "
                   "residual allowed up to r + %.3g, the coefficients move "
                   "by up to %.3g and the predicted logits by up to %.3g; "
                   "%s\n",
                   v->slack, v->width, v->logit_width,
                   v->lr.tiebreak
                       ? "the later stages picked the point above, which "
                         "every correct implementation of rule 4 returns "
                         "(within 1e-9)"
                       : "the later stages did not run, so another "
                         "correct solver may return another point of this "
                         "face");
            int shown = 0;
            for (int j = 1; j < nc; j++) {
                if (v->hi[j] - v->lo[j] <= LLR_INSPECT_UNIQUE)
                    continue;
                if (shown++ >= rows)
                    continue;
                char nm[32];
                coef_name(v, j, nm, sizeof nm);
                printf("  %-8s in [%.17g, %.17g]\n", nm, v->lo[j],
                       v->hi[j]);
            }
            if (shown > rows)
                printf("  ... %d more (--rows, --json)\n", shown - rows);
            for (int z = 0; z < V && z < rows; z++)
                printf("  logit %d in [%.17g, %.17g]\n", z, v->llo[z],
                       v->lhi[z]);
        }
    }
    printf("logits:        ");
    print_reals(v->logits, V);
    printf("\nprobabilities: ");
    print_reals(v->probs, V);
    printf("\n");
}

static json_t *json_gls(const char *path, const llr_model *m,
                        const llr_gls *g, const int *y,
                        const llr_lp_view *v)
{
    int t = v->t;
    json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:i, s:o, s:o, s:o, s:i}",
                          "file", path, "kind", "gls", "vocab", m->V,
                          "horizon", m->T, "rank", g->d, "box",
                          cli_real(g->box), "tau", cli_real(g->tau),
                          "prefix", ints(y, t), "t", t);
    json_t *levels = json_array();
    for (int s = 0; s <= t; s++) {
        const llr_gls_cut *c = &g->cut[s];
        json_t *basis = json_array();
        for (int i = 0; i < c->k; i++)
            json_array_append_new(basis, ints(c->basis + (size_t)i * s, s));
        int a = v->level_off[s], n = v->level_off[s + 1] - a;
        json_array_append_new(
            levels, json_pack("{s:i, s:o, s:b, s:o, s:o, s:o}", "cut", s,
                              "basis", basis, "separated",
                              g->separated ? g->separated[s] : 0,
                              "coefficients", reals(v->lr.c + a, n), "lo",
                              reals(v->lo + a, n), "hi",
                              reals(v->hi + a, n)));
    }
    json_object_set_new(o, "levels", levels);
    json_object_set_new(o, "reconstruction",
                        json_string(g->recon == LLR_RECON_LSQ ? "lsq"
                                                              : "lp"));
    json_object_set_new(o, "residual", cli_real(v->lr.residual));
    json_object_set_new(o, "residual_recomputed", cli_real(v->r));
    json_object_set_new(o, "residual_constraints", json_integer(v->m));
    json_object_set_new(o, "feasible", json_boolean(v->lr.feasible));
    json_object_set_new(o, "certified", json_boolean(v->lr.certified));
    json_object_set_new(o, "objective", cli_real(v->lr.objective));
    json_object_set_new(o, "determined", json_boolean(v->determined));
    json_object_set_new(o, "tiebreak", json_boolean(v->lr.tiebreak));
    json_object_set_new(o, "tiebreak_text", json_string(tiebreak_text(v)));
    json_t *res = json_array(), *box = json_array();
    for (int i = 0; i < v->nbind; i++) {
        const llr_lp_bind *b = &v->bind[i];
        if (b->kind == LLR_BIND_BOX) {
            json_array_append_new(box, json_pack("{s:i, s:i, s:o}", "cut",
                                                 b->level, "index", b->index,
                                                 "c", cli_real(b->value)));
            continue;
        }
        const llr_strings *F = &g->cut[b->level + 1].fhat;
        json_array_append_new(
            res, json_pack("{s:i, s:i, s:o, s:i, s:o}", "level", b->level,
                           "future_index", b->index, "future",
                           ints(llr_strings_at(F, b->index),
                                llr_strings_len(F, b->index)),
                           "token", b->token, "e", cli_real(b->value)));
    }
    json_object_set_new(o, "binding",
                        json_pack("{s:o, s:o, s:o}", "tolerance",
                                  cli_real(v->tol), "residuals", res, "box",
                                  box));
    json_object_set_new(
        o, "optimum",
        json_pack("{s:b, s:o, s:o, s:o, s:o, s:o}", "unique", v->unique,
                  "slack", cli_real(v->slack), "coefficient_width",
                  cli_real(v->width), "logit_width",
                  cli_real(v->logit_width), "logit_lo", reals(v->llo, m->V),
                  "logit_hi", reals(v->lhi, m->V)));
    json_t *ext = json_array(), *lext = json_array();
    int nc = v->level_off[t + 1];
    for (int j = 1; v->at_lo && j < nc; j++) {
        char nm[32];
        coef_name(v, j, nm, sizeof nm);
        json_array_append_new(
            ext, json_pack("{s:s, s:i, s:o, s:o, s:o, s:o}", "coefficient",
                           nm, "index", j, "lo", cli_real(v->lo[j]), "hi",
                           cli_real(v->hi[j]), "at_lo",
                           reals(v->at_lo + (size_t)j * nc, nc), "at_hi",
                           reals(v->at_hi + (size_t)j * nc, nc)));
    }
    for (int z = 0; v->lat_lo && z < m->V; z++)
        json_array_append_new(
            lext, json_pack("{s:i, s:o, s:o, s:o, s:o}", "token", z, "lo",
                            cli_real(v->llo[z]), "hi", cli_real(v->lhi[z]),
                            "at_lo", reals(v->lat_lo + (size_t)z * nc, nc),
                            "at_hi", reals(v->lat_hi + (size_t)z * nc, nc)));
    json_t *opt = json_object_get(o, "optimum");
    json_object_set_new(opt, "coefficient_ranges", ext);
    json_object_set_new(opt, "logit_ranges", lext);
    json_object_set_new(o, "logits", reals(v->logits, m->V));
    json_object_set_new(o, "probs", reals(v->probs, m->V));
    return o;
}

static int other(const char *path, const llr_model *m, const int *y, int t,
                 int json)
{
    llr_error e;
    llr_state_view s;
    int V = m->V;
    double *l = malloc(2 * (size_t)V * sizeof *l), *p = l + V;
    if (!l) {
        fprintf(stderr, "%s: out of memory\n", CMD);
        return EXIT_FAIL;
    }
    if (llr_model_logits(m, y, t, l, &e) ||
        llr_model_state_view(m, y, t, &s, &e)) {
        free(l);
        return cli_fail(CMD, &e);
    }
    llr_softmax(l, V, p);
    if (json) {
        json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:o, s:i}", "file",
                              path, "kind", m->ops->kind, "vocab", V,
                              "horizon", m->T, "prefix", ints(y, t), "t", t);
        json_object_set_new(o, "rank",
                            m->d ? json_integer(m->d) : json_null());
        json_t *st = json_object(), *mean = json_object();
        for (int i = 0; i < s.n; i++) {
            json_t *a = json_array();
            for (int k = 0; k < s.f[i].n; k++)
                json_array_append_new(
                    a, s.f[i].integer
                           ? json_integer((json_int_t)s.f[i].v[k])
                           : cli_real(s.f[i].v[k]));
            json_object_set_new(st, s.f[i].name, a);
            json_object_set_new(mean, s.f[i].name,
                                json_string(s.f[i].meaning));
        }
        if (llr_arpa_order(m)) {
            json_t *words = json_array();
            for (int i = 0; i < t; i++)
                json_array_append_new(words,
                                      json_string(llr_arpa_word(m, y[i])));
            json_object_set_new(o, "words", words);
        }
        json_object_set_new(o, "state", st);
        json_object_set_new(o, "state_meaning", mean);
        json_object_set_new(o, "logits", reals(l, V));
        json_object_set_new(o, "probs", reals(p, V));
        cli_json(o);
    } else {
        printf("model:         %s: %s, V=%d, T=%d", path, m->ops->kind, V,
               m->T);
        if (m->d)
            printf(", rank %d", m->d);
        printf("\nprefix:        ");
        print_ints(y, t);
        printf(" (t = %d)\n", t);
        if (s.n == 0)
            printf("state:         none beyond the prefix (kind %s)\n",
                   m->ops->kind);
        for (int i = 0; i < s.n; i++) {
            printf("%-15s", i ? "" : "state:");
            printf("%s = [", s.f[i].name);
            for (int k = 0; k < s.f[i].n; k++) {
                if (s.f[i].integer)
                    printf("%s%lld", k ? ", " : "",
                           (long long)s.f[i].v[k]);
                else
                    printf("%s%.17g", k ? ", " : "", s.f[i].v[k]);
            }
            printf("]");
            if (!strcmp(s.f[i].name, "context") && llr_arpa_order(m)) {
                printf(" (words:");
                for (int k = 0; k < s.f[i].n; k++)
                    printf(" \"%s\"", llr_arpa_word(m, (int)s.f[i].v[k]));
                printf(")");
            }
            printf("\n%15s(%s)\n", "", s.f[i].meaning);
        }
        printf("logits:        ");
        print_reals(l, V);
        printf("\nprobabilities: ");
        print_reals(p, V);
        printf("\n");
    }
    llr_state_view_free(&s);
    free(l);
    return EXIT_OK;
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'},
        {"rows", required_argument, 0, 'r'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int json = 0, c;
    long long rows = 20;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'r':
            if (cli_int(CMD, "--rows", optarg, 0, 1000000000, &rows))
                return EXIT_USAGE;
            break;
        case 'h': help(); return EXIT_OK;
        default: return cli_usage(CMD, "bad option");
        }
    }
    if (optind >= argc)
        return cli_usage(CMD, "expected a MODEL file");
    int len = argc - optind - 1;
    int *tok = malloc((size_t)(len > 0 ? len : 1) * sizeof *tok);
    if (!tok) {
        fprintf(stderr, "%s: out of memory\n", CMD);
        return EXIT_FAIL;
    }
    for (int i = 0; i < len; i++) {
        long long v;
        if (cli_int(CMD, "TOKEN", argv[optind + 1 + i], 0, LLR_MAX_VOCAB - 1,
                    &v)) {
            free(tok);
            return EXIT_USAGE;
        }
        tok[i] = (int)v;
    }
    const char *path = argv[optind];
    llr_model *m;
    if (cli_load(CMD, path, &m)) {
        free(tok);
        return EXIT_FAIL;
    }
    int rc = EXIT_OK;
    llr_error e;
    for (int i = 0; i < len && rc == EXIT_OK; i++)
        if (tok[i] >= m->V)
            rc = cli_usage(CMD, "TOKEN %d at position %d is outside [0, %d]"
                                " (MODEL has V = %d)",
                           tok[i], i, m->V - 1, m->V);
    if (rc != EXIT_OK)
        ;
    else if (len >= m->T) {
        rc = cli_usage(CMD, "a prefix of %d tokens: MODEL has horizon %d, "
                            "so prefixes have 0..%d tokens",
                       len, m->T, m->T - 1);
    } else if (llr_gls_of(m)) {
        const llr_gls *g = llr_gls_of(m);
        llr_lp_view v;
        if (llr_lp_inspect(g, tok, len, &v, &e)) {
            rc = e.code == LLR_EUSAGE ? cli_usage(CMD, "%s", e.msg)
                                      : cli_fail(CMD, &e);
        } else {
            if (json)
                cli_json(json_gls(path, m, g, tok, &v));
            else
                text_gls(path, m, g, tok, &v, (int)rows);
            llr_lp_view_free(&v);
        }
    } else {
        rc = other(path, m, tok, len, json);
    }
    llr_model_free(m);
    free(tok);
    return rc;
}
