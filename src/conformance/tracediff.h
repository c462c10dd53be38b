/* conformance/tracediff.h - where two traces diverge (docs/trace.md).
 *
 * Two files of JSON lines are read in step. Line i of A and line i of B
 * must be JSON objects with the same keys (in any order), and, key by key
 * and element by element, the same structure: arrays of equal length,
 * strings equal, booleans and nulls equal, two JSON integers equal, and
 * numbers of which one at least is a JSON real within the tolerance
 *   |a - b| <= atol + rtol * max(|a|, |b|)
 * (rtol = atol = 0: bit for bit). "seq" is never compared: it is the
 * line's position, which the alignment itself compares.
 *
 * Options leave out fields (by name at any depth, or by JSON path, either
 * on every line or on lines of one type) and whole line types. By default
 * the comparison stops at the first divergence. With `all` it goes on: a
 * line pair that differs only in fields is one divergence per top-level
 * field. Every line stands for an event, named by its type and, for
 * these types, key fields:
 *   sample (stream, index); epoch_begin, epoch_end (epoch); basis (epoch,
 *   cut); round_begin, round_end (epoch, round); validate (epoch, sample);
 *   cut (cut); query (prefix); lp, failure (t); spanner_swap (swap).
 * Where the events of the next two lines differ, both files are
 * resynchronised on the nearest pair of lines with equal events (least
 * lines skipped in all), and the lines skipped on either side are one
 * divergence of kind "gap".
 * Every divergence carries its context: the latest "epoch", "cut" and
 * "sample" values on earlier lines of A, with their lines and types.
 *
 * Input is read with a limit on the length of a line, and from a pipe or
 * FIFO with a limit on the wait for data, so that neither /dev/zero nor a
 * FIFO nobody writes to can hold the comparison forever.
 */
#ifndef LLR_TRACEDIFF_H
#define LLR_TRACEDIFF_H

#include <stddef.h>

#include "base/error.h"

/* Texts (values, lines) are cut to this many bytes, "..." included. */
#define LLR_TRACEDIFF_TEXT 512
/* Default limit on one line (bytes) and on a wait for a pipe (ms). */
#define LLR_TRACEDIFF_MAX_LINE (64UL << 20)
#define LLR_TRACEDIFF_TIMEOUT_MS 60000
/* Divergences kept in the list by default (all are counted). */
#define LLR_TRACEDIFF_MAX_LISTED 100000

typedef struct llr_tracediff_opts {
    double rtol, atol;       /* >= 0 */
    /* Fields left out: "NAME" (a key at any depth), "$.a.b[2]" (a JSON
     * path and everything below it; "[*]" matches any index), each
     * optionally prefixed by "TYPE:" to apply only to lines of that
     * type. */
    const char *const *ignore;
    size_t nignore;
    const char *const *ignore_type; /* line types left out of both files */
    size_t nignore_type;
    int all;                 /* go on after a divergence */
    size_t max_line;         /* bytes per line (0: LLR_TRACEDIFF_MAX_LINE) */
    int timeout_ms;          /* wait per read of a pipe or FIFO (0: the
                              * default) */
    long max_listed;         /* divergences listed (0: the default) */
} llr_tracediff_opts;

/* The latest value of a context key on the lines before a divergence. */
typedef struct llr_tracediff_ctx {
    const char *key;    /* "epoch", "cut", "sample" */
    long long value;
    long line;          /* 0: not seen */
    char type[64];      /* the "type" of that line */
} llr_tracediff_ctx;

enum { LLR_TRACEDIFF_FIELD = 0, LLR_TRACEDIFF_GAP = 1 };

/* One divergence. */
typedef struct llr_tracediff_div {
    int kind;           /* LLR_TRACEDIFF_FIELD or LLR_TRACEDIFF_GAP */
    /* FIELD: the line of each file (1-based). GAP: the lines skipped,
     * [line_a, end_a] of A and [line_b, end_b] of B (line > end: none). */
    long line_a, end_a, line_b, end_b;
    char type[64];      /* FIELD: the lines' type (A's) */
    char field[160];    /* summary key: "TYPE.KEY", or "(gap)" */
    char path[LLR_TRACEDIFF_TEXT];  /* JSON path of the first difference */
    char what[LLR_TRACEDIFF_TEXT];  /* why they differ */
    char a[LLR_TRACEDIFF_TEXT];     /* A's value (JSON, abbreviated); GAP:
                                     * the types of A's skipped lines */
    char b[LLR_TRACEDIFF_TEXT];
    long elements;      /* FIELD: differing leaves under the key */
    llr_tracediff_ctx ctx[3];
} llr_tracediff_div;

/* How often a summary key occurs among the divergences. */
typedef struct llr_tracediff_count {
    char field[160];
    long count;
} llr_tracediff_count;

typedef struct llr_tracediff {
    int equal;          /* 1: no divergence */
    long lines;         /* line pairs compared (before the first divergence
                         * unless `all`) */
    long lines_a, lines_b;  /* lines read (ignored types included) */
    double max_abs;     /* largest |a - b| among the numbers compared */
    long ndiv;          /* divergences found */
    llr_tracediff_div *div; /* the first min(ndiv, max_listed) of them */
    long nlisted;
    llr_tracediff_count *counts; /* per summary key, most frequent first */
    long ncounts;
    /* The first divergence, as before `all` existed: its line of A, the
     * line before it in A, and both divergent lines (abbreviated). */
    long line;
    char prev[LLR_TRACEDIFF_TEXT];
    char line_a[LLR_TRACEDIFF_TEXT];
    char line_b[LLR_TRACEDIFF_TEXT];
} llr_tracediff;

/* Compare the files at pa and pb with the options o (NULL: bit for bit,
 * nothing ignored, first divergence only). Returns 0 with r filled (free
 * it with llr_tracediff_free), or -1 (e names the file and line) when a
 * file cannot be read, a line is not a JSON object or is too long, a pipe
 * stays silent past the timeout, or an option is malformed (LLR_EUSAGE). */
LLR_MUST_CHECK
int llr_tracediff_files(const char *pa, const char *pb,
                        const llr_tracediff_opts *o, llr_tracediff *r,
                        llr_error *e);

/* Release what llr_tracediff_files allocated in r (r itself stays). */
void llr_tracediff_free(llr_tracediff *r);

#endif
