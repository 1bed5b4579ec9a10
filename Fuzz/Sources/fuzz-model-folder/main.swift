import Foundation
import FuzzSupport
import StableDiffusion

/// `DiffusersModelFolder(url:)` and the tokenizer loader on mutated model folders: an input is a
/// `FileBundle` of every file a folder holds but the weights (`folderFiles`), written into a scratch
/// folder. An opened folder is then used as `hediff generate` uses it before loading weights: its
/// tokenizer tokenizes a prompt, a generation is configured from its `generation_defaults.json` and
/// checked, every sampler is built from its scheduler config, and its weight files are looked up.
struct ModelFolderTarget: FuzzTarget {
    static let folderFiles = [
        "model_index.json", "unet/config.json", "vae/config.json", "text_encoder/config.json",
        "scheduler/scheduler_config.json", "generation_defaults.json",
        "tokenizer/vocab.json", "tokenizer/merges.txt", "tokenizer/tokenizer.json",
        "tokenizer/tokenizer_config.json", "tokenizer/special_tokens_map.json",
    ]
    let bundle: FileBundle

    init() throws { bundle = try FileBundle(paths: Self.folderFiles, name: "model-folder") }

    func fuzz(_ bytes: [UInt8]) {
        bundle.write(bytes)
        guard let folder = try? DiffusersModelFolder(url: bundle.folder) else { return }
        if let tokenizer = try? folder.tokenizer() {
            _ = tokenizer.inputIDs(for: "a large red circle on the left, blue background")
        }
        var generation = GenerationConfiguration(prompt: "a red circle")
        generation.stepCount = folder.generationDefaults.stepCount ?? 50
        generation.guidanceScale = folder.generationDefaults.guidanceScale ?? 7.5
        if (try? generation.checkSettings()) != nil {
            for sampler in GenerationConfiguration.Sampler.allCases {
                generation.sampler = sampler
                _ = try? generation.makeScheduler(folder.scheduler)
            }
        }
        for component in DiffusersModelFolder.Component.allCases {
            _ = try? folder.weightsURL(for: component)
        }
    }

    /// The embedded model's and the fixture model's folders with a cut-down tokenizer (in the
    /// vocab.json + merges.txt layout, and in the tokenizer.json layout).
    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        var seeds: [(name: String, bytes: [UInt8])] = []
        for (model, path) in [("tiny-shapes", "Models/tiny-shapes"), ("tiny-sd", "Tests/Fixtures/tiny-sd")] {
            let tables = try TokenizerSeeds(folder: "\(path)/tokenizer", mergeCount: 200)
            let files = folderFiles.map { file -> [UInt8]? in
                switch file {
                case "tokenizer/vocab.json": return tables.vocabularyJSON
                case "tokenizer/merges.txt": return tables.mergesText
                case "tokenizer/tokenizer.json": return nil
                default: return RepositoryFiles.optionalBytes("\(path)/\(file)")
                }
            }
            seeds.append((model, FileBundle.join(files)))
            let jsonLayout = folderFiles.indices.map { index -> [UInt8]? in
                switch folderFiles[index] {
                case "tokenizer/vocab.json", "tokenizer/merges.txt": return nil
                case "tokenizer/tokenizer.json": return tables.tokenizerJSON
                default: return files[index]
                }
            }
            seeds.append(("\(model)-tokenizer-json", FileBundle.join(jsonLayout)))
        }
        return seeds
    }
}

FuzzMain.run(ModelFolderTarget.self)
