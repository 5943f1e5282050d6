import ArgumentParser
import Foundation

/// The `pallet` command line: a static plan compiler for Linux configuration.
@main
struct PalletCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pallet",
        abstract: "Compile infrastructure specs into reviewable bash bundles and VirtualBox scripts, and apply them.",
        discussion: """
            pallet plan reads specs/*.yaml and writes out/: one run.sh and one .tar bundle per group and phase, \
            plus plan.json and PLAN.md. out/ is meant to be committed and reviewed.

            Examples:
              pallet init infra           start a project: specs/ with a commented example, Makefile, CI job
              pallet plan                 compile specs/ into out/
              pallet plan --check         fail when out/ is not what specs/ compiles to
              pallet diff origin/main     what the change does to the machines, as Markdown for a pull request
              pallet apply                make the machines match out/: VMs, then phases
              pallet apply --check        preview machine changes and diffs, change nothing
              pallet converge             an alias of pallet apply
              pallet lift --phase deploy  one phase on the nodes that exist; creates no VM
              pallet destroy              tear down this project's VMs (asks first)
              pallet vendor               download the .deb files of groups with vendor:, write specs/vendor.lock
              pallet pack                 specs/, out/ and those .deb files in one archive for an air-gapped host
              pallet show web             the group 'web' fully resolved, with origins
              pallet graph --format svg --output infra.svg   groups, server-specs, crates, phases
              pallet schema --output pallet.schema.json      JSON Schema for YAML editors
              pallet textconv out/groups/web/configure.tar   a bundle tar as text (git's diff driver)

            Start with docs/tutorial.md; `man pallet` after make release.
            """,
        version: "pallet \(PalletVersionString.value)",
        subcommands: [InitCommand.self, PlanCommand.self, DiffCommand.self, VendorCommand.self, PackCommand.self, SchemaCommand.self, GraphCommand.self, ApplyCommand.self, ConvergeCommand.self, LiftCommand.self, DestroyCommand.self, ShowCommand.self, TextconvCommand.self]
    )

    /// Runs the command line. SIGPIPE is ignored first, for the whole process: a node whose ssh
    /// exits early closes the pipe its bundle is written into, and that must be an error of that
    /// node (EPIPE), never a signal that ends the whole run (the executor relies on it).
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        await main(nil)
    }
}
