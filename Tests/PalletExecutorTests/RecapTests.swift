import Foundation
import PalletContract
import Testing
@testable import PalletExecutor

/// The recap and the run's verdict, from phase results of mixed outcomes, without ssh or a node.
@Suite("recap")
struct RecapTests {
    func result(_ node: String, _ phase: String, _ outcome: PhaseResult.Outcome, ok: Int = 0, changed: Int = 0, skipped: Int = 0,
                failed: Int = 0, steps: [PhaseResult.StepRecord] = [], diffs: [String] = [], message: String? = nil,
                truncated: String? = nil) -> PhaseResult {
        PhaseResult(node: node, group: String(node.prefix { $0 != "-" }), phase: phase, outcome: outcome, ok: ok, changed: changed,
                    skipped: skipped, failed: failed, steps: steps, diffs: diffs, message: message, log: "/runs/r1/\(node)/\(phase).log",
                    seconds: 1.5, truncated: truncated)
    }

    /// web-1 changed in bootstrap and is fine in configure; web-2 broke off mid-run; db-1 failed a
    /// step; cache-1 was unreachable at first contact; web-10 was all ok.
    var mixed: RunReport {
        RunReport(runID: "r1", mode: .apply, results: [
            result("web-1", "bootstrap", .changed, ok: 1, changed: 3),
            result("cache-1", "connect", .unreachable, message: "cannot reach pallet-admin@192.0.2.9:22: Connection refused"),
            result("web-10", "configure", .ok, ok: 6, skipped: 1),
            result("web-1", "configure", .ok, ok: 5, skipped: 2),
            result("web-2", "configure", .failed, ok: 2, message: "the run broke off after step 2/7 (ssh exited with status 1)"),
            result("db-1", "configure", .failed, ok: 4, changed: 1, failed: 1, message: "error: command failed"),
            result("db-1", "bootstrap", .skipped),
        ], errors: [])
    }

    @Test("one row per node in order of first result, phases summed; a failure counts at least one; the last failure's message")
    func rows() {
        let rows = mixed.recap
        #expect(rows.map(\.node) == ["web-1", "cache-1", "web-10", "web-2", "db-1"])
        #expect(rows.map(\.group) == ["web", "cache", "web", "web", "db"])
        #expect(rows.map(\.ok) == [6, 0, 6, 2, 4])
        #expect(rows.map(\.changed) == [3, 0, 0, 0, 1])
        #expect(rows.map(\.failed) == [0, 0, 0, 1, 1])
        #expect(rows.map(\.unreachable) == [0, 1, 0, 0, 0])
        #expect(rows.map(\.message) == [nil, "connect: cannot reach pallet-admin@192.0.2.9:22: Connection refused", nil,
                                        "configure: the run broke off after step 2/7 (ssh exited with status 1)",
                                        "configure: error: command failed"])
    }

    @Test("the verdict: failed when a node failed or was unreachable or the run could not start; changed when a step or a machine changed")
    func verdict() {
        #expect(mixed.failed)
        #expect(mixed.changed)
        let quiet = RunReport(runID: "r2", mode: .apply, results: [result("web-1", "configure", .ok, ok: 3)], errors: [])
        #expect(!quiet.failed)
        #expect(!quiet.changed)
        let unreachable = RunReport(runID: "r3", mode: .lift, results: [result("web-1", "configure", .unreachable)], errors: [])
        #expect(unreachable.failed)
        #expect(!unreachable.changed)
        let skippedOnly = RunReport(runID: "r4", mode: .apply, results: [result("web-1", "bootstrap", .skipped)], errors: [])
        #expect(!skippedOnly.failed)
        let refused = RunReport(runID: "r5", mode: .apply, results: [], errors: ["no node to run on"])
        #expect(refused.failed)
        #expect(!refused.changed)
        #expect(RecapPrinter.lines(refused) == ["pallet: error: no node to run on"])
    }

    @Test("the recap table: padded columns, a row per node, the messages, the totals and the log folder")
    func table() {
        #expect(RecapPrinter.lines(mixed) == [
            "",
            "NODE     GROUP  ok    changed       failed  unreachable",
            "web-1    web    6     3             0       0",
            "cache-1  cache  0     0             0       1",
            "web-10   web    6     0             0       0",
            "web-2    web    2     0             1       0",
            "db-1     db     4     1             1       0",
            "cache-1: connect: cannot reach pallet-admin@192.0.2.9:22: Connection refused",
            "web-2: configure: the run broke off after step 2/7 (ssh exited with status 1)",
            "db-1: configure: error: command failed",
            "5 node(s): 2 changed, 2 failed, 1 unreachable",
            "logs: .pallet/runs/r1/",
        ])
    }

    @Test("--quiet keeps only the rows of nodes that changed, failed or were unreachable, and the totals")
    func quiet() {
        let lines = RecapPrinter.lines(mixed, quiet: true)
        #expect(lines.filter { $0.hasPrefix("web-10 ") }.isEmpty)
        #expect(lines.filter { $0.hasPrefix("web-1 ") }.count == 1)
        #expect(lines.contains("cache-1  cache  0     0             0       1"))
        #expect(lines.contains("5 node(s): 2 changed, 2 failed, 1 unreachable"))
    }

    @Test("check mode: the would-change column, and per node with diffs the steps that would change or cannot tell, then the diff")
    func checkMode() {
        let steps = [
            PhaseResult.StepRecord(index: 1, total: 4, status: .ok, text: "file /etc/a", handler: nil),
            PhaseResult.StepRecord(index: 2, total: 4, status: .wouldChange, text: "file /etc/b", handler: nil),
            PhaseResult.StepRecord(index: 3, total: 4, status: .unknown, text: "exec migrate", handler: nil),
            PhaseResult.StepRecord(index: 4, total: 4, status: .skipped, text: "package x", handler: nil),
            PhaseResult.StepRecord(index: 1, total: 1, status: .unrecognized("frobbed"), text: "service s", handler: "h"),
        ]
        let report = RunReport(runID: "c1", mode: .check, results: [
            result("web-1", "configure", .changed, ok: 1, changed: 3, skipped: 1, steps: steps, diffs: ["--- /etc/b", "+new"]),
            result("web-2", "configure", .changed, changed: 1, steps: [steps[2]]),
        ], errors: [])
        #expect(RecapPrinter.lines(report) == [
            "--- web-1 configure: would change",
            "  step 2/4 file /etc/b",
            "  step 3/4 exec migrate (unknown: not evaluated in check mode)",
            "  --- /etc/b",
            "  +new",
            "",
            "NODE   GROUP  ok    would-change  failed  unreachable",
            "web-1  web    1     3             0       0",
            "web-2  web    0     1             0       0",
            "2 node(s): 2 changed, 0 failed, 0 unreachable",
            "logs: .pallet/runs/c1/",
        ])
    }

    @Test("what was cut of a node's output is said before the table, with the node's log")
    func truncation() {
        let report = RunReport(runID: "t1", mode: .apply, results: [
            result("web-1", "configure", .changed, changed: 1, truncated: "output of web-1 (configure) truncated: the log kept its first 10 bytes"),
        ], errors: [])
        #expect(RecapPrinter.lines(report).first
            == "pallet: output of web-1 (configure) truncated: the log kept its first 10 bytes (log: /runs/r1/web-1/configure.log)")
    }

    @Test("the JSON report keeps its field names and status words")
    func json() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let report = RunReport(runID: "j1", mode: .check, results: [
            result("web-1", "configure", .changed, changed: 1,
                   steps: [PhaseResult.StepRecord(index: 1, total: 1, status: .wouldChange, text: "file /etc/b", handler: nil)],
                   diffs: ["+new"]),
        ], errors: [])
        #expect(String(decoding: try encoder.encode(report), as: UTF8.self) == #"{"errors":[],"machines":[],"mode":"check","results":[{"#
            + #""changed":1,"diffs":["+new"],"failed":0,"group":"web","log":"/runs/r1/web-1/configure.log","node":"web-1","ok":0,"#
            + #""outcome":"changed","phase":"configure","seconds":1.5,"skipped":0,"steps":[{"index":1,"status":"would-change","#
            + #""text":"file /etc/b","total":1}]}],"run-id":"j1"}"#)
    }
}
