import PalletSpec
import Testing

@Suite("YAML loader")
struct YAMLLoaderTests {
    func parse(_ text: String) -> (YAMLNode?, [String]) {
        let diagnostics = Diagnostics()
        let node = YAMLLoader(file: "specs/t.yaml").load(Array(text.utf8), diagnostics: diagnostics)
        return (node, diagnostics.sorted.map(\.description))
    }

    @Test("locations are 1-based lines and character columns")
    func locations() throws {
        let (node, errors) = parse("a:\n  béé: x\n  c: [1, 2]\n")
        #expect(errors.isEmpty)
        guard case .mapping(let top)? = node?.content, case .mapping(let inner) = top[0].value.content else {
            Issue.record("expected nested mappings")
            return
        }
        #expect(top[0].key.location == SourceLocation(file: "specs/t.yaml", line: 1, column: 1))
        #expect(inner[0].key.location == SourceLocation(file: "specs/t.yaml", line: 2, column: 3))
        // 'x' follows "béé: " — columns count characters, so é counts once.
        #expect(inner[0].value.location == SourceLocation(file: "specs/t.yaml", line: 2, column: 8))
        guard case .sequence(let items) = inner[1].value.content else {
            Issue.record("expected a list")
            return
        }
        #expect(items[1].location.column == 10)
    }

    @Test("quoted scalars are not plain")
    func scalarStyles() {
        let (node, _) = parse("a: 1\nb: \"1\"\n")
        guard case .mapping(let pairs)? = node?.content else {
            Issue.record("expected a mapping")
            return
        }
        guard case .scalar("1", let plainA) = pairs[0].value.content, case .scalar("1", let plainB) = pairs[1].value.content else {
            Issue.record("expected scalars")
            return
        }
        #expect(plainA)
        #expect(!plainB)
    }

    @Test("malformed YAML is reported at libyaml's problem mark")
    func malformed() {
        let (node, errors) = parse("a: [1, 2\nb: c\n")
        #expect(node == nil)
        #expect(errors.count == 1)
        #expect(errors[0].hasPrefix("specs/t.yaml:2:"))
        #expect(errors[0].contains("error: malformed YAML"))
    }

    @Test("a NUL byte is reported at its line and column")
    func nulByte() {
        let diagnostics = Diagnostics()
        let bytes = Array("a: 1\nbb: x".utf8) + [0] + Array("y\n".utf8)
        let node = YAMLLoader(file: "specs/t.yaml").load(bytes, diagnostics: diagnostics)
        #expect(node == nil)
        #expect(diagnostics.sorted.map(\.description) == ["specs/t.yaml:2:6: error: a NUL byte is not allowed in a spec file"])
    }

    @Test("invalid UTF-8 is a located error")
    func invalidUTF8() {
        let diagnostics = Diagnostics()
        let bytes = Array("a: ".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        #expect(YAMLLoader(file: "specs/t.yaml").load(bytes, diagnostics: diagnostics) == nil)
        #expect(diagnostics.sorted.first?.description.hasPrefix("specs/t.yaml:1:") == true)
    }

    @Test("nesting deeper than the limit is a located error, not a stack overflow (the kept case case-very-deep-nesting crashed pallet before)")
    func deepNesting() {
        let (shallow, shallowErrors) = parse("x: " + String(repeating: "[", count: 150) + String(repeating: "]", count: 150) + "\n")
        #expect(shallow != nil && shallowErrors.isEmpty)
        let depth = 200_000
        let (node, errors) = parse("x: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n")
        #expect(node == nil)
        #expect(errors == ["specs/t.yaml:1:\(4 + YAMLLoader.depthLimit - 1): error: lists and mappings nest deeper than \(YAMLLoader.depthLimit) levels here"], "\(errors)")
    }

    @Test("aliases expand, and an alias bomb is stopped")
    func aliases() {
        let (node, errors) = parse("base: &b {x: 1}\nother: *b\n")
        #expect(errors.isEmpty)
        guard case .mapping(let pairs)? = node?.content, case .mapping(let copy) = pairs[1].value.content else {
            Issue.record("expected the alias to expand to a mapping")
            return
        }
        #expect(copy.count == 1)
        var bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<9 {
            let previous = "*a\(level - 1)"
            bomb += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        let (bombNode, bombErrors) = parse(bomb)
        #expect(bombNode == nil)
        #expect(bombErrors.first?.contains("beyond") == true)
    }

    @Test("a second document is an error")
    func twoDocuments() {
        let (_, errors) = parse("a: 1\n---\nb: 2\n")
        #expect(errors == ["specs/t.yaml:2:1: error: a spec file holds one YAML document; found a second one"])
    }
}
