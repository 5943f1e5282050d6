import ArgumentParser
import Foundation
import PalletCompiler
import PalletContract
import PalletExecutor
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
              pallet plan --check        # in CI: exit 0 current, 2 stale, 1 on errors
              pallet plan --sign ~/.ssh/id_ed25519   # sign out/ for 'pallet apply --require-signature'

            --sign KEY adds out/SIGNED (the SHA-256 of every other file of out/, as sha256sum prints it) and \
            out/SIGNED.sig (its ssh-keygen -Y sign signature, namespace pallet-plan), written with the rest of \
            out/ in the same atomic step. Planning again without --sign removes both, so a signature never \
            outlives the files it covers. Check by hand with: ssh-keygen -Y verify -f ALLOWED_SIGNERS -I PRINCIPAL \
            -n pallet-plan -s out/SIGNED.sig < out/SIGNED, then (cd out && sha256sum -c SIGNED).

            --check writes nothing and exits, as terraform plan -detailed-exitcode does: 0 when out/ is \
            exactly what the specs compile to; 2 when it is stale, after printing each file that differs on \
            standard output, one per line, as 'pallet plan' would change it: added PATH, removed PATH, changed PATH; \
            1 on errors (specs that do not compile, an unreadable project).
            """
    )

    /// The exit status of `--check` when out/ is stale (errors exit 1, a current out/ 0).
    static let staleExitCode: Int32 = 2

    @Option(name: .long, help: "The project folder holding specs/ (default: the current folder).")
    var project: String = "."

    @Option(name: .long, help: "The output folder (default: <project>/out).")
    var out: String?

    @Flag(name: .long, help: "Write nothing; exit 0 when the output folder is current, 2 when stale (each differing file listed), 1 on errors.")
    var check = false

    @Option(name: .long, help: ArgumentHelp(
        "Sign out/ with this ssh private key (or the public key of a key in ssh-agent), for apply --require-signature.",
        valueName: "key"))
    var sign: String?

    func validate() throws {
        if check && sign != nil { throw ValidationError("--check writes nothing, so it cannot --sign") }
    }

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
        guard var tree, !diagnostics.hasErrors else {
            for diagnostic in diagnostics.sorted { printError(diagnostic.description) }
            let count = diagnostics.errorCount
            printError("pallet: \(count) error\(count == 1 ? "" : "s"); \(outDirectory)/ was not changed")
            throw ExitCode(1)
        }
        if check {
            let differences = StalePlanCheck.differences(tree, against: outDirectory)
            if differences.isEmpty {
                print("pallet: \(outDirectory)/ is up to date (\(tree.files.count) files)")
                return
            }
            for line in differences { print(line) }
            printError("pallet: \(outDirectory)/ is stale: 'pallet plan' would change \(differences.count) file\(differences.count == 1 ? "" : "s") (listed above)")
            throw ExitCode(Self.staleExitCode)
        }
        if let key = sign {
            do {
                tree = try PlanSignature.sign(tree, key: key)
            } catch {
                printError("pallet: error: \(error); \(outDirectory)/ was not changed")
                throw ExitCode(1)
            }
        }
        do {
            try OutputWriter(directory: outDirectory).replace(with: tree)
        } catch {
            printError("pallet: error: \(error); \(outDirectory)/ was not changed")
            throw ExitCode(1)
        }
        let bundles = tree.files.keys.filter { $0.hasSuffix(".tar") }.count
        print("pallet: wrote \(outDirectory)/: \(bundles) bundle(s), \(tree.files.count) files" + (sign == nil ? "" : ", signed"))
    }
}

/// Prints a line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
