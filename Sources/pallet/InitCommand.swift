import ArgumentParser
import Foundation
import PalletExecutor
import PalletSpec

/// `pallet init [DIR]`: scaffold a new project.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new project: specs/ with a commented example, a Makefile, .gitignore, .gitattributes and a CI job.",
        discussion: """
            Writes specs/pallet.yaml (the project's name, an admin user, a hosts service, two server-specs and a \
            group, each part explained), a Makefile (plan, check, apply, dry-run), a .gitignore for run logs, a \
            .gitattributes that sends out/'s tars through git's diff driver `pallet-tar`, and a GitHub Actions job that runs \
            `pallet plan --check` on every pull request and writes `pallet diff` against the base commit (what the \
            change does to the machines) into the job's summary. Existing files are never overwritten \
            unless --force is given. The project's name (project: in specs/pallet.yaml) is the folder's name \
            lowercased, with '-' for any other character than a-z and 0-9, and six random hex digits: every \
            VirtualBox VM pallet creates carries it, so two projects never touch each other's VMs.

            In a git work tree, init also runs `git config diff.pallet-tar.textconv "pallet textconv"`, so git diff \
            lists the tars' members instead of "Binary files differ" (`make plan` sets it too); elsewhere it prints \
            that command to run after `git init`.

            Examples:
              pallet init infra && cd infra && pallet plan
              pallet init              # in the current folder
            """
    )

    @Argument(help: "The project folder to create or fill (default: the current folder).")
    var directory: String = "."

    @Flag(name: .long, help: "Overwrite files that already exist.")
    var force = false

    func run() throws {
        let files = FileManager.default
        let existing = ProjectTemplate.paths.filter { files.fileExists(atPath: directory + "/" + $0) }
        if !existing.isEmpty && !force {
            printError("pallet: error: \(existing.joined(separator: ", ")) already exist\(existing.count == 1 ? "s" : ""); "
                + "nothing was written (pass --force to overwrite)")
            throw ExitCode(1)
        }
        let folder = URL(fileURLWithPath: directory).standardizedFileURL.path
        let project = ProjectTemplate.projectName(folder: folder, suffix: ProjectTemplate.randomSuffix())
        for file in ProjectTemplate.files(project: project) {
            let path = directory + "/" + file.path
            do {
                try files.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(file.text.utf8).write(to: URL(fileURLWithPath: path))
                try files.setAttributes([.posixPermissions: file.mode], ofItemAtPath: path)
            } catch {
                printError("pallet: error: cannot write \(path): \(error)")
                throw ExitCode(1)
            }
            print("created \(path)")
        }
        let setting = "git config \(TarDiffDriver.configKey) \"\(TarDiffDriver.command)\""
        var git = ""
        switch GitDiffDriverSetup.configure(folder: directory) {
        case .configured:
            print("set \(TarDiffDriver.configKey) in this git repository (git diff shows out/'s tars as text)")
        case .notAWorkTree:
            git = "\n\nAfter `git init` in the project folder, let git diff show out/'s tars as text:\n  \(setting)\n"
        case .failed(let message):
            printError("pallet: warning: could not set git's diff driver (\(NodeText.escape(message))); run: \(setting)")
        }
        print("""

            Next: edit specs/pallet.yaml (your admin user's key, your hosts), then
              pallet plan        # compile into out/ and review it
              pallet apply       # make the machines match it: VMs, bootstrap, configure
            """ + git)
    }
}
