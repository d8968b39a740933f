import Foundation

/// `label --interactive`: a person labels the iteration's pairs in the
/// terminal. Each pair is shown side by side as the blog's text frames
/// (`. . A . .`, `G` the goal, `X` the agent on it), and the person answers
/// 1 (the first is better), 2 (the second), = (equally good), s (skip this
/// pair) or q (stop; the answers so far are kept).
public enum HandLabelling {
    public enum Reply: Equatable, Sendable {
        case first, second, tie, skip, quit
    }

    /// A typed line as a reply; nil when it is none of them.
    public static func reply(_ line: String) -> Reply? {
        switch line.trimmingCharacters(in: .whitespaces).lowercased() {
        case "1": return .first
        case "2": return .second
        case "=": return .tie
        case "s", "skip": return .skip
        case "q", "quit": return .quit
        default: return nil
        }
    }

    static let prompt = "Which is better? 1 = first, 2 = second, = equally good, s skip, q quit: "

    /// One episode as a column of the blog's frames: the start, then each
    /// move (the middle of a long episode elided), then how it ended.
    static func column(_ episodes: Episodes, _ episode: Int, world: GridWorld, title: String) -> [String] {
        let steps = episodes.steps(episode), goal = episodes.goals[episode]
        let cells = Array(episodes.agentCells[steps]), actions = Array(episodes.actions[steps])
        let reached = episodes.successes[episode]
        var lines = ["\(title): \(actions.count) move\(actions.count == 1 ? "" : "s"), \(reached ? "reached the goal" : "did not reach the goal")",
                     "moves: " + actions.map { ["U", "R", "D", "L"][$0] }.joined(separator: " "), "", "Start"]
        lines += world.render(agent: cells.first ?? goal, goal: goal).split(separator: "\n").map(String.init)
        let shown = actions.count <= 8 ? Array(0..<actions.count) : Array(0..<5) + [actions.count - 2, actions.count - 1]
        for (position, step) in shown.enumerated() {
            if position > 0, step != shown[position - 1] + 1 { lines += ["", "… \(step - shown[position - 1] - 1) moves not shown …"] }
            let after = world.move(cells[step], actions[step])
            lines += ["", "Step \(step + 1): Agent chooses \(GridWorld.actionNames[actions[step]].uppercased())"]
            lines += world.render(agent: after, goal: goal).split(separator: "\n").map(String.init)
        }
        lines += ["", reached ? "Goal reached!" : "Stopped after \(actions.count) moves."]
        return lines
    }

    /// The screen for one pair: the two episodes side by side.
    public static func screen(_ episodes: Episodes, first: Int, second: Int, world: GridWorld, header: String) -> String {
        let left = column(episodes, first, world: world, title: "Episode 1"), right = column(episodes, second, world: world, title: "Episode 2")
        let width = max(38, (left.map(\.count).max() ?? 0) + 2)
        var lines = [header, String(repeating: "─", count: width * 2 + 3)]
        for row in 0..<max(left.count, right.count) {
            let a = row < left.count ? left[row] : "", b = row < right.count ? right[row] : ""
            lines.append(a.padded(to: width) + " │ " + b)
        }
        return lines.joined(separator: "\n")
    }

    /// Shows the candidates in `order` until `budget` are answered, the
    /// candidates run out, the person quits or the input ends. Returns each
    /// answered candidate with its label (1, 0 or ½).
    public static func session(order: [Int], candidates: [QuerySelection.Candidate], episodes: Episodes, world: GridWorld,
                               budget: Int, iteration: Int, read: () -> String?, write: (String) -> Void) -> [(candidate: Int, preference: Float)] {
        var answers: [(candidate: Int, preference: Float)] = []
        write("Labelling iteration \(iteration) by hand: up to \(budget) of \(order.count) pairs. Judge the behaviour; the rewards are not shown.\n")
        for (shown, candidate) in order.enumerated() where answers.count < budget {
            let pair = candidates[candidate]
            let header = "\nPair \(shown + 1) of \(order.count) (answered \(answers.count) of \(budget))"
            write(screen(episodes, first: pair.first, second: pair.second, world: world, header: header) + "\n\n")
            while true {
                write(prompt)
                guard let line = read() else {
                    write("\nend of input: keeping \(answers.count) answer\(answers.count == 1 ? "" : "s")\n")
                    return answers
                }
                guard let reply = reply(line) else {
                    write("'\(line)' is not an answer.\n")
                    continue
                }
                switch reply {
                case .first: answers.append((candidate, 1))
                case .second: answers.append((candidate, 0))
                case .tie: answers.append((candidate, 0.5))
                case .skip: break
                case .quit:
                    write("quit: keeping \(answers.count) answer\(answers.count == 1 ? "" : "s")\n")
                    return answers
                }
                break
            }
        }
        write("done: \(answers.count) answer\(answers.count == 1 ? "" : "s")\n")
        return answers
    }

    /// Where the person's answers come from: standard input when it is a
    /// terminal (or a pipe, for scripts); the controlling terminal when
    /// standard input is not one but standard output is (make runs recipes
    /// with standard input from /dev/null).
    public static func terminalReader() -> () -> String? {
        if isatty(0) == 0, isatty(1) != 0, let tty = fopen("/dev/tty", "r") {
            return {
                var buffer: UnsafeMutablePointer<CChar>?
                var capacity = 0
                defer { free(buffer) }
                guard getline(&buffer, &capacity, tty) >= 0, let buffer else { return nil }
                return String(cString: buffer).trimmingCharacters(in: .newlines)
            }
        }
        return { readLine() }
    }
}
