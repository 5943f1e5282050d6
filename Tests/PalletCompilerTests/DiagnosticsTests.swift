import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

/// Each diagnostic's place is a marker (`⟨name⟩`) in the spec text where the error must point;
/// `MarkedText` strips the markers and gives their line and column.
@Suite("Located diagnostics")
struct DiagnosticsTests {
    /// The spec file most tests write.
    let main = "specs/main.yaml"

    @Test("malformed YAML is reported with its location and nothing is compiled")
    func malformedYAML() throws {
        let (tree, errors) = try compile(["specs/a.yaml": "groups:\n  g: {service: lab\n"])
        #expect(tree == nil)
        #expect(errors.count == 1)
        #expect(errors[0].hasPrefix("specs/a.yaml:"))
        #expect(errors[0].contains(": error: malformed YAML"))
    }

    @Test("unknown keys are reported with a did-you-mean")
    func unknownKeys() throws {
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                ⟨extnds⟩extnds: [x]
                ⟨cuont⟩cuont: 1
            """)
        let (tree, errors) = try compile(["specs/main.yaml": spec.text])
        #expect(tree == nil)
        #expect(errors.contains("\(spec.at("extnds", in: main)): error: unknown key 'extnds' in group-spec 'g'; did you mean 'extends'?"), "\(errors)")
        #expect(errors.contains("\(spec.at("cuont", in: main)): error: unknown key 'cuont' in group-spec 'g'; did you mean 'count'?"), "\(errors)")
    }

    @Test("an unknown action and an unknown action option are reported")
    func unknownAction() throws {
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - ⟨fiel⟩fiel: {path: /x}
                    - file: {path: /x, ⟨conten⟩conten: y}
            """)
        let (_, errors) = try compile(["specs/main.yaml": spec.text])
        #expect(errors.contains("\(spec.at("fiel", in: main)): error: unknown action 'fiel' in phase 'configure' of group-spec 'g'; did you mean 'file'?"),
                "\(errors)")
        #expect(errors.contains("\(spec.at("conten", in: main)): error: unknown key 'conten' in 'file'; did you mean 'content'?"), "\(errors)")
    }

    @Test("wrong types are reported")
    func wrongTypes() throws {
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                count: ⟨count⟩two
                after: ⟨after⟩{a: b}
                phases:
                  configure:
                    - file: {path: /x, mode: ⟨mode⟩644x}
                    - packages: {names: [ok], state: ⟨state⟩maybe}
            """)
        let (_, errors) = try compile(["specs/main.yaml": spec.text])
        #expect(errors.contains("\(spec.at("count", in: main)): error: 'count' must be an integer, found 'two'"), "\(errors)")
        #expect(errors.contains("\(spec.at("after", in: main)): error: 'after' must be a list, found a mapping"), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("\(spec.at("mode", in: main)): error: 'mode' must be an octal mode") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("\(spec.at("state", in: main)): error: 'state' must be one of 'present', 'absent'") }, "\(errors)")
    }

    @Test("undefined service, node, server, image, hardware model and handler are reported")
    func undefinedReferences() throws {
        let spec = MarkedText("""
            services:
              vbox:
                provider: virtualbox
                images:
                  deb: {disk: /d.vdi, os-family: debian}
            nodes:
              n1: {image: ⟨debain⟩debain, hardware: ⟨smal⟩smal}
              n2: {image: ⟨centos⟩{os-family: centos}}
            servers:
              s: {extends: [⟨bsae⟩bsae]}
            groups:
              a: {service: ⟨vbx⟩vbx, count: 1}
              b: {service: vbox, node: ⟨n9⟩n9, count: 1}
              c: {service: vbox, node: n1, count: 1}
              d: {service: vbox, node: n2, count: 1}
              e:
                service: vbox
                node: n1
                count: 0
                phases:
                  configure:
                    - {exec: "true", notify: [⟨relaod⟩relaod]}
                handlers:
                  reload: [{exec: "true"}]
            project: demo
            """)
        let (tree, errors) = try compile(["specs/main.yaml": spec.text])
        #expect(tree == nil)
        #expect(errors.count == 7)
        #expect(errors.contains("\(spec.at("bsae", in: main)): error: undefined server-spec 'bsae'"), "\(errors)")
        #expect(errors.contains("\(spec.at("vbx", in: main)): error: undefined service 'vbx'; did you mean 'vbox'?"), "\(errors)")
        #expect(errors.contains("\(spec.at("n9", in: main)): error: undefined node-spec 'n9'; did you mean 'n1'?"), "\(errors)")
        #expect(errors.contains("\(spec.at("debain", in: main)): error: undefined image 'debain' in service 'vbox'"), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("\(spec.at("smal", in: main)): error: undefined hardware model 'smal' in service 'vbox'; did you mean 'small'?") },
                "\(errors)")
        #expect(errors.contains {
            $0.hasPrefix("\(spec.at("centos", in: main)): error: no image of service 'vbox' matches os-family centos; candidates: 'deb' (debian any version)")
        }, "\(errors)")
        #expect(errors.contains("\(spec.at("relaod", in: main)): error: undefined handler 'relaod' for group 'e'; did you mean 'reload'?"), "\(errors)")
    }

    @Test("a name defined twice across files names both places")
    func definedTwice() throws {
        let first = mainSpec("servers:\n  ⟨base⟩base: {}\ngroups:\n  g: {service: lab}\n")
        let second = MarkedText("servers:\n  other: {}\n  ⟨base⟩base: {}\n")
        let (_, errors) = try compile(["specs/a.yaml": first.text, "specs/b.yaml": second.text])
        #expect(errors == [
            "\(second.at("base", in: "specs/b.yaml")): error: server-spec 'base' is defined twice",
            "\(first.at("base", in: "specs/a.yaml")): note: server-spec 'base' is first defined here",
        ])
    }

    @Test("an extends cycle is reported with the cycle printed")
    func extendsCycle() throws {
        let spec = mainSpec("""
            servers:
              a: {extends: [b]}
              b: {extends: [c]}
              c: {extends: [⟨back⟩a]}
            groups:
              g: {service: lab, extends: [a]}
            """)
        let (_, errors) = try compile(["specs/main.yaml": spec.text])
        #expect(errors == ["\(spec.at("back", in: main)): error: extends cycle: a -> b -> c -> a"])
    }

    @Test("an after cycle is reported")
    func afterCycle() throws {
        let spec = mainSpec("""
            groups:
              g: {service: lab, after: [⟨self⟩g]}
            """)
        let (_, errors) = try compile(["specs/main.yaml": spec.text])
        #expect(errors == ["\(spec.at("self", in: main)): error: after cycle: g -> g"])
    }

    @Test("a negative count is reported")
    func negativeCount() throws {
        let spec = mainSpec("""
            groups:
              g: {service: lab, count: ⟨count⟩-1}
            """)
        let (_, errors) = try compile(["specs/main.yaml": spec.text])
        #expect(errors == ["\(spec.at("count", in: main)): error: 'count' must be 0 or more, found -1"])
    }

    @Test("a NUL byte in a spec file is a located error")
    func nulByte() throws {
        let project = try TemporaryProject()
        defer { project.remove() }
        let spec = MarkedText("groups:\n  g:\n    service: l⟨nul⟩")
        try project.write("specs/a.yaml", bytes: Array(spec.text.utf8) + [0] + Array("ab\n".utf8))
        let diagnostics = Diagnostics()
        #expect(try Compiler(projectRoot: project.root).compile(diagnostics: diagnostics) == nil)
        #expect(diagnostics.sorted.map(\.description) == ["\(spec.at("nul", in: "specs/a.yaml")): error: a NUL byte is not allowed in a spec file"])
    }

    @Test("every problem of a run is reported, across files, sorted by place")
    func allProblemsAtOnce() throws {
        let a = MarkedText("groups:\n  g: {service: ⟨nope⟩nope, count: ⟨count⟩-2}\n")
        let b = MarkedText("servers:\n  s: {phases: {configure: [{exec: \"x\", ⟨bogus⟩bogus: 1}]}}\n")
        let c = MarkedText("nodes: [\n⟨end⟩")
        let (_, errors) = try compile(["specs/a.yaml": a.text, "specs/b.yaml": b.text, "specs/c.yaml": c.text])
        #expect(errors.count == 4)
        guard errors.count == 4 else { return }
        #expect(errors[0].hasPrefix("\(a.at("nope", in: "specs/a.yaml")): error: undefined service 'nope'"), "\(errors)")
        #expect(errors[1].hasPrefix("\(a.at("count", in: "specs/a.yaml")): error: 'count' must be 0 or more"), "\(errors)")
        #expect(errors[2].hasPrefix("\(b.at("bogus", in: "specs/b.yaml")): error: unknown action 'bogus'"), "\(errors)")
        #expect(errors[3].hasPrefix("\(c.at("end", in: "specs/c.yaml")): error: malformed YAML"), "\(errors)")
    }

    @Test("names that would be unsafe are rejected")
    func unsafeNames() throws {
        let spec = MarkedText("""
            services:
              lab:
                provider: hosts
                hosts:
                  - {name: ⟨name⟩"-oProxyCommand=x", group: g, address: ⟨address⟩"-oProxyCommand=touch /tmp/x"}
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - packages: [⟨package⟩"-y", "ok"]
                    - file: {path: ⟨path⟩"relative/path", owner: ⟨owner⟩"-rf"}
            """)
        let (_, errors) = try compile(["specs/a.yaml": spec.text])
        let file = "specs/a.yaml"
        #expect(errors.contains { $0.hasPrefix("\(spec.at("name", in: file)): error: host name '-oProxyCommand=x' is not a valid name") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("\(spec.at("address", in: file)): error: 'address' must be a host name or IP address") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("\(spec.at("package", in: file)): error: '-y' is not a valid package name") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("\(spec.at("path", in: file)): error: 'path' must be an absolute path") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("\(spec.at("owner", in: file)): error: 'owner' '-rf' is not a valid user or group name") }, "\(errors)")
    }

    @Test("markers are stripped and give 1-based line and column in Unicode scalars; a missing or repeated marker names itself")
    func markers() {
        let text = MarkedText("⟨start⟩a: 1\nü: {b: ⟨value⟩x}\n⟨end⟩")
        #expect(text.text == "a: 1\nü: {b: x}\n")
        #expect(text["start"] == "1:1")
        #expect(text["value"] == "2:8")
        #expect(text.at("end", in: "specs/x.yaml") == "specs/x.yaml:3:1")
        #expect(text["absent"] == "?absent?")
        #expect(MarkedText("⟨m⟩a ⟨m⟩b")["m"] == "?m?")
    }
}
