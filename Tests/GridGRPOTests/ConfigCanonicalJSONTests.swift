import Foundation
import Testing
@testable import GridGRPO

/// The canonical JSON of a config is SHA-256'd into every artifact, so its
/// bytes must never change by accident. The expected bytes are files written
/// by the original config code (`dag --stamps` at 090769c, see
/// Tests/Fixtures/canonical-json/README.md), not by the code under test.
@Suite("Config canonical JSON: the bytes of the original implementation")
struct ConfigCanonicalJSONTests {
    static let fixtures = repositoryRoot + "/Tests/Fixtures/canonical-json"

    /// Fixture directory → the config it was written from.
    static let configs: [(name: String, path: String)] = [
        ("default", repositoryRoot + "/pipeline.yaml"),
        ("grpo", repositoryRoot + "/configs/grpo.yaml"),
        ("drgrpo", repositoryRoot + "/configs/drgrpo.yaml"),
        ("edge", fixtures + "/edge.yaml"),
    ]

    func expected(_ name: String, _ file: String) throws -> String {
        let path = "\(Self.fixtures)/\(name)/\(file)"
        let data = try #require(FileManager.default.contents(atPath: path), "missing fixture \(path)")
        return String(decoding: data, as: UTF8.self)
    }

    @Test(arguments: configs.map(\.name))
    func everyStampHasTheOriginalBytes(name: String) throws {
        let path = try #require(Self.configs.first { $0.name == name }?.path)
        let config = try PipelineConfig.load(path: path)
        let stamps = StageGraph.parameterStamps(config: config)
        #expect(stamps.count == 7)
        for stamp in stamps {
            let file = String(stamp.file.split(separator: "/").last ?? "")
            #expect(stamp.content == (try expected(name, file)), "\(name)/\(file)")
        }
        #expect(config.canonicalJSON == (try expected(name, "plot.json")))
    }

    @Test func theDefaultConfigNeedsNoFile() throws {
        let config = PipelineConfig()
        #expect(config.canonicalJSON == (try expected("default", "plot.json")))
        #expect(config.parametersJSON([.seed, .algorithm, .environment, .rollout]) == (try expected("default", "pair.json")))
        #expect(config.digest == SHA256.hex(Array((try expected("default", "plot.json")).utf8)))
    }

    @Test func threadsChangeNoByte() throws {
        var config = try PipelineConfig.load(path: Self.fixtures + "/edge.yaml")
        #expect(config.threads == 7)
        config.threads = 0
        #expect(config.canonicalJSON == (try expected("edge", "plot.json")))
    }

    /// `inspect` reads a config back from the JSON an artifact records.
    @Test(arguments: configs.map(\.name))
    func theRecordedJSONReadsBackToTheSameConfig(name: String) throws {
        let path = try #require(Self.configs.first { $0.name == name }?.path)
        var config = try PipelineConfig.load(path: path)
        config.threads = 0
        let recorded = try expected(name, "plot.json")
        #expect(try PipelineConfig.parse(recorded) == config)
    }
}
