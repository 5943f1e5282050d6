import ArgumentParser
import Foundation
import PalletCompiler
import PalletContract
import PalletExecutor
import PalletSpec
import PalletVendor

/// `pallet pack`: one reproducible archive with what an air-gapped control host needs to apply.
struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Pack specs/, out/ and the vendored .deb files into one archive to carry to an air-gapped control host.",
        discussion: """
            Writes one uncompressed tar (the same bytes for the same project, on any machine) and beside it \
            FILE.sha256 in sha256sum's format. Inside, under one folder named like the archive: specs/, out/, \
            .pallet/known_hosts when the project has one, and .pallet/vendor/<sha256>.deb for every package of \
            specs/vendor.lock, each checked against the lock first. No secret, key or run log is packed. \
            out/ must be what specs/ compile to (as pallet apply requires); nothing is written otherwise.

            On the air-gapped control host:
              sha256sum -c FILE.sha256 && tar -xf FILE && cd FOLDER && pallet apply

            Examples:
              pallet pack                         # writes <project>-<digest>.tar in the current folder
              pallet pack --output /media/usb/web.tar
            """
    )

    @Option(name: .long, help: "The project folder holding specs/ and out/ (default: the current folder).")
    var project: String = "."

    @Option(name: .long, help: "The archive to write (default: <project>-<first 12 digits of the inputs digest>.tar).")
    var output: String?

    func run() throws {
        if let problem = StalePlanCheck.problem(projectRoot: project, outDirectory: project + "/out", compile: { diagnostics in
            try Compiler(projectRoot: project).compile(diagnostics: diagnostics)
        }) {
            printError("pallet: error: \(problem); nothing was written")
            throw ExitCode(1)
        }
        let diagnostics = Diagnostics()
        let lock = VendorLockLoader(projectRoot: project).load(diagnostics: diagnostics)?.lock
        guard !diagnostics.hasErrors else {
            for diagnostic in diagnostics.sorted { printError(diagnostic.description) }
            throw ExitCode(1)
        }
        let path = output ?? defaultName() + ".tar"
        let top = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        do {
            let summary = try CarryArchive(projectRoot: project).build(top: top, lock: lock)
            let digest = SHA256.hexDigest(summary.bytes)
            try Data(summary.bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            try Data("\(digest)  \((path as NSString).lastPathComponent)\n".utf8).write(to: URL(fileURLWithPath: path + ".sha256"), options: .atomic)
            print("pallet: wrote \(path) (\(summary.files) files, \(summary.packages) vendored package file(s), \(summary.bytes.count) bytes)")
            print("sha256 \(digest) (also in \(path).sha256)")
            print("on the air-gapped control host: sha256sum -c \((path as NSString).lastPathComponent).sha256 && tar -xf \((path as NSString).lastPathComponent) && cd \(top) && pallet apply")
        } catch {
            printError("pallet: error: \(error); nothing was written")
            throw ExitCode(1)
        }
    }

    /// `<project>-<12 hex digits of the inputs digest>` from out/plan.json.
    func defaultName() -> String {
        let document = FileManager.default.contents(atPath: project + "/out/plan.json").flatMap { try? JSONDecoder().decode(PlanDocument.self, from: $0) }
        let name = document?.project ?? URL(fileURLWithPath: project).standardizedFileURL.lastPathComponent
        let digest = document?.inputs.digest.split(separator: ":").last.map { String($0.prefix(12)) } ?? "plan"
        return "\(name)-\(digest)"
    }
}
