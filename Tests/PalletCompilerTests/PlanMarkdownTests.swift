import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

/// What `out/PLAN.md` tells a reviewer about each step: its origin and, where it has one, the
/// `when:` condition that limits where it runs.
@Suite("PLAN.md")
struct PlanMarkdownTests {
    /// Compiles group `g` whose configure phase holds `items` (list lines with `⟨markers⟩`);
    /// returns `place(marker)` giving a marker's `file:line:column`, and PLAN.md.
    func planOf(configure items: String) throws -> (place: (String) -> String, plan: String) {
        let phase = items.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n")
        let spec = mainSpec("groups:\n  g:\n    service: lab\n    phases:\n      configure:\n" + phase + "\n")
        let (tree, errors) = try compileMain(String(spec.text.dropFirst(hostsPreamble.count)))
        #expect(errors == [])
        return ({ spec.at($0, in: "specs/main.yaml") }, try #require(tree?.text("PLAN.md")))
    }

    @Test("a step with when: shows its condition in PLAN.md; a step without one shows none")
    func whenShown() throws {
        let (place, plan) = try planOf(configure: """
            - ⟨deb⟩file: {path: /etc/apt/x, content: "x"}
              when: {os-family: [debian, ubuntu]}
            - ⟨all⟩file: {path: /etc/motd, content: "hi"}
            """)
        #expect(plan.contains("1. `file` /etc/apt/x — \(place("deb")); when os-family: debian, ubuntu\n"), "\(plan)")
        #expect(plan.contains("2. `file` /etc/motd — \(place("all"))\n"), "\(plan)")
    }

    @Test("package requests with when: are listed under the phase's package transaction with their condition")
    func packageRequestConditions() throws {
        let (place, plan) = try planOf(configure: """
            - ⟨curl⟩packages: [curl]
            - ⟨apache⟩package: apache2
              when: {os-family: debian}
            - ⟨httpd⟩packages: {names: [httpd], state: latest}
              when: {os-family: [centos, rhel]}
            """)
        #expect(plan.contains("""
            1. `packages` curl apache2 httpd — \(place("curl"))
               - present apache2 — \(place("apache")); when os-family: debian
               - latest httpd — \(place("httpd")); when os-family: centos, rhel

            """), "\(plan)")
    }
}
