/* base/error.h - error reports: every failing llr_ function fills one.
 *
 * A function that can fail returns int: 0 on success, -1 on failure, with
 * a category a program can test and a human-readable message in the
 * llr_error it was given (which may be NULL when the caller wants
 * neither). Such functions are declared LLR_MUST_CHECK: a caller that
 * drops the result does not compile with -Werror.
 */
#ifndef LLR_ERROR_H
#define LLR_ERROR_H

#define LLR_ERROR_MSG 512

/* What kind of failure it was. */
typedef enum llr_errcode {
    LLR_OK = 0,
    LLR_ENOMEM,   /* out of memory */
    LLR_EINPUT,   /* bad input: a malformed or inconsistent file, model,
                   * server reply or parameter, a value out of range */
    LLR_ECERT,    /* a checker rejected a solver's answer (the answer is not
                   * used) */
    LLR_ESOLVER,  /* LAPACK or GLPK failed to produce an answer */
    LLR_EBUDGET,  /* a budget or a cap ran out (queries, epochs) */
    LLR_EIO,      /* the system refused a read, a write or a process */
    LLR_EUSAGE    /* a caller's mistake: arguments no call may pass */
} llr_errcode;

typedef struct llr_error {
    llr_errcode code;
    char msg[LLR_ERROR_MSG];
} llr_error;

#if defined(__GNUC__) || defined(__clang__)
#define LLR_MUST_CHECK __attribute__((warn_unused_result))
#else
#define LLR_MUST_CHECK
#endif

/* Fill e (if non-NULL) with code and the formatted message and return -1,
 * so that `return llr_fail(e, LLR_EINPUT, "...", ...);` reports and fails
 * in one step. */
int llr_fail(llr_error *e, llr_errcode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix e's message with "what: " (for adding a file name or context);
 * the category stays. Returns -1. */
int llr_fail_prefix(llr_error *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A short name of a category: "out of memory", "bad input", ... */
const char *llr_errcode_name(llr_errcode code);

#endif
