#include "models/process.h"
#include "base/clock.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io/protocol.h"
#include "io/protocol_bounds.h"
#include "models/prefix_cache.h"

/* Requests in flight at most (version 2; version 1: one). */
#define WINDOW 8
/* A request or reply line the client plans to stay under (well below the
 * protocol's 64 MiB limit, so that estimates may be rough). */
#define PLAN_BYTES (8u << 20)

typedef struct child {
    pid_t pid;          /* the shell, leader of the process group */
    int in, out;        /* its stdin (we write), its stdout (we read) */
    char *cmd;          /* "exec:COMMAND", for messages */
    llr_greeting g;
    double timeout;     /* seconds without progress */
    char *buf;          /* read buffer */
    size_t len, cap;    /* bytes held, allocated */
    int dead;           /* a failure made the child unusable */
    uint64_t next_id;   /* version 2: the id of the next request */
    llr_pcache cache;
    llr_exec_stats st;
    pthread_mutex_t lock;
    double *tmp;        /* reply scratch: n x V */
    size_t tmpcap;
    int *tok, *off;     /* request scratch */
    size_t tokcap, offcap;
    int64_t *nodes;     /* prefetch scratch */
    size_t nodecap;
    /* Samples fetched ahead (ex_prefetch_samples): plan_left more
     * sequences are planned from generator state plan_state; the buffer
     * holds sbuf_n of them, the next one (sbuf_at) starting at state
     * sbuf_state. */
    uint64_t plan_state, sbuf_state;
    long long plan_left;
    int sbuf_n, sbuf_at;
    int *sseq;          /* sbuf_n x T */
    double *slogp;
    size_t sseqcap, slogpcap;
    uint64_t stamp;     /* deduplication stamps (prefix_cache mark) */
} child;

static child *impl(const llr_model *m)
{
    return (child *)m->impl;
}

/* Describe how the child ended, if it has. It is not reaped (WNOWAIT):
 * while it is a zombie its process group id cannot be reused, so stop()
 * can still signal the group. */
static void exit_status(child *c, char *msg, size_t n)
{
    siginfo_t si;
    msg[0] = 0;
    memset(&si, 0, sizeof si);
    if (c->pid <= 0 ||
        waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 ||
        si.si_pid != c->pid)
        return;
    if (si.si_code == CLD_EXITED)
        snprintf(msg, n, " (it exited with status %d%s)", si.si_status,
                 si.si_status == 127 ? ": command not found?" : "");
    else
        snprintf(msg, n, " (it was killed by signal %d)", si.si_status);
}

/* Grow an array to hold need elements. */
static int reserve(void **p, size_t *cap, size_t need, size_t elem,
                   llr_error *e)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *t = realloc(*p, n * elem);
    if (!t)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    *p = t;
    *cap = n;
    return 0;
}

/* Read what the child has written (at most once, waiting up to ms
 * milliseconds): 1 bytes read, 0 nothing yet, -1 failure (end of output,
 * read error, line too long). */
static int fill(child *c, int ms, const char *what, llr_error *e)
{
    if (!llr_proto_line_ok(c->len))
        return llr_fail(e, LLR_EINPUT, "%s: %s is longer than %u bytes",
                        c->cmd, what, LLR_PROTOCOL_MAX_LINE);
    struct pollfd p = {c->out, POLLIN, 0};
    int r = poll(&p, 1, ms);
    if (r <= 0)
        return 0;
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
        return 0;
    if (got <= 0) {
        char st[96];
        usleep(10000);
        exit_status(c, st, sizeof st);
        return llr_fail(e, LLR_EIO,
                        "%s: the process closed its output before the "
                           "%s%s", c->cmd, what, st);
    }
    c->len += (size_t)got;
    return 1;
}

/* The length of the first complete line in the buffer, or -1. */
static long line_end(const child *c)
{
    const char *nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;
    return nl ? (long)(nl - c->buf) : -1;
}

/* Drop the first line (and its newline) from the buffer. */
static void consume(child *c, size_t len)
{
    memmove(c->buf, c->buf + len + 1, c->len - len - 1);
    c->len -= len + 1;
}

/* Read the greeting line: *len its length. */
static int read_greeting(child *c, size_t *len, llr_error *e)
{
    double deadline = llr_clock_seconds() + c->timeout;
    for (;;) {
        long n = line_end(c);
        if (n >= 0) {
            *len = (size_t)n;
            return 0;
        }
        double left = deadline - llr_clock_seconds();
        if (left <= 0)
            return llr_fail(e, LLR_EIO,
                            "%s: no greeting within %g s (the process "
                               "stalls)", c->cmd, c->timeout);
        if (fill(c, (int)(left * 1000) + 1, "greeting", e) < 0)
            return -1;
    }
}

/* Nothing may be waiting to be read between exchanges: output there
 * answers no request (a surplus reply; with version 1 the only way to
 * tell, before it is taken for the next reply). */
static int quiet(child *c, llr_error *e)
{
    if (!c->len) {
        struct pollfd p = {c->out, POLLIN, 0};
        if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
            return 0;
        llr_error ignore;
        /* The end of its output is reported by the exchange itself. */
        if (fill(c, 0, "reply", &ignore) <= 0)
            return 0;
    }
    const char *nl = memchr(c->buf, '\n', c->len);
    size_t n = nl ? (size_t)(nl - c->buf) : c->len;
    int more = n < c->len - (nl != NULL) || n > 60;
    if (n > 60)
        n = 60;
    char shown[64];
    for (size_t i = 0; i < n; i++)
        shown[i] = c->buf[i] >= 32 && c->buf[i] < 127 ? c->buf[i] : '?';
    shown[n] = 0;
    return llr_fail(e, LLR_EINPUT,
                    "%s: the process wrote output that answers no request "
                       "(a surplus reply?): \"%s%s\"", c->cmd, shown,
                    more ? "..." : "");
}

/* One request and what to do with its reply. */
enum { X_LOGITS, X_SAMPLE, X_TOPK };
typedef struct xreq {
    char *line;            /* the request line (owned) */
    size_t len;
    uint64_t id;           /* 0: version 1 */
    int kind;
    int n;                 /* prefixes, sequences or calls */
    const int64_t *nodes;  /* logits: the cache nodes of the prefixes */
    double *out;           /* logits: also copied here (n == 1), or NULL */
    int *seq;              /* sample: n x T */
    double *logp;
    llr_topk_call *calls;  /* topk */
} xreq;

static int on_reply(child *c, const xreq *q, const char *line, size_t len,
                    llr_error *e)
{
    const llr_greeting *g = &c->g;
    int rc;
    if (q->kind == X_LOGITS) {
        if (reserve((void **)&c->tmp, &c->tmpcap, (size_t)q->n * g->V,
                    sizeof *c->tmp, e))
            return -1;
        rc = q->id ? llr_proto_logits_reply(line, len, q->id, g->V, g->raw,
                                            q->n, c->tmp, e)
                   : llr_proto_reply(line, len, g->V, g->raw, 0, c->tmp, e);
        for (int i = 0; rc == 0 && i < q->n; i++)
            rc = llr_pcache_put(&c->cache, q->nodes[i],
                                c->tmp + (size_t)i * g->V, e);
        if (rc == 0 && q->out)
            memcpy(q->out, c->tmp, (size_t)g->V * sizeof *q->out);
        if (rc == 0)
            c->st.prefixes += (uint64_t)q->n;
    } else if (q->kind == X_SAMPLE) {
        rc = llr_proto_sample_reply(line, len, q->id, g->V, g->T, q->n,
                                    q->seq, q->logp, e);
        if (rc == 0)
            c->st.samples += (uint64_t)q->n;
    } else {
        rc = llr_proto_topk_reply(line, len, q->id, g->V, q->calls, q->n, e);
        if (rc == 0)
            c->st.topk_calls += (uint64_t)q->n;
    }
    return rc;
}

/* Send requests q[0..nq) and handle their replies, in order: at most
 * WINDOW in flight (version 1: one), the writes non-blocking so that
 * replies are read while requests are written. Any failure leaves the
 * child dead (the stream's state is unknown). */
static int exchange(child *c, xreq *q, int nq, llr_error *e)
{
    if (c->dead)
        return llr_fail(e, LLR_EIO, "%s: the process %s", c->cmd,
                        c->in < 0 ? "was closed (llr_exec_finish)"
                                  : "failed earlier");
    int window = c->g.version >= 2 ? WINDOW : 1;
    int sent = 0, got = 0, rc = -1;
    size_t wpos = 0;
    double deadline = llr_clock_seconds() + c->timeout;
    c->st.round_trips++;
    if ((uint64_t)nq > c->st.max_pipelined)
        c->st.max_pipelined = (uint64_t)nq;
    for (;;) {
        long n;
        while (got < sent && (n = line_end(c)) >= 0) {
            if (on_reply(c, &q[got], c->buf, (size_t)n, e)) {
                llr_fail_prefix(e, "%s", c->cmd);
                goto done;
            }
            consume(c, (size_t)n);
            got++;
            c->st.requests++;
            deadline = llr_clock_seconds() + c->timeout;
        }
        if (got == nq)
            break;
        /* A line with no request pending answers none. */
        if (got == sent && wpos == 0 && quiet(c, e))
            goto done;
        int want = sent < nq && sent - got < window;
        double left = deadline - llr_clock_seconds();
        if (left <= 0) {
            llr_fail(e, LLR_EIO, "%s: no reply within %g s (the process "
                                    "stalls)", c->cmd, c->timeout);
            goto done;
        }
        struct pollfd p[2] = {{c->out, POLLIN, 0},
                              {c->in, want ? POLLOUT : 0, 0}};
        int r = poll(p, want ? 2 : 1, (int)(left * 1000) + 1);
        if (r < 0 && errno != EINTR) {
            llr_fail(e, LLR_EIO, "%s: poll: %s", c->cmd, strerror(errno));
            goto done;
        }
        if (r <= 0)
            continue;
        if (want && p[1].revents) {
            ssize_t w = write(c->in, q[sent].line + wpos,
                              q[sent].len - wpos);
            if (w < 0 && errno != EAGAIN && errno != EINTR) {
                char st[96];
                int err = errno;
                exit_status(c, st, sizeof st);
                llr_fail(e, LLR_EIO, "%s: cannot send a request: %s%s",
                         c->cmd, strerror(err), st);
                goto done;
            }
            if (w > 0 && (wpos += (size_t)w) == q[sent].len) {
                wpos = 0;
                sent++;
                if ((uint64_t)(sent - got) > c->st.max_in_flight)
                    c->st.max_in_flight = (uint64_t)(sent - got);
                deadline = llr_clock_seconds() + c->timeout;
            }
        }
        if (p[0].revents && fill(c, 0, "reply", e) < 0)
            goto done;
    }
    rc = 0;
done:
    if (rc)
        c->dead = 1;
    return rc;
}

static void free_reqs(xreq *q, int n)
{
    for (int i = 0; q && i < n; i++)
        free(q[i].line);
    free(q);
}

/* A logits request for the cache nodes nodes[0..n) (their tokens from the
 * cache): version 2 batches them with an id; version 1 asks one prefix. */
static int logits_request(child *c, const int64_t *nodes, int n, xreq *q,
                          llr_error *e)
{
    size_t ntok = 0;
    for (int i = 0; i < n; i++)
        ntok += (size_t)c->cache.len[nodes[i]];
    if (reserve((void **)&c->tok, &c->tokcap, ntok + 1, sizeof *c->tok, e) ||
        reserve((void **)&c->off, &c->offcap, (size_t)n + 1, sizeof *c->off,
                e))
        return -1;
    c->off[0] = 0;
    for (int i = 0; i < n; i++)
        c->off[i + 1] = c->off[i] +
                        llr_pcache_tokens(&c->cache, nodes[i],
                                          c->tok + c->off[i]);
    memset(q, 0, sizeof *q);
    q->kind = X_LOGITS;
    q->n = n;
    q->nodes = nodes;
    if (c->g.version >= 2) {
        q->id = c->next_id++;
        q->line = llr_proto_format_logits_request(q->id, c->tok, c->off, n);
    } else
        q->line = llr_proto_format_request(c->tok, c->off[1]);
    if (!q->line)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    q->len = strlen(q->line);
    return 0;
}

static int ex_root(const llr_model *m, void *state, llr_error *e)
{
    (void)m, (void)e;
    *(int64_t *)state = 0;
    return 0;
}

static int ex_step(const llr_model *m, const void *state, int t, int tok,
                   void *next, llr_error *e)
{
    (void)t;
    child *c = impl(m);
    pthread_mutex_lock(&c->lock);
    int64_t n = llr_pcache_child(&c->cache, *(const int64_t *)state, tok, 1,
                                 e);
    pthread_mutex_unlock(&c->lock);
    if (n < 0)
        return -1;
    *(int64_t *)next = n;
    return 0;
}

static int ex_logits(const llr_model *m, const void *state, int t,
                     double *out, llr_error *e)
{
    (void)t;
    child *c = impl(m);
    int64_t node = *(const int64_t *)state;
    pthread_mutex_lock(&c->lock);
    int rc = 0;
    const double *a = llr_pcache_get(&c->cache, node);
    if (a) {
        memcpy(out, a, (size_t)m->V * sizeof *out);
        c->st.cache_hits++;
    } else {
        xreq q = {0};
        llr_pcache_room(&c->cache, 1);
        rc = logits_request(c, &node, 1, &q, e);
        if (rc == 0) {
            q.out = out;
            rc = exchange(c, &q, 1, e);
        }
        free(q.line);
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

/* Version 2: the prefixes not cached yet, in requests of at most
 * LLR_PREFETCH_MAX prefixes and about PLAN_BYTES, several in flight. */
static int ex_prefetch(const llr_model *m, const int *tok, const int *off,
                       int n, llr_error *e)
{
    child *c = impl(m);
    pthread_mutex_lock(&c->lock);
    int rc = 0, k = 0;
    xreq *q = NULL;
    int nq = 0;
    if (c->g.version < 2)
        goto done;
    if (reserve((void **)&c->nodes, &c->nodecap, (size_t)n + 1,
                sizeof *c->nodes, e)) {
        rc = -1;
        goto done;
    }
    uint64_t stamp = ++c->stamp;
    for (int i = 0; i < n; i++) {
        int len = off[i + 1] - off[i];
        if (len < 0 || len >= m->T) {
            rc = llr_fail(e, LLR_EUSAGE,
                          "prefetch: prefix %d has length %d, outside [0, "
                             "%d]", i, len, m->T - 1);
            goto done;
        }
        for (int s = 0; s < len; s++)
            if (tok[off[i] + s] < 0 || tok[off[i] + s] >= m->V) {
                rc = llr_fail(e, LLR_EUSAGE,
                              "prefetch: prefix %d token %d is outside [0, "
                                 "%d]", i, s, m->V - 1);
                goto done;
            }
        int64_t v = llr_pcache_node(&c->cache, tok + off[i], len, e);
        if (v < 0) {
            rc = -1;
            goto done;
        }
        if (llr_pcache_get(&c->cache, v) || c->cache.mark[v] == stamp)
            continue;
        c->cache.mark[v] = stamp;
        c->nodes[k++] = v;
    }
    /* What the cache cannot hold beside the answers in use is left to
     * single requests later. */
    if ((size_t)k > c->cache.valmax / 2)
        k = (int)(c->cache.valmax / 2);
    /* Groups that fit in the cache together; requests within a group. */
    size_t vec = (size_t)m->V * 26 + 8, per = PLAN_BYTES / vec;
    if (per < 1)
        per = 1;
    if (per > LLR_PREFETCH_MAX)
        per = LLR_PREFETCH_MAX;
    size_t group = c->cache.valmax;
    for (int at = 0; rc == 0 && at < k;) {
        int gn = (size_t)(k - at) < group ? k - at : (int)group;
        llr_pcache_room(&c->cache, (size_t)gn);
        nq = (int)((gn + per - 1) / per);
        q = calloc((size_t)nq, sizeof *q);
        if (!q) {
            rc = llr_fail(e, LLR_ENOMEM, "out of memory");
            break;
        }
        for (int r = 0; rc == 0 && r < nq; r++) {
            int b = at + r * (int)per;
            int cnt = b + (int)per <= at + gn ? (int)per : at + gn - b;
            rc = logits_request(c, c->nodes + b, cnt, &q[r], e);
        }
        if (rc == 0)
            rc = exchange(c, q, nq, e);
        free_reqs(q, nq);
        q = NULL;
        at += gn;
    }
done:
    pthread_mutex_unlock(&c->lock);
    return rc;
}

/* Sequences a sample request carries (about PLAN_BYTES of reply). */
static size_t samples_per_request(int T)
{
    size_t per = PLAN_BYTES / ((size_t)T * 40 + 8);
    if (per < 1)
        per = 1;
    if (per > LLR_PROTO_MAX_SAMPLES)
        per = LLR_PROTO_MAX_SAMPLES;
    return per;
}

/* llr_exec_sample with the lock held and its arguments checked. */
static int sample_requests(child *c, const llr_model *m, uint64_t seed,
                           uint64_t skip, int n, int *seq, double *logp,
                           llr_error *e)
{
    size_t per = samples_per_request(m->T);
    int nq = (int)(((size_t)n + per - 1) / per), rc = 0;
    xreq *q = calloc((size_t)nq, sizeof *q);
    if (!q)
        rc = llr_fail(e, LLR_ENOMEM, "out of memory");
    for (int r = 0; rc == 0 && r < nq; r++) {
        size_t b = (size_t)r * per;
        int cnt = b + per <= (size_t)n ? (int)per : (int)((size_t)n - b);
        q[r] = (xreq){NULL, 0, c->next_id++, X_SAMPLE, cnt, NULL, NULL,
                      seq + b * m->T, logp + b * m->T, NULL};
        q[r].line = llr_proto_format_sample_request(q[r].id, cnt, seed,
                                                    skip + b);
        if (!q[r].line)
            rc = llr_fail(e, LLR_ENOMEM, "out of memory");
        else
            q[r].len = strlen(q[r].line);
    }
    if (rc == 0)
        rc = exchange(c, q, nq, e);
    free_reqs(q, nq);
    return rc;
}

int llr_exec_sample(const llr_model *m, uint64_t seed, uint64_t skip, int n,
                    int *seq, double *logp, llr_error *e)
{
    if (!llr_exec_stats_of(m, NULL))
        return llr_fail(e, LLR_EUSAGE, "sample requests go to a model "
                                       "behind a process");
    child *c = impl(m);
    if (!c->g.sample)
        return llr_fail(e, LLR_EUSAGE,
                        "%s: the server does not answer sample requests "
                           "(protocol version %d%s)", c->cmd, c->g.version,
                        c->g.version >= 2 ? "; its greeting does not list "
                                            "\"sample\"" : "");
    if (n < 0 || skip > (uint64_t)LLR_PROTO_MAX_SKIP - (uint64_t)n)
        return llr_fail(e, LLR_EUSAGE,
                        "sample: n must be >= 0 and skip + n at most "
                           "2^53 - 1");
    if (n == 0)
        return 0;
    pthread_mutex_lock(&c->lock);
    int rc = sample_requests(c, m, seed, skip, n, seq, logp, e);
    pthread_mutex_unlock(&c->lock);
    return rc;
}

/* Advance g past k sequences of length T: k T draws, one per token. */
static void skip_draws(llr_prng *g, long long k, int T)
{
    for (long long d = 0; d < k * T; d++)
        (void)llr_prng_next(g);
}

int llr_exec_sample_stream(const llr_model *m, llr_prng *g, int n, int *seq,
                           double *logp, llr_error *e)
{
    if (llr_exec_sample(m, g->state, 0, n, seq, logp, e))
        return -1;
    skip_draws(g, n, m->T);
    return 0;
}

/* The sample operation (main's signature): llr_exec_sample_stream with one
 * sequence, answered from the sequences fetched ahead when g is at the
 * state the next of them starts from. A plan's sequences are fetched as
 * they are reached, WINDOW requests' worth at a time: each request asks
 * for sequences skip .. skip + n - 1 from the plan's state, which by the
 * protocol are the sequences that one-sequence requests from the states
 * the calls' generators reach would return. */
static int ex_sample(const llr_model *m, llr_prng *g, int *seq,
                     double *logp, llr_error *e)
{
    child *c = impl(m);
    int T = m->T, rc = 0;
    pthread_mutex_lock(&c->lock);
    if (c->sbuf_at == c->sbuf_n && c->plan_left > 0 &&
        c->plan_state == g->state) {
        long long k = (long long)(WINDOW * samples_per_request(T)), left;
        if (k > c->plan_left)
            k = c->plan_left;
        left = c->plan_left - k;
        c->sbuf_n = c->sbuf_at = 0;
        c->plan_left = 0; /* a failure ends the plan */
        if (reserve((void **)&c->sseq, &c->sseqcap, (size_t)k * T,
                    sizeof *c->sseq, e) ||
            reserve((void **)&c->slogp, &c->slogpcap, (size_t)k * T,
                    sizeof *c->slogp, e) ||
            sample_requests(c, m, g->state, 0, (int)k, c->sseq, c->slogp,
                            e))
            rc = -1;
        else {
            llr_prng p = *g;
            skip_draws(&p, k, T);
            c->sbuf_state = g->state;
            c->sbuf_n = (int)k;
            c->plan_state = p.state;
            c->plan_left = left;
        }
    }
    if (rc == 0 && c->sbuf_at < c->sbuf_n && c->sbuf_state == g->state) {
        size_t at = (size_t)c->sbuf_at++ * T;
        memcpy(seq, c->sseq + at, (size_t)T * sizeof *seq);
        memcpy(logp, c->slogp + at, (size_t)T * sizeof *logp);
        skip_draws(g, 1, T);
        c->sbuf_state = g->state;
    } else if (rc == 0) {
        /* Not planned: one sequence from g's state. */
        rc = sample_requests(c, m, g->state, 0, 1, seq, logp, e);
        if (rc == 0)
            skip_draws(g, 1, T);
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

/* Plan n sequences from g's state; they are fetched as ex_sample reaches
 * them (sequences fetched earlier and not drawn are dropped). */
static int ex_prefetch_samples(const llr_model *m, const llr_prng *g,
                               long long n, llr_error *e)
{
    (void)e;
    child *c = impl(m);
    pthread_mutex_lock(&c->lock);
    c->plan_state = g->state;
    c->plan_left = n > 0 ? n : 0;
    c->sbuf_n = c->sbuf_at = 0;
    pthread_mutex_unlock(&c->lock);
    return 0;
}

/* A topk call the protocol can carry. */
static int check_call(const llr_model *m, const llr_topk_call *c, int i,
                      llr_error *e)
{
    int kmax = m->V < LLR_PROTO_MAX_K ? m->V : LLR_PROTO_MAX_K;
    if (c->len < 0 || c->len >= m->T)
        return llr_fail(e, LLR_EUSAGE,
                        "topk call %d: prefix length %d is outside [0, %d]",
                        i, c->len, m->T - 1);
    for (int s = 0; s < c->len; s++)
        if (c->prefix[s] < 0 || c->prefix[s] >= m->V)
            return llr_fail(e, LLR_EUSAGE,
                            "topk call %d: prefix token %d is outside [0, "
                               "%d]", i, s, m->V - 1);
    if (c->k < 1 || c->k > kmax)
        return llr_fail(e, LLR_EUSAGE,
                        "topk call %d: k = %d is outside [1, %d]", i, c->k,
                        kmax);
    if (c->nbias < 0 || c->nbias > LLR_PROTO_MAX_BIAS)
        return llr_fail(e, LLR_EUSAGE,
                        "topk call %d: %d biased tokens; at most %d", i,
                        c->nbias, LLR_PROTO_MAX_BIAS);
    for (int q = 0; q < c->nbias; q++) {
        if (c->bias_tok[q] < 0 || c->bias_tok[q] >= m->V ||
            !(fabs(c->bias[q]) <= LLR_PROTO_MAX_BIAS_VALUE))
            return llr_fail(e, LLR_EUSAGE,
                            "topk call %d: bias %d needs a token in [0, %d] "
                               "and a finite bias within +-%g", i, q,
                            m->V - 1, LLR_PROTO_MAX_BIAS_VALUE);
        for (int r = 0; r < q; r++)
            if (c->bias_tok[r] == c->bias_tok[q])
                return llr_fail(e, LLR_EUSAGE,
                                "topk call %d biases token %d twice", i,
                                c->bias_tok[q]);
    }
    return 0;
}

int llr_exec_offers_topk(const llr_model *m)
{
    return llr_exec_stats_of(m, NULL) && impl(m)->g.topk;
}

int llr_exec_topk(const llr_model *m, llr_topk_call *calls, int n,
                  int round, llr_error *e)
{
    if (!llr_exec_stats_of(m, NULL))
        return llr_fail(e, LLR_EUSAGE, "topk requests go to a model behind "
                                       "a process");
    child *c = impl(m);
    if (!c->g.topk)
        return llr_fail(e, LLR_EUSAGE,
                        "%s: the server does not answer topk requests "
                           "(protocol version %d%s)", c->cmd, c->g.version,
                        c->g.version >= 2 ? "; its greeting does not list "
                                            "\"topk\"" : "");
    if (round < -1 || round > LLR_PROTO_MAX_ROUND)
        return llr_fail(e, LLR_EUSAGE, "topk: round %d is outside [-1, %d]",
                        round, LLR_PROTO_MAX_ROUND);
    for (int i = 0; i < n; i++)
        if (check_call(m, &calls[i], i, e))
            return -1;
    if (n <= 0)
        return 0;
    /* Requests of about PLAN_BYTES each way. */
    int rc = 0, nq = 0, cap = 0;
    xreq *q = NULL;
    pthread_mutex_lock(&c->lock);
    for (int at = 0; rc == 0 && at < n;) {
        size_t in = 0, outb = 0;
        int b = at;
        while (at < n && at - b < LLR_PROTO_MAX_BATCH) {
            size_t ci = (size_t)calls[at].len * 12 +
                        (size_t)calls[at].nbias * 40 + 64;
            size_t co = (size_t)calls[at].k * 40 + 64;
            if (at > b && (in + ci > PLAN_BYTES || outb + co > PLAN_BYTES))
                break;
            in += ci, outb += co;
            at++;
        }
        if (nq == cap) {
            cap = cap ? 2 * cap : 8;
            xreq *t = realloc(q, (size_t)cap * sizeof *q);
            if (!t) {
                rc = llr_fail(e, LLR_ENOMEM, "out of memory");
                break;
            }
            q = t;
        }
        q[nq] = (xreq){NULL, 0, c->next_id++, X_TOPK, at - b, NULL, NULL,
                       NULL, NULL, calls + b};
        q[nq].line = llr_proto_format_topk_request(q[nq].id, calls + b,
                                                   at - b, round);
        if (!q[nq++].line)
            rc = llr_fail(e, LLR_ENOMEM, "out of memory");
        else
            q[nq - 1].len = strlen(q[nq - 1].line);
    }
    if (rc == 0)
        rc = exchange(c, q, nq, e);
    free_reqs(q, nq);
    pthread_mutex_unlock(&c->lock);
    return rc;
}

int llr_exec_finish(const llr_model *m, llr_error *e)
{
    if (!llr_exec_stats_of(m, NULL))
        return 0;
    child *c = impl(m);
    pthread_mutex_lock(&c->lock);
    int rc = 0;
    if (c->in >= 0) {
        close(c->in);
        c->in = -1;
        /* Whatever it still writes before the end of its output answers
         * no request. */
        double deadline = llr_clock_seconds() + (c->timeout < 2 ? c->timeout
                                                                : 2);
        llr_error ignore;
        for (double left; !c->len &&
                          (left = deadline - llr_clock_seconds()) > 0;)
            if (fill(c, (int)(left * 1000) + 1, "end", &ignore) < 0)
                break;
        if (c->len)
            rc = quiet(c, e);
        c->dead = 1;
    }
    pthread_mutex_unlock(&c->lock);
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

/* Whether the group leader has exited (not reaped: while it is a zombie
 * its process group id cannot be reused). */
static int leader_exited(pid_t pid)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0
           && si.si_pid == pid;
}

/* End the child and every process of its group: close its stdin (which
 * asks it to exit) and wait up to half a second, then SIGTERM the group,
 * then SIGKILL it; processes the server left behind are ended too. */
static void stop(child *c)
{
    if (c->in >= 0)
        close(c->in);
    if (c->out >= 0)
        close(c->out);
    if (c->pid > 0) {
        int i = 0;
        for (; i < 50 && !leader_exited(c->pid); i++)
            usleep(10000);
        if (i == 50) {
            kill(-c->pid, SIGTERM);
            for (i = 0; i < 20 && !leader_exited(c->pid); i++)
                usleep(10000);
        } else
            kill(-c->pid, SIGTERM);
        usleep(1000);
        kill(-c->pid, SIGKILL);
        waitpid(c->pid, NULL, 0);
    }
    llr_pcache_free(&c->cache);
    pthread_mutex_destroy(&c->lock);
    free(c->buf), free(c->cmd), free(c->tmp), free(c->tok), free(c->off);
    free(c->nodes), free(c->sseq), free(c->slogp);
    free(c);
}

static void ex_destroy(llr_model *m)
{
    stop(impl(m));
    free(m);
}

/* Version 1: logits only; version 2: prefetch too; v2s: and samples. */
static const llr_model_ops exec_ops_v1 = {
    "exec", ex_root, ex_step, ex_logits, ex_save, ex_destroy, NULL, NULL,
    NULL,
    llr_model_fork_none,
};
static const llr_model_ops exec_ops_v2 = {
    "exec", ex_root, ex_step, ex_logits, ex_save, ex_destroy, NULL,
    ex_prefetch, NULL,
    llr_model_fork_none,
};
static const llr_model_ops exec_ops_v2s = {
    "exec", ex_root, ex_step, ex_logits, ex_save, ex_destroy, ex_sample,
    ex_prefetch, ex_prefetch_samples,
    llr_model_fork_none,
};

int llr_exec_stats_of(const llr_model *m, llr_exec_stats *out)
{
    if (m->ops != &exec_ops_v1 && m->ops != &exec_ops_v2 &&
        m->ops != &exec_ops_v2s)
        return 0;
    if (out) {
        child *c = impl(m);
        pthread_mutex_lock(&c->lock);
        *out = c->st;
        out->distinct = c->cache.distinct;
        out->flushes = c->cache.flushes;
        pthread_mutex_unlock(&c->lock);
    }
    return 1;
}

/* A number from the environment variable name: *out unchanged when it
 * is not set; an error when it is not a plain number in (0, hi] ([0, hi]
 * when zero_ok): no infinity, no NaN, no surrounding text. */
static int env_number(const char *name, int zero_ok, double hi, double *out,
                      llr_error *e)
{
    const char *s = getenv(name);
    if (!s)
        return 0;
    char *end = NULL;
    errno = 0;
    double v = s[0] && !isspace((unsigned char)s[0]) ? strtod(s, &end) : NAN;
    if (isnan(v) || *end || errno || v > hi || v < 0 || (v == 0 && !zero_ok))
        return llr_fail(e, LLR_EUSAGE,
                        "%s='%.64s' is not a number in %s0, %.7g] (%s)",
                        name, s, zero_ok ? "[" : "(", hi,
                        zero_ok ? "MiB" : "seconds; there is no infinite "
                                          "timeout");
    *out = v;
    return 0;
}

int llr_exec_open(const char *command, llr_model **out, llr_error *e)
{
    *out = NULL;
    double timeout = 30, cache_mb = 1024;
    if (env_number("LLR_EXEC_TIMEOUT", 0, 1e6, &timeout, e) ||
        env_number("LLR_EXEC_CACHE_MB", 1, 1 << 20, &cache_mb, e))
        return llr_fail_prefix(e, "exec:%s", command);
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
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(pin[0]), close(pin[1]), close(pout[0]), close(pout[1]);
        return llr_fail(e, LLR_EIO,
                        "exec:%s: fork: %s", command, strerror(errno));
    }
    if (pid == 0) {
        /* A process group of its own, signalled as a whole; ended if llr
         * dies first. */
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);
        dup2(pin[0], 0);
        dup2(pout[1], 1);
        close(pin[0]), close(pin[1]), close(pout[0]), close(pout[1]);
        signal(SIGPIPE, SIG_DFL);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    /* Also here, so that the group exists before any signal to it. */
    setpgid(pid, pid);
    close(pin[0]);
    close(pout[1]);
    fcntl(pin[1], F_SETFD, FD_CLOEXEC);
    fcntl(pout[0], F_SETFD, FD_CLOEXEC);
    fcntl(pin[1], F_SETFL, fcntl(pin[1], F_GETFL) | O_NONBLOCK);
    child *c = calloc(1, sizeof *c);
    size_t cl = strlen(command) + 6;
    char *name = malloc(cl);
    if (!c || !name) {
        free(c), free(name);
        close(pin[1]), close(pout[0]);
        kill(-pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    snprintf(name, cl, "exec:%s", command);
    c->pid = pid, c->in = pin[1], c->out = pout[0], c->cmd = name;
    c->timeout = timeout;
    c->next_id = 1;
    pthread_mutex_init(&c->lock, NULL);
    size_t len = 0;
    if (read_greeting(c, &len, e) ||
        (llr_proto_greeting(c->buf, len, &c->g, e) &&
         llr_fail_prefix(e, "%s", c->cmd))) {
        stop(c);
        return -1;
    }
    consume(c, len);
    size_t vals = (size_t)(cache_mb * 1048576.0 /
                           ((double)c->g.V * sizeof(double)));
    llr_model *m = calloc(1, sizeof *m);
    if (!m || llr_pcache_init(&c->cache, c->g.V, vals, e)) {
        free(m);
        stop(c);
        return m ? -1 : llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    const llr_model_ops *ops = c->g.version < 2 ? &exec_ops_v1
                               : c->g.sample     ? &exec_ops_v2s
                                                 : &exec_ops_v2;
    c->st.version = c->g.version;
    *m = (llr_model){ops, c->g.V, c->g.T, 0, sizeof(int64_t), c, NULL, 0};
    *out = m;
    return 0;
}
