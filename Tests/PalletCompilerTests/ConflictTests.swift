import Foundation
import PalletCompiler
import PalletContract
import PalletSpec
import PalletTestSupport
import Testing

/// Specs that fight (`ConflictCheck`): two steps of one bundle that would undo each other on every
/// run are a located error naming both places, and nothing is written. Each place is a marker
/// (`⟨name⟩`) in the spec text.
@Suite("Conflicting steps")
struct ConflictTests {
    let main = "specs/main.yaml"

    /// Compiles group `g` whose `configure` phase holds `steps` (list items), then `extra` (more
    /// keys of the group, at the indentation of `phases:`); returns the marked spec, tree and errors.
    func compileGroup(_ steps: String, extra: String = "") throws -> (MarkedText, OutputTree?, [String]) {
        let indent = { (text: String, spaces: Int) in
            text.split(separator: "\n").map { String(repeating: " ", count: spaces) + $0 }.joined(separator: "\n")
        }
        let spec = mainSpec("groups:\n  g:\n    service: lab\n    phases:\n      configure:\n" + indent(steps, 8) + "\n" + indent(extra, 4) + "\n")
        let (tree, errors) = try compile([main: spec.text])
        return (spec, tree, errors)
    }

    @Test("two files with other content on one path are an error at the second, naming the first")
    func twoFiles() throws {
        let (spec, tree, errors) = try compileGroup("""
            - ⟨a⟩file: {path: /etc/motd, content: "one\\n"}
            - ⟨b⟩file: {path: /etc/motd, content: "two\\n"}
            """)
        #expect(tree == nil)
        #expect(errors == ["\(spec.at("b", in: main)): error: path '/etc/motd' is also managed at \(spec.at("a", in: main)) with other values; two file steps on one path undo each other on every run: keep one"], "\(errors)")
    }

    @Test("a file and a line on one path are an error, whatever the order")
    func fileAndLine() throws {
        let (spec, tree, errors) = try compileGroup("""
            - ⟨line⟩line: {path: /etc/app.conf, line: "debug = true"}
            - ⟨file⟩file: {path: /etc/app.conf, content: "debug = false\\n"}
            """)
        #expect(tree == nil)
        #expect(errors == ["\(spec.at("file", in: main)): error: path '/etc/app.conf' is also managed at \(spec.at("line", in: main)) by a line step; a line and a file on one path undo each other on every run: keep one"], "\(errors)")
    }

    @Test("a file and a directory on one path are an error")
    func fileAndDirectory() throws {
        let (spec, _, errors) = try compileGroup("""
            - ⟨dir⟩directory: {path: /srv/app}
            - ⟨file⟩file: {path: /srv/app, content: "x"}
            """)
        #expect(errors == ["\(spec.at("file", in: main)): error: path '/srv/app' is also managed at \(spec.at("dir", in: main)) by a directory step; a directory and a file on one path undo each other on every run: keep one"], "\(errors)")
    }

    @Test("the same user or group with other values is an error naming both places")
    func accounts() throws {
        let (spec, tree, errors) = try compileGroup("""
            - ⟨u1⟩user: {name: app, shell: /bin/bash}
            - ⟨u2⟩user: {name: app, shell: /bin/sh}
            - ⟨g1⟩group: {name: ops, gid: 2001}
            - ⟨g2⟩group: {name: ops, state: absent}
            """)
        #expect(tree == nil)
        #expect(errors == [
            "\(spec.at("u2", in: main)): error: user 'app' is also managed at \(spec.at("u1", in: main)) with other values; the two steps undo each other on every run: give it one set of values",
            "\(spec.at("g2", in: main)): error: group 'ops' is also managed at \(spec.at("g1", in: main)) with other values; the two steps undo each other on every run: give it one set of values",
        ], "\(errors)")
    }

    @Test("a package installed and removed in one phase is an error at the second request; two pins too")
    func packages() throws {
        let (spec, tree, errors) = try compileGroup("""
            - ⟨install⟩packages: [curl, nginx]
            - ⟨remove⟩package: {name: nginx, state: absent}
            - ⟨pin1⟩package: {name: git=1:2.39.2-1.1}
            - ⟨pin2⟩package: {name: git=1:2.39.5-0+deb12u1}
            """)
        #expect(tree == nil)
        #expect(errors == [
            "\(spec.at("remove", in: main)): error: package 'nginx' is also managed at \(spec.at("install", in: main)), where it is installed; installing and removing it undo each other on every run: keep one",
            "\(spec.at("pin2", in: main)): error: package 'git' is also managed at \(spec.at("pin1", in: main)), pinned to another version ('git=1:2.39.2-1.1' there, 'git=1:2.39.5-0+deb12u1' here): keep one",
        ], "\(errors)")
    }

    @Test("a user that names a group created later in the phase is an error saying to move the group step first")
    func groupCreatedLater() throws {
        let (spec, tree, errors) = try compileGroup("""
            - ⟨user⟩user: {name: app, groups: [web, ops]}
            - ⟨group⟩group: {name: ops}
            """)
        #expect(tree == nil)
        #expect(errors == ["\(spec.at("user", in: main)): error: user 'app' needs group 'ops', which the group step at \(spec.at("group", in: main)) creates later in this phase: move that group step before this user step"], "\(errors)")
    }

    @Test("a step from a crate that fights a step of the spec is reported with the crate use")
    func fromCrate() throws {
        let crate = MarkedText("""
            crates:
              motd:
                phases:
                  configure:
                    - ⟨file⟩file: {path: /etc/motd, content: "crate\\n"}
            """)
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - ⟨mine⟩file: {path: /etc/motd, content: "mine\\n"}
                    - ⟨use⟩crate: motd
            """)
        let (tree, errors) = try compile(["specs/crates/motd.yaml": crate.text, main: spec.text])
        #expect(tree == nil)
        #expect(errors == ["\(crate.at("file", in: "specs/crates/motd.yaml")): error: path '/etc/motd' is also managed at \(spec.at("mine", in: main)) with other values; two file steps on one path undo each other on every run: keep one (this step: crate motd used at \(spec.at("use", in: main)))"], "\(errors)")
    }

    @Test("steps on a path written with the same node value fight; a node value and a literal are not compared")
    func nodeValues() throws {
        let (spec, _, errors) = try compileGroup("""
            - ⟨a⟩file: {path: "/srv/{{ node.name }}.conf", content: "a"}
            - ⟨b⟩file: {path: "/srv/{{ node.name }}.conf", content: "b"}
            - file: {path: /srv/h1.conf, content: "c"}
            """)
        #expect(errors == ["\(spec.at("b", in: main)): error: path '/srv/{{ node.name }}.conf' is also managed at \(spec.at("a", in: main)) with other values; two file steps on one path undo each other on every run: keep one"], "\(errors)")
    }

    @Test("no conflict: identical duplicates, lines on one file, other paths, other OS families, a group before its user, handlers")
    func nonConflicts() throws {
        let (_, tree, errors) = try compileGroup("""
            - file: {path: /etc/motd, content: "same\\n", mode: "0644"}
            - file: {path: /etc/motd, content: "same\\n", mode: "0644"}
            - line: {path: /etc/ssh/sshd_config, line: "PermitRootLogin no", match: "^PermitRootLogin"}
            - line: {path: /etc/ssh/sshd_config, line: "PasswordAuthentication no", match: "^PasswordAuthentication"}
            - file: {path: /etc/a, content: "a"}
            - file: {path: /etc/b, content: "b"}
            - file: {path: /etc/os.conf, content: "debian\\n"}
              when: {os-family: [debian, ubuntu]}
            - file: {path: /etc/os.conf, content: "redhat\\n"}
              when: {os-family: [centos, rhel]}
            - packages: [curl]
            - package: {name: curl, state: latest}
            - package: {name: telnet, state: absent}
            - group: {name: ops}
            - user: {name: app, groups: [ops]}
            - user: {name: app, groups: [ops]}
            - file: {path: /etc/notified, content: "phase\\n"}
              notify: [again]
            """, extra: """
            handlers:
              again:
                - file: {path: /etc/notified, content: "handler\\n"}
            """)
        #expect(errors.isEmpty, "\(errors)")
        #expect(tree != nil)
    }

    @Test("the same path in two groups, or in two phases of one group, is no conflict")
    func otherBundles() throws {
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - file: {path: /etc/motd, content: "g\\n"}
                  deploy:
                    - file: {path: /etc/motd, content: "deploy\\n"}
              other:
                service: lab
                phases:
                  configure:
                    - file: {path: /etc/motd, content: "other\\n"}
            """)
        let (tree, errors) = try compile([main: spec.text])
        #expect(errors.isEmpty, "\(errors)")
        #expect(tree != nil)
    }

    @Test("the example specs/ compile without a conflict")
    func example() throws {
        let diagnostics = Diagnostics()
        let tree = try Compiler(projectRoot: RepositoryPaths.root).compile(diagnostics: diagnostics)
        #expect(diagnostics.sorted.map(\.description) == [])
        #expect(tree != nil)
    }
}
