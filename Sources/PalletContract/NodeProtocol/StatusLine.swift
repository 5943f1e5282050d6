/// One line of the bundle protocol (`::pallet …` on the run's standard output).
public enum StatusLine: Sendable, Equatable {
    /// `::pallet begin GROUP PHASE STEPS`.
    case begin(steps: Int)
    /// `::pallet step K/N STATUS ACTION SUMMARY` or `::pallet handler NAME K/N …`.
    case step(index: Int, total: Int, status: StepStatus, text: String, handler: String?)
    /// `::pallet diff TEXT`.
    case diff(String)
    /// `::pallet end STATUS ok=N changed=N skipped=N failed=N`: STATUS is ok when every step ran
    /// to its end, failed when one failed; any other word means the run did not end well.
    case end(status: StepStatus, ok: Int, changed: Int, skipped: Int, failed: Int)

    /// Parses a line; nil for anything that is not a protocol line.
    public static func parse(_ line: String) -> StatusLine? {
        guard line.hasPrefix("::pallet ") else { return nil }
        let rest = line.dropFirst("::pallet ".count)
        let words = rest.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
        switch words.first {
        case "begin":
            let parts = rest.split(separator: " ")
            return .begin(steps: parts.last.flatMap { Int($0) } ?? 0)
        case "step":
            guard words.count >= 3 else { return nil }
            let (index, total) = fraction(words[1])
            let text = words.dropFirst(3).joined(separator: " ")
            return .step(index: index, total: total, status: StepStatus(word: words[2]), text: text, handler: nil)
        case "handler":
            let parts = rest.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 4 else { return nil }
            let (index, total) = fraction(parts[2])
            return .step(index: index, total: total, status: StepStatus(word: parts[3]), text: parts.count > 4 ? parts[4] : "", handler: parts[1])
        case "diff":
            return .diff(String(rest.dropFirst("diff ".count)))
        case "end":
            var counts: [String: Int] = [:]
            for word in rest.split(separator: " ").dropFirst(2) {
                let pair = word.split(separator: "=")
                if pair.count == 2, let value = Int(pair[1]) { counts[String(pair[0])] = value }
            }
            return .end(status: StepStatus(word: words.count > 1 ? words[1] : ""), ok: counts["ok"] ?? 0, changed: counts["changed"] ?? 0,
                        skipped: counts["skipped"] ?? 0, failed: counts["failed"] ?? 0)
        default:
            return nil
        }
    }

    static func fraction(_ text: String) -> (Int, Int) {
        let parts = text.split(separator: "/")
        return (parts.first.flatMap { Int($0) } ?? 0, parts.count > 1 ? Int(parts[1]) ?? 0 : 0)
    }
}
