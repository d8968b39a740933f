import Foundation
import Yams

/// A sweep file (`sweeps/NAME.yaml`): many runs of the pipeline described by
/// one base config, the values that vary, and the seeds.
///
/// ```yaml
/// name: pairs                 # letters, digits, . _ - (the figure's and table's title)
/// description: how many pairs per iteration the blog's method needs
/// base: pipeline.yaml         # the config every setting starts from (default pipeline.yaml)
/// seeds: [0, 1, 2, 3, 4]      # or {from: 0, to: 99}
/// axes:                       # every combination of these values (a product)
///   rollout.pairs: [128, 256, 512]
///   update.epochs: [2, 4]
/// settings:                   # and/or an explicit list; each × the axes
///   - label: blog             # its directory and name (default: from its values)
///   - label: grpo
///     config: configs/grpo.yaml   # its own base config
///     set: {grpo.learning_rate: 0.01}  # values for any config keys, by dotted path
/// figures: false             # true: each run also draws its figures and report
/// bootstrap: {replicates: 2000, seed: 0, confidence: 0.95}
/// ```
///
/// Reading is strict like the config's: an unknown key, a value of the wrong
/// kind, or (in `SweepExpansion`) a config value the config reader refuses is
/// an error of one line naming the sweep file and the key, axis or setting.
/// Paths of config files are relative to the directory make runs in (the
/// repository root), as `CONFIG=` is.
public struct SweepFile {
    /// One entry of `settings:` (or the single implicit one when there is none).
    public struct Setting {
        public var label: String?
        public var config: String?
        public var overrides: [(key: String, value: Node)] = []
        /// Where it is in the file, for messages: `settings[2]`.
        public var position: String = "the base"
        public init() {}
    }

    public var source: String
    public var name: String
    public var description: String?
    public var base: String
    public var seeds: [UInt64]
    public var axes: [(key: String, values: [Node])]
    public var settings: [Setting]
    public var bootstrap: Bootstrap.Settings
    /// Whether each run also draws its figures and report (`make ARTIFACTS=RUN`,
    /// its default goal), or makes only its final best.h5 (`make ARTIFACTS=RUN
    /// RUN/best.h5`, the default: a sweep of hundreds of runs needs no
    /// hundreds of reports; `make ARTIFACTS=RUN` draws one's later).
    public var figures: Bool
    /// SHA-256 of the file's bytes.
    public var digest: String

    static let keys = ["name", "description", "base", "seeds", "axes", "settings", "figures", "bootstrap"]
    static let settingKeys = ["label", "config", "set"]
    static let bootstrapKeys = ["replicates", "seed", "confidence"]
    public static let maximumSeeds = 100_000

    public static func load(path: String) throws -> SweepFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GridGRPOError("\(path): no such sweep file (or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw GridGRPOError("\(path): sweep file is not UTF-8 text") }
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String) throws -> SweepFile {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw GridGRPOError("\(source): not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        guard let root = node?.mapping else { throw GridGRPOError("\(source): a sweep file is a YAML mapping (name, base, seeds, axes, settings)") }
        try checkKeys(root, allowed: keys, source: source, context: nil)
        func fail(_ message: String) -> GridGRPOError { GridGRPOError("\(source): \(message)") }

        guard let nameNode = root["name"] else { throw fail("missing key 'name' (the sweep's name, e.g. name: pairs)") }
        guard let name = plainString(nameNode), !name.isEmpty, name.allSatisfy(RunNaming.isNameCharacter), name != ".", name != ".." else {
            throw fail("key 'name' must be letters, digits, '.', '_' or '-' (it titles the figure and table)")
        }
        var description: String?
        if let node = root["description"] {
            guard let text = plainString(node) else { throw fail("key 'description' must be text") }
            description = text
        }
        var base = "pipeline.yaml"
        if let node = root["base"] {
            guard let path = plainString(node), !path.isEmpty else { throw fail("key 'base' must be a config file's path, e.g. pipeline.yaml") }
            base = path
        }
        guard let seedsNode = root["seeds"] else { throw fail("missing key 'seeds' (a list such as [0, 1, 2], or {from: 0, to: 9})") }
        let seeds = try readSeeds(seedsNode, source: source, fail: fail)

        var axes: [(key: String, values: [Node])] = []
        if let node = root["axes"] {
            guard let mapping = node.mapping else { throw fail("key 'axes' must map config keys to lists of values, e.g. rollout.pairs: [128, 512]") }
            for (keyNode, valuesNode) in mapping {
                let key = try configKey(keyNode, context: "axes", fail: fail)
                guard let list = valuesNode.sequence, !list.isEmpty else {
                    throw fail("axis '\(key)': its values must be a non-empty list, e.g. [128, 512]")
                }
                var values: [Node] = []
                for value in list {
                    guard value.scalar != nil else { throw fail("axis '\(key)': each value must be a single value, not a list or mapping") }
                    if values.contains(where: { $0.scalar?.string == value.scalar?.string }) {
                        throw fail("axis '\(key)': the value \(value.scalar?.string ?? "") appears twice")
                    }
                    values.append(value)
                }
                axes.append((key, values))
            }
        }

        var settings: [Setting] = []
        if let node = root["settings"] {
            guard let list = node.sequence, !list.isEmpty else { throw fail("key 'settings' must be a non-empty list of settings (label, config, set)") }
            for (index, item) in list.enumerated() {
                let position = "settings[\(index)]"
                guard let mapping = item.mapping else { throw fail("\(position): a setting is a mapping with label, config and/or set") }
                try checkKeys(mapping, allowed: settingKeys, source: source, context: position)
                var setting = Setting()
                setting.position = position
                if let label = mapping["label"] {
                    guard let text = plainString(label) else { throw fail("\(position): key 'label' must be text") }
                    setting.label = text
                }
                if let config = mapping["config"] {
                    guard let path = plainString(config), !path.isEmpty else { throw fail("\(position): key 'config' must be a config file's path") }
                    setting.config = path
                }
                if let set = mapping["set"] {
                    guard let pairs = set.mapping else { throw fail("\(position): key 'set' must map config keys to values, e.g. {rollout.pairs: 128}") }
                    for (keyNode, value) in pairs {
                        let key = try configKey(keyNode, context: "\(position).set", fail: fail)
                        guard value.scalar != nil else { throw fail("\(position): '\(key)' must be a single value") }
                        if axes.contains(where: { $0.key == key }) {
                            throw fail("\(position): '\(key)' is also an axis; give it in one place")
                        }
                        setting.overrides.append((key, value))
                    }
                }
                settings.append(setting)
            }
        } else {
            settings = [Setting()]
        }

        var figures = false
        if let node = root["figures"] {
            guard let value = node.bool else { throw fail("key 'figures' must be true or false") }
            figures = value
        }
        var bootstrap = Bootstrap.Settings()
        if let node = root["bootstrap"] {
            guard let mapping = node.mapping else { throw fail("key 'bootstrap' must be a mapping (replicates, seed, confidence)") }
            try checkKeys(mapping, allowed: bootstrapKeys, source: source, context: "bootstrap")
            if let value = mapping["replicates"] {
                guard let count = value.int, (100...100_000).contains(count) else { throw fail("key 'bootstrap.replicates' must be a whole number in 100...100000") }
                bootstrap.replicates = count
            }
            if let value = mapping["seed"] {
                guard let seed = value.int, seed >= 0 else { throw fail("key 'bootstrap.seed' must be a whole number ≥ 0") }
                bootstrap.seed = UInt64(seed)
            }
            if let value = mapping["confidence"] {
                guard let level = value.float, level >= 0.5, level <= 0.999 else { throw fail("key 'bootstrap.confidence' must be a number in 0.5...0.999") }
                bootstrap.confidence = level
            }
        }
        return SweepFile(source: source, name: name, description: description, base: base, seeds: seeds, axes: axes,
                         settings: settings, bootstrap: bootstrap, figures: figures, digest: SHA256.hex(Array(text.utf8)))
    }

    static func plainString(_ node: Node) -> String? { node.scalar?.string }

    static func checkKeys(_ mapping: Node.Mapping, allowed: [String], source: String, context: String?) throws {
        for key in mapping.keys {
            let text = key.scalar?.string ?? "?"
            if !allowed.contains(text) {
                throw GridGRPOError("\(source): \(context.map { "\($0): " } ?? "")unknown key '\(text)' (allowed: \(allowed.joined(separator: ", ")))")
            }
        }
    }

    /// A dotted config key: `algorithm`, `rollout.pairs`. `seed` is not one
    /// (the sweep's seeds give it).
    static func configKey(_ node: Node, context: String, fail: (String) -> GridGRPOError) throws -> String {
        guard let key = node.scalar?.string, !key.isEmpty,
              key.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ part in
                  !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
              }) else {
            throw fail("\(context): '\(node.scalar?.string ?? "?")' is not a config key (a dotted path such as rollout.pairs)")
        }
        if key == "seed" { throw fail("\(context): 'seed' is given by the sweep's 'seeds', not by an axis or a setting") }
        return key
    }

    static func readSeeds(_ node: Node, source: String, fail: (String) -> GridGRPOError) throws -> [UInt64] {
        var seeds: [UInt64] = []
        if let list = node.sequence {
            for item in list {
                guard let seed = item.int, seed >= 0 else { throw fail("key 'seeds': \(item.scalar?.string ?? "a list or mapping") is not a whole number ≥ 0") }
                seeds.append(UInt64(seed))
            }
        } else if let range = node.mapping {
            try checkKeys(range, allowed: ["from", "to"], source: source, context: "seeds")
            guard let from = range["from"]?.int, let to = range["to"]?.int, from >= 0, from <= to else {
                throw fail("key 'seeds': {from: A, to: B} needs whole numbers 0 ≤ A ≤ B")
            }
            guard to - from < maximumSeeds else { throw fail("key 'seeds': at most \(maximumSeeds) seeds") }
            seeds = (from...to).map(UInt64.init)
        } else {
            throw fail("key 'seeds' must be a list such as [0, 1, 2], or {from: 0, to: 9}")
        }
        guard !seeds.isEmpty else { throw fail("key 'seeds' lists no seed") }
        guard Set(seeds).count == seeds.count else { throw fail("key 'seeds' lists a seed twice") }
        guard seeds.count <= maximumSeeds else { throw fail("key 'seeds': at most \(maximumSeeds) seeds") }
        return seeds
    }
}
