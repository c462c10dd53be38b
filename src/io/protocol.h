/* io/protocol.h - the query protocol spoken by a model behind a process
 * (docs/oracle-protocol.md). One JSON object per line, UTF-8.
 *
 *   greeting (server, first line):
 *     {"llr": 1, "vocab": V, "horizon": T, "logits": "centred" | "raw"}
 *   request (client):  {"prefix": [t1, ..., tk]}
 *                      {"prefixes": [[...], [...], ...]}   (a batch)
 *   reply (server):    {"logits": [l_0, ..., l_{V-1}]}
 *                      {"logits": [[...], [...], ...]}     (to a batch)
 *                      {"error": "message"}
 * Numbers are JSON numbers (finite: JSON has no NaN or infinity). With
 * "raw" logits the client centres them.
 */
#ifndef LLR_PROTOCOL_H
#define LLR_PROTOCOL_H

#include <stddef.h>

#include "base/error.h"

#define LLR_PROTOCOL_VERSION 1
/* The longest line either side accepts. */
#define LLR_PROTOCOL_MAX_LINE (64u << 20)

typedef struct llr_greeting {
    int V, T;
    int raw; /* 1: raw logits, the client centres them */
} llr_greeting;

/* Parse a greeting line (without its newline). */
LLR_MUST_CHECK
int llr_proto_greeting(const char *line, size_t len, llr_greeting *g,
                       llr_error *e);

/* Parse a reply to a batch of n prefixes into out (n x V), centring raw
 * logits; n == 0 parses the single-prefix form into out (V). */
LLR_MUST_CHECK
int llr_proto_reply(const char *line, size_t len, int V, int raw, int n,
                    double *out, llr_error *e);

/* Parse a request: *n prefixes (1 for the single form) into tok/off
 * (as llr_strings: prefix i is tok[off[i] .. off[i+1]-1]); the arrays are
 * new (free them). *batch says which form it was. */
LLR_MUST_CHECK
int llr_proto_request(const char *line, size_t len, int V, int maxlen,
                      int *n, int **off, int **tok, int *batch, llr_error *e);

/* Format a request for one prefix, a greeting, a reply: new strings
 * ending in a newline (free them). Reply values are written so that they
 * read back as the same doubles, bit for bit (17 significant digits; -0.0
 * as "-0.0", since "-0" reads as the integer 0). */
char *llr_proto_format_request(const int *tok, int len);
char *llr_proto_format_greeting(int V, int T);
char *llr_proto_format_reply(const double *l, int V, int n, int batch);

#endif
