import Foundation
@testable import PalletSpec
import PalletTestSupport
import Testing

/// The built-in crates are readable spec files (`Sources/PalletSpec/Crates/BuiltIn/*.yaml`); what
/// the binary embeds is their exact bytes, and each file defines the one crate it is named after.
@Suite("Built-in crate sources")
struct BuiltInCrateTests {
    static let folder = RepositoryPaths.root + "/Sources/PalletSpec/Crates"
    static let regenerate = "scripts/embed-runtime.py"

    @Test("the binary embeds every built-in crate file with its exact bytes, and nothing else")
    func embeddedBytes() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder + "/BuiltIn").filter { $0.hasSuffix(".yaml") }
        let files = names.map { "BuiltIn/" + $0 }.sorted()
        #expect(files.count >= 7, "\(files)")
        #expect(EmbeddedCrates.files.map(\.path) == files, "the built-in crate files changed: run \(Self.regenerate)")
        for (path, text) in EmbeddedCrates.files {
            let bytes = try #require(FileManager.default.contents(atPath: Self.folder + "/" + path), "\(path) is missing")
            #expect(Array(text.utf8) == Array(bytes), "\(path) differs from what the binary embeds: run \(Self.regenerate)")
        }
    }

    @Test("EmbeddedCrates.swift and EmbeddedRuntime.swift are what scripts/embed-runtime.py writes")
    func generatedFileCurrent() throws {
        let check = try ProcessRunner.run(["python3", Self.regenerate, "--check"], directory: RepositoryPaths.root)
        #expect(check.status == 0, "\(check.combined)")
    }

    @Test("each built-in crate file defines exactly the crate it is named after, located at out/crates/<name>.yaml")
    func oneCratePerFile() throws {
        let project = try TemporaryProject(files: ["specs/a.yaml": "groups: {}\n"])
        defer { project.remove() }
        let diagnostics = Diagnostics()
        let specs = SpecLoader(projectRoot: project.root).load(diagnostics: diagnostics)
        #expect(!diagnostics.hasErrors, "\(diagnostics.sorted.map(\.description))")
        #expect(specs.builtInCrates.map(\.name.value) == BuiltInCrates.files.map(\.name))
        for crate in specs.builtInCrates {
            #expect(crate.name.location.file == "out/crates/\(crate.name.value).yaml")
        }
    }
}
