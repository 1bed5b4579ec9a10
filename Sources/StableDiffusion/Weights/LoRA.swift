import Foundation
import Tensor

/// A low-rank adaptation (LoRA) of the UNet and the text encoder, merged into their weights at
/// load: `W + scale · (α / r) · up · down`, where `down` is `[r, in(, kh, kw)]` and `up` is
/// `[out, r(, 1, 1)]`.
///
/// Two file layouts are read:
/// - kohya-ss / A1111: `lora_unet_<module>` and `lora_te_<module>` with `.lora_down.weight`,
///   `.lora_up.weight` and an optional `.alpha`, the module path with `_` for `.`;
/// - diffusers / PEFT (`save_lora_weights`): `unet.<module>.lora_A.weight` / `.lora_B.weight` and
///   `text_encoder.<module>…`, α = r unless an `.alpha` tensor says otherwise.
///
/// Every key must belong to a module of one of these layouts, and every module must match a
/// weight of the model (`LoRAApplication.checkEveryModuleApplied`): a LoRA for another
/// architecture is an error, never silently dropped.
///
/// Matches: diffusers 0.42.1 `load_lora_weights` + `fuse_lora(lora_scale:)`, checked against the
/// weights it fuses in Tests/Fixtures/lora (tools/fixtures/make_lora_fixtures.py).
public struct LoRA: Sendable {
    /// The model component a module adapts.
    public enum Target: String, Sendable {
        case unet
        case textEncoder = "text_encoder"
    }

    /// One adapted weight: its low-rank factors and α.
    struct Module: Sendable {
        var target: Target
        var key: String
        var down: String
        var up: String
        var alpha: String?
    }

    public let path: String
    /// The user's multiplier (`--lora FILE:SCALE`, diffusers' `lora_scale`).
    public let scale: Float
    private let file: SafeTensors
    /// Modules by target and the module path as the file spells it (`down_blocks_0_…` for kohya,
    /// `down_blocks.0.…` for PEFT).
    let modules: [String: Module]
    private let isKohya: Bool

    /// Reads the LoRA at `url` and groups its tensors into modules.
    ///
    /// - Throws: `SafeTensorsError` for an unreadable file, `ModelConfigurationError.unsupportedModel`
    ///   naming the first key that belongs to no module of a known layout, or a module missing a factor.
    public init(url: URL, scale: Float) throws {
        path = url.path
        self.scale = scale
        file = try SafeTensors(contentsOf: url)
        func refuse(_ reason: String) -> ModelConfigurationError { .unsupportedModel(file: url.path, reason: reason) }
        var modules: [String: Module] = [:]
        let names = file.names
        isKohya = names.contains { $0.hasPrefix("lora_unet_") || $0.hasPrefix("lora_te_") }
        let prefixes: [(String, Target)] = isKohya
            ? [("lora_unet_", .unet), ("lora_te_", .textEncoder)] : [("unet.", .unet), ("text_encoder.", .textEncoder)]
        let roles: [(String, WritableKeyPath<Module, String>)] = isKohya
            ? [(".lora_down.weight", \.down), (".lora_up.weight", \.up)] : [(".lora_A.weight", \.down), (".lora_B.weight", \.up)]
        for name in names {
            guard let (prefix, target) = prefixes.first(where: { name.hasPrefix($0.0) }) else {
                throw refuse("\(name) is not a LoRA key for an SD v1.x UNet or text encoder (kohya lora_unet_/lora_te_, or diffusers unet./text_encoder.)")
            }
            var body = String(name.dropFirst(prefix.count))
            if target == .textEncoder, !isKohya, !body.hasPrefix("text_model.") { body = "text_model." + body }
            if target == .textEncoder, isKohya, !body.hasPrefix("text_model_") { body = "text_model_" + body }
            let role = roles.first { body.hasSuffix($0.0) }
            let key = role.map { String(body.dropLast($0.0.count)) } ?? (body.hasSuffix(".alpha") ? String(body.dropLast(6)) : nil)
            guard let key else { throw refuse("\(name) is neither a down/up factor nor an alpha") }
            let id = target.rawValue + ":" + key
            var module = modules[id] ?? Module(target: target, key: key, down: "", up: "", alpha: nil)
            if let role { module[keyPath: role.1] = name } else { module.alpha = name }
            modules[id] = module
        }
        for module in modules.values where module.down.isEmpty || module.up.isEmpty {
            throw refuse("module \(module.key) lacks its \(module.down.isEmpty ? "down (A)" : "up (B)") factor")
        }
        self.modules = modules
    }

    /// The module adapting the weight `name` (a diffusers/transformers parameter name) of `target`.
    func module(for name: String, target: Target) -> Module? {
        guard name.hasSuffix(".weight") else { return nil }
        var path = String(name.dropLast(".weight".count))
        if target == .textEncoder, !path.hasPrefix("text_model.") { path = "text_model." + path }
        if isKohya { path = path.replacingOccurrences(of: ".", with: "_") }
        return modules[target.rawValue + ":" + path]
    }

    /// `scale · (α / r) · up · down`, flattened to `shape`'s element order.
    ///
    /// - Throws: `ModelConfigurationError.unsupportedModel` when the factors do not multiply to `shape`.
    func delta(of module: Module, shape: [Int]) throws -> [Float] {
        let down = try file.tensor(named: module.down)
        let up = try file.tensor(named: module.up)
        let rank = down.shape.first ?? 0
        let outputs = up.shape.first ?? 0
        let mismatch = ModelConfigurationError.unsupportedModel(
            file: path, reason: "module \(module.key): factors \(up.shape) · \(down.shape) do not fit the weight \(shape)")
        guard rank > 0, up.shape.count >= 2, up.shape.dropFirst(2).allSatisfy({ $0 == 1 }), up.shape[1] == rank,
              outputs * (down.scalars.count / rank) == shape.reduce(1, *), shape.first == outputs
        else { throw mismatch }
        let alpha = try module.alpha.map { try file.floats(named: $0).first ?? Float(rank) } ?? Float(rank)
        let product = try Tensor.matmul(
            up.reshaped([outputs, rank]), down.reshaped([rank, down.scalars.count / rank]), alpha: scale * alpha / Float(rank))
        return product.scalars
    }
}

/// Which modules of a set of LoRAs the model's weights used, so that a LoRA whose modules match
/// nothing is reported instead of silently ignored.
final class LoRAApplication: @unchecked Sendable {
    let loras: [LoRA]
    /// Guarded by `lock`: components load on several threads.
    private var applied: Set<String> = []
    private let lock = NSLock()

    init(loras: [LoRA]) {
        self.loras = loras
    }

    func record(_ lora: LoRA, _ module: LoRA.Module) {
        lock.withLock { _ = applied.insert(lora.path + "\u{0}" + module.target.rawValue + ":" + module.key) }
    }

    /// - Throws: `ModelConfigurationError.unsupportedModel` naming the first module (by its file
    ///   and key) that matched no weight of the model.
    func checkEveryModuleApplied() throws {
        let used = lock.withLock { applied }
        for lora in loras {
            for (id, module) in lora.modules.sorted(by: { $0.key < $1.key }) where !used.contains(lora.path + "\u{0}" + id) {
                throw ModelConfigurationError.unsupportedModel(
                    file: lora.path, reason: "LoRA module \(module.key) (\(module.target.rawValue)) matches no weight of this model")
            }
        }
    }
}

/// A component's weights with LoRA deltas added to the weights they adapt.
struct LoRAMergedArchive: TensorArchive {
    let base: any TensorArchive
    let target: LoRA.Target
    let application: LoRAApplication

    var path: String { base.path }

    func shape(of name: String) -> [Int]? { base.shape(of: name) }

    func storedName(of name: String) -> String { base.storedName(of: name) }

    func floats(named name: String) throws -> [Float] {
        var values = try base.floats(named: name)
        guard let shape = base.shape(of: name) else { return values }
        for lora in application.loras {
            guard let module = lora.module(for: name, target: target) else { continue }
            let delta = try lora.delta(of: module, shape: shape)
            for i in values.indices { values[i] += delta[i] }
            application.record(lora, module)
        }
        return values
    }
}
