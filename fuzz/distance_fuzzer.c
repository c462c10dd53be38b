/* distance_fuzzer.c - libFuzzer target for TV and KL between next-token
 * distributions (src/kernels/divergence.c: llr_tv_prob, llr_kl_logprob) and for the
 * exact TV walk of src/measure/distance.c (llr_distance_exact) on two tiny table
 * models, differential against MPFR.
 *
 * Input (fuzz/fuzz_input.h): V in [1, 64]; a scale (3 in 4: bound 2^k,
 * k in [-2, 9]; else k in [-1074, 1000]); three logit vectors a, b, c of
 * finite entries fz_double_in(bound); a permutation pi of {0..V-1}
 * (Fisher-Yates, one fz_int per step). Then two tables over V' in [2, 8],
 * T in [1, 6] with V'^T <= 64, raw logits fz_double_in(R) with
 * R = 2^j, j in [-4, 4].
 * The distributions are made as src/measure/distance.c makes them: lp =
 * llr_log_softmax(l), p_z = exp(lp_z). The oracles judge TV and KL of those
 * arrays (exactly what the functions are given), with u = 2^-53,
 * gamma_n = n u / (1 - n u), eta = 2^-1074, MPFR at PREC = 160 bits, bounds
 * evaluated in long double with a factor 1 + 2^-60 for their own rounding:
 *   TV: tv(p, q) >= 0; tv(p, q) == tv(q, p) bit for bit (|p - q| is
 *     symmetric in IEEE arithmetic); tv(p, p) == 0; against the exact
 *     TV* = 1/2 sum |p_z - q_z| of the arrays, |tv - TV*| <= gamma_V TV* +
 *     eta/2 (one rounding per difference, V - 1 additions, the halving exact
 *     but for underflow); range: tv <= (1 + gamma_V) (sum p + sum q) / 2 +
 *     eta/2 (so <= 1 up to the normalisation's rounding); triangle
 *     inequality tv(p, r) <= (1 + gamma_V) / (1 - gamma_V) (tv(p, q) +
 *     tv(q, r) + eta) + eta/2 (the exact inequality, moved through the
 *     bounds); permutation: |tv(pi p, pi q) - tv(p, q)| <= 2 (gamma_V TV* +
 *     eta/2).
 *   KL: kl(p || p) == 0; against the exact K* = sum_{p_z > 0} p_z (lp_z -
 *     lq_z) of the arrays, |kl - K*| <= gamma_{V+1} sum |terms| + V eta
 *     (two roundings per term, V - 1 additions, products may underflow);
 *     range (Gibbs, up to rounding): with S = {z : p_z > 0} and
 *     p'_z = e^{lp_z}, q'_z = e^{lq_z} (exact), p' ln(p'/q') >= p' - q'
 *     term by term and |p_z - p'_z| <= 2u p'_z + eta (exp within 1 ulp), so
 *     kl >= sum_S (p'_z - q'_z) - sum_S (2u p'_z + eta) |lp_z - lq_z| - the
 *     agreement bound, that lower bound computed in MPFR rounding downwards
 *     term by term (a first version summed e^lp and e^lq at 160 bits, and
 *     1 - 1 beside e^-256 lost the small term: the fuzzer's input is
 *     regression_kl_gibbs_cancellation; with round-to-nearest the reference
 *     was not a lower bound); permutation: |kl(pi) - kl| <= 2 agreement
 *     bounds.
 *   Exact walk: llr_distance_exact(P, Q) on two table models (raw logits
 *     |x| <= R <= 16, V'^T <= 64 leaves) against an MPFR enumeration of
 *     TV = 1/2 sum_y |P(y) - Q(y)| with P(y) the product of the exact
 *     softmaxes of the raw rows. The walk's tv_err covers its products and
 *     sums; the conditionals' own rounding is bounded here: centring moves a
 *     logit by beta <= gamma_{V'+3} R + eta, the log-softmax of the centred
 *     row is within lambda = B + u (4R + ln V' + 1 + B) of the exact one,
 *     with B the logsumexp bound of fuzz/softmax_fuzzer.c for t_z <= 4R + 1, and
 *     exp adds 1 ulp, so each conditional has relative error
 *     rho = e^{2 beta + lambda} (1 + 2u) - 1 (no underflow: |lp| <= 67), a
 *     leaf (1 + rho)^T - 1, and |tv - TV| <= tv_err + (1 + rho)^T - 1.
 *     Also leaves == V'^T, prefixes == V'^0 + ... + V'^(T-1), and the masses
 *     are within (1 + rho)^T - 1 + gamma_{T(V'-1)+T+2} mass of 1.
 * Every failed check calls abort(). */
#include <float.h>
#include <math.h>
#include <mpfr.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure/distance.h"
#include "kernels/divergence.h"
#include "fuzz_bounds.h"
#include "fuzz_input.h"
#include "kernels/softmax.h"
#include "models/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK FZ_CHECK

#define VMAX 64
#define PREC 160

#define WMAX 64  /* leaves of the walk */
#define CMAX 128 /* entries of a table: N V <= 126 when V^T <= 64 */

/* Allocated once (reachable: not a leak). */
static int ready;
static mpfr_t acc, acc2, tmp, tmp2, wp, wq, wtv;
static mpfr_t prob[2][CMAX];

static void setup(void)
{
    if (ready)
        return;
    mpfr_inits2(PREC, acc, acc2, tmp, tmp2, wp, wq, wtv, (mpfr_ptr)0);
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < CMAX; i++)
            mpfr_init2(prob[k][i], PREC);
    ready = 1;
}

/* The exact TV* of two arrays (as long double; its relative rounding,
 * 2^-64, is within SLACK's margin of the bounds it feeds). */
static long double tv_exact(const double *p, const double *q, int V)
{
    mpfr_set_zero(acc, 1);
    for (int z = 0; z < V; z++) {
        mpfr_set_d(tmp, p[z], MPFR_RNDN);
        mpfr_sub_d(tmp, tmp, q[z], MPFR_RNDN);
        mpfr_abs(tmp, tmp, MPFR_RNDN);
        mpfr_add(acc, acc, tmp, MPFR_RNDN);
    }
    mpfr_div_2ui(acc, acc, 1, MPFR_RNDN);
    return mpfr_get_ld(acc, MPFR_RNDN);
}

/* |hat - exact (in acc)| <= bound. */
static int near_acc(double hat, long double bound)
{
    if (!isfinite(hat))
        return 0;
    mpfr_sub_d(tmp, acc, hat, MPFR_RNDN);
    mpfr_abs(tmp, tmp, MPFR_RNDN);
    return mpfr_cmp_ld(tmp, bound * SLACK) <= 0;
}

/* TV oracles on p, q (and the third distribution r, the permutation). */
static void check_tv(const double *p, const double *q, const double *r,
                     const double *pp, const double *qp, int V)
{
    double tv = llr_tv_prob(p, q, V);
    CHECK(tv >= 0);
    double back = llr_tv_prob(q, p, V);
    CHECK(memcmp(&tv, &back, sizeof tv) == 0);
    CHECK(llr_tv_prob(p, p, V) == 0);
    long double T = tv_exact(p, q, V);
    long double err = gam(V) * T + ETA / 2;
    CHECK(near_acc(tv, err));
    long double sp = 0, sq = 0;
    mpfr_set_zero(acc2, 1);
    for (int z = 0; z < V; z++)
        mpfr_add_d(acc2, acc2, p[z], MPFR_RNDN);
    sp = mpfr_get_ld(acc2, MPFR_RNDN);
    mpfr_set_zero(acc2, 1);
    for (int z = 0; z < V; z++)
        mpfr_add_d(acc2, acc2, q[z], MPFR_RNDN);
    sq = mpfr_get_ld(acc2, MPFR_RNDN);
    CHECK(tv <= ((1 + gam(V)) * (sp + sq) / 2 + ETA / 2) * SLACK);
    /* Triangle inequality through r. */
    double pr = llr_tv_prob(p, r, V), qr = llr_tv_prob(q, r, V);
    long double g = gam(V);
    CHECK(pr <= ((1 + g) / (1 - g) * ((long double)tv + qr + ETA) + ETA / 2) *
                    SLACK);
    /* Permutation. */
    double tvp = llr_tv_prob(pp, qp, V);
    CHECK(fabsl((long double)tvp - tv) <= 2 * err * SLACK);
}

/* KL oracles on (p, lp) against (q, lq). */
static void check_kl(const double *p, const double *lp, const double *lq,
                     const double *pp, const double *lpp, const double *lqp,
                     int V)
{
    CHECK(llr_kl_logprob(p, lp, lp, V) == 0);
    double kl = llr_kl_logprob(p, lp, lq, V);
    long double sabs = 0, lower = 0;
    mpfr_set_zero(acc, 1);
    mpfr_set_zero(acc2, 1);
    for (int z = 0; z < V; z++) {
        if (!(p[z] > 0))
            continue;
        mpfr_set_d(tmp, lp[z], MPFR_RNDN);
        mpfr_sub_d(tmp, tmp, lq[z], MPFR_RNDN); /* lp - lq */
        long double d = fabsl(mpfr_get_ld(tmp, MPFR_RNDN));
        mpfr_mul_d(tmp2, tmp, p[z], MPFR_RNDN);
        mpfr_add(acc, acc, tmp2, MPFR_RNDN);
        sabs += fabsl(mpfr_get_ld(tmp2, MPFR_RNDN));
        /* Gibbs: p' - q' - (2u p' + eta) |lp - lq|, rounded downwards
         * (the terms span hundreds of binades: p' - q' is formed per term,
         * then summed, so that 1 - 1 cancels exactly beside e^-256). */
        mpfr_set_d(tmp, lp[z], MPFR_RNDN);
        mpfr_exp(tmp, tmp, MPFR_RNDD);
        long double pe = mpfr_get_ld(tmp, MPFR_RNDU);
        mpfr_set_d(tmp2, lq[z], MPFR_RNDN);
        mpfr_exp(tmp2, tmp2, MPFR_RNDU);
        mpfr_sub(tmp, tmp, tmp2, MPFR_RNDD);
        mpfr_add(acc2, acc2, tmp, MPFR_RNDD);
        lower -= (2 * U * pe + ETA) * d;
    }
    long double err = gam(V + 1) * sabs + V * ETA;
    CHECK(near_acc(kl, err));
    lower += mpfr_get_ld(acc2, MPFR_RNDD);
    CHECK(kl >= lower - err * SLACK - fabsl(lower) * 0x1p-60L);
    double klp = llr_kl_logprob(pp, lpp, lqp, V);
    CHECK(fabsl((long double)klp - kl) <= 2 * err * SLACK);
}

/* ---- the exact walk on two tables ---------------------------------- */

/* Exact conditionals of a table: prob[row][z] = softmax(raw row)_z. */
static void exact_rows(const double *raw, int N, int V, mpfr_t *prob)
{
    for (int i = 0; i < N; i++) {
        const double *row = raw + (size_t)i * V;
        double m = row[0];
        for (int z = 1; z < V; z++)
            m = fmax(m, row[z]);
        mpfr_set_zero(acc, 1);
        for (int z = 0; z < V; z++) {
            mpfr_set_d(tmp, row[z], MPFR_RNDN);
            mpfr_sub_d(tmp, tmp, m, MPFR_RNDN);
            mpfr_exp(prob[(size_t)i * V + z], tmp, MPFR_RNDN);
            mpfr_add(acc, acc, prob[(size_t)i * V + z], MPFR_RNDN);
        }
        for (int z = 0; z < V; z++)
            mpfr_div(prob[(size_t)i * V + z], prob[(size_t)i * V + z], acc,
                     MPFR_RNDN);
    }
}

static void check_walk(fz_input *in)
{
    int V = (int)fz_int(in, 2, 8);
    int tmax = 0;
    for (long long n = V; n <= WMAX; n *= V)
        tmax++;
    int T = (int)fz_int(in, 1, tmax);
    double R = ldexp(1.0, (int)fz_int(in, -4, 4));
    int N = 0, leaves = 1;
    for (int t = 0; t < T; t++)
        N += leaves, leaves *= V;
    size_t cnt = (size_t)N * V;
    double *raw[2];
    llr_model *m[2];
    llr_error e;
    for (int k = 0; k < 2; k++) {
        raw[k] = malloc(cnt * sizeof(double));
        CHECK(raw[k] != NULL);
        for (size_t i = 0; i < cnt; i++)
            raw[k][i] = fz_double_in(in, R, 0);
    }
    CHECK(cnt <= CMAX);
    for (int k = 0; k < 2; k++)
        exact_rows(raw[k], N, V, prob[k]);
    /* Take over copies (the raw arrays stay ours). */
    for (int k = 0; k < 2; k++) {
        double *copy = malloc(cnt * sizeof(double));
        CHECK(copy != NULL);
        memcpy(copy, raw[k], cnt * sizeof(double));
        CHECK(llr_table_wrap(V, T, copy, &m[k], &e) == 0);
    }
    llr_exact out;
    llr_distance_opts o = {.max_leaves = WMAX};
    int rc = llr_distance_exact(m[0], m[1], &o, &out, &e);
    CHECK(rc == 0);
    /* MPFR enumeration: leaf y = digits of its index, first token most
     * significant; the row of prefix y_<t is first[t] + index(y_<t). */
    mpfr_ptr lp = wp, lq = wq, tv = wtv;
    mpfr_set_zero(tv, 1);
    for (int y = 0; y < leaves; y++) {
        mpfr_set_ui(lp, 1, MPFR_RNDN);
        mpfr_set_ui(lq, 1, MPFR_RNDN);
        int first = 0, width = 1, idx = 0, div = leaves / V;
        for (int t = 0; t < T; t++) {
            int tok = (y / div) % V;
            size_t at = (size_t)(first + idx) * V + tok;
            mpfr_mul(lp, lp, prob[0][at], MPFR_RNDN);
            mpfr_mul(lq, lq, prob[1][at], MPFR_RNDN);
            first += width, width *= V;
            idx = idx * V + tok;
            div = div > 1 ? div / V : 1;
        }
        mpfr_sub(lp, lp, lq, MPFR_RNDN);
        mpfr_abs(lp, lp, MPFR_RNDN);
        mpfr_add(tv, tv, lp, MPFR_RNDN);
    }
    mpfr_div_2ui(tv, tv, 1, MPFR_RNDN);
    /* The conditionals' rounding (header). */
    long double beta = gam(V + 3) * R + ETA;
    long double kappa = expl(U * (4 * R + 1)) * (1 + 2 * U) - 1;
    long double ds = kappa + V * ETA + gam(V - 1) * (1 + kappa + V * ETA);
    long double dL = -log1pl(-ds) + 2 * U * logl(V * (1 + ds));
    long double B = (1 + U) * dL + U * (2 * R + 2 + logl(V));
    long double lambda = B + U * (4 * R + logl(V) + 1 + B);
    long double rho = expl(2 * beta + lambda) * (1 + 2 * U) - 1;
    long double leaf = powl(1 + rho, T) - 1;
    mpfr_sub_d(tmp, tv, out.tv, MPFR_RNDN);
    mpfr_abs(tmp, tmp, MPFR_RNDN);
    CHECK(isfinite(out.tv) && out.tv >= 0 && out.tv_err >= 0);
    CHECK(mpfr_cmp_ld(tmp, ((long double)out.tv_err + leaf) * SLACK) <= 0);
    CHECK(out.leaves == (uint64_t)leaves && out.prefixes == (uint64_t)N);
    long double gw = gam((long double)T * (V - 1) + T + 2);
    CHECK(fabsl(out.mass_p - 1.0L) <= (leaf + gw * out.mass_p) * SLACK);
    CHECK(fabsl(out.mass_q - 1.0L) <= (leaf + gw * out.mass_q) * SLACK);
    for (int k = 0; k < 2; k++) {
        free(raw[k]);
        llr_model_free(m[k]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    fz_input in;
    fz_init(&in, data, size);
    int V = (int)fz_int(&in, 1, VMAX);
    double bound = fz_pow2_bound(&in);
    double l[3][VMAX], lg[3][VMAX], pr[3][VMAX];
    for (int k = 0; k < 3; k++) {
        for (int z = 0; z < V; z++)
            l[k][z] = fz_double_in(&in, bound, 0);
        llr_log_softmax(l[k], V, lg[k]);
        for (int z = 0; z < V; z++)
            pr[k][z] = exp(lg[k][z]);
    }
    int pi[VMAX];
    for (int z = 0; z < V; z++)
        pi[z] = z;
    for (int z = V - 1; z > 0; z--) {
        int j = (int)fz_int(&in, 0, z), t = pi[z];
        pi[z] = pi[j], pi[j] = t;
    }
    double pp[2][VMAX], lpp[2][VMAX];
    for (int k = 0; k < 2; k++)
        for (int z = 0; z < V; z++)
            pp[k][z] = pr[k][pi[z]], lpp[k][z] = lg[k][pi[z]];
    check_tv(pr[0], pr[1], pr[2], pp[0], pp[1], V);
    check_kl(pr[0], lg[0], lg[1], pp[0], lpp[0], lpp[1], V);
    check_walk(&in);
    return 0;
}

