import ArgumentParser
import Foundation
import PalletSpec

/// `pallet init [DIR]`: scaffold a new project.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new project: specs/ with a commented example, a Makefile, .gitignore and a CI job.",
        discussion: """
            Writes specs/pallet.yaml (the project's name, an admin user, a hosts service, two server-specs and a \
            group, each part explained), a Makefile (plan, check, apply, dry-run), a .gitignore for run logs, and a GitHub Actions \
            job that runs `pallet plan --check` on every pull request. Existing files are never overwritten \
            unless --force is given. The project's name (project: in specs/pallet.yaml) is the folder's name \
            lowercased, with '-' for any other character than a-z and 0-9, and six random hex digits: every \
            VirtualBox VM pallet creates carries it, so two projects never touch each other's VMs.

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
        print("""

            Next: edit specs/pallet.yaml (your admin user's key, your hosts), then
              pallet plan        # compile into out/ and review it
              pallet apply       # make the machines match it: VMs, bootstrap, configure
            """)
    }
}
