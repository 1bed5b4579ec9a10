#include "TensorKernels.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

#include "BoundedExp.h"

int hediff_avx512_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    if ((ecx & bit_OSXSAVE) == 0) return 0;
    unsigned int xcr0_low, xcr0_high;
    __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    (void)xcr0_high;
    // XCR0: SSE (bit 1), AVX (bit 2), opmask (5), upper halves of ZMM0–15 (6), ZMM16–31 (7).
    if ((xcr0_low & 0xE6) != 0xE6) return 0;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    return (ebx & bit_AVX512F) != 0;
}

/// erf(x) on sixteen lanes: `VectorMath.erf` (Abramowitz & Stegun 7.1.26, odd extension) written with AVX-512.
__attribute__((target("avx512f")))
static inline __m512 erf16(__m512 x) {
    const __m512 a = _mm512_abs_ps(x);
    const __m512 t = _mm512_div_ps(_mm512_set1_ps(1.0f), _mm512_fmadd_ps(_mm512_set1_ps(0.3275911f), a, _mm512_set1_ps(1.0f)));
    __m512 p = _mm512_set1_ps(1.061405429f);
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-1.453152027f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.421413741f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-0.284496736f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(0.254829592f));
    const __m512 e = bounded_exp(_mm512_mul_ps(_mm512_sub_ps(_mm512_setzero_ps(), a), a));
    const __m512 y = _mm512_fnmadd_ps(_mm512_mul_ps(p, t), e, _mm512_set1_ps(1.0f));
    // Copy x's sign onto y (erf is odd).
    const __m512i sign = _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000u));
    return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(y), sign));
}

__attribute__((target("avx512f")))
void hediff_geglu_avx512(const float *hidden, const float *gate, float *out, size_t count) {
    const size_t whole = count / 16 * 16;
    const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f), scale = _mm512_set1_ps(0.70710677f);
    for (size_t i = 0; i <= whole; i += 16) {
        const __mmask16 lanes = i < whole ? (__mmask16)0xFFFF : (__mmask16)((1u << (count - whole)) - 1);
        if (lanes == 0) break;
        const __m512 g = _mm512_maskz_loadu_ps(lanes, gate + i);
        const __m512 h = _mm512_maskz_loadu_ps(lanes, hidden + i);
        const __m512 gelu = _mm512_mul_ps(_mm512_mul_ps(g, half), _mm512_add_ps(one, erf16(_mm512_mul_ps(g, scale))));
        _mm512_mask_storeu_ps(out + i, lanes, _mm512_mul_ps(h, gelu));
    }
}

__attribute__((target("avx512f")))
float hediff_exponentiate_row_avx512(float *row, size_t count) {
    const size_t whole = count / 16 * 16;
    const __mmask16 tail = (__mmask16)((1u << (count - whole)) - 1);
    __m512 largest = _mm512_set1_ps(-__builtin_inff());
    for (size_t i = 0; i < whole; i += 16) largest = _mm512_max_ps(largest, _mm512_loadu_ps(row + i));
    if (tail) largest = _mm512_mask_max_ps(largest, tail, largest, _mm512_maskz_loadu_ps(tail, row + whole));
    const __m512 maximum = _mm512_set1_ps(_mm512_reduce_max_ps(largest));
    __m512 sum = _mm512_setzero_ps();
    for (size_t i = 0; i < whole; i += 16) {
        const __m512 e = bounded_exp(_mm512_sub_ps(_mm512_loadu_ps(row + i), maximum));
        sum = _mm512_add_ps(sum, e);
        _mm512_storeu_ps(row + i, e);
    }
    if (tail) {
        const __m512 e = bounded_exp(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, row + whole), maximum));
        sum = _mm512_mask_add_ps(sum, tail, sum, e);
        _mm512_mask_storeu_ps(row + whole, tail, e);
    }
    return _mm512_reduce_add_ps(sum);
}
#else
int hediff_avx512_available(void) { return 0; }

float hediff_exponentiate_row_avx512(float *row, size_t count) {
    (void)row;
    (void)count;
    return 0;
}

void hediff_geglu_avx512(const float *hidden, const float *gate, float *out, size_t count) {
    (void)hidden;
    (void)gate;
    (void)out;
    (void)count;
}
#endif
