// AES-128 block encryption for the OT extension (ObliviousTransfer's AES128): AES-NI where the CPU has
// it, chosen per function with target attributes so the package needs no compiler flags, and a
// portable byte-wise implementation otherwise. Round keys come from the caller (FIPS 197 §5.2 key
// expansion, 11 round keys of 16 bytes in memory order).
#ifndef HEDIFF_AESNI_H
#define HEDIFF_AESNI_H

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

#endif
