#include "learn/gls_trace.h"

void llr_gls_trace_learn_begin(llr_trace *tr, int V, int T,
                               const llr_gls_params *p,
                               const llr_oracle_opts *oo)
{
    if (!tr)
        return;
    llr_trace_begin(tr, "learn_begin");
    llr_trace_str(tr, "method", "gls");
    llr_trace_int(tr, "V", V);
    llr_trace_int(tr, "T", T);
    llr_trace_int(tr, "rank", p->d);
    llr_trace_real(tr, "eps", p->eps);
    llr_trace_real(tr, "delta", p->delta);
    llr_trace_real(tr, "box", p->box);
    llr_trace_real(tr, "tau", p->tau);
    llr_trace_real(tr, "gap", p->gap);
    llr_trace_int(tr, "spanner_n", p->spanner_n);
    llr_trace_int(tr, "valid_n", p->valid_n);
    llr_trace_int(tr, "max_cert_n", p->max_cert_n);
    llr_trace_int(tr, "max_epochs", p->max_epochs);
    llr_trace_real(tr, "rank_tol", p->rank_tol);
    llr_trace_u64str(tr, "seed", p->seed);
    llr_trace_real(tr, "xi", oo->xi);
    llr_trace_u64str(tr, "noise_seed", oo->noise_seed);
    llr_trace_real(tr, "quantum", oo->quantum);
    llr_trace_u64str(tr, "budget", oo->budget);
    llr_trace_u64str(tr, "sample_budget", oo->sample_budget);
    llr_trace_end(tr);
}

void llr_gls_trace_sample(llr_trace *tr, const char *stream, int index,
                          const int *y, const double *logp, int T)
{
    if (!tr)
        return;
    llr_trace_begin(tr, "sample");
    llr_trace_str(tr, "stream", stream);
    llr_trace_int(tr, "index", index);
    llr_trace_ints(tr, "sequence", y, (size_t)T);
    llr_trace_reals(tr, "logprobs", logp, (size_t)T);
    llr_trace_end(tr);
}

void llr_gls_trace_epoch_begin(llr_trace *tr, int epoch,
                               const llr_gls_stats *st, llr_counts n)
{
    if (!tr)
        return;
    llr_trace_begin(tr, "epoch_begin");
    llr_trace_int(tr, "epoch", epoch);
    llr_trace_int(tr, "witnesses", st->witnesses);
    llr_trace_int(tr, "basis_additions", st->basis_additions);
    llr_trace_int(tr, "distinct", (long long)n.distinct);
    llr_trace_end(tr);
}

void llr_gls_trace_epoch_end(llr_trace *tr, int epoch, const char *outcome,
                             int validated, llr_counts n)
{
    if (!tr)
        return;
    llr_trace_begin(tr, "epoch_end");
    llr_trace_int(tr, "epoch", epoch);
    llr_trace_str(tr, "outcome", outcome);
    llr_trace_int(tr, "validated", validated);
    llr_trace_int(tr, "calls", (long long)n.calls);
    llr_trace_int(tr, "distinct", (long long)n.distinct);
    llr_trace_end(tr);
}

void llr_gls_trace_basis(llr_trace *tr, int epoch, int s, int pool_n, int nf,
                         int m, const llr_gls_cut *c, const int *idx,
                         const llr_spanner_result *sr)
{
    if (!tr)
        return;
    llr_trace_begin(tr, "basis");
    llr_trace_int(tr, "epoch", epoch);
    llr_trace_int(tr, "cut", s);
    llr_trace_int(tr, "pool", pool_n);
    llr_trace_int(tr, "futures", nf);
    llr_trace_int(tr, "columns", m);
    llr_trace_int(tr, "k", sr->k);
    llr_trace_ints(tr, "chosen", idx, (size_t)sr->k);
    llr_trace_int_rows(tr, "histories", c->basis, (size_t)sr->k, (size_t)s);
    llr_trace_int(tr, "swaps", sr->swaps);
    llr_trace_real(tr, "max_coef", sr->max_coef);
    llr_trace_real(tr, "max_resid", sr->max_resid);
    llr_trace_end(tr);
}

void llr_gls_trace_round_begin(llr_trace *tr, int epoch, int round,
                               int first, int samples)
{
    if (!tr)
        return;
    llr_trace_begin(tr, "round_begin");
    llr_trace_int(tr, "epoch", epoch);
    llr_trace_int(tr, "round", round);
    llr_trace_int(tr, "first", first);
    llr_trace_int(tr, "samples", samples);
    llr_trace_end(tr);
}

void llr_gls_trace_round_end(llr_trace *tr, int epoch, int round,
                             int validated, int fresh)
{
    if (!tr)
        return;
    llr_trace_begin(tr, "round_end");
    llr_trace_int(tr, "epoch", epoch);
    llr_trace_int(tr, "round", round);
    llr_trace_int(tr, "validated", validated);
    llr_trace_int(tr, "fresh", fresh);
    llr_trace_end(tr);
}

void llr_gls_trace_certificate(llr_trace *tr, int epoch, int test,
                               int first, const llr_certificate *c,
                               int certified)
{
    if (!tr)
        return;
    llr_trace_begin(tr, "certificate");
    llr_trace_int(tr, "epoch", epoch);
    llr_trace_int(tr, "test", test);
    llr_trace_int(tr, "first", first);
    llr_trace_int(tr, "samples", (long long)c->n);
    llr_trace_real(tr, "delta", c->b.delta);
    llr_trace_real(tr, "mean", c->estimate);
    llr_trace_real(tr, "variance", c->b.var);
    llr_trace_real(tr, "kl", c->b.kl);
    llr_trace_real(tr, "bernstein", c->b.bernstein);
    llr_trace_real(tr, "upper", c->upper);
    llr_trace_bool(tr, "certified", certified);
    llr_trace_end(tr);
}

void llr_gls_trace_validate(llr_trace *tr, int epoch, int sample)
{
    if (!tr)
        return;
    llr_trace_begin(tr, "validate");
    llr_trace_int(tr, "epoch", epoch);
    llr_trace_int(tr, "sample", sample);
    llr_trace_end(tr);
}

void llr_gls_trace_lp(llr_trace *tr, const int *y, int t,
                      const llr_lp_result *lr, double q, double p)
{
    if (!tr)
        return;
    llr_trace_begin(tr, "lp");
    llr_trace_int(tr, "t", t);
    llr_trace_ints(tr, "prefix", y, (size_t)t);
    llr_trace_reals(tr, "coefficients", lr->c, (size_t)lr->nc);
    llr_trace_real(tr, "residual", lr->residual);
    llr_trace_real(tr, "objective", lr->objective);
    llr_trace_bool(tr, "feasible", lr->feasible);
    llr_trace_bool(tr, "tiebreak", lr->tiebreak);
    llr_trace_int(tr, "stages", lr->stages);
    llr_trace_real(tr, "logprob", q);
    llr_trace_real(tr, "teacher_logprob", p);
    llr_trace_end(tr);
}

void llr_gls_trace_failure(llr_trace *tr, const llr_witness_fix *fix,
                           int feasible, const double *errs, int nerrs)
{
    if (!tr)
        return;
    llr_trace_begin(tr, "failure");
    llr_trace_int(tr, "t", fix->t);
    llr_trace_real(tr, "logprob_error", fix->lp_error);
    llr_trace_real(tr, "error", fix->error);
    llr_trace_bool(tr, "feasible", feasible);
    llr_trace_reals(tr, "locate_errors", errs, (size_t)nerrs);
    llr_trace_int(tr, "cut", fix->cut);
    llr_trace_str(tr, "kind",
                  fix->kind == LLR_FIX_WITNESS ? "witness" : "history");
    llr_trace_end(tr);
}

void llr_gls_trace_witness(llr_trace *tr, int epoch, int sample,
                           const int *y, const llr_witness_fix *fix,
                           int futures)
{
    if (!tr)
        return;
    llr_trace_begin(tr, "witness");
    llr_trace_int(tr, "epoch", epoch);
    llr_trace_int(tr, "cut", fix->cut);
    llr_trace_int(tr, "sample", sample);
    llr_trace_ints(tr, "future", y + fix->cut, (size_t)(fix->t - fix->cut));
    llr_trace_int(tr, "futures", futures);
    llr_trace_end(tr);
}

void llr_gls_trace_history(llr_trace *tr, int epoch, int sample,
                           const int *y, int s, int pool)
{
    if (!tr)
        return;
    llr_trace_begin(tr, "history");
    llr_trace_int(tr, "epoch", epoch);
    llr_trace_int(tr, "cut", s);
    llr_trace_int(tr, "sample", sample);
    llr_trace_ints(tr, "history", y, (size_t)s);
    llr_trace_int(tr, "pool", pool);
    llr_trace_end(tr);
}

void llr_gls_trace_learn_end(llr_trace *tr, const llr_gls *g,
                             const llr_gls_stats *st, llr_counts n)
{
    if (!tr)
        return;
    for (int s = 0; s < g->T; s++) {
        const llr_gls_cut *c = &g->cut[s];
        llr_trace_begin(tr, "cut");
        llr_trace_int(tr, "cut", s);
        llr_trace_int(tr, "k", c->k);
        llr_trace_int_rows(tr, "histories", c->basis, (size_t)c->k,
                           (size_t)s);
        llr_trace_int(tr, "witnesses", c->witnesses);
        llr_trace_bool(tr, "separated", g->separated ? g->separated[s] : 0);
        llr_trace_strings(tr, "futures", &c->fhat);
        llr_trace_end(tr);
    }
    llr_trace_begin(tr, "learn_end");
    llr_trace_str(tr, "status", "ok");
    llr_trace_int(tr, "epochs", st->epochs);
    llr_trace_int(tr, "witnesses", st->witnesses);
    llr_trace_int(tr, "basis_additions", st->basis_additions);
    llr_trace_int(tr, "lp_solves", st->lp_solves);
    llr_trace_int(tr, "spanner_solves", st->spanner_solves);
    llr_trace_real(tr, "max_residual", st->max_residual);
    llr_trace_int(tr, "calls", (long long)n.calls);
    llr_trace_int(tr, "distinct", (long long)n.distinct);
    llr_trace_int(tr, "tokens", (long long)n.tokens);
    llr_trace_int(tr, "samples", (long long)n.samples);
    llr_trace_int(tr, "sample_tokens", (long long)n.sample_tokens);
    llr_trace_real(tr, "tv_certified", st->cert.upper);
    llr_trace_real(tr, "tv_estimate", st->cert.estimate);
    llr_trace_int(tr, "certificate_samples", (long long)st->cert.n);
    llr_trace_bool(tr, "target_met", st->target_met);
    llr_trace_end(tr);
}
