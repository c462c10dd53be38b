/* base/json.h - jansson's parser with out-of-memory told apart from bad
 * JSON. jansson reports a failed allocation during a parse as a syntax
 * error ("string or '}' expected") or with no text at all, so a valid file
 * read while memory ran out looked invalid. */
#ifndef LLR_JSON_H
#define LLR_JSON_H

#include <jansson.h>
#include <stddef.h>

/* json_loadb(buf, len, flags, err), and *oom = 1 when an allocation of
 * jansson failed during the parse (the result is then NULL: a value built
 * while memory ran out is dropped), else 0. On first use it installs
 * allocation functions in jansson that call the ones installed before
 * (malloc and free unless the host changed them) and note failures in a
 * thread-local flag. */
json_t *llr_json_loadb(const char *buf, size_t len, size_t flags,
                       json_error_t *err, int *oom);

#endif
