import Foundation
import Subprocess
import SystemPackage

/// A short ssh command used before the phases: it opens the node's master connection (which
/// the phases then reuse), adds a new host's key to the project known_hosts, and tells whether
/// the node completed bootstrap.
struct Probe: Sendable {
    /// What the probe found.
    enum Finding: Sendable, Equatable {
        /// The admin user logs in; bootstrap completed before (or was not asked about).
        case ready
        /// The admin user logs in, but bootstrap never completed.
        case needsBootstrap
        /// The admin user cannot log in (yet).
        case adminCannotLogIn(String)
        /// A problem that stops this node.
        case failed(PhaseResult.Outcome, String)
    }

    let settings: SSHSettings
    let target: Target
    let logPath: String

    func run(askBootstrap: Bool, acceptNewHostKey: Bool) async -> Finding {
        let command = askBootstrap ? RemoteCommand.bootstrapCheck : "true"
        let arguments = settings.arguments(for: target, as: target.admin, command: command, acceptNewHostKey: acceptNewHostKey)
        do {
            let log = try FileDescriptor.open(FilePath(logPath), .writeOnly, options: [.create, .truncate, .append],
                                              permissions: [.ownerReadWrite])
            let result = try await Subprocess.run(
                .path(FilePath(settings.program)), arguments: Arguments(arguments), environment: .custom(SSHSettings.environment), input: .none, output: .discarded,
                error: .fileDescriptor(log, closeAfterSpawningProcess: true))
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            let reason = SSHFailure.lastMessage(text) ?? "ssh failed"
            guard case .exited(let code) = result.terminationStatus else { return .failed(.unreachable, "ssh was killed") }
            if let explained = SSHFailure.explain(text, target: target, user: target.admin.user) {
                return .failed(.failed, explained)
            }
            switch code {
            case 0: return .ready
            case 255:
                if text.contains("Permission denied") { return .adminCannotLogIn(reason) }
                return .failed(.unreachable, "cannot reach \(target.address):\(target.port): \(reason)")
            default: return askBootstrap ? .needsBootstrap : .failed(.failed, reason)
            }
        } catch {
            return .failed(.failed, "cannot run ssh: \(error)")
        }
    }

    /// Closes the master connections of the target.
    static func closeMasters(settings: SSHSettings, target: Target) async {
        for credentials in Set([target.admin, target.login]) {
            _ = try? await Subprocess.run(.path(FilePath(settings.program)),
                                          arguments: Arguments(settings.exitArguments(for: target, as: credentials)),
                                          environment: .custom(SSHSettings.environment), input: .none, output: .discarded, error: .discarded)
        }
    }
}
