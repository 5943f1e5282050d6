import Testing
@testable import PalletExecutor

/// The options of every ssh pallet starts (the probe, each phase, multiplexed or not).
@Suite("ssh options")
struct SSHSettingsTests {
    let settings = SSHSettings(controlDirectory: "/tmp/pallet-ssh.x", knownHostsFile: "/p/.pallet/known_hosts")
    let admin = Credentials(user: "admin", key: "/k")

    func target(pinned: String?) -> Target {
        Target(name: "h", group: "g", index: 1, address: "192.0.2.1", port: 2222, admin: admin, login: admin, hostKey: pinned)
    }

    func options(_ arguments: [String]) -> [String] {
        zip(arguments, arguments.dropFirst()).filter { $0.0 == "-o" }.map(\.1)
    }

    @Test("every invocation: ForwardAgent=no, ForwardX11=no, ClearAllForwardings=yes, PermitLocalCommand=no")
    func noForwarding() {
        for pinned in [nil, "ssh-ed25519 AAAA"] {
            for (accept, multiplex) in [(true, true), (false, true), (false, false), (true, false)] {
                let all = options(settings.arguments(for: target(pinned: pinned), as: admin, command: "true", acceptNewHostKey: accept, multiplex: multiplex))
                for option in ["ForwardAgent=no", "ForwardX11=no", "ClearAllForwardings=yes", "PermitLocalCommand=no", "BatchMode=yes"] {
                    #expect(all.contains(option), "\(option) missing: \(all)")
                }
                let exit = options(settings.exitArguments(for: target(pinned: pinned), as: admin))
                for option in ["ForwardAgent=no", "ForwardX11=no", "ClearAllForwardings=yes", "PermitLocalCommand=no"] {
                    #expect(exit.contains(option), "\(option) missing from the master's exit command: \(exit)")
                }
            }
        }
    }

    @Test("a pinned host is checked against the pinned known_hosts only, strictly, even on first contact")
    func pinned() {
        let all = options(settings.arguments(for: target(pinned: "ssh-ed25519 AAAA"), as: admin, command: "true", acceptNewHostKey: true))
        #expect(all.contains("UserKnownHostsFile=/tmp/pallet-ssh.x/pinned_known_hosts"))
        #expect(all.contains("StrictHostKeyChecking=yes"))
        #expect(!all.contains("StrictHostKeyChecking=accept-new"))
        let unpinned = options(settings.arguments(for: target(pinned: nil), as: admin, command: "true", acceptNewHostKey: true))
        #expect(unpinned.contains("UserKnownHostsFile=/p/.pallet/known_hosts"))
        #expect(unpinned.contains("StrictHostKeyChecking=accept-new"))
    }

    @Test("ssh's environment: NAME=value entries of inherited variables only, each ending in exactly one NUL byte")
    func environmentEntries() {
        #expect(!SSHSettings.environment.isEmpty, "PATH at least is inherited")
        for entry in SSHSettings.environment {
            #expect(entry.last == 0, "\(entry) must end in NUL: swift-subprocess passes it to strdup as it is")
            #expect(entry.dropLast().allSatisfy { $0 != 0 }, "\(entry) holds a NUL before its end")
            let name = String(decoding: entry.prefix { $0 != UInt8(ascii: "=") }, as: UTF8.self)
            #expect(SSHSettings.inheritedVariables.contains(name), "\(name) is not an inherited variable")
        }
    }
}
