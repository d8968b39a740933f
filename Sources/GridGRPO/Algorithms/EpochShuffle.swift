/// The items in the order of one training epoch: a Fisher–Yates shuffle drawn
/// from the stream (seed, update, iteration, epoch), shared by both algorithms.
public func shuffledForEpoch(_ items: [Int], seed: UInt64, iteration: Int, epoch: Int) -> [Int] {
    var order = items
    var random = RandomStream(seed: seed, stage: .update, iteration: iteration, index: epoch)
    for i in stride(from: order.count - 1, to: 0, by: -1) {
        order.swapAt(i, random.nextInt(below: i + 1))
    }
    return order
}
