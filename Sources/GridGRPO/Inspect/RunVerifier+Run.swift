import Foundation

extension RunVerifier {
    /// What the run's config says about the run as a whole: no file it does
    /// not produce, the stamps and dag.mk as it gives them, the final best.h5
    /// a copy of the last iteration's, and every best.h5 holding the weights
    /// and the evaluation summary of the iteration it names.
    mutating func checkRun() {
        guard let layout else { return }
        for file in files where layout.roles[file] == nil {
            report(file, "is not a file the run's config produces (an iteration past `iterations`, another algorithm's stage, or a stray file)",
                   advice: "delete it (make removes such files only when config.yaml changes)", broken: "extra")
        }
        let hasArtifacts = files.contains { $0.hasPrefix("iter-") }
        for (file, role) in layout.roles.sorted(by: { $0.key < $1.key }) {
            guard case .stamp(let content) = role else { continue }
            let path = directory + "/" + file
            guard FileManager.default.fileExists(atPath: path) else {
                if hasArtifacts { report(file, "is missing", advice: "rerun make (it writes the stamp again)") }
                continue
            }
            if FileManager.default.contents(atPath: path) != Data(content.utf8) {
                report(file, "does not hold the parameters the run's config.yaml gives this stage", advice: "delete \(file) and rerun make")
            }
        }
        let rules = directory + "/" + RunFiles.rulesFile
        if let bytes = FileManager.default.contents(atPath: rules), bytes != Data(StageGraph.makefile(config: layout.config).utf8) {
            report(RunFiles.rulesFile, "is not the rules the run's config.yaml gives (stale, or edited)", advice: "delete \(RunFiles.rulesFile) and rerun make")
        }
        checkFinalBest(layout)
        for file in files where file.hasSuffix("/" + RunFiles.finalBest) || file == RunFiles.finalBest {
            if broken[file] == nil { checkBestContent(file, layout) }
        }
    }

    mutating func checkFinalBest(_ layout: RunFiles) {
        let file = RunFiles.finalBest
        guard files.contains(file) else { return }
        guard let last = digest(layout.lastBest) else {
            report(file, "is the final best checkpoint, but the last iteration's \(layout.lastBest) is missing", advice: "rerun make", broken: "missing source")
            return
        }
        if digest(file) != last {
            report(file, "differs from \(layout.lastBest), of which it must be a copy (edited, or left from another run or iteration)", broken: "edited")
        }
    }

    /// A best.h5 keeps the weights and the evaluation summary of the
    /// iteration it names: that iteration's weights.h5 and eval.h5.
    mutating func checkBestContent(_ file: String, _ layout: RunFiles) {
        let config = layout.config
        do {
            let (best, _) = try ArtifactSchema.readBest(path: directory + "/" + file, config: config)
            let folder = StageGraph.iterationDirectory(best.iteration)
            let weights = try ArtifactSchema.readWeights(path: "\(directory)/\(folder)/weights.h5", config: config).agent
            guard weights.policy == best.policy, weights.value == best.value else {
                report(file, "its networks are not those of \(folder)/weights.h5, the best iteration it names (edited by hand?)", broken: "edited")
                return
            }
            let summary = try ArtifactSchema.readEvaluationSummary(path: "\(directory)/\(folder)/eval.h5", config: config).summary
            guard summary == best.summary else {
                report(file, "its mean_return \(best.summary.meanReturn) and summary are not those of \(folder)/eval.h5 (\(summary.meanReturn)), the best iteration it names (edited by hand?)", broken: "edited")
                return
            }
        } catch {
            report(file, "its best iteration cannot be checked: " + ((error as? GridGRPOError)?.message ?? "\(error)"), broken: "unverifiable")
        }
    }
}
