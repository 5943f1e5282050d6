import Foundation
import PalletContract
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
    /// How much of ssh's messages is kept.
    let limits: OutputLimits

    func run(askBootstrap: Bool, acceptNewHostKey: Bool) async -> Finding {
        let command = askBootstrap ? RemoteCommand.bootstrapCheck : "true"
        let arguments = settings.arguments(for: target, as: target.admin, command: command, acceptNewHostKey: acceptNewHostKey)
        do {
            let log = try FileDescriptor.open(FilePath(logPath), .writeOnly, options: [.create, .truncate, .append],
                                              permissions: [.ownerReadWrite])
            defer { try? log.close() }
            let output = NodeOutput(log: log, limits: limits, label: "\(target.name) (connect)")
            let result = try await Subprocess.run(
                .path(FilePath(settings.program)), arguments: Arguments(arguments), environment: .custom(SSHSettings.environment), input: .none,
                output: .discarded, error: .sequence
            ) { execution in
                try await output.read(execution.standardError, protocol: false) { _ in }
            }
            let signs = output.finish().signs
            let reason = signs.lastMessage ?? "ssh failed"
            guard case .exited(let code) = result.terminationStatus else { return .failed(.unreachable, "ssh was killed") }
            if let explained = SSHFailure.explain(signs, target: target, user: target.admin.user) {
                return .failed(.failed, explained)
            }
            switch code {
            case 0: return .ready
            case 255:
                if signs.permissionDenied { return .adminCannotLogIn(reason) }
                return .failed(.unreachable, "cannot reach \(target.address):\(target.port)\(target.throughBastion): \(reason)")
            default: return askBootstrap ? .needsBootstrap : .failed(.failed, reason)
            }
        } catch {
            return .failed(.failed, "cannot run ssh: \(NodeText.escape("\(error)"))")
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
