import Foundation
import PalletSpec
import PalletContract

/// The nodes of a plan that can be reached: every listed host of a `hosts` service.
///
/// VirtualBox groups get their addresses when `pallet apply` provisions them (see MachineStage).
public struct Inventory: Sendable {
    /// The targets in plan order.
    public var targets: [Target]
    /// Groups whose nodes have no address yet, with the reason.
    public var unaddressed: [String: String]

    /// Builds the inventory of `plan`, using `home` to expand `~` in key paths.
    public init(plan: PlanDocument, home: String = UserHome.path) throws {
        guard let admin = plan.adminUser else {
            throw LoadedPlan.ReadError(description: "the specs define no admin-user: pallet needs one to log in to nodes")
        }
        let adminCredentials = Credentials(user: admin.username, key: admin.privateKey.map { Self.expand($0, home: home) })
        var targets: [Target] = []
        var unaddressed: [String: String] = [:]
        for group in plan.groups {
            for node in group.nodes {
                guard let address = node.address else {
                    unaddressed[group.name] = "\(group.provider) nodes get addresses from 'pallet apply'"
                    continue
                }
                let login = Self.login(of: node, admin: adminCredentials, home: home)
                targets.append(Target(name: node.name, group: group.name, index: node.index, address: address, port: node.port,
                                      admin: adminCredentials, login: login, hostKey: node.hostKey,
                                      via: node.via.map { Jump($0, admin: adminCredentials, home: home) }))
            }
        }
        self.targets = targets
        self.unaddressed = unaddressed
    }

    /// The credentials bootstrap uses on `node`: its login user (with its key, else the admin's
    /// key), or the admin user when it has none.
    static func login(of node: PlannedNode?, admin: Credentials, home: String) -> Credentials {
        guard let node, let user = node.loginUser else { return admin }
        return Credentials(user: user, key: node.loginKey.map { expand($0, home: home) } ?? admin.key)
    }

    /// The targets in `groups` and named in `nodes` (either list empty: all), in plan order.
    public func targets(groups: [String], nodes: [String]) -> [Target] {
        targets.filter { target in
            (groups.isEmpty || groups.contains(target.group)) && (nodes.isEmpty || nodes.contains(target.name))
        }
    }

    /// The error of a run that selected no target, with the groups that have no addresses yet.
    public var noTargetMessage: String {
        guard !unaddressed.isEmpty else { return "no node to run on" }
        return "no node to run on (" + unaddressed.sorted { $0.key < $1.key }.map { "group \($0.key): \($0.value)" }.joined(separator: "; ") + ")"
    }

    /// Adds the nodes a provisioning run reported for `group`.
    public mutating func add(_ provisioned: [Target], group: String) {
        targets.removeAll { $0.group == group }
        targets += provisioned
        unaddressed[group] = nil
    }

    /// `path` with a leading `~/` replaced by `home`.
    static func expand(_ path: String, home: String) -> String {
        UserHome.expand(path, home: home)
    }
}
