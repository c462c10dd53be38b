/* base/capacity.h - the capacity of an array that grows by doubling, checked
 * against overflow.
 *
 * Kept apart from its users (the prefix trie, the protocol's parsers and
 * formatters) so that WP proves it: the new capacity holds what is needed,
 * and its size in bytes fits in a size_t. */
#ifndef LLR_CAPACITY_H
#define LLR_CAPACITY_H

#include <stddef.h>
#include <stdint.h>

/* An array of cap elements of elem_size bytes must hold need. When it
 * does, *out = cap; else *out is the first of c, 2c, 4c, ... (c = cap, or
 * first when cap is 0) that is at least need. Returns 0, or -1 when that
 * capacity's bytes would not fit in a size_t (*out unchanged). */
/*@ requires first >= 1 && elem_size >= 1;
    requires \valid(out);
    assigns *out;
    ensures \result == 0 || \result == -1;
    behavior fits:
      assumes need <= cap;
      assigns *out;
      ensures \result == 0 && *out == cap;
    behavior grow:
      assumes need > cap;
      assigns *out;
      ensures \result == 0 ==> *out >= need &&
          *out * elem_size <= SIZE_MAX &&
          (*out == (cap == 0 ? first : cap) || *out < 2 * need);
      ensures \result == -1 ==> *out == \old(*out);
      // It fails only near the limit.
      ensures \result == -1 ==> 2 * need > SIZE_MAX / elem_size ||
          (cap == 0 ? first : cap) > SIZE_MAX / elem_size;
    complete behaviors;
    disjoint behaviors;
*/
int llr_capacity(size_t cap, size_t need, size_t first, size_t elem_size,
                 size_t *out);

#endif
