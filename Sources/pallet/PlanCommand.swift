import ArgumentParser
import Foundation
import PalletCompiler
import PalletSpec

/// `pallet plan`: compile the specs into `out/`, atomically, or report every problem.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Compile specs/*.yaml into out/ (bundles, plan.json, PLAN.md).",
        discussion: """
            Every problem in the specs is reported as file:line:column: error: message (columns count \
            characters), all of them in one run; then pallet exits with status 1 and out/ is left exactly as it was. \
            On success out/ is replaced in one atomic step.

            Examples:
              pallet plan
              pallet plan --project ~/infra
              pallet plan --check        # in CI: fail when out/ is stale
            """
    )

    @Option(name: .long, help: "The project folder holding specs/ (default: the current folder).")
    var project: String = "."

    @Option(name: .long, help: "The output folder (default: <project>/out).")
    var out: String?

    @Flag(name: .long, help: "Write nothing; exit 1 when the output folder differs from what the specs compile to.")
    var check = false

    func run() throws {
        let diagnostics = Diagnostics()
        let compiler = Compiler(projectRoot: project)
        let outDirectory = out ?? (project == "." ? "out" : project + "/out")
        let tree: OutputTree?
        do {
            tree = try compiler.compile(diagnostics: diagnostics)
        } catch {
            printError("pallet: error: \(error)")
            throw ExitCode(1)
        }
        guard let tree, !diagnostics.hasErrors else {
            for diagnostic in diagnostics.sorted { printError(diagnostic.description) }
            let count = diagnostics.errorCount
            printError("pallet: \(count) error\(count == 1 ? "" : "s"); \(outDirectory)/ was not changed")
            throw ExitCode(1)
        }
        if check {
            let differences = OutputComparison.differences(tree, against: outDirectory)
            if differences.isEmpty {
                print("pallet: \(outDirectory)/ is up to date (\(tree.files.count) files)")
                return
            }
            for line in differences.prefix(50) { printError("  \(line)") }
            printError("pallet: \(outDirectory)/ is stale: \(differences.count) difference(s); run 'pallet plan'")
            throw ExitCode(1)
        }
        do {
            try OutputWriter(directory: outDirectory).replace(with: tree)
        } catch {
            printError("pallet: error: \(error); \(outDirectory)/ was not changed")
            throw ExitCode(1)
        }
        let bundles = tree.files.keys.filter { $0.hasSuffix(".tar") }.count
        print("pallet: wrote \(outDirectory)/: \(bundles) bundle(s), \(tree.files.count) files")
    }
}

/// Prints a line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
