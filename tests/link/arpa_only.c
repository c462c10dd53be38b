/* tests/link/arpa_only.c - a program that uses one model family, ARPA
 * files, and nothing else of libllr. tests/layers.sh links it statically
 * against libllr.a with libm alone: if the ARPA model pulled in the
 * learner, GLPK, LAPACKE or Jansson, the link would fail, and nm checks
 * that none of their symbols is in the program.
 * Usage: arpa_only FILE.arpa  (prints the centred logits after <s>)
 */
#include <stdio.h>
#include <stdlib.h>

#include "models/arpa.h"

int main(int argc, char **argv)
{
    llr_model *m;
    llr_error e;
    if (argc != 2) {
        fprintf(stderr, "usage: arpa_only FILE.arpa\n");
        return 2;
    }
    if (llr_arpa_load(argv[1], 2, &m, &e)) {
        fprintf(stderr, "arpa_only: %s\n", e.msg);
        return 1;
    }
    double *l = malloc((size_t)m->V * sizeof *l);
    int rc = !l || llr_model_logits(m, NULL, 0, l, &e);
    for (int z = 0; rc == 0 && z < m->V; z++)
        printf("%s %.17g\n", llr_arpa_word(m, z), l[z]);
    free(l);
    llr_model_free(m);
    return rc;
}
