import Foundation

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
        let term = clippedRatioTerm(logProb: logProbs[base + actions[t]], oldLogProb: oldLogProbs[t], advantage: advantages[t],
                                    low: epsilon, high: epsilon)
        if term.isClipped { clipped += 1 }
        loss -= Double(min(term.unclipped, term.surrogate))
        approxKL += Double(term.approxKL)
        guard term.unclipped <= term.surrogate else { continue }
        storeLogProbGradient(-term.unclipped * scale, action: actions[t], logProbs: logProbs, base: base, into: &gradient)
    }
    return (Float(loss / Double(count)), gradient, Float(clipped) / Float(count), Float(approxKL / Double(count)))
}

/// One step's ratio terms, shared by `ppoClippedLoss` and `grpoLoss`:
/// r = exp(log π − log π_old), the unclipped term r·A, the clipped one
/// clip(r, 1−low, 1+high)·A, whether the clip changed r, and (r − 1) − log r
/// (the approximate KL of old to new).
@inline(__always)
func clippedRatioTerm(logProb: Float, oldLogProb: Float, advantage: Float, low: Float, high: Float)
    -> (unclipped: Float, surrogate: Float, isClipped: Bool, approxKL: Float) {
    let logRatio = logProb - oldLogProb
    let ratio = logRatio.exp
    let unclipped = ratio * advantage
    let clippedRatio = min(max(ratio, 1 - low), 1 + high)
    return (unclipped, clippedRatio * advantage, clippedRatio != ratio, (ratio - 1) - logRatio)
}

/// Stores d·∂log π(a|s)/∂logit_j = d·(1[j = a] − π(j|s)) for the step whose
/// logits start at `base`.
@inline(__always)
func storeLogProbGradient(_ d: Float, action: Int, logProbs: [Float], base: Int, into gradient: inout [Float]) {
    for j in 0..<GridWorld.actionCount {
        let indicator: Float = j == action ? 1 : 0
        gradient[base + j] = d * (indicator - logProbs[base + j].exp)
    }
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

/// CleanRL's entropy bonus (`ent_coef`), which the blog does not have: the
/// loss gains −c·(1/T) Σ_t H_t, H_t = −Σ_j π_j log π_j over the step's four
/// actions, so the update raises the policy's entropy. Adds
/// ∂/∂logit_j = (c/T)·π_j·(log π_j + H_t) to `gradient` (`T × 4`, the same
/// layout as `logits`). Each step's entropy and gradient are computed in
/// Double from the Float log-softmax and rounded once when added.
/// Returns the bonus's loss term and the mean entropy.
public func addEntropyBonus(logits: [Float], coefficient: Float, to gradient: inout [Float]) -> (loss: Float, meanEntropy: Float) {
    let width = GridWorld.actionCount
    let count = logits.count / width
    guard count > 0 else { return (0, 0) }
    let logProbs = logSoftmax(logits, width: width)
    let scale = Double(coefficient) / Double(count)
    var entropySum = 0.0
    for t in 0..<count {
        let base = t * width
        var entropy = 0.0
        for j in 0..<width {
            let logP = Double(logProbs[base + j])
            entropy -= Foundation.exp(logP) * logP
        }
        entropySum += entropy
        for j in 0..<width {
            let logP = Double(logProbs[base + j])
            gradient[base + j] += Float(scale * Foundation.exp(logP) * (logP + entropy))
        }
    }
    let meanEntropy = entropySum / Double(count)
    return (Float(-Double(coefficient) * meanEntropy), Float(meanEntropy))
}
