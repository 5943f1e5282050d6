import Foundation

/// The project's known_hosts file: which hosts pallet has met before.
public struct KnownHosts: Sendable {
    /// The file's path.
    public var path: String

    /// Creates a view of the file at `path`.
    public init(path: String) {
        self.path = path
    }

    /// Whether the file has a key for `address` on `port` (as ssh writes it: `[host]:port`
    /// for ports other than 22). Hashed entries are not used: pallet writes plain ones.
    public func knows(address: String, port: Int) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        let name = Self.entryName(address: address, port: port)
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let hosts = line.split(separator: " ").first else { continue }
            if hosts.split(separator: ",").contains(where: { $0 == name }) { return true }
        }
        return false
    }

    /// Whether reaching `target` meets a host with no pinned key that this file does not know
    /// yet: the node itself or its bastion. Such contacts accept the new key, one at a time.
    public func isFirstContact(with target: Target) -> Bool {
        if target.hostKey == nil && !knows(address: target.address, port: target.port) { return true }
        guard let jump = target.via else { return false }
        return jump.hostKey == nil && !knows(address: jump.address, port: jump.port)
    }

    /// Removes every key of `address` on `port`: a VM created anew may reuse the address of one
    /// destroyed earlier, with a new host key.
    public func forget(address: String, port: Int) {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let name = Self.entryName(address: address, port: port)
        let kept = String(decoding: data, as: UTF8.self).split(separator: "\n").filter { line in
            !(line.split(separator: " ").first?.split(separator: ",").contains { $0 == name } ?? false)
        }
        let text = kept.isEmpty ? "" : kept.joined(separator: "\n") + "\n"
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
    }

    /// Writes the pinned keys of `targets` (those with a ``Target/hostKey``) and of their bastions as a known_hosts
    /// file at `path`, mode 0600: ssh checks a pinned host against this file only.
    public static func writePinned(_ targets: [Target], to path: String) throws {
        let nodes = targets.compactMap { target in target.hostKey.map { "\(entryName(address: target.address, port: target.port)) \($0)\n" } }
        let bastions = targets.compactMap { target in target.via.flatMap { jump in jump.hostKey.map { "\(entryName(address: jump.address, port: jump.port)) \($0)\n" } } }
        var seen: Set<String> = []
        let lines = (nodes + bastions).filter { seen.insert($0).inserted }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw LoadedPlan.ReadError(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let bytes = Array(lines.joined().utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw LoadedPlan.ReadError(description: "cannot write \(path)") }
    }

    /// The host field ssh writes for `address` and `port`: `[host]:port` for ports other than 22.
    static func entryName(address: String, port: Int) -> String {
        port == 22 ? address : "[\(address)]:\(port)"
    }
}
