/// `update.advantage_normalization` applied to one minibatch's advantages.
///
/// `minibatch` is CleanRL's `norm_adv`, stated exactly: with n advantages a_i
/// (Float), the mean m = (Σ a_i)/n and the variance v = Σ (a_i − m)²/(n − 1)
/// are summed in Double in index order; s = √v (0 when n = 1, where PyTorch's
/// `std` would give NaN); each a_i becomes Float((a_i − m)/(s + 1e-8)),
/// computed in Double and rounded once. A minibatch whose advantages are all
/// equal becomes all zeros.
extension UpdateConfig.AdvantageNormalization {
    public func applied(to advantages: [Float]) -> [Float] {
        switch self {
        case .none: return advantages
        case .minibatch:
            let n = advantages.count
            guard n > 0 else { return advantages }
            var sum = 0.0
            for a in advantages { sum += Double(a) }
            let mean = sum / Double(n)
            var squares = 0.0
            for a in advantages { let d = Double(a) - mean; squares += d * d }
            let std = n > 1 ? (squares / Double(n - 1)).squareRoot() : 0
            let scale = std + 1e-8
            return advantages.map { Float((Double($0) - mean) / scale) }
        }
    }
}
