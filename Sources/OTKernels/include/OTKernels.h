// The inner loops of ObliviousTransfer written in C.
//
// AES-128 block encryption for the OT extension (ObliviousTransfer's AES128): VAES or AES-NI where the
// CPU has it, chosen per function with target attributes so the package needs no compiler flags, and a
// portable byte-wise implementation otherwise. Round keys come from the caller (FIPS 197 §5.2 key
// expansion, 11 round keys of 16 bytes in memory order).
//
// IKNP's 128 × m bit-matrix transpose with AVX2 (ObliviousTransfer's BitTranspose), again enabled per
// function and chosen at run time by CPUID, the Swift SSE2 and portable versions being the fallbacks.
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

/// 1 if this CPU executes VAES on 256-bit registers (VAES, AVX2 with OS support, AES-NI), else 0.
int hediff_vaes_available(void);

/// Encrypts `count` 16-byte blocks in place with VAES, sixteen blocks in eight 256-bit registers in
/// flight. Only call when hediff_vaes_available() returned 1.
void hediff_aes128_encrypt_vaes(const uint8_t round_keys[176], uint8_t *blocks, size_t count);

/// Encrypts `count` 16-byte blocks in place with the byte-wise algorithm of FIPS 197 §5.1, given the
/// S-box: slow, for CPUs without AES-NI.
void hediff_aes128_encrypt_portable(const uint8_t round_keys[176], const uint8_t sbox[256], uint8_t *blocks, size_t count);

/// 1 if this CPU executes AVX2 instructions and the OS saves their registers, else 0.
int hediff_avx2_available(void);

/// Transposes a 128-row bit matrix: row i (0 ≤ i < 128) starts at rows + i · row_stride and holds
/// 16 · groups bytes (bit j of a row is bit j mod 8 of byte j / 8). Writes 128 · groups blocks of 16 bytes
/// to `out`: bit i of block j (bit i mod 8 of byte i / 8) = bit j of row i. Only call when
/// hediff_avx2_available() returned 1.
void hediff_transpose128_avx2(const uint8_t *rows, size_t row_stride, size_t groups, uint8_t *out);

/// out = a · b mod 2^255 − 19 in radix 2^51: five limbs, least significant first. Inputs may have limbs up
/// to 2^54; output limbs are below 2^52. `out` may alias an input.
void hediff_fe25519_mul(uint64_t out[5], const uint64_t a[5], const uint64_t b[5]);

#endif
