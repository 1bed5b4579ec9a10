import CBLAS

/// Row-major single-precision GEMM on raw pointers: C = alpha·op(A)·op(B) + beta·C, where op(A) is
/// m×k and op(B) is k×n. The leading dimensions are the row strides of the matrices as stored,
/// which lets callers multiply strided sub-matrices (one attention head, one tile of rows) in place.
@inline(__always)
func sgemm(
    transposeA: Bool = false, transposeB: Bool = false,
    m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    cblas_sgemm(
        CblasRowMajor,
        transposeA ? CblasTrans : CblasNoTrans,
        transposeB ? CblasTrans : CblasNoTrans,
        blasint(m), blasint(n), blasint(k), alpha,
        a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
}

/// Control of OpenBLAS's own thread pool.
enum BLASThreads {
    /// Runs `body` with OpenBLAS limited to one thread per call, for kernels that split work across
    /// cores themselves and call SGEMM from each core (two thread pools on the same cores would
    /// oversubscribe them). Restores the previous setting afterwards.
    static func singleThreaded<Result>(_ body: () throws -> Result) rethrows -> Result {
        let previous = openblas_get_num_threads()
        guard previous > 1 else { return try body() }
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(previous) }
        return try body()
    }
}
