#include "models/approx.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/noise.h"
#include "models/isan.h"
#include "kernels/softmax.h"

/* The ISAN comes first so that llr_isan_of() can hand it out. */
typedef struct approx {
    llr_isan isan;
    double eps;
    uint64_t pseed;
    llr_model *base; /* owns the ISAN arrays */
} approx;

/* State layout: uint64_t hash, then d doubles of ISAN state. */
static approx *impl(const llr_model *m)
{
    return (approx *)m->impl;
}

static int approx_root(const llr_model *m, void *state, llr_error *e)
{
    uint64_t h = llr_noise_root(impl(m)->pseed);
    memcpy(state, &h, sizeof h);
    return impl(m)->base->ops->root(impl(m)->base,
                                    (unsigned char *)state + sizeof h, e);
}

static int approx_step(const llr_model *m, const void *state, int t, int tok,
                       void *next, llr_error *e)
{
    uint64_t h;
    memcpy(&h, state, sizeof h);
    h = llr_noise_step(h, tok);
    memcpy(next, &h, sizeof h);
    return impl(m)->base->ops->step(impl(m)->base,
                                    (const unsigned char *)state + sizeof h, t,
                                    tok, (unsigned char *)next + sizeof h, e);
}

static int approx_logits(const llr_model *m, const void *state, int t,
                         double *out, llr_error *e)
{
    uint64_t h;
    memcpy(&h, state, sizeof h);
    if (impl(m)->base->ops->logits(impl(m)->base,
                                   (const unsigned char *)state + sizeof h, t,
                                   out, e))
        return -1;
    double *eta = malloc((size_t)m->V * sizeof *eta);
    if (!eta)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    llr_noise_eta(h, m->V, impl(m)->eps, eta);
    for (int z = 0; z < m->V; z++)
        out[z] += eta[z];
    free(eta);
    return 0;
}

static int approx_save(const llr_model *m, const char *path, llr_error *e)
{
    llr_st_out t[3];
    char eps[40], seed[32];
    llr_isan_tensors(&impl(m)->isan, t);
    snprintf(eps, sizeof eps, "%.17g", impl(m)->eps);
    snprintf(seed, sizeof seed, "%" PRIu64, impl(m)->pseed);
    const char *meta[] = {"llr.kind", "approx", "llr.format", "1",
                          "llr.eps", eps, "llr.perturb_seed", seed};
    return llr_model_write(m, path, t, 3, meta, 4, e);
}

static void approx_destroy(llr_model *m)
{
    llr_model_free(impl(m)->base);
    free(m->impl);
    free(m);
}

static const llr_model_ops approx_ops = {
    "approx", approx_root, approx_step, approx_logits, approx_save,
    approx_destroy, llr_model_sample_direct, NULL, NULL,
    NULL,
};

double llr_approx_eps(const llr_model *m)
{
    return m->ops == &approx_ops ? impl(m)->eps : 0.0;
}

static int wrap(llr_model *base, double eps, uint64_t pseed, llr_model **out,
                llr_error *e)
{
    llr_model *m = calloc(1, sizeof *m);
    approx *a = calloc(1, sizeof *a);
    if (!m || !a) {
        free(m), free(a);
        llr_model_free(base);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    a->isan = *llr_isan_of(base);
    a->eps = eps;
    a->pseed = pseed;
    a->base = base;
    *m = (llr_model){&approx_ops, base->V, base->T, base->d,
                     sizeof(uint64_t) + base->state_bytes, a, NULL, 0};
    *out = m;
    return 0;
}

static int check_eps(double eps, llr_error *e)
{
    if (!(eps >= 0) || !isfinite(eps) || eps > 1e6)
        return llr_fail(e, LLR_EINPUT, "eps %g is outside [0, 1e6]", eps);
    return 0;
}

int llr_approx_generate(int V, int d, int T, uint64_t seed, double scale,
                        double eps, llr_model **out, llr_error *e)
{
    llr_model *base;
    *out = NULL;
    if (check_eps(eps, e) ||
        llr_isan_generate(V, d, T, seed, scale, &base, e))
        return -1;
    return wrap(base, eps, llr_mix64(seed), out, e);
}

int llr_approx_from_file(const llr_st_file *f, llr_model **out, llr_error *e)
{
    *out = NULL;
    const char *se = llr_st_meta(f, "llr.eps");
    const char *ss = llr_st_meta(f, "llr.perturb_seed");
    if (!se || !ss)
        return llr_fail(e, LLR_EINPUT,
                        "%s: approx file lacks __metadata__ %s", f->name,
                        !se ? "llr.eps" : "llr.perturb_seed");
    char *end;
    errno = 0;
    double eps = strtod(se, &end);
    if (*se == 0 || *end != 0 || errno || check_eps(eps, e))
        return llr_fail(e, LLR_EINPUT,
                        "%s: __metadata__ llr.eps '%s' is not a number in "
                           "[0, 1e6]", f->name, se);
    errno = 0;
    unsigned long long seed = strtoull(ss, &end, 10);
    if (*ss < '0' || *ss > '9' || *end != 0 || errno)
        return llr_fail(e, LLR_EINPUT,
                        "%s: __metadata__ llr.perturb_seed '%s' is not an "
                           "unsigned 64-bit integer", f->name, ss);
    llr_isan s;
    llr_model *base;
    if (f->ntensors != 3)
        return llr_fail(e, LLR_EINPUT,
                        "%s: an approx file holds exactly the tensors x0, "
                           "B and A; this one has %zu tensors",
                        f->name, f->ntensors);
    if (llr_isan_read_arrays(f, &s, e) ||
        llr_isan_wrap(s.V, s.d, s.T, s.x0, s.B, s.A, &base, e))
        return -1;
    return wrap(base, eps, (uint64_t)seed, out, e);
}
