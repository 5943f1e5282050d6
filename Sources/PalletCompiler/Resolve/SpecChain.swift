import PalletSpec

/// The bodies a group is built from, in the order their contributions apply.
///
/// Parents come first, in declared order, depth first; a server-spec reached twice contributes
/// once (at its first place); the group's own body comes last.
struct SpecChain {
    /// Each contributing spec's name and body, in order.
    var links: [(name: String, body: SpecBody)]

    /// Linearizes the chain of `group`. References must already be validated and acyclic.
    init(group: GroupSpec, specs: SpecSet) {
        var visited = Set<String>()
        var links: [(name: String, body: SpecBody)] = []
        func visit(_ name: String) {
            guard visited.insert(name).inserted, let server = specs.server(named: name) else { return }
            for parent in server.body.extends { visit(parent.value) }
            links.append((name, server.body))
        }
        for parent in group.body.extends { visit(parent.value) }
        links.append(("group \(group.name.value)", group.body))
        self.links = links
    }

    /// The server-spec names, without the group itself.
    var serverNames: [String] { links.dropLast().map(\.name) }

    /// The variables, later links overriding earlier ones.
    var variables: [String: Variable] {
        var merged: [String: Variable] = [:]
        for link in links {
            for variable in link.body.vars { merged[variable.name.value] = variable }
        }
        return merged
    }

    /// The handlers by name, a later definition replacing an earlier one in its first place.
    var handlers: [Handler] {
        var order: [String] = []
        var byName: [String: Handler] = [:]
        for link in links {
            for handler in link.body.handlers {
                if byName[handler.name.value] == nil { order.append(handler.name.value) }
                byName[handler.name.value] = handler
            }
        }
        return order.compactMap { byName[$0] }
    }
}
