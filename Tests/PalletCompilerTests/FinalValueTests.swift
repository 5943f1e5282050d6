import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

/// Point 5 of issue 15: the rules a literal value meets hold for the value after `vars`, crate
/// parameters and `{{ group }}`, and for every value a node can put in `{{ node.* }}`.
@Suite("Final values after substitution")
struct FinalValueTests {
    /// The spec file the tests write.
    let main = "specs/main.yaml"

    /// Compiles one configure step of group `g` with `vars` (either may hold markers such as
    /// `⟨value⟩`), expecting errors; returns them and the spec with its markers.
    func located(vars: String, step: String) throws -> (errors: [String], spec: MarkedText) {
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                vars: \(vars)
                phases:
                  configure:
                    - \(step)
            """)
        let (tree, errors) = try compile([main: spec.text])
        #expect(tree == nil, "nothing is compiled when a final value is bad")
        return (errors, spec)
    }

    /// Compiles one configure step of group `g` with `vars`, expecting errors; returns them.
    func errors(vars: String, step: String) throws -> [String] {
        try located(vars: vars, step: step).errors
    }

    @Test("an account name from a variable ('-rf') is a located error naming the variable's definition")
    func accountFromVariable() throws {
        let (errors, spec) = try located(vars: "{u: ⟨u⟩-rf}", step: "user: {name: ⟨name⟩\"{{ u }}\"}")
        #expect(errors == ["\(spec.at("name", in: main)): error: 'name' '-rf' is not a valid user or group name (after substitution: "
            + "the value comes from variable 'u' defined at \(spec.at("u", in: main)) as '-rf')"])
    }

    @Test("a path with '..' from a variable is a located error")
    func pathFromVariable() throws {
        let (errors, spec) = try located(vars: "{d: ⟨d⟩../root/.ssh}", step: "file: {path: ⟨path⟩\"/home/{{ d }}/authorized_keys\", content: x}")
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("\(spec.at("path", in: main)): error: 'path' must be an absolute path without '.', '..' or empty components, "
            + "found '/home/../root/.ssh/authorized_keys'") == true, "\(errors)")
        #expect(errors.first?.contains("variable 'd' defined at \(spec.at("d", in: main))") == true, "\(errors)")
    }

    @Test("paths are checked by Unicode scalars: '..' followed by a combining mark is still '..'")
    func pathByScalars() throws {
        #expect(!NameRules.isCleanAbsolutePath("/a/../\u{301}b"))
        #expect(!NameRules.isCleanAbsolutePath("/a/..\u{2F}\u{301}"))
        #expect(NameRules.isCleanAbsolutePath("/a/..\u{301}/b"), "'..' plus a combining mark is a different name")
        let literal = try errors(vars: "{}", step: "file: {path: \"/a/../\\u0301b\", content: x}")
        #expect(literal.first?.contains("'path' must be an absolute path") == true)
        let substituted = try errors(vars: "{d: \"..\"}", step: "file: {path: \"/a/{{ d }}/\\u0301b\", content: x}")
        #expect(substituted.first?.contains("'path' must be an absolute path") == true)
    }

    @Test("a cron command with a newline from a variable is a located error")
    func cronNewline() throws {
        let (errors, spec) = try located(vars: "{c: ⟨c⟩\"true\\n* * * * * root touch /pwned\"}",
                                         step: "cron: {name: job, schedule: \"* * * * *\", command: ⟨command⟩\"{{ c }}\"}")
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("\(spec.at("command", in: main)): error: 'command' must be a single line (after substitution: "
            + "the value comes from variable 'c' defined at \(spec.at("c", in: main))") == true, "\(errors)")
    }

    @Test("an apt proxy URL that would inject APT::Update::Pre-Invoke is refused, literal or from a variable")
    func proxyInjection() throws {
        let hostile = #"http://10.0.2.2:3142\";APT::Update::Pre-Invoke{\"touch/pwned\";};\""#
        let literal = try errors(vars: "{}", step: "package-manager: {proxy: \"\(hostile)\"}")
        #expect(literal.count == 1)
        #expect(literal.first?.contains("'proxy' must be an http:// or https:// URL of URL characters only") == true)
        let (substituted, spec) = try located(vars: "{p: ⟨p⟩\"\(hostile)\"}", step: "package-manager: {proxy: ⟨proxy⟩\"{{ p }}\"}")
        #expect(substituted.count == 1)
        #expect(substituted.first?.hasPrefix("\(spec.at("proxy", in: main)): error: 'proxy' must be an http:// or https:// URL") == true, "\(substituted)")
        #expect(substituted.first?.contains("variable 'p' defined at \(spec.at("p", in: main))") == true, "\(substituted)")
        let fine = try compileMain("""
            groups:
              g:
                service: lab
                vars: {p: "http://10.0.2.2:3142"}
                phases:
                  configure:
                    - package-manager: {proxy: "{{ p }}/"}
            """)
        #expect(fine.1.isEmpty)
    }

    @Test("apt suites and components are single words, also from variables")
    func suiteWords() throws {
        let errors = try errors(vars: "{s: \"bookworm main\\ndeb http://evil.example bookworm\"}",
                                step: "package-source: {name: extra, url: \"http://deb.example\", suites: [\"{{ s }}\"]}")
        #expect(errors.count == 1)
        #expect(errors.first?.contains("'suites' items must be single words") == true)
        #expect(errors.first?.contains("variable 's' defined at") == true)
    }

    @Test("the actions' own rules hold after substitution: sysctl value, line, authorized key, service name, package name, directory '/'")
    func otherRules() throws {
        #expect(try errors(vars: "{v: \"1\\nkernel.x = 2\"}", step: "sysctl: {name: vm.swappiness, value: \"{{ v }}\"}")
            .first?.contains("'value' must be a single line") == true)
        #expect(try errors(vars: "{v: \"a\\nb\"}", step: "line: {path: /etc/x, line: \"{{ v }}\"}")
            .first?.contains("'line' must be a single line") == true)
        #expect(try errors(vars: "{k: \"ssh-ed25519 AAAA\\nssh-rsa BBBB evil\"}", step: "authorized-key: {user: root, key: \"{{ k }}\"}")
            .first?.contains("'key' must be one public key line") == true)
        #expect(try errors(vars: "{s: \"nginx; reboot\"}", step: "service: {name: \"{{ s }}\", state: started}")
            .first?.contains("'name' 'nginx; reboot' is not a valid name") == true)
        #expect(try errors(vars: "{p: \"-y\"}", step: "packages: [\"{{ p }}\"]")
            .first?.contains("'-y' is not a valid package name") == true)
        #expect(try errors(vars: "{d: /}", step: "directory: {path: \"{{ d }}\", state: absent}")
            .first?.contains("'directory' cannot manage '/'") == true)
    }

    @Test("a crate parameter is checked where the crate uses it, naming the 'with' value it came from")
    func crateParameter() throws {
        let spec = mainSpec("""
            crates:
              account:
                params:
                  who: {}
                phases:
                  configure:
                    - user: {name: ⟨name⟩"{{ who }}"}
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - ⟨crate⟩crate: account
                      with: {who: ⟨who⟩"--help"}
            """)
        let (tree, errors) = try compile([main: spec.text])
        #expect(tree == nil)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("\(spec.at("name", in: main)): error: 'name' '--help' is not a valid user or group name") == true, "\(errors)")
        #expect(errors.first?.contains("variable 'who' defined at \(spec.at("who", in: main)) as '--help'; in crate account used at \(spec.at("crate", in: main))") == true,
                "\(errors)")
    }

    @Test("the built-in apt-proxy crate refuses a 'url' parameter that would inject into apt.conf, naming the 'with' value")
    func aptProxyCrate() throws {
        let spec = mainSpec(#"""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - ⟨crate⟩crate: apt-proxy
                      with: {url: ⟨url⟩"http://10.0.2.2:3142\";APT::Update::Pre-Invoke{\"touch/pwned\";};\""}
            """#)
        let (tree, errors) = try compile([main: spec.text])
        #expect(tree == nil)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("out/crates/apt-proxy.yaml:") == true, "\(errors)")
        #expect(errors.first?.contains("'proxy' must be an http:// or https:// URL of URL characters only") == true, "\(errors)")
        #expect(errors.first?.contains("variable 'url' defined at \(spec.at("url", in: main))") == true, "\(errors)")
        #expect(errors.first?.contains("in crate apt-proxy used at \(spec.at("crate", in: main))") == true, "\(errors)")
    }

    @Test("node values are checked with every value a node can have: a node name is no account, an address no path component")
    func nodeValues() throws {
        let account = try errors(vars: "{}", step: "user: {name: \"{{ node.name }}\"}")
        #expect(account.first?.contains("'name' 'Web_1' is not a valid user or group name") == true)
        #expect(account.first?.contains("{{ node.name }}, which a node fills in at run time and which can be 'Web_1'") == true)
        let path = try errors(vars: "{}", step: "file: {path: \"/srv/{{ node.address }}/x\", content: x}")
        #expect(path.first?.contains("found '/srv/../x'") == true)
        let (tree, fine) = try compileMain("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - file: {path: "/srv/node-{{ node.name }}-{{ node.index }}", content: "{{ node.address }}"}
                    - cron: {name: job, schedule: "* * * * *", command: "echo {{ node.name }} {{ node.address }}"}
            """)
        #expect(fine.isEmpty)
        #expect(tree != nil)
    }
}
