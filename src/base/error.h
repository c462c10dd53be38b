/* base/error.h - error reports: every failing llr_ function fills one of these.
 *
 * A function that can fail returns int: 0 on success, nonzero on failure,
 * with a human-readable message in the llr_error it was given (which may be
 * NULL when the caller does not want the message). */
#ifndef LLR_ERROR_H
#define LLR_ERROR_H

#define LLR_ERROR_MSG 512

typedef struct llr_error {
    char msg[LLR_ERROR_MSG];
} llr_error;

/* Format a message into e (if non-NULL) and return -1, so that
 * `return llr_fail(e, "...", ...);` reports and fails in one step. */
int llr_fail(llr_error *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefix e's message with "what: " (for adding a file name or context). */
int llr_fail_prefix(llr_error *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
