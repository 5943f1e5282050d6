import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PalletSpec

// Swift front end for `Tests/Support/testhost`: real, isolated hosts on this machine
// (overlayfs copy of `/`, own mount/PID/UTS namespaces, chroot, a real sshd on its own
// loopback address). Everything a host writes lands in its upper directory, which
// survives `down()` so tests can inspect it.
//
// Typical use:
//
//     @Suite(.enabled(if: TestHostSupport.requireRoot("Deploy tests")))
//     struct DeployTests {
//         @Test func deploys() throws {
//             try TestHost.with(name: "web") { host in
//                 let result = try host.ssh("sudo -n id -u")
//                 #expect(result.stdout == "0\n")
//                 #expect(host.upperFile("/etc/motd") == nil)
//             }
//         }
//     }

/// A failure while bringing up, using or tearing down a test host.
public struct TestHostError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, with the output of the failing command.
    public var description: String

    /// Whether the failure only means that test hosts cannot run here (not root).
    public var isSkip: Bool

    /// Creates an error with a message.
    public init(_ description: String, isSkip: Bool = false) {
        self.description = description
        self.isSkip = isSkip
    }
}

/// An SSH key pair on disk, made by `ssh-keygen`.
public struct SSHKeyPair: Sendable, Hashable {
    /// Path of the private key file (mode 0600).
    public let privateKey: String
    /// Path of the public key file (`<privateKey>.pub`).
    public let publicKey: String

    /// Creates a key pair value for existing key files.
    public init(privateKey: String, publicKey: String) {
        self.privateKey = privateKey
        self.publicKey = publicKey
    }
}

/// Which users a test host gets and how they may use sudo.
public struct TestHostUsers: Sendable, Hashable {
    /// A user with passwordless sudo (`NOPASSWD: ALL`), or nil for none.
    public var admin: String?
    /// A user that can log in but has no sudo rights at all, or nil for none.
    public var login: String?
    /// Whether root itself accepts the key (`PermitRootLogin prohibit-password`).
    public var root: Bool
    /// Whether the admin user's sudo asks for a password (see ``TestHost/sudoPassword``).
    public var sudoNeedsPassword: Bool

    /// Describes the users of a host.
    public init(admin: String? = "admin", login: String? = nil, root: Bool = false, sudoNeedsPassword: Bool = false) {
        self.admin = admin
        self.login = login
        self.root = root
        self.sudoNeedsPassword = sudoNeedsPassword
    }

    /// One user `admin` with passwordless sudo: the usual managed node.
    public static let admin = TestHostUsers()

    /// One user `admin` whose sudo requires a password.
    public static let adminWithSudoPassword = TestHostUsers(sudoNeedsPassword: true)

    /// Only a login user (default `deploy`) without any sudo rights.
    public static func loginOnly(_ user: String = "deploy") -> TestHostUsers {
        TestHostUsers(admin: nil, login: user)
    }

    /// The user that ``TestHost/ssh(_:user:stdin:)`` logs in as by default.
    public var defaultUser: String {
        admin ?? login ?? "root"
    }
}

/// One running (or torn down) test host.
///
/// A value type: it only names the host's state directory; ``down()`` and ``clean()``
/// act on the real host behind it, and calling them again is harmless.
public struct TestHost: Sendable, Hashable {
    /// The host name (also what `hostname` prints inside).
    public let name: String
    /// The host's loopback address; its sshd listens on port 22 there.
    public let address: String
    /// The host's state directory on the machine.
    public let stateDirectory: String
    /// The key pair whose public half every user of the host accepts.
    public let keyPair: SSHKeyPair
    /// The users the host was created with.
    public let users: TestHostUsers

    /// The overlayfs upper directory: exactly the files the host created or changed.
    /// A path inside the host maps to `upperDirectory + path`.
    public var upperDirectory: String { stateDirectory + "/upper" }

    /// A known_hosts file with this host's address and host key.
    public var knownHostsFile: String { stateDirectory + "/known_hosts" }

    /// The host's public host key line (`ssh-ed25519 AAAA… root@name`).
    public func hostKey() throws -> String {
        try TestHostSupport.readText(stateDirectory + "/host_key.pub").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The admin user's sudo password when the host was made with ``TestHostUsers/sudoNeedsPassword``.
    public var sudoPassword: String? {
        (try? TestHostSupport.readText(stateDirectory + "/sudo_password"))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The content of a file the host wrote (from the upper directory), or nil if it wrote none there.
    public func upperFile(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: upperDirectory + path).map { [UInt8]($0) }
    }

    /// Whether the host is still running.
    public var isRunning: Bool {
        (try? TestHostSupport.script(["status", stateDirectory]).status) == 0
    }

    /// The `ssh` options that reach this host non-interactively with its key, checking the host key strictly.
    public var sshOptions: [String] {
        [
            "-i", keyPair.privateKey,
            "-o", "IdentitiesOnly=yes",
            "-o", "UserKnownHostsFile=\(knownHostsFile)",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=30",
            "-o", "LogLevel=ERROR",
        ]
    }

    /// Runs `command` (a shell command line) over real ssh as `user` (default: ``TestHostUsers/defaultUser``).
    ///
    /// - Parameters:
    ///   - command: The remote command line, run by the user's login shell.
    ///   - user: The user to log in as.
    ///   - stdin: Bytes for the remote command's standard input.
    /// - Returns: The result of `ssh`; status 255 means ssh itself failed.
    public func ssh(_ command: String, user: String? = nil, stdin: [UInt8]? = nil) throws -> ProcessResult {
        try ProcessRunner.run(["ssh"] + sshOptions + ["\(user ?? users.defaultUser)@\(address)", "--", command], stdin: stdin)
    }

    /// Runs `command` as root inside the host (no ssh), cwd `/`, with a clean environment.
    ///
    /// - Parameters:
    ///   - command: The program (searched on the host's PATH) and its arguments.
    ///   - stdin: Bytes for its standard input.
    /// - Returns: Its exit status and output.
    /// - Throws: ``TestHostError`` when the host is not running.
    public func exec(_ command: [String], stdin: [UInt8]? = nil) throws -> ProcessResult {
        guard !command.isEmpty else { throw TestHostError("exec needs a command") }
        let result = try TestHostSupport.script(["exec", stateDirectory, "--"] + command, stdin: stdin)
        if result.status == 1, result.stderr.hasPrefix("testhost: error: host at ") {
            throw TestHostError(result.stderr)
        }
        return result
    }

    /// Runs a bash script as root inside the host; see ``exec(_:stdin:)``.
    public func shell(_ script: String, stdin: [UInt8]? = nil) throws -> ProcessResult {
        try exec(["bash", "-c", script], stdin: stdin)
    }

    /// The machine-side pid of the host's listening sshd (a child of the host's init), which
    /// starts every ssh session of the host: a tracer attached to it sees all their processes.
    public func sshdProcess() throws -> Int32 {
        let initPid = try TestHostSupport.readText(stateDirectory + "/pid").trimmingCharacters(in: .whitespacesAndNewlines)
        let found = try ProcessRunner.run(["pgrep", "-P", initPid, "-x", "sshd"])
        let pids = found.stdout.split(separator: "\n").compactMap { Int32($0) }
        guard pids.count == 1, let pid = pids.first else { throw TestHostError("the sshd of host \(name) (init \(initPid)): \(found.combined)") }
        return pid
    }

    /// Kills every process of the host and checks that nothing of it is left (processes,
    /// mounts). Keeps the state directory, so ``upperDirectory`` can still be inspected.
    public func down() throws {
        try TestHostSupport.check(TestHostSupport.script(["down", stateDirectory]), "testhost down \(name)")
    }

    /// Tears the host down (if needed) and removes its state directory.
    public func clean() throws {
        try TestHostSupport.check(TestHostSupport.script(["clean", stateDirectory]), "testhost clean \(name)")
    }

    /// Brings up one host.
    ///
    /// - Parameters:
    ///   - name: The host name.
    ///   - stateDirectory: Where the host keeps its state; must not exist yet or be empty.
    ///   - address: A loopback address, or `auto` to pick a free one.
    ///   - users: The users to create.
    ///   - keyPair: The key every user accepts.
    /// - Returns: The running host. It shuts itself down when this test process ends.
    public static func up(
        name: String,
        stateDirectory: String,
        address: String = "auto",
        users: TestHostUsers = .admin,
        keyPair: SSHKeyPair
    ) throws -> TestHost {
        var arguments = ["up", stateDirectory, address, name]
        if let admin = users.admin { arguments += ["--admin", admin, "--pubkey", keyPair.publicKey] }
        if let login = users.login { arguments += ["--login", login, "--pubkey", keyPair.publicKey] }
        if users.root { arguments += ["--root", "--pubkey", keyPair.publicKey] }
        if users.sudoNeedsPassword { arguments.append("--sudo-password") }
        arguments += ["--owner-pid", String(getpid())]
        let result = try TestHostSupport.script(arguments)
        try TestHostSupport.check(result, "testhost up \(name)")
        let assigned = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !assigned.isEmpty else { throw TestHostError("testhost up \(name) printed no address:\n\(result.combined)") }
        return TestHost(name: name, address: assigned, stateDirectory: stateDirectory, keyPair: keyPair, users: users)
    }

    /// Brings up one host named `name` with a fresh key pair, runs `body`, then tears it down.
    ///
    /// The state directory is removed afterwards unless `body` throws or
    /// `PALLET_KEEP_TESTHOSTS=1` is set; then its path is printed to stderr for inspection.
    /// A body that returns a value and uses `#expect(try …)` needs its type spelled out
    /// (`{ host throws -> String in … }`): the macro cannot infer it otherwise.
    public static func with<T>(
        name: String,
        users: TestHostUsers = .admin,
        _ body: (TestHost) throws -> T
    ) throws -> T {
        try TestHostCluster.with(names: [name], users: users) { cluster in
            guard let host = cluster.hosts.first else { throw TestHostError("no host came up") }
            return try body(host)
        }
    }
}

/// Several test hosts brought up together, sharing one key pair and one run directory.
public struct TestHostCluster: Sendable {
    /// The hosts, in the order of the names they were given.
    public let hosts: [TestHost]
    /// The run directory holding the key pair, the combined known_hosts and one state directory per host.
    public let directory: String
    /// The key pair every host accepts.
    public let keyPair: SSHKeyPair

    /// A known_hosts file listing every host of the cluster.
    public var knownHostsFile: String { directory + "/known_hosts" }

    /// The host called `name`, if any.
    public subscript(name: String) -> TestHost? {
        hosts.first { $0.name == name }
    }

    /// Brings up hosts in parallel, each on its own free loopback address.
    ///
    /// - Parameters:
    ///   - count: How many hosts, named `host1`, `host2`, … (ignored when `names` is given).
    ///   - names: The host names.
    ///   - users: The users every host gets.
    ///   - directory: The run directory; a fresh one under `/tmp/pallet-testhosts/runs` when nil.
    /// - Returns: The running hosts. If any host fails, those that came up are cleaned and the error is thrown.
    public static func up(
        count: Int = 1,
        names: [String]? = nil,
        users: TestHostUsers = .admin,
        directory: String? = nil
    ) throws -> TestHostCluster {
        let hostNames = names ?? (1...max(count, 1)).map { "host\($0)" }
        guard Set(hostNames).count == hostNames.count else { throw TestHostError("host names must be distinct: \(hostNames)") }
        try TestHostSupport.checkAvailable()
        let runDirectory = try directory ?? TestHostSupport.makeRunDirectory(prefix: hostNames.first ?? "hosts")
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        let keyPair = try TestHostSupport.makeKeyPair(in: runDirectory)

        // One plain thread per host: blocking Dispatch's small global pool here (as
        // concurrentPerform would) starves ProcessRunner's stderr reader for ~1 s.
        let outcomes = OutcomeBox(count: hostNames.count)
        let group = DispatchGroup()
        for (index, name) in hostNames.enumerated() {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                do {
                    let host = try TestHost.up(name: name, stateDirectory: runDirectory + "/" + name, users: users, keyPair: keyPair)
                    outcomes.set(index, .success(host))
                } catch {
                    outcomes.set(index, .failure(error))
                }
            }
            thread.start()
        }
        group.wait()
        var hosts: [TestHost] = []
        var failures: [String] = []
        for outcome in outcomes.all() {
            switch outcome {
            case .success(let host): hosts.append(host)
            case .failure(let error): failures.append("\(error)")
            case nil: failures.append("a host did not report back")
            }
        }
        guard failures.isEmpty else {
            for host in hosts { try? host.clean() }
            throw TestHostError(failures.joined(separator: "\n"), isSkip: false)
        }
        let cluster = TestHostCluster(hosts: hosts, directory: runDirectory, keyPair: keyPair)
        var lines = ""
        for host in hosts { lines += try TestHostSupport.readText(host.knownHostsFile) }
        try Data(lines.utf8).write(to: URL(fileURLWithPath: cluster.knownHostsFile))
        return cluster
    }

    /// Brings up hosts, runs `body`, then tears every host down.
    ///
    /// The run directory is removed afterwards unless `body` throws or
    /// `PALLET_KEEP_TESTHOSTS=1` is set; then its path is printed to stderr for inspection.
    public static func with<T>(
        count: Int = 1,
        names: [String]? = nil,
        users: TestHostUsers = .admin,
        _ body: (TestHostCluster) throws -> T
    ) throws -> T {
        // Bringing several hosts up at once on a loaded 2-core machine can fail in the test-host
        // script itself (an init killed while starting, an address claim lost): that is the test
        // bed, not pallet, so it gets one more try after the failed attempt has torn itself down.
        let cluster: TestHostCluster
        do {
            cluster = try up(count: count, names: names, users: users)
        } catch {
            TestHostSupport.note("test hosts did not come up (\(error)); trying once more")
            sleep(2)
            cluster = try up(count: count, names: names, users: users)
        }
        let value: T
        do {
            value = try body(cluster)
        } catch {
            try? cluster.down()
            TestHostSupport.note("test hosts kept for inspection in \(cluster.directory) (\(error))")
            throw error
        }
        if ProcessInfo.processInfo.environment["PALLET_KEEP_TESTHOSTS"] == "1" {
            try cluster.down()
            TestHostSupport.note("test hosts kept for inspection in \(cluster.directory)")
        } else {
            try cluster.clean()
        }
        return value
    }

    /// Tears every host down (keeping the state directories).
    public func down() throws {
        var failures: [String] = []
        for host in hosts {
            do { try host.down() } catch { failures.append("\(error)") }
        }
        guard failures.isEmpty else { throw TestHostError(failures.joined(separator: "\n")) }
    }

    /// Tears every host down and removes the run directory.
    public func clean() throws {
        var failures: [String] = []
        for host in hosts {
            do { try host.clean() } catch { failures.append("\(error)") }
        }
        guard failures.isEmpty else { throw TestHostError(failures.joined(separator: "\n")) }
        try FileManager.default.removeItem(atPath: directory)
    }
}

/// Shared helpers: where the script is, whether hosts can run here, key pairs.
public enum TestHostSupport {
    /// Whether this process runs as root (test hosts need it).
    public static var isRoot: Bool { geteuid() == 0 }

    /// `Tests/Support/testhost`, found from this source file's location
    /// (overridable with the `PALLET_TESTHOST` environment variable).
    public static let scriptPath: String = {
        if let path = ProcessInfo.processInfo.environment["PALLET_TESTHOST"], !path.isEmpty { return path }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Support")
            .appendingPathComponent("testhost")
            .path
    }()

    /// Why test hosts cannot run here, or nil when they can.
    public static var unavailableReason: String? {
        if !isRoot { return "test hosts need root (overlayfs, namespaces, chroot)" }
        if !FileManager.default.isExecutableFile(atPath: scriptPath) { return "\(scriptPath) is missing or not executable" }
        for tool in ["/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen", "/usr/bin/sudo", "/usr/bin/unshare", "/usr/bin/nsenter"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is missing (apt-get install openssh-server openssh-client sudo util-linux)"
        }
        return nil
    }

    /// For `.enabled(if:)` traits and guards: true when test hosts can run; otherwise prints a
    /// loud SKIPPED line naming `what` to stderr and returns false.
    ///
    ///     @Suite(.enabled(if: TestHostSupport.requireRoot("Bundles on test hosts")))
    public static func requireRoot(_ what: String) -> Bool {
        guard let reason = unavailableReason else { return true }
        note("SKIPPED — \(what): \(reason)")
        return false
    }

    /// Throws a skip-marked ``TestHostError`` when test hosts cannot run here.
    public static func checkAvailable() throws {
        if let reason = unavailableReason { throw TestHostError("SKIPPED — \(reason)", isSkip: true) }
    }

    /// Makes a fresh passphrase-less ed25519 key pair `id_ed25519{,.pub}` in `dir`.
    public static func makeKeyPair(in dir: String) throws -> SSHKeyPair {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let privateKey = dir + "/id_ed25519"
        if FileManager.default.fileExists(atPath: privateKey) {
            throw TestHostError("\(privateKey) already exists")
        }
        let result = try ProcessRunner.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "pallet-test", "-f", privateKey])
        try check(result, "ssh-keygen")
        return SSHKeyPair(privateKey: privateKey, publicKey: privateKey + ".pub")
    }

    /// Creates a fresh, empty run directory `/tmp/pallet-testhosts/runs/<prefix>-XXXXXX`.
    ///
    /// Under /tmp on purpose: hosts mount their own /tmp, so they never see other hosts' state.
    public static func makeRunDirectory(prefix: String) throws -> String {
        let base = "/tmp/pallet-testhosts/runs"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let safe = String(prefix.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" })
        guard let folder = PrivateFolder.create(in: base, prefix: safe + "-") else { throw TestHostError("mkdtemp in \(base) failed: errno \(errno)") }
        return folder
    }

    /// Runs the testhost script with `arguments`.
    static func script(_ arguments: [String], stdin: [UInt8]? = nil) throws -> ProcessResult {
        try ProcessRunner.run([scriptPath] + arguments, stdin: stdin)
    }

    /// Throws a ``TestHostError`` describing `result` unless it succeeded.
    static func check(_ result: ProcessResult, _ what: String) throws {
        guard result.status != 0 else { return }
        if result.status == 77 {
            throw TestHostError("\(what): SKIPPED — \(result.stderr)", isSkip: true)
        }
        throw TestHostError("\(what) failed with status \(result.status):\n\(result.combined)")
    }

    /// Reads a UTF-8 text file.
    static func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw TestHostError("cannot read \(path)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// Prints a line to standard error, visible in test output.
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("testhost: \(message)\n".utf8))
    }
}

/// Collects per-host outcomes from `concurrentPerform` workers.
private final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [Result<TestHost, any Error>?]

    init(count: Int) {
        outcomes = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ outcome: Result<TestHost, any Error>) {
        lock.lock()
        defer { lock.unlock() }
        outcomes[index] = outcome
    }

    func all() -> [Result<TestHost, any Error>?] {
        lock.lock()
        defer { lock.unlock() }
        return outcomes
    }
}
