import Foundation
import PalletCompiler
import PalletContract
import PalletSpec
import PalletTestSupport
import Testing

/// Point 10 of issue 15 on a test host: steps that share one stored payload file still each
/// converge their own file.
@Suite("Shared payloads on a test host", .enabled(if: TestHostSupport.requireRoot("Shared payloads on a test host")))
struct SharedPayloadHostTests {
    @Test("steps that share one stored payload file each converge their own file, rendered or not, and stay converged")
    func sharedPayload() throws {
        let bundle = try compileBundle("""
            groups:
              g:
                service: lab
                vars: {motd: "shared content\\n"}
                phases:
                  configure:
                    - directory: /srv/pallet-shared
                    - file: {path: /srv/pallet-shared/a, content: "{{ motd }}"}
                    - file: {path: /srv/pallet-shared/b, content: "{{ motd }}", mode: "0600"}
                    - file: {path: /srv/pallet-shared/c, content: "on {{ node.name }}\\n"}
                    - file: {path: /srv/pallet-shared/d, content: "on {{ node.name }}\\n"}
            """)
        let entries = try TarArchive.read(bundle).map(\.path).filter { $0.hasPrefix("files/") }
        #expect(entries == ["files/2-a", "files/4-c"])
        try TestHost.with(name: "shared-payload") { host in
            let environment = ["PALLET_NODE_NAME": "web-1", "PALLET_NODE_INDEX": "1", "PALLET_NODE_ADDRESS": "192.0.2.7"]
            let first = try host.runBundle(bundle, environment: environment)
            #expect(first.statuses == ["changed", "changed", "changed", "changed", "changed"], "\(first.result.combined)")
            #expect(try host.text("/srv/pallet-shared/a") == "shared content\n")
            #expect(try host.text("/srv/pallet-shared/b") == "shared content\n")
            #expect(try host.text("/srv/pallet-shared/c") == "on web-1\n")
            #expect(try host.text("/srv/pallet-shared/d") == "on web-1\n")
            let again = try host.runBundle(bundle, environment: environment)
            #expect(again.statuses == ["ok", "ok", "ok", "ok", "ok"], "\(again.result.combined)")
        }
    }
}
