/* oracle/counts.h - the oracle's counters of the two resources, checked
 * against overflow.
 *
 * Logit queries (a whole next-token vector at a chosen prefix): calls
 * answered (from the cache or the model), distinct prefixes (answered by
 * the model: what an API bills), and tokens, the sum of |h| over the
 * distinct prefixes (so it does not depend on how often llr looks a
 * prefix up again). Teacher samples (a complete sequence with the
 * teacher's log-probability of each of its tokens): count and tokens.
 * API calls (top-k log-probabilities after a logit bias, each one call
 * however many tokens it shows): counted apart from the logit queries
 * they answer.
 * Kept apart from the oracle so that WP proves them. */
#ifndef LLR_COUNTS_H
#define LLR_COUNTS_H

#include <stdint.h>

typedef struct llr_counts {
    uint64_t calls;
    uint64_t distinct;
    uint64_t tokens;
    uint64_t samples;
    uint64_t sample_tokens;
    uint64_t api_calls; /* API-shaped calls (top-k with bias) made to
                         * recover logit vectors (oracle/recovery.h) */
} llr_counts;

/* (The "+ 0" in "x + 0 == \old(x) + 0" below is for E-ACSL 25, which
 * otherwise compares a uint64_t with the GMP integer it made of \old(x)
 * for another clause and crashes (mkBinOp); the clause is the same.) */

/* Count one answered query of len tokens (fresh != 0: a new prefix, whose
 * tokens count). Returns 0, or -1 (counters unchanged) when a counter
 * would overflow. */
/*@ requires \valid(c);
    assigns c->calls, c->distinct, c->tokens;
    ensures \result == 0 || \result == -1;
    ensures \result == -1 <==>
        \old(c->calls) == UINT64_MAX ||
        (fresh != 0 && (\old(c->distinct) == UINT64_MAX ||
                        \old(c->tokens) + len > UINT64_MAX));
    ensures \result == 0 ==> c->calls == \old(c->calls) + 1;
    ensures \result == 0 && fresh != 0 ==>
        c->distinct == \old(c->distinct) + 1 &&
        c->tokens == \old(c->tokens) + len;
    ensures \result == 0 && fresh == 0 ==>
        c->distinct == \old(c->distinct) && c->tokens + 0 == \old(c->tokens) + 0;
    ensures \result == -1 ==> c->calls == \old(c->calls) &&
        c->distinct == \old(c->distinct) && c->tokens + 0 == \old(c->tokens) + 0;
*/
int llr_counts_add(llr_counts *c, uint64_t len, int fresh);

/* Count one teacher sample of len tokens. Returns 0, or -1 (counters
 * unchanged) when a counter would overflow. */
/*@ requires \valid(c);
    assigns c->samples, c->sample_tokens;
    ensures \result == 0 || \result == -1;
    ensures \result == -1 <==>
        \old(c->samples) == UINT64_MAX ||
        \old(c->sample_tokens) + len > UINT64_MAX;
    ensures \result == 0 ==> c->samples == \old(c->samples) + 1 &&
        c->sample_tokens == \old(c->sample_tokens) + len;
    ensures \result == -1 ==> c->samples == \old(c->samples) &&
        c->sample_tokens + 0 == \old(c->sample_tokens) + 0;
*/
int llr_counts_add_sample(llr_counts *c, uint64_t len);

/* Count n more API calls. Returns 0, or -1 (counter unchanged) when it
 * would overflow. */
/*@ requires \valid(c);
    assigns c->api_calls;
    ensures \result == 0 || \result == -1;
    ensures \result == -1 <==> \old(c->api_calls) + n > UINT64_MAX;
    ensures \result == 0 ==> c->api_calls == \old(c->api_calls) + n;
    ensures \result == -1 ==> c->api_calls + 0 == \old(c->api_calls) + 0;
*/
int llr_counts_add_api(llr_counts *c, uint64_t n);

/* 1 when one more distinct prefix stays within the budget (0: none). */
/*@ requires \valid_read(c);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> (budget == 0 || c->distinct < budget);
*/
int llr_counts_allow(const llr_counts *c, uint64_t budget);

#endif
