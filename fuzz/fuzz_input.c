/* fuzz_input.c - see fuzz_input.h. */
#include "fuzz_input.h"

#include <float.h>
#include <math.h>
#include <string.h>

void fz_init(fz_input *in, const uint8_t *data, size_t size)
{
    in->p = data;
    in->n = data ? size : 0;
}

size_t fz_left(const fz_input *in)
{
    return in->n;
}

uint64_t fz_bits(fz_input *in, int nbytes)
{
    uint64_t v = 0;
    if (nbytes > 8)
        nbytes = 8;
    for (int i = 0; i < nbytes; i++) {
        uint64_t b = 0;
        if (in->n > 0) {
            b = *in->p++;
            in->n--;
        }
        v |= b << (8 * i);
    }
    return v;
}

long long fz_int(fz_input *in, long long lo, long long hi)
{
    if (hi <= lo)
        return lo;
    uint64_t width = (uint64_t)hi - (uint64_t)lo; /* hi - lo, no overflow */
    int nbytes = 0;
    for (uint64_t w = width; w; w >>= 8)
        nbytes++;
    uint64_t v = fz_bits(in, nbytes);
    if (width != UINT64_MAX)
        v %= width + 1;
    return (long long)((uint64_t)lo + v);
}

int fz_bool(fz_input *in)
{
    return (int)(fz_bits(in, 1) & 1);
}

double fz_range(fz_input *in, double lo, double hi)
{
    double k = (double)fz_bits(in, 4) / 4294967295.0;
    double x = lo + (hi - lo) * k;
    /* hi - lo may round up, or overflow to inf for huge ranges: clamp. */
    if (!(x >= lo))
        x = lo;
    if (x > hi)
        x = hi;
    return x;
}

double fz_double(fz_input *in)
{
    uint64_t b = fz_bits(in, 8);
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

double fz_double_in(fz_input *in, double bound, int allow_special)
{
    unsigned sel = (unsigned)fz_bits(in, 1);
    /* 3 selector values in 16 pick a special value; the rest a number in
     * range. */
    if ((sel & 15) < 13)
        return fz_range(in, -bound, bound);
    static const double finite_special[] = {0.0, -0.0, 0x1p-1074,
                                            DBL_MIN, -0x1p-1074};
    unsigned k = sel >> 4; /* 0..15 */
    if (!allow_special) {
        if (k < 5)
            return finite_special[k];
        return (k & 1) ? -bound : bound;
    }
    switch (k) {
    case 0: case 1: case 2: case 3: case 4:
        return finite_special[k];
    case 5: return DBL_MAX;
    case 6: return -DBL_MAX;
    case 7: return INFINITY;
    case 8: return -INFINITY;
    case 9: return NAN;
    case 10: return -NAN;
    case 11: return bound;
    case 12: return -bound;
    default: return fz_double(in);
    }
}

double fz_pow2_bound(fz_input *in)
{
    int sel = (int)fz_int(in, 0, 255);
    int k = sel < 192 ? sel % 12 - 2 : (int)fz_int(in, -1074, 1000);
    return ldexp(1.0, k);
}

size_t fz_string(fz_input *in, char *buf, size_t maxlen, const char *alphabet)
{
    size_t len = (size_t)fz_int(in, 0, (long long)maxlen);
    size_t na = alphabet ? strlen(alphabet) : 0;
    for (size_t i = 0; i < len; i++) {
        unsigned b = (unsigned)fz_bits(in, 1);
        buf[i] = alphabet && na ? alphabet[b % na] : (char)(b % 255 + 1);
    }
    buf[len] = 0;
    return len;
}
