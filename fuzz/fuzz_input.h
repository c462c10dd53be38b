/* fuzz_input.h - turn fuzz bytes into structured inputs.
 *
 * A fuzz target reads its sizes, choices, numbers and strings from the
 * input bytes through these functions, front to back. When the bytes run
 * out every function still returns a valid value (the smallest one, or
 * zero), so every input, however short, describes one well-formed case and
 * libFuzzer's mutations of a byte change one field of it. Shared by all the
 * numeric targets (fuzz/softmax_fuzzer.c, fuzz/distance_fuzzer.c, ...); the text-format
 * targets read their bytes as text and use only FZ_CHECK.
 */
#ifndef LLR_FUZZ_INPUT_H
#define LLR_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* An oracle of a fuzz target: when cond is false, print the target's file,
 * the line and the condition, then abort() (which libFuzzer and the replay
 * driver report as a crash, with the input). Every target uses it. */
#define FZ_CHECK(cond)                                                       \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: oracle failed: %s\n", __FILE__,          \
                    __LINE__, #cond);                                        \
            abort();                                                         \
        }                                                                    \
    } while (0)

typedef struct {
    const uint8_t *p; /* next unread byte */
    size_t n;         /* bytes left */
} fz_input;

void fz_init(fz_input *in, const uint8_t *data, size_t size);

/* Bytes not yet consumed. */
size_t fz_left(const fz_input *in);

/* The next nbytes (0..8) as a little-endian unsigned integer; missing bytes
 * read as 0. */
uint64_t fz_bits(fz_input *in, int nbytes);

/* An integer in [lo, hi] (lo <= hi): as many bytes as the range needs,
 * reduced modulo its width; lo when the bytes are exhausted. */
long long fz_int(fz_input *in, long long lo, long long hi);

/* One of 0 and 1. */
int fz_bool(fz_input *in);

/* A double in [lo, hi] (finite, lo <= hi) from 4 bytes, lo + (hi - lo) k /
 * (2^32 - 1): both ends are reachable. */
double fz_range(fz_input *in, double lo, double hi);

/* Any double: 8 raw bytes, so NaNs, infinities, subnormals and -0.0 too. */
double fz_double(fz_input *in);

/* A double that is usually in [-bound, bound] (fz_range) and sometimes, by
 * a selector byte, a special value: 0, -0, the smallest subnormal, the
 * smallest normal, DBL_MAX, +-inf, NaN, or +-bound exactly. Whether
 * specials may appear is the caller's: allow_special = 0 never gives a
 * non-finite value or one outside [-bound, bound]. */
double fz_double_in(fz_input *in, double bound, int allow_special);

/* A power of two 2^k to bound the entries of a vector: from a selector
 * byte, k in [-2, 9] three times in four, else k in [-1074, 1000] (read
 * from further bytes), so tiny and huge scales come up too. */
double fz_pow2_bound(fz_input *in);

/* A NUL-terminated string of 0..maxlen bytes (buf holds maxlen + 1), each
 * byte taken from alphabet (a NUL-terminated, non-empty set), or any byte
 * but NUL when alphabet is NULL. Returns the length. */
size_t fz_string(fz_input *in, char *buf, size_t maxlen, const char *alphabet);

#endif
