import ArgumentParser
import PalletContract
import PalletExecutor

/// `pallet lift`: run one phase on existing nodes.
struct LiftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lift",
        abstract: "Run one phase of out/'s bundles on existing nodes; creates and destroys no VM.",
        discussion: """
            Runs phase P (configure, deploy or any phase the specs name) on the hosts and on the VirtualBox VMs \
            that exist: each virtualbox group's VMs are found with out/provision/<service>/<group>.sh nodes \
            (read-only), with the addresses VirtualBox reports. Nothing is created, started or destroyed; a VM \
            that is not running, or was left half-built, is reported and skipped (pallet apply brings the group \
            to its count).

            Examples:
              pallet lift --phase deploy
              pallet lift --phase configure --group web --node web-2
            """
    )

    @Option(name: .long, help: "The phase to run, such as configure or deploy.")
    var phase: String

    @OptionGroup var common: RunOptions

    @Flag(name: .long, help: "Check mode: report what would change and change nothing.")
    var check = false

    func run() async throws {
        let status = await common.support.execute(common.options(phases: .lift(PhaseName(phase)), check: check), machines: .discover)
        if status != 0 { throw ExitCode(status) }
    }
}
