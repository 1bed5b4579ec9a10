#include "OTKernels.h"


#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

int hediff_aes_ni_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    return (ecx & bit_AES) != 0;
}

__attribute__((target("aes,sse2")))
void hediff_aes128_encrypt_ni(const uint8_t round_keys[176], uint8_t *blocks, size_t count) {
    __m128i k[11];
    for (int r = 0; r < 11; r++) k[r] = _mm_loadu_si128((const __m128i *)(round_keys + 16 * r));
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m128i *p = (__m128i *)(blocks + 16 * i);
        __m128i x[8];
        for (int t = 0; t < 8; t++) x[t] = _mm_xor_si128(_mm_loadu_si128(p + t), k[0]);
        for (int r = 1; r < 10; r++) {
            for (int t = 0; t < 8; t++) x[t] = _mm_aesenc_si128(x[t], k[r]);
        }
        for (int t = 0; t < 8; t++) _mm_storeu_si128(p + t, _mm_aesenclast_si128(x[t], k[10]));
    }
    for (; i < count; i++) {
        __m128i *p = (__m128i *)(blocks + 16 * i);
        __m128i x = _mm_xor_si128(_mm_loadu_si128(p), k[0]);
        for (int r = 1; r < 10; r++) x = _mm_aesenc_si128(x, k[r]);
        _mm_storeu_si128(p, _mm_aesenclast_si128(x, k[10]));
    }
}

int hediff_vaes_available(void) {
    if (!hediff_aes_ni_available() || !hediff_avx2_available()) return 0;
    unsigned int eax, ebx, ecx, edx;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    return (ecx & (1u << 9)) != 0;  // CPUID.(EAX=7, ECX=0):ECX bit 9, VAES
}

/// VAESENC on 256-bit registers encrypts two blocks per instruction, and a core issues it as often as the
/// 128-bit AESENC, so eight registers (sixteen blocks) in flight double the throughput of the loop above.
__attribute__((target("vaes,avx2,aes")))
void hediff_aes128_encrypt_vaes(const uint8_t round_keys[176], uint8_t *blocks, size_t count) {
    __m128i k[11];
    __m256i k2[11];
    for (int r = 0; r < 11; r++) {
        k[r] = _mm_loadu_si128((const __m128i *)(round_keys + 16 * r));
        k2[r] = _mm256_broadcastsi128_si256(k[r]);
    }
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m256i *p = (__m256i *)(blocks + 16 * i);
        __m256i x[8];
        for (int t = 0; t < 8; t++) x[t] = _mm256_xor_si256(_mm256_loadu_si256(p + t), k2[0]);
        for (int r = 1; r < 10; r++) {
            for (int t = 0; t < 8; t++) x[t] = _mm256_aesenc_epi128(x[t], k2[r]);
        }
        for (int t = 0; t < 8; t++) _mm256_storeu_si256(p + t, _mm256_aesenclast_epi128(x[t], k2[10]));
    }
    for (; i + 2 <= count; i += 2) {
        __m256i *p = (__m256i *)(blocks + 16 * i);
        __m256i x = _mm256_xor_si256(_mm256_loadu_si256(p), k2[0]);
        for (int r = 1; r < 10; r++) x = _mm256_aesenc_epi128(x, k2[r]);
        _mm256_storeu_si256(p, _mm256_aesenclast_epi128(x, k2[10]));
    }
    if (i < count) {
        __m128i *p = (__m128i *)(blocks + 16 * i);
        __m128i x = _mm_xor_si128(_mm_loadu_si128(p), k[0]);
        for (int r = 1; r < 10; r++) x = _mm_aesenc_si128(x, k[r]);
        _mm_storeu_si128(p, _mm_aesenclast_si128(x, k[10]));
    }
}
#else
int hediff_aes_ni_available(void) { return 0; }

int hediff_vaes_available(void) { return 0; }

void hediff_aes128_encrypt_vaes(const uint8_t round_keys[176], uint8_t *blocks, size_t count) {
    (void)round_keys;
    (void)blocks;
    (void)count;
}

void hediff_aes128_encrypt_ni(const uint8_t round_keys[176], uint8_t *blocks, size_t count) {
    (void)round_keys;
    (void)blocks;
    (void)count;
}
#endif

/// Multiplication by x in GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1.
static uint8_t xtime(uint8_t a) { return (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1B : 0)); }

void hediff_aes128_encrypt_portable(const uint8_t round_keys[176], const uint8_t sbox[256], uint8_t *blocks, size_t count) {
    for (size_t b = 0; b < count; b++) {
        uint8_t *s = blocks + 16 * b;  // state, column-major: s[4c + r]
        for (int j = 0; j < 16; j++) s[j] ^= round_keys[j];
        for (int round = 1; round <= 10; round++) {
            uint8_t t[16];
            // SubBytes and ShiftRows: row r moves left by r columns.
            for (int c = 0; c < 4; c++) {
                for (int r = 0; r < 4; r++) t[4 * c + r] = sbox[s[4 * ((c + r) % 4) + r]];
            }
            if (round < 10) {
                // MixColumns.
                for (int c = 0; c < 4; c++) {
                    uint8_t a0 = t[4 * c], a1 = t[4 * c + 1], a2 = t[4 * c + 2], a3 = t[4 * c + 3];
                    uint8_t all = a0 ^ a1 ^ a2 ^ a3;
                    t[4 * c] = a0 ^ all ^ xtime(a0 ^ a1);
                    t[4 * c + 1] = a1 ^ all ^ xtime(a1 ^ a2);
                    t[4 * c + 2] = a2 ^ all ^ xtime(a2 ^ a3);
                    t[4 * c + 3] = a3 ^ all ^ xtime(a3 ^ a0);
                }
            }
            for (int j = 0; j < 16; j++) s[j] = t[j] ^ round_keys[16 * round + j];
        }
    }
}
