import Foundation
import PalletExecutor
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

    /// Runs the pallet binary in the project folder; with `trace`, under strace, appending every
    /// program started in its process tree to that file (``ExecTrace``).
    @discardableResult
    func pallet(_ arguments: [String], environment: [String: String] = [:], trace: String? = nil) throws -> ProcessResult {
        let command = [RepositoryPaths.palletBinary] + arguments
        return try ProcessRunner.run(trace.map { ExecTrace.command(command, file: $0) } ?? command, directory: project.root, environment: environment)
    }

    /// Every file under the project's `out/` and `.pallet/` folders, as text.
    func everythingWritten() throws -> String {
        let result = try ProcessRunner.run(["bash", "-c", "find out .pallet -type f -print0 | xargs -0 cat", "-"], directory: project.root)
        return result.stdout
    }
}

/// The traced program starts that leak one of `needles`: a command line (program or argument)
/// holding one, or an ssh started with one in its environment (ssh gets a minimal environment, so
/// a secret in pallet's environment reaches neither ssh nor anything ssh starts).
func leaks(of needles: [String], in calls: [ExecCall]) -> [String] {
    calls.flatMap { call -> [String] in
        var found: [String] = []
        if needles.contains(where: { needle in call.program.contains(needle) || call.arguments.contains { $0.contains(needle) } }) {
            found.append("command line: \(call)")
        }
        if call.program.hasSuffix("/ssh"), needles.contains(where: { needle in call.environment.contains { $0.contains(needle) } }) {
            found.append("environment of \(call)")
        }
        return found
    }
}

/// The environment entries of traced ssh starts that are not, byte for byte, one of the entries
/// pallet itself was started with, or that name a variable outside the inherited set (an entry
/// read past its end, or a variable pallet should not pass on). Empty when the trace holds no
/// pallet start, so callers also check that ssh starts were traced.
func foreignEnvironment(in calls: [ExecCall]) -> [String] {
    guard let pallet = calls.first(where: { $0.program == RepositoryPaths.palletBinary }) else {
        return ["no start of \(RepositoryPaths.palletBinary) in the trace"]
    }
    let own = Set(pallet.environment)
    return calls.filter { $0.program.hasSuffix("/ssh") }.flatMap { call in
        call.environment.filter { entry in
            !own.contains(entry) || !SSHSettings.inheritedVariables.contains(String(entry.prefix { $0 != "=" }))
        }.map { "\(call.pid): \($0)" }
    }
}
