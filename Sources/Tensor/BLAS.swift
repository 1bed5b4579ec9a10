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

/// How `parallelSGEMM` cuts C: one tile per core, cut across the dimension that costs the least packing.
///
/// Every single-threaded GEMM packs its own slice of A (its rows, all of K) and of B (its columns): cut into
/// r row blocks and c column blocks, the call packs A c times and B r times, c·M·K + r·K·N floats in all.
/// That duplication, not load balance, decided the speed on this project's 2-core machine (OpenBLAS
/// 0.3.21, SkylakeX kernels, best of 4): the UNet's 16×16-level feed-forward, M 512 × N 10,240 × K 1,280,
/// took 0.061 s in 8 row blocks and 0.045 s in 2 column blocks; a 1×1 convolution, 320 × 8,192 × 640,
/// 0.017 s against 0.011 s; the 8×8-level im2col convolution, 1,280 × 128 × 11,520, 0.0153 s against
/// 0.0135 s in 2 row blocks. Two tiles per core, or eight, were never faster than one.
struct GEMMTiling {
    let rowBlocks: Int
    let columnBlocks: Int

    /// Smallest tile worth a separate GEMM call: this many rows and columns.
    static let minimumRows = 64, minimumColumns = 128

    /// - Parameter splitColumns: `false` for callers that cut only rows (columnBlocks is then 1).
    init(batch: Int, m: Int, n: Int, k: Int, splitColumns: Bool = true) {
        // Tiny products are not worth a thread hand-off; batch entries are tiles of their own.
        guard batch * m * n * max(k, 1) >= 1 << 18 else {
            (rowBlocks, columnBlocks) = (1, 1)
            return
        }
        let wanted = max(1, (Parallel.coreCount + batch - 1) / max(batch, 1))
        let maximumRows = max(1, m / GEMMTiling.minimumRows)
        let maximumColumns = splitColumns ? max(1, n / GEMMTiling.minimumColumns) : 1
        var best = (rows: 1, columns: 1, tiles: 1, packed: m + n)
        for rows in 1...min(wanted, maximumRows) {
            let columns = min(maximumColumns, (wanted + rows - 1) / rows)
            let tiles = rows * columns, packed = columns * m + rows * n
            // More tiles (up to `wanted`) first, then the least packing.
            if (min(tiles, wanted), -packed) > (min(best.tiles, wanted), -best.packed) {
                best = (rows, columns, tiles, packed)
            }
        }
        (rowBlocks, columnBlocks) = (best.rows, best.columns)
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
