#include "TensorKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

/// G·(g0, g1, g2) on sixteen kernels, with the operations and their order of Tensor's
/// `WinogradConvolution.kernelTransform` (separate multiplies and adds, no fused rounding), so that
/// both paths give the same bits.
__attribute__((target("avx512f")))
static inline void kernel_transform(__m512 g0, __m512 g1, __m512 g2, __m512 out[6]) {
    const __m512 minus_sixth = _mm512_set1_ps(-1.0f / 6), sixth = _mm512_set1_ps(1.0f / 6);
    const __m512 sum = _mm512_mul_ps(_mm512_add_ps(_mm512_add_ps(g0, g1), g2), minus_sixth);
    const __m512 alternating = _mm512_mul_ps(_mm512_add_ps(_mm512_sub_ps(g0, g1), g2), minus_sixth);
    const __m512 weighted = _mm512_add_ps(_mm512_mul_ps(g0, _mm512_set1_ps(1.0f / 24)), _mm512_mul_ps(g2, sixth));
    const __m512 middle = _mm512_mul_ps(g1, _mm512_set1_ps(1.0f / 12));
    out[0] = _mm512_mul_ps(g0, _mm512_set1_ps(0.25f));
    out[1] = sum;
    out[2] = alternating;
    out[3] = _mm512_add_ps(weighted, middle);
    out[4] = _mm512_sub_ps(weighted, middle);
    out[5] = g2;
}

__attribute__((target("avx512f")))
void hediff_winograd_weights_avx512(const float *weight, size_t pairs, size_t first, size_t last, float *u) {
    // Lane l of a gather reads kernel first + l, tap k: weight[(first + l)·9 + k].
    const __m512i lane_offsets = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                                    _mm512_set1_epi32(9));
    for (size_t group = first; group < last; group += 16) {
        const size_t count = last - group < 16 ? last - group : 16;
        const __mmask16 lanes = (__mmask16)(count == 16 ? 0xFFFFu : (1u << count) - 1);
        const float *base = weight + group * 9;
        __m512 g[9];
        for (int k = 0; k < 9; k++) {
            g[k] = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), lanes, lane_offsets, base + k, 4);
        }
        // Columns first: t = G g (6×3, t[3·row + column]), then each of its six rows · Gᵀ.
        __m512 t[18], column[6], row[6];
        for (int c = 0; c < 3; c++) {
            kernel_transform(g[c], g[3 + c], g[6 + c], column);
            for (int r = 0; r < 6; r++) t[3 * r + c] = column[r];
        }
        for (int r = 0; r < 6; r++) {
            kernel_transform(t[3 * r], t[3 * r + 1], t[3 * r + 2], row);
            for (int c = 0; c < 6; c++) _mm512_mask_storeu_ps(u + (size_t)(6 * r + c) * pairs + group, lanes, row[c]);
        }
    }
}
#else
void hediff_winograd_weights_avx512(const float *weight, size_t pairs, size_t first, size_t last, float *u) {
    (void)weight;
    (void)pairs;
    (void)first;
    (void)last;
    (void)u;
}
#endif
