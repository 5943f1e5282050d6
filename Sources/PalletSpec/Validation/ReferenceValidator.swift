/// Checks that every name the specs refer to is defined, and that `extends` and `after` have no
/// cycles.
public struct ReferenceValidator {
    let specs: SpecSet
    let diagnostics: Diagnostics

    /// Creates a validator of `specs` reporting to `diagnostics`.
    public init(specs: SpecSet, diagnostics: Diagnostics) {
        self.specs = specs
        self.diagnostics = diagnostics
    }

    /// Runs every check.
    public func validate() {
        for server in specs.servers {
            checkServers(server.body.extends)
        }
        checkCycles(kind: "extends", roots: specs.servers.map(\.name)) { name in
            specs.server(named: name)?.body.extends ?? []
        }
        for group in specs.groups {
            checkGroup(group)
        }
        checkCycles(kind: "after", roots: specs.groups.map(\.name)) { name in
            specs.group(named: name)?.after ?? []
        }
        checkHosts()
        checkProject()
    }

    /// A virtualbox service needs the project's name: every VM pallet creates carries it, and a
    /// VM without it is never pallet's to change.
    func checkProject() {
        guard specs.project == nil else { return }
        for service in specs.services {
            guard case .virtualbox = service.provider else { continue }
            diagnostics.error(service.name.location, "virtualbox service '\(service.name.value)' needs the project's name: add "
                + "'project: NAME' (lowercase letters, digits, '-') to specs/pallet.yaml; every VM pallet creates carries it, "
                + "and pallet never touches a VM without it")
            return
        }
    }

    func checkServers(_ names: [Located<String>]) {
        for name in names where specs.server(named: name.value) == nil {
            let hint = Suggestion.hint(for: name.value, in: specs.servers.map(\.name.value))
            diagnostics.error(name.location, "undefined server-spec '\(name.value)'\(hint)")
        }
    }

    func checkGroup(_ group: GroupSpec) {
        checkServers(group.body.extends)
        for name in group.after where specs.group(named: name.value) == nil {
            let hint = Suggestion.hint(for: name.value, in: specs.groups.map(\.name.value))
            diagnostics.error(name.location, "undefined group '\(name.value)' in 'after'\(hint)")
        }
        if let node = group.node, specs.node(named: node.value) == nil {
            let hint = Suggestion.hint(for: node.value, in: specs.nodes.map(\.name.value))
            diagnostics.error(node.location, "undefined node-spec '\(node.value)'\(hint)")
        }
        guard let serviceName = group.service else {
            diagnostics.error(group.name.location, "group-spec '\(group.name.value)' needs 'service'")
            return
        }
        guard let service = specs.service(named: serviceName.value) else {
            let hint = Suggestion.hint(for: serviceName.value, in: specs.services.map(\.name.value))
            diagnostics.error(serviceName.location, "undefined service '\(serviceName.value)'\(hint)")
            return
        }
        switch service.provider {
        case .virtualbox:
            if group.node == nil {
                diagnostics.error(group.name.location, "group-spec '\(group.name.value)' uses virtualbox service '\(service.name.value)' and needs 'node'")
            }
            if group.count == nil {
                diagnostics.error(group.name.location, "group-spec '\(group.name.value)' uses virtualbox service '\(service.name.value)' and needs 'count'")
            }
        case .hosts(let hosts):
            let members = hosts.filter { $0.group.value == group.name.value }
            if let count = group.count, count.value != members.count {
                diagnostics.error(count.location, "'count' is \(count.value) but service '\(service.name.value)' lists "
                    + "\(members.count) host(s) of group '\(group.name.value)'")
            }
        }
    }

    func checkHosts() {
        var seen: [String: SourceLocation] = [:]
        for service in specs.services {
            guard case .hosts(let hosts) = service.provider else { continue }
            for host in hosts {
                if let first = seen[host.name.value] {
                    diagnostics.error(host.name.location, "host '\(host.name.value)' is defined twice")
                    diagnostics.note(first, "host '\(host.name.value)' is first defined here")
                } else {
                    seen[host.name.value] = host.name.location
                }
                guard let group = specs.group(named: host.group.value) else {
                    let hint = Suggestion.hint(for: host.group.value, in: specs.groups.map(\.name.value))
                    diagnostics.error(host.group.location, "undefined group '\(host.group.value)'\(hint)")
                    continue
                }
                if let serviceName = group.service, serviceName.value != service.name.value {
                    diagnostics.error(host.group.location, "host '\(host.name.value)' is listed in service '\(service.name.value)' "
                        + "but group '\(group.name.value)' uses service '\(serviceName.value)'")
                }
            }
        }
    }

    /// Reports each cycle of the graph once, printing the names along it.
    func checkCycles(kind: String, roots: [Located<String>], edges: (String) -> [Located<String>]) {
        var state: [String: Bool] = [:]  // false: on the current path, true: finished
        var reported = Set<Set<String>>()
        var path: [Located<String>] = []

        func visit(_ node: Located<String>) {
            if state[node.value] == true { return }
            if state[node.value] == false {
                guard let start = path.firstIndex(where: { $0.value == node.value }) else { return }
                let cycle = Array(path[start...])
                let members = Set(cycle.map(\.value))
                if reported.insert(members).inserted {
                    let names = (cycle.map(\.value) + [node.value]).joined(separator: " -> ")
                    diagnostics.error(node.location, "\(kind) cycle: \(names)")
                }
                return
            }
            state[node.value] = false
            path.append(node)
            for next in edges(node.value) { visit(next) }
            path.removeLast()
            state[node.value] = true
        }

        for root in roots { visit(root) }
    }
}
