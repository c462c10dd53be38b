#include "models/parity.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parity {
    int n;
    unsigned char *s;
    double nu, B;
} parity;

static parity *impl(const llr_model *m)
{
    return (parity *)m->impl;
}

/* State: the parity <s, x_{1:t}> mod 2 so far (one uint64_t). */
static int par_root(const llr_model *m, void *state, llr_error *e)
{
    (void)m, (void)e;
    uint64_t p = 0;
    memcpy(state, &p, sizeof p);
    return 0;
}

static int par_step(const llr_model *m, const void *state, int t, int tok,
                    void *next, llr_error *e)
{
    (void)e;
    uint64_t p;
    memcpy(&p, state, sizeof p);
    if (t < impl(m)->n)
        p ^= (uint64_t)(impl(m)->s[t] & tok);
    memcpy(next, &p, sizeof p);
    return 0;
}

static int par_logits(const llr_model *m, const void *state, int t,
                      double *out, llr_error *e)
{
    (void)e;
    uint64_t p;
    memcpy(&p, state, sizeof p);
    if (t < impl(m)->n) {
        out[0] = out[1] = 0.0;
    } else {
        out[p] = impl(m)->B;
        out[1 - p] = -impl(m)->B;
    }
    return 0;
}

static int par_save(const llr_model *m, const char *path, llr_error *e)
{
    char nu[40];
    snprintf(nu, sizeof nu, "%.17g", impl(m)->nu);
    llr_st_out t = {"secret", LLR_DT_U8, 1, {(uint64_t)impl(m)->n},
                    impl(m)->s};
    const char *meta[] = {"llr.kind", "parity", "llr.format", "1",
                          "llr.noise", nu};
    return llr_model_write(m, path, &t, 1, meta, 3, e);
}

static void par_destroy(llr_model *m)
{
    free(impl(m)->s);
    free(m->impl);
    free(m);
}

static const llr_model_ops parity_ops = {
    "parity", par_root, par_step, par_logits, par_save, par_destroy,
    llr_model_sample_direct, NULL, NULL,
    NULL,
};

const unsigned char *llr_parity_secret(const llr_model *m, double *nu)
{
    if (m->ops != &parity_ops) {
        if (nu)
            *nu = 0;
        return NULL;
    }
    if (nu)
        *nu = impl(m)->nu;
    return impl(m)->s;
}

int llr_parity_new(int n, const unsigned char *secret, double nu,
                   llr_model **out, llr_error *e)
{
    *out = NULL;
    if (n < 1 || n + 1 > LLR_MAX_HORIZON)
        return llr_fail(e, LLR_EINPUT, "parity: %d bits is outside [1, %d]", n,
                        LLR_MAX_HORIZON - 1);
    if (!(nu > 0 && nu < 0.5))
        return llr_fail(e, LLR_EINPUT,
                        "parity: noise %g is outside (0, 1/2)", nu);
    for (int i = 0; i < n; i++)
        if (secret[i] > 1)
            return llr_fail(e, LLR_EINPUT,
                            "parity: secret bit %d is %d, not 0 or 1", i,
                            secret[i]);
    llr_model *m = calloc(1, sizeof *m);
    parity *p = calloc(1, sizeof *p);
    unsigned char *s = malloc((size_t)n);
    if (!m || !p || !s) {
        free(m), free(p), free(s);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    memcpy(s, secret, (size_t)n);
    *p = (parity){n, s, nu, 0.5 * log((1 - nu) / nu)};
    *m = (llr_model){&parity_ops, 2, n + 1, 1, sizeof(uint64_t), p, NULL, 0};
    *out = m;
    return 0;
}

int llr_parity_secret_from_seed(int n, uint64_t seed, int k,
                                unsigned char *secret, llr_error *e)
{
    if (k < 0 || k > n)
        return llr_fail(e, LLR_EINPUT,
                        "parity: weight %d is outside [0, %d]", k, n);
    llr_prng g;
    llr_prng_seed(&g, seed);
    if (k == 0) {
        for (int i = 0; i < n; i++)
            secret[i] = (unsigned char)(llr_prng_next(&g) >> 63);
        return 0;
    }
    int *pos = malloc((size_t)n * sizeof *pos);
    if (!pos)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    for (int i = 0; i < n; i++)
        pos[i] = i;
    memset(secret, 0, (size_t)n);
    for (int i = 0; i < k; i++) {
        int j = i + (int)llr_prng_below(&g, (uint64_t)(n - i));
        int tmp = pos[i];
        pos[i] = pos[j];
        pos[j] = tmp;
        secret[pos[i]] = 1;
    }
    free(pos);
    return 0;
}

int llr_parity_secret_from_hex(int n, const char *hex, unsigned char *secret,
                               llr_error *e)
{
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
        hex += 2;
    size_t len = strlen(hex);
    if (len == 0)
        return llr_fail(e, LLR_EINPUT, "parity: empty --secret");
    memset(secret, 0, (size_t)n);
    for (size_t i = 0; i < len; i++) {
        char c = hex[len - 1 - i];
        if (!isxdigit((unsigned char)c))
            return llr_fail(e, LLR_EINPUT,
                            "parity: --secret '%s' is not hexadecimal",
                            hex);
        int v = isdigit((unsigned char)c) ? c - '0'
                                          : tolower((unsigned char)c) - 'a' + 10;
        for (int b = 0; b < 4; b++) {
            size_t bit = 4 * i + (size_t)b;
            if (!((v >> b) & 1))
                continue;
            if (bit >= (size_t)n)
                return llr_fail(e, LLR_EINPUT,
                                "parity: --secret '%s' has a bit beyond "
                                   "the %d input bits", hex, n);
            secret[bit] = 1;
        }
    }
    return 0;
}

int llr_parity_from_file(const llr_st_file *f, llr_model **out, llr_error *e)
{
    *out = NULL;
    const llr_st_tensor *t = llr_st_expect(f, "secret", LLR_DT_U8, 1, e);
    if (!t)
        return -1;
    if (f->ntensors != 1)
        return llr_fail(e, LLR_EINPUT,
                        "%s: a parity file holds exactly the tensor "
                           "'secret'; this one has %zu tensors",
                        f->name, f->ntensors);
    const char *sn = llr_st_meta(f, "llr.noise");
    char *end;
    errno = 0;
    double nu = sn ? strtod(sn, &end) : NAN;
    if (!sn || !*sn || *end || errno)
        return llr_fail(e, LLR_EINPUT,
                        "%s: __metadata__ llr.noise is missing or not a "
                           "number", f->name);
    if (t->shape[0] < 1 || t->shape[0] + 1 > LLR_MAX_HORIZON)
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor 'secret' has %llu bits, outside [1, "
                           "%d]", f->name, (unsigned long long)t->shape[0],
                        LLR_MAX_HORIZON - 1);
    int64_t *v = malloc((size_t)t->count * sizeof *v);
    unsigned char *s = malloc((size_t)t->count);
    if (!v || !s) {
        free(v), free(s);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    int rc = llr_st_copy_i64(f, t, v, e);
    for (uint64_t i = 0; rc == 0 && i < t->count; i++) {
        if (v[i] != 0 && v[i] != 1)
            rc = llr_fail(e, LLR_EINPUT,
                          "%s: tensor 'secret': element %llu is %lld, not "
                             "0 or 1", f->name, (unsigned long long)i,
                          (long long)v[i]);
        s[i] = (unsigned char)v[i];
    }
    if (rc == 0 && llr_parity_new((int)t->count, s, nu, out, e))
        rc = llr_fail_prefix(e, "%s", f->name);
    free(v), free(s);
    return rc;
}
