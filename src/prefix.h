/* prefix.h - enumeration of prefixes (strings over Sigma = {0..V-1}).
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

/*@ predicate tokens_in_range(int *tok, integer len, integer V) =
      \forall integer i; 0 <= i < len ==> 0 <= tok[i] < V;
*/

/* V^len, or -1 when it exceeds limit (limit < 2^63 keeps it exact). */
/*@ requires V >= 1 && len >= 0;
    requires limit <= 0x7fffffffffffffff;
    requires \valid(out);
    assigns *out;
    ensures \result == 0 ==> *out <= limit;
    ensures \result == 0 || \result == -1;
*/
int llr_prefix_count(uint64_t V, uint64_t len, uint64_t limit, uint64_t *out);

/* Number of prefixes of length < T: V^0 + ... + V^(T-1), or -1 above limit. */
/*@ requires V >= 1 && T >= 0;
    requires limit <= 0x7fffffffffffffff;
    requires \valid(out);
    assigns *out;
    ensures \result == 0 ==> *out <= limit;
    ensures \result == 0 || \result == -1;
*/
int llr_prefix_total(uint64_t V, uint64_t T, uint64_t limit, uint64_t *out);

/* Advance tok to the next prefix of the same length in enumeration order.
 * Returns 1 when it advanced, 0 when tok was the last prefix (then tok is
 * reset to all zeros, the first one). */
/*@ requires V >= 1 && len >= 0;
    requires \valid(tok + (0 .. len - 1));
    requires tokens_in_range(tok, len, V);
    assigns tok[0 .. len - 1];
    ensures tokens_in_range(tok, len, V);
    ensures \result == 0 || \result == 1;
    ensures \result == 0 ==> \forall integer i; 0 <= i < len ==> tok[i] == 0;
*/
int llr_prefix_next(int *tok, int len, int V);

/* The index of tok in enumeration order; the caller ensures V^len fits. */
/*@ requires V >= 1 && len >= 0;
    requires \valid_read(tok + (0 .. len - 1));
    requires tokens_in_range(tok, len, V);
    assigns \nothing;
*/
uint64_t llr_prefix_index(const int *tok, int len, int V);

/* The prefix of length len with the given index (inverse of llr_prefix_index
 * for index < V^len). */
/*@ requires V >= 1 && len >= 0;
    requires \valid(tok + (0 .. len - 1));
    assigns tok[0 .. len - 1];
    ensures tokens_in_range(tok, len, V);
*/
void llr_prefix_from_index(uint64_t index, int len, int V, int *tok);

#endif
