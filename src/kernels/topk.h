/* kernels/topk.h - what an API-shaped logit query answers: the top-k
 * log-probabilities of the next token after a logit bias, optionally
 * rounded to a number of decimals (docs/oracle-protocol.md, "topk").
 *
 * For centred (or raw) logits l and biases b (b_z = 0 for tokens without
 * one), the answer is the k tokens with the largest biased
 * log-probabilities lp_z = (l_z + b_z) - logsumexp(l + b), in decreasing
 * order (ties: the smaller token first), with those log-probabilities,
 * each rounded to R decimals when R >= 0. "Rounded to R decimals" means
 * the double nearest to the decimal that printf's "%.*f" writes, which is
 * what a client reads back from a server that prints it so.
 */
#ifndef LLR_TOPK_H
#define LLR_TOPK_H

/* One API call: a prefix, k, the biased tokens, and where the answer goes.
 * The prefix is only carried (the kernel sees the logits at it). */
typedef struct llr_topk_call {
    const int *prefix;      /* the prefix tokens (len of them) */
    int len;
    int k;                  /* 1 <= k <= V */
    int nbias;              /* biased tokens, distinct, in [0, V) */
    const int *bias_tok;
    const double *bias;     /* finite biases, one per biased token */
    int *tok;               /* out: k tokens */
    double *logprob;        /* out: k log-probabilities, each <= 0 */
} llr_topk_call;

/* The biased top-k of c from the logits l (V finite entries) into c->tok
 * and c->logprob, rounded to round decimals (round < 0: not rounded).
 * work holds 2 V doubles and V ints (iwork). The caller has checked c (k in
 * [1, V], biased tokens distinct and in range, biases finite). Returns 0, or
 * -1 when a biased logit or the log-sum overflows (then nothing is
 * meaningful to answer). */
int llr_topk_biased(const double *l, int V, const llr_topk_call *c,
                    int round, double *work, int *iwork);

/* x rounded to r decimals (0 <= r <= 17) as described above; non-finite x
 * is returned as it is. */
double llr_round_decimals(double x, int r);

#endif
