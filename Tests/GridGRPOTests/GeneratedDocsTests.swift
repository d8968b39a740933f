import Foundation
import Testing
@testable import GridGRPO

/// The docs' tables that are facts of the code (the stage table, the stamp
/// table, the config reference) must be what the code gives today.
@Suite("Generated docs match the code")
struct GeneratedDocsTests {
    @Test(arguments: GeneratedDocs.files)
    func generatedBlocksAreCurrent(file: String) throws {
        let text = try String(contentsOfFile: repositoryRoot + "/" + file, encoding: .utf8)
        #expect(try GeneratedDocs.render(text, file: file) == text, "\(file) is out of date: run `make docs`")
    }

    /// The stage table names every stage with its executable and output, as
    /// written by hand here from the blog's pipeline.
    @Test func stageTableListsEveryStage() throws {
        let table = GeneratedDocs.stageTable()
        for row in ["| initialize | `update --init` | config | `iter-0000/weights.h5` |",
                    "| rollout | `rollout` | config, `iter-(n−1)/weights.h5` | `iter-n/rollout.h5` |",
                    "| evaluate | `evaluate` | config, `iter-n/weights.h5` (learned reward: config, `iter-n/weights.h5`, `iter-n/labels.h5`) | `iter-n/eval.h5` |",
                    "| reward (learned reward only) | `reward` | config, `iter-n/labels.h5`, `iter-(n−1)/reward.h5`, `iter-n/rollout.h5` | `iter-n/reward.h5` |"] {
            #expect(table.contains(row), "\(table)")
        }
        #expect(table.contains("`iter-n/pairs.h5` (grpo: `iter-n/groups.h5`)"))
    }
}
