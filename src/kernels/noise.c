#include "kernels/noise.h"

#include "base/prng.h"
#include "kernels/softmax.h"

uint64_t llr_noise_root(uint64_t seed)
{
    return llr_mix64(seed);
}

uint64_t llr_noise_step(uint64_t H, int z)
{
    return llr_mix64(H ^ ((uint64_t)(z + 1) * 0x9e3779b97f4a7c15ULL));
}

uint64_t llr_noise_hash(uint64_t seed, const int *tok, int len)
{
    uint64_t H = llr_noise_root(seed);
    for (int i = 0; i < len; i++)
        H = llr_noise_step(H, tok[i]);
    return H;
}

void llr_noise_eta(uint64_t H, int V, double eps, double *eta)
{
    for (int z = 0; z < V; z++) {
        uint64_t r = llr_mix64(H + (uint64_t)(z + 1) * 0xd1b54a32d192ed03ULL);
        eta[z] = 2.0 * ((double)(r >> 11) * 0x1.0p-53) - 1.0;
    }
    llr_centre(eta, V, eta);
    for (int z = 0; z < V; z++)
        eta[z] *= eps / 2;
}
