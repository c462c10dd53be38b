/* models/state.h - a model's state after a prefix, shown to people
 * (llr inspect; docs/inspect.md).
 *
 * Every family summarises a prefix by a state (model.h); this view says
 * what that state is, in the family's own terms, recomputed from the
 * family's public data and the prefix:
 *   isan    x_t, the state vector after t tokens (raw logits B[t] x_t);
 *   approx  the same x_t, and the perturbation eta(h) added to the ISAN's
 *           centred logits;
 *   table   the prefix's row number in the table (prefix enumeration
 *           order, docs/models.md);
 *   parity  the parity <s, x_{1:min(t,n)}> mod 2 and the bits read so far;
 *   arpa    the context the back-off model conditions on (the last
 *           order - 1 tokens of the prefix, or all of them).
 * Other families (gls: see learn/inspect.h; exec; empirical) have no state
 * beyond the prefix: the view is empty.
 */
#ifndef LLR_STATE_H
#define LLR_STATE_H

#include "models/model.h"

#define LLR_STATE_FIELDS 4

typedef struct llr_state_field {
    const char *name;     /* a key: "x", "perturbation", "row", ... */
    const char *meaning;  /* one line for people */
    int n;                /* values */
    double *v;            /* n values (owned) */
    int integer;          /* 1: the values are integers */
} llr_state_field;

typedef struct llr_state_view {
    int n;                /* fields in use */
    llr_state_field f[LLR_STATE_FIELDS];
} llr_state_view;

/* The state of m after tok[0..len-1] (0 <= len < T, tokens in range). On
 * success free it with llr_state_view_free. */
LLR_MUST_CHECK
int llr_model_state_view(const llr_model *m, const int *tok, int len,
                         llr_state_view *s, llr_error *e);

void llr_state_view_free(llr_state_view *s);

#endif
