import Foundation
import PalletCompiler
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

    /// Runs `payload` (the stream of ``Payload``); `progress` sees each protocol line.
    func run(payload: [UInt8], progress: @escaping @Sendable (StatusLine) -> Void) async -> PhaseResult {
        let started = Date()
        var result = PhaseResult(node: target.name, group: target.group, phase: phase, outcome: .failed, ok: 0, changed: 0, skipped: 0,
                                 failed: 0, steps: [], diffs: [], message: nil, log: logPath, seconds: 0)
        let arguments = settings.arguments(for: target, as: credentials, command: RemoteCommand.line, acceptNewHostKey: acceptNewHostKey,
                                           multiplex: multiplex)
        var status: Int32 = -1
        var ended: StatusLine?
        do {
            let log = try FileDescriptor.open(FilePath(logPath), .writeOnly, options: [.create, .truncate, .append],
                                              permissions: [.ownerReadWrite])
            let writer = try FileDescriptor.open(FilePath(logPath), .writeOnly, options: [.append])
            defer { try? writer.close() }
            // ssh reads the stream from a file in memory: nothing is written into a pipe an ssh
            // that exits early could close, and the secrets in the stream never touch a disk.
            let input = try MemoryFile.holding(payload)
            let execution = try await Subprocess.run(
                .path(FilePath(settings.program)),
                arguments: Arguments(arguments),
                environment: .custom(SSHSettings.environment),
                input: .fileDescriptor(input, closeAfterSpawningProcess: true),
                output: .sequence,
                error: .fileDescriptor(log, closeAfterSpawningProcess: true)
            ) { execution in
                var records: [PhaseResult.StepRecord] = []
                var diffs: [String] = []
                var end: StatusLine?
                for try await line in execution.standardOutput.strings() {
                    _ = try? writer.writeAll(Array((line + "\n").utf8))
                    guard let parsed = StatusLine.parse(line) else { continue }
                    progress(parsed)
                    switch parsed {
                    case .step(let index, let total, let status, let text, let handler):
                        records.append(PhaseResult.StepRecord(index: index, total: total, status: status, text: text, handler: handler))
                    case .diff(let text):
                        diffs.append(text)
                    case .end:
                        end = parsed
                    case .begin:
                        break
                    }
                }
                return (records, diffs, end)
            }
            (result.steps, result.diffs, ended) = execution.closureResult
            switch execution.terminationStatus {
            case .exited(let code): status = code
            case .signaled(let signal): status = 128 + Int32(signal)
            }
        } catch {
            result.message = "cannot run ssh: \(error)"
            result.seconds = Date().timeIntervalSince(started)
            return result
        }
        result.seconds = Date().timeIntervalSince(started)
        classify(&result, status: status, end: ended)
        return result
    }

    /// Sets the outcome and message from the exit status, the end line and the log.
    func classify(_ result: inout PhaseResult, status: Int32, end: StatusLine?) {
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        for record in result.steps {
            switch record.status {
            case "ok": result.ok += 1
            case "skipped": result.skipped += 1
            case "failed": result.failed += 1
            default: result.changed += 1
            }
        }
        if case .end(let endStatus, _, _, _, _)? = end, endStatus == "ok", status == 0 {
            result.outcome = result.changed > 0 ? .changed : .ok
            return
        }
        result.outcome = .failed
        if let explained = SSHFailure.explain(log, target: target, user: credentials.user) {
            result.message = explained
        } else if status == 255 && end == nil {
            result.outcome = .unreachable
            let reason = SSHFailure.lastMessage(log) ?? "ssh failed"
            result.message = "cannot reach \(credentials.user)@\(target.address):\(target.port): \(reason)"
        } else if end == nil, let known = RemoteCommand.explain(status: status) {
            result.message = known
        } else if end == nil {
            let last = result.steps.last.map { " after step \($0.index)/\($0.total)" } ?? ""
            result.message = "the run broke off\(last) (ssh exited with status \(status)); the next run picks up from there"
        } else {
            let reason = log.split(separator: "\n").last { $0.hasPrefix("pallet: error: ") }.map { String($0.dropFirst("pallet: error: ".count)) }
            result.message = reason ?? "the phase failed (status \(status))"
            if result.failed == 0 { result.failed = 1 }
        }
    }
}
