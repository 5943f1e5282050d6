import Foundation
import PalletSpec

/// Sets git's diff driver for `out/`'s tars (``TarDiffDriver``) in the repository of a folder, with
/// the system git run directly (arguments, never a shell command line).
enum GitDiffDriverSetup {
    /// What ``configure(folder:)`` did.
    enum Outcome: Equatable {
        /// The driver is set in the repository's configuration.
        case configured
        /// The folder is not inside a git work tree, or git is not installed: nothing was set.
        case notAWorkTree
        /// git refused to set it; the message says why.
        case failed(String)
    }

    /// Where git is looked for.
    static let gitPrograms = ["/usr/bin/git", "/usr/local/bin/git"]

    /// Sets `diff.pallet-tar.textconv` to `pallet textconv` in the repository `folder` is in.
    static func configure(folder: String) -> Outcome {
        guard let git = gitPrograms.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return .notAWorkTree }
        let inside = run(git, ["-C", folder, "rev-parse", "--is-inside-work-tree"])
        guard inside.status == 0, inside.output.trimmingCharacters(in: .whitespacesAndNewlines) == "true" else { return .notAWorkTree }
        let set = run(git, ["-C", folder, "config", TarDiffDriver.configKey, TarDiffDriver.command])
        return set.status == 0 ? .configured : .failed(set.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs git with `arguments`; standard output and standard error together (git prints little).
    static func run(_ git: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: git)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return (-1, "cannot run \(git): \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
