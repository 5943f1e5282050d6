import ArgumentParser
import Foundation
import PalletCompiler
import PalletContract
import PalletReview
import PalletSpec

/// `pallet diff [BASE]`: what a change does to the machines, as Markdown for a pull request.
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Summarise what the specs change on the machines compared with another out/ (Markdown).",
        discussion: """
            Compiles the specs in memory (out/ is not read or written) and compares the plan with BASE: a folder \
            holding plan.json (or an out/ folder inside it), or a git revision of the repository, whose committed \
            out/ is read with git (default: HEAD, so the summary shows what your uncommitted change does). \
            For each group it lists VMs to create or destroy, hosts added or removed, and, per phase, the steps \
            added, removed and changed with their spec origins; then the secrets and control-host files the plan \
            newly reads. A step is named by its action and summary; it changed when what it does on a node \
            changed (its options, its file's content, its condition or the handlers it notifies), not when it \
            only moved in the specs. The output fits a pull-request comment (Atlantis posts Terraform plans this \
            way): the CI job `pallet init` writes adds it to the job's summary.

            Exit status: 0 whether or not there are differences, 1 on errors (specs that do not compile, a BASE \
            that is neither a folder nor a revision).

            Examples:
              pallet diff                      # uncommitted changes against HEAD's out/
              pallet diff origin/main          # this branch against main, as in a pull request
              pallet diff /tmp/old/out         # against another out/ folder
            """
    )

    @Argument(help: ArgumentHelp("A folder holding plan.json (or out/plan.json), or a git revision (default: HEAD).", valueName: "base"))
    var base: String = "HEAD"

    @Option(name: .long, help: "The project folder holding specs/ (default: the current folder).")
    var project: String = "."

    func run() async throws {
        let diagnostics = Diagnostics()
        let tree: OutputTree?
        do {
            tree = try Compiler(projectRoot: project).compile(diagnostics: diagnostics)
        } catch {
            printError("pallet: error: \(error)")
            throw ExitCode(1)
        }
        guard let tree, !diagnostics.hasErrors else {
            for diagnostic in diagnostics.sorted { printError(diagnostic.description) }
            printError("pallet: \(diagnostics.errorCount) error\(diagnostics.errorCount == 1 ? "" : "s"); nothing to compare")
            throw ExitCode(1)
        }
        do {
            let baseSnapshot = try await PlanSnapshot.load(from: try await baseSource())
            let headSnapshot = try await PlanSnapshot.load(from: TreeOutSource(tree: tree, label: "the specs"))
            print(PlanDiffMarkdown().render(PlanComparison.diff(base: baseSnapshot, head: headSnapshot)), terminator: "")
        } catch let error as ReviewError {
            printError("pallet: error: \(error)")
            throw ExitCode(1)
        }
    }

    /// BASE as a source: a folder when one exists at that path, else a git revision.
    func baseSource() async throws -> any OutSource {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: base, isDirectory: &isFolder), isFolder.boolValue {
            if FileManager.default.fileExists(atPath: base + "/plan.json") { return FolderOutSource(folder: base) }
            if FileManager.default.fileExists(atPath: base + "/out/plan.json") { return FolderOutSource(folder: base + "/out") }
            throw ReviewError("\(ShellQuoting.commentText(base)) holds neither plan.json nor out/plan.json")
        }
        return try await GitOutSource.resolve(revision: base, project: project)
    }
}
