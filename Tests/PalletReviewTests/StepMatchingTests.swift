import PalletContract
@testable import PalletReview
import Testing

@Suite("step matching")
struct StepMatchingTests {
    func step(_ action: String, _ summary: String, _ fingerprint: String, origin: String = "specs/a.yaml:1:1") -> StepListDocument.Step {
        StepListDocument.Step(action: action, summary: summary, origin: origin, via: nil, when: [], notifies: [], fingerprint: fingerprint)
    }

    @Test("a step added before others leaves them unchanged; removed steps stay where they were")
    func addedAndRemoved() {
        let base = [step("file", "/a", "1"), step("file", "/b", "2"), step("exec", "x", "3")]
        let head = [step("file", "/new", "9"), step("file", "/a", "1"), step("exec", "x", "3")]
        let changes = StepMatching.changes(base: base, head: head)
        #expect(changes.map { "\($0.kind.rawValue) \($0.step.summary)" } == ["added /new", "removed /b"])
    }

    @Test("a step whose fingerprint differs is changed, and a moved origin is shown")
    func changed() {
        let base = [step("file", "/a", "1", origin: "specs/a.yaml:3:5"), step("file", "/b", "2")]
        let head = [step("file", "/a", "7", origin: "specs/a.yaml:9:5"), step("file", "/b", "2", origin: "specs/b.yaml:1:1")]
        let changes = StepMatching.changes(base: base, head: head)
        #expect(changes.count == 1)
        #expect(changes.first?.kind == .changed)
        #expect(changes.first?.previousOrigin == "specs/a.yaml:3:5")
    }

    @Test("steps with the same action and summary pair in order")
    func duplicates() {
        let base = [step("exec", "run", "1"), step("exec", "run", "2")]
        let head = [step("exec", "run", "1"), step("exec", "run", "2"), step("exec", "run", "3")]
        #expect(StepMatching.changes(base: base, head: head).map { "\($0.kind.rawValue) \($0.step.fingerprint)" } == ["added 3"])
    }

    @Test("removing every step lists each as removed, in order")
    func allRemoved() {
        let base = [step("file", "/a", "1"), step("file", "/b", "2")]
        #expect(StepMatching.changes(base: base, head: []).map(\.step.summary) == ["/a", "/b"])
        #expect(StepMatching.changes(base: base, head: []).allSatisfy { $0.kind == .removed })
    }
}
