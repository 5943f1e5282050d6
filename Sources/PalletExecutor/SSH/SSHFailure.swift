import Foundation

/// Failures that ssh or sudo print, recognised in a log and explained in one sentence.
enum SSHFailure {
    /// The last line of an ssh log that is not a protocol line, without ssh's trailing "\r".
    static func lastMessage(_ log: String) -> String? {
        log.split(whereSeparator: \.isNewline).last { !$0.hasPrefix("::pallet") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The explanation of a changed host key or a sudo password prompt found in `log`, if any.
    static func explain(_ log: String, target: Target, user: String) -> String? {
        if log.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") || log.contains("Host key verification failed") {
            return "the host key of \(target.address) does not match .pallet/known_hosts: refusing to connect "
                + "(if the change is expected, remove its line from the known_hosts file)"
        }
        if log.contains("a password is required") || log.contains("sudo: a terminal is required") {
            return "sudo on \(target.name) asks for a password: \(user) needs passwordless (NOPASSWD) sudo"
        }
        return nil
    }
}
