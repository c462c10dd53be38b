/* base/prefix.h - enumeration of prefixes (strings over Sigma = {0..V-1}).
 *
 * The enumeration order of Sigma^t is lexicographic with the last position
 * varying fastest: the index of h = h_0 h_1 ... h_{t-1} is
 * sum_i h_i V^(t-1-i). All prefixes of length < T are numbered by length
 * first, then by that index: prefix h of length t has number
 * (V^0 + ... + V^(t-1)) + index(h). Tables and golden vectors use this order.
 */
#ifndef LLR_PREFIX_H
#define LLR_PREFIX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __FRAMAC__ /* ACSL logic (spec/): seen by Frama-C only */
#include "../../spec/prefix.acsl"
#endif

/*@ predicate tokens_in_range(int *tok, integer len, integer V) =
      \forall integer i; 0 <= i < len ==> 0 <= tok[i] < V;
*/

/* V^len, or -1 when it exceeds limit (limit < 2^63 keeps it exact). */
/*@ // llr_pow: spec/prefix.acsl
    requires V >= 1 && len >= 0;
    requires limit <= 0x7fffffffffffffff;
    requires \valid(out);
    assigns *out;
    ensures \result == 0 ==> *out <= limit;
    ensures \result == 0 || \result == -1;
    behavior fits:
      assumes llr_pow(V, len) <= limit;
      assigns *out;
      ensures \result == 0;
      ensures *out == llr_pow(V, len);
    behavior too_many:
      assumes llr_pow(V, len) > limit;
      assigns \nothing;
      ensures \result == -1;
    complete behaviors;
    disjoint behaviors;
*/
int llr_prefix_count(uint64_t V, uint64_t len, uint64_t limit, uint64_t *out);

/* Number of prefixes of length < T: V^0 + ... + V^(T-1), or -1 above limit. */
/*@ // llr_geom: spec/prefix.acsl
    requires V >= 1 && T >= 0;
    requires limit <= 0x7fffffffffffffff;
    requires \valid(out);
    assigns *out;
    ensures \result == 0 ==> *out <= limit;
    ensures \result == 0 || \result == -1;
    behavior fits:
      assumes llr_geom(V, T) <= limit;
      assigns *out;
      ensures \result == 0;
      ensures *out == llr_geom(V, T);
    behavior too_many:
      assumes llr_geom(V, T) > limit;
      assigns \nothing;
      ensures \result == -1;
    complete behaviors;
    disjoint behaviors;
*/
int llr_prefix_total(uint64_t V, uint64_t T, uint64_t limit, uint64_t *out);

/* Advance tok to the next prefix of the same length in enumeration order.
 * Returns 1 when it advanced, 0 when tok was the last prefix (then tok is
 * reset to all zeros, the first one). */
/*@ // llr_prefix_is_last, llr_prefix_succ, llr_index, llr_pow:
    // spec/prefix.acsl
    requires V >= 1 && len >= 0;
    requires \valid(tok + (0 .. len - 1));
    requires tokens_in_range(tok, len, V);
    assigns tok[0 .. len - 1];
    ensures tokens_in_range(tok, len, V);
    ensures \result == 0 || \result == 1;
    ensures \result == 0 ==> \forall integer i; 0 <= i < len ==> tok[i] == 0;
    behavior advance:
      assumes !llr_prefix_is_last(tok, len, V);
      ensures \result == 1;
      ensures llr_prefix_succ{Pre, Post}(tok, len, V);
      ensures llr_index(tok, len, V) == \old(llr_index(tok, len, V)) + 1;
    behavior wrap:
      assumes llr_prefix_is_last(tok, len, V);
      ensures \result == 0;
      ensures \forall integer i; 0 <= i < len ==> tok[i] == 0;
      ensures \old(llr_index(tok, len, V)) == llr_pow(V, len) - 1;
      ensures llr_index(tok, len, V) == 0;
    complete behaviors;
    disjoint behaviors;
*/
int llr_prefix_next(int *tok, int len, int V);

/* The index of tok in enumeration order; the caller ensures V^len fits. */
/*@ // llr_pow, llr_index: spec/prefix.acsl
    requires V >= 1 && len >= 0;
    requires \valid_read(tok + (0 .. len - 1));
    requires tokens_in_range(tok, len, V);
    requires llr_pow(V, len) <= 18446744073709551616; // V^len <= 2^64
    assigns \nothing;
    ensures \result == llr_index(tok, len, V);
    ensures \result < llr_pow(V, len);
*/
uint64_t llr_prefix_index(const int *tok, int len, int V);

/* The prefix of length len with the given index (inverse of llr_prefix_index
 * for index < V^len). */
/*@ // llr_quot, llr_pow, llr_index: spec/prefix.acsl
    requires V >= 1 && len >= 0;
    requires \valid(tok + (0 .. len - 1));
    assigns tok[0 .. len - 1];
    ensures tokens_in_range(tok, len, V);
    // Token j is the digit of weight V^(len-1-j) of index in base V ...
    ensures \forall integer j; 0 <= j < len ==>
                tok[j] == llr_quot(index, V, len - 1 - j) % V;
    // ... so that below V^len this inverts llr_prefix_index.
    ensures index < llr_pow(V, len) ==> llr_index(tok, len, V) == index;
*/
void llr_prefix_from_index(uint64_t index, int len, int V, int *tok);

#endif
