import ArgumentParser

/// The `pallet` command line: a static plan compiler for Linux configuration.
@main
struct PalletCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pallet",
        abstract: "Compile infrastructure specs into reviewable bash bundles, and apply them over ssh.",
        discussion: """
            pallet plan reads specs/*.yaml and writes out/: one run.sh and one .tar bundle per group and phase, \
            plus plan.json and PLAN.md. out/ is meant to be committed and reviewed.

            Examples:
              pallet plan                 compile specs/ into out/
              pallet plan --check         fail when out/ is not what specs/ compiles to
            """,
        version: "pallet \(PalletVersionString.value)",
        subcommands: [PlanCommand.self]
    )
}
