@testable import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

/// Here-document delimiters on a test host: a script holding CR LF before a delimiter line
/// stays inside its here-document when run.sh runs.
@Suite("Here-documents on a test host", .enabled(if: TestHostSupport.requireRoot("Here-documents on a test host")))
struct HereDocumentHostTests {
    @Test("a script with CR LF before a delimiter line stays inside its here-document: creates still skips it, nothing escapes into run.sh")
    func crlfCannotEscape() throws {
        let bundle = try compileBundle("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - exec: {script: "true\\r\\nPALLET_SCRIPT\\ntouch /srv/pallet-heredoc/escaped\\n", creates: /etc/hostname}
                    - exec: {script: "true\\r\\nPALLET_SCRIPT\\ntouch /srv/pallet-heredoc/inside\\n", creates: /srv/pallet-heredoc/inside}
            """)
        try TestHost.with(name: "heredoc") { host in
            #expect(try host.shell("mkdir /srv/pallet-heredoc").status == 0)
            let run = try host.runBundle(bundle)
            #expect(run.result.status == 0, "\(run.result.combined)")
            #expect(run.statuses == ["ok", "changed"], "\(run.result.combined)")
            #expect(try !host.exists("/srv/pallet-heredoc/escaped"), "the first script must not run: /etc/hostname exists")
            #expect(try host.exists("/srv/pallet-heredoc/inside"), "the second script runs whole, as one script")
            let again = try host.runBundle(bundle)
            #expect(again.statuses == ["ok", "ok"], "\(again.result.combined)")
            #expect(try !host.exists("/srv/pallet-heredoc/escaped"))
        }
    }
}
