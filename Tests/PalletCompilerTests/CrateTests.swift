import Foundation
import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

@Suite("Crates")
struct CrateTests {
    /// `specs/crates/site.yaml`, its markers where the tests expect origins.
    static let crateFile = MarkedText("""
        crates:
          site:
            params:
              root: {default: /srv/site}
              port: {type: integer, default: 8080}
              title: {}
            phases:
              configure:
                - directory: "{{ root }}"
                - ⟨file⟩file: {path: "{{ root }}/index.html", content: "<h1>{{ title }} on {{ port }} in {{ group }}</h1>\\n"}
                  notify: [site-changed]
            handlers:
              site-changed:
                - exec: "echo changed"
          wrapper:
            params:
              title: {default: wrapped}
            phases:
              configure:
                - ⟨site⟩crate: site
                  with: {title: "{{ title }}!", root: /srv/wrapped}
        """)
    static let site = "specs/crates/site.yaml"
    static let main = "specs/main.yaml"

    @Test("a crate from specs/crates/ expands with its parameters, defaults and handlers; crates may use crates")
    func expansion() throws {
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - ⟨site⟩crate: site
                      with: {title: Hello, port: "81"}
                    - ⟨wrapper⟩crate: wrapper
            """)
        let (tree, errors) = try compile([Self.site: Self.crateFile.text, Self.main: spec.text])
        #expect(errors.isEmpty, "\(errors)")
        let script = try #require(tree?.text("groups/g/configure/run.sh"))
        #expect(script.contains("pallet_directory --path '/srv/site'"))
        #expect(script.contains("pallet_directory --path '/srv/wrapped'"))
        let crate = Self.crateFile
        #expect(script.contains("# 2/4 file · \(crate.at("file", in: Self.site)) (crate site used at \(spec.at("site", in: Self.main)))"), "\(script)")
        #expect(script.contains("(crate site used at \(crate.at("site", in: Self.site)), crate wrapper used at \(spec.at("wrapper", in: Self.main)))"), "\(script)")
        #expect(tree?.text("groups/g/configure/files/2-index.html") == "<h1>Hello on 81 in g</h1>\n")
        #expect(tree?.text("groups/g/configure/files/4-index.html") == "<h1>wrapped! on 8080 in g</h1>\n")
        #expect(script.contains("if pallet_handler 'site-changed' 1; then"))
    }

    @Test("unknown, missing and mistyped parameters and undefined crates are located errors")
    func errors() throws {
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - ⟨untitled⟩crate: site
                      with: {⟨titel⟩titel: x, port: ⟨eighty⟩eighty}
                    - ⟨ngnix⟩crate: ngnix
                    - crate: site
                      with: {title: x}
                  bootstrap:
                    - ⟨bootstrap⟩crate: site
                      with: {title: x}
            """)
        let (tree, errors) = try compile([Self.site: Self.crateFile.text, Self.main: spec.text])
        let main = Self.main
        #expect(tree == nil)
        #expect(errors.contains("\(spec.at("titel", in: main)): error: crate 'site' has no parameter 'titel'; did you mean 'title'?"), "\(errors)")
        #expect(errors.contains("\(spec.at("eighty", in: main)): error: parameter 'port' must be an integer, found 'eighty'"), "\(errors)")
        #expect(errors.contains("\(spec.at("untitled", in: main)): error: crate 'site' needs parameter 'title' (it has no default)"), "\(errors)")
        #expect(errors.contains("\(spec.at("ngnix", in: main)): error: undefined crate 'ngnix'; did you mean 'nginx'?"), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("\(spec.at("bootstrap", in: main)): error: crate 'site' has nothing for phase 'bootstrap'") }, "\(errors)")
    }

    @Test("the built-in crates compile, shellcheck-clean")
    func builtIns() throws {
        let (tree, errors) = try compileMain("""
            groups:
              g:
                service: lab
                phases:
                  bootstrap:
                    - crate: automated-admin-user
                      with: {public-key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRlc3Q admin@control"}
                    - crate: apt-proxy
                  configure:
                    - crate: nginx
                      with: {server-name: example.org}
                    - crate: sshd
                      with: {allow-users: "admin deploy"}
                    - crate: timezone
                      with: {zone: Europe/Paris}
                    - crate: git
                      with: {repository: "https://example.org/app.git", directory: /opt/app, revision: v1.2}
            """)
        #expect(errors.isEmpty, "\(errors)")
        let project = try TemporaryProject()
        defer { project.remove() }
        var paths: [String] = []
        for path in try #require(tree).sortedPaths where path.hasSuffix("run.sh") {
            try project.write(path, bytes: tree?.files[path]?.bytes ?? [])
            paths.append(project.root + "/" + path)
        }
        let shellcheck = try ProcessRunner.run(["shellcheck", "--shell=bash"] + paths)
        #expect(shellcheck.status == 0, "\(shellcheck.stdout)")
    }
}
