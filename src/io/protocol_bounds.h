/* io/protocol_bounds.h - the bounds and size checks of the query protocol's
 * parsers (protocol.c) and of the client's line reader (process.c).
 *
 * Pure integer functions, kept apart from the JSON parsing (jansson) so
 * that their contracts are proved with Frama-C WP. The parsers turn their
 * answers into messages that name the field. */
#ifndef LLR_PROTOCOL_CHECK_H
#define LLR_PROTOCOL_CHECK_H

#include <limits.h>
#include <stddef.h>

/* The greeting's fields: "llr" (the version, LLR_PROTOCOL_VERSION in
 * protocol.h, parsed in [0, LLR_PROTO_MAX_VERSION] before the comparison),
 * "vocab" V and "horizon" T. */
#define LLR_PROTO_MAX_VERSION 1000000
#define LLR_PROTO_MIN_VOCAB 2
#define LLR_PROTO_MAX_VOCAB (1 << 24)
#define LLR_PROTO_MIN_HORIZON 1
#define LLR_PROTO_MAX_HORIZON 4096
/* The most prefixes in one batch request. */
#define LLR_PROTO_MAX_BATCH 1000000
/* The longest line (LLR_PROTOCOL_MAX_LINE of protocol.h, 64 MiB). */
#define LLR_PROTO_MAX_LINE (64u << 20)
/* Version 2: request ids are integers in [1, 2^53 - 1] (exact in every
 * JSON implementation); a sample request asks at most LLR_PROTO_MAX_SAMPLES
 * sequences from a seed in [-2^63, 2^63 - 1] (the generator's first state
 * mod 2^64, so that every state fits a 64-bit JSON integer) after
 * skipping at most LLR_PROTO_MAX_SKIP; a topk call asks
 * k <= LLR_PROTO_MAX_K tokens with at most LLR_PROTO_MAX_BIAS biased
 * tokens, each bias at most LLR_PROTO_MAX_BIAS_VALUE in magnitude, rounded
 * to at most LLR_PROTO_MAX_ROUND decimals; a topk request has at most
 * LLR_PROTO_MAX_BATCH calls. */
#define LLR_PROTO_MAX_ID 9007199254740991LL
#define LLR_PROTO_MAX_SAMPLES 1000000
#define LLR_PROTO_MAX_SKIP 9007199254740991LL
#define LLR_PROTO_MAX_K 4096
#define LLR_PROTO_MAX_BIAS 1024
#define LLR_PROTO_MAX_BIAS_VALUE 1e6
#define LLR_PROTO_MAX_ROUND 17
/* The largest centred logit the client accepts in magnitude: beyond it no
 * double computation keeps differences of order one (the spacing of
 * doubles near 1e16 is 2), so no model can mean such an answer. */
#define LLR_PROTO_MAX_LOGIT 1e15

enum {
    LLR_PROTO_OK = 0,
    LLR_PROTO_TOO_LONG = 1,    /* a prefix longer than the limit */
    LLR_PROTO_TOO_MANY = 2     /* more tokens in all than an int counts */
};

/* An integer field v against [lo, hi]: 1 inside, 0 outside. */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> lo <= v <= hi;
*/
int llr_proto_in_range(long long v, long long lo, long long hi);

/* 1 when a line of len bytes without its newline may still grow (it is
 * shorter than the limit), else 0. */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> len < LLR_PROTO_MAX_LINE;
*/
int llr_proto_line_ok(size_t len);

/* 1 when an array of size entries has exactly n (n >= 0) of them: a logit
 * vector of V entries, a batch reply of n vectors. */
/*@ requires n >= 0;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> size == n;
*/
int llr_proto_size_is(size_t size, int n);

/* 1 when a batch request of cnt prefixes is small enough. */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> cnt <= LLR_PROTO_MAX_BATCH;
*/
int llr_proto_batch_ok(size_t cnt);

/* A request's token x against the vocabulary V: 1 when 0 <= x < V. */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> 0 <= x < V;
*/
int llr_proto_token_ok(long long x, int V);

/* A prefix of k tokens after off tokens of earlier prefixes: it must be no
 * longer than maxlen, and off + k + 1 (the tokens stored, plus one) must
 * fit in an int. On OK *next = off + k. */
/*@ requires 0 <= off && 0 <= maxlen;
    requires \valid(next);
    assigns *next;
    behavior too_long:
      assumes k > maxlen;
      assigns \nothing;
      ensures \result == LLR_PROTO_TOO_LONG;
    behavior too_many:
      assumes k <= maxlen && off + k >= INT_MAX;
      assigns \nothing;
      ensures \result == LLR_PROTO_TOO_MANY;
    behavior ok:
      assumes k <= maxlen && off + k < INT_MAX;
      assigns *next;
      ensures \result == LLR_PROTO_OK;
      ensures *next == off + k;
    complete behaviors;
    disjoint behaviors;
*/
int llr_proto_check_prefix(int off, size_t k, int maxlen, int *next);

#endif
