/// The start configurations and random streams of the rollout stage's
/// episodes `episodes` (a range of `config.rolloutEpisodes`) at `iteration`.
///
/// The blog's method: P reference then P candidate episodes; episode e uses
/// the stream (seed, rollout, iteration, e) for its start configuration and
/// then its actions; with `rollout.pairing: same_start`, candidate P+i starts
/// where reference i does (that start drawn again from i's stream). GRPO: S groups of G episodes; group g's start comes from
/// the stream (seed, group, iteration, g) and episode e = g·G + k draws its
/// actions from (seed, rollout, iteration, e).
public func rolloutStarts(config: PipelineConfig, iteration: Int, episodes: Range<Int>)
    -> (starts: [(agent: Int, goal: Int)], streams: [RandomStream], groups: [Int]) {
    let world = config.world
    var streams: [RandomStream] = [], starts: [(agent: Int, goal: Int)] = [], groups: [Int] = []
    for episode in episodes {
        var stream = RandomStream(seed: config.seed, stage: .rollout, iteration: iteration, index: episode)
        switch config.algorithm {
        case .preference:
            starts.append(world.sampleStart(&stream))
            // same_start: the candidate still draws (and discards) its own
            // start, so its actions use its stream exactly as they would.
            if config.rollout.pairing == .sameStart, episode >= config.rollout.pairs {
                var reference = RandomStream(seed: config.seed, stage: .rollout, iteration: iteration, index: episode - config.rollout.pairs)
                starts[starts.count - 1] = world.sampleStart(&reference)
            }
        case .grpo:
            let group = episode / config.grpo.groupSize
            var groupStream = RandomStream(seed: config.seed, stage: .group, iteration: iteration, index: group)
            starts.append(world.sampleStart(&groupStream))
            groups.append(group)
        }
        streams.append(stream)
    }
    return (starts, streams, groups)
}

/// The rollout stage's episodes for `iteration`, all in memory.
public func sampleRollout(policy: MLP, config: PipelineConfig, iteration: Int, threads: Int) -> Episodes {
    let count = config.rolloutEpisodes
    let table = PolicyTable.shared(policy: policy, world: config.world, episodes: count, threads: threads)
    return sampleRollout(policy: policy, table: table, config: config, iteration: iteration, episodes: 0..<count, threads: threads)
}

/// The rollout stage's episodes `episodes` (a range of them) for `iteration`,
/// looked up in `table` (nil: filled as the episodes go). The stage samples
/// its episodes block by block this way, sharing one table.
public func sampleRollout(policy: MLP, table: PolicyTable?, config: PipelineConfig, iteration: Int,
                          episodes: Range<Int>, threads: Int) -> Episodes {
    let (starts, streams, groups) = rolloutStarts(config: config, iteration: iteration, episodes: episodes)
    var sampled = runEpisodes(policy: policy, table: table, world: config.world, starts: starts, streams: streams,
                              selection: .sample, gamma: Float(config.rollout.gamma), threads: threads)
    sampled.groups = groups
    return sampled
}

/// Episodes the rollout stage holds in memory at once (at most 100 steps of
/// 28 bytes each: under 25 MB), before appending them to rollout.h5.
public let rolloutBlock = 8192
