/* A program outside the project, built against an installed llr through
 * pkg-config (tests/install.sh): it loads MODEL and prints the centred
 * logits after the prefix TOKEN ... with 17 significant digits, one per
 * line, after the header and library versions. */
#include <llr.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: logits MODEL [TOKEN ...]\n");
        return 2;
    }
    printf("header %d.%d.%d library %s\n", LLR_VERSION_MAJOR,
           LLR_VERSION_MINOR, LLR_VERSION_PATCH, llr_version());
    llr_error e;
    llr_model *m;
    if (llr_model_load(argv[1], NULL, &m, &e)) {
        fprintf(stderr, "logits: %s\n", e.msg);
        return 1;
    }
    int len = argc - 2, rc = 1;
    int *tok = malloc((size_t)(len ? len : 1) * sizeof *tok);
    double *l = malloc((size_t)m->V * sizeof *l);
    if (!tok || !l)
        goto done;
    for (int i = 0; i < len; i++)
        tok[i] = atoi(argv[2 + i]);
    if (llr_model_logits(m, tok, len, l, &e)) {
        fprintf(stderr, "logits: %s\n", e.msg);
        goto done;
    }
    for (int z = 0; z < m->V; z++)
        printf("%.17g\n", l[z]);
    rc = 0;
done:
    free(tok), free(l);
    llr_model_free(m);
    return rc;
}
