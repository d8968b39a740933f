import Foundation

extension RunVerifier {
    /// Each figure's PNG text chunks and the report's provenance record
    /// name the config digest and the SHA-256 of every file drawn from: each
    /// must match the run's config and the files on disk now (a figure copied
    /// from another run, or drawn before a file changed, does not).
    mutating func checkPlots() {
        guard let layout else { return }
        for file in files {
            guard case .plot = layout.roles[file] else { continue }
            let path = directory + "/" + file
            do {
                let (configDigest, inputs) = try file.hasSuffix(".png") ? figureRecord(path, file) : reportRecord(path)
                if configDigest != "sha256:" + layout.config.digest {
                    report(file, "was drawn from config \(configDigest.prefix(19))…, not the run's config.yaml (from another run or an older config)", broken: "other config")
                    continue
                }
                inputsOf[file] = inputs.map { Provenance.Input(role: "", name: $0.name, sha256: $0.sha256) }
            } catch {
                report(file, (error as? GridGRPOError)?.message ?? "\(error)", broken: "unreadable")
            }
        }
    }

    func figureRecord(_ path: String, _ file: String) throws -> (String, [ReportProvenance.Input]) {
        let text = try PNGText.read(path: path)
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        guard text["gridgrpo.schema"] == "gridgrpo.figure", text["gridgrpo.figure"] == name, let digest = text["gridgrpo.config_digest"] else {
            throw GridGRPOError("\(path): is not the \(name) figure of a GridGRPO run (its PNG text chunks say \(text["gridgrpo.figure"] ?? "nothing"))")
        }
        let inputs = (text["gridgrpo.inputs"] ?? "").split(separator: "\n").map { line -> ReportProvenance.Input in
            let parts = line.split(separator: " ")
            return ReportProvenance.Input(name: String(parts.first ?? ""), sha256: String((parts.last ?? "").dropFirst("sha256:".count)))
        }
        return (digest, inputs)
    }

    func reportRecord(_ path: String) throws -> (String, [ReportProvenance.Input]) {
        try InputFile.checkRegular(path)
        guard let html = try? String(contentsOfFile: path, encoding: .utf8),
              let start = html.range(of: ReportProvenance.marker),
              let end = html.range(of: "</script>", range: start.upperBound..<html.endIndex) else {
            throw GridGRPOError("\(path): has no provenance record (made by an older plot, or edited)")
        }
        do {
            let record = try JSONDecoder().decode(ReportProvenance.self, from: Data(html[start.upperBound..<end.lowerBound].utf8))
            return (record.configDigest, record.inputs)
        } catch {
            throw GridGRPOError("\(path): its provenance record cannot be read (edited?)")
        }
    }
}
