/* base/strlist.h - a list of token strings (histories or futures). */
#ifndef LLR_STRLIST_H
#define LLR_STRLIST_H

#include <stddef.h>

#include "base/error.h"

/* String i is tok[off[i] .. off[i+1]-1]; an empty list may have off and
 * tok NULL. */
typedef struct llr_strings {
    int count;
    int *off; /* count + 1 */
    int *tok;
} llr_strings;

void llr_strings_free(llr_strings *s);
/* Room for count strings of ntok tokens in all (offsets zeroed). */
LLR_MUST_CHECK
int llr_strings_alloc(llr_strings *s, int count, size_t ntok, llr_error *e);
/* Append a string. */
LLR_MUST_CHECK
int llr_strings_push(llr_strings *s, const int *tok, int len, llr_error *e);
/* The index of the string equal to tok[0..len-1], or -1. */
int llr_strings_find(const llr_strings *s, const int *tok, int len);
LLR_MUST_CHECK
int llr_strings_copy(const llr_strings *src, llr_strings *dst, llr_error *e);

static inline const int *llr_strings_at(const llr_strings *s, int i)
{
    return s->tok + s->off[i];
}
static inline int llr_strings_len(const llr_strings *s, int i)
{
    return s->off[i + 1] - s->off[i];
}

/* Every string of length exactly len (histories), or of length 0..len
 * (futures, shortest first, each length in enumeration order); fails above
 * `limit` strings. */
LLR_MUST_CHECK
int llr_strings_all(int V, int len, int upto, int limit, llr_strings *out,
                    llr_error *e);

#endif
