/* io/protocol.h - the query protocol spoken by a model behind a process
 * (docs/oracle-protocol.md). One JSON object per line, UTF-8.
 *
 *   greeting (server, first line):
 *     {"llr": 1, "versions": [1, 2], "vocab": V, "horizon": T,
 *      "logits": "centred" | "raw", "requests": ["logits", "sample", "topk"]}
 *     ("versions" absent: the server speaks version "llr" only; "requests"
 *     absent: logits only.)
 *   version 1 requests and replies (no ids):
 *     {"prefix": [t1, ..., tk]}        -> {"logits": [l_0, ..., l_{V-1}]}
 *     {"prefixes": [[...], ...]}       -> {"logits": [[...], ...]}
 *     any request                      -> {"error": "message"}
 *   version 2: every request carries "id" (an integer in [1, 2^53 - 1]) and
 *   its reply echoes it; replies come in the order of the requests:
 *     {"id": 5, "prefixes": [[...], ...]}  -> {"id": 5, "logits": [...]}
 *     {"id": 6, "sample": {"n": N, "seed": S, "skip": K}}
 *         -> {"id": 6, "samples": [[T tokens], ...],
 *             "logprobs": [[T log-probabilities], ...]}
 *     {"id": 7, "topk": [{"prefix": [...], "k": K,
 *                         "bias": [[token, bias], ...]}, ...],
 *      "round": R}
 *         -> {"id": 7, "top": [{"tokens": [...], "logprobs": [...]}, ...]}
 *     any request -> {"id": 7, "error": "message"}
 * Numbers are JSON numbers (finite: JSON has no NaN or infinity). With
 * "raw" logits the client centres them.
 */
#ifndef LLR_PROTOCOL_H
#define LLR_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "kernels/topk.h"

/* The newest version spoken here; version 1 is still spoken. */
#define LLR_PROTOCOL_VERSION 2
/* The longest line either side accepts. */
#define LLR_PROTOCOL_MAX_LINE (64u << 20)

typedef struct llr_greeting {
    int V, T;
    int raw;       /* 1: raw logits, the client centres them */
    int version;   /* the version the client speaks with it: 1 or 2 */
    int sample;    /* 1: the server answers sample requests (version 2) */
    int topk;      /* 1: the server answers topk requests (version 2) */
} llr_greeting;

/* Parse a greeting line (without its newline): the version is the highest
 * of "llr" and "versions" that this client speaks. */
LLR_MUST_CHECK
int llr_proto_greeting(const char *line, size_t len, llr_greeting *g,
                       llr_error *e);

/* Parse a reply to a batch of n prefixes into out (n x V), centring raw
 * logits; n == 0 parses the single-prefix form into out (V). A version 1
 * reply (no id is checked). */
LLR_MUST_CHECK
int llr_proto_reply(const char *line, size_t len, int V, int raw, int n,
                    double *out, llr_error *e);

/* The reply to request id (0: a version 1 reply, which must carry no id)
 * for a batch of n >= 1 prefixes, into out (n x V), centring raw logits.
 * Checks the id: a reply with another id (a surplus, missing or reordered
 * reply) is an error naming both ids. Every accepted value is finite and,
 * after centring, within +-LLR_PROTO_MAX_LOGIT. */
LLR_MUST_CHECK
int llr_proto_logits_reply(const char *line, size_t len, uint64_t id, int V,
                           int raw, int n, double *out, llr_error *e);

/* The reply to sample request id: n sequences of T tokens in [0, V) into
 * seq (n x T) and their per-token log-probabilities, finite and <= 0, into
 * logp (n x T). */
LLR_MUST_CHECK
int llr_proto_sample_reply(const char *line, size_t len, uint64_t id, int V,
                           int T, int n, int *seq, double *logp,
                           llr_error *e);

/* The reply to topk request id for calls c[0..n): c[i].k distinct tokens in
 * [0, V) into c[i].tok and their log-probabilities, finite, <= 0 and
 * non-increasing, into c[i].logprob. */
LLR_MUST_CHECK
int llr_proto_topk_reply(const char *line, size_t len, uint64_t id, int V,
                         llr_topk_call *c, int n, llr_error *e);

/* A parsed request (the server side). */
enum { LLR_REQ_LOGITS = 1, LLR_REQ_SAMPLE = 2, LLR_REQ_TOPK = 3 };
typedef struct llr_request {
    long long id;     /* 0: none (a version 1 request) */
    int kind;         /* LLR_REQ_* */
    int batch;        /* logits: the "prefixes" form */
    int n;            /* logits: prefixes; sample: sequences; topk: calls */
    int *off, *tok;   /* logits, topk: prefix i is tok[off[i] .. off[i+1]) */
    uint64_t seed;    /* sample: the first state (the seed mod 2^64) */
    uint64_t skip;    /* sample: sequences to skip first */
    int *k;           /* topk: per call */
    int *boff, *btok; /* topk: call i's biased tokens btok[boff[i] ..) */
    double *bval;     /* topk: their biases */
    int round;        /* topk: decimals, or -1 (not rounded) */
} llr_request;

/* Parse a request line: prefixes of length <= maxlen over [0, V). On
 * failure r->id is the request's id when it could be read (else 0), so
 * that the error reply can echo it, and r holds no arrays. */
LLR_MUST_CHECK
int llr_proto_parse(const char *line, size_t len, int V, int maxlen,
                    llr_request *r, llr_error *e);
void llr_proto_request_free(llr_request *r);

/* Parse a version 1 logits request: *n prefixes (1 for the single form)
 * into tok/off (as llr_strings: prefix i is tok[off[i] .. off[i+1]-1]);
 * the arrays are new (free them). *batch says which form it was. Other
 * kinds of request are refused. */
LLR_MUST_CHECK
int llr_proto_request(const char *line, size_t len, int V, int maxlen,
                      int *n, int **off, int **tok, int *batch, llr_error *e);

/* Formatting: new strings ending in a newline (free them), NULL when out
 * of memory. Reply values are written so that they read back as the same
 * doubles, bit for bit (17 significant digits; -0.0 as "-0.0", since "-0"
 * reads as the integer 0). id 0 writes no id (version 1). */
char *llr_proto_format_request(const int *tok, int len);
char *llr_proto_format_logits_request(uint64_t id, const int *tok,
                                      const int *off, int n);
char *llr_proto_format_sample_request(uint64_t id, int n, uint64_t seed,
                                      uint64_t skip);
char *llr_proto_format_topk_request(uint64_t id, const llr_topk_call *c,
                                    int n, int round);
/* The greeting of a version 1 server (llr serve's is
 * llr_proto_format_greeting2). */
char *llr_proto_format_greeting(int V, int T);
char *llr_proto_format_greeting2(int V, int T);
char *llr_proto_format_reply(const double *l, int V, int n, int batch);
char *llr_proto_format_logits_reply(long long id, const double *l, int V,
                                    int n, int batch);
char *llr_proto_format_sample_reply(long long id, const int *seq,
                                    const double *logp, int T, int n);
/* Calls c[0..n) with their answers filled; values rounded as printed with
 * round decimals when round >= 0. */
char *llr_proto_format_topk_reply(long long id, const llr_topk_call *c,
                                  int n, int round);
char *llr_proto_format_error(long long id, const char *msg);

#endif
