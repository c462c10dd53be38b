// The C++ twin of logits.c (tests/install.sh): <llr.h> from C++, linked
// through pkg-config; prints the same lines.
#include <llr.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: logits MODEL [TOKEN ...]\n");
        return 2;
    }
    std::printf("header %d.%d.%d library %s\n", LLR_VERSION_MAJOR,
                LLR_VERSION_MINOR, LLR_VERSION_PATCH, llr_version());
    llr_error e;
    llr_model *m;
    if (llr_model_load(argv[1], NULL, &m, &e)) {
        std::fprintf(stderr, "logits: %s\n", e.msg);
        return 1;
    }
    std::vector<int> tok;
    for (int i = 2; i < argc; i++)
        tok.push_back(std::atoi(argv[i]));
    std::vector<double> l(static_cast<size_t>(m->V));
    int rc = llr_model_logits(m, tok.data(), static_cast<int>(tok.size()),
                              l.data(), &e);
    if (rc)
        std::fprintf(stderr, "logits: %s\n", e.msg);
    else
        for (double x : l)
            std::printf("%.17g\n", x);
    llr_model_free(m);
    return rc ? 1 : 0;
}
