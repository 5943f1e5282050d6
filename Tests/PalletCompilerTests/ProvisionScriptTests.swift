import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

@Suite("Provisioning scripts")
struct ProvisionScriptTests {
    func script(network: String, service: String = "", count: Int = 2) throws -> (String?, [String]) {
        let (tree, errors) = try compile(["specs/a.yaml": """
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
