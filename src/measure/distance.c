#include "measure/distance.h"
#include "kernels/confidence.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/divergence.h"
#include "base/prefix.h"
#include "kernels/softmax.h"

#ifdef __FRAMAC__ /* ACSL logic (spec/): seen by Frama-C only */
#include "../../spec/exact.acsl"
#include "../../spec/tv.acsl"
#endif

int llr_distance_compatible(const llr_model *P, const llr_model *Q,
                            llr_error *e)
{
    if (P->V != Q->V || P->T != Q->T)
        return llr_fail(e, LLR_EINPUT,
                        "the models differ in shape: V=%d, T=%d against "
                        "V=%d, T=%d",
                        P->V, P->T, Q->V, Q->T);
    return 0;
}

/* What part of the exact walk adds up: the nodes above the split depth,
 * or one subtree below it. */
typedef struct walk_acc {
    double tele, kl, mass_p, mass_q;
    double sum;            /* a subtree's sum_y |P(y) - Q(y)| */
    double wp, wq;         /* a subtree's root's path probabilities */
    int live;              /* the subtree is walked (not underflowed) */
    uint64_t prefixes;
    double *step;          /* NULL or T entries: step_tv's terms */
} walk_acc;

/* Buffers of the exact walk: per depth t, both models' states and their
 * conditionals. */
typedef struct walk {
    const llr_model *P, *Q;
    int V, T;
    void *sp, *sq;         /* T states each */
    double *p, *q;         /* T x V probabilities */
    double *lp, *lq;       /* V log-probabilities (scratch) */
    walk_acc *a;           /* where the present node adds up */
    walk_acc *top, *sub;   /* above the split; per subtree (V^split) */
    int split;             /* the depth of the subtrees' roots (0: none) */
    int record;            /* 1: at the split, note the subtree, do not
                            * walk it (the threads walk it) */
    uint64_t leaves_done, leaves_total;
    const llr_progress *progress;
    const llr_distance_hooks *hooks;
    int *tok;              /* the current prefix */
    llr_error *e;
    int batch, levels;     /* prefetching: see walk_prefetch */
    int *gtok, *goff;      /* its gathered prefixes */
} walk;

/* Models that fetch answers in batches (llr_model_batch > 0: a model
 * behind a process) get each block of `levels` tree levels below a node
 * asked at once, at most `batch` prefixes: the blocks are aligned on the
 * last level, so that the root's block takes (T - 1) % levels + 1 levels
 * and the nodes at depths t with (T - t) % levels == 0 take `levels`.
 * When not even a node and its V children fit (levels 1), each node asks
 * for its children instead (the root for itself too). Answers do not
 * depend on it. */
static int walk_prefetch(walk *w, int t)
{
    int V = w->V, T = w->T, n = 0;
    w->goff[0] = 0;
    if (w->levels == 1) {
        if (t == 0)
            w->goff[++n] = 0;
        for (int z = 0; t + 1 < T && z < V; z++, n++) {
            int at = w->goff[n];
            memcpy(w->gtok + at, w->tok, (size_t)t * sizeof *w->tok);
            w->gtok[at + t] = z;
            w->goff[n + 1] = at + t + 1;
        }
    } else if (!t || (T - t) % w->levels == 0) {
        int L = t ? w->levels : (T - 1) % w->levels + 1;
        for (int lev = 0; lev < L; lev++) {
            int *x = w->tok + t;
            for (int i = 0; i < lev; i++)
                x[i] = 0;
            do {
                int at = w->goff[n];
                memcpy(w->gtok + at, w->tok,
                       (size_t)(t + lev) * sizeof *w->tok);
                w->goff[++n] = at + t + lev;
            } while (llr_prefix_next(x, lev, V));
        }
    }
    return llr_model_prefetch(w->P, w->gtok, w->goff, n, w->e) ||
           llr_model_prefetch(w->Q, w->gtok, w->goff, n, w->e);
}

/* The leaves below a node of depth T-1 reached with path probabilities wp
 * (under P) and wq (under Q), whose children have conditionals p and q:
 * adds each leaf's probability to *mass_p and *mass_q and returns
 * sum_z |wp p_z - wq q_z|, left to right.
 * Proved (proofs/plan.tsv): memory safety, assigns and termination in the
 * IEEE model; the LLR_EXACT clauses (spec/tv.acsl) in the real model. */
/*@ requires V >= 0;
    requires \valid_read(p + (0 .. V - 1));
    requires \valid_read(q + (0 .. V - 1));
    requires \valid(mass_p) && \valid(mass_q);
    requires \separated(mass_p, mass_q);
    requires \separated(mass_p, p + (0 .. V - 1), q + (0 .. V - 1));
    requires \separated(mass_q, p + (0 .. V - 1), q + (0 .. V - 1));
    assigns *mass_p, *mass_q;
    LLR_EXACT(ensures exact: leaf_tv:
        \result == llr_leaf_tv{Pre}(p, q, wp, wq, V);)
    LLR_EXACT(ensures exact: mass:
        *mass_p == \old(*mass_p) + llr_scaled_sum{Pre}(p, wp, V) &&
        *mass_q == \old(*mass_q) + llr_scaled_sum{Pre}(q, wq, V);)
*/
static double leaf_sum(const double *p, const double *q, int V, double wp,
                       double wq, double *mass_p, double *mass_q)
{
    double sum = 0.0, mp = *mass_p, mq = *mass_q;
    /*@ loop invariant 0 <= z <= V;
        LLR_EXACT(loop invariant exact:
            sum == llr_leaf_tv(p, q, wp, wq, z);)
        LLR_EXACT(loop invariant exact:
            mp == \at(*mass_p, Pre) + llr_scaled_sum(p, wp, z);)
        LLR_EXACT(loop invariant exact:
            mq == \at(*mass_q, Pre) + llr_scaled_sum(q, wq, z);)
        loop assigns z, sum, mp, mq;
        loop variant V - z;
    */
    for (int z = 0; z < V; z++) {
        double a = wp * p[z], b = wq * q[z];
        mp += a;
        mq += b;
        sum += fabs(a - b);
    }
    *mass_p = mp;
    *mass_q = mq;
    return sum;
}

/* A safety net: llr_log_softmax keeps the probabilities of any finite
 * logits summing to 1 within a few V ulps (it once lost the normalisation
 * near 1e20, where tied tokens each got probability 1, and TV came out
 * above 1). A distribution whose sum is off by more than 1e-6 makes every
 * TV computed from it wrong, and is refused. */
static int check_mass(const double *p, int V, const char *which, int t,
                      llr_error *e)
{
    double s = 0.0;
    for (int z = 0; z < V; z++)
        s += p[z];
    if (!(fabs(s - 1.0) <= 1e-6))
        return llr_fail(e, LLR_EINPUT,
                        "%s: the next-token probabilities at a prefix of "
                        "length %d sum to %.17g, not 1: its logits are too "
                        "large for double precision, and no distance "
                        "computed from them would be right",
                        which, t, s);
    return 0;
}

/* Sum over the leaves below prefix h (length t, path probabilities wp, wq)
 * of |P(y) - Q(y)|; -1 on error (reported in w->e). */
static double walk_node(walk *w, int t, double wp, double wq)
{
    int V = w->V;
    void *sp = llr_model_state_at(w->P, w->sp, t);
    void *sq = llr_model_state_at(w->Q, w->sq, t);
    double *p = w->p + (size_t)t * V, *q = w->q + (size_t)t * V;
    if ((w->batch && walk_prefetch(w, t)) ||
        w->P->ops->logits(w->P, sp, t, p, w->e) ||
        w->Q->ops->logits(w->Q, sq, t, q, w->e))
        return -1;
    w->a->prefixes++;
    llr_log_softmax(p, V, w->lp);
    llr_log_softmax(q, V, w->lq);
    for (int z = 0; z < V; z++) {
        p[z] = exp(w->lp[z]);
        q[z] = exp(w->lq[z]);
    }
    if (check_mass(p, V, "the first model", t, w->e) ||
        check_mass(q, V, "the second model", t, w->e))
        return -1;
    double tv = llr_tv_prob(p, q, V);
    w->a->tele += wp * tv;
    if (w->a->step)
        w->a->step[t] += wp * tv;
    if (w->hooks && w->hooks->prefix)
        w->hooks->prefix(w->hooks->ctx, w->tok, t, wp, tv);
    w->a->kl += wp * llr_kl_logprob(p, w->lp, w->lq, V);
    double sum = 0.0;
    if (t == w->T - 1) {
        sum = leaf_sum(p, q, V, wp, wq, &w->a->mass_p, &w->a->mass_q);
        w->leaves_done += (uint64_t)V;
        if (w->progress && w->progress->fn &&
            (w->leaves_done & 0xfffff) < (uint64_t)V)
            w->progress->fn(w->progress->ctx,
                            (double)w->leaves_done / (double)w->leaves_total);
        return sum;
    }
    void *np = llr_model_state_at(w->P, w->sp, t + 1);
    void *nq = llr_model_state_at(w->Q, w->sq, t + 1);
    uint64_t first = 0; /* the index of child 0's subtree, at the split */
    if (t + 1 == w->split)
        for (int i = 0; i < t; i++)
            first = first * (uint64_t)V + (uint64_t)w->tok[i];
    for (int z = 0; z < V; z++) {
        double cp = wp * p[z], cq = wq * q[z];
        walk_acc *child = t + 1 == w->split
                              ? &w->sub[first * (uint64_t)V + (uint64_t)z]
                              : NULL;
        if (child)
            child->wp = cp, child->wq = cq;
        if (cp == 0.0 && cq == 0.0) {
            /* Both path probabilities underflowed: the subtree adds 0. */
            uint64_t below;
            llr_prefix_count((uint64_t)V, (uint64_t)(w->T - 1 - t), UINT64_MAX >> 1,
                             &below);
            w->leaves_done += below;
            continue;
        }
        if (child)
            child->live = 1;
        if (child && w->record)
            continue; /* walked by a thread; summed by walk_reduce */
        if (w->P->ops->step(w->P, sp, t, z, np, w->e) ||
            w->Q->ops->step(w->Q, sq, t, z, nq, w->e))
            return -1;
        w->tok[t] = z;
        walk_acc *above = w->a;
        if (child)
            w->a = child;
        double s = walk_node(w, t + 1, cp, cq);
        w->a = above;
        if (s < 0)
            return -1;
        if (child)
            child->sum = s;
        sum += s;
    }
    return sum;
}

/* The sum walk_node(root) returns, from the subtrees' sums: the same
 * additions in the same order (each node adds its children's sums left to
 * right from 0; an underflowed subtree's 0 changes nothing), level by
 * level up from the split. */
static double walk_reduce(walk *w)
{
    uint64_t n = 1;
    for (int i = 0; i < w->split; i++)
        n *= (uint64_t)w->V;
    double *s = malloc((size_t)n * sizeof *s);
    if (!s)
        return -1;
    for (uint64_t i = 0; i < n; i++)
        s[i] = w->sub[i].live ? w->sub[i].sum : 0.0;
    for (int lev = w->split; lev > 0; lev--) {
        n /= (uint64_t)w->V;
        for (uint64_t i = 0; i < n; i++) {
            double sum = 0.0;
            for (int z = 0; z < w->V; z++)
                sum += s[i * (uint64_t)w->V + (uint64_t)z];
            s[i] = sum;
        }
    }
    double r = s[0];
    free(s);
    return r;
}

/* The smaller nonzero batch of two models (0: neither batches). */
static int batch_of(const llr_model *P, const llr_model *Q)
{
    int a = llr_model_batch(P), b = llr_model_batch(Q);
    return !a ? b : !b ? a : a < b ? a : b;
}

/* Set up walk_prefetch: levels = the most whose subtree (1 + V + ... +
 * V^(levels-1) prefixes) fits in the batch, at least 1. */
static int walk_batching(walk *w, llr_error *e)
{
    w->batch = batch_of(w->P, w->Q);
    if (!w->batch)
        return 0;
    uint64_t size = 1, row = 1;
    w->levels = 1;
    while (w->levels < w->T &&
           size + row * (uint64_t)w->V <= (uint64_t)w->batch) {
        row *= (uint64_t)w->V;
        size += row;
        w->levels++;
    }
    if (w->levels == 1)
        size = (uint64_t)w->V + 1; /* a node's children, and the root */
    w->batch = (int)size;
    w->gtok = malloc(((size_t)size * w->T + 1) * sizeof *w->gtok);
    w->goff = malloc(((size_t)size + 1) * sizeof *w->goff);
    if (!w->gtok || !w->goff)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    return 0;
}

/* A walk's buffers for models P and Q (states, conditionals, a prefix);
 * -1 out of memory. */
static int walk_alloc(walk *w, const llr_model *P, const llr_model *Q)
{
    w->P = P, w->Q = Q, w->V = P->V, w->T = P->T;
    w->sp = llr_model_states(P, P->T);
    w->sq = llr_model_states(Q, Q->T);
    w->p = malloc((size_t)P->T * P->V * sizeof(double));
    w->q = malloc((size_t)P->T * P->V * sizeof(double));
    w->lp = malloc((size_t)P->V * sizeof(double));
    w->lq = malloc((size_t)P->V * sizeof(double));
    w->tok = malloc((size_t)P->T * sizeof *w->tok);
    return !w->sp || !w->sq || !w->p || !w->q || !w->lp || !w->lq || !w->tok
               ? -1
               : 0;
}

static void walk_release(walk *w)
{
    free(w->sp), free(w->sq), free(w->p), free(w->q), free(w->lp);
    free(w->lq), free(w->tok), free(w->gtok), free(w->goff);
}

/* The subtrees the threads share: handed out in index order. */
typedef struct walk_pool {
    walk *main;            /* the top walk: split, sub, leaves_total */
    uint64_t n, next;      /* subtrees; the next one to hand out */
    uint64_t failed;       /* the lowest failed subtree (n: none) */
    llr_error err;         /* its error */
    uint64_t leaves_done;
    uint64_t below;        /* leaves per subtree */
    pthread_mutex_t mu;
} walk_pool;

typedef struct walk_thread {
    walk_pool *pool;
    const llr_model *P, *Q; /* this thread's models */
    llr_model *ownp, *ownq; /* forks to free */
    walk w;
    llr_error e;
    pthread_t id;
    int started;
} walk_thread;

/* Walk subtree i (its root at depth split) with thread th's models. */
static int walk_subtree(walk_thread *th, uint64_t i)
{
    walk *w = &th->w, *m = th->pool->main;
    int D = m->split, V = m->V;
    walk_acc *acc = &m->sub[i];
    for (int k = D - 1; k >= 0; k--, i /= (uint64_t)V)
        w->tok[k] = (int)(i % (uint64_t)V);
    if (w->P->ops->root(w->P, w->sp, w->e) ||
        w->Q->ops->root(w->Q, w->sq, w->e))
        return -1;
    for (int t = 0; t < D; t++)
        if (w->P->ops->step(w->P, llr_model_state_at(w->P, w->sp, t), t,
                            w->tok[t], llr_model_state_at(w->P, w->sp, t + 1),
                            w->e) ||
            w->Q->ops->step(w->Q, llr_model_state_at(w->Q, w->sq, t), t,
                            w->tok[t], llr_model_state_at(w->Q, w->sq, t + 1),
                            w->e))
            return -1;
    w->a = acc;
    double s = walk_node(w, D, acc->wp, acc->wq);
    if (s < 0)
        return -1;
    acc->sum = s;
    return 0;
}

static void *walk_worker(void *arg)
{
    walk_thread *th = arg;
    walk_pool *pl = th->pool;
    for (;;) {
        pthread_mutex_lock(&pl->mu);
        /* Subtrees after a failed one are not started, those before it
         * all are: the error reported is the first in index order. */
        while (pl->next < pl->failed && !pl->main->sub[pl->next].live)
            pl->next++;
        uint64_t i = pl->next < pl->failed ? pl->next++ : pl->n;
        pthread_mutex_unlock(&pl->mu);
        if (i >= pl->n)
            break;
        int rc = walk_subtree(th, i);
        pthread_mutex_lock(&pl->mu);
        if (rc && i < pl->failed)
            pl->failed = i, pl->err = th->e;
        pl->leaves_done += pl->below;
        const llr_progress *pr = pl->main->progress;
        if (!rc && pr && pr->fn)
            pr->fn(pr->ctx, (double)pl->leaves_done /
                                (double)pl->main->leaves_total);
        pthread_mutex_unlock(&pl->mu);
    }
    return NULL;
}

/* The split depth: the least whose V^split subtrees number at least
 * LLR_EXACT_SUBTREES, at most T - 1 (the same for every thread count). */
static int split_depth(int V, int T)
{
    int D = 0;
    uint64_t n = 1;
    while (D < T - 1 && n < LLR_EXACT_SUBTREES)
        n *= (uint64_t)V, D++;
    return D;
}

/* Walk the subtrees of w's split with `threads` threads (w's models and
 * forks of them); 0, or -1 with e set. */
static int walk_parallel(walk *w, int threads, llr_error *e)
{
    walk_pool pl = {0};
    pl.main = w;
    pl.n = 1;
    for (int i = 0; i < w->split; i++)
        pl.n *= (uint64_t)w->V;
    pl.failed = pl.n;
    pl.below = w->leaves_total / pl.n;
    pl.leaves_done = 0;
    if ((uint64_t)threads > pl.n)
        threads = (int)pl.n;
    walk_thread *th = calloc((size_t)threads, sizeof *th);
    if (!th)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    if (pthread_mutex_init(&pl.mu, NULL)) {
        free(th);
        return llr_fail(e, LLR_ENOMEM, "cannot make a mutex");
    }
    int rc = 0, k;
    for (k = 0; k < threads && !rc; k++) {
        walk_thread *t = &th[k];
        t->pool = &pl;
        if (llr_model_fork(w->P, &t->P, &t->ownp, e) ||
            llr_model_fork(w->Q, &t->Q, &t->ownq, e) ||
            walk_alloc(&t->w, t->P, t->Q)) {
            if (t->P && t->Q)
                llr_fail(e, LLR_ENOMEM, "out of memory");
            rc = -1;
            break;
        }
        t->w.e = &t->e;
        t->w.leaves_total = w->leaves_total;
    }
    for (k = 1; k < threads && !rc; k++)
        th[k].started = pthread_create(&th[k].id, NULL, walk_worker,
                                       &th[k]) == 0;
    if (!rc)
        walk_worker(&th[0]); /* the calling thread works too */
    for (k = 1; k < threads; k++)
        if (th[k].started)
            pthread_join(th[k].id, NULL);
    if (!rc && pl.failed < pl.n) {
        *e = pl.err;
        rc = -1;
    }
    for (k = 0; k < threads; k++) {
        walk_release(&th[k].w);
        llr_model_free(th[k].ownp);
        llr_model_free(th[k].ownq);
    }
    pthread_mutex_destroy(&pl.mu);
    free(th);
    return rc;
}

/* How many threads may walk P against Q: 1 when either must stay on one
 * thread (a process) or a prefix hook wants the nodes in order. */
static int threads_for(const llr_model *P, const llr_model *Q,
                       const llr_distance_opts *o)
{
    if (o->threads <= 1 || (o->hooks && o->hooks->prefix) ||
        (P->ops->fork && P->ops->fork == llr_model_fork_none) ||
        (Q->ops->fork && Q->ops->fork == llr_model_fork_none))
        return 1;
    return o->threads;
}

int llr_distance_exact(const llr_model *P, const llr_model *Q,
                       const llr_distance_opts *o, llr_exact *out,
                       llr_error *e)
{
    uint64_t max_leaves = o->max_leaves;
    const llr_distance_hooks *hooks = o->hooks;
    memset(out, 0, sizeof *out);
    if (llr_distance_compatible(P, Q, e))
        return -1;
    uint64_t leaves;
    if (max_leaves > (UINT64_MAX >> 1))
        max_leaves = UINT64_MAX >> 1;
    if (llr_prefix_count((uint64_t)P->V, (uint64_t)P->T, max_leaves, &leaves))
        return llr_fail(e, LLR_EBUDGET,
                        "exact TV enumerates V^T = %d^%d sequences, more "
                        "than the limit %llu; use Monte Carlo instead",
                        P->V, P->T, (unsigned long long)max_leaves);
    int T = P->T, threads = threads_for(P, Q, o);
    walk w = {0};
    walk_acc top = {0};
    w.leaves_total = leaves;
    w.progress = o->progress;
    w.hooks = hooks;
    w.e = e;
    w.split = split_depth(P->V, T);
    w.record = threads > 1 && w.split > 0;
    w.top = w.a = &top;
    uint64_t nsub = 1;
    for (int i = 0; i < w.split; i++)
        nsub *= (uint64_t)P->V;
    int rc = -1;
    double *steps = NULL;
    if (hooks && hooks->step_tv)
        memset(hooks->step_tv, 0, (size_t)T * sizeof *hooks->step_tv);
    w.sub = calloc((size_t)nsub, sizeof *w.sub);
    if (hooks && hooks->step_tv)
        steps = calloc((size_t)(nsub + 1) * T, sizeof *steps);
    if (walk_alloc(&w, P, Q) || !w.sub || (hooks && hooks->step_tv && !steps)) {
        llr_fail(e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    if (steps) {
        top.step = steps;
        for (uint64_t i = 0; i < nsub; i++)
            w.sub[i].step = steps + (i + 1) * (size_t)T;
    }
    if (walk_batching(&w, e))
        goto done;
    if (P->ops->root(P, w.sp, e) || Q->ops->root(Q, w.sq, e))
        goto done;
    double s = walk_node(&w, 0, 1.0, 1.0);
    if (s < 0)
        goto done;
    if (w.record) {
        if (walk_parallel(&w, threads, e))
            goto done;
        s = walk_reduce(&w);
        if (s < 0) {
            llr_fail(e, LLR_ENOMEM, "out of memory");
            goto done;
        }
    }
    /* The totals: the nodes above the split, then each subtree in index
     * order (the same for any thread count). */
    walk_acc sum = top;
    for (uint64_t i = 0; i < nsub; i++) {
        const walk_acc *a = &w.sub[i];
        sum.tele += a->tele, sum.kl += a->kl;
        sum.mass_p += a->mass_p, sum.mass_q += a->mass_q;
        sum.prefixes += a->prefixes;
        for (int t = 0; steps && t < T; t++)
            top.step[t] += a->step[t];
    }
    for (int t = 0; steps && t < T; t++)
        hooks->step_tv[t] = top.step[t];
    out->tv = 0.5 * s;
    out->telescoping = sum.tele;
    out->kl = sum.kl;
    out->mass_p = sum.mass_p;
    out->mass_q = sum.mass_q;
    out->leaves = leaves;
    out->prefixes = sum.prefixes;
    double n = (double)P->T * (P->V - 1) + P->T + 2;
    double g = llr_gamma(n);
    out->tv_err = g * (1 + g) * 0.5 * (sum.mass_p + sum.mass_q);
    rc = 0;
done:
    walk_release(&w);
    free(w.sub), free(steps);
    return rc;
}

int llr_distance_mc(const llr_model *P, const llr_model *Q,
                    const llr_distance_opts *o, llr_mc *out, llr_error *e)
{
    uint64_t n = o->samples, seed = o->seed;
    double delta = o->delta;
    const llr_progress *progress = o->progress;
    const llr_distance_hooks *hooks = o->hooks;
    memset(out, 0, sizeof *out);
    if (llr_distance_compatible(P, Q, e))
        return -1;
    if (n < 1)
        return llr_fail(e, LLR_EUSAGE,
                        "Monte Carlo needs at least one sample");
    if (!(delta > 0 && delta < 1))
        return llr_fail(e, LLR_EUSAGE,
                        "confidence parameter delta %g is outside (0, 1)",
                        delta);
    int V = P->V, T = P->T;
    void *sp = llr_model_states(P, 2), *sq = llr_model_states(Q, 2);
    double *buf = malloc(6 * (size_t)V * sizeof *buf);
    int *tok = malloc((size_t)T * sizeof *tok);
    int rc = -1;
    double *step = hooks ? hooks->step_tv : NULL;
    if (step)
        memset(step, 0, (size_t)T * sizeof *step);
    if (!sp || !sq || !buf || !tok) {
        llr_fail(e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    double *lp = buf, *lq = buf + V, *pp = buf + 2 * V, *qq = buf + 3 * V,
           *work = buf + 4 * V, *lg = buf + 5 * V;
    llr_prng g;
    llr_prng_seed(&g, seed);
    llr_mean_acc acc_tv = {0}, acc_tele = {0};
    double sum_kl = 0, sum_kl2 = 0;
    int batch = batch_of(P, Q);
    for (uint64_t i = 0; i < n; i++) {
        /* Models that batch get the next block's prefixes asked a level
         * at a time (results do not depend on it). */
        if (batch && i % (uint64_t)batch == 0 &&
            llr_model_prefetch_sample_prefixes(P, Q, &g,
                                               n - i < (uint64_t)batch
                                                   ? (int)(n - i)
                                                   : batch,
                                               e))
            goto done;
        void *cp = llr_model_state_at(P, sp, 0), *np = llr_model_state_at(P, sp, 1);
        void *cq = llr_model_state_at(Q, sq, 0), *nq = llr_model_state_at(Q, sq, 1);
        if (P->ops->root(P, cp, e) || Q->ops->root(Q, cq, e))
            goto done;
        double logp = 0, logq = 0, tele = 0;
        for (int t = 0; t < T; t++) {
            if (P->ops->logits(P, cp, t, lg, e) ||
                Q->ops->logits(Q, cq, t, lq, e))
                goto done;
            /* The same draw as llr_model_sample. */
            int z = llr_sample_token(lg, V, &g, work);
            llr_log_softmax(lg, V, lp);
            llr_log_softmax(lq, V, lq);
            for (int k = 0; k < V; k++) {
                pp[k] = exp(lp[k]);
                qq[k] = exp(lq[k]);
            }
            if (check_mass(pp, V, "the first model", t, e) ||
                check_mass(qq, V, "the second model", t, e))
                goto done;
            double tv = llr_tv_prob(pp, qq, V);
            tele += tv;
            if (step)
                step[t] += tv;
            if (hooks && hooks->prefix)
                hooks->prefix(hooks->ctx, tok, t, exp(logp), tv);
            tok[t] = z;
            logp += lp[z];
            logq += lq[z];
            if (t + 1 < T) {
                void *tmp;
                if (P->ops->step(P, cp, t, z, np, e) ||
                    Q->ops->step(Q, cq, t, z, nq, e))
                    goto done;
                tmp = cp, cp = np, np = tmp;
                tmp = cq, cq = nq, nq = tmp;
            }
        }
        llr_mean_acc_add(&acc_tv, llr_tv_weight(logp, logq));
        llr_mean_acc_add(&acc_tele, tele / T);
        sum_kl += logp - logq;
        sum_kl2 += (logp - logq) * (logp - logq);
        if (progress && progress->fn && (i & 0x3ff) == 0)
            progress->fn(progress->ctx, (double)i / (double)n);
    }
    llr_mean_bound one, two, tele;
    double vtv = llr_mean_acc_var(&acc_tv);
    llr_mean_bounds(n, acc_tv.mean, vtv, delta, &one);
    llr_mean_bounds(n, acc_tv.mean, vtv, delta / 2, &two);
    llr_mean_bounds(n, acc_tele.mean, llr_mean_acc_var(&acc_tele),
                    delta / 2, &tele);
    out->n = n;
    out->delta = delta;
    out->tv = acc_tv.mean;
    out->tv_var = vtv;
    out->tv_cert = one.upper;
    out->tv_lo = two.lower;
    out->tv_hi = two.upper;
    out->telescoping = acc_tele.mean * T;
    out->tele_lo = tele.lower * T;
    out->tele_hi = tele.upper * T;
    out->kl = sum_kl / n;
    double var = n > 1 ? (sum_kl2 - n * out->kl * out->kl) / (n - 1) : 0;
    out->kl_stderr = sqrt(fmax(0, var) / n);
    for (int t = 0; step && t < T; t++)
        step[t] /= (double)n;
    rc = 0;
done:
    free(sp), free(sq), free(buf), free(tok);
    return rc;
}
