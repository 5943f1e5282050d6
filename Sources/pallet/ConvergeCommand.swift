import ArgumentParser
import PalletExecutor

/// `pallet converge`: provision virtualbox groups to their counts, then bootstrap and configure.
struct ConvergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "converge",
        abstract: "Bring every group to its count (VirtualBox), bootstrap new nodes, then configure all.",
        discussion: """
            For each virtualbox group, runs out/provision/<service>/<group>.sh converge COUNT: creates the missing \
            <group>-<i> VMs (filling gaps), rebuilds half-built ones, destroys the highest extras (count 0 removes \
            the group) and never deletes a base disk. Then bootstrap runs on nodes that never completed it, and \
            configure on all, as with pallet apply. Set VBOXMANAGE to use another VBoxManage.

            Examples:
              pallet converge
              pallet converge --group web
            """
    )

    @OptionGroup var common: RunOptions

    func run() async throws {
        let status = await common.support.execute(
            ExecutionOptions(phases: .apply, check: false, groups: common.group, nodes: common.node, jobs: common.jobs), provision: true)
        if status != 0 { throw ExitCode(status) }
    }
}
