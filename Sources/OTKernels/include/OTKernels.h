// The two inner loops of ObliviousTransfer written in C.
//
// AES-128 block encryption for the OT extension (ObliviousTransfer's AES128): AES-NI where the CPU has
// it, chosen per function with target attributes so the package needs no compiler flags, and a
// portable byte-wise implementation otherwise. Round keys come from the caller (FIPS 197 §5.2 key
// expansion, 11 round keys of 16 bytes in memory order).
//
// Multiplication in GF(2^255 − 19) for the base OT's curve (ObliviousTransfer's Field25519), where
// 128-bit products are native to C and cheap even in unoptimized debug builds.
#ifndef HEDIFF_OT_KERNELS_H
#define HEDIFF_OT_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// 1 if this CPU executes AES-NI instructions, else 0.
int hediff_aes_ni_available(void);

/// Encrypts `count` 16-byte blocks in place with AES-NI, eight blocks in flight. Only call when
/// hediff_aes_ni_available() returned 1.
void hediff_aes128_encrypt_ni(const uint8_t round_keys[176], uint8_t *blocks, size_t count);

/// Encrypts `count` 16-byte blocks in place with the byte-wise algorithm of FIPS 197 §5.1, given the
/// S-box: slow, for CPUs without AES-NI.
void hediff_aes128_encrypt_portable(const uint8_t round_keys[176], const uint8_t sbox[256], uint8_t *blocks, size_t count);

/// out = a · b mod 2^255 − 19 in radix 2^51: five limbs, least significant first. Inputs may have limbs up
/// to 2^54; output limbs are below 2^52. `out` may alias an input.
void hediff_fe25519_mul(uint64_t out[5], const uint64_t a[5], const uint64_t b[5]);

#endif
