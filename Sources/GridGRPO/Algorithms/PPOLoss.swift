/// PPO's clipped surrogate (Schulman et al. 2017) as the blog uses it:
///
///     r_t = exp(log π(a_t|s_t) − log π_old(a_t|s_t))
///     L   = −(1/T) Σ_t min(r_t·A_t, clip(r_t, 1−ε, 1+ε)·A_t)
///
/// Returns the loss and ∂L/∂logits (`T × 4`). Where the clipped term is the
/// strictly smaller one its gradient is zero; otherwise ∂L/∂log π = −r_t·A_t/T,
/// and ∂log π(a|s)/∂logit_j = 1[j = a] − π(j|s).
public func ppoClippedLoss(logits: [Float], actions: [Int], oldLogProbs: [Float], advantages: [Float],
                           epsilon: Float) -> (loss: Float, logitGradient: [Float], clipFraction: Float, approxKL: Float) {
    let width = GridWorld.actionCount
    let count = actions.count
    let logProbs = logSoftmax(logits, width: width)
    var gradient = [Float](repeating: 0, count: logits.count)
    var loss: Double = 0, clipped = 0, approxKL: Double = 0
    let scale = 1 / Float(count)
    for t in 0..<count {
        let base = t * width
        let logRatio = logProbs[base + actions[t]] - oldLogProbs[t]
        let ratio = logRatio.exp
        let advantage = advantages[t]
        let unclipped = ratio * advantage
        let clippedRatio = min(max(ratio, 1 - epsilon), 1 + epsilon)
        let surrogate = clippedRatio * advantage
        if clippedRatio != ratio { clipped += 1 }
        loss -= Double(min(unclipped, surrogate))
        approxKL += Double((ratio - 1) - logRatio)
        guard unclipped <= surrogate else { continue }
        let dLogProb = -unclipped * scale
        for j in 0..<width {
            let indicator: Float = j == actions[t] ? 1 : 0
            gradient[base + j] = dLogProb * (indicator - logProbs[base + j].exp)
        }
    }
    return (Float(loss / Double(count)), gradient, Float(clipped) / Float(count), Float(approxKL / Double(count)))
}

/// Mean squared error (1/T) Σ (V_t − G_t)² and its gradient 2(V_t − G_t)/T.
public func meanSquaredError(predictions: [Float], targets: [Float]) -> (loss: Float, gradient: [Float]) {
    let scale = 1 / Float(predictions.count)
    var loss: Double = 0
    var gradient = [Float](repeating: 0, count: predictions.count)
    for t in 0..<predictions.count {
        let error = predictions[t] - targets[t]
        loss += Double(error * error)
        gradient[t] = 2 * error * scale
    }
    return (Float(loss / Double(predictions.count)), gradient)
}
