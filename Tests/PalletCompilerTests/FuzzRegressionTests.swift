import Foundation
import PalletTestSupport
import Testing

/// One kept input of `make fuzz` (Tests/Fixtures/fuzz/NAME/): `input.yaml` replaces the spec file
/// named in `target` ("PROJECT FILE") of an example project.
struct FuzzCase: Sendable, CustomTestStringConvertible {
    let name: String
    let project: String
    let file: String
    let input: [UInt8]

    var testDescription: String { name }

    /// The example projects the fuzzer mutates, by the names `target` uses.
    static let projects = ["specs": "specs", "examples-hosts": "examples/hosts/specs"]

    static let folder = RepositoryPaths.root + "/Tests/Fixtures/fuzz"

    static var all: [FuzzCase] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().compactMap { name in
            guard let target = FileManager.default.contents(atPath: "\(folder)/\(name)/target"),
                  let input = FileManager.default.contents(atPath: "\(folder)/\(name)/input.yaml") else { return nil }
            let words = String(decoding: target, as: UTF8.self).split(whereSeparator: \.isWhitespace).map(String.init)
            guard words.count == 2 else { return nil }
            return FuzzCase(name: name, project: words[0], file: words[1], input: [UInt8](input))
        }
    }
}

@Suite("Fuzz regression cases")
struct FuzzRegressionTests {
    @Test("the case folder holds cases, each with a known project")
    func casesPresent() {
        let cases = FuzzCase.all
        #expect(cases.count >= 7)
        #expect(cases.allSatisfy { FuzzCase.projects[$0.project] != nil })
    }

    @Test("a kept input gives located errors or a plan, within seconds, without a crash", arguments: FuzzCase.all)
    func replay(_ fuzzCase: FuzzCase) throws {
        let project = try TemporaryProject()
        defer { project.remove() }
        let source = RepositoryPaths.root + "/" + (FuzzCase.projects[fuzzCase.project] ?? "specs")
        try? FileManager.default.removeItem(atPath: project.root + "/specs")
        try FileManager.default.copyItem(atPath: source, toPath: project.root + "/specs")
        try project.write(fuzzCase.file, bytes: fuzzCase.input)
        let started = Date()
        let outcome = CompileInvariants.check(projectRoot: project.root)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(outcome.violations.isEmpty, "\(outcome.violations)")
        #expect(CompileInvariants.bashSyntaxProblems(outcome.scripts).isEmpty)
    }
}
