import ArgumentParser
import Foundation
import GridGRPO

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Look inside GridGRPO artifacts, or check a whole run's provenance.",
        discussion: """
        inspect FILE                  schema, provenance, attributes, datasets with shapes and min/max/mean/norm
        inspect rollout.h5 --episode 3   replay an episode as the blog's text frames
        inspect eval.h5 --worst 10    the configurations furthest from optimal
        inspect --verify artifacts/   every file make produces against the run's config and the files on disk
                                      (see the README); exits 1, names each problem, its chain and the fix
        Add --json for machine-readable output.
        """)

    @Argument(help: "An artifact (.h5).") var file: String?
    @Option(help: "Replay this episode of a rollout.h5.") var episode: Int?
    @Option(help: "List this many worst configurations of an eval.h5.") var worst: Int?
    @Option(help: "Check every artifact of this run directory.") var verify: String?
    @Flag(help: "Print JSON instead of text.") var json = false

    func validate() throws {
        guard (file == nil) != (verify == nil) else { throw ValidationError("give either a FILE or --verify DIR") }
        if verify != nil && (episode != nil || worst != nil) { throw ValidationError("--verify takes no --episode or --worst") }
        if episode != nil && worst != nil { throw ValidationError("--episode and --worst are for different files; give one") }
    }

    func emit<T: Encodable>(_ value: T, text: String) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            // JSON has no NaN or Infinity: a file that holds them (inspect
            // shows damaged files too) gets the strings "NaN", "Infinity", "-Infinity".
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            print(String(decoding: try encoder.encode(value), as: UTF8.self))
        } else {
            print(text)
        }
    }

    struct Replay: Encodable { let file: String; let episode: Int; let frames: String }
    struct Verification: Encodable { let run: String; let checked: Int; let problems: [Inspector.Problem] }

    func run() throws {
        if let verify {
            let (checked, problems) = try Inspector.verify(runDirectory: verify)
            let text = problems.isEmpty
                ? "\(verify): all \(checked) files check: each artifact against its recorded inputs, its folder, its values and the run's config; the final best.h5, every best.h5's weights and summary, the parameter stamps, dag.mk, the figures and the report against what they record"
                : (problems.map { "\($0.file): \($0.message)" } + ["\(problems.count) problem(s) in \(checked) files"]).joined(separator: "\n")
            try emit(Verification(run: verify, checked: checked, problems: problems), text: text)
            if !problems.isEmpty { throw ExitCode(1) }
        } else if let file {
            if let episode {
                let frames = try Inspector.replay(rolloutPath: file, episode: episode)
                try emit(Replay(file: file, episode: episode, frames: frames), text: frames)
            } else if let worst {
                let rows = try Inspector.worst(evaluationPath: file, count: worst)
                try emit(rows, text: Inspector.text(rows))
            } else {
                let report = try Inspector.describe(path: file)
                try emit(report, text: Inspector.text(report))
            }
        }
    }
}

Inspect.main()
