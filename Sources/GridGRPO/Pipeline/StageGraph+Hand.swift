import Foundation

/// The make rules of labelling by hand (`preference.source: file`): a
/// person's labels for iteration n live in `hand/labels-NNNN.h5`, which no
/// rule makes (a missing one stops the run with the command that makes it),
/// and `make label-by-hand ITER=n` runs `label --interactive` on iteration
/// n's pairs once their inputs are built.
extension StageGraph {
    /// The rule that explains a missing hand-labels file instead of making it.
    static func handRules(config: PipelineConfig, artifacts: String) -> [String] {
        let pattern = "\(artifacts)/\(StageInput.handDirectory)/labels-%.h5"
        return [
            "",
            "\(pattern):",
            "\t@echo \"$@: no labels by a person for iteration $* (preference.source: file); label its pairs with: make label-by-hand ITER=$* CONFIG=$(CONFIG) ARTIFACTS=$(ARTIFACTS)\" >&2; exit 1",
        ]
    }

    /// `make label-by-hand ITER=n` and one `label-by-hand-NNNN` target per iteration.
    static func labelByHandRules(config: PipelineConfig) -> [String] {
        var lines = ["", ".PHONY: label-by-hand"]
        guard config.preference.source == .file else {
            lines += ["label-by-hand:",
                      "\t@echo \"make label-by-hand: this run's config has preference.source: \(config.preference.source.rawValue); a person's labels are read with source: file\"; exit 2"]
            return lines
        }
        let last = config.iterations
        lines += [
            "label-by-hand:",
            "\t@case '$(ITER)' in ''|*[!0-9]*) echo \"usage: make label-by-hand ITER=n (n a whole number from 1 to \(last))\"; exit 2;; esac; \\",
            "\tn=$$((10#$(ITER))); \\",
            "\tif [ $$n -lt 1 ] || [ $$n -gt \(last) ]; then echo \"make label-by-hand: ITER=$(ITER) is outside 1...\(last)\"; exit 2; fi; \\",
            "\t$(MAKE) --no-print-directory CONFIG='$(CONFIG)' ARTIFACTS='$(ARTIFACTS)' label-by-hand-$$(printf '%04d' $$n)",
        ]
        for iteration in 1...max(1, last) {
            var run = StageInvocation(stage: .label, iteration: iteration, config: config, directory: "$(ARTIFACTS)")
            guard let hand = run[.hand] else { continue }
            run.inputs.removeAll { $0.role == .hand }
            run.output = hand
            run.interactive = true
            let target = "label-by-hand-" + iterationDirectory(iteration).dropFirst("iter-".count)
            lines.append(".PHONY: \(target)")
            lines.append("\(target): \(run.inputs.map(\.path).joined(separator: " ")) | $(BUILD_STAMP)")
            lines.append("\t@mkdir -p $(ARTIFACTS)/\(StageInput.handDirectory)")
            lines.append("\t$(BIN)/\(Stage.label.executable) \(run.arguments.joined(separator: " "))")
        }
        return lines
    }
}
