#include "OTKernels.h"

typedef unsigned __int128 u128;

void hediff_fe25519_mul(uint64_t out[5], const uint64_t a[5], const uint64_t b[5]) {
    const uint64_t mask = (UINT64_C(1) << 51) - 1;
    // Limbs i + j ≥ 5 wrap around with the factor 19 = 2^255 mod p.
    uint64_t b1 = 19 * b[1], b2 = 19 * b[2], b3 = 19 * b[3], b4 = 19 * b[4];
    u128 r0 = (u128)a[0] * b[0] + (u128)a[1] * b4 + (u128)a[2] * b3 + (u128)a[3] * b2 + (u128)a[4] * b1;
    u128 r1 = (u128)a[0] * b[1] + (u128)a[1] * b[0] + (u128)a[2] * b4 + (u128)a[3] * b3 + (u128)a[4] * b2;
    u128 r2 = (u128)a[0] * b[2] + (u128)a[1] * b[1] + (u128)a[2] * b[0] + (u128)a[3] * b4 + (u128)a[4] * b3;
    u128 r3 = (u128)a[0] * b[3] + (u128)a[1] * b[2] + (u128)a[2] * b[1] + (u128)a[3] * b[0] + (u128)a[4] * b4;
    u128 r4 = (u128)a[0] * b[4] + (u128)a[1] * b[3] + (u128)a[2] * b[2] + (u128)a[3] * b[1] + (u128)a[4] * b[0];
    r1 += r0 >> 51;
    r2 += r1 >> 51;
    r3 += r2 >> 51;
    r4 += r3 >> 51;
    u128 folded = (r0 & mask) + (r4 >> 51) * 19;
    out[0] = (uint64_t)(folded & mask);
    out[1] = (uint64_t)((r1 & mask) + (folded >> 51));
    out[2] = (uint64_t)(r2 & mask);
    out[3] = (uint64_t)(r3 & mask);
    out[4] = (uint64_t)(r4 & mask);
}
