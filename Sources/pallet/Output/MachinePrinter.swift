import PalletExecutor

/// The lines that tell the operator what happened to the VirtualBox machines before the phases:
/// in a preview the machine changes apply would make, after apply the nodes it created, and
/// always the nodes left out of the run.
enum MachinePrinter {
    /// The lines for `outcome` of a stage run in `mode`.
    static func lines(_ outcome: MachineStage.Outcome, mode: MachineStage.Mode) -> [String] {
        var lines: [String] = []
        // Only when the run looked at VirtualBox groups or orphans: a hosts-only preview has no machine part.
        let looked = !outcome.targets.isEmpty || !outcome.changes.isEmpty || !outcome.errors.isEmpty
        if mode == .preview && looked {
            let changes = outcome.changes.filter(\.changesMachine)
            let kept = outcome.changes.count - changes.count
            let unchanged = kept == 0 ? "" : kept == 1 ? " (1 VM stays as it is)" : " (\(kept) VMs stay as they are)"
            lines.append(changes.isEmpty ? "pallet: machine changes: none\(unchanged)" : "pallet: machine changes pallet apply would make\(unchanged):")
            lines += changes.map { "  \($0.summary)" }
        }
        if !outcome.created.isEmpty { lines.append("pallet: created \(outcome.created.joined(separator: ", "))") }
        lines += outcome.notices.map { "pallet: note: \($0)" }
        return lines
    }
}
