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
              pallet plan --check        # in CI: fail when out/ is stale
              pallet plan --sign ~/.ssh/id_ed25519   # sign out/ for 'pallet apply --require-signature'

            --sign KEY adds out/SIGNED (the SHA-256 of every other file of out/, as sha256sum prints it) and \
            out/SIGNED.sig (its ssh-keygen -Y sign signature, namespace pallet-plan), written with the rest of \
            out/ in the same atomic step. Planning again without --sign removes both, so a signature never \
            outlives the files it covers. Check by hand with: ssh-keygen -Y verify -f ALLOWED_SIGNERS -I PRINCIPAL \
            -n pallet-plan -s out/SIGNED.sig < out/SIGNED, then (cd out && sha256sum -c SIGNED).
            """
    )

    @Option(name: .long, help: "The project folder holding specs/ (default: the current folder).")
    var project: String = "."

    @Option(name: .long, help: "The output folder (default: <project>/out).")
    var out: String?

    @Flag(name: .long, help: "Write nothing; exit 1 when the output folder differs from what the specs compile to.")
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
            for line in differences.prefix(50) { printError("  \(line)") }
            printError("pallet: \(outDirectory)/ is stale: \(differences.count) difference(s); run 'pallet plan'")
            throw ExitCode(1)
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
