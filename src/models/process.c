#include "models/process.h"
#include "base/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io/protocol.h"
#include "io/protocol_bounds.h"

typedef struct child {
    pid_t pid;
    int in, out;        /* its stdin (we write), its stdout (we read) */
    char *cmd;
    int raw;
    double timeout;     /* seconds */
    char *buf;          /* read buffer */
    size_t len, cap;    /* bytes held, allocated */
    int dead;           /* a failure made the child unusable */
} child;

static child *impl(const llr_model *m)
{
    return (child *)m->impl;
}

/* Describe how the child ended, if it has. */
static void exit_status(child *c, char *msg, size_t n)
{
    int st;
    pid_t r = waitpid(c->pid, &st, WNOHANG);
    if (r == c->pid) {
        c->pid = -1;
        if (WIFEXITED(st))
            snprintf(msg, n, " (it exited with status %d%s)", WEXITSTATUS(st),
                     WEXITSTATUS(st) == 127 ? ": command not found?" : "");
        else if (WIFSIGNALED(st))
            snprintf(msg, n, " (it was killed by signal %d)", WTERMSIG(st));
    } else
        msg[0] = 0;
}

/* Read one line (without the newline) into c->buf; *len its length. */
static int read_line(child *c, size_t *len, const char *what, llr_error *e)
{
    double deadline = llr_clock_seconds() + c->timeout;
    size_t scanned = 0;
    for (;;) {
        char *nl = c->len > scanned ? memchr(c->buf + scanned, '\n',
                                             c->len - scanned)
                                    : NULL;
        if (nl) {
            *len = (size_t)(nl - c->buf);
            return 0;
        }
        scanned = c->len;
        if (!llr_proto_line_ok(c->len))
            return llr_fail(e, LLR_EINPUT,
                            "%s: %s is longer than %u bytes", c->cmd,
                            what, LLR_PROTOCOL_MAX_LINE);
        double left = deadline - llr_clock_seconds();
        if (left <= 0)
            return llr_fail(e, LLR_EIO,
                            "%s: no %s within %g s (the process stalls)",
                            c->cmd, what, c->timeout);
        struct pollfd p = {c->out, POLLIN, 0};
        int r = poll(&p, 1, (int)(left * 1000) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            continue;
        if (c->cap - c->len < 65536) {
            size_t nc = c->cap ? 2 * c->cap : 1 << 16;
            char *t = realloc(c->buf, nc);
            if (!t)
                return llr_fail(e, LLR_ENOMEM, "out of memory");
            c->buf = t;
            c->cap = nc;
        }
        ssize_t got = read(c->out, c->buf + c->len, c->cap - c->len);
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (got <= 0) {
            char st[96];
            usleep(10000);
            exit_status(c, st, sizeof st);
            return llr_fail(e, LLR_EIO,
                            "%s: the process closed its output before "
                               "the %s%s", c->cmd, what, st);
        }
        c->len += (size_t)got;
    }
}

/* Drop the first line (and its newline) from the buffer. */
static void consume(child *c, size_t len)
{
    memmove(c->buf, c->buf + len + 1, c->len - len - 1);
    c->len -= len + 1;
}

static int write_all(child *c, const char *s, llr_error *e)
{
    size_t n = strlen(s), done = 0;
    while (done < n) {
        ssize_t w = write(c->in, s + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            char st[96];
            exit_status(c, st, sizeof st);
            return llr_fail(e, LLR_EIO,
                            "%s: cannot send a request: %s%s", c->cmd,
                            strerror(errno), st);
        }
        done += (size_t)w;
    }
    return 0;
}

static int ex_logits(const llr_model *m, const void *state, int t,
                     double *out, llr_error *e)
{
    child *c = impl(m);
    if (c->dead)
        return llr_fail(e, LLR_EIO, "%s: the process failed earlier", c->cmd);
    const int *s = state;
    char *req = llr_proto_format_request(s + 1, t);
    size_t len;
    int rc = !req ? llr_fail(e, LLR_ENOMEM,
                             "out of memory") : write_all(c, req, e);
    free(req);
    if (rc == 0)
        rc = read_line(c, &len, "reply", e);
    if (rc == 0) {
        rc = llr_proto_reply(c->buf, len, m->V, c->raw, 0, out, e);
        if (rc)
            llr_fail_prefix(e, "%s", c->cmd);
        consume(c, len);
    }
    if (rc)
        c->dead = 1;
    return rc;
}

static int ex_save(const llr_model *m, const char *path, llr_error *e)
{
    (void)path;
    return llr_fail(e, LLR_EUSAGE,
                    "%s: a model behind a process cannot be saved; use "
                       "llr gen table --from exec:... for a small one",
                    impl(m)->cmd);
}

static void stop(child *c)
{
    if (c->in >= 0)
        close(c->in);
    if (c->out >= 0)
        close(c->out);
    if (c->pid > 0) {
        /* Closing its stdin asks it to exit; then TERM, then KILL. */
        for (int i = 0; i < 50; i++) {
            if (waitpid(c->pid, NULL, WNOHANG) == c->pid) {
                c->pid = -1;
                break;
            }
            usleep(10000);
            if (i == 30)
                kill(c->pid, SIGTERM);
        }
        if (c->pid > 0) {
            kill(c->pid, SIGKILL);
            waitpid(c->pid, NULL, 0);
        }
    }
    free(c->buf);
    free(c->cmd);
    free(c);
}

static void ex_destroy(llr_model *m)
{
    stop(impl(m));
    free(m);
}

static const llr_model_ops exec_ops = {
    "exec", llr_prefix_state_root, llr_prefix_state_step, ex_logits,
    ex_save, ex_destroy, NULL,
};

int llr_exec_open(const char *command, llr_model **out, llr_error *e)
{
    *out = NULL;
    int pin[2], pout[2];
    if (pipe(pin) != 0)
        return llr_fail(e, LLR_EIO,
                        "exec:%s: pipe: %s", command, strerror(errno));
    if (pipe(pout) != 0) {
        close(pin[0]), close(pin[1]);
        return llr_fail(e, LLR_EIO,
                        "exec:%s: pipe: %s", command, strerror(errno));
    }
    /* A child that exits makes writes fail with EPIPE, not kill us. */
    signal(SIGPIPE, SIG_IGN);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(pin[0]), close(pin[1]), close(pout[0]), close(pout[1]);
        return llr_fail(e, LLR_EIO,
                        "exec:%s: fork: %s", command, strerror(errno));
    }
    if (pid == 0) {
        dup2(pin[0], 0);
        dup2(pout[1], 1);
        close(pin[0]), close(pin[1]), close(pout[0]), close(pout[1]);
        signal(SIGPIPE, SIG_DFL);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    close(pin[0]);
    close(pout[1]);
    fcntl(pin[1], F_SETFD, FD_CLOEXEC);
    fcntl(pout[0], F_SETFD, FD_CLOEXEC);
    child *c = calloc(1, sizeof *c);
    size_t cl = strlen(command) + 6;
    char *name = malloc(cl);
    if (!c || !name) {
        free(c), free(name);
        close(pin[1]), close(pout[0]);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    snprintf(name, cl, "exec:%s", command);
    *c = (child){pid, pin[1], pout[0], name, 0, 30.0, NULL, 0, 0, 0};
    const char *to = getenv("LLR_EXEC_TIMEOUT");
    if (to && atof(to) > 0)
        c->timeout = atof(to);
    size_t len;
    llr_greeting g;
    if (read_line(c, &len, "greeting", e) ||
        (llr_proto_greeting(c->buf, len, &g, e) &&
         llr_fail_prefix(e, "%s", c->cmd))) {
        stop(c);
        return -1;
    }
    consume(c, len);
    c->raw = g.raw;
    llr_model *m = calloc(1, sizeof *m);
    if (!m) {
        stop(c);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    *m = (llr_model){&exec_ops, g.V, g.T, 0, (size_t)(g.T + 1) * sizeof(int),
                     c, NULL, 0};
    *out = m;
    return 0;
}
