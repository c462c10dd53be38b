/* oracle/counts.h - the oracle's query counters, checked against overflow.
 *
 * Kept apart from the oracle so that WP proves them: every answered query
 * adds one call, its length in tokens, and one distinct prefix when the
 * answer came from the model rather than the cache. */
#ifndef LLR_COUNTS_H
#define LLR_COUNTS_H

#include <stdint.h>

typedef struct llr_counts {
    uint64_t calls;
    uint64_t distinct;
    uint64_t tokens;
} llr_counts;

/* Count one answered query of len tokens (fresh != 0: a new prefix).
 * Returns 0, or -1 (counters unchanged) when a counter would overflow. */
/*@ requires \valid(c);
    assigns c->calls, c->distinct, c->tokens;
    ensures \result == 0 || \result == -1;
    ensures \result == -1 <==>
        \old(c->calls) == UINT64_MAX ||
        \old(c->tokens) + len > UINT64_MAX ||
        (fresh != 0 && \old(c->distinct) == UINT64_MAX);
    ensures \result == 0 ==> c->calls == \old(c->calls) + 1;
    ensures \result == 0 ==> c->tokens == \old(c->tokens) + len;
    ensures \result == 0 && fresh != 0 ==>
        c->distinct == \old(c->distinct) + 1;
    ensures \result == 0 && fresh == 0 ==> c->distinct == \old(c->distinct);
    ensures \result == -1 ==> c->calls == \old(c->calls) &&
        c->distinct == \old(c->distinct) && c->tokens == \old(c->tokens);
*/
int llr_counts_add(llr_counts *c, uint64_t len, int fresh);

/* 1 when one more distinct prefix stays within the budget (0: none). */
/*@ requires \valid_read(c);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> (budget == 0 || c->distinct < budget);
*/
int llr_counts_allow(const llr_counts *c, uint64_t budget);

#endif
