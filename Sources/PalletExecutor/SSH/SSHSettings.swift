import Foundation
import PalletContract

/// How pallet runs the system `ssh`: one multiplexed connection per node, no tty, batch mode,
/// timeouts, no agent or port forwarding of any kind, and a project known_hosts file (or, for a
/// host whose key the inventory pins, a known_hosts file holding only the pinned keys).
public struct SSHSettings: Sendable {
    /// The ssh binary.
    public var program: String
    /// A private folder (0700) for the ControlMaster sockets.
    public var controlDirectory: String
    /// The project's known_hosts file.
    public var knownHostsFile: String
    /// Seconds to wait for a connection.
    public var connectTimeout: Int
    /// How long a master connection outlives its last use.
    public var controlPersist: Int

    /// Creates settings.
    public init(program: String = "/usr/bin/ssh", controlDirectory: String, knownHostsFile: String, connectTimeout: Int = 10,
                controlPersist: Int = 60) {
        self.program = program
        self.controlDirectory = controlDirectory
        self.knownHostsFile = knownHostsFile
        self.connectTimeout = connectTimeout
        self.controlPersist = controlPersist
    }

    /// The arguments (after the program) to run `command` as `credentials` on `target`.
    ///
    /// - Parameters:
    ///   - acceptNewHostKey: true for the first contact with a host, whose key is then added to
    ///     the project known_hosts; a changed key is refused either way. A host with a pinned
    ///     key (``Target/hostKey``) is checked against that key only, never accepting another.
    ///   - multiplex: false for a node that needs exactly one session in this run: a plain
    ///     connection, with no master to start and close.
    public func arguments(for target: Target, as credentials: Credentials, command: String, acceptNewHostKey: Bool,
                          multiplex: Bool = true) -> [String] {
        var arguments = connectionOptions
        arguments += multiplex
            ? ["-o", "ControlMaster=auto", "-o", "ControlPath=\(controlPath(for: target))", "-o", "ControlPersist=\(controlPersist)"]
            : ["-o", "ControlMaster=no", "-o", "ControlPath=none"]
        arguments += hostKeyOptions(pinned: target.hostKey != nil, acceptNew: acceptNewHostKey)
        if let jump = target.via {
            arguments += ["-o", "ProxyCommand=" + proxyCommand(through: jump, to: target, acceptNewHostKey: acceptNewHostKey)]
        }
        arguments += login(port: target.port, as: credentials)
        arguments += ["--", target.address, command]
        return arguments
    }

    /// The options every connection starts with, to a node or to a bastion: no tty, batch mode,
    /// timeouts, no forwarding.
    var connectionOptions: [String] {
        [
            "-T",
            "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=\(connectTimeout)",
            "-o", "ServerAliveInterval=5",
            "-o", "ServerAliveCountMax=3",
        ] + Self.noForwarding
    }

    /// The host key options: the project known_hosts (accepting a new key on first contact), or
    /// for a pinned host the pinned known_hosts only, strictly.
    func hostKeyOptions(pinned: Bool, acceptNew: Bool) -> [String] {
        [
            "-o", "UserKnownHostsFile=\(pinned ? pinnedKnownHostsFile : knownHostsFile)",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "HashKnownHosts=no",
            "-o", "StrictHostKeyChecking=\(acceptNew && !pinned ? "accept-new" : "yes")",
            "-o", "LogLevel=ERROR",
        ]
    }

    /// The port, user and key options.
    func login(port: Int, as credentials: Credentials) -> [String] {
        var arguments = ["-p", String(port), "-l", credentials.user]
        if let key = credentials.key {
            arguments += ["-o", "IdentitiesOnly=yes", "-i", key]
        }
        return arguments
    }

    /// The master connection's socket path for `target`: a node reached through a bastion gets
    /// a short digest of the bastion's name in it, since `%C` does not tell two nodes of the same
    /// address behind different bastions apart (and socket paths must stay short).
    func controlPath(for target: Target) -> String {
        controlDirectory + "/%C" + (target.via.map { "." + SHA256.hexDigest(Array($0.name.utf8)).prefix(8) } ?? "")
    }

    /// The options of every ssh pallet starts: a node runs bundles as root, so it gets no way back
    /// to the control host, whatever the operator's ssh_config says (no agent, no X11, no port
    /// forwards, no local command).
    public static let noForwarding = [
        "-o", "ForwardAgent=no", "-o", "ForwardX11=no", "-o", "ClearAllForwardings=yes", "-o", "PermitLocalCommand=no",
    ]

    /// The known_hosts file of the hosts whose key the inventory pins, in the private control
    /// folder (written by ``KnownHosts/writePinned(_:to:)`` before any connection).
    public var pinnedKnownHostsFile: String { controlDirectory + "/pinned_known_hosts" }

    /// The variables ssh inherits from pallet's environment; nothing else (such as a secret
    /// exported for `{env: NAME}`) reaches ssh or what it starts.
    public static let inheritedVariables: Set<String> = [
        "HOME", "USER", "LOGNAME", "PATH", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SSH_AUTH_SOCK", "KRB5CCNAME",
    ]

    /// ssh's environment as `NAME=VALUE` byte strings: the ``inheritedVariables`` that are set
    /// (read once per process).
    public static let environment: [[UInt8]] = {
        ProcessInfo.processInfo.environment
            .filter { inheritedVariables.contains($0.key) }
            .sorted { $0.key < $1.key }
            // Each entry ends in a NUL byte: swift-subprocess hands the bytes to strdup(3) as they are.
            .map { Array("\($0.key)=\($0.value)\0".utf8) }
    }()

    /// The arguments that close the master connection of `target` as `credentials`.
    public func exitArguments(for target: Target, as credentials: Credentials) -> [String] {
        Self.noForwarding + ["-o", "ControlPath=\(controlPath(for: target))", "-p", String(target.port), "-l", credentials.user, "-O", "exit", "--", target.address]
    }
}
