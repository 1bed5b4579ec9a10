import ArgumentParser
import CKKS

/// `--he-params`: a preset name, `tailored` included (it always meant `update` there).
extension CKKSParameters.Preset: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(name: argument)
    }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension CKKSParameters.Preset {
    /// One line per preset for help texts: name, shape, purpose.
    static var summary: String {
        "update (N=4096, [54,55], 2^28: the encrypted update), reference (N=8192, [31,26x6,31], 2^26: the paper's) or depth1-rescale (N=4096, [38,33,38], 2^30: one rescale)"
    }

    /// Reads `hediff ckks … --params`, where `tailored` once named the depth-one set and is now
    /// refused rather than silently read as another set.
    static func ckksArgument(_ name: String) throws -> CKKSParameters.Preset {
        if name == legacyUpdateName {
            throw ValidationError("'tailored' named two different sets; choose depth1-rescale (N=4096, [38,33,38], what `ckks --params tailored` was) or update (N=4096, [54,55], `--he-params tailored`)")
        }
        guard let preset = CKKSParameters.Preset(rawValue: name) else {
            throw ValidationError("unknown preset '\(name)'; choose \(allValueStrings.joined(separator: ", "))")
        }
        return preset
    }
}
