/* softmax_fuzzer.c - libFuzzer target for the logit kernels of src/kernels/softmax.c:
 * llr_max, llr_centre, llr_logsumexp, llr_softmax, llr_log_softmax,
 * llr_sample_token and llr_choose_index, differential against MPFR.
 *
 * Input (fuzz/fuzz_input.h): V in [1, 64]; a scale byte (3 in 4: bound
 * 2^k, k in [-2, 9]; else k in [-1074, 1000]); whether specials (NaN, +-inf,
 * +-DBL_MAX, subnormals, -0) may appear; V entries fz_double_in(bound); a
 * 64-bit PRNG seed; a target for llr_choose_index.
 *
 * Notation: u = 2^-53, gamma_n = n u / (1 - n u), eta = 2^-1074 (the
 * smallest subnormal), M = max_z x_z, t_z = M - x_z >= 0, w_z = exp(-t_z)
 * and s = sum_z w_z (>= 1: the maximum's term is exp(0) = 1 exactly). The
 * reference values are computed with MPFR at PREC = 160 bits (relative error
 * ~2^-155, far below every bound; the bounds themselves are evaluated in
 * long double and compared with a factor 1 + 2^-60 for that rounding).
 * glibc's exp and log are taken to be within 1 ulp (its documented maximum
 * known errors are below that on x86-64), i.e. a relative error <= 2u, or
 * an absolute one <= eta for a subnormal result.
 *
 * Oracles for finite inputs (-inf entries allowed beside finite ones; they
 * have weight 0), each derived by standard (Higham ch. 3-4) analysis of the
 * code as written:
 *   max:       llr_max == M exactly.
 *   centre:    c_z = x_z - S/V, S = sum x. Recursive summation gives
 *              |S^ - S| <= gamma_{V-1} sum|x|, so
 *              |c^_z - c_z| <= (1+u)[(1+u) gamma_{V-1} sum|x| / V
 *                              + u |S| / V + eta/2] + u |c_z|.
 *              When a partial sum of x may overflow (|partial| +
 *              gamma_{V-1} sum|x| >= DBL_MAX), every output must instead be
 *              non-finite (overflow is visible, never a wrong finite number);
 *              a c_z beyond DBL_MAX must come out as an infinity of its sign.
 *   weights:   w^_z = exp(fl(x_z - M)) has |w^_z - w_z| <= e_z =
 *              w_z (exp(u t_z)(1 + 2u) - 1) + eta (the subtraction's rounding
 *              moves the exponent by <= u t_z; exp adds 1 ulp); e_z = eta
 *              when t_z > 800 (both are below eta), 0 for x_z = -inf.
 *              With E = sum e_z the computed sum has
 *              |s^ - s| <= Ds = E + gamma_{V-1} (s + E).
 *   logsumexp: r = M + ln s; dL = -ln(1 - Ds/s) + 2u ln(s + Ds) (the sum's
 *              error through ln, then log's ulp), |r^ - r| <= (1+u) dL + u|r|.
 *   softmax:   p_z = w_z / s; |p^_z - p_z| <= (1+u)(e_z + p_z Ds)/(s - Ds)
 *              + u p_z + eta/2.
 *   log_softmax: lp_z = x_z - r; |lp^_z - lp_z| <= B + u (|lp_z| + B),
 *              B the logsumexp bound (or -inf exactly for x_z = -inf, or an
 *              infinity when lp_z overflows).
 *   sampling:  with the same seed, v = llr_prng_uniform (one draw, the
 *              generator advanced by exactly one step); the exact cumulative
 *              sums C_z = w_0 + ... + w_z and target T = v C_{V-1}. The
 *              chosen k must satisfy C_{k-1} - D <= T <= C_k + D, with
 *              D = 2 Ds + u (C_{V-1} + Ds): the cumulative sums are within
 *              Ds of C (every prefix sum obeys the same bound) and the
 *              product v cum^ within Ds + u T^ of T. So k is the index whose
 *              interval holds T, except within rounding distance of a
 *              boundary.
 * NaN-awareness (the header gives the formulas; their IEEE meaning is the
 * specification, and every answer must be visibly invalid, never a finite
 * wrong number):
 *   - llr_max with a NaN: NaN or the largest non-NaN entry (which one
 *     depends on where the NaN is; see docs/fuzzing.md);
 *   - centre: any NaN or infinity in x makes every output non-finite;
 *   - logsumexp: a NaN, a +inf, or only -infs give a non-finite result:
 *     NaN or the mathematically right +-inf;
 *   - softmax: then every entry is NaN or the limit value (1/#(+inf) for the
 *     +inf entries, 0 for the others); log_softmax: every entry non-finite;
 *   - sample_token: an index in [0, V), exactly one draw.
 * llr_choose_index is checked against its ACSL contract on the raw entries
 * as a cumulative array (any doubles, NaN too) and the decoded target: the
 * "found" and "top" behaviours, with IEEE comparisons.
 * Every failed check calls abort(). */
#include <float.h>
#include <math.h>
#include <mpfr.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_bounds.h"
#include "fuzz_input.h"
#include "base/prng.h"
#include "kernels/softmax.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK FZ_CHECK

#define VMAX 64
#define PREC 160

/* Reference values, allocated once (reachable: not a leak). */
static int ready;
static mpfr_t w[VMAX], cum[VMAX], ex, tmp, acc;

static void setup(void)
{
    if (ready)
        return;
    for (int i = 0; i < VMAX; i++)
        mpfr_init2(w[i], PREC), mpfr_init2(cum[i], PREC);
    mpfr_inits2(PREC, ex, tmp, acc, (mpfr_ptr)0);
    ready = 1;
}

/* |hat - exact| <= bound, where hat may be an infinity only when the exact
 * value (perturbed by the bound) lies beyond DBL_MAX with the same sign. */
static int near(double hat, mpfr_t exact, long double bound)
{
    if (isnan(hat))
        return 0;
    if (isinf(hat)) {
        long double e = mpfr_get_ld(exact, MPFR_RNDN);
        return (hat > 0) == (e > 0) && fabsl(e) + bound >= DBL_MAX;
    }
    mpfr_sub_d(tmp, exact, hat, MPFR_RNDN);
    mpfr_abs(tmp, tmp, MPFR_RNDN);
    return mpfr_cmp_ld(tmp, bound * SLACK) <= 0;
}

static void check_centre(const double *x, int V, int finite)
{
    double out[VMAX];
    llr_centre(x, V, out);
    if (!finite) {
        for (int z = 0; z < V; z++)
            CHECK(!isfinite(out[z]));
        return;
    }
    /* Exact S (MPFR), sum |x|, and the largest partial sum. */
    long double sabs = 0, part = 0;
    mpfr_set_zero(acc, 1);
    for (int z = 0; z < V; z++) {
        mpfr_add_d(acc, acc, x[z], MPFR_RNDN);
        part = fmaxl(part, fabsl(mpfr_get_ld(acc, MPFR_RNDN)));
        sabs += fabsl((long double)x[z]);
    }
    long double S = mpfr_get_ld(acc, MPFR_RNDN);
    int may_overflow = part + gam(V - 1) * sabs * SLACK >= DBL_MAX;
    long double dmean =
        (1 + U) * ((1 + U) * gam(V - 1) * sabs / V + U * fabsl(S) / V +
                   ETA / 2);
    int all_nonfinite = 1;
    for (int z = 0; z < V; z++)
        all_nonfinite &= !isfinite(out[z]);
    if (may_overflow && all_nonfinite)
        return;
    mpfr_div_si(acc, acc, V, MPFR_RNDN); /* the exact mean */
    for (int z = 0; z < V; z++) {
        mpfr_d_sub(ex, x[z], acc, MPFR_RNDN); /* c_z */
        long double c = fabsl(mpfr_get_ld(ex, MPFR_RNDN));
        CHECK(near(out[z], ex, dmean + U * c));
    }
}

/* The logsumexp, softmax, log_softmax and sampling oracles on an input with
 * no NaN, no +inf and at least one finite entry. */
static void check_finite(const double *x, int V, uint64_t seed)
{
    double M = -INFINITY;
    for (int z = 0; z < V; z++)
        M = x[z] > M ? x[z] : M;
    CHECK(llr_max(x, V) == M);
    /* Exact weights and cumulative sums; the e_z and E of the header. */
    long double e[VMAX], E = 0;
    for (int z = 0; z < V; z++) {
        if (x[z] == -INFINITY) {
            mpfr_set_zero(w[z], 1);
            e[z] = 0;
        } else {
            mpfr_set_d(tmp, x[z], MPFR_RNDN);
            mpfr_sub_d(tmp, tmp, M, MPFR_RNDN); /* exact: -t_z */
            mpfr_exp(w[z], tmp, MPFR_RNDN);
            long double t = -mpfr_get_ld(tmp, MPFR_RNDN);
            long double wz = mpfr_get_ld(w[z], MPFR_RNDN);
            e[z] = t > 800 ? ETA : wz * (expl(U * t) * (1 + 2 * U) - 1) + ETA;
        }
        E += e[z];
        if (z == 0)
            mpfr_set(cum[z], w[z], MPFR_RNDN);
        else
            mpfr_add(cum[z], cum[z - 1], w[z], MPFR_RNDN);
    }
    long double s = mpfr_get_ld(cum[V - 1], MPFR_RNDN);
    long double Ds = E + gam(V - 1) * (s + E);
    CHECK(s >= 1 && Ds < s / 2); /* V <= 64: Ds is a few hundred u */

    /* logsumexp: r = M + ln s. */
    mpfr_t r;
    mpfr_init2(r, PREC);
    mpfr_log(r, cum[V - 1], MPFR_RNDN);
    mpfr_add_d(r, r, M, MPFR_RNDN);
    long double dL = -log1pl(-Ds / s) + 2 * U * logl(s + Ds);
    long double B = (1 + U) * dL + U * fabsl(mpfr_get_ld(r, MPFR_RNDN));
    double rhat = llr_logsumexp(x, V);
    CHECK(isfinite(rhat) && near(rhat, r, B));

    double p[VMAX], lp[VMAX];
    llr_softmax(x, V, p);
    llr_log_softmax(x, V, lp);
    for (int z = 0; z < V; z++) {
        mpfr_div(ex, w[z], cum[V - 1], MPFR_RNDN); /* p_z */
        long double pz = mpfr_get_ld(ex, MPFR_RNDN);
        long double bp =
            (1 + U) * (e[z] + pz * Ds) / (s - Ds) + U * pz + ETA / 2;
        CHECK(p[z] >= 0 && near(p[z], ex, bp));
        if (x[z] == -INFINITY) {
            CHECK(p[z] == 0 && lp[z] == -INFINITY);
            continue;
        }
        mpfr_d_sub(ex, x[z], r, MPFR_RNDN); /* lp_z */
        long double l = fabsl(mpfr_get_ld(ex, MPFR_RNDN));
        /* llr_log_softmax computes (x - M) - ln s: the error of ln s (at
         * most B), plus U |x - M| <= U (l + |ln s|) for the first
         * difference and U (l + B) for the second, so B + U (2 l + B +
         * |ln s|); ls adds dL to |ln s| and 3 B covers the products. */
        long double ls = fabsl(logl(s)) + dL;
        CHECK(near(lp[z], ex, B + U * (2 * l + 3 * B + ls)));
    }
    mpfr_clear(r);

    /* Sampling by inverse CDF. */
    llr_prng g, h;
    llr_prng_seed(&g, seed);
    h = g;
    double v = llr_prng_uniform(&h);
    double work[VMAX];
    int k = llr_sample_token(x, V, &g, work);
    CHECK(g.state == h.state);
    CHECK(k >= 0 && k < V);
    long double D = 2 * Ds + U * (s + Ds);
    mpfr_mul_d(ex, cum[V - 1], v, MPFR_RNDN); /* T */
    /* T <= C_k + D */
    mpfr_sub(tmp, ex, cum[k], MPFR_RNDN);
    CHECK(mpfr_cmp_ld(tmp, D * SLACK) <= 0);
    /* C_{k-1} - D <= T */
    if (k > 0) {
        mpfr_sub(tmp, cum[k - 1], ex, MPFR_RNDN);
        CHECK(mpfr_cmp_ld(tmp, D * SLACK) <= 0);
    }
}

/* llr_choose_index against its ACSL contract (IEEE comparisons). */
static void check_choose(const double *c, int n, double target)
{
    int k = llr_choose_index(c, n, target);
    CHECK(k >= 0 && k < n);
    int found = 0;
    for (int i = 0; i < n; i++)
        found |= target < c[i];
    if (found) {
        CHECK(target < c[k]);
        for (int i = 0; i < k; i++)
            CHECK(!(target < c[i]));
    } else {
        CHECK(k == 0 || c[k] > c[k - 1]);
        for (int i = k + 1; i < n; i++)
            CHECK(!(c[i] > c[i - 1]));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    fz_input in;
    fz_init(&in, data, size);
    int V = (int)fz_int(&in, 1, VMAX);
    double bound = fz_pow2_bound(&in);
    int special = fz_bool(&in);
    double x[VMAX];
    int nan = 0, pinf = 0, ninf = 0, nonfinite = 0;
    for (int z = 0; z < V; z++) {
        x[z] = fz_double_in(&in, bound, special);
        nan += isnan(x[z]);
        pinf += x[z] == INFINITY;
        ninf += x[z] == -INFINITY;
        nonfinite += !isfinite(x[z]);
    }
    uint64_t seed = fz_bits(&in, 8);
    double target = fz_double_in(&in, 2.0, 1);

    check_centre(x, V, nonfinite == 0);
    check_choose(x, V, target);

    if (!nan && !pinf && ninf < V) {
        check_finite(x, V, seed);
        return 0;
    }
    /* NaN, +inf, or only -infs: visibly invalid answers. */
    double m = llr_max(x, V);
    if (nan) {
        double best = -INFINITY;
        int any = 0;
        for (int z = 0; z < V; z++)
            if (!isnan(x[z]))
                best = any++ ? fmax(best, x[z]) : x[z];
        CHECK(isnan(m) || (any && m == best));
    } else {
        CHECK(m == (pinf ? INFINITY : -INFINITY));
    }
    double r = llr_logsumexp(x, V);
    CHECK(isnan(r) || (!nan && r == (pinf ? INFINITY : -INFINITY)));
    double p[VMAX], lp[VMAX];
    llr_softmax(x, V, p);
    llr_log_softmax(x, V, lp);
    for (int z = 0; z < V; z++) {
        double lim = x[z] == INFINITY ? 1.0 / pinf : 0.0;
        CHECK(isnan(p[z]) || (!nan && pinf && p[z] == lim));
        CHECK(!isfinite(lp[z]));
    }
    llr_prng g, h;
    llr_prng_seed(&g, seed);
    h = g;
    (void)llr_prng_uniform(&h);
    double work[VMAX];
    int k = llr_sample_token(x, V, &g, work);
    CHECK(k >= 0 && k < V && g.state == h.state);
    return 0;
}
