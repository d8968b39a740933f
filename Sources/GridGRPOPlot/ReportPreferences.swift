import Foundation
import GridGRPO

/// The report's section on a run with a learned reward: who labelled, the
/// labels spent to the optimum, and the reward model per iteration.
extension Report {
    static func preferenceSection(config: PipelineConfig, evaluationPaths: [String], rewardPaths: [String]) throws -> String {
        let history = try PreferenceHistory(config: config, evaluationPaths: evaluationPaths, rewardPaths: rewardPaths)
        let preference = config.preference
        let labeller = preference.source == .file ? "a person (labels typed with <code>make label-by-hand</code>)"
            : "the simulated labeller: P(a ≻ b) = ε/2 + (1 − ε)·σ(β·(U_a − U_b)) with β = \(preference.beta.map { $0.configText } ?? "∞ (deterministic)"), ε = \(preference.errorRate.configText)"
        var html = "<h2>Preferences: learning the reward from labels</h2>\n<div class=\"cell\"><div class=\"label\">In [p]: every labels.h5, reward.h5 and eval.h5</div>\n"
        html += "<p>The policy never saw the true reward: the labels came from \(labeller); an ensemble of \(preference.ensembleSize) reward models r̂(s, a) learned from them (Bradley–Terry cross-entropy), and pair and update used its normalised r̃. The evaluation is on the true reward. See docs/preferences.md.</p>\n"
        let reached = history.labelsToOptimum.map { "\($0.labels) labels (iteration \($0.iteration))" } ?? "not reached"
        html += "<p>Labels spent to a greedy policy optimal from every start configuration: <b>\(reached)</b>; labels spent in the whole run: \(history.labelsSpent.last ?? 0)"
        html += (history.personLabels.last ?? 0) > 0 ? ", \(history.personLabels.last ?? 0) of them by a person.</p>\n" : ".</p>\n"
        html += "<table><tr><th>iteration</th><th>labels spent</th><th>optimal</th><th>success</th><th>held-out accuracy</th><th>held-out loss</th><th>training loss</th><th>pairs ordered as true</th><th>return correlation</th><th>edge moves</th><th>revisits</th></tr>\n"
        let rewards = Dictionary(uniqueKeysWithValues: zip(history.rewardIterations, history.reward))
        for (index, iteration) in history.iterations.enumerated() {
            let model = rewards[iteration]
            func cell(_ value: Double?) -> String { value.map { $0.isFinite ? number($0) : "–" } ?? "–" }
            html += "<tr><td>\(iteration)</td><td>\(history.labelsSpent[index])</td><td>\(percent(history.optimalFraction[index]))</td><td>\(percent(history.successRate[index]))</td>"
            html += "<td>\(model.map { $0.heldOutAccuracy.isFinite ? percent($0.heldOutAccuracy) : "–" } ?? "–")</td><td>\(cell(model?.heldOutLoss))</td>"
            html += "<td>\(cell(model?.trainingLoss.last.map(Double.init)))</td><td>\(model.map { $0.pairAgreement.isFinite ? percent($0.pairAgreement) : "–" } ?? "–")</td>"
            html += "<td>\(cell(model?.returnCorrelation))</td><td>\(number(history.meanEdgeMoves[index]))</td><td>\(number(history.meanRevisits[index]))</td></tr>\n"
        }
        html += "</table></div>\n"
        return html
    }
}
