// Tensor's inner loops in instructions the Swift code is not compiled for (it targets AVX2 at most, so that
// one binary runs on every x86-64 machine we meet): AVX-512 here, enabled per function with target
// attributes (no compiler flags) and chosen at run time by `hediff_avx512_available`. Each has a portable Swift counterpart in Tensor, which is what other
// CPUs run and what the tests compare against.
#ifndef HEDIFF_TENSOR_KERNELS_H
#define HEDIFF_TENSOR_KERNELS_H

#include <stddef.h>

/// 1 if this CPU executes AVX-512F instructions and the OS saves the ZMM and mask registers, else 0.
int hediff_avx512_available(void);

/// Replaces the `count` (> 0) floats x of `row` with e^(x − max x), in place, and returns their sum: the
/// same algorithm as Tensor's `VectorMath.boundedExp` (range reduction by ln 2 in two parts, a degree-6
/// Taylor polynomial, results below e^−87.33 flushed to 0), sixteen lanes per instruction. Only call when
/// hediff_avx512_available() returned 1.
float hediff_exponentiate_row_avx512(float *row, size_t count);

/// out[i] = hidden[i] · GELU(gate[i]) for `count` floats (GEGLU), GELU by erf as Tensor's `geluVector`
/// (erf by Abramowitz & Stegun 7.1.26, absolute error below 2·10⁻⁷). `out` may alias `hidden`. Only call
/// when hediff_avx512_available() returned 1.
void hediff_geglu_avx512(const float *hidden, const float *gate, float *out, size_t count);

/// Winograd F(4×4, 3×3)'s weight transform U = G g Gᵀ for kernels first ..< last of `pairs` consecutive 3×3
/// kernels (`weight`, 9 floats each), written as 36 matrices of `pairs` floats (u[ξ·pairs + kernel] for
/// tile position ξ), sixteen kernels per step: Tensor's `WinogradConvolution.transformWeights` with the same
/// operations in the same order, so the same bits. Only call when hediff_avx512_available() returned 1.
void hediff_winograd_weights_avx512(const float *weight, size_t pairs, size_t first, size_t last, float *u);

/// Floats of scratch that hediff_attention_block_avx512 needs for heads of these widths.
size_t hediff_attention_scratch_count(size_t head_width, size_t value_head_width);

/// Scaled dot-product attention of one head for `query_count` (1...32) consecutive queries, fused: output
/// row i = Σ_j softmax_j(scale · q_i·k_j) · v_j over `key_count` (> 0) keys, with the softmax's exponential of
/// Tensor's `VectorMath.boundedExp` and an online (blockwise rescaled) maximum and sum, so the scores stay
/// in the L1 cache. Rows are `query_stride`, `key_stride`, `value_stride` and `output_stride` floats apart;
/// `head_width` is the width of query and key rows, `value_head_width` that of value and output rows.
/// `scratch` holds hediff_attention_scratch_count(head_width, value_head_width) floats. Only call when
/// hediff_avx512_available() returned 1.
void hediff_attention_block_avx512(const float *query, size_t query_stride, size_t query_count,
                                   const float *key, size_t key_stride, const float *value, size_t value_stride,
                                   size_t key_count, size_t head_width, size_t value_head_width, float scale,
                                   float *output, size_t output_stride, float *scratch);

#endif
