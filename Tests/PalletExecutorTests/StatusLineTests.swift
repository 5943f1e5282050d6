import Foundation
import PalletContract
import Testing
@testable import PalletExecutor

/// The node protocol's status lines, parsed and tallied without ssh or a node: well-formed lines,
/// malformed ones, escaped text, and status words this pallet does not know.
@Suite("status lines")
struct StatusLineTests {
    @Test("each kind of protocol line, as the runtime prints it")
    func wellFormed() {
        #expect(StatusLine.parse("::pallet begin web configure 12") == .begin(steps: 12))
        #expect(StatusLine.parse("::pallet step 3/12 changed file /etc/nginx/nginx.conf")
            == .step(index: 3, total: 12, status: .changed, text: "file /etc/nginx/nginx.conf", handler: nil))
        #expect(StatusLine.parse("::pallet step 4/12 would-change line /etc/hosts")
            == .step(index: 4, total: 12, status: .wouldChange, text: "line /etc/hosts", handler: nil))
        #expect(StatusLine.parse("::pallet handler reload-nginx 1/2 failed service nginx reloaded")
            == .step(index: 1, total: 2, status: .failed, text: "service nginx reloaded", handler: "reload-nginx"))
        #expect(StatusLine.parse("::pallet diff +listen 127.0.0.2:80;") == .diff("+listen 127.0.0.2:80;"))
        #expect(StatusLine.parse("::pallet end ok ok=9 changed=2 skipped=1 failed=0")
            == .end(status: .ok, ok: 9, changed: 2, skipped: 1, failed: 0))
        #expect(StatusLine.parse("::pallet end failed ok=1 changed=0 skipped=0 failed=1")
            == .end(status: .failed, ok: 1, changed: 0, skipped: 0, failed: 1))
    }

    @Test("a step's text is kept to the byte: inner runs of spaces, trailing spaces, and none at all")
    func stepText() {
        #expect(StatusLine.parse("::pallet step 1/2 ok exec  echo   a  ")
            == .step(index: 1, total: 2, status: .ok, text: "exec  echo   a  ", handler: nil))
        #expect(StatusLine.parse("::pallet step 2/2 skipped") == .step(index: 2, total: 2, status: .skipped, text: "", handler: nil))
        #expect(StatusLine.parse("::pallet handler h 1/1 ok") == .step(index: 1, total: 1, status: .ok, text: "", handler: "h"))
        #expect(StatusLine.parse("::pallet diff") == .diff(""))
        #expect(StatusLine.parse("::pallet diff  -indented") == .diff(" -indented"))
    }

    @Test("anything that is not a protocol line, or too short to be one, is no status line")
    func notProtocol() {
        for line in ["", "::pallet", "::pallet ", "::palletstep 1/1 ok x", " ::pallet step 1/1 ok x", "pallet step 1/1 ok x",
                     "::PALLET step 1/1 ok x", "::pallet  step 1/1 ok x", "::pallet bogus 1/1 ok x", "::pallet step",
                     "::pallet step 1/2", "::pallet handler", "::pallet handler h 1/1", "::pallet\tstep 1/1 ok x"] {
            #expect(StatusLine.parse(line) == nil, "\(line.debugDescription)")
        }
    }

    @Test("a malformed count reads as 0, never as a crash")
    func malformedCounts() {
        #expect(StatusLine.parse("::pallet step x/y ok a") == .step(index: 0, total: 0, status: .ok, text: "a", handler: nil))
        #expect(StatusLine.parse("::pallet step 3 ok a") == .step(index: 3, total: 0, status: .ok, text: "a", handler: nil))
        #expect(StatusLine.parse("::pallet step 99999999999999999999/1 ok a")
            == .step(index: 0, total: 1, status: .ok, text: "a", handler: nil))
        #expect(StatusLine.parse("::pallet begin web configure many") == .begin(steps: 0))
        #expect(StatusLine.parse("::pallet begin") == .begin(steps: 0))
        #expect(StatusLine.parse("::pallet end ok ok=x changed=2=3 skipped failed=4 extra=5")
            == .end(status: .ok, ok: 0, changed: 0, skipped: 0, failed: 4))
        #expect(StatusLine.parse("::pallet end") == .end(status: .unrecognized(""), ok: 0, changed: 0, skipped: 0, failed: 0))
    }

    @Test("every status word of the runtime maps to its case and back; other words are kept as sent")
    func statusWords() {
        let known: [(String, StepStatus)] = [("ok", .ok), ("changed", .changed), ("would-change", .wouldChange), ("unknown", .unknown),
                                             ("skipped", .skipped), ("failed", .failed)]
        for (word, status) in known {
            #expect(StepStatus(word: word) == status)
            #expect(status.word == word)
            #expect("\(status)" == word)
        }
        #expect(StepStatus(word: "Changed") == .unrecognized("Changed"))
        #expect(StepStatus(word: "").word == "")
        #expect(StepStatus(word: "would_change").word == "would_change")
    }

    @Test("a status in the JSON report is its word, byte for byte, and reads back the same")
    func statusJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let records = [
            PhaseResult.StepRecord(index: 1, total: 3, status: .wouldChange, text: "file /etc/a", handler: nil),
            PhaseResult.StepRecord(index: 1, total: 1, status: .unknown, text: "exec nginx -t", handler: "reload"),
            PhaseResult.StepRecord(index: 2, total: 3, status: .unrecognized(#"ok\x1b[2J"#), text: "x", handler: nil),
        ]
        let json = String(decoding: try encoder.encode(records), as: UTF8.self)
        #expect(json == #"[{"index":1,"status":"would-change","text":"file /etc/a","total":3},"#
            + #"{"handler":"reload","index":1,"status":"unknown","text":"exec nginx -t","total":1},"#
            + #"{"index":2,"status":"ok\\x1b[2J","text":"x","total":3}]"#)
        let decoded = try JSONDecoder().decode([PhaseResult.StepRecord].self, from: Data(json.utf8))
        #expect(decoded.map(\.status) == [.wouldChange, .unknown, .unrecognized(#"ok\x1b[2J"#)])
        #expect(decoded.map(\.handler) == [nil, "reload", nil])
    }

    // MARK: tallying what a node sends

    /// Feeds `stdout` and `stderr` lines (bytes as a node sent them) through ``NodeOutput`` and
    /// returns the summary and the status lines progress saw.
    func tally(stdout: [[UInt8]], stderr: [[UInt8]] = [], limits: OutputLimits = .standard()) -> (NodeOutput.Summary, [StatusLine]) {
        let output = NodeOutput(log: nil, limits: limits, label: "n1 (configure)")
        var seen: [StatusLine] = []
        for line in stderr { output.take(LineSplitter.Line(bytes: line, length: line.count), protocol: false) { seen.append($0) } }
        for line in stdout { output.take(LineSplitter.Line(bytes: line, length: line.count), protocol: true) { seen.append($0) } }
        return (output.finish(), seen)
    }

    @Test("a run's lines tally ok, changed, skipped and failed; would-change, unknown and unrecognised words count as changes")
    func tallies() {
        let (summary, seen) = tally(stdout: [
            "::pallet begin g configure 7", "::pallet step 1/7 ok file /a", "::pallet step 2/7 changed file /b",
            "::pallet step 3/7 skipped package x", "::pallet step 4/7 would-change file /c", "::pallet diff +c",
            "::pallet step 5/7 unknown exec true", "::pallet step 6/7 frobbed file /d", "not a protocol line",
            "::pallet handler h 1/1 changed service s", "::pallet step 7/7 failed exec false",
            "::pallet end failed ok=1 changed=4 skipped=1 failed=1",
        ].map { Array($0.utf8) })
        #expect(seen.count == 11)
        #expect((summary.ok, summary.changed, summary.skipped, summary.failed) == (1, 5, 1, 1))
        #expect(summary.steps.map(\.status) == [.ok, .changed, .skipped, .wouldChange, .unknown, .unrecognized("frobbed"), .changed, .failed])
        #expect(summary.steps.map(\.handler) == [nil, nil, nil, nil, nil, nil, "h", nil])
        #expect(summary.diffs == ["+c"])
        #expect(summary.lastStep.map { [$0.index, $0.total] } == [7, 7])
        #expect(summary.end == .end(status: .failed, ok: 1, changed: 4, skipped: 1, failed: 1))
        #expect(summary.lines == 12)
    }

    @Test("protocol lines on standard error are only log text: they count nothing and reach no progress")
    func standardErrorIsNotProtocol() {
        let (summary, seen) = tally(stdout: [Array("::pallet step 1/1 ok file /a".utf8)],
                                    stderr: [Array("::pallet step 1/1 changed file /forged".utf8), Array("::pallet end ok ok=0 changed=9".utf8)])
        #expect(seen == [.step(index: 1, total: 1, status: .ok, text: "file /a", handler: nil)])
        #expect((summary.ok, summary.changed) == (1, 0))
        #expect(summary.end == nil)
        #expect(summary.lines == 3)
    }

    @Test("control bytes in a status line are escaped before parsing: a forged status word stays visible text")
    func escapedLines() {
        let (summary, seen) = tally(stdout: [
            Array("::pallet step 1/2 ok\u{1B}[2J file /a".utf8),
            Array("::pallet step 2/2 changed file /b\u{1B}]0;title\u{07}".utf8) + [0xFF],
            Array("::pallet diff -\u{9B}31m".utf8),
        ])
        #expect(seen.count == 3)
        #expect(summary.steps.map(\.status) == [.unrecognized(#"ok\x1b[2J"#), .changed])
        #expect(summary.steps.map(\.text) == ["file /a", #"file /b\x1b]0;title\x07\xff"#])
        #expect((summary.ok, summary.changed) == (0, 2))
        #expect(summary.diffs == [#"-\u{9b}31m"#])
    }

    @Test("a step line cut at the line limit still counts, its text marked as cut")
    func cutLine() {
        let long = Array("::pallet step 1/1 changed file /".utf8) + Array(repeating: UInt8(ascii: "a"), count: 100)
        let output = NodeOutput(log: nil, limits: .standard(), label: "n1 (configure)")
        output.take(LineSplitter.Line(bytes: Array(long.prefix(40)), length: long.count), protocol: true) { _ in }
        let summary = output.finish()
        #expect(summary.changed == 1)
        #expect(summary.cutLines == 1)
        #expect(summary.steps.first?.text == "file /aaaaaaaa [line cut after 40 of 132 bytes]")
    }
}

/// How what a node sent and ssh's exit status make a phase's outcome and message
/// (``NodeRun/classify(_:status:summary:)``), without ssh or a node.
@Suite("phase outcomes from status lines")
struct PhaseOutcomeTests {
    let admin = Credentials(user: "pallet-admin", key: nil)

    /// The outcome, counts and message of a phase whose ssh exited with `status` after sending
    /// `stdout` and `stderr` (one string per line), run on `web-1` (pinned host key: `pinned`).
    func classify(_ stdout: [String], stderr: [String] = [], status: Int32, pinned: Bool = false) -> PhaseResult {
        let target = Target(name: "web-1", group: "web", index: 1, address: "192.0.2.1", port: 22, admin: admin, login: admin,
                            hostKey: pinned ? "ssh-ed25519 AAAA" : nil)
        let run = NodeRun(settings: SSHSettings(controlDirectory: "/nonexistent/control", knownHostsFile: "/nonexistent/known_hosts"),
                          target: target, credentials: admin, phase: "configure", logPath: "/nonexistent/configure.log",
                          acceptNewHostKey: false, multiplex: false, limits: .standard())
        let (summary, _) = StatusLineTests().tally(stdout: stdout.map { Array($0.utf8) }, stderr: stderr.map { Array($0.utf8) })
        var result = PhaseResult.notRun(target, phase: "configure", outcome: .failed, message: "", log: run.logPath)
        result.message = nil
        run.classify(&result, status: status, summary: summary)
        return result
    }

    @Test("an end ok line and exit 0: ok, or changed when any step changed; the counts are the step lines'")
    func success() {
        let ok = classify(["::pallet begin web configure 2", "::pallet step 1/2 ok file /a", "::pallet step 2/2 skipped package b",
                           "::pallet end ok ok=1 changed=0 skipped=1 failed=0"], status: 0)
        #expect(ok.outcome == .ok)
        #expect((ok.ok, ok.changed, ok.skipped, ok.failed) == (1, 0, 1, 0))
        #expect(ok.message == nil)
        let changed = classify(["::pallet step 1/1 would-change file /a", "::pallet diff +a", "::pallet end ok ok=0 changed=1"], status: 0)
        #expect(changed.outcome == .changed)
        #expect(changed.diffs == ["+a"])
    }

    @Test("a failed step: failed, with the runtime's last error as the message")
    func failedStep() {
        let result = classify(["::pallet step 1/3 changed file /a", "::pallet step 2/3 failed exec false",
                               "::pallet end failed ok=0 changed=1 skipped=0 failed=1"],
                              stderr: ["pallet: error: command failed with status 1 (run.sh or lib.sh line 40)"], status: 1)
        #expect(result.outcome == .failed)
        #expect((result.changed, result.failed) == (1, 1))
        #expect(result.message == "command failed with status 1 (run.sh or lib.sh line 40)")
    }

    @Test("an end line that is not ok, or exit status not 0 after end ok: failed, and at least one failure counted")
    func endNotOK() {
        let odd = classify(["::pallet step 1/1 ok file /a", "::pallet end done ok=1"], status: 0)
        #expect(odd.outcome == .failed)
        #expect(odd.failed == 1)
        #expect(odd.message == "the phase failed (status 0)")
        let exit = classify(["::pallet end ok ok=0 changed=0 skipped=0 failed=0"], status: 3)
        #expect(exit.outcome == .failed)
        #expect(exit.message == "the phase failed (status 3)")
    }

    @Test("no end line: unreachable on ssh's 255, a known remote-command status explained, else the run broke off after its last step")
    func noEnd() {
        let refused = classify([], stderr: ["ssh: connect to host 192.0.2.1 port 22: Connection refused"], status: 255)
        #expect(refused.outcome == .unreachable)
        #expect(refused.message == "cannot reach pallet-admin@192.0.2.1:22: ssh: connect to host 192.0.2.1 port 22: Connection refused")
        #expect(classify([], status: 255).message == "cannot reach pallet-admin@192.0.2.1:22: ssh failed")
        let stream = classify([], status: RemoteCommand.badStream)
        #expect(stream.outcome == .failed)
        #expect(stream.message == "the node could not unpack the bundle stream; nothing was run")
        let broke = classify(["::pallet begin web configure 5", "::pallet step 1/5 ok file /a", "::pallet step 2/5 changed file /b"],
                             status: 137)
        #expect(broke.outcome == .failed)
        #expect(broke.message == "the run broke off after step 2/5 (ssh exited with status 137); the next run picks up from there")
        #expect(classify([], status: 0).message == "the run broke off (ssh exited with status 0); the next run picks up from there")
    }

    @Test("an end ok line on standard error is not the node's end: the run broke off")
    func forgedEnd() {
        let result = classify([], stderr: ["::pallet end ok ok=5 changed=0 skipped=0 failed=0"], status: 0)
        #expect(result.outcome == .failed)
        #expect(result.ok == 0)
        #expect(result.message == "the run broke off (ssh exited with status 0); the next run picks up from there")
    }

    @Test("a changed host key and a sudo password prompt are explained in one sentence, and are failures, not unreachable")
    func explained() {
        let changed = classify([], stderr: ["@@@@@@@@@@@", "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
                                            "Host key verification failed."], status: 255)
        #expect(changed.outcome == .failed)
        #expect(changed.message == "the host key of 192.0.2.1 does not match .pallet/known_hosts: refusing to connect "
            + "(if the change is expected, remove its line from the known_hosts file)")
        let pinned = classify([], stderr: ["Host key verification failed."], status: 255, pinned: true)
        #expect(pinned.message == "the host key of web-1 (192.0.2.1:22) does not match the host-key pinned for it in the inventory: "
            + "refusing to connect, nothing ran")
        let sudo = classify([], stderr: ["sudo: a password is required"], status: 1)
        #expect(sudo.outcome == .failed)
        #expect(sudo.message == "sudo on web-1 asks for a password: pallet-admin needs passwordless (NOPASSWD) sudo")
    }
}
