/* io/trace.h - a trace of every step of a run, as JSON lines (docs/trace.md).
 *
 * A sink the learner modules write to: the oracle (each distinct query and
 * its answer), the spanner (initial basis, each exchange), the learner
 * (samples, epochs, bases, validation, witnesses, summary) and the
 * validation (each LP solution, each failure). A NULL sink is no tracing:
 * every function below returns at once, and callers test the pointer
 * before computing anything only a trace needs.
 *
 * Each line is one JSON object whose first two keys are "seq" (0, 1, 2,
 * ... in the order written) and "type"; then the fields in a fixed order.
 * Integers are JSON integers. Doubles are printed with %.17g, which
 * round-trips every finite double exactly, and always carry a '.' or an
 * exponent, so that a reader sees a JSON real ("1.0", "-0.0", "1e+300");
 * non-finite values are the strings "NaN", "Infinity", "-Infinity".
 * Nothing depends on time or addresses: the same run writes the same
 * bytes.
 */
#ifndef LLR_TRACE_H
#define LLR_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/strlist.h"

typedef struct llr_trace {
    FILE *f;        /* where lines go */
    uint64_t seq;   /* the next line's sequence number */
    int open;       /* a line has been begun and not ended */
} llr_trace;

/* A sink writing to f (which the caller opens and closes). */
void llr_trace_init(llr_trace *t, FILE *f);

/* Begin a line: {"seq": N, "type": "TYPE" (type: plain ASCII). */
void llr_trace_begin(llr_trace *t, const char *type);
/* Fields of the open line (keys: plain ASCII, without quotes). */
void llr_trace_int(llr_trace *t, const char *key, long long v);
/* A 64-bit unsigned value (seeds) as a JSON string of decimal digits, since
 * JSON readers often hold integers in 63 bits. */
void llr_trace_u64str(llr_trace *t, const char *key, uint64_t v);
void llr_trace_bool(llr_trace *t, const char *key, int v);
void llr_trace_real(llr_trace *t, const char *key, double v);
/* A string value, escaped as JSON requires. */
void llr_trace_str(llr_trace *t, const char *key, const char *s);
void llr_trace_ints(llr_trace *t, const char *key, const int *v, size_t n);
void llr_trace_reals(llr_trace *t, const char *key, const double *v,
                     size_t n);
/* rows x cols ints (row-major) as an array of rows. */
void llr_trace_int_rows(llr_trace *t, const char *key, const int *v,
                        size_t rows, size_t cols);
/* A list of token strings as an array of arrays. */
void llr_trace_strings(llr_trace *t, const char *key, const llr_strings *s);
/* End the line: "}\n". */
void llr_trace_end(llr_trace *t);

/* A double as the trace prints it, into buf (at least 32 bytes). */
void llr_trace_format_real(double v, char *buf, size_t size);

#endif
