import Foundation
@testable import PalletCompiler
import PalletTestSupport
import Testing

/// The runtime's shell sources (`Sources/PalletCompiler/NodeRuntime`, `ProvisionRuntime`): what
/// the binary embeds is their exact bytes, and they pass `bash -n` and shellcheck as files, with
/// their own line numbers.
@Suite("Runtime sources")
struct RuntimeSourceTests {
    static let module = RepositoryPaths.root + "/Sources/PalletCompiler"
    static let folders = ["NodeRuntime", "ProvisionRuntime"]
    static let regenerate = "scripts/embed-runtime.py"

    /// The `.sh` files of the runtime folders, as paths under `Sources/PalletCompiler`, sorted.
    static func sourceFiles() throws -> [String] {
        var paths: [String] = []
        for folder in folders {
            let names = try FileManager.default.contentsOfDirectory(atPath: module + "/" + folder)
            paths += names.filter { $0.hasSuffix(".sh") }.map { folder + "/" + $0 }
        }
        return paths.sorted()
    }

    @Test("the binary embeds every runtime .sh file with its exact bytes, and nothing else")
    func embeddedBytes() throws {
        let files = try Self.sourceFiles()
        #expect(files.count >= 10, "\(files)")
        #expect(EmbeddedRuntime.files.map(\.path) == files, "the runtime's .sh files changed: run \(Self.regenerate)")
        for (path, text) in EmbeddedRuntime.files {
            let bytes = try #require(FileManager.default.contents(atPath: Self.module + "/" + path), "\(path) is missing")
            #expect(Array(text.utf8) == Array(bytes), "\(path) differs from what the binary embeds: run \(Self.regenerate)")
        }
    }

    @Test("EmbeddedRuntime.swift is what scripts/embed-runtime.py writes")
    func generatedFileCurrent() throws {
        let check = try ProcessRunner.run(["python3", Self.regenerate, "--check"], directory: RepositoryPaths.root)
        #expect(check.status == 0, "\(check.combined)")
    }

    @Test("lib.sh is the node runtime's files in order, a blank line between two")
    func libraryAssembly() throws {
        let order = ["core", "facts", "exec", "file", "package", "account", "system"]
        let parts = try order.map { name in
            try String(contentsOfFile: Self.module + "/NodeRuntime/\(name).sh", encoding: .utf8)
        }
        #expect(RuntimeLibrary.source == parts.joined(separator: "\n"))
        // Every file of the folder is part of lib.sh.
        #expect(try Self.sourceFiles().filter { $0.hasPrefix("NodeRuntime/") }.count == order.count)
    }

    @Test("bash -n and shellcheck pass over the runtime's sources, findings naming their own lines")
    func sourcesClean() throws {
        let paths = try Self.sourceFiles().map { Self.module + "/" + $0 }
        // Each folder's .shellcheckrc says the files are bash and why two checks are off for
        // fragments; the assembled scripts are checked with all of them (ShellSafetyTests).
        let problems = try shellProblems(paths, shellcheck: ["--severity=style", "--format=gcc"])
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("shellcheck of a source reports the source's own file and line")
    func findingsLocated() throws {
        // A finding planted in a copy of file.sh, in a folder with the same .shellcheckrc, is
        // reported at the copy's line, not at a line of an assembled lib.sh.
        let project = try TemporaryProject()
        defer { project.remove() }
        let rc = try String(contentsOfFile: Self.module + "/NodeRuntime/.shellcheckrc", encoding: .utf8)
        var text = try String(contentsOfFile: Self.module + "/NodeRuntime/file.sh", encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        text += "pallet_planted() { echo $1; }\n"
        try project.write("NodeRuntime/.shellcheckrc", rc)
        try project.write("NodeRuntime/file.sh", text)
        let path = project.root + "/NodeRuntime/file.sh"
        let shellcheck = try ProcessRunner.run(["shellcheck", "--severity=style", "--format=gcc", path])
        #expect(shellcheck.status != 0)
        #expect(shellcheck.stdout.contains("\(path):\(lines):"), "\(shellcheck.stdout)")
        #expect(shellcheck.stdout.contains("SC2086"), "\(shellcheck.stdout)")
    }
}
