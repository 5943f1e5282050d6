import ArgumentParser
import PalletExecutor

/// `pallet apply`: run the plan's bundles on its nodes over ssh.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Run out/'s bundles on the nodes: bootstrap where never done, then configure.",
        discussion: """
            Reads only out/, the admin user's key and the secrets: specs/ need not be present. What runs is what \
            was reviewed: every bundle tar must hold exactly the files of out/ beside it (run.sh, files/, lib.sh, \
            MANIFEST) and match its SHA-256 in plan.json, or nothing runs. When specs/ is present, pallet compiles \
            it and refuses to run unless out/ is exactly the result (as 'pallet plan --check'; --allow-stale skips this). \
            With --require-signature ALLOWED_SIGNERS, out/ must also carry a signature made by 'pallet plan --sign KEY' \
            with a key that file lists, over exactly the files out/ holds now (ssh-keygen -Y verify, namespace pallet-plan).

            Each node gets one ssh connection (multiplexed), its bundle on standard input, and runs it with \
            sudo -n. Nodes run in parallel; groups wait for the groups named in their after:. One node failing \
            never stops the others. Logs go to .pallet/runs/<run-id>/<node>/<phase>.log.

            Exit status: 0 when every node succeeded, 1 when any failed or was unreachable, 2 with \
            --detailed-exitcode when something changed (or would change, with --check).

            Examples:
              pallet apply
              pallet apply --check                 # report what would change, with diffs
              pallet apply --group web --jobs 4
              pallet apply --json > report.json
              pallet apply --require-signature ~/.ssh/allowed_signers   # out/ as a reviewer signed it
            """
    )

    @OptionGroup var common: RunOptions

    @Flag(name: .long, help: "Check mode: report what would change (with diffs) and change nothing.")
    var check = false

    func run() async throws {
        let status = await common.support.execute(ExecutionOptions(
            phases: .apply, check: check, groups: common.group, nodes: common.node, jobs: common.jobs))
        if status != 0 { throw ExitCode(status) }
    }
}

/// Options that apply and lift share.
struct RunOptions: ParsableArguments {
    @Option(name: .long, help: "The project folder (default: the current folder).")
    var project: String = "."

    @Option(name: .long, help: "The compiled plan folder (default: <project>/out).")
    var out: String?

    @Option(name: .long, help: "Only nodes of this group (repeatable).")
    var group: [String] = []

    @Option(name: .long, help: "Only this node (repeatable).")
    var node: [String] = []

    @Option(name: .long, help: "How many nodes run at once.")
    var jobs: Int = 16

    @Flag(name: .long, help: "Print the run report as JSON on standard output.")
    var json = false

    @Flag(name: .long, help: "Exit 2 when something changed (or would change in check mode).")
    var detailedExitcode = false

    @Flag(name: .long, help: "Run even when out/ is not what specs/ compile to (the tars must still match out/).")
    var allowStale = false

    @Option(name: .long, help: ArgumentHelp(
        "Refuse unless out/ is signed (pallet plan --sign) by a key in this allowed_signers file, and unchanged since.",
        valueName: "allowed-signers"))
    var requireSignature: String?

    @Flag(name: [.short, .long], help: "Print nothing while nodes run; the recap shows only problems and totals.")
    var quiet = false

    @Flag(name: [.short, .long], help: "Print every step of every node as it runs.")
    var verbose = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose contradict each other") }
    }

    var support: RunCommandSupport {
        RunCommandSupport(project: project, out: out, allowStale: allowStale, requireSignature: requireSignature, json: json, detailedExitCode: detailedExitcode,
                          style: OutputStyle(quiet: quiet, verbose: verbose))
    }
}
