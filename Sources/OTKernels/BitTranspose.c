#include "OTKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#include <string.h>

int hediff_avx2_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    // AVX2 needs the CPU to report it (leaf 7) and the OS to save the YMM state (OSXSAVE, then XCR0 bits 1–2).
    if ((ecx & bit_OSXSAVE) == 0 || (ecx & bit_AVX) == 0) return 0;
    unsigned int xcr0_low, xcr0_high;
    __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    (void)xcr0_high;
    if ((xcr0_low & 6) != 6) return 0;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    return (ebx & bit_AVX2) != 0;
}

/// Transposes the 32 rows starting at `rows` (row k at rows + k · row_stride), 16 bytes of each, into bytes
/// 4g … 4g + 3 of the 128 output blocks that `out` points to.
///
/// Register i gets row bitrev4(i) in its low 128-bit lane and row 16 + bitrev4(i) in its high lane. Four
/// rounds of in-lane byte unpacks of neighbouring registers transpose each lane as a 16 × 16 byte matrix
/// and leave register i holding byte column bitrev4(i) (the unpack rounds also bit-reverse the register
/// order, which the bit-reversed load cancels). VPMOVMSKB then gathers bit 7 of that byte column for all
/// 32 rows, which is 32 bits of one output block; adding the register to itself moves the next bit up.
/// One round of the byte transpose: neighbouring registers interleaved byte by byte, low halves into
/// out[0 … 7], high halves into out[8 … 15].
__attribute__((target("avx2")))
static inline void unpack_round(const __m256i in[16], __m256i out[16]) {
    for (int i = 0; i < 8; i++) {
        out[i] = _mm256_unpacklo_epi8(in[2 * i], in[2 * i + 1]);
        out[i + 8] = _mm256_unpackhi_epi8(in[2 * i], in[2 * i + 1]);
    }
}

__attribute__((target("avx2")))
static inline void transpose_32x128(const uint8_t *rows, size_t row_stride, uint8_t *out, int g) {
    static const int bitrev4[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
    __m256i a[16], b[16];
    // Fully unrolled (the table lookups become constants): otherwise clang assembles the 256-bit registers
    // through the stack, and the two 16-byte stores followed by a 32-byte load stall store forwarding.
#pragma clang loop unroll(full)
    for (int i = 0; i < 16; i++) {
        __m128i low = _mm_loadu_si128((const __m128i *)(rows + (size_t)bitrev4[i] * row_stride));
        __m128i high = _mm_loadu_si128((const __m128i *)(rows + (size_t)(16 + bitrev4[i]) * row_stride));
        a[i] = _mm256_inserti128_si256(_mm256_castsi128_si256(low), high, 1);
    }
    unpack_round(a, b);
    unpack_round(b, a);
    unpack_round(a, b);
    unpack_round(b, a);
#pragma clang loop unroll(full)
    for (int i = 0; i < 16; i++) {
        __m256i x = a[i];
        // Byte column c = bitrev4(i) holds bits 8c … 8c + 7 of each row: blocks 8c + 7 down to 8c.
        uint8_t *top = out + (size_t)(8 * bitrev4[i] + 7) * 16 + 4 * g;
        for (int k = 0; k < 8; k++) {
            uint32_t mask = (uint32_t)_mm256_movemask_epi8(x);
            memcpy(top - 16 * k, &mask, 4);
            x = _mm256_add_epi8(x, x);
        }
    }
}

__attribute__((target("avx2")))
void hediff_transpose128_avx2(const uint8_t *rows, size_t row_stride, size_t groups, uint8_t *out) {
    // Byte group outermost: its 128 output blocks (2 KiB) are completed while they sit in L1, and the 128
    // rows' current cache lines are reused by the next three groups (with a row stride that is not a
    // multiple of 4 KiB they do not evict each other).
    for (size_t b = 0; b < groups; b++) {
        for (int g = 0; g < 4; g++) {
            transpose_32x128(rows + (size_t)(32 * g) * row_stride + 16 * b, row_stride, out + 128 * 16 * b, g);
        }
    }
}
#else
int hediff_avx2_available(void) { return 0; }

void hediff_transpose128_avx2(const uint8_t *rows, size_t row_stride, size_t groups, uint8_t *out) {
    (void)rows;
    (void)row_stride;
    (void)groups;
    (void)out;
}
#endif
