import ArgumentParser
import PalletExecutor

/// `pallet apply`: make the machines match out/, then run its bundles on the nodes over ssh.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the machines match out/: VirtualBox VMs to their counts, orphans destroyed, bootstrap, configure.",
        discussion: """
            For each virtualbox group, runs out/provision/<service>/<group>.sh converge COUNT: creates the missing \
            VMs (filling gaps), rebuilds half-built ones, starts stopped ones and destroys the highest extras (count: 0 \
            removes the group). Without --group or --node, it then destroys the orphans: VMs of this project whose \
            group is no longer in the specs (out/provision/orphans.sh). Only VMs that carry this project's identity \
            (project: in the specs) are ever touched; a VM of another project or none holding one of the names stops \
            that group with an error naming it. Hosts groups are used as they are. Then bootstrap runs on nodes that \
            never completed it, and configure on all, groups in after: order. Set VBOXMANAGE (or vboxmanage: PATH in ~/.pallet/config.yaml) to use another VBoxManage. \
            pallet converge is an alias of this command.

            With --check nothing changes: the groups' plan COUNT and the orphans' list (read-only) give the machine \
            changes apply would make (create web-3, destroy web-4, destroy orphan old-1), and the VMs that exist and \
            run, with the hosts, show their phase diffs. No VBoxManage call that changes anything is made.

            Reads only out/, the admin user's key and the secrets: specs/ need not be present. What runs is what \
            was reviewed: every bundle tar must hold exactly the files of out/ beside it (run.sh, files/, lib.sh, \
            MANIFEST) and match its SHA-256 in plan.json, or nothing runs. When specs/ is present, pallet compiles \
            it and refuses to run unless out/ is exactly the result (as 'pallet plan --check'; --allow-stale skips this). \
            With --require-signature ALLOWED_SIGNERS, out/ must also carry a signature made by 'pallet plan --sign KEY' \
            with a key that file lists, over exactly the files out/ holds now (ssh-keygen -Y verify, namespace pallet-plan).

            Each node gets one ssh connection (multiplexed), its bundle on standard input, and runs it with \
            sudo -n. Nodes run in parallel; groups wait for the groups named in their after:. One node failing \
            never stops the others. Logs go to .pallet/runs/<run-id>/<node>/<phase>.log, the provisioning scripts' \
            to .pallet/runs/<run-id>/provision/.

            Exit status: 0 when every node succeeded, 1 when any failed or was unreachable or provisioning failed, \
            2 with --detailed-exitcode when something changed (or would change, with --check), machines included.

            Examples:
              pallet apply
              pallet apply --check                 # machine changes and phase diffs; change nothing
              pallet apply --group web --jobs 4
              pallet apply --json > report.json    # phases and machine changes, for machines
              pallet apply --require-signature ~/.ssh/allowed_signers   # out/ as a reviewer signed it
            """
    )

    @OptionGroup var common: RunOptions

    @Flag(name: .long, help: "Check mode: preview machine changes and phase diffs; change nothing.")
    var check = false

    func run() async throws {
        try await Self.apply(common, check: check)
    }

    /// What apply (and its alias converge) does.
    static func apply(_ common: RunOptions, check: Bool) async throws {
        let status = await common.support.execute(
            common.options(phases: .apply, check: check),
            machines: check ? .preview : .converge)
        if status != 0 { throw ExitCode(status) }
    }
}

/// Options that apply, converge and lift share.
struct RunOptions: ParsableArguments {
    @OptionGroup var source: PlanLoader

    @Option(name: .long, help: "Only nodes of this group (repeatable).")
    var group: [String] = []

    @Option(name: .long, help: "Only this node (repeatable).")
    var node: [String] = []

    @Option(name: .long, help: "How many nodes run at once.")
    var jobs: Int = 16

    @Option(name: .long, help: ArgumentHelp(
        "Only the nodes of slice K of N (such as 2/3), for N runners that share out/; see docs/fleet.md.",
        discussion: "A node belongs to slice 1 + (the first 8 bytes of the SHA-256 of its name, big-endian) mod N, so adding a node never "
            + "moves another. Machine changes (VirtualBox VMs, orphans) happen only in slice 1/N; the other slices run the VMs that "
            + "exist. after: orders groups within a slice only: each runner orders its own nodes, not another slice's.",
        valueName: "K/N"), transform: { text in
            do { return try NodeSlice(parsing: text) } catch { throw ValidationError("\(error)") }
        })
    var slice: NodeSlice?

    @Flag(name: .long, help: "Print the run report as JSON on standard output.")
    var json = false

    @Flag(name: .long, help: "Exit 2 when something changed (or would change in check mode).")
    var detailedExitcode = false

    @Flag(name: [.short, .long], help: "Print nothing while nodes run; the recap shows only problems and totals.")
    var quiet = false

    @Flag(name: [.short, .long], help: "Print every step of every node as it runs.")
    var verbose = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose contradict each other") }
    }

    /// The executor's options for `phases`, with the selection these options make.
    func options(phases: ExecutionOptions.Phases, check: Bool) -> ExecutionOptions {
        var options = ExecutionOptions(phases: phases, check: check, groups: group, nodes: node, jobs: jobs)
        options.slice = slice
        return options
    }

    var support: RunCommandSupport {
        RunCommandSupport(loader: source,
                          json: json, detailedExitCode: detailedExitcode, style: OutputStyle(quiet: quiet, verbose: verbose))
    }
}
