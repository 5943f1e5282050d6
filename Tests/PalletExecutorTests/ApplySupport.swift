import Foundation
import PalletTestSupport

/// A project whose hosts service lists the hosts of a test cluster, with the cluster's key as
/// the admin user's key.
struct ClusterProject: Sendable {
    let project: TemporaryProject
    let cluster: TestHostCluster

    /// Writes `specs/pallet.yaml` (admin user, hosts service) and `specs/groups.yaml`.
    ///
    /// - Parameters:
    ///   - groupOf: The group of each host, by host name.
    ///   - groups: The YAML of the `groups:` section's body (indented by two spaces).
    ///   - admin: The admin user's name.
    ///   - login: A login user for bootstrap, written into every host entry.
    init(cluster: TestHostCluster, groupOf: [String: String], groups: String, admin: String = "admin", login: String? = nil) throws {
        project = try TemporaryProject()
        self.cluster = cluster
        var hosts = ""
        for host in cluster.hosts {
            let loginEntry = login.map { ", login: {username: \($0), private-key: \(cluster.keyPair.privateKey)}" } ?? ""
            hosts += "      - {name: \(host.name), group: \(groupOf[host.name] ?? "g"), address: \(host.address)\(loginEntry)}\n"
        }
        try project.write("specs/pallet.yaml", """
            admin-user: {username: \(admin), private-key: \(cluster.keyPair.privateKey)}
            services:
              lab:
                provider: hosts
                hosts:
            \(hosts)
            """)
        try project.write("specs/groups.yaml", "groups:\n" + groups)
    }

    /// Runs the pallet binary in the project folder.
    @discardableResult
    func pallet(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try ProcessRunner.run([RepositoryPaths.palletBinary] + arguments, directory: project.root, environment: environment)
    }

    /// Every file under the project's `out/` and `.pallet/` folders, as text.
    func everythingWritten() throws -> String {
        let result = try ProcessRunner.run(["bash", "-c", "find out .pallet -type f -print0 | xargs -0 cat", "-"], directory: project.root)
        return result.stdout
    }
}

/// Watches every process's command line (and ssh's environment) while a test runs, to prove a value never appears there.
final class CommandLineWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String] = []
    private var running = true
    private let needles: [String]
    private var thread: Thread?

    init(lookingFor needles: [String]) {
        self.needles = needles
        let thread = Thread { [weak self] in self?.loop() }
        self.thread = thread
        thread.start()
    }

    private func loop() {
        while lock.withLock({ running }) {
            if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") {
                for entry in entries where entry.allSatisfy(\.isNumber) {
                    guard let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
                    let text = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
                    if needles.contains(where: text.contains) { lock.withLock { seen.append(text) } }
                    // ssh gets a minimal environment: a secret set in pallet's environment must not
                    // reach it (nor anything ssh starts, such as a ProxyCommand).
                    if text.hasPrefix("/usr/bin/ssh "), let environ = FileManager.default.contents(atPath: "/proc/\(entry)/environ") {
                        let variables = String(decoding: environ.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
                        if needles.contains(where: variables.contains) { lock.withLock { seen.append("environment of " + text) } }
                    }
                }
            }
            usleep(5_000)
        }
    }

    /// Stops watching; returns the command lines (or ssh environments) that held the value.
    func stop() -> [String] {
        lock.withLock { running = false }
        usleep(20_000)
        return lock.withLock { seen }
    }
}
