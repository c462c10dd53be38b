#include "oracle/oracle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/noise.h"
#include "kernels/softmax.h"
#include "kernels/topk.h"
#include "models/process.h"
#include "oracle/trie.h"

struct llr_oracle {
    const llr_model *M;
    llr_oracle_opts opts;
    llr_trie trie;
    llr_counts n;        /* both resources */
    double *work;        /* 3V scratch */
    double *logp;        /* T scratch: a sample's log-probabilities */
};

int llr_oracle_new(const llr_model *M, const llr_oracle_opts *opts,
                   llr_oracle **out, llr_error *e)
{
    *out = NULL;
    llr_oracle_opts z = {0};
    if (!opts)
        opts = &z;
    if (!(opts->xi >= 0) || !isfinite(opts->xi))
        return llr_fail(e, LLR_EUSAGE,
                        "oracle noise xi %g must be finite and >= 0",
                        opts->xi);
    if (!(opts->quantum >= 0) || !isfinite(opts->quantum))
        return llr_fail(e, LLR_EUSAGE,
                        "oracle quantum %g must be finite and >= 0",
                        opts->quantum);
    if (opts->access.k > 0 || opts->access.nbias || opts->access.bias) {
        if (opts->xi > 0 || opts->quantum > 0 || opts->topk > 0)
            return llr_fail(e, LLR_EUSAGE,
                            "oracle: API access does not combine with "
                            "noise, quantum or top-k answers");
        if (llr_access_check(&opts->access, M->V, e))
            return -1;
    }
    if (opts->cond.on) {
        llr_exec_stats xs;
        long long n;
        if (opts->xi > 0 || opts->quantum > 0 || opts->topk > 0 ||
            opts->access.k > 0)
            return llr_fail(e, LLR_EUSAGE,
                            "oracle: sample access does not combine with "
                            "noise, quantum, top-k answers or topk access");
        if (llr_exec_stats_of(M, &xs))
            return llr_fail(e, LLR_EUSAGE,
                            "oracle: sample access is simulated from an "
                            "in-process model; a process model has no "
                            "one-token sample request");
        if (llr_cond_calls(&opts->cond, M->V, &n, e))
            return -1;
    }
    llr_oracle *o = calloc(1, sizeof *o);
    if (!o)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    o->M = M;
    o->opts = *opts;
    o->work = malloc(3 * (size_t)M->V * sizeof *o->work);
    o->logp = malloc((size_t)M->T * sizeof *o->logp);
    if (!o->work || !o->logp) {
        free(o->work), free(o->logp);
        free(o);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    if (llr_trie_init(&o->trie, M->V, e)) {
        free(o->work), free(o->logp);
        free(o);
        return -1;
    }
    *out = o;
    return 0;
}

void llr_oracle_free(llr_oracle *o)
{
    if (!o)
        return;
    llr_trie_free(&o->trie);
    free(o->work);
    free(o->logp);
    free(o);
}

const llr_model *llr_oracle_model(const llr_oracle *o)
{
    return o->M;
}

const llr_oracle_opts *llr_oracle_options(const llr_oracle *o)
{
    return &o->opts;
}

void llr_oracle_set_budget(llr_oracle *o, uint64_t budget)
{
    o->opts.budget = budget;
}

llr_counts llr_oracle_counts(const llr_oracle *o)
{
    return o->n;
}

static void write_transcript(FILE *f, const int *tok, int len,
                             const double *v, int V)
{
    fputs("{\"prefix\": [", f);
    for (int i = 0; i < len; i++)
        fprintf(f, "%s%d", i ? ", " : "", tok[i]);
    fputs("], \"logits\": [", f);
    for (int z = 0; z < V; z++)
        fprintf(f, "%s%.17g", z ? ", " : "", v[z]);
    fputs("]}\n", f);
}

int llr_oracle_need_full(const llr_oracle *o, const char *who, llr_error *e)
{
    if (o->opts.access.k > 0)
        return 0; /* whole vectors are recovered */
    if (o->opts.topk > 0 && o->opts.topk < o->M->V)
        return llr_fail(e, LLR_EUSAGE,
                        "%s needs whole logit vectors, but this oracle "
                           "answers only the top %d of %d logits per query "
                           "(API-shaped); GLS2 assumes full logit access",
                        who, o->opts.topk, o->M->V);
    return 0;
}

static int query(llr_oracle *o, const int *prefix, int len, double *out,
                 llr_error *e);

int llr_oracle_query(llr_oracle *o, const int *prefix, int len, double *out,
                     llr_error *e)
{
    if (llr_oracle_need_full(o, "this query", e))
        return -1;
    return query(o, prefix, len, out, e);
}

int llr_oracle_topk(llr_oracle *o, const int *prefix, int len, int *idx,
                    double *val, llr_error *e)
{
    int V = o->M->V, k = o->opts.topk > 0 && o->opts.topk < V ? o->opts.topk
                                                              : V;
    double *l = malloc((size_t)V * sizeof *l);
    if (!l)
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    if (query(o, prefix, len, l, e)) {
        free(l);
        return -1;
    }
    /* Selection by repeated maximum: k passes (k is small in practice). */
    for (int j = 0; j < k; j++) {
        int best = -1;
        for (int z = 0; z < V; z++) {
            int used = 0;
            for (int q = 0; q < j && !used; q++)
                used = idx[q] == z;
            if (!used && (best < 0 || l[z] > l[best]))
                best = z;
        }
        idx[j] = best;
        val[j] = l[best];
    }
    free(l);
    return 0;
}

/* The API behind an oracle with access: the server's topk requests, or
 * kernels/topk.h on the model's logits at the prefix (computed once). */
typedef struct api_ctx {
    llr_oracle *o;
    double *l;     /* V logits, then 2V scratch */
    int *iw;       /* V */
    int have;
} api_ctx;

static int api_call(void *ctx, llr_topk_call *c, int n, int round,
                    llr_error *e)
{
    api_ctx *x = ctx;
    const llr_model *M = x->o->M;
    int V = M->V;
    if (llr_exec_offers_topk(M))
        return llr_exec_topk(M, c, n, round, e);
    for (int i = 0; i < n; i++) {
        if (!x->have) {
            if (llr_model_logits(M, c[i].prefix, c[i].len, x->l, e))
                return -1;
            x->have = 1;
        }
        if (llr_topk_biased(x->l, V, &c[i], round, x->l + V, x->iw))
            return llr_fail(e, LLR_EINPUT,
                            "access: the biased logits overflow");
    }
    return 0;
}

static int recover(llr_oracle *o, const int *prefix, int len, double *out,
                   llr_error *e)
{
    int V = o->M->V;
    api_ctx x = {o, malloc(3 * (size_t)V * sizeof(double)),
                 malloc((size_t)V * sizeof(int)), 0};
    uint64_t calls = 0;
    int rc = -1;
    if (!x.l || !x.iw)
        llr_fail(e, LLR_ENOMEM, "out of memory");
    else
        rc = llr_recover_logits(&o->opts.access, V, api_call, &x, prefix, len,
                                out, &calls, e);
    free(x.l), free(x.iw);
    if (llr_counts_add_api(&o->n, calls))
        return llr_fail(e, LLR_EBUDGET, "API call counter overflows");
    return rc;
}

/* A vector estimated from conditional samples (oracle/cond_sample.h). */
static int estimate(llr_oracle *o, const int *prefix, int len, double *out,
                    llr_error *e)
{
    int V = o->M->V;
    long long n;
    if (llr_cond_calls(&o->opts.cond, V, &n, e))
        return -1;
    double *cum = malloc((size_t)V * sizeof *cum);
    long long *cnt = calloc((size_t)V, sizeof *cnt);
    int rc = -1;
    if (!cum || !cnt) {
        llr_fail(e, LLR_ENOMEM, "out of memory");
        goto done;
    }
    if (llr_model_logits(o->M, prefix, len, out, e))
        goto done;
    double m = llr_max(out, V), s = 0;
    for (int z = 0; z < V; z++)
        cum[z] = s += exp(out[z] - m);
    llr_prng g;
    llr_prng_seed(&g, llr_noise_hash(o->opts.noise_seed ^ 0x53414d504c45ULL,
                                     prefix, len));
    for (long long i = 0; i < n; i++)
        cnt[llr_choose_index(cum, V, llr_prng_uniform(&g) * cum[V - 1])]++;
    if (llr_counts_add_api(&o->n, (uint64_t)n)) {
        llr_fail(e, LLR_EBUDGET, "API call counter overflows");
        goto done;
    }
    rc = llr_cond_estimate(cnt, V, n, out, e);
done:
    free(cum), free(cnt);
    return rc;
}

static int query(llr_oracle *o, const int *prefix, int len, double *out,
                 llr_error *e)
{
    const llr_model *M = o->M;
    int V = M->V;
    if (len < 0 || len >= M->T)
        return llr_fail(e, LLR_EUSAGE,
                        "query of length %d: prefixes have length 0..%d",
                        len, M->T - 1);
    for (int i = 0; i < len; i++)
        if (prefix[i] < 0 || prefix[i] >= V)
            return llr_fail(e, LLR_EUSAGE,
                            "query: token %d at position %d is outside "
                               "[0, %d]", prefix[i], i, V - 1);
    int64_t node = llr_trie_node(&o->trie, prefix, len, 1, e);
    if (node < 0)
        return -1;
    const double *a = llr_trie_answer(&o->trie, node);
    if (a) {
        memcpy(out, a, (size_t)V * sizeof *out);
        if (llr_counts_add(&o->n, (uint64_t)len, 0))
            return llr_fail(e, LLR_EBUDGET, "query counters overflow");
        return 0;
    }
    if (!llr_counts_allow(&o->n, o->opts.budget))
        return llr_fail(e, LLR_EBUDGET,
                        "query budget of %llu distinct prefixes is "
                           "exhausted",
                        (unsigned long long)o->opts.budget);
    if (o->opts.access.k > 0   ? recover(o, prefix, len, out, e)
        : o->opts.cond.on      ? estimate(o, prefix, len, out, e)
                               : llr_model_logits(M, prefix, len, out, e))
        return -1;
    if (o->opts.xi > 0) {
        llr_noise_eta(llr_noise_hash(o->opts.noise_seed, prefix, len), V,
                       o->opts.xi, o->work);
        for (int z = 0; z < V; z++)
            out[z] += o->work[z];
    }
    if (o->opts.quantum > 0)
        for (int z = 0; z < V; z++)
            out[z] = o->opts.quantum * round(out[z] / o->opts.quantum);
    if (llr_trie_store(&o->trie, node, out, e))
        return -1;
    if (llr_counts_add(&o->n, (uint64_t)len, 1))
        return llr_fail(e, LLR_EBUDGET, "query counters overflow");
    if (o->opts.transcript)
        write_transcript(o->opts.transcript, prefix, len, out, V);
    if (o->opts.trace) {
        llr_trace_begin(o->opts.trace, "query");
        llr_trace_ints(o->opts.trace, "prefix", prefix, (size_t)len);
        llr_trace_reals(o->opts.trace, "logits", out, (size_t)V);
        llr_trace_int(o->opts.trace, "calls", (long long)o->n.calls);
        llr_trace_int(o->opts.trace, "distinct", (long long)o->n.distinct);
        llr_trace_end(o->opts.trace);
    }
    return 0;
}

int llr_oracle_samples_direct(const llr_oracle *o)
{
    return o->M->ops->sample != NULL;
}

static void write_sample(FILE *f, const int *tok, const double *lp, int T)
{
    fputs("{\"sample\": [", f);
    for (int i = 0; i < T; i++)
        fprintf(f, "%s%d", i ? ", " : "", tok[i]);
    fputs("], \"logprobs\": [", f);
    for (int i = 0; i < T; i++)
        fprintf(f, "%s%.17g", i ? ", " : "", lp[i]);
    fputs("]}\n", f);
}

int llr_oracle_sample(llr_oracle *o, llr_prng *g, int *seq, double *logp,
                      llr_error *e)
{
    const llr_model *M = o->M;
    int V = M->V, T = M->T;
    double *lp = logp ? logp : o->logp;
    if (o->opts.sample_budget && o->n.samples >= o->opts.sample_budget)
        return llr_fail(e, LLR_EBUDGET,
                        "teacher-sample budget of %llu samples is "
                           "exhausted",
                        (unsigned long long)o->opts.sample_budget);
    if (M->ops->sample) {
        if (M->ops->sample(M, g, seq, lp, e))
            return -1;
    } else {
        /* By logit queries: work[0..V) is the query's noise scratch;
         * these are the next 2V. */
        double *l = o->work + V;
        if (llr_oracle_need_full(o, "sampling by logit queries", e))
            return -1;
        for (int t = 0; t < T; t++) {
            if (query(o, seq, t, l, e))
                return -1;
            seq[t] = llr_sample_token(l, V, g, l + V);
            llr_log_softmax(l, V, l + V);
            lp[t] = l[V + seq[t]];
        }
    }
    if (llr_counts_add_sample(&o->n, (uint64_t)T))
        return llr_fail(e, LLR_EBUDGET, "sample counters overflow");
    if (o->opts.transcript)
        write_sample(o->opts.transcript, seq, lp, T);
    return 0;
}

/* The distinct prefixes the budget still allows (UINT64_MAX: no budget). */
static uint64_t budget_left(const llr_oracle *o)
{
    if (!o->opts.budget)
        return UINT64_MAX;
    return o->n.distinct < o->opts.budget ? o->opts.budget - o->n.distinct
                                          : 0;
}

int llr_oracle_prefetch(llr_oracle *o, const int *tok, const int *off, int n,
                        llr_error *e)
{
    if (!llr_model_batch(o->M) || n <= 0 || o->opts.access.k > 0 ||
        o->opts.cond.on)
        return 0;
    int *koff = malloc(((size_t)n + 1) * sizeof *koff);
    int *ktok = malloc(((size_t)off[n] + 1) * sizeof *ktok);
    if (!koff || !ktok) {
        free(koff), free(ktok);
        return llr_fail(e, LLR_ENOMEM, "out of memory");
    }
    uint64_t left = budget_left(o);
    int k = 0;
    koff[0] = 0;
    for (int i = 0; i < n && (uint64_t)k < left; i++) {
        int len = off[i + 1] - off[i];
        int ok = len >= 0 && len < o->M->T;
        for (int s = 0; ok && s < len; s++)
            ok = tok[off[i] + s] >= 0 && tok[off[i] + s] < o->M->V;
        if (!ok)
            continue; /* the query itself will report it */
        int64_t node = llr_trie_node(&o->trie, tok + off[i], len, 0, NULL);
        if (node >= 0 && llr_trie_answer(&o->trie, node))
            continue;
        memcpy(ktok + koff[k], tok + off[i], (size_t)len * sizeof *tok);
        koff[k + 1] = koff[k] + len;
        k++;
    }
    int rc = llr_model_prefetch(o->M, ktok, koff, k, e);
    free(koff), free(ktok);
    return rc;
}

int llr_oracle_prefetch_samples(llr_oracle *o, const llr_prng *g,
                                long long n, llr_error *e)
{
    const llr_oracle_opts *p = &o->opts;
    if (n <= 0)
        return 0;
    if (o->M->ops->sample) {
        /* Direct samples: the model fetches the sequences themselves
         * (never more than the sample budget has left). */
        if (p->sample_budget)
            n = o->n.samples >= p->sample_budget ? 0
                : p->sample_budget - o->n.samples < (uint64_t)n
                    ? (long long)(p->sample_budget - o->n.samples)
                    : n;
        return llr_model_prefetch_samples(o->M, g, n, e);
    }
    /* Samples by logit queries: their prefixes. */
    int b = llr_model_batch(o->M);
    if (!b || p->xi > 0 || p->quantum > 0 ||
        (p->topk > 0 && p->topk < o->M->V) || p->access.k > 0 ||
        p->cond.on ||
        (uint64_t)n > UINT64_MAX / (uint64_t)o->M->T ||
        (uint64_t)n * (uint64_t)o->M->T > budget_left(o))
        return 0;
    /* Blocks of at most b samples, each from its own copy of g. */
    llr_prng h = *g;
    for (long long at = 0; at < n; at += b) {
        int nb = n - at < b ? (int)(n - at) : b;
        if (llr_model_prefetch_sample_prefixes(o->M, NULL, &h, nb, e))
            return -1;
        for (long long d = 0; d < (long long)nb * o->M->T; d++)
            (void)llr_prng_next(&h);
    }
    return 0;
}
