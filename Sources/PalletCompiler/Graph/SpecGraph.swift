import PalletSpec

/// The project as a Graphviz graph: groups, the server-specs they extend, the crates those use,
/// and each group's phases with their step counts.
public struct SpecGraph {
    let specs: SpecSet
    let plan: Plan

    /// Creates the graph of `specs`, resolved as `plan`.
    public init(specs: SpecSet, plan: Plan) {
        self.specs = specs
        self.plan = plan
    }

    /// The graph in the dot language, the same bytes for the same specs.
    public var dot: String {
        var lines = [
            "digraph pallet {",
            "  rankdir=LR;",
            "  node [fontname=\"Helvetica\", fontsize=11];",
            "  edge [fontname=\"Helvetica\", fontsize=9];",
        ]
        var crates = Set<String>()
        for group in specs.groups {
            let name = group.name.value
            let count = plan.groups.first { $0.name == name }.map { " × \($0.count)" } ?? ""
            lines.append("  \(id("group", name)) [shape=box, style=\"rounded,bold\", label=\(quote("group \(name)\(count)"))];")
            for parent in group.body.extends { lines.append("  \(id("group", name)) -> \(id("server", parent.value));") }
            crates.formUnion(crateEdges(from: id("group", name), body: group.body, into: &lines))
            for bundle in plan.groups.first(where: { $0.name == name })?.bundles ?? [] {
                let phase = id("phase", name + "/" + bundle.phase.rawValue)
                lines.append("  \(phase) [shape=note, label=\(quote("\(bundle.phase)\n\(bundle.steps.count) step(s)"))];")
                lines.append("  \(id("group", name)) -> \(phase) [style=dashed];")
            }
        }
        for server in specs.servers {
            lines.append("  \(id("server", server.name.value)) [shape=ellipse, label=\(quote("server \(server.name.value)"))];")
            for parent in server.body.extends { lines.append("  \(id("server", server.name.value)) -> \(id("server", parent.value));") }
            crates.formUnion(crateEdges(from: id("server", server.name.value), body: server.body, into: &lines))
        }
        var pending = crates.sorted()
        var drawn = Set<String>()
        while let name = pending.popLast() {
            guard drawn.insert(name).inserted, let crate = specs.crate(named: name) else { continue }
            lines.append("  \(id("crate", name)) [shape=component, label=\(quote("crate \(name)\(crate.builtIn ? " (built in)" : "")"))];")
            pending += crateEdges(from: id("crate", name), body: crate.body, into: &lines).sorted()
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Edges to the crates `body` uses (labelled with the phase); returns their names.
    private func crateEdges(from source: String, body: SpecBody, into lines: inout [String]) -> Set<String> {
        var used = Set<String>()
        for phase in body.phases {
            for case .crateUse(let use) in phase.items {
                let name = use.name.value
                used.insert(name)
                lines.append("  \(source) -> \(id("crate", name)) [label=\(quote(phase.name.value))];")
            }
        }
        return used
    }

    private func id(_ kind: String, _ name: String) -> String {
        quote(kind + ":" + name)
    }

    /// A dot string literal.
    private func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}
