/* conformance/tracediff.h - the first divergence between two traces (docs/trace.md).
 *
 * Two files of JSON lines are read in step. Line i of A and line i of B
 * must be JSON objects with the same keys (in any order), and, key by key
 * and element by element, the same structure: arrays of equal length,
 * strings equal, booleans and nulls equal, two JSON integers equal, and
 * numbers of which one at least is a JSON real within the tolerance
 *   |a - b| <= atol + rtol * max(|a|, |b|)
 * (rtol = atol = 0: bit for bit). The first line where this fails, or
 * where one file ends before the other, is the divergence: its line
 * number, the JSON path of the first differing field in A's key order
 * (e.g. $.logits[2]), both values, what differs, the line before it in A,
 * and the enclosing context (the latest "epoch", "cut" and "sample" values
 * on earlier lines of A, with their lines and types).
 */
#ifndef LLR_TRACEDIFF_H
#define LLR_TRACEDIFF_H

#include "base/error.h"

#define LLR_TRACEDIFF_TEXT 512

/* The latest value of a context key on the lines before the divergence. */
typedef struct llr_tracediff_ctx {
    const char *key;    /* "epoch", "cut", "sample" */
    long long value;
    long line;          /* 0: not seen */
    char type[64];      /* the "type" of that line */
} llr_tracediff_ctx;

typedef struct llr_tracediff {
    int equal;          /* 1: equal within the tolerance */
    long lines;         /* lines compared (equal ones, when divergent) */
    long line;          /* the first divergent line (1-based) */
    char path[LLR_TRACEDIFF_TEXT];  /* JSON path of the differing field */
    char what[LLR_TRACEDIFF_TEXT];  /* what differs */
    char a[LLR_TRACEDIFF_TEXT];     /* A's value (JSON, abbreviated) */
    char b[LLR_TRACEDIFF_TEXT];     /* B's value */
    char prev[LLR_TRACEDIFF_TEXT];  /* line - 1 of A, abbreviated ("" none) */
    char line_a[LLR_TRACEDIFF_TEXT]; /* the divergent lines, abbreviated */
    char line_b[LLR_TRACEDIFF_TEXT];
    llr_tracediff_ctx ctx[3];
    double max_abs;     /* largest |a - b| among the numbers compared */
} llr_tracediff;

/* Compare the files at pa and pb. Returns 0 with r filled, or -1 (e says
 * which file and line) when a file cannot be read or a line is not a JSON
 * object. rtol, atol >= 0. */
LLR_MUST_CHECK
int llr_tracediff_files(const char *pa, const char *pb, double rtol,
                        double atol, llr_tracediff *r, llr_error *e);

#endif
