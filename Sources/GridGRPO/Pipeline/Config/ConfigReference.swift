import Foundation

/// docs/config.md, generated from the key tables (`ConfigSection.keys`), the
/// cross-key rules (`PipelineConfig.rules`) and the stage list, so the
/// reference cannot disagree with the reader. `ConfigReferenceTests` fails
/// when the file differs; `make docs` rewrites it.
public enum ConfigReference {
    /// The command that rewrites docs/config.md.
    public static let regenerateCommand = "make docs"

    /// The stages that read each top-level key, by key name. A section
    /// (`PipelineConfig.Section`, `seed` and `algorithm` included) is read by
    /// the stages of either algorithm whose `sections` hold it; `iterations`
    /// only by `dag`, which writes the Makefile's rules; `threads` by the
    /// stages that take `--threads`.
    public static func readers() -> [String: [String]] {
        var readers: [String: [String]] = ["iterations": ["dag"],
                                           "threads": Stage.allCases.filter(\.takesThreads).map(\.rawValue)]
        for variant in PipelineConfig.variants {
            for stage in Stage.stages(of: variant) {
                for section in stage.sections(for: variant) where !readers[section.rawValue, default: []].contains(stage.rawValue) {
                    readers[section.rawValue, default: []].append(stage.rawValue)
                }
            }
        }
        return readers
    }

    /// The table of every key: key | default | allowed | read by | meaning.
    /// A section's row comes before its keys, which share its readers;
    /// `readBy` maps a top-level key's name to the stages that read it.
    public static func markdown(readBy: [String: [String]]) -> String {
        var lines = ["| key | default | allowed | read by | meaning |", "|---|---|---|---|---|"]
        for key in PipelineConfig.reference {
            let readers = readBy[key.name].map { $0.joined(separator: ", ") } ?? "—"
            lines.append(row(key, name: key.name, readers: readers))
            for nested in key.keys {
                lines.append(row(nested, name: "\(key.name).\(nested.name)", readers: readers))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func row(_ key: ConfigKeyInfo, name: String, readers: String) -> String {
        let cells = key.defaultValue == nil
            ? ["**`\(name)`**", "", "section", readers, key.meaning]
            : ["`\(name)`", key.defaultValue ?? "", key.allowed, readers, key.meaning]
        return "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
    }

    /// Configs that break one check each, shown with the reader's own message.
    static let examples = [
        "update: {epoch: 3}",
        "environment: {grid_size: five}",
        "rollout: {gamma: 1.5}",
        "algorithm: grpoo",
        "rollout: {gamma: .nan}",
        "environment: 5",
        "rollout: {pairs: 4}\nupdate: {minibatch_episodes: 8}",
        "environment: {layout: four_rooms, grid_size: 4}",
        "environment: {layout: map, grid_size: 3, map: ['#.#', '.x.', '...']}",
    ]

    /// The message reading `yaml` as pipeline.yaml gives.
    static func message(_ yaml: String) -> String {
        do {
            _ = try PipelineConfig.parse(yaml, source: "pipeline.yaml")
            return "(no error)"
        } catch let error as GridGRPOError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    /// The whole of docs/config.md.
    public static func document(readBy: [String: [String]]) -> String {
        let exampleRows = examples.map { yaml in
            "| `" + yaml.replacingOccurrences(of: "\n", with: "` `") + "` | `\(message(yaml))` |"
        }
        let rules = PipelineConfig.rules.map { "- \($0.text)" }
        return """
        # Config reference

        <!-- Generated from the key tables in Sources/GridGRPO/Pipeline/Config/ by
        ConfigReference.document; do not edit. Regenerate: \(regenerateCommand) -->

        A run's parameters are all in its config file: `pipeline.yaml`, or the file
        `make CONFIG=…` names (configs/ holds the blog's settings, GRPO, Dr. GRPO and
        the blog's method on four_rooms, maze and lava_gap).
        Each key is declared once, in its section's table (`keys` in
        Sources/GridGRPO/Pipeline/Config/), with the default, the allowed values and
        the meaning shown here; the same table reads the file and writes the
        canonical JSON whose SHA-256 every artifact records. This page is generated
        from it and a test fails when they differ.

        ## Strict reading

        A missing key takes its default. Everything present is checked before a stage
        runs, and the first problem stops the run with one line naming the file, the
        dotted key and what is allowed:

        - a key outside its section's table (a typo) lists the keys allowed there;
        - a value of the wrong type names the type and range (a whole number
          rejects a fraction);
        - a number outside its range, or not finite (`.nan`, `.inf`), names the range;
        - a name outside a key's choices lists the choices;
        - a section that is not a mapping of keys to values says so;
        - a broken rule across keys (below) names the key and its bound.

        Comments, formatting and key order change nothing: the canonical JSON of the
        values is what stages and artifacts see.

        | pipeline.yaml holds | the run stops with |
        |---|---|
        \(exampleRows.joined(separator: "\n"))

        ## Keys

        "read by" lists the stages that read the key's top-level section: those whose
        parameter stamp `params/STAGE.json` holds it (`sections` in the stage list,
        Sources/GridGRPO/Pipeline/Stage.swift), for either algorithm and either kind
        of reward (`preference` is in a stage's stamp only when `preference.source`
        is not `return`). Changing a
        value reruns exactly those stages and what depends on their outputs.
        `initialize` is `update --init`. `iterations` is read by `dag` alone (it writes
        the Makefile's rules, so raising it runs only the new iterations); `threads` by
        the stages that take `--threads`, and it is in no stamp.

        \(markdown(readBy: readBy))
        ## Rules across keys

        Checked after every key is read; the allowed column above names the other key.

        \(rules.joined(separator: "\n"))

        """
    }
}
