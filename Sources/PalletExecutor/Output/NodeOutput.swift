import PalletContract
import Subprocess
import Synchronization
import SystemPackage

/// Everything one ssh process sends back (standard output and standard error, read at the same
/// time), taken in line by line: each line is escaped (``NodeText``), written to the log while
/// the log is under its limit, parsed when it is a protocol line, and kept in the report only
/// within the ``OutputLimits``. Counts stay exact past every limit.
final class NodeOutput: Sendable {
    /// What the output amounted to, once the streams ended.
    struct Summary: Sendable {
        var steps: [PhaseResult.StepRecord] = []
        var diffs: [String] = []
        var ok = 0
        var changed = 0
        var skipped = 0
        var failed = 0
        var lastStep: (index: Int, total: Int)?
        var end: StatusLine?
        var signs = SSHFailure.Signs()
        var lines = 0
        var bytes = 0
        var stepLines = 0
        var diffLines = 0
        var keptBytes = 0
        var logBytes = 0
        var logCut = false
        var cutLines = 0
    }

    private struct State: Sendable {
        var summary = Summary()
        var pending: [UInt8] = []
    }

    private let state = Mutex(State())
    private let log: FileDescriptor?
    private let limits: OutputLimits
    private let label: String

    /// Collects into the log `log` (nil for none); `label` names the node and phase in messages.
    init(log: FileDescriptor?, limits: OutputLimits, label: String) {
        self.log = log
        self.limits = limits
        self.label = label
    }

    /// Reads `stream` to its end. Protocol lines count only on standard output
    /// (`protocol: true`); `progress` sees each of them.
    func read(_ stream: SubprocessOutputSequence, protocol parses: Bool, progress: (StatusLine) -> Void) async throws {
        var splitter = LineSplitter(maxLineBytes: limits.maxLineBytes)
        var lines: [LineSplitter.Line] = []
        for try await buffer in stream {
            lines.removeAll(keepingCapacity: true)
            buffer.withUnsafeBytes { splitter.feed($0) { lines.append($0) } }
            for line in lines { take(line, protocol: parses, progress: progress) }
        }
        lines.removeAll()
        splitter.end { lines.append($0) }
        for line in lines { take(line, protocol: parses, progress: progress) }
    }

    /// Takes one line.
    func take(_ line: LineSplitter.Line, protocol parses: Bool, progress: (StatusLine) -> Void) {
        var text = NodeText.escape(line.bytes)
        if line.cut { text += " [line cut after \(line.bytes.count) of \(line.length) bytes]" }
        let parsed = parses ? StatusLine.parse(text) : nil
        if let parsed { progress(parsed) }
        state.withLock { state in
            record(text, parsed: parsed, line: line, into: &state.summary)
            if let flush = appendToLog(text, state: &state, final: false) { write(flush) }
        }
    }

    /// Flushes the log, notes any cut in it, and returns the summary.
    func finish() -> Summary {
        state.withLock { state in
            if let flush = appendToLog(nil, state: &state, final: true) { write(flush) }
            if state.summary.logCut, let note = Self.truncationNote(state.summary, limits: limits, label: label) {
                write(Array("pallet: \(note)\n".utf8))
            }
            return state.summary
        }
    }

    /// The message that says what was cut, or nil when nothing was.
    static func truncationNote(_ summary: Summary, limits: OutputLimits, label: String) -> String? {
        var parts: [String] = []
        if summary.logCut {
            parts.append("the log kept its first \(summary.logBytes) bytes (limit \(limits.maxLogBytes))")
        }
        if summary.diffs.count < summary.diffLines {
            parts.append("the report kept \(summary.diffs.count) of \(summary.diffLines) diff lines")
        }
        if summary.steps.count < summary.stepLines {
            parts.append("the report kept \(summary.steps.count) of \(summary.stepLines) step lines")
        }
        if summary.cutLines > 0 {
            parts.append("\(summary.cutLines) line(s) longer than \(limits.maxLineBytes) bytes were cut")
        }
        guard !parts.isEmpty else { return nil }
        return "output of \(label) truncated: " + parts.joined(separator: "; ")
            + "; full count \(summary.lines) lines, \(summary.bytes) bytes"
    }

    private func record(_ text: String, parsed: StatusLine?, line: LineSplitter.Line, into summary: inout Summary) {
        summary.lines += 1
        summary.bytes += line.length + 1
        if line.cut { summary.cutLines += 1 }
        summary.signs.observe(text)
        switch parsed {
        case .step(let index, let total, let status, let stepText, let handler)?:
            summary.stepLines += 1
            summary.lastStep = (index, total)
            switch status {
            case .ok: summary.ok += 1
            case .skipped: summary.skipped += 1
            case .failed: summary.failed += 1
            case .changed, .wouldChange, .unknown, .unrecognized: summary.changed += 1
            }
            if summary.steps.count < limits.maxStepRecords, keep(stepText.utf8.count, &summary) {
                summary.steps.append(PhaseResult.StepRecord(index: index, total: total, status: status, text: stepText, handler: handler))
            }
        case .diff(let diff)?:
            summary.diffLines += 1
            if summary.diffs.count < limits.maxDiffLines, keep(diff.utf8.count, &summary) { summary.diffs.append(diff) }
        case .end?:
            summary.end = parsed
        case .begin?, nil:
            break
        }
    }

    /// Whether `count` more bytes fit the node phase's and the run's limits (and takes them).
    private func keep(_ count: Int, _ summary: inout Summary) -> Bool {
        guard summary.keptBytes + count <= limits.maxKeptBytes, limits.runBudget.take(count) else { return false }
        summary.keptBytes += count
        return true
    }

    /// Adds `text` to the pending log bytes; returns bytes to write when enough have gathered.
    private func appendToLog(_ text: String?, state: inout State, final: Bool) -> [UInt8]? {
        if let text, log != nil, !state.summary.logCut {
            let size = text.utf8.count + 1
            if state.summary.logBytes + size > limits.maxLogBytes {
                state.summary.logCut = true
            } else {
                state.pending.append(contentsOf: text.utf8)
                state.pending.append(0x0A)
                state.summary.logBytes += size
            }
        }
        guard !state.pending.isEmpty, final || state.pending.count >= 64 << 10 else { return nil }
        defer { state.pending.removeAll(keepingCapacity: true) }
        return state.pending
    }

    private func write(_ bytes: [UInt8]) {
        _ = try? log?.writeAll(bytes)
    }
}
