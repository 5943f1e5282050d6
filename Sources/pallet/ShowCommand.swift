import ArgumentParser
import PalletCompiler
import PalletContract
import PalletSpec

/// `pallet show GROUP`: the fully resolved spec of a group, each value with its origin.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the fully resolved spec of a group, each value with the file:line it comes from.",
        discussion: """
            Shows the group's service, node-spec, machine, count, extends chain, merged variables, every step of \
            every phase (with crate uses) and the handlers: what the project's specs/ alone say.

            Examples:
              pallet show web
              pallet show db --project ~/infra
            """
    )

    @Argument(help: "The group to show.")
    var group: String

    @Option(name: .long, help: "The project folder (default: the current folder).")
    var project: String = "."

    func run() throws {
        let resolved = try ResolvedProject(projectRoot: project)
        let (specs, plan) = (resolved.specs, resolved.plan)
        guard let spec = specs.group(named: group), let resolved = plan.groups.first(where: { $0.name == group }) else {
            let hint = Suggestion.hint(for: group, in: specs.groups.map(\.name.value))
            printError("pallet: error: no group '\(group)'\(hint)")
            throw ExitCode(1)
        }
        func line(_ text: String, _ origin: SourceLocation?) {
            let padded = text.count < 52 ? text + String(repeating: " ", count: 52 - text.count) : text + "  "
            print(origin.map { padded + "\($0.file):\($0.line)" } ?? text)
        }
        line("group \(resolved.name)", spec.name.location)
        line("  service: \(resolved.service) (\(resolved.provider))", spec.service?.location
            ?? specs.service(named: resolved.service)?.name.location)
        if let node = spec.node { line("  node-spec: \(node.value)", node.location) }
        if let machine = resolved.machine {
            line("  image: \(machine.image.name.value) (\(machine.image.disk.value))", machine.image.name.location)
            line("  hardware: \(machine.hardware.name) \(machine.hardware.memory) MB, \(machine.hardware.cpus) CPU", machine.hardware.location)
            line("  network: \(machine.network.summary)", nil)
        }
        line("  count: \(resolved.count)", spec.count?.location)
        line("  nodes: " + resolved.nodes.map { node in node.address.map { "\(node.name) (\($0))" } ?? node.name }.joined(separator: ", "), nil)
        if !spec.after.isEmpty { line("  after: " + spec.after.map(\.value).joined(separator: ", "), spec.after.first?.location) }
        line("  extends: " + (resolved.chain.isEmpty ? "(nothing)" : resolved.chain.joined(separator: " → ")), spec.body.extends.first?.location)
        if !resolved.variables.isEmpty {
            print("  vars:")
            for variable in resolved.variables { line("    \(variable.name.value) = \(variable.value.value.debugEscaped)", variable.value.location) }
        }
        for bundle in resolved.bundles {
            print("  phase \(bundle.phase): \(bundle.steps.count) step(s)")
            for (offset, step) in bundle.steps.enumerated() {
                let via = step.via.map { " [\($0)]" } ?? ""
                line("    \(offset + 1). \(step.keyword) \(ShellQuoting.commentText(step.summary.templateText))\(via)", step.origin)
            }
            for handler in bundle.handlers {
                print("    handler \(handler.name): " + handler.steps.map { "\($0.keyword) \(ShellQuoting.commentText($0.summary.templateText))" }
                    .joined(separator: "; "))
            }
        }
    }
}
