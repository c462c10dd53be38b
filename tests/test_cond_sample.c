/* The conditional-sampling oracle (oracle/cond_sample.h): its estimates
 * stay within the stated xi of the exact centred logits, its API calls are
 * n per distinct prefix exactly, and bad settings or a wrong lambda are
 * errors. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "helpers.h"
#include "models/isan.h"
#include "oracle/oracle.h"

Test(cond_sample, estimates_within_xi_and_counted)
{
    llr_model *M;
    llr_error e;
    /* centred logits within [-1, 1]: lambda 1 */
    cr_assert(llr_isan_generate(4, 2, 3, 7, 1.0, &M, &e) == 0, "%s", e.msg);
    llr_oracle_opts oo = {0};
    cr_assert(llr_cond_parse("sample,lambda:1,xi:0.3,delta:0.01", &oo.cond,
                             &e) == 0);
    long long n;
    cr_assert(llr_cond_calls(&oo.cond, 4, &n, &e) == 0);
    cr_assert(fabs(n - llr_cond_samples(&oo.cond, 4)) < 1);
    llr_oracle *o;
    cr_assert(llr_oracle_new(M, &oo, &o, &e) == 0, "%s", e.msg);
    int tok[2];
    int q = 0;
    double worst = 0;
    for (int len = 0; len < 3; len++)
        for (int a = 0; a < (len ? 4 : 1); a++)
            for (int b = 0; b < (len > 1 ? 4 : 1); b++) {
                tok[0] = a, tok[1] = b;
                double est[4], ex[4];
                cr_assert(llr_oracle_query(o, tok, len, est, &e) == 0, "%s",
                          e.msg);
                cr_assert(llr_model_logits(M, tok, len, ex, &e) == 0);
                for (int z = 0; z < 4; z++)
                    worst = fmax(worst, fabs(est[z] - ex[z]));
                q++;
            }
    cr_assert(worst <= 0.3, "worst error %g", worst);
    cr_assert(worst > 0, "an estimate from samples is not exact");
    llr_counts c = llr_oracle_counts(o);
    cr_assert_eq(c.distinct, (uint64_t)q);
    cr_assert_eq(c.api_calls, (uint64_t)q * (uint64_t)n);
    llr_oracle_free(o);
    llr_model_free(M);
}

Test(cond_sample, a_token_never_drawn_is_an_error)
{
    long long cnt[3] = {5, 0, 7};
    double out[3];
    llr_error e;
    cr_assert(llr_cond_estimate(cnt, 3, 12, out, &e) != 0);
    assert_code(e, LLR_EINPUT);
    long long ok[3] = {1, 2, 4};
    cr_assert(llr_cond_estimate(ok, 3, 7, out, &e) == 0);
    cr_assert(fabs(out[2] - out[0] - log(4.0)) < 1e-12);
    cr_assert(fabs(out[0] + out[1] + out[2]) < 1e-12);
}

Test(cond_sample, a_lambda_too_small_is_caught)
{
    /* logits within [-6, 6] but lambda declared 0.1 with few draws */
    llr_model *M;
    llr_error e;
    cr_assert(llr_isan_generate(8, 2, 2, 3, 6.0, &M, &e) == 0, "%s", e.msg);
    llr_oracle_opts oo = {0};
    cr_assert(llr_cond_parse("sample,lambda:0.1,xi:1,n:50", &oo.cond, &e) ==
              0);
    llr_oracle *o;
    cr_assert(llr_oracle_new(M, &oo, &o, &e) == 0, "%s", e.msg);
    int caught = 0;
    double l[8];
    for (int a = 0; a < 8; a++)
        if (llr_oracle_query(o, &a, 1, l, &e)) {
            assert_code(e, LLR_EINPUT);
            caught++;
        }
    cr_assert(caught > 0);
    llr_oracle_free(o);
    llr_model_free(M);
}

Test(cond_sample, bad_settings_are_usage_errors)
{
    llr_cond_access c;
    llr_error e;
    const char *bad[] = {"samples", "sample,lambda:0", "sample,xi:-1",
                         "sample,delta:1", "sample,n:2.5", "sample,foo:1",
                         "sample,lambda:3,xi:0.001"};
    for (int i = 0; i < 6; i++) {
        cr_assert(llr_cond_parse(bad[i], &c, &e) != 0, "%s", bad[i]);
        assert_code(e, LLR_EUSAGE);
    }
    long long n;
    cr_assert(llr_cond_parse(bad[6], &c, &e) == 0);
    cr_assert(llr_cond_calls(&c, 8, &n, &e) != 0); /* ~4e11 draws */
    assert_code(e, LLR_EUSAGE);
    /* Remark 5.8's growth: e^{2 lambda} */
    llr_cond_access a = {1, 1, 0.1, 1e-3, 0}, b = {1, 2, 0.1, 1e-3, 0};
    cr_assert(fabs(llr_cond_samples(&b, 8) / llr_cond_samples(&a, 8) -
                   exp(2.0)) < 1e-9);
}
