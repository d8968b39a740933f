import Testing
@testable import GridGRPO

/// The two hand-overs of the two-thread update: `SharedChunks` (any thread
/// may run any chunk, the results come back in chunk order) and `Handoff`.
@Suite("SharedChunks and Handoff: work shared between the two sides of Parallel.both")
struct SharedWorkTests {
    @Test(arguments: [1, 2, 3, 4])
    func chunksComeBackInOrderWhoeverRunsThem(threads: Int) {
        for count in [1, 2, 7, 64] {
            let chunks = SharedChunks<[Int]>(count: count)
            let (helped, results) = Parallel.both(threads: threads) { threads in
                chunks.help(threads: threads)   // before or after the publish, depending on the schedule
                return true
            } _: { threads in
                chunks.publish { chunk in (0..<(chunk % 5 + 1)).map { chunk * 100 + $0 } }
                return chunks.finish(threads: threads)
            }
            #expect(helped)
            #expect(results == (0..<count).map { chunk in (0..<(chunk % 5 + 1)).map { chunk * 100 + $0 } }, "\(threads) threads, \(count) chunks")
        }
    }

    /// A helper that comes before the work is published runs nothing and
    /// does not wait: the owner then runs every chunk.
    @Test func helpingBeforeThePublishRunsNothing() {
        let chunks = SharedChunks<Int>(count: 5)
        chunks.help()
        chunks.publish { $0 * 3 }
        #expect(chunks.finish(threads: 1) == [0, 3, 6, 9, 12])
    }

    @Test(arguments: [1, 2, 4])
    func theSecondSideTakesWhatTheFirstPuts(threads: Int) {
        for round in 0..<50 {
            let handoff = Handoff<[Int]>()
            let (first, second) = Parallel.both(threads: threads) { _ in
                let value = (0..<(round * 10)).map { $0 * $0 }
                handoff.put(value)
                return value.count
            } _: { _ in
                handoff.take().reduce(0, +)
            }
            #expect(first == round * 10)
            #expect(second == (0..<(round * 10)).reduce(0) { $0 + $1 * $1 })
        }
    }
}
