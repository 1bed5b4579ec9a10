#include "TensorKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stdint.h>

#include "BoundedExp.h"

// Fused attention for one head and a block of up to 32 queries (hediff_attention_block_avx512).
//
// Every register holds one value for each of the block's queries: lane i of a vector belongs to query
// i. The scores are computed transposed, Sᵀ[j][i] = Σ_c K[j][c]·Q[i][c], as key rows times the block's
// packed Qᵀ; the softmax's maxima and sums are then lane-wise (no horizontal reductions, no padding of
// narrow heads to a vector width), and the output accumulates transposed, Oᵀ[c][i] += Σ_j V[j][c]·Pᵀ[j][i],
// as broadcast values times rows of Pᵀ. Keys are taken in blocks of KEY_BLOCK with the online softmax
// (running maximum m and sum l per query, earlier partial outputs rescaled by e^(m_old − m_new)), so the
// scores never leave the L1 cache and the kernel's memory does not grow with the key count.

#define QUERY_LANES 32
#define KEY_BLOCK 128
#define SCORE_ROWS 12
#define VALUE_COLUMNS 12

/// Sᵀ rows for keys `key`..`key + rows` (rows ≤ SCORE_ROWS, a constant after inlining so that the
/// accumulators live in registers): scores[r][i] = Σ_c key[r·key_stride + c]·qt[c][i]. Returns the lane-wise
/// maximum of the rows folded into `maximum`.
__attribute__((target("avx512f"), always_inline))
static inline void score_rows(const int rows, const float *key, size_t key_stride, const float *qt, size_t width,
                              float *scores, __m512 maximum[2]) {
    __m512 acc[SCORE_ROWS][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    for (size_t c = 0; c < width; c++) {
        const __m512 q0 = _mm512_load_ps(qt + c * QUERY_LANES), q1 = _mm512_load_ps(qt + c * QUERY_LANES + 16);
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) {
            const __m512 k = _mm512_set1_ps(key[(size_t)r * key_stride + c]);
            acc[r][0] = _mm512_fmadd_ps(k, q0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(k, q1, acc[r][1]);
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) {
        _mm512_store_ps(scores + r * QUERY_LANES, acc[r][0]);
        _mm512_store_ps(scores + r * QUERY_LANES + 16, acc[r][1]);
        maximum[0] = _mm512_max_ps(maximum[0], acc[r][0]);
        maximum[1] = _mm512_max_ps(maximum[1], acc[r][1]);
    }
}

/// Oᵀ rows `first`..`first + columns` of the value head (columns ≤ VALUE_COLUMNS, a constant after inlining):
/// ot[c][i] = ot[c][i]·rescale[i] + Σ_j value[j·value_stride + c]·p[j][i] over the block's `keys` keys.
__attribute__((target("avx512f"), always_inline))
static inline void accumulate_columns(const int columns, const float *value, size_t value_stride, const float *p,
                                      size_t keys, const __m512 rescale[2], float *ot) {
    __m512 acc[VALUE_COLUMNS][2];
#pragma clang loop unroll(full)
    for (int c = 0; c < columns; c++) {
        acc[c][0] = _mm512_mul_ps(_mm512_load_ps(ot + c * QUERY_LANES), rescale[0]);
        acc[c][1] = _mm512_mul_ps(_mm512_load_ps(ot + c * QUERY_LANES + 16), rescale[1]);
    }
    for (size_t j = 0; j < keys; j++) {
        const __m512 p0 = _mm512_load_ps(p + j * QUERY_LANES), p1 = _mm512_load_ps(p + j * QUERY_LANES + 16);
        const float *row = value + j * value_stride;
#pragma clang loop unroll(full)
        for (int c = 0; c < columns; c++) {
            const __m512 v = _mm512_set1_ps(row[c]);
            acc[c][0] = _mm512_fmadd_ps(v, p0, acc[c][0]);
            acc[c][1] = _mm512_fmadd_ps(v, p1, acc[c][1]);
        }
    }
#pragma clang loop unroll(full)
    for (int c = 0; c < columns; c++) {
        _mm512_store_ps(ot + c * QUERY_LANES, acc[c][0]);
        _mm512_store_ps(ot + c * QUERY_LANES + 16, acc[c][1]);
    }
}

#define CASES_1_TO_12(MACRO) MACRO(1) MACRO(2) MACRO(3) MACRO(4) MACRO(5) MACRO(6) \
    MACRO(7) MACRO(8) MACRO(9) MACRO(10) MACRO(11) MACRO(12)

__attribute__((target("avx512f")))
static void score_block(const float *key, size_t key_stride, size_t keys, const float *qt, size_t width,
                        float *scores, __m512 maximum[2]) {
    for (size_t j = 0; j < keys; j += SCORE_ROWS) {
        const size_t rows = keys - j < SCORE_ROWS ? keys - j : SCORE_ROWS;
        const float *k = key + j * key_stride;
        float *s = scores + j * QUERY_LANES;
        switch (rows) {
#define SCORE_CASE(n) case n: score_rows(n, k, key_stride, qt, width, s, maximum); break;
            CASES_1_TO_12(SCORE_CASE)
#undef SCORE_CASE
        }
    }
}

__attribute__((target("avx512f")))
static void accumulate_block(const float *value, size_t value_stride, size_t value_width, const float *p, size_t keys,
                             const __m512 rescale[2], float *ot) {
    // The value columns in chunks of at most VALUE_COLUMNS, as even as possible (40 → 4 × 10, 80 → 3 × 12 + 4 × 11).
    const size_t chunks = (value_width + VALUE_COLUMNS - 1) / VALUE_COLUMNS;
    size_t first = 0;
    for (size_t chunk = 0; chunk < chunks; chunk++) {
        const size_t columns = value_width / chunks + (chunk < value_width % chunks ? 1 : 0);
        const float *v = value + first;
        float *o = ot + first * QUERY_LANES;
        switch (columns) {
#define VALUE_CASE(n) case n: accumulate_columns(n, v, value_stride, p, keys, rescale, o); break;
            CASES_1_TO_12(VALUE_CASE)
#undef VALUE_CASE
        }
        first += columns;
    }
}

size_t hediff_attention_scratch_count(size_t head_width, size_t value_head_width) {
    // Qᵀ, Oᵀ and one key block of scores, plus 16 floats to align the start to 64 bytes.
    return (head_width + value_head_width + KEY_BLOCK) * QUERY_LANES + 16;
}

__attribute__((target("avx512f")))
void hediff_attention_block_avx512(const float *query, size_t query_stride, size_t query_count,
                                   const float *key, size_t key_stride, const float *value, size_t value_stride,
                                   size_t key_count, size_t head_width, size_t value_head_width, float scale,
                                   float *output, size_t output_stride, float *scratch) {
    float *qt = (float *)(((uintptr_t)scratch + 63) & ~(uintptr_t)63);
    float *ot = qt + head_width * QUERY_LANES;
    float *scores = ot + value_head_width * QUERY_LANES;

    // Qᵀ, scaled, with zero lanes past the block's queries (their scores are 0 and their outputs unused).
    for (size_t c = 0; c < head_width; c++) {
        for (size_t i = 0; i < QUERY_LANES; i++) {
            qt[c * QUERY_LANES + i] = i < query_count ? query[i * query_stride + c] * scale : 0.0f;
        }
    }
    for (size_t n = 0; n < value_head_width * QUERY_LANES; n++) ot[n] = 0.0f;

    __m512 running_max[2] = {_mm512_set1_ps(-__builtin_inff()), _mm512_set1_ps(-__builtin_inff())};
    __m512 running_sum[2] = {_mm512_setzero_ps(), _mm512_setzero_ps()};
    for (size_t first = 0; first < key_count; first += KEY_BLOCK) {
        const size_t keys = key_count - first < KEY_BLOCK ? key_count - first : KEY_BLOCK;
        __m512 block_max[2] = {running_max[0], running_max[1]};
        score_block(key + first * key_stride, key_stride, keys, qt, head_width, scores, block_max);
        // e^(m_old − m_new) rescales what was accumulated so far; it is 0 on the first block (m_old = −∞).
        __m512 rescale[2], sum[2] = {_mm512_setzero_ps(), _mm512_setzero_ps()};
        for (int h = 0; h < 2; h++) {
            rescale[h] = bounded_exp(_mm512_sub_ps(running_max[h], block_max[h]));
            running_max[h] = block_max[h];
        }
        for (size_t j = 0; j < keys; j++) {
            for (int h = 0; h < 2; h++) {
                float *s = scores + j * QUERY_LANES + 16 * h;
                const __m512 e = bounded_exp(_mm512_sub_ps(_mm512_load_ps(s), running_max[h]));
                sum[h] = _mm512_add_ps(sum[h], e);
                _mm512_store_ps(s, e);
            }
        }
        for (int h = 0; h < 2; h++) running_sum[h] = _mm512_fmadd_ps(running_sum[h], rescale[h], sum[h]);
        accumulate_block(value + first * value_stride, value_stride, value_head_width, scores, keys, rescale, ot);
    }

    // O = Oᵀ transposed, each query's row divided by its sum.
    float inverse[QUERY_LANES];
    _mm512_storeu_ps(inverse, _mm512_div_ps(_mm512_set1_ps(1.0f), running_sum[0]));
    _mm512_storeu_ps(inverse + 16, _mm512_div_ps(_mm512_set1_ps(1.0f), running_sum[1]));
    for (size_t i = 0; i < query_count; i++) {
        float *row = output + i * output_stride;
        for (size_t c = 0; c < value_head_width; c++) row[c] = ot[c * QUERY_LANES + i] * inverse[i];
    }
}
#else
size_t hediff_attention_scratch_count(size_t head_width, size_t value_head_width) {
    (void)head_width;
    (void)value_head_width;
    return 1;
}

void hediff_attention_block_avx512(const float *query, size_t query_stride, size_t query_count,
                                   const float *key, size_t key_stride, const float *value, size_t value_stride,
                                   size_t key_count, size_t head_width, size_t value_head_width, float scale,
                                   float *output, size_t output_stride, float *scratch) {
    (void)query, (void)query_stride, (void)query_count, (void)key, (void)key_stride, (void)value;
    (void)value_stride, (void)key_count, (void)head_width, (void)value_head_width, (void)scale;
    (void)output, (void)output_stride, (void)scratch;
}
#endif
