/* lp_exact_fuzzer.c - libFuzzer target lp_exact: the reconstruction LP
 * target of lp_fuzzer.c with its slower oracle, GLPK's exact rational
 * simplex (glp_exact) and the vertex of its final basis recomputed in GMP
 * rationals, in place of the duality certificate (see lp_fuzzer.c). Same
 * input format; its corpus fuzz/corpus/lp_exact started as a copy of
 * fuzz/corpus/lp. */
#define LP_EXACT_ORACLE 1
#include "lp_fuzzer.c"
