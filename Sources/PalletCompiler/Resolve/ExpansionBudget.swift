import PalletContract
import PalletSpec

/// The bytes a group's values have expanded to, each use of a variable counted, against
/// ``Limits/expandedBytes``: it bounds the compiler's work per group whatever the specs say.
///
/// One budget is shared by a group's scope and the scopes derived from it (crates, templates);
/// a group is resolved on one thread. It also keeps one copy of each payload's bytes, so that a
/// content used by many steps is held once in memory, not once per step.
final class ExpansionBudget {
    /// The bytes charged so far.
    private(set) var used = 0
    /// Whether the limit was passed (reported once).
    private(set) var exceeded = false
    /// The payloads so far, by SHA-256.
    private var payloads: [[UInt8]: [UInt8]] = [:]

    /// Adds `bytes` for a value written at `location`; false, reported once, past the limit.
    func charge(_ bytes: Int, at location: SourceLocation, group: String, diagnostics: Diagnostics) -> Bool {
        guard !exceeded else { return false }
        used += bytes
        guard used > Limits.expandedBytes else { return true }
        exceeded = true
        diagnostics.error(location, "the values of group '\(group)' expand to more than \(Limits.describe(Limits.expandedBytes)) "
            + "in all with this one (each use of a variable counted), over the limit per group (docs/limits.md)")
        return false
    }

    /// `bytes`, or the identical payload kept before (sharing its storage).
    func intern(_ bytes: [UInt8]) -> [UInt8] {
        let key = SHA256.digest(bytes)
        if let kept = payloads[key] { return kept }
        payloads[key] = bytes
        return bytes
    }
}
