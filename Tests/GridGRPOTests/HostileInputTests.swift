import Foundation
import Testing
@testable import GridGRPO

/// Well-formed files whose contents lie (rewritten through h5py, every
/// checksum valid, or written through GridGRPO's own HDF5 layer), links, and
/// inputs that are not regular files, given to the real stage executables
/// and to inspect: each must be refused in one line naming the file, with a
/// non-zero status, no output file, no signal, no hang and bounded memory.
@Suite("Hostile but well-formed inputs", .serialized)
struct HostileInputTests {
    /// One stage of iteration 2 of `run`, with `role`'s input replaced by `file`.
    func stage(_ stage: Stage, _ run: SmallRun, _ role: InputRole, _ file: String, output: String) throws -> [String] {
        let config = try PipelineConfig.load(path: run.config)
        var invocation = StageInvocation(stage: stage, iteration: 2, config: config, directory: run.directory)
        let index = try #require(invocation.inputs.firstIndex { $0.role == role })
        invocation.inputs[index].path = file
        invocation.output = output
        return invocation.arguments
    }

    func copy(_ source: String, _ name: String, in run: SmallRun) throws -> String {
        let path = run.directory + "/" + name
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: source, toPath: path)
        return path
    }

    @Test func liesThroughH5pyAreRefused() throws {
        let run = try SmallRun(algorithm: .preference)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let dir = "\(run.directory)/iter-0002"
        // (what, stage, role, source, h5py edit of `f`, what the message names)
        let cases: [(String, Stage, InputRole, String, String, String)] = [
            ("2^40 steps claimed", .pair, .rollout, dir + "/rollout.h5",
             "del f['steps/reward']; f.create_dataset('steps/reward', shape=(2**40,), maxshape=(None,), chunks=(4096,), dtype='<f4')", "/steps/reward"),
            ("2^62 rows claimed", .checkpoint, .evaluation, dir + "/eval.h5",
             "del f['return']; f.create_dataset('return', shape=(2**62,), maxshape=(None,), chunks=(4096,), dtype='<f4')", "/return"),
            ("resized offsets", .update, .rollout, dir + "/rollout.h5",
             "f['episodes/offsets'].resize((2**40,))", "/episodes/offsets"),
            ("NaN returns", .pair, .rollout, dir + "/rollout.h5",
             "r = f['episodes/return']; r[0] = np.nan", "/episodes/return"),
            ("Inf log-prob", .update, .rollout, dir + "/rollout.h5",
             "r = f['steps/log_prob']; r[1] = np.inf", "/steps/log_prob"),
            ("eval with zero rows", .checkpoint, .evaluation, dir + "/eval.h5",
             "f.attrs['configuration_count'] = np.int64(0)\nfor k in ['agent','goal','distance','optimal_return','return','length','success','optimal']:\n    d = f[k][:0]; dt = f[k].dtype; del f[k]; f.create_dataset(k, data=d, dtype=dt)", "configuration_count"),
            ("eval with extra rows", .checkpoint, .evaluation, dir + "/eval.h5",
             "for k in ['agent','goal','distance','optimal_return','return','length','success','optimal']:\n    d = np.concatenate([f[k][:], f[k][:10]]); dt = f[k].dtype; del f[k]; f.create_dataset(k, data=d, dtype=dt)", "/agent"),
            ("eval rows reordered", .checkpoint, .evaluation, dir + "/eval.h5",
             "for k in ['agent','goal','distance','optimal_return','return','length','success','optimal']:\n    d = f[k][:][::-1]; dt = f[k].dtype; del f[k]; f.create_dataset(k, data=d, dtype=dt)", "/agent"),
            ("1 pair where the config says 8", .update, .pairs, dir + "/pairs.h5",
             "f.attrs['pair_count'] = np.int64(1)\nfor k in ['preferred','rejected','preferred_return','rejected_return','tie']:\n    d = f[k][:1]; dt = f[k].dtype; del f[k]; f.create_dataset(k, data=d, dtype=dt)", "pair_count"),
            ("NaN previous best mean return", .checkpoint, .previous, run.directory + "/iter-0001/best.h5",
             "f.attrs['mean_return'] = np.float64('nan')", "mean_return"),
            ("3e38 weights", .evaluate, .weights, dir + "/weights.h5",
             "w = f['policy/network.0.weight']; w[0, 0] = 3e38", "/policy/network.0.weight"),
            // Adam's state is read (and checked) by the update, the one stage that
            // uses it; rollout, evaluate and checkpoint read only the networks.
            ("negative Adam second moment", .update, .weights, run.directory + "/iter-0001/weights.h5",
             "w = f['adam/policy/exp_avg_sq/network.0.bias']; w[0] = -1", "exp_avg_sq"),
            ("schema_version stored as float64", .evaluate, .weights, dir + "/weights.h5",
             "f.attrs['schema_version'] = np.float64(2.0)", "schema_version"),
            ("step_count stored as int32", .pair, .rollout, dir + "/rollout.h5",
             "f.attrs['step_count'] = np.int32(f.attrs['step_count'])", "step_count"),
            ("config as an array", .evaluate, .weights, dir + "/weights.h5",
             "f.attrs['stage'] = np.array([b'update', b'update'])", "stage"),
            ("external link", .evaluate, .weights, dir + "/weights.h5",
             "del f['policy/network.0.weight']; f['policy/network.0.weight'] = h5py.ExternalLink('/etc/elsewhere.h5', '/x')", "external link"),
            ("soft link", .evaluate, .weights, dir + "/weights.h5",
             "del f['policy']; f['policy'] = h5py.SoftLink('/adam/policy')", "soft link"),
        ]
        try expectRefused(cases, in: run)
    }

    /// Each case: `source` copied and edited through h5py, given to `stage`
    /// as its `role` input, must be refused in one line naming the file and
    /// `needle`; inspect may show the file but never crashes, hangs or
    /// balloons on it.
    func expectRefused(_ cases: [(String, Stage, InputRole, String, String, String)], in run: SmallRun) throws {
        let output = run.directory + "/out.h5"
        for (what, stage, role, source, edit, needle) in cases {
            let hostile = try copy(source, "hostile-\(stage.rawValue).h5", in: run)
            try h5py("f = h5py.File('\(hostile)', 'r+')\n\(edit)\nf.close()")
            try? FileManager.default.removeItem(atPath: output)
            let outcome = try launchHostile(stage.executable, try self.stage(stage, run, role, hostile, output: output))
            outcome.expectRefusal(what, mentioning: needle, output: output)
            #expect(outcome.output.contains(hostile), "\(what): does not name the file: \(outcome.output)")
            let inspected = try launchHostile("inspect", [hostile])
            #expect(!inspected.signaled && inspected.peakKB < 400_000, "inspect on \(what): \(inspected.output)")
            #expect(inspected.status == 0 || inspected.output.split(separator: "\n").count == 1, "inspect on \(what): \(inspected.output)")
        }
    }

    /// The same for the files of a run that learns its reward: labels.h5,
    /// reward.h5 and the labels an evaluation records.
    @Test func liesInLabelsAndRewardFilesAreRefused() throws {
        let run = try SmallRun(algorithm: .preference, learned: true)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let dir = "\(run.directory)/iter-0002"
        let cases: [(String, Stage, InputRole, String, String, String)] = [
            ("2^40 label steps claimed", .reward, .labels, dir + "/labels.h5",
             "del f['steps/action']; f.create_dataset('steps/action', shape=(2**40,), maxshape=(None,), chunks=(4096,), dtype='u1')", "/steps/action"),
            ("label_count beyond the run's budget", .reward, .labels, dir + "/labels.h5",
             "f.attrs['label_count'] = np.int64(2**40)", "label_count"),
            ("an answer of 0.3", .reward, .labels, dir + "/labels.h5",
             "p = f['labels/preference']; p[0] = 0.3", "/labels/preference"),
            ("an episode index past the rollout", .reward, .labels, dir + "/labels.h5",
             "e = f['labels/first_episode']; e[0] = 10**6", "/labels/first_episode"),
            ("offsets that run backwards", .reward, .labels, dir + "/labels.h5",
             "o = f['segments/offsets']; o[2] = 0", "/segments/offsets"),
            ("a NaN reward scale", .pair, .reward, dir + "/reward.h5",
             "f.attrs['reward_scale'] = np.float32('nan')", "reward_scale"),
            ("3e38 reward weights", .update, .reward, dir + "/reward.h5",
             "w = f['ensemble/member_0/network.0.weight']; w[0, 0] = 3e38", "network.0.weight"),
            ("2^40 training losses claimed", .pair, .reward, dir + "/reward.h5",
             "del f['metrics/training_loss']; f.create_dataset('metrics/training_loss', shape=(2**40,), maxshape=(None,), chunks=(4096,), dtype='<f4')", "/metrics/training_loss"),
            ("a negative person_label_count", .evaluate, .labels, dir + "/labels.h5",
             "f.attrs['person_label_count'] = np.int64(-1)", "person_label_count"),
        ]
        try expectRefused(cases, in: run)
    }

    @Test func liesThroughTheProjectsOwnLayerAreRefused() throws {
        let run = try SmallRun(algorithm: .preference)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let config = try PipelineConfig.load(path: run.config)
        let dir = "\(run.directory)/iter-0002", output = run.directory + "/out.h5"
        // an eval.h5 of a 2×2 grid (12 rows) where the config's grid is 3×3
        var small = config
        small.environment.gridSize = 2
        let evaluation = try ArtifactSchema.readEvaluation(path: dir + "/eval.h5", config: config)
        let (agent, _, _) = try ArtifactSchema.readWeights(path: dir + "/weights.h5", config: config)
        let other = Evaluation.run(policy: Agent.initial(world: small.world, hiddenSize: 8, seed: 1).policy, world: small.world,
                                   sampledEpisodes: config.evaluation.sampledEpisodes, seed: 1, iteration: 2)
        let wrongGrid = run.directory + "/wrong-grid.h5"
        try ArtifactSchema.writeEvaluation(other, world: small.world, provenance: evaluation.provenance, to: wrongGrid)
        try launchHostile("checkpoint", try stage(.checkpoint, run, .evaluation, wrongGrid, output: output))
            .expectRefusal("eval of another grid", mentioning: "configuration_count", output: output)
        // weights of 3e38 written through the writer
        var huge = agent
        huge.policy.parameters[5] = 3e38
        let hugePath = run.directory + "/huge.h5"
        try ArtifactSchema.writeWeights(huge, world: config.world, metrics: nil, provenance: try ArtifactSchema.readWeights(path: dir + "/weights.h5", config: config).provenance, to: hugePath)
        try launchHostile("evaluate", try stage(.evaluate, run, .weights, hugePath, output: output))
            .expectRefusal("3e38 weights", mentioning: "expected weights", output: output)
        // a hard-link cycle inspect must not recurse into
        let cycle = try copy(dir + "/weights.h5", "cycle.h5", in: run)
        try h5py("f = h5py.File('\(cycle)', 'r+')\nf['policy']['loop'] = f['/']\nf.close()")
        let walked = try launchHostile("inspect", [cycle])
        walked.expectRefusal("hard-link cycle", mentioning: "a second link to a group already seen", output: nil)
        let soft = try copy(dir + "/weights.h5", "soft.h5", in: run)
        try h5py("f = h5py.File('\(soft)', 'r+')\nf['adam']['loop'] = h5py.SoftLink('/adam')\nf.close()")
        try launchHostile("inspect", [soft]).expectRefusal("soft-link cycle", mentioning: "soft link", output: nil)
        let verified = try launchHostile("inspect", ["--verify", run.directory])
        #expect(!verified.signaled && verified.status == 1, "verify: \(verified.output)")
    }

    @Test func inputsThatAreNotRegularFilesAreRefused() throws {
        let run = try SmallRun(algorithm: .preference)
        defer { try? FileManager.default.removeItem(atPath: run.directory) }
        let fifo = run.directory + "/fifo.h5", folder = run.directory + "/folder.h5", output = run.directory + "/out.h5"
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect((try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)) != nil)
        for (path, kind) in [(fifo, "a FIFO"), (folder, "a directory"), ("/dev/null", "a character device")] {
            try launchHostile("evaluate", try stage(.evaluate, run, .weights, path, output: output), deadline: 20)
                .expectRefusal("evaluate on \(kind)", mentioning: "\(path): is \(kind)", output: output)
            try launchHostile("inspect", [path], deadline: 20).expectRefusal("inspect on \(kind)", mentioning: "is \(kind)", output: nil)
            var config = try stage(.evaluate, run, .weights, run.directory + "/iter-0002/weights.h5", output: output)
            config[try #require(config.firstIndex(of: "--config")) + 1] = path
            try launchHostile("evaluate", config, deadline: 20).expectRefusal("config that is \(kind)", mentioning: "is \(kind)", output: output)
        }
    }
}
