#include "models/isan.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/softmax.h"

static llr_isan *impl(const llr_model *m)
{
    return (llr_isan *)m->impl;
}

void llr_isan_raw_logits(const llr_isan *s, int t, const double *x,
                         double *out)
{
    const double *B = s->B + (size_t)t * s->V * s->d;
    for (int z = 0; z < s->V; z++) {
        double acc = 0.0;
        for (int k = 0; k < s->d; k++)
            acc += B[(size_t)z * s->d + k] * x[k];
        out[z] = acc;
    }
}

void llr_isan_transition(const llr_isan *s, int t, int z, const double *x,
                         double *x_next)
{
    size_t dd = (size_t)s->d * s->d;
    const double *A = s->A + ((size_t)t * s->V + z) * dd;
    for (int i = 0; i < s->d; i++) {
        double acc = 0.0;
        for (int k = 0; k < s->d; k++)
            acc += A[(size_t)i * s->d + k] * x[k];
        x_next[i] = acc;
    }
}

static int isan_root(const llr_model *m, void *state, llr_error *e)
{
    (void)e;
    memcpy(state, impl(m)->x0, (size_t)m->d * sizeof(double));
    return 0;
}

static int isan_step(const llr_model *m, const void *state, int t, int tok,
                     void *next, llr_error *e)
{
    (void)e;
    llr_isan_transition(impl(m), t, tok, state, next);
    return 0;
}

static int isan_logits(const llr_model *m, const void *state, int t,
                       double *out, llr_error *e)
{
    llr_isan_raw_logits(impl(m), t, state, out);
    llr_centre(out, m->V, out);
    return llr_check_finite_logits(out, m->V, t, e);
}

void llr_isan_tensors(const llr_isan *s, llr_st_out out[3])
{
    out[0] = (llr_st_out){"x0", LLR_DT_F64, 1, {(uint64_t)s->d}, s->x0};
    out[1] = (llr_st_out){"B", LLR_DT_F64, 3,
                          {(uint64_t)s->T, (uint64_t)s->V, (uint64_t)s->d},
                          s->B};
    out[2] = (llr_st_out){"A", LLR_DT_F64, 4,
                          {(uint64_t)s->T, (uint64_t)s->V, (uint64_t)s->d,
                           (uint64_t)s->d},
                          s->A};
}

static int isan_save(const llr_model *m, const char *path, llr_error *e)
{
    llr_st_out t[3];
    llr_isan_tensors(impl(m), t);
    const char *meta[] = {"llr.kind", "isan", "llr.format", "1"};
    return llr_model_write(m, path, t, 3, meta, 2, e);
}

static void isan_free_arrays(llr_isan *s)
{
    if (!s)
        return;
    free(s->x0);
    free(s->B);
    free(s->A);
}

static void isan_destroy(llr_model *m)
{
    isan_free_arrays(impl(m));
    free(m->impl);
    free(m);
}

static const llr_model_ops isan_ops = {
    "isan", isan_root, isan_step, isan_logits, isan_save, isan_destroy,
    llr_model_sample_direct, NULL, NULL,
    NULL,
};

const llr_isan *llr_isan_of(const llr_model *m)
{
    if (m->ops == &isan_ops)
        return impl(m);
    if (strcmp(m->ops->kind, "approx") == 0)
        return (const llr_isan *)m->impl; /* approx puts its ISAN first */
    return NULL;
}

int llr_isan_wrap(int V, int d, int T, double *x0, double *B, double *A,
                  llr_model **out, llr_error *e)
{
    *out = NULL;
    llr_model *m = calloc(1, sizeof *m);
    llr_isan *s = calloc(1, sizeof *s);
    if (!m || !s) {
        free(m), free(s), free(x0), free(B), free(A);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    *s = (llr_isan){V, T, d, x0, B, A};
    *m = (llr_model){&isan_ops, V, T, d, (size_t)d * sizeof(double), s,
                     NULL, 0};
    *out = m;
    return 0;
}

/* Element counts of the three arrays, checked against a 2^28 cap. */
static int isan_sizes(int V, int d, int T, size_t *nb, size_t *na,
                      llr_error *e)
{
    double b = (double)T * V * d, a = b * d;
    if (a > (double)(1 << 28))
        return llr_fail(e, LLR_EINPUT,
                        "an ISAN with V=%d, d=%d, T=%d needs %.3g doubles "
                        "for A; the limit is 2^28",
                        V, d, T, a);
    *nb = (size_t)b;
    *na = (size_t)a;
    return 0;
}

static double norm(const double *v, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += v[i] * v[i];
    return sqrt(s);
}

/* Overwrite the d x d row-major matrix a with the Q factor of its QR
 * factorisation, columns signed so that diag(R) > 0. */
static int orthogonalise(double *a, int d, double *tau, double *rdiag,
                         llr_error *e)
{
    lapack_int info = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, d, d, a, d, tau);
    if (info != 0)
        return llr_fail(e, LLR_ESOLVER,
                        "LAPACKE_dgeqrf failed (info %d)", (int)info);
    for (int i = 0; i < d; i++)
        rdiag[i] = a[(size_t)i * d + i];
    info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, d, d, d, a, d, tau);
    if (info != 0)
        return llr_fail(e, LLR_ESOLVER,
                        "LAPACKE_dorgqr failed (info %d)", (int)info);
    for (int j = 0; j < d; j++)
        if (rdiag[j] < 0)
            for (int i = 0; i < d; i++)
                a[(size_t)i * d + j] = -a[(size_t)i * d + j];
    return 0;
}

int llr_isan_generate(int V, int d, int T, uint64_t seed, double scale,
                      llr_model **out, llr_error *e)
{
    *out = NULL;
    size_t nb = 0, na = 0;
    if (llr_model_check_dims(V, T, d, e))
        return -1;
    if (d < 1)
        return llr_fail(e, LLR_EINPUT, "rank must be at least 1");
    if (!(scale > 0) || !isfinite(scale) || scale > 1e6)
        return llr_fail(e, LLR_EINPUT, "scale %g is outside (0, 1e6]", scale);
    if (isan_sizes(V, d, T, &nb, &na, e))
        return -1;
    double *x0 = malloc((size_t)d * sizeof *x0);
    double *B = malloc(nb * sizeof *B);
    double *A = malloc(na * sizeof *A);
    double *work = malloc(2 * (size_t)d * sizeof *work);
    if (!x0 || !B || !A || !work) {
        free(x0), free(B), free(A), free(work);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    llr_prng g;
    llr_prng_seed(&g, seed);
    for (int i = 0; i < d; i++)
        x0[i] = llr_prng_normal(&g);
    double n0 = norm(x0, d);
    for (int i = 0; i < d; i++)
        x0[i] /= n0;
    for (int t = 0; t < T; t++) {
        double *Bt = B + (size_t)t * V * d, big = 0.0;
        for (size_t k = 0; k < (size_t)V * d; k++)
            Bt[k] = llr_prng_normal(&g);
        for (int z = 0; z < V; z++)
            big = fmax(big, norm(Bt + (size_t)z * d, d));
        for (size_t k = 0; k < (size_t)V * d; k++)
            Bt[k] *= (scale / 2) / big;
    }
    size_t dd = (size_t)d * d;
    for (size_t r = 0; r < (size_t)T * V; r++) {
        for (size_t k = 0; k < dd; k++)
            A[r * dd + k] = llr_prng_normal(&g);
        if (orthogonalise(A + r * dd, d, work, work + d, e)) {
            free(x0), free(B), free(A), free(work);
            return -1;
        }
    }
    free(work);
    return llr_isan_wrap(V, d, T, x0, B, A, out, e);
}

int llr_isan_read_arrays(const llr_st_file *f, llr_isan *s, llr_error *e)
{
    memset(s, 0, sizeof *s);
    const llr_st_tensor *tx = llr_st_expect(f, "x0", LLR_DT_F64, 1, e);
    const llr_st_tensor *tb = tx ? llr_st_expect(f, "B", LLR_DT_F64, 3, e) : 0;
    const llr_st_tensor *ta = tb ? llr_st_expect(f, "A", LLR_DT_F64, 4, e) : 0;
    if (!ta)
        return -1;
    uint64_t d = tx->shape[0], T = tb->shape[0], V = tb->shape[1];
    if (tb->shape[2] != d)
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor 'B' has shape [%llu, %llu, %llu]; its "
                           "last dimension must equal d = %llu (from x0)",
                        f->name, (unsigned long long)T, (unsigned long long)V,
                        (unsigned long long)tb->shape[2],
                        (unsigned long long)d);
    if (ta->shape[0] != T || ta->shape[1] != V || ta->shape[2] != d ||
        ta->shape[3] != d)
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor 'A' has shape [%llu, %llu, %llu, "
                           "%llu]; expected [T, V, d, d] = [%llu, %llu, "
                           "%llu, %llu]",
                        f->name, (unsigned long long)ta->shape[0],
                        (unsigned long long)ta->shape[1],
                        (unsigned long long)ta->shape[2],
                        (unsigned long long)ta->shape[3],
                        (unsigned long long)T, (unsigned long long)V,
                        (unsigned long long)d, (unsigned long long)d);
    if (llr_model_check_dims((long long)V, (long long)T, (long long)d, e))
        return llr_fail_prefix(e, "%s", f->name);
    if (d < 1)
        return llr_fail(e, LLR_EINPUT,
                        "%s: tensor 'x0' is empty (d = 0)", f->name);
    s->V = (int)V, s->T = (int)T, s->d = (int)d;
    s->x0 = malloc(tx->count * sizeof(double));
    s->B = malloc(tb->count * sizeof(double));
    s->A = malloc(ta->count * sizeof(double));
    if (!s->x0 || !s->B || !s->A) {
        isan_free_arrays(s);
        return llr_fail(e, LLR_ENOMEM, "%s: out of memory", f->name);
    }
    if (llr_st_copy_f64(f, tx, s->x0, 1, e) ||
        llr_st_copy_f64(f, tb, s->B, 1, e) ||
        llr_st_copy_f64(f, ta, s->A, 1, e)) {
        isan_free_arrays(s);
        return -1;
    }
    return 0;
}

int llr_isan_from_file(const llr_st_file *f, llr_model **out, llr_error *e)
{
    llr_isan s;
    if (llr_isan_read_arrays(f, &s, e))
        return -1;
    if (f->ntensors != 3)
        return isan_free_arrays(&s),
               llr_fail(e, LLR_EINPUT,
                        "%s: an isan file holds exactly the tensors x0, "
                           "B and A; this one has %zu tensors",
                        f->name, f->ntensors);
    return llr_isan_wrap(s.V, s.d, s.T, s.x0, s.B, s.A, out, e);
}
