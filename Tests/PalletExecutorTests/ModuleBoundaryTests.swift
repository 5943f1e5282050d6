import Foundation
import PalletContract
import PalletTestSupport
import Testing

/// The executor reaches what it shares with the compiler through PalletContract only: plan.json,
/// tar, SHA-256 and the node protocol have one owner, and the executor never links the compiler.
@Suite("Module boundary")
struct ModuleBoundaryTests {
    /// The dependency list of the `PalletExecutor` target in Package.swift.
    static func executorDependencies() throws -> String {
        let manifest = try String(contentsOfFile: RepositoryPaths.root + "/Package.swift", encoding: .utf8)
        let start = try #require(manifest.range(of: "name: \"PalletExecutor\",\n"), "Package.swift has no PalletExecutor target")
        let rest = manifest[start.upperBound...]
        let end = try #require(rest.range(of: "\n        ),"), "the PalletExecutor target does not end as expected")
        return String(rest[..<end.lowerBound])
    }

    @Test("Package.swift: PalletExecutor depends on PalletContract and not on PalletCompiler")
    func executorTargetDependencies() throws {
        let dependencies = try Self.executorDependencies()
        #expect(dependencies.contains("\"PalletContract\""))
        #expect(!dependencies.contains("PalletCompiler"))
    }

    @Test("No source file of PalletExecutor imports PalletCompiler")
    func executorSourcesDoNotImportTheCompiler() throws {
        let folder = RepositoryPaths.root + "/Sources/PalletExecutor"
        let enumerator = try #require(FileManager.default.enumerator(atPath: folder))
        var sources = 0
        var importing: [String] = []
        for case let path as String in enumerator where path.hasSuffix(".swift") {
            sources += 1
            let text = try String(contentsOfFile: folder + "/" + path, encoding: .utf8)
            let imports = text.split(separator: "\n").filter { line in
                line.split(separator: " ").contains("import") && line.contains("PalletCompiler")
            }
            if !imports.isEmpty { importing.append(path) }
        }
        #expect(sources > 20, "Sources/PalletExecutor should hold the executor's sources")
        #expect(importing.isEmpty, "these executor sources import the compiler: \(importing)")
    }

    @Test("The contract's protocol constants are the ones the remote command uses")
    func remoteCommandUsesTheProtocolConstants() {
        #expect(NodeState.bootstrapMarker == "/var/lib/pallet/bootstrapped")
        #expect(RemoteCommand.bootstrapCheck == "sudo -n -- test -e /var/lib/pallet/bootstrapped")
        #expect(RemoteCommand.line.contains("r=\(RemoteCommand.runsFolder);"))
    }
}
