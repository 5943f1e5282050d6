import Foundation
import PalletTestSupport
import Testing

/// docs/security.md claims only what a named test shows: every suite and test it names must exist.
@Suite("docs/security.md")
struct SecurityDocTests {
    /// Every `@Suite("…")` and `@Test("…")` title under Tests/.
    static func titles() throws -> (suites: Set<String>, tests: [String]) {
        var suites: Set<String> = []
        var tests: [String] = []
        let root = RepositoryPaths.root + "/Tests"
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        for file in files {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for (marker, isSuite) in [("@Suite(\"", true), ("@Test(\"", false)] {
                var rest = Substring(text)
                while let start = rest.range(of: marker) {
                    rest = rest[start.upperBound...]
                    guard let end = rest.range(of: "\"") else { break }
                    // Titles hold `\\` for one backslash in the source.
                    let title = String(rest[..<end.lowerBound]).replacingOccurrences(of: "\\\\", with: "\\")
                    if isSuite { suites.insert(title) } else { tests.append(title) }
                    rest = rest[end.upperBound...]
                }
            }
        }
        return (suites, tests)
    }

    /// The paragraphs of the document that name tests: from a `*Test:*` or `*Tests:*` marker to
    /// the end of its paragraph or list item.
    static func testReferences() throws -> [String] {
        let text = try String(contentsOfFile: RepositoryPaths.root + "/docs/security.md", encoding: .utf8)
        var references: [String] = []
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("- ") || trimmed.hasPrefix("#") {
                if let paragraph = current { references.append(paragraph) }
                current = nil
            }
            if let marker = line.range(of: "*Test:*") ?? line.range(of: "*Tests:*") {
                if let paragraph = current { references.append(paragraph) }
                current = String(line[marker.upperBound...])
            } else if current != nil {
                current? += " " + trimmed
            }
        }
        if let paragraph = current { references.append(paragraph) }
        return references
    }

    /// The spans of `text` between two `delimiter`s.
    static func spans(_ text: String, _ delimiter: Character) -> [String] {
        let parts = text.split(separator: delimiter, omittingEmptySubsequences: false)
        return stride(from: 1, to: parts.count - 1, by: 2).map { String(parts[$0]) }
    }

    @Test("every suite and test named in docs/security.md exists under Tests/, and every guarantee names one")
    func namedTestsExist() throws {
        let (suites, tests) = try Self.titles()
        let references = try Self.testReferences()
        #expect(references.count >= 20, "\(references.count) test references")
        var quoted = 0
        for reference in references {
            // A quoted title may be shortened with "…" at either end or inside: each piece must
            // stand in one test's title.
            for title in Self.spans(reference, "\"") {
                let pieces = title.components(separatedBy: "…").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                #expect(!pieces.isEmpty)
                #expect(tests.contains { test in pieces.allSatisfy { test.contains($0) } }, "no test titled \"\(title)\"")
                quoted += 1
            }
            // Suites are named in backticks; other code spans (options, paths) are not suites.
            for name in Self.spans(reference, "`") where name.first?.isUppercase == true || name.hasPrefix("pallet ")
                || name.hasPrefix("apply ") || name.hasPrefix("node ") || name.hasPrefix("ssh ") || name.hasPrefix("docs/") {
                if name.hasSuffix(".py") || name.contains("::") { continue }
                #expect(suites.contains(name), "no suite named `\(name)`")
            }
        }
        #expect(quoted >= 30, "\(quoted) quoted test titles")
    }
}
