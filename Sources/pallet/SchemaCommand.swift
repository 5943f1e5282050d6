import ArgumentParser
import Foundation
import PalletContract
import PalletSpec

/// `pallet schema`: the JSON Schema of the spec language, for YAML editors.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of spec files, so YAML editors validate and complete them.",
        discussion: """
            The schema is built from the same key lists and action catalogue the compiler checks specs \
            against; docs/pallet.schema.json in pallet's repository is this output. With the YAML language \
            server (VS Code's YAML extension, Neovim's yamlls, ...), map it to specs/*.yaml, or put \
            `# yaml-language-server: $schema=../pallet.schema.json` at the top of a spec file.

            Examples:
              pallet schema > pallet.schema.json
              pallet schema --output .vscode/pallet.schema.json
            """
    )

    @Option(name: .long, help: "Write the schema to this file instead of standard output.")
    var output: String?

    func run() throws {
        let data = Data(try PlanJSON.encode(SpecSchema.document))
        guard let output else {
            FileHandle.standardOutput.write(data)
            return
        }
        do {
            try data.write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            printError("pallet: error: cannot write \(output): \(error)")
            throw ExitCode(1)
        }
    }
}
