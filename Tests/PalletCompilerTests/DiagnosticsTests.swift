import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

@Suite("Located diagnostics")
struct DiagnosticsTests {
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
        let (tree, errors) = try compileMain("""
            groups:
              g:
                service: lab
                extnds: [x]
                cuont: 1
            """)
        #expect(tree == nil)
        #expect(errors.contains("specs/main.yaml:9:5: error: unknown key 'extnds' in group-spec 'g'; did you mean 'extends'?"))
        #expect(errors.contains("specs/main.yaml:10:5: error: unknown key 'cuont' in group-spec 'g'; did you mean 'count'?"))
    }

    @Test("an unknown action and an unknown action option are reported")
    func unknownAction() throws {
        let (_, errors) = try compileMain("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - fiel: {path: /x}
                    - file: {path: /x, conten: y}
            """)
        #expect(errors.contains("specs/main.yaml:11:11: error: unknown action 'fiel' in phase 'configure' of group-spec 'g'; did you mean 'file'?"))
        #expect(errors.contains("specs/main.yaml:12:28: error: unknown key 'conten' in 'file'; did you mean 'content'?"))
    }

    @Test("wrong types are reported")
    func wrongTypes() throws {
        let (_, errors) = try compileMain("""
            groups:
              g:
                service: lab
                count: two
                after: {a: b}
                phases:
                  configure:
                    - file: {path: /x, mode: 644x}
                    - packages: {names: [ok], state: maybe}
            """)
        #expect(errors.contains("specs/main.yaml:9:12: error: 'count' must be an integer, found 'two'"))
        #expect(errors.contains("specs/main.yaml:10:12: error: 'after' must be a list, found a mapping"))
        #expect(errors.contains { $0.hasPrefix("specs/main.yaml:13:34: error: 'mode' must be an octal mode") })
        #expect(errors.contains { $0.hasPrefix("specs/main.yaml:14:42: error: 'state' must be one of 'present', 'absent'") })
    }

    @Test("undefined service, node, server, image, hardware model and handler are reported")
    func undefinedReferences() throws {
        let (tree, errors) = try compile(["specs/main.yaml": """
            services:
              vbox:
                provider: virtualbox
                images:
                  deb: {disk: /d.vdi, os-family: debian}
            nodes:
              n1: {image: debain, hardware: smal}
              n2: {image: {os-family: centos}}
            servers:
              s: {extends: [bsae]}
            groups:
              a: {service: vbx, count: 1}
              b: {service: vbox, node: n9, count: 1}
              c: {service: vbox, node: n1, count: 1}
              d: {service: vbox, node: n2, count: 1}
              e:
                service: vbox
                node: n1
                count: 0
                phases:
                  configure:
                    - {exec: "true", notify: [relaod]}
                handlers:
                  reload: [{exec: "true"}]
            project: demo
            """])
        #expect(tree == nil)
        #expect(errors.count == 7)
        #expect(errors.contains("specs/main.yaml:10:17: error: undefined server-spec 'bsae'"))
        #expect(errors.contains("specs/main.yaml:12:16: error: undefined service 'vbx'; did you mean 'vbox'?"))
        #expect(errors.contains("specs/main.yaml:13:28: error: undefined node-spec 'n9'; did you mean 'n1'?"))
        #expect(errors.contains("specs/main.yaml:7:15: error: undefined image 'debain' in service 'vbox'"))
        #expect(errors.contains { $0.hasPrefix("specs/main.yaml:7:33: error: undefined hardware model 'smal' in service 'vbox'; did you mean 'small'?") })
        #expect(errors.contains { $0.hasPrefix("specs/main.yaml:8:15: error: no image of service 'vbox' matches os-family centos; candidates: 'deb' (debian any version)") })
        #expect(errors.contains("specs/main.yaml:22:35: error: undefined handler 'relaod' for group 'e'; did you mean 'reload'?"))
    }

    @Test("a name defined twice across files names both places")
    func definedTwice() throws {
        let (_, errors) = try compile([
            "specs/a.yaml": hostsPreamble + "servers:\n  base: {}\ngroups:\n  g: {service: lab}\n",
            "specs/b.yaml": "servers:\n  other: {}\n  base: {}\n",
        ])
        #expect(errors == [
            "specs/b.yaml:3:3: error: server-spec 'base' is defined twice",
            "specs/a.yaml:7:3: note: server-spec 'base' is first defined here",
        ])
    }

    @Test("an extends cycle is reported with the cycle printed")
    func extendsCycle() throws {
        let (_, errors) = try compileMain("""
            servers:
              a: {extends: [b]}
              b: {extends: [c]}
              c: {extends: [a]}
            groups:
              g: {service: lab, extends: [a]}
            """)
        #expect(errors == ["specs/main.yaml:9:17: error: extends cycle: a -> b -> c -> a"])
    }

    @Test("an after cycle is reported")
    func afterCycle() throws {
        let (_, errors) = try compileMain("""
            groups:
              g: {service: lab, after: [g]}
            """)
        #expect(errors == ["specs/main.yaml:7:29: error: after cycle: g -> g"])
    }

    @Test("a negative count is reported")
    func negativeCount() throws {
        let (_, errors) = try compileMain("""
            groups:
              g: {service: lab, count: -1}
            """)
        #expect(errors == ["specs/main.yaml:7:28: error: 'count' must be 0 or more, found -1"])
    }

    @Test("a NUL byte in a spec file is a located error")
    func nulByte() throws {
        let project = try TemporaryProject()
        defer { project.remove() }
        try project.write("specs/a.yaml", bytes: Array("groups:\n  g:\n    service: l".utf8) + [0] + Array("ab\n".utf8))
        let diagnostics = Diagnostics()
        #expect(try Compiler(projectRoot: project.root).compile(diagnostics: diagnostics) == nil)
        #expect(diagnostics.sorted.map(\.description) == ["specs/a.yaml:3:15: error: a NUL byte is not allowed in a spec file"])
    }

    @Test("every problem of a run is reported, across files, sorted by place")
    func allProblemsAtOnce() throws {
        let (_, errors) = try compile([
            "specs/a.yaml": "groups:\n  g: {service: nope, count: -2}\n",
            "specs/b.yaml": "servers:\n  s: {phases: {configure: [{exec: \"x\", bogus: 1}]}}\n",
            "specs/c.yaml": "nodes: [\n",
        ])
        #expect(errors.count == 4)
        #expect(errors[0].hasPrefix("specs/a.yaml:2:16: error: undefined service 'nope'"))
        #expect(errors[1].hasPrefix("specs/a.yaml:2:29: error: 'count' must be 0 or more"))
        #expect(errors[2].hasPrefix("specs/b.yaml:2:40: error: unknown action 'bogus'"))
        #expect(errors[3].hasPrefix("specs/c.yaml:2:1: error: malformed YAML"))
    }

    @Test("names that would be unsafe are rejected")
    func unsafeNames() throws {
        let (_, errors) = try compile(["specs/a.yaml": """
            services:
              lab:
                provider: hosts
                hosts:
                  - {name: "-oProxyCommand=x", group: g, address: "-oProxyCommand=touch /tmp/x"}
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - packages: ["-y", "ok"]
                    - file: {path: "relative/path", owner: "-rf"}
            """])
        #expect(errors.contains { $0.hasPrefix("specs/a.yaml:5:16: error: host name '-oProxyCommand=x' is not a valid name") })
        #expect(errors.contains { $0.hasPrefix("specs/a.yaml:5:55: error: 'address' must be a host name or IP address") })
        #expect(errors.contains { $0.hasPrefix("specs/a.yaml:11:22: error: '-y' is not a valid package name") })
        #expect(errors.contains { $0.hasPrefix("specs/a.yaml:12:24: error: 'path' must be an absolute path") })
        #expect(errors.contains { $0.hasPrefix("specs/a.yaml:12:48: error: 'owner' '-rf' is not a valid user or group name") })
    }
}
