/// π(·|s) of a fixed policy for the states of one grid world, each computed
/// once. The state space is finite (agent cell × goal cell), so rollouts and
/// evaluations look actions up here instead of running the network per step.
/// Each state's row comes from a forward pass that does not depend on the
/// other states in its batch, so a table filled in any order or chunking holds
/// the same bits.
public struct PolicyTable: Sendable {
    public let cells: Int
    private(set) var known: [Bool]
    /// log π(a|s), state-major (`state · 4 + a`), state = agent · cells + goal.
    private(set) var logProbs: [Float]
    /// Σ_{b ≤ a} π(b|s) summed in action order: the sampler's CDF.
    private(set) var cumulative: [Float]
    /// argmax_a π(a|s), ties to the lowest action.
    private(set) var greedy: [Int32]

    /// States per forward batch when the whole table is filled up front.
    static let chunkStates = 64

    /// An empty table, filled state by state as episodes reach new states.
    public init(cells: Int) {
        self.cells = cells
        known = [Bool](repeating: false, count: cells * cells)
        logProbs = [Float](repeating: 0, count: cells * cells * GridWorld.actionCount)
        cumulative = logProbs
        greedy = [Int32](repeating: 0, count: cells * cells)
    }

    /// The table of every state, filled in fixed chunks of states over `threads` threads.
    public static func complete(policy: MLP, cells: Int, threads: Int) -> PolicyTable {
        var table = PolicyTable(cells: cells)
        let stateCount = cells * cells
        let chunkCount = (stateCount + chunkStates - 1) / chunkStates
        let rows = Parallel.map(chunks: chunkCount, threads: threads) { chunk -> [Float] in
            let states = Array((chunk * chunkStates)..<min(stateCount, (chunk + 1) * chunkStates))
            return policy.forward(agents: states.map { $0 / cells }, goals: states.map { $0 % cells }, cellCount: cells).output
        }
        for (chunk, logits) in rows.enumerated() {
            table.store(firstState: chunk * chunkStates, logits: logits)
        }
        return table
    }

    /// The table to share among `episodes` episodes: filled once, up front,
    /// when that costs no more than the episodes would (small grids); nil
    /// otherwise, and each chunk of episodes fills its own as it goes.
    public static func shared(policy: MLP, cells: Int, episodes: Int, threads: Int) -> PolicyTable? {
        cells * cells <= max(4096, 4 * episodes) ? complete(policy: policy, cells: cells, threads: threads) : nil
    }

    mutating func fill(state: Int, policy: MLP) {
        let logits = policy.forward(agents: [state / cells], goals: [state % cells], cellCount: cells).output
        store(firstState: state, logits: logits)
    }

    private mutating func store(firstState: Int, logits: [Float]) {
        let width = GridWorld.actionCount
        let logProbRows = logSoftmax(logits, width: width)
        for row in 0..<(logits.count / width) {
            let state = firstState + row
            var running: Float = 0
            for a in 0..<width {
                let logProb = logProbRows[row * width + a]
                logProbs[state * width + a] = logProb
                running += logProb.exp
                cumulative[state * width + a] = running
            }
            greedy[state] = Int32(argmax(logits[(row * width)..<((row + 1) * width)]))
            known[state] = true
        }
    }
}
