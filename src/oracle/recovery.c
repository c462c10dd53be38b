#include "oracle/recovery.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/softmax.h"

int llr_access_parse(const char *s, llr_access *a, llr_error *e)
{
    llr_access r = {0, 0, 0, -1};
    int have_n = 0;
    if (strncmp(s, "topk:", 5))
        return llr_fail(e, LLR_EUSAGE,
                        "--access: '%s': expected topk:K[,bias:B][,round:R]"
                        "[,nbias:N]",
                        s);
    const char *p = s + 5;
    char *end;
    errno = 0;
    long k = strtol(p, &end, 10);
    if (end == p || errno || k < 1 || k > 1000000)
        return llr_fail(e, LLR_EUSAGE,
                        "--access: '%s': K must be an integer >= 1", s);
    r.k = (int)k;
    p = end;
    while (*p == ',') {
        p++;
        if (!strncmp(p, "bias:", 5)) {
            errno = 0;
            r.bias = strtod(p + 5, &end);
            if (end == p + 5 || errno || !(r.bias >= 0) ||
                r.bias > LLR_ACCESS_MAX_BIAS)
                return llr_fail(e, LLR_EUSAGE,
                                "--access: '%s': bias B must be in [0, %g]",
                                s, LLR_ACCESS_MAX_BIAS);
        } else if (!strncmp(p, "round:", 6)) {
            errno = 0;
            long R = strtol(p + 6, &end, 10);
            if (end == p + 6 || errno || R < 0 || R > LLR_ACCESS_MAX_ROUND)
                return llr_fail(e, LLR_EUSAGE,
                                "--access: '%s': round R must be in [0, %d]",
                                s, LLR_ACCESS_MAX_ROUND);
            r.round = (int)R;
        } else if (!strncmp(p, "nbias:", 6)) {
            errno = 0;
            long n = strtol(p + 6, &end, 10);
            if (end == p + 6 || errno || n < 0 || n > 1000000)
                return llr_fail(e, LLR_EUSAGE,
                                "--access: '%s': nbias N must be in "
                                "[0, 1000000]",
                                s);
            r.nbias = (int)n;
            have_n = 1;
        } else
            return llr_fail(e, LLR_EUSAGE,
                            "--access: '%s': unknown field at '%s' (bias, "
                            "round, nbias)",
                            s, p);
        p = end;
    }
    if (*p)
        return llr_fail(e, LLR_EUSAGE, "--access: '%s': trailing '%s'", s, p);
    if (!have_n)
        r.nbias = r.k;
    *a = r;
    return 0;
}

int llr_access_check(const llr_access *a, int V, llr_error *e)
{
    if (a->k < 1)
        return llr_fail(e, LLR_EUSAGE, "access: K = %d: a call must show at "
                                       "least one token", a->k);
    if (a->round < -1 || a->round > LLR_ACCESS_MAX_ROUND)
        return llr_fail(e, LLR_EUSAGE, "access: round %d is outside [0, %d]",
                        a->round, LLR_ACCESS_MAX_ROUND);
    if (!(a->bias >= 0) || a->bias > LLR_ACCESS_MAX_BIAS)
        return llr_fail(e, LLR_EUSAGE, "access: bias %g is outside [0, %g]",
                        a->bias, LLR_ACCESS_MAX_BIAS);
    if (a->k >= V)
        return 0;
    if (a->k < 2)
        return llr_fail(e, LLR_EUSAGE,
                        "access: top-%d of %d tokens: recovery reads each "
                        "token against a reference in the same answer, so "
                        "it needs K >= 2",
                        a->k, V);
    if (a->nbias < 2 || a->bias <= 0)
        return llr_fail(e, LLR_EUSAGE,
                        "access: top-%d of %d tokens with bias %g on at most "
                        "%d tokens: too small to lift any unseen token beside "
                        "the reference (needs bias > 0 on >= 2 tokens)",
                        a->k, V, a->bias, a->nbias);
    return 0;
}

double llr_recovery_bound(const llr_access *a, int V)
{
    double delta = a->round >= 0 ? pow(10.0, -a->round) : 0;
    return delta * (2.0 * V - 3) / V + LLR_RECOVERY_SLACK;
}

/* The calls made at one prefix, kept for the final consistency check. */
typedef struct book {
    int n, cap, k, V;
    int *nb;      /* per call: number of biased tokens */
    int *btok;    /* per call: nbias slots */
    double *bval; /* per call: the common bias (one value per call) */
    int *tok;     /* per call: k tokens */
    double *lp;   /* per call: k log-probabilities */
    int nbmax;
} book;

static int book_grow(book *b, llr_error *e)
{
    if (b->n < b->cap)
        return 0;
    int cap = b->cap ? 2 * b->cap : 16;
    int *nb = realloc(b->nb, (size_t)cap * sizeof *nb);
    if (nb)
        b->nb = nb;
    int *bt = realloc(b->btok, (size_t)cap * (size_t)b->nbmax * sizeof *bt);
    if (bt)
        b->btok = bt;
    double *bv = realloc(b->bval, (size_t)cap * sizeof *bv);
    if (bv)
        b->bval = bv;
    int *tk = realloc(b->tok, (size_t)cap * (size_t)b->k * sizeof *tk);
    if (tk)
        b->tok = tk;
    double *lp = realloc(b->lp, (size_t)cap * (size_t)b->k * sizeof *lp);
    if (lp)
        b->lp = lp;
    if (!nb || !bt || !bv || !tk || !lp)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    b->cap = cap;
    return 0;
}

static void book_free(book *b)
{
    free(b->nb), free(b->btok), free(b->bval), free(b->tok), free(b->lp);
}

/* One call: nb tokens btok biased by bv (nb = 0: unbiased); the answer
 * is checked and recorded as call b->n. */
static int one_call(const llr_access *a, book *b, llr_api_fn api, void *ctx,
                    const int *prefix, int len, const int *btok, int nb,
                    double bv, uint64_t *calls, llr_error *e)
{
    if (book_grow(b, e))
        return -1;
    int k = b->k, i = b->n;
    double bias[64];
    double *bias_p = nb <= 64 ? bias : malloc((size_t)nb * sizeof *bias_p);
    if (!bias_p)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    for (int j = 0; j < nb; j++)
        bias_p[j] = bv;
    int *tok = b->tok + (size_t)i * k;
    double *lp = b->lp + (size_t)i * k;
    llr_topk_call c = {prefix, len, k, nb, btok, bias_p, tok, lp};
    int rc = api(ctx, &c, 1, a->round, e);
    if (bias_p != bias)
        free(bias_p);
    ++*calls;
    if (rc)
        return -1;
    b->nb[i] = nb;
    if (nb)
        memcpy(b->btok + (size_t)i * b->nbmax, btok, (size_t)nb * sizeof *btok);
    b->bval[i] = bv;
    double scale = a->round >= 0 ? pow(10.0, a->round) : 0;
    for (int j = 0; j < k; j++) {
        if (tok[j] < 0 || tok[j] >= b->V)
            return llr_fail(e, LLR_EINPUT,
                            "access: call %d: answer token %d is outside "
                            "[0, %d]",
                            i, tok[j], b->V - 1);
        for (int q = 0; q < j; q++)
            if (tok[q] == tok[j])
                return llr_fail(e, LLR_EINPUT,
                                "access: call %d: answer shows token %d "
                                "twice",
                                i, tok[j]);
        if (!isfinite(lp[j]) || lp[j] > 0 || (j && lp[j] > lp[j - 1]))
            return llr_fail(e, LLR_EINPUT,
                            "access: call %d: answer log-probability %g of "
                            "token %d is not finite, <= 0 and "
                            "non-increasing",
                            i, lp[j], tok[j]);
        if (scale > 0) {
            double x = lp[j] * scale;
            if (fabs(x - nearbyint(x)) > 1e-6 + fabs(x) * 1e-12)
                return llr_fail(e, LLR_EINPUT,
                                "access: call %d: answer %.17g of token %d "
                                "is not rounded to %d decimals as declared",
                                i, lp[j], tok[j], a->round);
        }
    }
    b->n++;
    return 0;
}

/* Position of z in call i's answer, or -1. */
static int shown(const book *b, int i, int z)
{
    for (int j = 0; j < b->k; j++)
        if (b->tok[(size_t)i * b->k + j] == z)
            return j;
    return -1;
}

/* Every recorded answer against its prediction from d. */
static int consistent(const llr_access *a, const book *b, const double *d,
                      double *w, llr_error *e)
{
    int V = b->V, k = b->k;
    double delta = a->round >= 0 ? pow(10.0, -a->round) : 0;
    for (int i = 0; i < b->n; i++) {
        for (int z = 0; z < V; z++)
            w[z] = d[z];
        for (int j = 0; j < b->nb[i]; j++)
            w[b->btok[(size_t)i * b->nbmax + j]] += b->bval[i];
        double lse = llr_logsumexp(w, V);
        double tol = 2.5 * delta +
                     10 * LLR_RECOVERY_SLACK * (1 + fabs(b->bval[i]));
        const double *lp = b->lp + (size_t)i * k;
        for (int z = 0; z < V; z++) {
            double pred = w[z] - lse;
            int j = shown(b, i, z);
            if (j >= 0 && fabs(pred - lp[j]) > tol)
                return llr_fail(e, LLR_EINPUT,
                                "access: call %d: token %d answered %.9g but "
                                "the other answers give %.9g (more than %.3g "
                                "apart): answers inconsistent between calls, "
                                "or rounded coarser than %d decimals",
                                i, z, lp[j], pred, tol, a->round);
            if (j < 0 && pred > lp[k - 1] + tol)
                return llr_fail(e, LLR_EINPUT,
                                "access: call %d: token %d is missing from "
                                "the top %d, but the other answers put it at "
                                "%.9g above the last shown %.9g: answers "
                                "inconsistent between calls",
                                i, z, k, pred, lp[k - 1]);
        }
    }
    return 0;
}

int llr_recover_logits(const llr_access *a, int V, llr_api_fn api,
                       void *ctx, const int *prefix, int len, double *out,
                       uint64_t *calls, llr_error *e)
{
    *calls = 0;
    if (llr_access_check(a, V, e))
        return -1;
    int k = a->k < V ? a->k : V;
    int g = (a->nbias < k ? a->nbias : k) - 1; /* new tokens per call */
    book b = {0, 0, k, V, NULL, NULL, NULL, NULL, NULL,
              (g + 1) > 1 ? g + 1 : 1};
    double *d = malloc(2 * (size_t)V * sizeof *d);
    char *known = calloc((size_t)V, 1);
    int *grp = malloc(((size_t)g + 2) * sizeof *grp);
    int rc = -1;
    if (!d || !known || !grp) {
        llr_fail(e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    if (one_call(a, &b, api, ctx, prefix, len, NULL, 0, 0, calls, e))
        goto done;
    int r = b.tok[0];
    for (int j = 0; j < k; j++) {
        d[b.tok[j]] = b.lp[j] - b.lp[0];
        known[b.tok[j]] = 1;
    }
    double b0 = 2 * (b.lp[0] - b.lp[k - 1]) + 8;
    if (b0 > a->bias)
        b0 = a->bias;
    for (int z = 0; z < V;) {
        int n = 0;
        grp[n++] = r;
        for (; z < V && n < g + 1; z++)
            if (!known[z])
                grp[n++] = z;
        if (n == 1)
            break;
        for (double bv = b0;; bv = 2 * bv < a->bias ? 2 * bv : a->bias) {
            if (one_call(a, &b, api, ctx, prefix, len, grp, n, bv, calls, e))
                goto done;
            int i = b.n - 1, jr = shown(&b, i, r), all = jr >= 0;
            for (int q = 1; q < n && all; q++)
                all = shown(&b, i, grp[q]) >= 0;
            if (all) {
                const double *lp = b.lp + (size_t)i * k;
                for (int q = 1; q < n; q++) {
                    d[grp[q]] = lp[shown(&b, i, grp[q])] - lp[jr];
                    known[grp[q]] = 1;
                }
                break;
            }
            if (bv >= a->bias) {
                int miss = jr < 0 ? r : grp[1];
                for (int q = 1; q < n; q++)
                    if (shown(&b, i, grp[q]) < 0) {
                        miss = grp[q];
                        break;
                    }
                llr_fail(e, LLR_EINPUT,
                         "access: call %d: token %d, biased by %g (the "
                         "largest bias allowed), is missing from the top %d: "
                         "the bias is too small to lift it, or the answer "
                         "ignores the bias",
                         i, miss, bv, k);
                goto done;
            }
        }
    }
    if (consistent(a, &b, d, d + V, e))
        goto done;
    llr_centre(d, V, out);
    rc = 0;
done:
    book_free(&b);
    free(d), free(known), free(grp);
    return rc;
}
