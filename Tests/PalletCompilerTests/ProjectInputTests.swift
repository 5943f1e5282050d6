import Foundation
import PalletCompiler
import PalletContract
import PalletSpec
import PalletTestSupport
import Testing

/// Point 7 of issue 15: files copied into `out/` come from inside the project only, and the
/// control-host files that secrets are read from are named in full in PLAN.md.
@Suite("Inputs from outside the project")
struct ProjectInputTests {
    /// Compiles `step` in group `g` in a project that also holds `outside` next to it (a sibling
    /// folder) and `links` (project path to link target); returns the tree and errors.
    func compileWithOutside(_ step: String, links: [String: String] = [:]) throws -> (OutputTree?, [String], String) {
        let outside = try TemporaryProject(files: ["secret.txt": "root-only content\n"])
        defer { outside.remove() }
        let project = try TemporaryProject(files: ["specs/main.yaml": spec(step, outside: outside.root).text, "specs/inside.txt": "fine\n"])
        defer { project.remove() }
        for (path, target) in links {
            try FileManager.default.createSymbolicLink(atPath: project.root + "/" + path,
                                                       withDestinationPath: target.replacingOccurrences(of: "OUTSIDE", with: outside.root))
        }
        let diagnostics = Diagnostics()
        let tree = try Compiler(projectRoot: project.root).compile(diagnostics: diagnostics)
        let bytes = tree.map { $0.files.values.flatMap(\.bytes) } ?? []
        return (tree, diagnostics.sorted.map(\.description), String(decoding: bytes, as: UTF8.self))
    }

    /// The `specs/main.yaml` that `compileWithOutside` writes for `step` (with its markers), with
    /// `OUTSIDE` standing for the folder `outside`.
    func spec(_ step: String, outside: String = "OUTSIDE") -> MarkedText {
        mainSpec("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - \(step.replacingOccurrences(of: "OUTSIDE", with: outside))
            """)
    }

    @Test("a source or template reached with '../' outside the project is a located error and nothing is compiled")
    func dotDot() throws {
        for key in ["source", "template"] {
            let step = "file: {path: /etc/x, \(key): ⟨value⟩../../../../../../../../etc/passwd}"
            let (tree, errors, _) = try compileWithOutside(step)
            #expect(tree == nil)
            #expect(errors.count == 1)
            #expect(errors.first?.hasPrefix("\(spec(step).at("value", in: "specs/main.yaml")): error: '../../../../../../../../etc/passwd' is outside the project folder "
                + "(it resolves to /etc/passwd)") == true, "\(errors)")
        }
    }

    @Test("an absolute source path outside the project is a located error")
    func absolute() throws {
        let (tree, errors, _) = try compileWithOutside("file: {path: /etc/x, source: OUTSIDE/secret.txt}")
        #expect(tree == nil)
        #expect(errors.first?.contains("is outside the project folder") == true, "\(errors)")
    }

    @Test("a symbolic link inside the project that points outside it is outside: its content never reaches out/")
    func symlinkOut() throws {
        let step = "file: {path: /etc/x, template: ⟨link⟩link.txt}"
        let (tree, errors, all) = try compileWithOutside(step, links: ["specs/link.txt": "OUTSIDE/secret.txt"])
        #expect(tree == nil)
        #expect(errors.first?.hasPrefix("\(spec(step).at("link", in: "specs/main.yaml")): error: 'link.txt' is outside the project folder") == true, "\(errors)")
        #expect(!all.contains("root-only content"))
        let (dirTree, dirErrors, _) = try compileWithOutside("package-source: {name: x, url: \"http://deb.example\", key-file: keys/k.asc}",
                                                            links: ["specs/keys": "OUTSIDE"])
        #expect(dirTree == nil)
        #expect(dirErrors.first?.contains("'keys/k.asc' is outside the project folder") == true || dirErrors.first?.contains("cannot read") == true,
                "\(dirErrors)")
    }

    @Test("files inside the project, also through a link that stays inside, are read as before")
    func inside() throws {
        let (tree, errors, all) = try compileWithOutside("file: {path: /etc/x, source: link.txt}", links: ["specs/link.txt": "inside.txt"])
        #expect(errors.isEmpty)
        #expect(tree != nil)
        #expect(all.contains("fine\n"))
    }

    @Test("hardware files matched outside the project, by '../' or through a symbolic link, are a located error")
    func hardwareFilesOutside() throws {
        let outside = try TemporaryProject(files: ["hw/huge.yaml": "huge: {memory: 16384, cpus: 8}\n"])
        defer { outside.remove() }
        let sibling = (outside.root as NSString).lastPathComponent
        for pattern in ["../../\(sibling)/hw/*.yaml", "linked/*.yaml"] {
            let spec = MarkedText("""
                services:
                  vbox:
                    provider: virtualbox
                    images: {deb12: {disk: /d12.vdi, os-family: debian, os-version: "12"}}
                    hardware-files: [⟨pattern⟩"\(pattern)"]
                project: demo
                """)
            let project = try TemporaryProject(files: ["specs/main.yaml": spec.text])
            defer { project.remove() }
            try FileManager.default.createSymbolicLink(atPath: project.root + "/specs/linked", withDestinationPath: outside.root + "/hw")
            let diagnostics = Diagnostics()
            _ = SpecLoader(projectRoot: project.root).load(diagnostics: diagnostics)
            let errors = diagnostics.sorted.map(\.description)
            #expect(errors.count == 1)
            #expect(errors.first?.hasPrefix("\(spec.at("pattern", in: "specs/main.yaml")): error: hardware file '") == true, "\(errors)")
            #expect(errors.first?.contains("is outside the project folder") == true, "\(errors)")
        }
    }

    @Test("PLAN.md names every secret's source in full: the control-host file path as written, and the environment variable")
    func secretsInPlan() throws {
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - file: {path: /etc/app/token, content: ⟨token⟩{secret: {file: "/home/operator/.secrets/app token"}}}
                    - exec: {script: "app migrate", environment: {DB: ⟨db⟩{secret: {env: DB_PASSWORD}}, K: ⟨odd⟩{secret: {file: ~/keys/`odd`}}}}
            """)
        let (tree, errors) = try compile(["specs/main.yaml": spec.text])
        let main = "specs/main.yaml"
        #expect(errors.isEmpty)
        let plan = try #require(tree?.text("PLAN.md"))
        #expect(plan.contains("Secrets read on the control host at apply time and sent to the nodes:"))
        #expect(plan.contains("- secret from control-host file `/home/operator/.secrets/app token` — \(spec.at("token", in: main))"), "\(plan)")
        #expect(plan.contains("- secret from environment variable `DB_PASSWORD` — \(spec.at("db", in: main))"), "\(plan)")
        #expect(plan.contains("- secret from control-host file `` ~/keys/`odd` `` — \(spec.at("odd", in: main))"), "\(plan)")
    }
}
