import Foundation
import PalletContract

/// Prints progress on standard error while nodes run, readable with a hundred nodes: by default
/// only steps that change or fail are printed, and on a terminal one progress line is redrawn in
/// place; `--verbose` prints every step, `--quiet` nothing until the recap.
public final class LiveProgress: @unchecked Sendable {
    private let style: OutputStyle
    private let lock = NSLock()
    private let total: Int
    private var finished = 0
    private var changed = 0
    private var failed = 0
    private var counterShown = false

    /// Progress for `nodes` nodes, printed in `style`.
    public init(style: OutputStyle, nodes: Int) {
        self.style = style
        total = nodes
    }

    /// Shows one status line of `target` running `phase`.
    public func show(target: Target, phase: String, line: StatusLine) {
        lock.withLock {
            switch line {
            case .step(let index, let total, let status, let text, let handler):
                let interesting = status != .ok && status != .skipped
                // Off a terminal (logs, CI) steps are in the node logs; --verbose prints them anyway.
                guard style.verbosity == .verbose || (style.verbosity == .normal && style.terminal && interesting) else { return }
                let scope = handler.map { "handler \($0) " } ?? ""
                emit("\(target.name) \(phase) \(scope)\(index)/\(total) \(style.status(status.word)) \(text)")
            case .end(let status, let ok, let changedSteps, let skipped, let failedSteps):
                finished += 1
                if changedSteps > 0 { changed += 1 }
                if status != .ok { failed += 1 }
                // Off a terminal (logs, CI) every node and phase ends with one line; on a terminal
                // only the ones that did something, plus the redrawn counter.
                if style.verbosity != .quiet && (!style.terminal || style.verbosity == .verbose || status != .ok || changedSteps > 0) {
                    emit("\(target.name) \(phase) \(style.status(status == .ok ? (changedSteps > 0 ? "changed" : "ok") : "failed", status.word)): "
                        + "ok=\(ok) changed=\(changedSteps) skipped=\(skipped) failed=\(failedSteps)")
                }
                if style.terminal && style.verbosity != .quiet {
                    FileHandle.standardError.write(Data("\r\u{1B}[K\(phase): \(finished)/\(total) node phases done, \(changed) changed, \(failed) failed".utf8))
                    counterShown = true
                }
            default:
                break
            }
        }
    }

    /// Clears the progress line before the recap.
    public func finish() {
        lock.withLock {
            if counterShown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            counterShown = false
        }
    }

    /// A line above the progress line.
    private func emit(_ text: String) {
        if counterShown {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            counterShown = false
        }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
