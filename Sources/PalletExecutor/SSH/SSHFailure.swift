import Foundation

/// Failures that ssh or sudo print, recognised in a node's output and explained in one sentence.
enum SSHFailure {
    /// What the output of one ssh process showed, gathered line by line as it streams (so the
    /// log never has to be read back, and memory stays bounded whatever the node sends).
    struct Signs: Sendable {
        /// The last line that is not a protocol line, trimmed.
        var lastMessage: String?
        /// The text of the last `pallet: error: ` line.
        var lastError: String?
        /// ssh refused the host key.
        var hostKeyRefused = false
        /// The host whose key ssh refused, as ssh names it (`host` or `[host]:port`), when it says.
        var refusedHost: String?
        /// sudo asked for a password.
        var sudoAsksPassword = false
        /// ssh's authentication was refused.
        var permissionDenied = false

        /// Looks at one line (already escaped by ``NodeText``).
        mutating func observe(_ line: String) {
            guard !line.hasPrefix("::pallet") else { return }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { lastMessage = trimmed }
            if line.hasPrefix("pallet: error: ") { lastError = String(line.dropFirst("pallet: error: ".count)) }
            if line.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") || line.contains("Host key verification failed") {
                hostKeyRefused = true
            }
            if let host = Self.hostNamed(in: line) { refusedHost = host }
            if line.contains("a password is required") || line.contains("sudo: a terminal is required") { sudoAsksPassword = true }
            if line.contains("Permission denied") { permissionDenied = true }
        }

        /// The host of ssh's "Host key for HOST has changed" or "No TYPE host key is known for
        /// HOST and" messages.
        static func hostNamed(in line: String) -> String? {
            for (start, end) in [("Host key for ", " has changed"), ("host key is known for ", " and you have")] {
                guard let from = line.range(of: start), let to = line.range(of: end, range: from.upperBound..<line.endIndex) else { continue }
                return String(line[from.upperBound..<to.lowerBound])
            }
            return nil
        }
    }

    /// The explanation of a refused host key or a sudo password prompt, if `signs` show one.
    static func explain(_ signs: Signs, target: Target, user: String) -> String? {
        if signs.hostKeyRefused, let jump = target.via,
           signs.refusedHost == KnownHosts.entryName(address: jump.address, port: jump.port) || signs.refusedHost == jump.address {
            let pinned = jump.hostKey != nil ? "the host-key pinned for it in the specs" : ".pallet/known_hosts"
            return "the host key of bastion \(jump.name) (\(jump.address):\(jump.port)), through which \(target.name) is reached, "
                + "does not match \(pinned): refusing to connect, nothing ran"
        }
        if signs.hostKeyRefused {
            if target.hostKey != nil {
                return "the host key of \(target.name) (\(target.address):\(target.port)) does not match the host-key pinned for it "
                    + "in the inventory: refusing to connect, nothing ran"
            }
            return "the host key of \(target.address) does not match .pallet/known_hosts: refusing to connect "
                + "(if the change is expected, remove its line from the known_hosts file)"
        }
        if signs.sudoAsksPassword {
            return "sudo on \(target.name) asks for a password: \(user) needs passwordless (NOPASSWD) sudo"
        }
        return nil
    }
}
