import Foundation
import PalletSpec
import PalletContract

/// Resolves secrets on the control host, at apply time: from environment variables or files.
///
/// Values only ever travel inside the bundle stream on ssh's standard input; they never appear
/// in `out/`, logs, reports or any process's arguments.
public struct SecretResolver: Sendable {
    /// The environment to read `env` secrets from.
    let environment: [String: String]
    /// The home folder, for `~` in secret file paths.
    let home: String

    /// Creates a resolver.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, home: String = UserHome.path) {
        self.environment = environment
        self.home = home
    }

    /// Errors resolving a secret: one that is missing, or one whose value cannot be delivered.
    public struct SecretError: Error, CustomStringConvertible {
        /// Which secret, and what is wrong with it.
        public var description: String
    }

    /// The values of `secrets`, by identifier.
    public func resolve(_ secrets: [PlanDocument.Secret]) throws -> [String: [UInt8]] {
        var values: [String: [UInt8]] = [:]
        for secret in secrets {
            if let name = secret.env {
                guard let value = environment[name] else {
                    throw SecretError(description: "secret \(Self.name(of: secret)) is not set in pallet's environment")
                }
                values[secret.id] = Array(value.utf8)
            } else if let path = secret.file {
                let full = Inventory.expand(path, home: home)
                guard let data = FileManager.default.contents(atPath: full) else {
                    throw SecretError(description: "secret \(Self.name(of: secret)) cannot be read")
                }
                values[secret.id] = [UInt8](data)
            }
            if let value = values[secret.id], let offset = value.firstIndex(of: 0) {
                throw SecretError(description: "secret \(Self.name(of: secret)) holds a NUL byte (at byte \(offset)); "
                    + "the node's shell cannot carry it unchanged, so nothing was run: remove the NUL byte from the secret")
            }
        }
        return values
    }

    /// How the specs name `secret`: `{env: NAME}` or `{file: PATH}`.
    static func name(of secret: PlanDocument.Secret) -> String {
        // plan.json is read from out/ before it is trusted: its text is shown escaped.
        if let env = secret.env { return "{env: \(NodeText.escape(env))}" }
        return "{file: \(NodeText.escape(secret.file ?? secret.id))}"
    }
}
