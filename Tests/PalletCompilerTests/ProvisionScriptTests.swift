import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

@Suite("Provisioning scripts")
struct ProvisionScriptTests {
    func script(network: String, service: String = "", count: Int = 2) throws -> (String?, [String]) {
        let (tree, errors) = try compile(["specs/a.yaml": """
            project: demo
            services:
              vbox:
                provider: virtualbox
                images:
                  img: {disk: ~/models/base.vdi, os-type: Debian_64}
                hardware:
                  big: {memory: 3072, cpus: 3, vram: 32}
            \(service)
            nodes:
              n:
                image: img
                hardware: big
            \(network)
            groups:
              g: {service: vbox, node: n, count: \(count)}
            """])
        return (tree?.text("provision/vbox/g.sh"), errors)
    }

    @Test("hardware, image and the local layout are resolved into the script's header")
    func localLayout() throws {
        let (text, errors) = try script(network: "", service: "    local-interface: vboxnet3")
        #expect(errors.isEmpty, "\(errors)")
        let script = try #require(text)
        #expect(script.contains("readonly BASE_DISK=\"$HOME\"'/models/base.vdi'"))
        #expect(script.contains("readonly MEMORY=3072 CPUS=3 VRAM=32"))
        #expect(script.contains("'--nic1' 'hostonly' '--hostonlyadapter1' 'vboxnet3'"))
        #expect(script.contains("'--nic2' 'nat'"))
        #expect(script.contains("'--nic8' 'none'"))
        #expect(script.contains("readonly SSH_NIC=1 SSH_FORWARD=''"))
        #expect(script.contains("if ((CPUS > 1)); then hardware+=(--ioapic on); fi"))
    }

    @Test("the nat layout forwards ssh from 127.0.0.1:2200+i")
    func natLayout() throws {
        let (text, _) = try script(network: "    network: nat")
        let script = try #require(text)
        #expect(script.contains("readonly SSH_NIC=0 SSH_FORWARD='2200+'"))
        #expect(script.contains("readonly -a NAT_FORWARDS=('1=ssh,tcp,2200+,22')"))
    }

    @Test("an explicit adapter list: internal networks, MACs, forwards offset per node; unreachable layouts are errors")
    func explicitAdapters() throws {
        let (text, errors) = try script(network: """
                network:
                  - {attachment: internal, interface: backend}
                  - {attachment: bridged, interface: eth1}
                  - {attachment: nat, forward: [{name: http, host-port: 8081, guest-port: 80}]}
            """, count: 1)
        #expect(errors.isEmpty, "\(errors)")
        let body = try #require(text)
        #expect(body.contains("'--nic1' 'intnet' '--intnet1' 'backend'"))
        #expect(body.contains("'--nic2' 'bridged' '--bridgeadapter2' 'eth1'"))
        #expect(body.contains("readonly SSH_NIC=2"))
        #expect(body.contains("'3=http,tcp,8080+,80'"))

        let (_, unreachable) = try script(network: "    network:\n      - {attachment: internal, interface: x}")
        #expect(unreachable.contains { $0.contains("no adapter lets ssh reach the nodes") }, "\(unreachable)")
        let (_, mac) = try script(network: "    network:\n      - {attachment: host-only, mac: \"08:00:27:AA:BB:CC\"}")
        #expect(mac.contains { $0.contains("a fixed 'mac' can only serve one node, but the group has 2") }, "\(mac)")
    }
}

/// The project's identity: required with a virtualbox service, in VM names and in orphans.sh.
@Suite("Project identity in provisioning scripts")
struct ProjectIdentityTests {
    /// Specs with a virtualbox service and no `project`, a marker at the service.
    static let marked = MarkedText("""
        services:
          ⟨vbox⟩vbox:
            provider: virtualbox
            images:
              img: {disk: /srv/base.vdi, os-type: Debian_64}
            network: bridged
        nodes:
          n: {image: img, hardware: small}
        groups:
          web: {service: vbox, node: n, count: 2}
          db: {service: vbox, node: n, count: 1}
        """)
    /// The specs as written.
    static let body = marked.text

    @Test("a virtualbox service without 'project' is an error at the service saying what to add; nothing is written")
    func projectRequired() throws {
        let (tree, errors) = try compile(["specs/a.yaml": Self.body])
        #expect(tree == nil)
        #expect(errors.contains { $0.hasPrefix("\(Self.marked.at("vbox", in: "specs/a.yaml")): error: virtualbox service 'vbox' needs the project's name: add 'project: NAME'") },
                "\(errors)")
    }

    @Test("'project' must be lowercase letters, digits and '-', and is defined once", arguments: ["Web", "1abc", "a b", "a_b", String(repeating: "a", count: 33)])
    func projectRules(name: String) throws {
        let bad = MarkedText("project: ⟨name⟩'\(name)'\n" + Self.body)
        let (tree, errors) = try compile(["specs/a.yaml": bad.text])
        #expect(tree == nil)
        #expect(errors.contains { $0.hasPrefix("\(bad.at("name", in: "specs/a.yaml")): error: 'project' must be 1 to 32 lowercase letters") }, "\(errors)")
        let second = MarkedText("project: ⟨two⟩two\n")
        let (twice, twiceErrors) = try compile(["specs/a.yaml": "project: one\n" + Self.body, "specs/b.yaml": second.text])
        #expect(twice == nil)
        #expect(twiceErrors.contains { $0.hasPrefix("\(second.at("two", in: "specs/b.yaml")): error: 'project' is defined twice") }, "\(twiceErrors)")
    }

    @Test("VM names carry the project; a bridged adapter with no interface named is chosen at creation, never a guessed eth0; orphans.sh knows the groups")
    func scriptsCarryProject() throws {
        let (tree, errors) = try compile(["specs/a.yaml": "project: shop-7f3a\n" + Self.body])
        #expect(errors.isEmpty, "\(errors)")
        let web = try #require(tree?.text("provision/vbox/web.sh"))
        #expect(web.contains("readonly PROJECT='shop-7f3a' SERVICE='vbox' GROUP='web'"))
        #expect(web.contains("'--nic1' 'bridged' '--nictype1'"))
        #expect(!web.contains("eth0"))
        #expect(web.contains("readonly -a BRIDGE_AUTO=(1)"))
        let orphans = try #require(tree?.text("provision/orphans.sh"))
        #expect(orphans.contains("readonly PROJECT='shop-7f3a' WHO=orphans"))
        #expect(orphans.contains("readonly -a SPEC_GROUPS=('vbox/web' 'vbox/db')"))
        let plan = try #require(tree?.text("plan.json"))
        #expect(plan.contains("\"project\" : \"shop-7f3a\""))
        #expect(plan.contains("\"orphans\" : \"provision/orphans.sh\""))
    }

    @Test("a hosts-only project writes no orphans.sh and needs no 'project'")
    func hostsOnly() throws {
        let (tree, errors) = try compile(["specs/a.yaml": """
            services:
              lab: {provider: hosts, hosts: [{name: h1, address: 10.0.0.1, group: g}]}
            groups:
              g: {service: lab}
            """])
        #expect(errors.isEmpty, "\(errors)")
        #expect(tree?.text("provision/orphans.sh") == nil)
        #expect(tree?.text("plan.json")?.contains("\"orphans\"") == false)
    }
}
