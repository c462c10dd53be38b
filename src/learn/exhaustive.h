/* learn/exhaustive.h - the baseline that queries every prefix (sum_t V^t distinct
 * queries) and returns the exact table: the count the learners are
 * measured against. Labelled a baseline everywhere. */
#ifndef LLR_EXHAUSTIVE_H
#define LLR_EXHAUSTIVE_H

#include "models/model.h"
#include "oracle/oracle.h"

LLR_MUST_CHECK
int llr_exhaustive_learn(llr_oracle *o, llr_model **out, llr_error *e);

/* sum_{t<T} V^t, or -1 when above 2^62. */
double llr_exhaustive_count(int V, int T);

#endif
