import ArgumentParser
import PalletExecutor

/// `pallet converge`: the former name of `pallet apply`, kept as an alias.
struct ConvergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "converge",
        abstract: "Alias of apply: bring VirtualBox groups to their counts, destroy orphans, bootstrap and configure.",
        discussion: """
            pallet converge is an alias of pallet apply, with the same options and behaviour: see \
            'pallet apply --help'.

            Examples:
              pallet converge                  # = pallet apply
              pallet converge --group web      # = pallet apply --group web
            """
    )

    @OptionGroup var common: RunOptions

    @Flag(name: .long, help: "Check mode: preview machine changes and phase diffs; change nothing.")
    var check = false

    func run() async throws {
        try await ApplyCommand.apply(common, check: check)
    }
}
