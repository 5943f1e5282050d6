import ArgumentParser
import Foundation
import PalletExecutor

/// `pallet destroy`: tear down the VirtualBox VMs of this project.
struct DestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Tear down this project's VirtualBox VMs (all, a group's or some nodes'), asking first.",
        discussion: """
            Lists what it will destroy, then asks y/N when standard input is a terminal; anywhere else it \
            refuses unless --yes is given. Without --group or --node it destroys every VM of every virtualbox \
            group and the orphans (VMs of this project whose group is no longer in the specs). Only VMs that carry \
            this project's identity are destroyed, through the provisioning scripts' destroy INDEX and destroy-all: \
            each VM is powered off and unregistered, and only the differencing disk pallet attached is deleted, \
            never the image's base disk. Hosts groups have nothing to destroy.

            Examples:
              pallet destroy                       # every VM of this project, after asking
              pallet destroy --group web --yes     # the VMs of group web, without asking
              pallet destroy --node web-3
            """
    )

    @OptionGroup var source: PlanLoader

    @Option(name: .long, help: "Only the VMs of this group (repeatable).")
    var group: [String] = []

    @Option(name: .long, help: "Only this node's VM (repeatable).")
    var node: [String] = []

    @Flag(name: [.short, .long], help: "Destroy without asking (required when standard input is not a terminal).")
    var yes = false

    func run() async throws {
        guard let plan = source.load(checkBundles: false), let session = source.session() else { throw ExitCode(1) }
        defer { session.finish() }
        let teardown = MachineTeardown(plan: plan, runDirectory: session.runDirectory)
        let selection: MachineTeardown.Selection
        do {
            selection = try teardown.select(groups: group, nodes: node)
        } catch {
            printError("pallet: error: \(error)")
            throw ExitCode(1)
        }
        for notice in selection.notices { printError("pallet: \(notice)") }
        let found = await teardown.inventory(selection)
        if !found.errors.isEmpty {
            for error in found.errors { printError("pallet: error: \(error)") }
            printError("pallet: nothing was destroyed")
            throw ExitCode(1)
        }
        if found.vms.isEmpty {
            printError("pallet: no VM of this project to destroy")
            return
        }
        printError("pallet: destroy will tear down \(found.vms.count) VM\(found.vms.count == 1 ? "" : "s"):")
        for vm in found.vms { printError("  \(vm)") }
        guard try confirmed(count: found.vms.count) else { throw ExitCode(1) }
        let errors = await teardown.run(selection)
        for error in errors { printError("pallet: error: \(error)") }
        if !errors.isEmpty { throw ExitCode(1) }
        printError("pallet: destroyed \(found.vms.count) VM\(found.vms.count == 1 ? "" : "s")")
    }

    /// Whether to go on: --yes, or a y answer on a terminal; off a terminal without --yes, a refusal.
    func confirmed(count: Int) throws -> Bool {
        if yes { return true }
        guard isatty(STDIN_FILENO) == 1 else {
            printError("pallet: error: refusing to destroy \(count) VM\(count == 1 ? "" : "s") without confirmation: "
                + "standard input is not a terminal, so pallet cannot ask; pass --yes to destroy them")
            return false
        }
        FileHandle.standardError.write(Data("Destroy \(count == 1 ? "it" : "them")? [y/N] ".utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        if answer == "y" || answer == "yes" { return true }
        printError("pallet: nothing was destroyed")
        return false
    }
}
