import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

/// Point 5 of issue 15 on a test host: run.sh itself refuses node values of a form the plan was
/// not checked with, before any step runs.
@Suite("Node values on a test host", .enabled(if: TestHostSupport.requireRoot("Node values on a test host")))
struct NodeValueHostTests {
    @Test("run.sh refuses node values of a form the plan was not checked with ('..', a newline, '$(...)'), before any step; plain ones work")
    func hostileNodeValues() throws {
        let bundle = try compileBundle("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - directory: /srv/pallet-node-values
                    - file: {path: "/srv/pallet-node-values/{{ node.name }}", content: "{{ node.address }}\\n"}
            """)
        try TestHost.with(name: "node-values") { host in
            let hostile: [[String: String]] = [
                ["PALLET_NODE_NAME": "..", "PALLET_NODE_INDEX": "1", "PALLET_NODE_ADDRESS": "192.0.2.7"],
                ["PALLET_NODE_NAME": "web-1\nx", "PALLET_NODE_INDEX": "1", "PALLET_NODE_ADDRESS": "192.0.2.7"],
                ["PALLET_NODE_NAME": "web-1", "PALLET_NODE_INDEX": "1;reboot", "PALLET_NODE_ADDRESS": "192.0.2.7"],
                ["PALLET_NODE_NAME": "web-1", "PALLET_NODE_INDEX": "1", "PALLET_NODE_ADDRESS": "$(touch /srv/pwned)"],
                ["PALLET_NODE_NAME": "wéb", "PALLET_NODE_INDEX": "1", "PALLET_NODE_ADDRESS": ""],
            ]
            for environment in hostile {
                let run = try host.runBundle(bundle, environment: environment)
                #expect(run.result.status == 1, "\(environment)")
                #expect(run.statuses.isEmpty, "no step runs: \(run.result.combined)")
                #expect(run.result.stderr.contains("this node's name, index or address has characters that node values may not hold"))
                #expect(try !host.exists("/srv/pallet-node-values"))
                #expect(try !host.exists("/srv/pwned"))
            }
            let fine = try host.runBundle(bundle, environment: ["PALLET_NODE_NAME": "Web_1.a", "PALLET_NODE_INDEX": "12",
                                                                "PALLET_NODE_ADDRESS": "fe80::1"])
            #expect(fine.statuses == ["changed", "changed"], "\(fine.result.combined)")
            #expect(try host.text("/srv/pallet-node-values/Web_1.a") == "fe80::1\n")
        }
    }
}
