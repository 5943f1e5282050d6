import PalletContract
import PalletSpec

/// Checks that a bundle stays within ``Limits/bundleBytes``: the text values its `run.sh` will
/// hold plus its payload files, identical payloads counted once (the emitter stores them once).
struct BundleSizeCheck {
    let diagnostics: Diagnostics

    /// Checks the steps of bundle `group`/`phase` in order, reporting the step that takes the
    /// bundle past the limit; false then.
    func check(_ steps: [PlanStep], group: String, phase: PhaseName) -> Bool {
        var total = 0
        var stored: Set<[UInt8]> = []
        for step in steps {
            for option in step.options {
                if case .payload(let bytes, _) = option.value {
                    if stored.insert(SHA256.digest(bytes)).inserted { total += bytes.count }
                } else {
                    total += option.value.texts.reduce(0) { $0 + $1.byteCount }
                }
            }
            if total > Limits.bundleBytes {
                diagnostics.error(step.origin, "bundle \(group)/\(phase) grows to \(Limits.describe(total)) with this step"
                    + (step.via.map { " (\($0))" } ?? "") + ", over the limit of \(Limits.describe(Limits.bundleBytes)) "
                    + "of values and distinct payload files per bundle (docs/limits.md)")
                return false
            }
        }
        return true
    }
}
