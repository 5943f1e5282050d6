import Foundation
import PalletCompiler
import PalletContract
import PalletSpec
import PalletTestSupport
import Testing

/// Point 10 of issue 15: the compiler's work and output grow linearly with the specs, and each
/// documented limit is a located error.
@Suite("Compiler limits and linear output")
struct LimitsTests {
    /// `bytes` of printable text with newlines, as a YAML double-quoted scalar body.
    static func big(_ bytes: Int) -> String {
        let line = String(repeating: "x", count: 63) + "\\n"
        return String(repeating: line, count: bytes / 64)
    }

    /// A group `g` with `vars: {big: <bytes>}` (marker `⟨big⟩` at the value) and `steps` configure
    /// actions (which may hold markers); returns the tree, the errors and the spec with its markers.
    func compileBig(_ bytes: Int, steps: [String]) throws -> (OutputTree?, [String], MarkedText) {
        let spec = mainSpec("groups:\n  g:\n    service: lab\n    vars: {big: ⟨big⟩\"\(Self.big(bytes))\"}\n    phases:\n      configure:\n"
            + steps.map { "        - " + $0 + "\n" }.joined())
        let (tree, errors) = try compile(["specs/main.yaml": spec.text])
        return (tree, errors, spec)
    }

    /// The spec file the tests write.
    let main = "specs/main.yaml"

    @Test("300 steps using one 100 KB variable as content: one payload file, out/ grows by the variable once, not 300 times")
    func identicalPayloadsOnce() throws {
        let (tree, errors, _) = try compileBig(100 * 1024, steps: (0..<300).map { "file: {path: /srv/f\($0), content: \"{{ big }}\"}" })
        #expect(errors.isEmpty)
        let files = try #require(tree?.files)
        let payloads = files.keys.filter { $0.hasPrefix("groups/g/configure/files/") }
        #expect(payloads == ["groups/g/configure/files/1-f0"])
        let total = files.values.reduce(0) { $0 + $1.bytes.count }
        #expect(total < 600 * 1024, "out/ holds \(total) bytes for 100 KB of content used 300 times")
        let run = try #require(tree?.text("groups/g/configure/run.sh"))
        #expect(run.components(separatedBy: "--content 'files/1-f0'").count == 301, "every step names the one stored file")
        let archive = try #require(files["groups/g/configure.tar"]).bytes
        #expect(try TarArchive.read(archive).filter { $0.path.hasPrefix("files/") }.map(\.path) == ["files/1-f0"])
    }

    @Test("a value past 16 MiB once filled in is an error at the value, naming the variable")
    func valueLimit() throws {
        let (tree, errors, spec) = try compileBig(1024 * 1024, steps: ["file: {path: /srv/x, content: ⟨value⟩\"" + String(repeating: "{{ big }}", count: 17) + "\"}"])
        #expect(tree == nil)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("\(spec.at("value", in: main)): error: this value expands to 17.0 MiB, over the limit of 16.0 MiB per value "
            + "(docs/limits.md); variable 'big' (1.0 MiB, defined at \(spec.at("big", in: main))) is used 17 time(s)") == true, "\(errors)")
    }

    @Test("a bundle past 64 MiB of distinct payloads is an error at the step that passes it")
    func bundleLimit() throws {
        // 63 distinct values of just over 1 MiB fit; the 64th step passes 64 MiB.
        let (tree, errors, spec) = try compileBig(1024 * 1024, steps: (0..<70).map { ($0 == 63 ? "⟨passes⟩" : "") + "file: {path: /srv/f\($0), content: \"{{ big }} #\($0)\"}" })
        #expect(tree == nil)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("\(spec.at("passes", in: main)): error: bundle g/configure grows to 64.0 MiB with this step, "
            + "over the limit of 64.0 MiB of values and distinct payload files per bundle (docs/limits.md)") == true, "\(errors)")
    }

    @Test("a group whose values expand past 256 MiB in all, each use counted, is an error at the value that passes it")
    func expandedLimit() throws {
        // 32 uses of 8 MiB make 256 MiB; the 33rd value passes it.
        let (tree, errors, spec) = try compileBig(8 * 1024 * 1024, steps: (0..<40).map { "file: {path: /srv/f\($0), content: \($0 == 32 ? "⟨passes⟩" : "")\"{{ big }}\"}" })
        #expect(tree == nil)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("\(spec.at("passes", in: main)): error: the values of group 'g' expand to more than 256.0 MiB in all with this one") == true,
                "\(errors)")
    }

    @Test("YAML aliases adding more than 16 MiB of text to a file are an error at the alias")
    func aliasBytes() throws {
        // Each alias repeats 1 MiB: the 17th passes 16 MiB.
        let spec = mainSpec("servers:\n  s:\n    vars:\n      a: &big \"\(Self.big(1024 * 1024))\"\n"
            + (0..<17).map { "      b\($0): \($0 == 16 ? "⟨passes⟩" : "")*big\n" }.joined())
        let (tree, errors) = try compile(["specs/main.yaml": spec.text])
        #expect(tree == nil)
        #expect(errors == ["\(spec.at("passes", in: main)): error: aliases add 17.0 MiB of text to this file here, over the limit of 16.0 MiB per file (docs/limits.md)"])
    }

    @Test("docs/limits.md states the limits the compiler enforces")
    func documented() throws {
        let text = try String(contentsOfFile: RepositoryPaths.root + "/docs/limits.md", encoding: .utf8)
        for (name, bytes) in [("bytes per value", Limits.valueBytes), ("expanded bytes per group", Limits.expandedBytes),
                              ("bytes per bundle", Limits.bundleBytes), ("alias bytes per spec file", Limits.aliasBytes)] {
            #expect(text.contains("| \(name) | \(bytes / (1024 * 1024)) MiB |"), "docs/limits.md: \(name)")
        }
        #expect(text.contains("| alias nodes per spec file | \(Self.grouped(YAMLLoader.nodeLimit)) |"))
        #expect(text.contains("| nesting per spec file | \(YAMLLoader.depthLimit) |"))
    }

    /// `number` with a comma between groups of three digits, as docs/limits.md writes numbers.
    static func grouped(_ number: Int) -> String {
        let digits = Array(String(number))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return result
    }
}
