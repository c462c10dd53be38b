/* measure/spectrum.h - rank diagnostics of the extended logit matrix (GLS1;
 * docs/mathematics.md §1.3, §6).
 *
 * At cut t, rows are histories h in Sigma^t and columns are pairs (f, z) of
 * a future f (|f| <= T-1-t) and a token z; the entry is l_z(h f), the
 * centred logit of z after h followed by f. Column (f_j, z) is column
 * j * V + z. */
#ifndef LLR_SPECTRUM_H
#define LLR_SPECTRUM_H

#include "models/model.h"
#include "base/strlist.h"

/* n histories of length t drawn from M: the first t tokens of samples
 * y ~ M. */
LLR_MUST_CHECK
int llr_sample_histories(const llr_model *M, int t, int n, llr_prng *g,
                         llr_strings *out, llr_error *e);

/* The empty future, then n-1 futures for cut t: each of a length k drawn
 * uniformly from 0..T-1-t (llr_prng_below), its tokens y_{t+1..t+k} of a
 * sample y ~ M. */
LLR_MUST_CHECK
int llr_sample_futures(const llr_model *M, int t, int n, llr_prng *g,
                       llr_strings *out, llr_error *e);

/* The extended logit matrix at cut t, row-major, H.count x (F.count * V). */
LLR_MUST_CHECK
int llr_logit_matrix(const llr_model *M, int t, const llr_strings *H,
                     const llr_strings *F, double *out, llr_error *e);

typedef struct llr_spectrum {
    int rows, cols;
    int k;           /* min(rows, cols) singular values */
    double *sigma;   /* descending */
    double tol;      /* threshold of the numerical rank */
    int rank;        /* number of sigma_i > tol */
    int fallback;    /* 1 when dgesvd replaced dgesdd */
    int fit_points;  /* singular values used in the power-law fit */
    double exponent; /* a in sigma_i ~ C i^-a (NaN when fit_points < 2) */
    double coef;     /* C */
} llr_spectrum;

/* Singular values of the rows x cols matrix a (overwritten), the numerical
 * rank at tol (tol < 0: max(rows, cols) * sigma_1 * DBL_EPSILON, NumPy's
 * matrix_rank default), and the least-squares fit of log sigma_i against
 * log i over the sigma_i above tol, as GLS1 reports its power law. */
LLR_MUST_CHECK
int llr_spectrum_of(double *a, int rows, int cols, double tol, int flags,
                    llr_spectrum *out, llr_error *e);
void llr_spectrum_free(llr_spectrum *s);

#endif
