import PalletContract
import PalletSpec

/// Resolves validated specs into a ``Plan``: extends chains, variables, phases, handlers,
/// machine shapes and node lists.
public struct Resolver {
    let specs: SpecSet
    let diagnostics: Diagnostics
    /// Whether vendored groups' package requests are looked up in `specs/vendor.lock` (and one
    /// the lock lacks is an error). `pallet vendor`, which writes the lock, resolves without.
    let attachesVendoredFiles: Bool

    /// Creates a resolver of `specs` reporting to `diagnostics`; with `attachesVendoredFiles`
    /// false, vendored groups' requests are left unresolved against the lock.
    public init(specs: SpecSet, diagnostics: Diagnostics, attachesVendoredFiles: Bool = true) {
        self.specs = specs
        self.diagnostics = diagnostics
        self.attachesVendoredFiles = attachesVendoredFiles
    }

    /// The plan; when `diagnostics` holds errors afterwards it must not be emitted.
    public func resolve() -> Plan {
        // Groups resolve independently: on all processors, each with its own diagnostics, which
        // are recorded here in group order.
        let specs = self.specs, attaches = attachesVendoredFiles
        let resolved = specs.groups.concurrentMap { group in
            Diagnostics.collecting { Resolver(specs: specs, diagnostics: $0, attachesVendoredFiles: attaches).resolveGroup(group) }
        }
        var groups: [GroupPlan] = []
        for (group, found) in resolved {
            diagnostics.record(found)
            if let group { groups.append(group) }
        }
        reportDuplicateNodeNames(groups)
        let usesVirtualBox = specs.services.contains { if case .virtualbox = $0.provider { true } else { false } }
        return Plan(project: specs.project?.value, usesVirtualBox: usesVirtualBox, adminUser: specs.adminUser, groups: groups, inputs: specs.inputs)
    }

    func resolveGroup(_ group: GroupSpec) -> GroupPlan? {
        guard let serviceName = group.service, let service = specs.service(named: serviceName.value) else { return nil }
        let chain = SpecChain(group: group, specs: specs)
        let scope = VariableScope(variables: chain.variables, group: group.name.value, diagnostics: diagnostics)
        let assembler = PhaseAssembler(chain: chain, group: group.name.value, resolver: ActionResolver(scope: scope), diagnostics: diagnostics,
                                       crates: CrateExpander(specs: specs, diagnostics: diagnostics))
        var nodes: [PlannedNode] = []
        var machine: MachinePlan?
        var count = group.count?.value ?? 0
        switch service.provider {
        case .virtualbox(let settings):
            if let nodeName = group.node, let node = specs.node(named: nodeName.value) {
                machine = MachineResolver(diagnostics: diagnostics).resolve(node: node, service: service, settings: settings)
            }
            nodes = count > 0 ? (1...count).map { index in
                PlannedNode(name: "\(group.name.value)-\(index)", index: index, address: nil, port: 22,
                            osFamily: machine?.image.osFamily?.value, loginUser: machine?.image.login?.username.value,
                            loginKey: machine?.image.login?.privateKey?.value)
            } : []
        case .hosts(let hosts):
            let members = hosts.filter { $0.group.value == group.name.value }
            nodes = members.enumerated().map { offset, host in
                PlannedNode(name: host.name.value, index: offset + 1, address: host.address.value, port: host.port,
                            osFamily: host.osFamily?.value, loginUser: host.login?.username.value, loginKey: host.login?.privateKey?.value,
                            hostKey: host.hostKey?.value, via: host.via.map(Self.planned))
            }
            count = members.count
        }
        var plan = GroupPlan(
            name: group.name.value, service: service.name.value, provider: service.provider.kind, count: count,
            after: group.after.map(\.value), chain: chain.serverNames, nodes: nodes, machine: machine,
            bundles: assembler.assemble()
        )
        plan.variables = chain.variables.values.sorted { $0.name.value < $1.name.value }
        if let vendor = group.vendor {
            plan.vendor = vendor.value
        }
        if let vendor = group.vendor, attachesVendoredFiles {
            plan.bundles = VendorResolution(lock: specs.vendorLock, diagnostics: diagnostics).attach(to: plan.bundles, target: vendor)
        }
        return plan
    }

    /// VM names (`<group>-<index>`) must not collide with listed host names.
    func reportDuplicateNodeNames(_ groups: [GroupPlan]) {
        var seen: [String: String] = [:]
        for group in groups {
            for node in group.nodes {
                if let other = seen[node.name], other != group.name, let spec = specs.group(named: group.name) {
                    diagnostics.error(spec.name.location, "node name '\(node.name)' of group '\(group.name)' is also a node of group '\(other)'")
                }
                seen[node.name] = group.name
            }
        }
    }

    /// The plan's form of a bastion of the specs.
    static func planned(_ bastion: Bastion) -> PlannedBastion {
        PlannedBastion(name: bastion.name.value, address: bastion.address.value, port: bastion.port, user: bastion.user?.value,
                       privateKey: bastion.privateKey?.value, hostKey: bastion.hostKey?.value)
    }
}
