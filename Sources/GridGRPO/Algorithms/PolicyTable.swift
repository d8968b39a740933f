/// π(·|s) of a fixed policy for the states of one grid world, each computed
/// once. The state space is finite (agent floor cell × goal floor cell), so
/// rollouts and evaluations look actions up here instead of running the
/// network per step. Each state's row comes from a forward pass that does not
/// depend on the other states in its batch, so a table filled in any order or
/// chunking holds the same bits.
///
/// States count floor cells only: with F floor cells, state =
/// floor(goal)·F + floor(agent), F² states (N⁴ on the open grid, fewer behind
/// walls: a 31×31 maze has 511 floor cells, 261 121 states instead of 923 521).
/// Goal-major, because an episode keeps its goal: all its states lie within
/// one goal's F rows (8 KB of log-probabilities on that maze), which stay in
/// the cache, where agent-major rows were F apart and nearly every step of a
/// large grid's episode missed it.
public struct PolicyTable: Sendable {
    /// F: the world's floor cells.
    public let floorCount: Int
    /// Each cell's index among the floor cells, −1 off the floor.
    let floorIndex: [Int32]
    /// The floor cells in increasing order.
    let floorCells: [Int]
    let cellCount: Int
    private(set) var known: [Bool]
    /// log π(a|s), state-major (`state · 4 + a`).
    private(set) var logProbs: [Float]
    /// Σ_{b ≤ a} π(b|s) summed in action order: the sampler's CDF.
    private(set) var cumulative: [Float]
    /// argmax_a π(a|s), ties to the lowest action.
    private(set) var greedy: [Int32]

    /// States per chunk of work when the whole table is filled up front
    /// (about 0.2 ms of forward passes at h = 64): the tables of grids up to
    /// 5×5 are one chunk and fill on the calling thread, where spreading
    /// their 0.1 ms over two threads cost more in starting the threads than
    /// it saved. The chunking never changes a state's row.
    static let chunkStates = 1024

    /// An empty table, filled state by state as episodes reach new states.
    public init(world: GridWorld) {
        cellCount = world.cellCount
        floorCells = (0..<world.cellCount).filter(world.isFloor)
        floorCount = floorCells.count
        var index = [Int32](repeating: -1, count: world.cellCount)
        for (position, cell) in floorCells.enumerated() { index[cell] = Int32(position) }
        floorIndex = index
        let states = floorCount * floorCount
        known = [Bool](repeating: false, count: states)
        logProbs = [Float](repeating: 0, count: states * GridWorld.actionCount)
        cumulative = logProbs
        greedy = [Int32](repeating: 0, count: states)
    }

    public var stateCount: Int { floorCount * floorCount }

    /// The state of an agent and a goal, both on floor cells.
    @inline(__always)
    func state(agent: Int, goal: Int) -> Int {
        Int(floorIndex[goal]) &* floorCount &+ Int(floorIndex[agent])
    }

    /// The agent and goal cells of a state, for the network's input.
    func cells(of state: Int) -> (agent: Int, goal: Int) {
        (floorCells[state % floorCount], floorCells[state / floorCount])
    }

    /// The table of every state, filled in fixed chunks of states over `threads` threads.
    public static func complete(policy: MLP, world: GridWorld, threads: Int) -> PolicyTable {
        var table = PolicyTable(world: world)
        let stateCount = table.stateCount
        let chunkCount = (stateCount + chunkStates - 1) / chunkStates
        let shape = table
        let weights = Self.weights(policy)
        let width = GridWorld.actionCount
        let rows = Parallel.map(chunks: chunkCount, threads: threads) { chunk -> [Float] in
            let states = (chunk * chunkStates)..<min(stateCount, (chunk + 1) * chunkStates)
            var logits = [Float](repeating: 0, count: states.count * width)
            logits.withUnsafeMutableBufferPointer { buffer in
                guard let out = buffer.baseAddress else { return }
                for (row, state) in states.enumerated() {
                    let (agent, goal) = shape.cells(of: state)
                    weights.output(agent: agent, goal: goal, cellCount: shape.cellCount, into: out + row * width)
                }
            }
            return logits
        }
        for (chunk, logits) in rows.enumerated() {
            logits.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                for row in 0..<(logits.count / width) { table.store(state: chunk * chunkStates + row, logits: base + row * width) }
            }
        }
        return table
    }

    /// The table to share among `episodes` episodes: filled once, up front,
    /// when that costs no more than the episodes would (small grids); nil
    /// otherwise, and each chunk of episodes fills its own as it goes.
    public static func shared(policy: MLP, world: GridWorld, episodes: Int, threads: Int) -> PolicyTable? {
        let floor = (0..<world.cellCount).filter(world.isFloor).count
        return floor * floor <= max(4096, 4 * episodes) ? complete(policy: policy, world: world, threads: threads) : nil
    }

    /// The policy's weights laid out for filling states one at a time: the
    /// first layer by input cell (`ForwardWeights(inputColumns:)`). Every
    /// table filler (rollouts, evaluations, episode criteria) builds them here.
    static func weights(_ policy: MLP) -> ForwardWeights {
        ForwardWeights(policy, inputColumns: true)
    }

    /// Fills one state from the policy's forward weights (`weights(_:)`).
    mutating func fill(state: Int, weights: ForwardWeights) {
        let (agent, goal) = cells(of: state)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: GridWorld.actionCount) { logits in
            guard let out = logits.baseAddress else { return }
            weights.output(agent: agent, goal: goal, cellCount: cellCount, into: out)
            store(state: state, logits: out)
        }
    }

    /// One state's row from its logits: `logSoftmax`, the running sum of π
    /// in action order and `argmax`.
    private mutating func store(state: Int, logits: UnsafePointer<Float>) {
        let width = GridWorld.actionCount
        withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { row in
            guard let logProb = row.baseAddress else { return }
            logSoftmax(logits, width: width, into: logProb)
            var running: Float = 0
            for a in 0..<width {
                logProbs[state * width + a] = logProb[a]
                running += logProb[a].exp
                cumulative[state * width + a] = running
            }
        }
        greedy[state] = Int32(argmax(logits, count: width))
        known[state] = true
    }
}
