import PalletCompiler
import PalletContract
import PalletSpec
import PalletTestSupport
import Testing

/// `pallet plan` copies each built-in crate a plan uses to `out/crates/<name>.yaml`, and the
/// origins of the crate's steps point into that copy, so a reviewer can open every origin.
@Suite("Built-in crates in out/")
struct BuiltInCrateCopyTests {
    /// A group using the nginx and timezone crates, with the hosts preamble.
    static let spec = """
        groups:
          g:
            service: lab
            phases:
              configure:
                - crate: nginx
                  with: {server-name: example.org}
                - crate: timezone
        """

    @Test("the crates a plan uses are written to crates/<name>.yaml with their exact text, and no others")
    func copies() throws {
        let (compiled, errors) = try compileMain(Self.spec)
        #expect(errors == [])
        let tree = try #require(compiled)
        let copies = tree.files.keys.filter { $0.hasPrefix("crates/") }.sorted()
        #expect(copies == ["crates/nginx.yaml", "crates/timezone.yaml"])
        for file in BuiltInCrates.files where copies.contains(file.outputPath) {
            #expect(tree.text(file.outputPath) == file.text)
        }
    }

    @Test("every origin under out/crates/ in run.sh and PLAN.md names a written copy, at the line and column of its action")
    func originsOpen() throws {
        let (compiled, _) = try compileMain(Self.spec)
        let tree = try #require(compiled)
        let texts = [try #require(tree.text("groups/g/configure/run.sh")), try #require(tree.text("PLAN.md"))]
        var checked = 0
        for text in texts {
            for origin in Self.crateOrigins(in: text) {
                let copy = try #require(tree.text(String(origin.path.dropFirst("out/".count))), "\(origin.path) is not in out/")
                let lines = copy.split(separator: "\n", omittingEmptySubsequences: false)
                let line: String = try #require(origin.line <= lines.count ? String(lines[origin.line - 1]) : nil, "\(origin)")
                // The origin is the action's mapping: its first key starts at the column, after "- ".
                let before = String(String.UnicodeScalarView(line.unicodeScalars.prefix(origin.column - 1)))
                #expect(before.hasSuffix("- "), "\(origin): \(line)")
                checked += 1
            }
        }
        #expect(checked >= 10)
        #expect(!texts.joined().contains("pallet:crates.yaml"))
    }

    /// The `out/crates/NAME.yaml:LINE:COLUMN` origins in `text`.
    static func crateOrigins(in text: String) -> [(path: String, line: Int, column: Int)] {
        var found: [(path: String, line: Int, column: Int)] = []
        var rest = Substring(text)
        while let start = rest.range(of: "out/crates/") {
            let tail = rest[start.lowerBound...]
            let word = tail.prefix { !$0.isWhitespace && $0 != ";" && $0 != ")" }
            let parts = word.split(separator: ":")
            if parts.count == 3, let line = Int(parts[1]), let column = Int(parts[2]) {
                found.append((String(parts[0]), line, column))
            }
            rest = tail.dropFirst("out/crates/".count)
        }
        return found
    }
}
