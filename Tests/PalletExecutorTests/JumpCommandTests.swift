import Foundation
import Testing
@testable import PalletExecutor

/// The ssh command line of a node reached through a bastion (`via:`).
@Suite("ssh through a bastion")
struct JumpCommandTests {
    let settings = SSHSettings(controlDirectory: "/tmp/pallet-ssh.x", knownHostsFile: "/p/.pallet/known_hosts")
    let admin = Credentials(user: "admin", key: "/k")

    func target(jumpKey: String? = nil, keyPath: String = "/jump/key") -> Target {
        let jump = Jump(name: "gate", address: "198.51.100.7", port: 2200, credentials: Credentials(user: "hop", key: keyPath), hostKey: jumpKey)
        return Target(name: "h", group: "g", index: 1, address: "10.0.0.5", port: 22, admin: admin, login: admin, hostKey: nil, via: jump)
    }

    func options(_ arguments: [String]) -> [String] {
        zip(arguments, arguments.dropFirst()).filter { $0.0 == "-o" }.map(\.1)
    }

    /// The words of the ProxyCommand option as `sh` reads them, after ssh's `%%` → `%`.
    func proxyWords(_ arguments: [String]) throws -> [String] {
        let option = try #require(options(arguments).first { $0.hasPrefix("ProxyCommand=") })
        let command = String(option.dropFirst("ProxyCommand=".count)).replacingOccurrences(of: "%%", with: "%")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "printf '%s\\0' " + command]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test("the jump connection: pallet's ssh with every hardening option, the bastion's user, key and known_hosts, -W to the node; never ProxyJump")
    func jumpOptions() throws {
        for accept in [true, false] {
            let arguments = settings.arguments(for: target(), as: admin, command: "true", acceptNewHostKey: accept)
            #expect(!options(arguments).contains { $0.hasPrefix("ProxyJump") } && !arguments.contains("-J"))
            let words = try proxyWords(arguments)
            #expect(words.first == settings.program)
            let inner = options(words)
            for option in ["ForwardAgent=no", "ForwardX11=no", "ClearAllForwardings=yes", "PermitLocalCommand=no", "BatchMode=yes",
                           "ControlMaster=no", "ControlPath=none", "UserKnownHostsFile=/p/.pallet/known_hosts", "GlobalKnownHostsFile=/dev/null",
                           "StrictHostKeyChecking=\(accept ? "accept-new" : "yes")", "IdentitiesOnly=yes", "ConnectTimeout=10"] {
                #expect(inner.contains(option), "\(option) missing from the jump connection: \(words)")
            }
            #expect(words.suffix(4) == ["-W", "[10.0.0.5]:22", "--", "198.51.100.7"], "\(words)")
            #expect(words.contains("-T"))
            let joined = words.joined(separator: " ")
            #expect(joined.contains("-p 2200 -l hop"), "\(joined)")
            #expect(joined.contains("-i /jump/key"), "\(joined)")
            // The node's own connection keeps its own user, key and known_hosts.
            #expect(arguments.suffix(2) == ["10.0.0.5", "true"])
            #expect(arguments.joined(separator: " ").contains("-p 22 -l admin -o IdentitiesOnly=yes -i /k"))
        }
    }

    @Test("a pinned bastion key: the jump connection checks the pinned known_hosts only, strictly, even on first contact")
    func pinnedJump() throws {
        let words = try proxyWords(settings.arguments(for: target(jumpKey: "ssh-ed25519 AAAA"), as: admin, command: "true", acceptNewHostKey: true))
        #expect(options(words).contains("UserKnownHostsFile=/tmp/pallet-ssh.x/pinned_known_hosts"))
        #expect(options(words).contains("StrictHostKeyChecking=yes"))
    }

    @Test("a key path with spaces, quotes, %, $ and ; arrives as one word")
    func quoting() throws {
        let path = "/keys/it's a %h $(touch /tmp/x); `id` key"
        let words = try proxyWords(settings.arguments(for: target(keyPath: path), as: admin, command: "true", acceptNewHostKey: false))
        #expect(words.contains(path), "\(words)")
    }

    @Test("nodes of one address behind different bastions get different master sockets; the master's exit uses the same one")
    func controlPaths() {
        var other = target()
        other.via?.name = "gate-2"
        let direct = Target(name: "h", group: "g", index: 1, address: "10.0.0.5", port: 22, admin: admin, login: admin)
        let paths = [target(), other, direct].map { settings.controlPath(for: $0) }
        #expect(Set(paths).count == 3, "\(paths)")
        #expect(paths[2] == "/tmp/pallet-ssh.x/%C")
        #expect(options(settings.exitArguments(for: target(), as: admin)).contains("ControlPath=\(paths[0])"))
        #expect(options(settings.arguments(for: target(), as: admin, command: "true", acceptNewHostKey: false)).contains("ControlPath=\(paths[0])"))
    }
}
