import PalletContract

/// Pairs the steps of one bundle in two plans and names what was added, removed and changed.
///
/// A step is recognised by its action and summary (`file /etc/motd`); when several steps share
/// both, the first in the base pairs with the first in the new plan, and so on. A pair whose
/// fingerprints differ changed; a pair whose fingerprints are equal is the same step, wherever it
/// was written. Removed steps are listed where they stood, after the step that preceded them.
enum StepMatching {
    /// The changes from `base` to `head`, in `head`'s order; `handler` names the handler the
    /// steps belong to, if any.
    static func changes(base: [StepListDocument.Step], head: [StepListDocument.Step], handler: String? = nil) -> [PlanDiff.StepChange] {
        var waiting: [String: [Int]] = [:]
        for (index, step) in base.enumerated() { waiting[key(step), default: []].append(index) }
        for key in waiting.keys { waiting[key]?.reverse() }
        var partner = [Int?](repeating: nil, count: base.count)
        // `listed[0]` holds what comes before every new step, `listed[i + 1]` new step i's change
        // and then the removed steps that followed its base partner.
        var listed: [[PlanDiff.StepChange]] = Array(repeating: [], count: head.count + 1)
        for (index, step) in head.enumerated() {
            guard let match = waiting[key(step)]?.popLast() else {
                listed[index + 1].append(PlanDiff.StepChange(kind: .added, step: step, previousOrigin: nil, handler: handler))
                continue
            }
            partner[match] = index
            let before = base[match]
            if before.fingerprint != step.fingerprint {
                listed[index + 1].append(PlanDiff.StepChange(
                    kind: .changed, step: step, previousOrigin: before.origin == step.origin ? nil : before.origin, handler: handler))
            }
        }
        // A removed step goes right after the new position of the nearest earlier base step that
        // is still there (or first).
        var slot = 0
        for (index, step) in base.enumerated() {
            if let position = partner[index] {
                slot = position + 1
            } else {
                listed[slot].append(PlanDiff.StepChange(kind: .removed, step: step, previousOrigin: nil, handler: handler))
            }
        }
        return listed.flatMap { $0 }
    }

    /// What identifies a step across plans: its action and summary.
    static func key(_ step: StepListDocument.Step) -> String {
        step.action + "\u{0}" + step.summary
    }
}
