import PalletContract
import Testing

/// Check mode's `unknown` status (a step whose guard check mode does not run), as the executor
/// reads it; `apply --check` over ssh is in CheckModeTests (PalletCLITests).
@Suite("The unknown status of check mode")
struct UnknownStatusTests {
    @Test("the status line parser keeps the unknown status of a step and of a handler step")
    func parsesUnknown() {
        #expect(StatusLine.parse("::pallet step 2/3 unknown exec touch /x")
            == .step(index: 2, total: 3, status: .unknown, text: "exec touch /x", handler: nil))
        #expect(StatusLine.parse("::pallet handler reload 1/1 unknown exec nginx -t")
            == .step(index: 1, total: 1, status: .unknown, text: "exec nginx -t", handler: "reload"))
    }
}
