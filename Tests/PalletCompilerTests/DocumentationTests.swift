import Foundation
import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

/// docs/actions.md is checked against the action catalogue, so the two cannot drift apart.
@Suite("docs/actions.md")
struct DocumentationTests {
    /// The document's `## ` sections by heading.
    func sections() throws -> [String: String] {
        let text = try String(contentsOfFile: RepositoryPaths.root + "/docs/actions.md", encoding: .utf8)
        var result: [String: String] = [:]
        var heading: String?
        var body = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") {
                if let heading { result[heading] = body }
                heading = String(line.dropFirst(3))
                body = ""
            } else {
                body += line + "\n"
            }
        }
        if let heading { result[heading] = body }
        return result
    }

    /// The YAML code blocks of a section.
    func examples(_ section: String) -> [String] {
        var blocks: [String] = []
        var current: String?
        for line in section.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "```yaml" {
                current = ""
            } else if line == "```", let block = current {
                blocks.append(block)
                current = nil
            } else if current != nil {
                current? += line + "\n"
            }
        }
        return blocks
    }

    @Test("every action has a section, every option a table row and a use in an example")
    func everyActionAndOptionDocumented() throws {
        let sections = try sections()
        for schema in ActionCatalog.all {
            let section = try #require(sections[schema.keyword.rawValue], "docs/actions.md has no '## \(schema.keyword)' section")
            let yaml = examples(section).joined()
            #expect(!yaml.isEmpty, "'\(schema.keyword)' has no YAML example")
            #expect(yaml.contains("\(schema.keyword):"), "the example of '\(schema.keyword)' does not use it")
            for option in schema.options {
                #expect(section.contains("| `\(option.key)` |"), "'\(schema.keyword)' option '\(option.key)' has no table row")
                #expect(yaml.contains("\(option.key):"), "'\(schema.keyword)' option '\(option.key)' is in no example")
            }
            // No row documents an option the action does not have.
            for line in section.split(separator: "\n") where line.hasPrefix("| `") {
                let key = line.dropFirst(3).prefix { $0 != "`" }
                #expect(schema.option(String(key)) != nil, "'\(schema.keyword)' documents unknown option '\(key)'")
            }
        }
        let known = Set(ActionCatalog.all.map(\.keyword.rawValue) + ["Handlers"])
        for heading in sections.keys {
            #expect(known.contains(heading), "docs/actions.md documents '\(heading)', which is not an action")
        }
    }

    @Test("every example in docs/actions.md compiles")
    func examplesCompile() throws {
        let sections = try sections()
        for (heading, section) in sections.sorted(by: { $0.key < $1.key }) {
            for (index, example) in examples(section).enumerated() {
                var files: [String: String] = [:]
                // Files the example names next to the spec.
                for key in ["source", "template", "key-file"] {
                    for line in example.split(separator: "\n") {
                        guard let range = line.range(of: "\(key): ") else { continue }
                        let value = line[range.upperBound...].prefix { $0 != "," && $0 != "}" }
                        files["specs/" + value] = key == "template" ? "workers={{ workers }} port={{ port }}\n" : "data\n"
                    }
                }
                let servers = example.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") && $0.hasSuffix(":") }
                    .map { $0.trimmingCharacters(in: .whitespaces).dropLast() }
                let groups = "groups:\n  g:\n    service: lab\n    extends: [\(servers.joined(separator: ", "))]\n"
                files["specs/example.yaml"] = example
                files["specs/main.yaml"] = hostsPreamble + groups
                let (tree, errors) = try compile(files)
                #expect(errors.isEmpty, "example \(index + 1) of '\(heading)': \(errors)")
                #expect(tree != nil)
            }
        }
    }

    @Test("docs/crates.md documents every built-in crate and parameter")
    func crates() throws {
        let text = try String(contentsOfFile: RepositoryPaths.root + "/docs/crates.md", encoding: .utf8)
        let diagnostics = Diagnostics()
        let project = try TemporaryProject(files: ["specs/a.yaml": "groups: {}\n"])
        defer { project.remove() }
        let specs = SpecLoader(projectRoot: project.root).load(diagnostics: diagnostics)
        #expect(specs.builtInCrates.count >= 6)
        for crate in specs.builtInCrates {
            let start = try #require(text.range(of: "### \(crate.name.value)\n"), "docs/crates.md has no section for '\(crate.name.value)'")
            let section = text[start.upperBound...].prefix { _ in true }
            let body = section.components(separatedBy: "\n### ").first ?? ""
            for parameter in crate.parameters {
                #expect(body.contains("| `\(parameter.name.value)` |"), "'\(crate.name.value)' parameter '\(parameter.name.value)' is undocumented")
            }
        }
    }
}
