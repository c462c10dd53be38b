/* helpers.h - shared by the unit tests. */
#ifndef LLR_TEST_HELPERS_H
#define LLR_TEST_HELPERS_H

#include <criterion/criterion.h>
#include <stddef.h>

#include "models/model.h"
#include "measure/distance.h"
#include "measure/spectrum.h"

/* The category of a failure (base/error.h), with the message on mismatch. */
#define assert_code(err, want)                                              \
    cr_assert_eq((err).code, (want), "category '%s', expected '%s': %s",    \
                 llr_errcode_name((err).code), llr_errcode_name(want),      \
                 (err).msg)

/* Distance options: exact up to n sequences; Monte Carlo. */
#define EXACT(n) (&(llr_distance_opts){.max_leaves = (n)})
#define MC(n, s, d)                                                         \
    (&(llr_distance_opts){.samples = (n), .seed = (s), .delta = (d)})

/* A fresh temporary directory for this test process, and a path in it. */
const char *tmp_path(const char *name);


/* The exhaustive extended logit matrix of m at cut t (all histories, all
 * futures) and its numerical rank at NumPy's default tolerance; also its
 * largest entrywise difference to the same matrix of other (if non-NULL)
 * and sigma_{k+1} (0-based sigma[k]) when k >= 0. */
typedef struct rank_info {
    int rows, cols, rank;
    double maxdiff;
    double sigma_k; /* sigma[k], or 0 */
} rank_info;
rank_info exhaustive_rank(const llr_model *m, const llr_model *other, int t,
                          int k);

/* V^k as an integer. */
long ipow(long V, int k);

/* Write bytes to a file in the temporary directory; returns its path. */
const char *write_bytes(const char *name, const void *buf, size_t len);

/* Brute-force TV and KL by enumerating every sequence with
 * llr_model_logprob (a different code path from the tree walk). */
void brute_force(const llr_model *P, const llr_model *Q, double *tv,
                 double *kl);

#endif
