// e^x on sixteen lanes, shared by the kernels that exponentiate (softmax rows, fused attention, erf).
#ifndef HEDIFF_BOUNDED_EXP_H
#define HEDIFF_BOUNDED_EXP_H

#if defined(__x86_64__)
#include <immintrin.h>

/// e^x for x ≤ 0 on sixteen lanes; `VectorMath.boundedExp` written with AVX-512 (vscalefps builds 2^k).
__attribute__((target("avx512f")))
static inline __m512 bounded_exp(__m512 x) {
    const __m512 lowest = _mm512_set1_ps(-87.33f);
    const __m512 clamped = _mm512_max_ps(x, lowest);
    const __m512 k = _mm512_roundscale_ps(_mm512_mul_ps(clamped, _mm512_set1_ps(1.44269504f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(k, _mm512_set1_ps(0.693145751953125f), clamped);
    r = _mm512_fnmadd_ps(k, _mm512_set1_ps(1.428606765330187e-6f), r);
    __m512 p = _mm512_set1_ps(1.0f / 720);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    const __mmask16 underflow = _mm512_cmp_ps_mask(x, lowest, _CMP_LT_OQ);
    return _mm512_maskz_scalef_ps((__mmask16)~underflow, p, k);
}

#endif
#endif
