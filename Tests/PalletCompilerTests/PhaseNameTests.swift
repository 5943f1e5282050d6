import Foundation
import PalletContract
import Testing

@Suite("Phase names")
struct PhaseNameTests {
    @Test("a phase name travels as its plain name, and sorts bootstrap, configure, then custom phases by name")
    func plainAndOrdered() throws {
        let phases: [PhaseName] = ["deploy", .configure, "backup", .bootstrap]
        #expect(phases.sorted() == [.bootstrap, .configure, "backup", "deploy"])
        let json = try JSONEncoder().encode(phases)
        #expect(String(decoding: json, as: UTF8.self) == #"["deploy","configure","backup","bootstrap"]"#)
        #expect(try JSONDecoder().decode([PhaseName].self, from: json) == phases)
        #expect(PhaseName.configure.isBuiltIn && !PhaseName("deploy").isBuiltIn)
        #expect("\(PhaseName.bootstrap)" == "bootstrap")
    }
}
