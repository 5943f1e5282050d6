import Foundation
import PalletTestSupport
import Testing

/// `bastions:` and `via:` of a hosts service: decoded, checked at plan time, written to plan.json.
@Suite("bastions in the specs")
struct BastionSpecTests {
    @Test("via on a host or on the service reaches plan.json with the bastion's address, port, user, key and pinned key; no via, no key")
    func planned() throws {
        let (tree, errors) = try compile(["specs/a.yaml": """
            services:
              lab:
                provider: hosts
                via: gate
                bastions:
                  gate: {address: 192.0.2.1, port: 2222, user: jump, private-key: /keys/jump, host-key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIgaBe5wVlLxG21jBbbAplIVSgctaX3Mmq6Whtz2RcIs"}
                  other: {address: gate.example.org}
                hosts:
                  - {name: a, group: g, address: 10.0.0.5}
                  - {name: b, group: g, address: 10.0.0.6, via: other}
              direct:
                provider: hosts
                hosts:
                  - {name: c, group: h, address: 192.0.2.9}
            groups:
              g: {service: lab}
              h: {service: direct}
            """])
        #expect(errors.isEmpty, "\(errors)")
        let plan = try #require(tree?.text("plan.json"))
        #expect(plan.contains("\"via\" : {"), "\(plan)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(plan.utf8)) as? [String: Any])
        let nodes = (json["groups"] as? [[String: Any]] ?? []).flatMap { $0["nodes"] as? [[String: Any]] ?? [] }
        let via = { (name: String) in nodes.first { $0["name"] as? String == name }?["via"] as? [String: Any] }
        #expect(via("a")?["name"] as? String == "gate")
        #expect(via("a")?["address"] as? String == "192.0.2.1")
        #expect(via("a")?["port"] as? Int == 2222)
        #expect(via("a")?["user"] as? String == "jump")
        #expect(via("a")?["privateKey"] as? String == "/keys/jump")
        #expect((via("a")?["hostKey"] as? String)?.hasPrefix("ssh-ed25519 ") == true)
        #expect(via("b")?["name"] as? String == "other")
        #expect(via("b")?["port"] as? Int == 22)
        #expect(via("b")?["user"] == nil)
        #expect(via("c") == nil)
        #expect(nodes.first { $0["name"] as? String == "c" }?.keys.contains("via") == false)
    }

    @Test("an unknown bastion, a bad address, user, port, key path or host key is a located error")
    func errors() throws {
        let spec = MarkedText("""
            services:
              lab:
                provider: hosts
                via: ⟨serviceVia⟩nowhere
                bastions:
                  gate: {address: ⟨address⟩"-oProxyCommand=x", user: ⟨user⟩"-l", port: ⟨port⟩0}
                  keyed: {address: 192.0.2.3, private-key: ⟨key⟩"a\\nb", host-key: ⟨hostKey⟩"not a key"}
                  ⟨noAddress⟩lost: {port: 22}
                hosts:
                  - {name: a, group: g, address: 10.0.0.5, via: ⟨hostVia⟩missing}
            groups:
              g: {service: lab}
            """)
        let (tree, errors) = try compile(["specs/a.yaml": spec.text])
        #expect(tree == nil)
        let file = "specs/a.yaml"
        let expected = [
            ("serviceVia", "error: 'via' names no bastion of this service: 'nowhere' (bastions: keyed)"),
            ("hostVia", "error: 'via' names no bastion of this service: 'missing'"),
            ("address", "error: 'address' must be a host name or IP address"),
            ("user", "error: 'user' '-l' is not a valid user name"),
            ("port", "error: 'port' must be between 1 and 65535"),
            ("key", "error: 'private-key' must be a path without control characters"),
            ("hostKey", "error: 'host-key' "),
        ]
        for (marker, message) in expected {
            #expect(errors.contains { $0.hasPrefix("\(spec.at(marker, in: file)): \(message)") }, "\(marker): \(errors)")
        }
        #expect(errors.contains { $0.contains("bastion 'lost' needs 'address'") }, "\(errors)")
    }
}
