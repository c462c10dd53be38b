/* learn/gls_file.c - the learned model's file (docs/file-formats.md, "gls").
 *
 * Metadata: llr.kind "gls", llr.format "1", llr.box and llr.tau (17
 * significant digits), llr.rank, llr.reconstruction "lsq" for a model
 * read by least squares (lsq.h; absent: the LP); then the model's extra entries (the
 * certificate of llr learn). Per cut s = 0..T-1:
 *   cut<s>.basis    I64 [k_s, s]             basis histories
 *   cut<s>.futures  I64 [|F^_s|, T-1-s]      F^_s, each padded with -1
 *   cut<s>.rhat     F64 [k_s, |F^_s|, V]     l(h_i g_j)
 *   cut<s>.rext     F64 [k_s, V, |F^_{s+1}|, V]  l(h_i a g_j)  (s < T-1)
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/gls.h"
#include "learn/reconstruct.h"
#include "io/safetensors.h"

/* Write g; with m non-NULL, m's extra metadata too (llr_model_write). */
static int save(const llr_model *m, const llr_gls *g, const char *path,
                llr_error *e)
{
    int T = g->T, V = g->V;
    llr_st_out *t = calloc((size_t)4 * T, sizeof *t);
    char (*names)[32] = calloc((size_t)4 * T, sizeof *names);
    int64_t **bufs = calloc((size_t)2 * T, sizeof *bufs);
    int n = 0, rc = -1;
    if (!t || !names || !bufs) {
        llr_fail(e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    for (int s = 0; s < T; s++) {
        const llr_gls_cut *c = &g->cut[s];
        int nf = c->fhat.count, w = T - 1 - s;
        int nn = s + 1 < T ? g->cut[s + 1].fhat.count : 0;
        int64_t *b = malloc(((size_t)c->k * s + 1) * sizeof *b);
        int64_t *fu = malloc(((size_t)nf * w + 1) * sizeof *fu);
        bufs[2 * s] = b, bufs[2 * s + 1] = fu;
        if (!b || !fu) {
            llr_fail(e, LLR_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < (size_t)c->k * s; i++)
            b[i] = c->basis[i];
        for (int j = 0; j < nf; j++)
            for (int q = 0; q < w; q++)
                fu[(size_t)j * w + q] = q < llr_strings_len(&c->fhat, j)
                                            ? llr_strings_at(&c->fhat, j)[q]
                                            : -1;
        snprintf(names[n], 32, "cut%d.basis", s);
        t[n] = (llr_st_out){names[n], LLR_DT_I64, 2,
                            {(uint64_t)c->k, (uint64_t)s}, b};
        n++;
        snprintf(names[n], 32, "cut%d.futures", s);
        t[n] = (llr_st_out){names[n], LLR_DT_I64, 2,
                            {(uint64_t)nf, (uint64_t)w}, fu};
        n++;
        snprintf(names[n], 32, "cut%d.rhat", s);
        t[n] = (llr_st_out){names[n], LLR_DT_F64, 3,
                            {(uint64_t)c->k, (uint64_t)nf, (uint64_t)V},
                            c->rhat};
        n++;
        if (s + 1 < T) {
            snprintf(names[n], 32, "cut%d.rext", s);
            t[n] = (llr_st_out){names[n], LLR_DT_F64, 4,
                                {(uint64_t)c->k, (uint64_t)V, (uint64_t)nn,
                                 (uint64_t)V},
                                c->rext};
            n++;
        }
    }
    char box[40], tau[40], rank[16];
    snprintf(box, sizeof box, "%.17g", g->box);
    snprintf(tau, sizeof tau, "%.17g", g->tau);
    snprintf(rank, sizeof rank, "%d", g->d);
    const char *meta[] = {"llr.kind", "gls",     "llr.format", "1",
                          "llr.box",  box,       "llr.tau",    tau,
                          "llr.rank", rank,      "llr.reconstruction",
                          "lsq"};
    /* llr.reconstruction only for the least-squares reading: a file
     * without it is read by the LP (files of earlier versions too). */
    int nm = g->recon == LLR_RECON_LSQ ? 6 : 5;
    rc = m ? llr_model_write(m, path, t, (size_t)n, meta, nm, e)
           : llr_st_write(path, t, (size_t)n, meta, nm, e);
done:
    for (int i = 0; bufs && i < 2 * T; i++)
        free(bufs[i]);
    free(bufs), free(names), free(t);
    return rc;
}

int llr_gls_save(const llr_gls *g, const char *path, llr_error *e)
{
    return save(NULL, g, path, e);
}

int llr_gls_save_model(const llr_model *m, const llr_gls *g,
                       const char *path, llr_error *e)
{
    return save(m, g, path, e);
}

static int meta_double(const llr_st_file *f, const char *key, double *out,
                       llr_error *e)
{
    const char *v = llr_st_meta(f, key);
    char *end;
    if (!v)
        return llr_fail(e, LLR_EINPUT,
                        "%s: __metadata__ lacks %s", f->name, key);
    errno = 0;
    *out = strtod(v, &end);
    if (!*v || *end || errno || !isfinite(*out))
        return llr_fail(e, LLR_EINPUT,
                        "%s: __metadata__ %s '%s' is not a finite number",
                        f->name, key, v);
    return 0;
}

/* Tensor cut<s>.<what> with the expected dtype, rank and shape. */
static const llr_st_tensor *want(const llr_st_file *f, int s,
                                 const char *what, int dtype, int rank,
                                 const uint64_t *shape, llr_error *e)
{
    char name[48];
    snprintf(name, sizeof name, "cut%d.%s", s, what);
    const llr_st_tensor *t = llr_st_expect(f, name, dtype, rank, e);
    if (!t)
        return NULL;
    for (int i = 0; i < rank; i++)
        if (shape[i] != (uint64_t)-1 && t->shape[i] != shape[i]) {
            llr_fail(e, LLR_EINPUT,
                     "%s: tensor '%s' has dimension %d = %llu, expected "
                        "%llu",
                     f->name, name, i, (unsigned long long)t->shape[i],
                     (unsigned long long)shape[i]);
            return NULL;
        }
    return t;
}

/* The reconstruction LP takes logits of magnitude at most LLR_LP_DATA_MAX
 * (reconstruct.h); a learned file holding more is refused here, naming
 * the entry, before any LP sees it. */
static int in_range(const char *file, const llr_st_tensor *t,
                    const double *v, llr_error *e)
{
    for (uint64_t i = 0; i < t->count; i++)
        if (!(fabs(v[i]) <= LLR_LP_DATA_MAX))
            return llr_fail(e, LLR_EINPUT,
                            "%s: tensor '%s' entry %llu is %.17g, beyond "
                            "the range of a logit (|x| <= %g)",
                            file, t->name, (unsigned long long)i, v[i],
                            LLR_LP_DATA_MAX);
    return 0;
}

int llr_gls_from_file(const llr_st_file *f, llr_model **out, llr_error *e)
{
    *out = NULL;
    double box, tau, rank;
    if (meta_double(f, "llr.box", &box, e) || meta_double(f, "llr.tau", &tau, e) ||
        meta_double(f, "llr.rank", &rank, e))
        return -1;
    if (!(box > 0 && box <= LLR_LP_DATA_MAX) || tau < 0 || rank < 1 ||
        rank > LLR_MAX_RANK)
        return llr_fail(e, LLR_EINPUT,
                        "%s: llr.box, llr.tau or llr.rank out of range",
                        f->name);
    /* T and V from cut0. */
    const llr_st_tensor *r0 = llr_st_find(f, "cut0.rhat");
    if (!r0 || r0->rank != 3)
        return llr_fail(e, LLR_EINPUT,
                        "%s: missing tensor 'cut0.rhat' of rank 3",
                        f->name);
    uint64_t V = r0->shape[2];
    const llr_st_tensor *f0 = llr_st_find(f, "cut0.futures");
    if (!f0 || f0->rank != 2)
        return llr_fail(e, LLR_EINPUT,
                        "%s: missing tensor 'cut0.futures' of rank 2",
                        f->name);
    uint64_t T = f0->shape[1] + 1;
    if (llr_model_check_dims((long long)V, (long long)T, (long long)rank, e))
        return llr_fail_prefix(e, "%s", f->name);
    int recon = LLR_RECON_LP;
    const char *rs = llr_st_meta(f, "llr.reconstruction");
    if (rs && !strcmp(rs, "lsq"))
        recon = LLR_RECON_LSQ;
    else if (rs && strcmp(rs, "lp"))
        return llr_fail(e, LLR_EINPUT,
                        "%s: llr.reconstruction '%s' is neither lp nor lsq",
                        f->name, rs);
    llr_gls g = {(int)V, (int)T, (int)rank, box, tau, NULL, NULL, recon};
    g.cut = calloc((size_t)T, sizeof *g.cut);
    if (!g.cut)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    int64_t *tmp = NULL;
    int rc = 0;
    for (int s = (int)T - 1; rc == 0 && s >= 0; s--) {
        llr_gls_cut *c = &g.cut[s];
        uint64_t any = (uint64_t)-1, w = T - 1 - (uint64_t)s;
        uint64_t sb[2] = {any, (uint64_t)s}, sf[2] = {any, w};
        const llr_st_tensor *tb = want(f, s, "basis", LLR_DT_I64, 2, sb, e);
        const llr_st_tensor *tf =
            tb ? want(f, s, "futures", LLR_DT_I64, 2, sf, e) : NULL;
        if (!tf) {
            rc = -1;
            break;
        }
        uint64_t k = tb->shape[0], nf = tf->shape[0];
        uint64_t nn = s + 1 < (int)T ? (uint64_t)g.cut[s + 1].fhat.count : 0;
        if (k > rank || (s == 0 && k != 1) || nf < 1 || nf > 1000000) {
            rc = llr_fail(e, LLR_EINPUT,
                          "%s: cut %d has %llu basis histories and %llu "
                             "futures (need 1..rank, and at least one future)",
                          f->name, s, (unsigned long long)k,
                          (unsigned long long)nf);
            break;
        }
        uint64_t sh[3] = {k, nf, V}, se[4] = {k, V, nn, V};
        const llr_st_tensor *th = want(f, s, "rhat", LLR_DT_F64, 3, sh, e);
        const llr_st_tensor *te =
            th && s + 1 < (int)T ? want(f, s, "rext", LLR_DT_F64, 4, se, e)
                                 : NULL;
        if (!th || (s + 1 < (int)T && !te)) {
            rc = -1;
            break;
        }
        c->k = (int)k;
        c->basis = malloc((k * s + 1) * sizeof *c->basis);
        c->rhat = malloc((th->count + 1) * sizeof *c->rhat);
        c->rext = te ? malloc((te->count + 1) * sizeof *c->rext) : NULL;
        /* On failure realloc keeps tmp, which is freed below. */
        int64_t *grown =
            realloc(tmp, (tb->count + tf->count + 1) * sizeof *tmp);
        if (grown)
            tmp = grown;
        if (!c->basis || !c->rhat || (te && !c->rext) || !grown) {
            rc = llr_fail(e, LLR_ENOMEM, "out of memory");
            break;
        }
        if (llr_st_copy_i64(f, tb, tmp, e) ||
            llr_st_copy_f64(f, th, c->rhat, 1, e) ||
            (te && llr_st_copy_f64(f, te, c->rext, 1, e))) {
            rc = -1;
            break;
        }
        if (in_range(f->name, th, c->rhat, e) ||
            (te && in_range(f->name, te, c->rext, e))) {
            rc = -1;
            break;
        }
        for (uint64_t i = 0; i < tb->count; i++) {
            if (tmp[i] < 0 || (uint64_t)tmp[i] >= V) {
                rc = llr_fail(e, LLR_EINPUT,
                              "%s: cut%d.basis holds token %lld outside "
                                 "[0, %llu]", f->name, s, (long long)tmp[i],
                              (unsigned long long)V - 1);
                break;
            }
            c->basis[i] = (int)tmp[i];
        }
        if (rc || llr_st_copy_i64(f, tf, tmp, e)) {
            rc = -1;
            break;
        }
        int row[LLR_MAX_HORIZON];
        for (uint64_t j = 0; rc == 0 && j < nf; j++) {
            int len = 0;
            while ((uint64_t)len < w && tmp[j * w + len] >= 0)
                len++;
            for (uint64_t q = 0; q < w; q++) {
                int64_t v = tmp[j * w + q];
                if ((q < (uint64_t)len && v >= (int64_t)V) ||
                    (q >= (uint64_t)len && v != -1))
                    rc = llr_fail(e, LLR_EINPUT,
                                  "%s: cut%d.futures row %llu is not a "
                                     "token string padded with -1",
                                  f->name, s, (unsigned long long)j);
                if (q < (uint64_t)len)
                    row[q] = (int)v;
            }
            if (rc == 0 && j == 0 && len != 0)
                rc = llr_fail(e, LLR_EINPUT,
                              "%s: cut%d.futures must start with the "
                                 "empty future", f->name, s);
            if (rc == 0)
                rc = llr_strings_push(&c->fhat, row, len, e);
        }
    }
    free(tmp);
    if (rc) {
        llr_gls_free(&g);
        return -1;
    }
    return llr_gls_model(&g, out, e);
}
