@testable import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

/// A script travels in run.sh as a quoted here-document whose delimiter no line of the script
/// equals, comparing bytes as bash does: `\r\n` is no place to hide a delimiter line.
@Suite("Here-document delimiters over bytes")
struct HereDocumentTests {
    /// A script whose delimiter line hides behind CR LF: as Swift characters (`\r\n` is one) its
    /// lines are `true\r\nPALLET_SCRIPT` and `touch ...`; as bytes, which bash reads, they are
    /// `true\r`, `PALLET_SCRIPT` and `touch ...`.
    static let hiding = "true\r\nPALLET_SCRIPT\ntouch /srv/pallet-heredoc/escaped\n"

    @Test("the delimiter differs from every byte line of the script, CR LF and combining marks included")
    func delimiterOverBytes() {
        #expect(ActionEmitter.hereDocumentDelimiter(for: Self.hiding) == "PALLET_SCRIPT_1")
        #expect(ActionEmitter.hereDocumentDelimiter(for: "a\r\nPALLET_SCRIPT\nPALLET_SCRIPT_1\n") == "PALLET_SCRIPT_2")
        #expect(ActionEmitter.hereDocumentDelimiter(for: "PALLET_SCRIPT\u{301}\n") == "PALLET_SCRIPT")
        #expect(ActionEmitter.hereDocumentDelimiter(for: "x\nPALLET_SCRIPT") == "PALLET_SCRIPT_1")
    }

    @Test("run.sh holds the script's bytes unchanged between the here-document's lines, CR LF kept")
    func scriptBytesKept() throws {
        let (tree, errors) = try compileMain("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - exec: {script: "true\\r\\nPALLET_SCRIPT\\ntouch /srv/pallet-heredoc/escaped\\r\\n", creates: /etc/hostname}
            """)
        #expect(errors.isEmpty)
        let run = try #require(tree?.text("groups/g/configure/run.sh"))
        let body = "<<'PALLET_SCRIPT_1'\ntrue\r\nPALLET_SCRIPT\ntouch /srv/pallet-heredoc/escaped\r\nPALLET_SCRIPT_1\n"
        #expect(run.utf8.firstRange(of: Array(body.utf8)) != nil, "\(run)")
    }
}
