import Foundation
import Yams

/// A sweep file expanded into its settings and runs: every setting × every
/// combination of the axes' values, × every seed. Each run's config is its
/// base config file's YAML mapping with the setting's and the axes' values
/// put in at their dotted keys and `seed` set, validated by the strict config
/// reader (`PipelineConfig.parse`); an error names the sweep file and the
/// axis or setting.
public struct SweepPlan {
    public struct Setting: Sendable {
        public var index: Int
        /// Its directory under the sweep's, and its name in the table and figure.
        public var name: String
        /// The base config file it starts from.
        public var baseConfig: String
        /// Every value it sets (its own, then the axes'), as written in the sweep file.
        public var values: [(key: String, value: String)]
    }

    public struct Run: Sendable {
        public var setting: Int
        public var seed: UInt64
        /// Relative to the sweep directory: `SETTING/seed-N`.
        public var relativePath: String
        /// The run directory as make sees it (`DIRECTORY/SETTING/seed-N`).
        public var directory: String
        /// The bytes of the run's config.yaml.
        public var configText: String
        public var config: PipelineConfig
    }

    public var sweep: SweepFile
    public var directory: String
    public var settings: [Setting]
    public var runs: [Run]

    public func runs(of setting: Int) -> [Run] { runs.filter { $0.setting == setting } }

    /// Expands `sweep` into runs under `directory`.
    public static func expand(_ sweep: SweepFile, directory: String) throws -> SweepPlan {
        let source = sweep.source
        guard RunNaming.isSafePath(directory) else {
            throw GridGRPOError("\(directory): a sweep directory may hold only letters, digits, . _ - / + (make passes it to the shell)")
        }
        var bases: [String: Node.Mapping] = [:]
        func baseMapping(_ path: String, position: String) throws -> Node.Mapping {
            if let known = bases[path] { return known }
            do {
                let text = try readText(path)
                guard let mapping = try Yams.compose(yaml: text)?.mapping else {
                    throw GridGRPOError("\(path): config must be a YAML mapping of keys to values")
                }
                bases[path] = mapping
                return mapping
            } catch let error as GridGRPOError {
                throw GridGRPOError("\(source): \(position): \(error.message)")
            } catch {
                throw GridGRPOError("\(source): \(position): \(path): not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
            }
        }

        let namedKeys = sweep.axes.map(\.key) + sweep.settings.flatMap { $0.overrides.map(\.key) }
        let short = RunNaming.shortKeys(namedKeys)
        var combinations: [[(key: String, value: Node)]] = [[]]
        for axis in sweep.axes {
            combinations = combinations.flatMap { prefix in axis.values.map { prefix + [(axis.key, $0)] } }
        }

        var settings: [Setting] = []
        var runs: [Run] = []
        var owners: [String: String] = [:]
        for spec in sweep.settings {
            let basePath = spec.config ?? sweep.base
            let base = try baseMapping(basePath, position: spec.position == "the base" ? "base" : spec.position)
            var stem: [String] = []
            if let label = spec.label {
                guard !label.isEmpty, label.allSatisfy(RunNaming.isPathCharacter) else {
                    throw GridGRPOError("\(source): \(spec.position): label '\(label)' may hold only letters, digits, . _ - + (it names the setting's directory)")
                }
                stem = [label]
            } else {
                if let config = spec.config, config != sweep.base { stem.append(RunNaming.stem(config)) }
                stem += spec.overrides.map { RunNaming.component(key: $0.key, value: $0.value.scalar?.string ?? "", short: short) }
            }
            // each of the setting's own values and each axis value alone, so an
            // error names the one at fault
            for override in spec.overrides {
                _ = try validate(base, [override], seed: sweep.seeds[0],
                                 label: "\(source): \(spec.position): '\(override.key)' = \(override.value.scalar?.string ?? "")")
            }
            for axis in sweep.axes {
                for value in axis.values {
                    let where_ = sweep.settings.count > 1 ? " (\(spec.position))" : ""
                    _ = try validate(base, spec.overrides + [(axis.key, value)], seed: sweep.seeds[0],
                                     label: "\(source): axis '\(axis.key)' = \(value.scalar?.string ?? "")\(where_)")
                }
            }
            for combination in combinations {
                var components = stem + combination.map { RunNaming.component(key: $0.key, value: $0.value.scalar?.string ?? "", short: short) }
                if components.isEmpty { components = ["base"] }
                for component in components {
                    if let reason = RunNaming.reservedReason(component) {
                        throw GridGRPOError("\(source): \(spec.position): the directory name '\(component)' \(reason); give the setting a label")
                    }
                }
                let name = components.joined(separator: "/")
                let describe = ([spec.position] + combination.map { "\($0.key): \($0.value.scalar?.string ?? "")" }).joined(separator: ", ")
                if let other = owners[name] {
                    throw GridGRPOError("\(source): \(describe) and \(other) would share the directory '\(name)'; give the settings different labels")
                }
                owners[name] = describe
                let index = settings.count
                let overrides = spec.overrides + combination
                settings.append(Setting(index: index, name: name, baseConfig: basePath,
                                        values: overrides.map { ($0.key, $0.value.scalar?.string ?? "") }))
                for seed in sweep.seeds {
                    let relative = RunNaming.runPath(setting: name, seed: seed)
                    let label = "\(source): run '\(relative)' (\(describe))"
                    let (text, config) = try validate(base, overrides, seed: seed, label: label,
                                                      header: "# Run '\(relative)' of sweep '\(sweep.name)', base \(basePath).\n"
                                                        + "# Generated by `sweep plan`: change the sweep file, not this copy.\n")
                    runs.append(Run(setting: index, seed: seed, relativePath: relative, directory: directory + "/" + relative,
                                    configText: text, config: config))
                }
            }
        }
        return SweepPlan(sweep: sweep, directory: directory, settings: settings, runs: runs)
    }

    static func readText(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { throw GridGRPOError("\(path): no such config file") }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw GridGRPOError("\(path): cannot read config file as UTF-8 text")
        }
        return text
    }

    /// The config text of `base` with `overrides` and `seed` put in, and the
    /// config it gives; an error is prefixed by `label`.
    static func validate(_ base: Node.Mapping, _ overrides: [(key: String, value: Node)], seed: UInt64, label: String,
                         header: String = "") throws -> (String, PipelineConfig) {
        var root = base
        let seedNode = Node(String(seed), Tag(.int))
        if root["seed"] != nil { root["seed"] = seedNode } else { root = Node.Mapping([(Node("seed"), seedNode)] + Array(root)) }
        for override in overrides {
            try put(override.value, at: override.key.split(separator: ".").map(String.init), in: &root, label: label)
        }
        let text: String
        do {
            text = header + (try Yams.serialize(node: .mapping(root), width: -1))
        } catch {
            throw GridGRPOError("\(label): cannot write the config as YAML")
        }
        do {
            return (text, try PipelineConfig.parse(text, source: label))
        } catch let error as GridGRPOError {
            throw error.message.hasPrefix(label) ? error : GridGRPOError("\(label): \(error.message)")
        }
    }

    static func put(_ value: Node, at path: [String], in mapping: inout Node.Mapping, label: String) throws {
        guard let first = path.first else { return }
        if path.count == 1 {
            mapping[first] = value
            return
        }
        var section: Node.Mapping
        if let existing = mapping[first] {
            guard let inner = existing.mapping else {
                throw GridGRPOError("\(label): '\(first)' is a value, not a section, so '\(path.joined(separator: "."))' is not a config key")
            }
            section = inner
        } else {
            section = Node.Mapping([])
        }
        try put(value, at: Array(path.dropFirst()), in: &section, label: label)
        mapping[first] = .mapping(section)
    }
}
