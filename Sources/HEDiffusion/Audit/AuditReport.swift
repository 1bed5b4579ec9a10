/// The result of `hediff audit`: each attack's reconstruction scored against the real image, and
/// the chance level (`--json` prints this object).
public struct AuditReport: Sendable, Codable, Equatable {
    /// One reconstruction and its scores.
    public struct Entry: Sendable, Codable, Equatable {
        public var name: String
        /// PSNR and SSIM of the decoded reconstruction against the real image (identical images
        /// count as `identicalPSNRDB`); nil when the attack produced no reconstruction (see `status`).
        public var psnrDB: Double?
        public var ssim: Double?
        /// The fraction of the initial latent's values the attack recovered exactly.
        public var recoveredFraction: Double
        /// What the attack found or why it could not run.
        public var status: String
        /// The embedded model only: background, shape colour and position read from the
        /// reconstruction (`ShapesAttributes`), and how many of the three equal the real image's.
        public var attributes: ShapesAttributes?
        public var attributesMatched: Int?

        enum CodingKeys: String, CodingKey {
            case name, ssim, status, attributes
            case attributesMatched = "attributes_matched"
            case psnrDB = "psnr_db"
            case recoveredFraction = "recovered_fraction"
        }
    }

    /// The PSNR reported for a pixel-identical reconstruction (JSON has no infinity).
    public static let identicalPSNRDB = 100.0

    public var mode: PrivacyMode
    public var noise: NoiseOrigin
    /// The better (by PSNR) of the two baselines made without the transcript.
    public var chancePSNRDB: Double
    /// The best attack's PSNR (chance when no attack produced a reconstruction).
    public var maxPSNRDB: Double
    /// The seed the seed search confirmed, if any.
    public var seedFound: UInt64?
    public var attacks: [Entry]
    /// The embedded model only: what the real image shows.
    public var realAttributes: ShapesAttributes?
    /// Reconstructions made without the transcript: a random initial latent through the maps the
    /// evaluator can build ("random-noise"), and the mean of the attacker's own generations
    /// ("prior-mean").
    public var baselines: [Entry]

    enum CodingKeys: String, CodingKey {
        case mode, noise, attacks, baselines
        case chancePSNRDB = "chance_psnr_db"
        case maxPSNRDB = "max_psnr_db"
        case seedFound = "seed_found"
        case realAttributes = "real_attributes"
    }
}
