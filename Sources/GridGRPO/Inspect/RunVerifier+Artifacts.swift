import Foundation

extension RunVerifier {
    /// Each HDF5 file of the run: readable, of the kind, stage and iteration
    /// its place says, its recorded config matching its digest and the run's
    /// config, its values as its reader checks them, its recorded inputs
    /// unchanged on disk.
    mutating func checkArtifacts() {
        for file in files where file.hasSuffix(".h5") {
            let role = layout?.roles[file]
            if layout != nil, role == nil { continue }   // reported by checkRun as a file the config does not produce
            let path = directory + "/" + file
            let described: Inspector.FileReport, provenance: Provenance
            do {
                described = try Inspector.describe(path: path)
                let kind = ArtifactKind.allCases.first { $0.schemaName == described.schema } ?? .weights
                provenance = try withHDF5 { try Provenance.read(from: try HDF5Reader(path: path).root, path: path, expecting: kind) }
            } catch {
                report(file, (error as? GridGRPOError)?.message ?? "\(error)", broken: "unreadable")
                continue
            }
            inputsOf[file] = provenance.inputs
            if SHA256.hex(Array(provenance.configJSON.utf8)) != provenance.configDigest {
                report(file, "its recorded config does not match its config_digest sha256:\(provenance.configDigest.prefix(12))… (edited by hand?)", broken: "edited")
            }
            if let layout { checkAgainstConfig(file, path: path, role: role, described: described, layout: layout) }
        }
    }

    /// Every recorded input (of the artifacts, the figures and the report)
    /// against the file on disk, once each file's own checks are done: an
    /// input that is itself broken is left to `propagate`, which names the chain.
    mutating func checkRecordedInputs() {
        for file in files {
            for input in inputsOf[file] ?? [] where broken[input.name] == nil {
                let role = input.role.isEmpty ? "" : input.role + " "
                guard let actual = digest(input.name) else {
                    report(file, "its \(role)input \(input.name) is missing", broken: "missing input")
                    break
                }
                if actual != input.sha256 {
                    report(file, "its \(role)input \(input.name) changed since it was made: recorded sha256:\(input.sha256.prefix(12))…, now sha256:\(actual.prefix(12))… (stale, or a file copied from another run)", broken: "stale input")
                    break
                }
            }
        }
    }

    mutating func checkAgainstConfig(_ file: String, path: String, role: RunFiles.Role?, described: Inspector.FileReport, layout: RunFiles) {
        let config = layout.config
        guard let stage = Stage(rawValue: described.stage), stage.isPart(of: config) else {
            report(file, "made by a '\(described.stage)' stage, which a run of the run's config.yaml does not have (a file of another run)", broken: "other config")
            return
        }
        if case .artifact(let expected, let iteration) = role {
            guard expected == stage, described.schema == expected.outputKind(for: config.algorithm).schemaName else {
                report(file, "is a \(described.schema) file made by the \(stage.rawValue) stage, but the run's config makes it with the \(expected.rawValue) stage (a file moved from elsewhere?)", broken: "misplaced")
                return
            }
            guard described.iteration == iteration else {
                report(file, "holds iteration \(described.iteration), but its folder is \(StageGraph.iterationDirectory(iteration)) (a file of another iteration?)", broken: "misplaced")
                return
            }
        }
        let expected = SHA256.hex(Array(StageGraph.parametersJSON(stage: stage, config: config).utf8))
        if described.configDigest != expected {
            let names = stage.sections(for: config).map(\.rawValue).joined(separator: ", ")
            report(file, "made with parameters sha256:\(described.configDigest.prefix(12))…, but the run's config.yaml gives the \(described.stage) stage (\(names)) sha256:\(expected.prefix(12))… (a file of another run or an older config)", broken: "other config")
            return
        }
        guard let kind = ArtifactKind.allCases.first(where: { $0.schemaName == described.schema }) else { return }
        do {
            try ArtifactSchema.validate(path: path, kind: kind, config: config)
        } catch {
            report(file, (error as? GridGRPOError)?.message ?? "\(error)", broken: "invalid")
        }
    }
}
