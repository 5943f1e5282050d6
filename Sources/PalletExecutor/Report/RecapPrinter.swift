/// Formats a run's recap table and, in check mode, the diffs of what would change. Everything in
/// it that a node sent was escaped when it arrived (``NodeText``), and what was cut to stay in the
/// ``OutputLimits`` is said, node by node.
public enum RecapPrinter {
    /// The recap as lines of text; `quiet` keeps only the rows of nodes that changed, failed or
    /// were unreachable, and adds a totals line.
    public static func lines(_ report: RunReport, quiet: Bool = false) -> [String] {
        var lines: [String] = []
        for error in report.errors { lines.append("pallet: error: \(error)") }
        if let slice = report.slice { lines.append("pallet: \(slice.summary)") }
        let rows = report.recap
        guard !rows.isEmpty else { return lines }
        if report.mode == .check {
            for result in report.results where !result.diffs.isEmpty {
                lines.append("--- \(result.node) \(result.phase): would change")
                for step in result.steps where step.status == .wouldChange || step.status == .unknown {
                    // unknown: only a command of the spec could tell, and check mode runs none.
                    let note = step.status == .unknown ? " (unknown: not evaluated in check mode)" : ""
                    lines.append("  step \(step.index)/\(step.total) \(step.text)\(note)")
                }
                lines += result.diffs.map { "  " + $0 }
            }
        }
        for result in report.results {
            if let truncated = result.truncated { lines.append("pallet: \(truncated) (log: \(result.log))") }
        }
        let width = max(4, rows.map(\.node.count).max() ?? 4)
        let groupWidth = max(5, rows.map(\.group.count).max() ?? 5)
        func pad(_ text: String, _ count: Int) -> String { text + String(repeating: " ", count: max(0, count - text.count)) }
        let changedTitle = report.mode == .check ? "would-change" : "changed"
        lines.append("")
        lines.append("\(pad("NODE", width))  \(pad("GROUP", groupWidth))  \(pad("ok", 4))  \(pad(changedTitle, 12))  \(pad("failed", 6))  unreachable")
        for row in rows where !quiet || row.changed > 0 || row.failed > 0 || row.unreachable > 0 {
            lines.append("\(pad(row.node, width))  \(pad(row.group, groupWidth))  \(pad(String(row.ok), 4))  \(pad(String(row.changed), 12))  "
                + "\(pad(String(row.failed), 6))  \(row.unreachable)")
        }
        for row in rows {
            if let message = row.message { lines.append("\(row.node): \(message)") }
        }
        lines.append("\(rows.count) node(s): \(rows.filter { $0.changed > 0 }.count) changed, "
            + "\(rows.filter { $0.failed > 0 }.count) failed, \(rows.filter { $0.unreachable > 0 }.count) unreachable")
        lines.append("logs: .pallet/runs/\(report.runID)/")
        return lines
    }
}
