import ArgumentParser
import Foundation
import PalletExecutor

/// `pallet textconv FILE`: a bundle tar as text, for git's diff driver of `out/**/*.tar`.
struct TextconvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "textconv",
        abstract: "Print a bundle tar of out/ as text (its members, modes, sizes, SHA-256): git's diff driver for the tars.",
        discussion: """
            With the driver set up, `git diff` and pull requests reviewed locally show which members of a \
            bundle changed instead of "Binary files differ". One line per member, sorted: path, mode, size \
            and SHA-256. Contents are not printed (run.sh and files/ are expanded beside each tar in out/); \
            lib.sh appears only as its digest (it is the pallet runtime, the same bytes as out/lib.sh); \
            the MANIFEST is checked against the members and not listed. Every name is escaped, so no \
            control character in an archive reaches the terminal.

            A file that is not a readable tar prints one line with its size and SHA-256 and exits 0, so \
            git diff never breaks; a file that does not exist or cannot be read is an error (exit 1).

            Setup: a .gitattributes line `out/**/*.tar diff=pallet-tar` (pallet init writes it) and
              git config diff.pallet-tar.textconv "pallet textconv"
            which pallet init runs in a git work tree, and `make plan` keeps current.

            Examples:
              pallet textconv out/groups/web/configure.tar
              git diff HEAD~1 -- out/      # through the driver
            """
    )

    @Argument(help: "The tar to print (git passes a temporary copy of each side).")
    var file: String

    func run() throws {
        guard FileManager.default.fileExists(atPath: file) else {
            printError("pallet: error: \(NodeText.escape(file)): no such file")
            throw ExitCode(1)
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            printError("pallet: error: cannot read \(NodeText.escape(file))")
            throw ExitCode(1)
        }
        FileHandle.standardOutput.write(Data(TarSummary.text(of: [UInt8](data)).utf8))
    }
}
