/// Operators for the key-free operations, so that circuits read like arithmetic:
/// `try (c * 0.5) + p`. Operations that need keys (relinearization, rotation) go through an
/// `Evaluator` that holds them; `*` between ciphertexts relinearizes only when called on such
/// an evaluator.
extension Ciphertext {
    private var evaluator: Evaluator { Evaluator(context: context) }

    public static func + (lhs: Ciphertext, rhs: Ciphertext) throws(CKKSError) -> Ciphertext { try lhs.evaluator.add(lhs, rhs) }
    public static func - (lhs: Ciphertext, rhs: Ciphertext) throws(CKKSError) -> Ciphertext { try lhs.evaluator.subtract(lhs, rhs) }
    public static prefix func - (operand: Ciphertext) throws(CKKSError) -> Ciphertext { try operand.evaluator.negate(operand) }
    public static func + (lhs: Ciphertext, rhs: Plaintext) throws(CKKSError) -> Ciphertext { try lhs.evaluator.add(lhs, rhs) }
    public static func - (lhs: Ciphertext, rhs: Plaintext) throws(CKKSError) -> Ciphertext { try lhs.evaluator.subtract(lhs, rhs) }
    public static func * (lhs: Ciphertext, rhs: Plaintext) throws(CKKSError) -> Ciphertext { try lhs.evaluator.multiply(lhs, rhs) }
    public static func + (lhs: Ciphertext, rhs: Double) throws(CKKSError) -> Ciphertext { try lhs.evaluator.add(lhs, scalar: rhs) }
    public static func - (lhs: Ciphertext, rhs: Double) throws(CKKSError) -> Ciphertext { try lhs.evaluator.add(lhs, scalar: -rhs) }
    public static func * (lhs: Ciphertext, rhs: Double) throws(CKKSError) -> Ciphertext { try lhs.evaluator.multiply(lhs, scalar: rhs) }
}
