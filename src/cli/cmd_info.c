/* llr info MODEL: describe a model file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/approx.h"
#include "models/arpa.h"
#include "cli/cli.h"
#include "io/safetensors.h"
#include "learn/gls.h"

#define CMD "llr info"

static void help(void)
{
    printf("usage: llr info MODEL [--json]\n\n"
           "Print the kind, vocabulary size V, horizon T, the rank d where "
           "the kind has one\n(isan: the ISAN dimension; approx: that of "
           "the ISAN it perturbs; parity: 1;\ngls: the learner's --rank, "
           "with the basis size of each cut), the certificate\nof a model "
           "written by llr learn (tv_certified, tv_estimate,\n"
           "certificate_samples, delta), and the file's tensors.\n");
}

int cmd_info(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'h': help(); return EXIT_OK;
        default: return cli_usage(CMD, "bad option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage(CMD, "expected one MODEL file");
    const char *path = argv[optind];
    llr_model *m;
    if (cli_load(CMD, path, &m))
        return EXIT_FAIL;
    llr_st_file f = {0};
    llr_error e;
    /* Models that are not safetensors files have no tensors to list. */
    int is_file = strcmp(m->ops->kind, "arpa") && strcmp(m->ops->kind, "exec");
    if (is_file && llr_st_read(path, &f, &e)) {
        llr_model_free(m);
        return cli_fail(CMD, &e);
    }
    if (json) {
        json_t *o = json_pack("{s:s, s:s, s:i, s:i}", "file", path, "kind",
                              m->ops->kind, "vocab", m->V, "horizon", m->T);
        json_object_set_new(o, "rank", m->d ? json_integer(m->d) : json_null());
        const llr_gls *gj = llr_gls_of(m);
        json_object_set_new(
            o, "rank_meaning",
            json_string(gj ? "the learner's --rank: the most basis histories"
                             " a cut keeps"
                        : !strcmp(m->ops->kind, "approx")
                            ? "the dimension of the ISAN it perturbs"
                        : m->d ? "an upper bound on the cutwise logit rank"
                               : "unknown"));
        if (gj) {
            json_t *bs = json_array();
            for (int s = 0; s < gj->T; s++)
                json_array_append_new(bs, json_integer(gj->cut[s].k));
            json_object_set_new(o, "basis_sizes", bs);
        }
        if (!strcmp(m->ops->kind, "approx"))
            json_object_set_new(o, "eps", json_real(llr_approx_eps(m)));
        if (llr_arpa_order(m))
            json_object_set_new(o, "order", json_integer(llr_arpa_order(m)));
        json_t *ts = json_array();
        for (size_t i = 0; i < f.ntensors; i++) {
            json_t *shape = json_array();
            for (int k = 0; k < f.tensors[i].rank; k++)
                json_array_append_new(
                    shape, json_integer((json_int_t)f.tensors[i].shape[k]));
            json_array_append_new(
                ts, json_pack("{s:s, s:s, s:o}", "name", f.tensors[i].name,
                              "dtype", llr_st_dtype_name(f.tensors[i].dtype),
                              "shape", shape));
        }
        json_object_set_new(o, "tensors", ts);
        json_t *meta = json_object();
        for (size_t i = 0; i < f.nmeta; i++)
            json_object_set_new(meta, f.meta_key[i],
                                json_string(f.meta_val[i]));
        json_object_set_new(o, "metadata", meta);
        /* The certificate of llr learn, as numbers. */
        const char *keys[] = {"tv_certified", "tv_estimate",
                              "certificate_samples", "delta"};
        for (int k = 0; k < 4; k++) {
            char mk[64];
            snprintf(mk, sizeof mk, "llr.%s", keys[k]);
            const char *v = llr_st_meta(&f, mk);
            if (v)
                json_object_set_new(o, keys[k],
                                    k == 2 ? json_integer(atoll(v))
                                           : json_real(atof(v)));
        }
        cli_json(o);
    } else {
        printf("file:     %s\nkind:     %s\nvocab:    %d\nhorizon:  %d\n",
               path, m->ops->kind, m->V, m->T);
        const llr_gls *g = llr_gls_of(m);
        if (g) {
            printf("rank:     %d (learned with --rank %d: each cut keeps at "
                   "most %d basis histories; basis sizes", m->d, m->d, m->d);
            for (int s = 0; s < g->T; s++)
                printf(" %d", g->cut[s].k);
            printf(")\n");
        } else if (!strcmp(m->ops->kind, "approx"))
            printf("rank:     %d (the dimension of the ISAN it perturbs: "
                   "within eps of cutwise logit rank %d, generically of full "
                   "rank itself)\n", m->d, m->d);
        else if (!strcmp(m->ops->kind, "parity"))
            printf("rank:     %d (cutwise logit rank <= 1: the logits "
                   "depend on the prefix through one parity bit)\n", m->d);
        else if (m->d)
            printf("rank:     %d (ISAN dimension: cutwise logit rank <= %d)\n",
                   m->d, m->d);
        else
            printf("rank:     unknown\n");
        if (!strcmp(m->ops->kind, "approx"))
            printf("eps:      %.17g (max-norm distance to the rank-%d ISAN)\n",
                   llr_approx_eps(m), m->d);
        if (llr_arpa_order(m))
            printf("order:    %d (ARPA back-off n-gram model; the horizon "
                   "is --horizon's)\n", llr_arpa_order(m));
        const char *cu = llr_st_meta(&f, "llr.tv_certified"),
                   *ce = llr_st_meta(&f, "llr.tv_estimate"),
                   *cn = llr_st_meta(&f, "llr.certificate_samples"),
                   *cd = llr_st_meta(&f, "llr.delta");
        if (cu && ce && cn && cd)
            printf("certified: TV(teacher, this model) <= %.4g with "
                   "probability >= %g\n          (llr learn: %s fresh "
                   "teacher samples; estimate %.3g)\n",
                   atof(cu), 1 - atof(cd), cn, atof(ce));
        if (is_file)
            printf("tensors: ");
        for (size_t i = 0; i < f.ntensors; i++) {
            printf(" %s %s [", f.tensors[i].name,
                   llr_st_dtype_name(f.tensors[i].dtype));
            for (int k = 0; k < f.tensors[i].rank; k++)
                printf("%s%llu", k ? ", " : "",
                       (unsigned long long)f.tensors[i].shape[k]);
            printf("]%s", i + 1 < f.ntensors ? "," : "\n");
        }
    }
    llr_st_free(&f);
    llr_model_free(m);
    return EXIT_OK;
}
