/// π(·|s) of a fixed policy for the states of one grid world, each computed
/// once. The state space is finite (agent floor cell × goal floor cell), so
/// rollouts and evaluations look actions up here instead of running the
/// network per step. Each state's row comes from a forward pass that does not
/// depend on the other states in its batch, so a table filled in any order or
/// chunking holds the same bits.
///
/// States count floor cells only: with F floor cells, state =
/// floor(agent)·F + floor(goal), F² states (N⁴ on the open grid, fewer behind
/// walls: a 31×31 maze has 511 floor cells, 261 121 states instead of 923 521).
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

    /// States per forward batch when the whole table is filled up front.
    static let chunkStates = 64

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
        Int(floorIndex[agent]) &* floorCount &+ Int(floorIndex[goal])
    }

    /// The agent and goal cells of a state, for the network's input.
    func cells(of state: Int) -> (agent: Int, goal: Int) {
        (floorCells[state / floorCount], floorCells[state % floorCount])
    }

    /// The table of every state, filled in fixed chunks of states over `threads` threads.
    public static func complete(policy: MLP, world: GridWorld, threads: Int) -> PolicyTable {
        var table = PolicyTable(world: world)
        let stateCount = table.stateCount
        let chunkCount = (stateCount + chunkStates - 1) / chunkStates
        let shape = table
        let rows = Parallel.map(chunks: chunkCount, threads: threads) { chunk -> [Float] in
            let states = (chunk * chunkStates)..<min(stateCount, (chunk + 1) * chunkStates)
            let pairs = states.map(shape.cells(of:))
            return policy.forward(agents: pairs.map(\.agent), goals: pairs.map(\.goal), cellCount: shape.cellCount).output
        }
        for (chunk, logits) in rows.enumerated() {
            table.store(firstState: chunk * chunkStates, logits: logits)
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

    mutating func fill(state: Int, policy: MLP) {
        let (agent, goal) = cells(of: state)
        let logits = policy.forward(agents: [agent], goals: [goal], cellCount: cellCount).output
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
