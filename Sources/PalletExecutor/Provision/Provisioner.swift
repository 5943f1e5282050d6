import Foundation
import PalletSpec
import PalletContract

/// A virtualbox group's provisioning script (`out/provision/<service>/<group>.sh`) and what its
/// subcommands mean to the executor: `converge COUNT`, the read-only `plan COUNT` and `nodes`,
/// and `destroy INDEX` / `destroy-all`.
public struct Provisioner: Sendable {
    /// The group.
    public let group: PlanDocument.Group
    let script: ProvisionScript
    let admin: Credentials
    let home: String

    /// What one subcommand gave: the nodes it reported, or why it failed.
    public struct Outcome: Sendable {
        /// The group.
        public var group: String
        /// The nodes the script reported.
        public var nodes: [ReportedNode] = []
        /// Why the subcommand failed, if it did (escaped for a terminal).
        public var error: String?
    }

    /// Creates the provisioner of `group`, logging to `runDirectory/provision/<service>/<group>.log`;
    /// nil when the group has no provisioning script.
    public init?(group: PlanDocument.Group, plan: LoadedPlan, runDirectory: String, home: String = UserHome.path) {
        guard let path = group.provision else { return nil }
        self.group = group
        script = ProvisionScript(path: path, plan: plan, logPath: "\(runDirectory)/provision/\(group.service)/\(group.name).log")
        let user = plan.document.adminUser
        admin = Credentials(user: user?.username ?? "", key: user?.privateKey.map { Inventory.expand($0, home: home) })
        self.home = home
    }

    /// `converge COUNT`: creates, rebuilds, starts and destroys VMs until the group has its count,
    /// and reports every node with its address.
    public func converge() async -> Outcome {
        await nodes(["converge", String(group.count)])
    }

    /// `nodes` (read-only): the group's existing VMs, running or not.
    public func existing() async -> Outcome {
        await nodes(["nodes"])
    }

    /// `plan COUNT` (read-only): what converge would do, or why it cannot tell.
    public func plan() async -> Result<[MachineChange], ProvisionScript.Failure> {
        await script.read(["plan", String(group.count)]) { try MachineChange.parsePlan($0, group: group.name) }
    }

    /// `destroy INDEX` or, with nil, `destroy-all`: nil on success, else why it failed.
    public func destroy(index: Int?) async -> String? {
        await script.perform(index.map { ["destroy", String($0)] } ?? ["destroy-all"])
    }

    /// Runs a subcommand that prints node lines and reads them.
    func nodes(_ arguments: [String]) async -> Outcome {
        switch await script.read(arguments, { try ReportedNode.parse($0, group: group.name) }) {
        case .success(let nodes): return Outcome(group: group.name, nodes: nodes)
        case .failure(let failure): return Outcome(group: group.name, error: failure.description)
        }
    }

    /// The ssh target of a running node.
    public func target(_ node: ReportedNode) -> Target? {
        guard case .running(let address, let port, _) = node.state else { return nil }
        let login = Inventory.login(of: group.nodes.first { $0.index == node.index }, admin: admin, home: home)
        return Target(name: node.name, group: group.name, index: node.index, address: address, port: port, admin: admin, login: login)
    }
}
