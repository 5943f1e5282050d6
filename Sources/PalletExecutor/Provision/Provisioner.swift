import Foundation
import PalletCompiler
import PalletSpec
import Subprocess
import SystemPackage

/// Runs a virtualbox group's provisioning script (`out/provision/<service>/<group>.sh converge
/// COUNT`) and turns what it prints into targets.
public struct Provisioner: Sendable {
    /// The outcome for one group.
    public struct Outcome: Sendable {
        /// The group.
        public var group: String
        /// Its nodes, with the addresses the VMs reported.
        public var targets: [Target]
        /// The names of nodes created in this run.
        public var created: [String]
        /// Why provisioning failed, if it did.
        public var error: String?
        /// Nodes left alone because what their VM reported cannot be trusted, each with the reason.
        public var rejected: [String] = []
    }

    let plan: LoadedPlan
    let runDirectory: String
    let home: String

    /// Creates a provisioner writing logs to `runDirectory/provision-<group>.log`.
    public init(plan: LoadedPlan, runDirectory: String, home: String = NSHomeDirectory()) {
        self.plan = plan
        self.runDirectory = runDirectory
        self.home = home
    }

    /// Converges `group` to its count.
    public func converge(_ group: PlanDocument.Group) async -> Outcome {
        var outcome = Outcome(group: group.name, targets: [], created: [], error: nil)
        guard let script = group.provision else {
            outcome.error = "group \(group.name) has no provisioning script"
            return outcome
        }
        guard let admin = plan.document.adminUser else {
            outcome.error = "the specs define no admin-user"
            return outcome
        }
        let logPath = "\(runDirectory)/provision-\(group.name).log"
        do {
            let log = try FileDescriptor.open(FilePath(logPath), .writeOnly, options: [.create, .truncate, .append],
                                              permissions: [.ownerReadWrite])
            let result = try await Subprocess.run(
                .path("/bin/bash"), arguments: [plan.outDirectory + "/" + script, "converge", String(group.count)],
                input: .none, output: .string(limit: 1 << 20), error: .fileDescriptor(log, closeAfterSpawningProcess: true))
            guard case .exited(0) = result.terminationStatus else {
                let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                let reason = text.split(separator: "\n").last { $0.contains("error") }.map(String.init) ?? "see \(logPath)"
                outcome.error = "provisioning failed: \(reason)"
                return outcome
            }
            let adminCredentials = Credentials(user: admin.username, key: admin.privateKey.map { Inventory.expand($0, home: home) })
            for line in result.standardOutput.split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                guard words.count == 6, words[0] == "node", let index = Int(words[2]), let port = Int(words[4]) else { continue }
                // The address comes from the VM (a guest property anyone with root in the guest can
                // set): it reaches ssh and the node's run only when it is a plain host address.
                guard NameRules.isValidAddress(words[3]) else {
                    outcome.rejected.append("VM \(words[1].debugEscaped) reported the address '\(words[3].debugEscaped)', which is not a host name or IP address; that node was left alone")
                    continue
                }
                let login = Inventory.login(of: group.nodes.first { $0.index == index }, admin: adminCredentials, home: home)
                outcome.targets.append(Target(name: words[1], group: group.name, index: index, address: words[3], port: port,
                                              admin: adminCredentials, login: login))
                if words[5] == "1" { outcome.created.append(words[1]) }
            }
        } catch {
            outcome.error = "cannot run the provisioning script: \(error)"
        }
        return outcome
    }
}
