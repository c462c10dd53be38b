#include "models/state.h"

#include <stdlib.h>
#include <string.h>

#include "models/arpa.h"
#include "models/isan.h"
#include "models/parity.h"
#include "models/table.h"

static double *field(llr_state_view *s, const char *name,
                     const char *meaning, int n, int integer, llr_error *e)
{
    llr_state_field *f = &s->f[s->n];
    f->v = calloc((size_t)n + 1, sizeof *f->v);
    if (!f->v) {
        llr_fail(e, LLR_ENOMEM, "out of memory");
        return NULL;
    }
    f->name = name;
    f->meaning = meaning;
    f->n = n;
    f->integer = integer;
    s->n++;
    return f->v;
}

/* x_t of an ISAN (or the ISAN inside an approx model). */
static int isan_state(const llr_isan *is, const int *tok, int len,
                      double *x, llr_error *e)
{
    double *next = malloc((size_t)is->d * sizeof *next);
    if (!next)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    memcpy(x, is->x0, (size_t)is->d * sizeof *x);
    for (int t = 0; t < len; t++) {
        llr_isan_transition(is, t, tok[t], x, next);
        memcpy(x, next, (size_t)is->d * sizeof *x);
    }
    free(next);
    return 0;
}

static int approx_perturbation(const llr_model *m, const llr_isan *is,
                               const int *tok, int len, const double *x,
                               double *eta, llr_error *e)
{
    int V = m->V;
    double *raw = malloc(2 * (size_t)V * sizeof *raw), *l = raw + V;
    if (!raw)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    int rc = llr_model_logits(m, tok, len, l, e);
    if (rc == 0) {
        llr_isan_raw_logits(is, len, x, raw);
        double mean = 0;
        for (int z = 0; z < V; z++)
            mean += raw[z];
        mean /= V;
        for (int z = 0; z < V; z++)
            eta[z] = l[z] - (raw[z] - mean);
    }
    free(raw);
    return rc;
}

int llr_model_state_view(const llr_model *m, const int *tok, int len,
                         llr_state_view *s, llr_error *e)
{
    memset(s, 0, sizeof *s);
    if (len < 0 || len >= m->T)
        return llr_fail(e, LLR_EUSAGE,
                        "a prefix of length %d: prefixes have length 0..%d",
                        len, m->T - 1);
    for (int i = 0; i < len; i++)
        if (tok[i] < 0 || tok[i] >= m->V)
            return llr_fail(e, LLR_EUSAGE,
                            "token %d at position %d is outside [0, %d]",
                            tok[i], i, m->V - 1);
    const char *kind = m->ops->kind;
    const llr_isan *is = llr_isan_of(m);
    int rc = 0;
    if (is) {
        double *x = field(s, "x", "the ISAN state x_t after the prefix "
                                  "(raw logits B[t] x_t)", is->d, 0, e);
        rc = x ? isan_state(is, tok, len, x, e) : -1;
        if (rc == 0 && !strcmp(kind, "approx")) {
            double *eta = field(s, "perturbation",
                                "eta(h): the approx model's logits minus "
                                "the ISAN's centred logits",
                                m->V, 0, e);
            rc = eta ? approx_perturbation(m, is, tok, len, x, eta, e) : -1;
        }
    } else if (llr_table_logits(m)) {
        double *r = field(s, "row", "the prefix's row of the table "
                                    "(prefix enumeration order)", 1, 1, e);
        if (r) {
            double first = 0, pw = 1, idx = 0;
            for (int t = 0; t < len; t++) {
                first += pw;
                pw *= m->V;
            }
            for (int t = 0; t < len; t++)
                idx = idx * m->V + tok[t];
            r[0] = first + idx;
        } else {
            rc = -1;
        }
    } else if (llr_parity_secret(m, NULL)) {
        const unsigned char *sec = llr_parity_secret(m, NULL);
        int n = m->T - 1, p = 0, read = len < n ? len : n;
        for (int t = 0; t < read; t++)
            p ^= sec[t] & tok[t];
        double *par = field(s, "parity", "<s, x_{1:t}> mod 2 over the "
                                         "secret bits read so far", 1, 1, e);
        double *bits = par ? field(s, "bits_read", "positions of the "
                                                   "secret read so far",
                                   1, 1, e)
                           : NULL;
        if (bits) {
            par[0] = p;
            bits[0] = read;
        } else {
            rc = -1;
        }
    } else if (llr_arpa_order(m)) {
        int N = llr_arpa_order(m), k = len < N - 1 ? len : N - 1;
        double *c = field(s, "context", "the tokens the back-off model "
                                        "conditions on: the last order - 1 "
                                        "of the prefix (after <s> while "
                                        "there are fewer)", k, 1, e);
        if (c)
            for (int i = 0; i < k; i++)
                c[i] = tok[len - k + i];
        else
            rc = -1;
    }
    if (rc)
        llr_state_view_free(s);
    return rc;
}

void llr_state_view_free(llr_state_view *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->f[i].v);
    memset(s, 0, sizeof *s);
}
