#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Control characters (a terminal's escape sequences among them) from file
 * names, headers or replies quoted in a message become '?', so that no
 * message can write them to a terminal. */
static void printable(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 32 || *s == 127)
            *s = '?';
}

int llr_fail(llr_error *e, llr_errcode code, const char *fmt, ...)
{
    if (e) {
        e->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        printable(e->msg);
    }
    return -1;
}

int llr_fail_prefix(llr_error *e, const char *fmt, ...)
{
    if (e) {
        char head[LLR_ERROR_MSG], old[LLR_ERROR_MSG];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(head, sizeof head, fmt, ap);
        va_end(ap);
        memcpy(old, e->msg, sizeof old);
        old[sizeof old - 1] = 0;
        /* head ": " old, cut to fit (truncation is intended). */
        size_t hl = strlen(head), ol = strlen(old), cap = sizeof e->msg - 1;
        size_t n = 0;
        memcpy(e->msg, head, hl);
        n = hl;
        if (n + 2 <= cap) {
            memcpy(e->msg + n, ": ", 2);
            n += 2;
        }
        if (ol > cap - n)
            ol = cap - n;
        memcpy(e->msg + n, old, ol);
        e->msg[n + ol] = 0;
        printable(e->msg);
    }
    return -1;
}

const char *llr_errcode_name(llr_errcode code)
{
    switch (code) {
    case LLR_OK: return "no error";
    case LLR_ENOMEM: return "out of memory";
    case LLR_EINPUT: return "bad input";
    case LLR_ECERT: return "certificate rejected";
    case LLR_ESOLVER: return "solver failure";
    case LLR_EBUDGET: return "budget exhausted";
    case LLR_EIO: return "I/O error";
    case LLR_EUSAGE: return "usage error";
    }
    return "unknown error";
}
