import CBLAS

/// Row-major single-precision GEMM on raw pointers, on the calling thread: C = alpha·op(A)·op(B) +
/// beta·C, where op(A) is m×k and op(B) is k×n. The leading dimensions are the row strides of the
/// matrices as stored, which lets callers multiply strided sub-matrices (one attention head, one
/// tile of rows) in place.
///
/// OpenBLAS is switched to one thread on first use: the kernels split their GEMMs across cores
/// themselves (`parallelSGEMM`, convolution tiles, attention blocks), so OpenBLAS's own pool would
/// only compete with theirs (its idle threads spin for a while after every call).
@inline(__always)
func sgemm(
    transposeA: Bool = false, transposeB: Bool = false,
    m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    _ = singleThreadedBLAS
    cblas_sgemm(
        CblasRowMajor,
        transposeA ? CblasTrans : CblasNoTrans,
        transposeB ? CblasTrans : CblasNoTrans,
        blasint(m), blasint(n), blasint(k), alpha,
        a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
}

/// Evaluated once, before the first GEMM: limits OpenBLAS to the calling thread.
private let singleThreadedBLAS: Void = openblas_set_num_threads(1)

/// A batch of GEMMs, `C_i = alpha·op(A_i)·op(B_i) + beta·C_i` for `i < batch` (operand `i` at
/// `i·stride`; a stride of 0 shares the operand), cut into tiles of C that are computed
/// concurrently on all cores, each by a single-threaded GEMM.
func parallelSGEMM(
    batch: Int = 1, transposeA: Bool = false, transposeB: Bool = false,
    m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, strideA: Int = 0,
    b: UnsafePointer<Float>, ldb: Int, strideB: Int = 0,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int = 0
) {
    guard batch > 0, m > 0, n > 0 else { return }
    let tiling = GEMMTiling(batch: batch, m: m, n: n, k: k)
    let items = batch * tiling.rowBlocks * tiling.columnBlocks
    let pointers = UncheckedSendable((a, b, c))
    Parallel.forEachItem(count: items, makeState: {}) { item, _ in
        let (a, b, c) = pointers.value
        let columnBlock = item % tiling.columnBlocks
        let rowBlock = (item / tiling.columnBlocks) % tiling.rowBlocks
        let entry = item / (tiling.columnBlocks * tiling.rowBlocks)
        let rows = tiling.range(rowBlock, of: tiling.rowBlocks, extent: m)
        let columns = tiling.range(columnBlock, of: tiling.columnBlocks, extent: n)
        let aOffset = transposeA ? rows.lowerBound : rows.lowerBound * lda
        let bOffset = transposeB ? columns.lowerBound * ldb : columns.lowerBound
        sgemm(
            transposeA: transposeA, transposeB: transposeB,
            m: rows.count, n: columns.count, k: k, alpha: alpha,
            a: a + entry * strideA + aOffset, lda: lda,
            b: b + entry * strideB + bOffset, ldb: ldb,
            beta: beta,
            c: c + entry * strideC + rows.lowerBound * ldc + columns.lowerBound, ldc: ldc)
    }
}

/// How `parallelSGEMM` cuts C: enough tiles to keep every core busy (several per core, so that
/// a core slowed by another process takes fewer), none so small that GEMM efficiency drops.
struct GEMMTiling {
    let rowBlocks: Int
    let columnBlocks: Int

    /// Smallest tile worth a separate GEMM call: this many rows and columns.
    static let minimumRows = 64, minimumColumns = 128

    init(batch: Int, m: Int, n: Int, k: Int) {
        let target = 4 * Parallel.coreCount
        let wanted = max(1, (target + batch - 1) / max(batch, 1))
        let rowBlocks = max(1, min(wanted, m / GEMMTiling.minimumRows))
        let columnBlocks = max(1, min((wanted + rowBlocks - 1) / rowBlocks, n / GEMMTiling.minimumColumns))
        // Tiny products are not worth a thread hand-off.
        let worthSplitting = batch * m * n * max(k, 1) >= 1 << 18
        self.rowBlocks = worthSplitting ? rowBlocks : 1
        self.columnBlocks = worthSplitting ? columnBlocks : 1
    }

    /// The `index`-th of `count` near-equal consecutive ranges of `0..<extent`.
    func range(_ index: Int, of count: Int, extent: Int) -> Range<Int> {
        (extent * index / count)..<(extent * (index + 1) / count)
    }
}

/// The name of the OpenBLAS kernel set this machine runs (`openblas_get_corename`, e.g.
/// "Haswell", "SkylakeX"), which decides the SGEMM speed every model benchmark depends on.
public var blasCoreName: String {
    String(cString: openblas_get_corename())
}
