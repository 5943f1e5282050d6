import PalletSpec
import PalletTestSupport
import Testing

@Suite("Action keywords")
struct ActionKeywordTests {
    @Test("every keyword's schema carries that keyword, and the catalogue lists each keyword once, in the keywords' order")
    func schemasMatchKeywords() {
        for keyword in ActionKeyword.allCases {
            #expect(keyword.schema.keyword == keyword, "the schema of '\(keyword)' says '\(keyword.schema.keyword)'")
            #expect(ActionCatalog.schema(keyword.rawValue)?.keyword == keyword)
        }
        #expect(ActionCatalog.all.map(\.keyword) == ActionKeyword.allCases)
        #expect(ActionCatalog.schema("crate") == nil, "a crate use is not an action")
    }

    @Test("a phase item is an action or a crate use, decoded with its values and secrets")
    func crateUseDecodes() throws {
        let project = try TemporaryProject(files: ["specs/main.yaml": """
            servers:
              web:
                phases:
                  configure:
                    - file: {path: /etc/motd, content: hi}
                    - crate: nginx
                      with: {server-name: example.org, token: {secret: {env: TOKEN}}}
            """])
        defer { project.remove() }
        let diagnostics = Diagnostics()
        let specs = SpecLoader(projectRoot: project.root, userConfigDirectory: nil).load(diagnostics: diagnostics)
        #expect(diagnostics.sorted.isEmpty, "\(diagnostics.sorted.map(\.description))")
        let items = try #require(specs.server(named: "web")?.body.phases.first?.items)
        #expect(items.count == 2)
        guard case .action(let action) = items[0], case .crateUse(let use) = items[1] else {
            Issue.record("expected an action then a crate use, found \(items)")
            return
        }
        #expect(action.keyword == .file)
        #expect(use.name.value == "nginx")
        #expect(use.values.map(\.name.value) == ["server-name"])
        #expect(use.values.map(\.value.value) == ["example.org"])
        #expect(use.secrets.map(\.name.value) == ["token"])
        #expect(use.location.line == 6)
    }
}
