import Foundation
import Testing
@testable import GridGRPO

/// `inspect --verify` covers every file make produces, and every problem it
/// reports is cleared by following its own advice: tamper, verify (the
/// problem is named), follow the advice, verify again (green).
@Suite("verify: every file, advice that clears it", .serialized)
struct VerifyCoverageTests {
    let e2e = EndToEndTests()

    /// Follows the advice at the end of each problem's message.
    func follow(_ problems: [Inspector.Problem], run: String, config: String) throws {
        for problem in problems {
            let advice = problem.message.components(separatedBy: "; ").last ?? ""
            if advice.hasPrefix("delete "), let file = advice.dropFirst("delete ".count).components(separatedBy: " and rerun make").first,
               advice.hasSuffix("and rerun make") {
                try? FileManager.default.removeItem(atPath: run + "/" + file)
            } else if advice.hasPrefix("delete it") {
                try? FileManager.default.removeItem(atPath: run + "/" + problem.file)
            }
        }
        let made = try e2e.make([], artifacts: run, config: config)
        #expect(made.status == 0, "\(made.output)")
    }

    @Test func eachTamperIsNamedAndItsAdviceClearsIt() throws {
        let root = temporaryDirectory("verify-coverage")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let tiny = EndToEndTests.tinyConfig.replacingOccurrences(of: "iterations: 8", with: "iterations: 3")
        let config = e2e.writeConfig(tiny, in: root)
        let run = root + "/a", other = root + "/b"
        #expect(try e2e.make([], artifacts: run, config: config).status == 0)
        let otherConfig = root + "/other.yaml"
        #expect(FileManager.default.createFile(atPath: otherConfig, contents: Data(tiny.replacingOccurrences(of: "seed: 1", with: "seed: 2").utf8)))
        #expect(try e2e.make([], artifacts: other, config: otherConfig).status == 0)
        #expect(try Inspector.verify(runDirectory: run).problems.isEmpty)
        let manager = FileManager.default
        func replace(_ file: String, with source: String) throws {
            try manager.removeItem(atPath: run + "/" + file)
            try manager.copyItem(atPath: source, toPath: run + "/" + file)
        }
        let tampers: [(String, String, () throws -> Void)] = [
            ("final best.h5 mean_return edited", "best.h5", {
                try h5py("f = h5py.File('\(run)/best.h5', 'r+'); f.attrs['mean_return'] = 0.99; f.close()") }),
            ("final best.h5 weights edited", "best.h5", {
                try h5py("f = h5py.File('\(run)/best.h5', 'r+'); w = f['policy/network.0.bias']; w[0] = 0.5; f.close()") }),
            ("final best.h5 of an older iteration", "best.h5", { try replace("best.h5", with: run + "/iter-0001/best.h5") }),
            ("a best.h5 in another iteration's folder", "iter-0002/best.h5", { try replace("iter-0002/best.h5", with: run + "/iter-0001/best.h5") }),
            ("iteration best.h5 and its copy edited alike", "iter-0003/best.h5", {
                for file in ["iter-0003/best.h5", "best.h5"] {
                    try h5py("f = h5py.File('\(run)/\(file)', 'r+'); f.attrs['mean_return'] = 0.5; f.close()")
                } }),
            ("recorded config edited", "iter-0002/eval.h5", {
                try h5py("f = h5py.File('\(run)/iter-0002/eval.h5', 'r+'); c = f.attrs['config'].decode(); f.attrs.modify('config', np.bytes_(c.replace('\"seed\"', '\"seed\" '))); f.close()") }),
            ("config.yaml deleted", "config.yaml", { try manager.removeItem(atPath: run + "/config.yaml") }),
            ("config.yaml unparseable", "config.yaml", {
                #expect(manager.createFile(atPath: run + "/config.yaml", contents: Data("{{{ not yaml".utf8))) }),
            ("a parameter stamp edited", "params/evaluate.json", {
                #expect(manager.createFile(atPath: run + "/params/evaluate.json", contents: Data("{}".utf8))) }),
            ("figures copied from another run", "figures/training_results.png", {
                for figure in ["training_results", "policy_map"] { try replace("figures/\(figure).png", with: other + "/figures/\(figure).png") } }),
            ("report copied from another run", "report.html", { try replace("report.html", with: other + "/report.html") }),
            ("an iteration the config does not have", "iter-0009/eval.h5", {
                try manager.createDirectory(atPath: run + "/iter-0009", withIntermediateDirectories: true)
                try manager.copyItem(atPath: run + "/iter-0003/eval.h5", toPath: run + "/iter-0009/eval.h5") }),
            ("another algorithm's file", "iter-0002/groups.h5", {
                try manager.copyItem(atPath: run + "/iter-0002/pairs.h5", toPath: run + "/iter-0002/groups.h5") }),
            ("dag.mk edited", "dag.mk", {
                let rules = try String(contentsOfFile: run + "/dag.mk", encoding: .utf8)
                #expect(manager.createFile(atPath: run + "/dag.mk", contents: Data((rules + "# edited\n").utf8))) }),
        ]
        for (what, file, tamper) in tampers {
            try tamper()
            let problems = try Inspector.verify(runDirectory: run).problems
            #expect(problems.contains { $0.file == file }, "\(what): not reported on \(file): \(problems)")
            try follow(problems, run: run, config: config)
            let after = try Inspector.verify(runDirectory: run).problems
            #expect(after.isEmpty, "\(what): the advice did not clear it: \(problems.map(\.message)) → \(after)")
        }
    }
}
