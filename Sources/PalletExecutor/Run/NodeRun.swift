import Foundation
import PalletContract
import Subprocess
import SystemPackage

/// Runs one bundle on one node through one ssh process: the stream goes to its standard input,
/// protocol lines come back on its standard output, everything else goes to the log.
struct NodeRun: Sendable {
    let settings: SSHSettings
    let target: Target
    let credentials: Credentials
    let phase: String
    let logPath: String
    let acceptNewHostKey: Bool
    /// Whether the session goes through the node's master connection (see ``SSHSettings``).
    let multiplex: Bool
    /// How much of the node's output is kept.
    let limits: OutputLimits

    /// Runs `payload` (the stream of ``Payload``); `progress` sees each protocol line.
    func run(payload: [UInt8], progress: @escaping @Sendable (StatusLine) -> Void) async -> PhaseResult {
        let started = Date()
        var result = PhaseResult(node: target.name, group: target.group, phase: phase, outcome: .failed, ok: 0, changed: 0, skipped: 0,
                                 failed: 0, steps: [], diffs: [], message: nil, log: logPath, seconds: 0)
        let arguments = settings.arguments(for: target, as: credentials, command: RemoteCommand.line, acceptNewHostKey: acceptNewHostKey,
                                           multiplex: multiplex)
        var status: Int32 = -1
        let summary: NodeOutput.Summary
        do {
            let log = try FileDescriptor.open(FilePath(logPath), .writeOnly, options: [.create, .truncate, .append],
                                              permissions: [.ownerReadWrite])
            defer { try? log.close() }
            let output = NodeOutput(log: log, limits: limits, label: "\(target.name) (\(phase))")
            // ssh reads the stream from a file in memory: nothing is written into a pipe an ssh
            // that exits early could close, and the secrets in the stream never touch a disk.
            let input = try MemoryFile.holding(payload)
            let execution = try await Subprocess.run(
                .path(FilePath(settings.program)),
                arguments: Arguments(arguments),
                environment: .custom(SSHSettings.environment),
                input: .fileDescriptor(input, closeAfterSpawningProcess: true),
                output: .sequence,
                error: .sequence
            ) { execution in
                // Both streams are read at once, line by line, with bounded buffers.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await output.read(execution.standardError, protocol: false) { _ in } }
                    try await output.read(execution.standardOutput, protocol: true, progress: progress)
                    try await group.waitForAll()
                }
            }
            summary = output.finish()
            switch execution.terminationStatus {
            case .exited(let code): status = code
            case .signaled(let signal): status = 128 + Int32(signal)
            }
        } catch {
            result.message = "cannot run ssh: \(NodeText.escape("\(error)"))"
            result.seconds = Date().timeIntervalSince(started)
            return result
        }
        result.seconds = Date().timeIntervalSince(started)
        classify(&result, status: status, summary: summary)
        return result
    }

    /// Sets the counts, the outcome and the message from the exit status and what the node sent.
    func classify(_ result: inout PhaseResult, status: Int32, summary: NodeOutput.Summary) {
        result.steps = summary.steps
        result.diffs = summary.diffs
        (result.ok, result.changed, result.skipped, result.failed) = (summary.ok, summary.changed, summary.skipped, summary.failed)
        result.truncated = NodeOutput.truncationNote(summary, limits: limits, label: "\(target.name) (\(phase))")
        let end = summary.end
        if case .end(.ok, _, _, _, _)? = end, status == 0 {
            result.outcome = result.changed > 0 ? .changed : .ok
            return
        }
        result.outcome = .failed
        if let explained = SSHFailure.explain(summary.signs, target: target, user: credentials.user) {
            result.message = explained
        } else if status == 255 && end == nil {
            result.outcome = .unreachable
            let reason = summary.signs.lastMessage ?? "ssh failed"
            result.message = "cannot reach \(credentials.user)@\(target.address):\(target.port)\(target.throughBastion): \(reason)"
        } else if end == nil, let known = RemoteCommand.explain(status: status) {
            result.message = known
        } else if end == nil {
            let last = summary.lastStep.map { " after step \($0.index)/\($0.total)" } ?? ""
            result.message = "the run broke off\(last) (ssh exited with status \(status)); the next run picks up from there"
        } else {
            result.message = summary.signs.lastError ?? "the phase failed (status \(status))"
            if result.failed == 0 { result.failed = 1 }
        }
    }
}
