import Foundation
import PalletCompiler
import PalletContract
import PalletSpec
import PalletTestSupport
import Testing

// Every action proved on a real test host three ways: the first run changes the node (and the
// effect is checked literally), a second run changes nothing, and after a manual drift check mode
// reports `would-change` with a `::pallet diff` line for exactly the drifted step and changes
// nothing. The harness below does the bookkeeping; the action tests live in *ActionTests.swift.

/// One compiled bundle on one test host, run as often as a test needs.
struct ActionHarness {
    /// The host the bundle runs on.
    let host: TestHost
    /// The bundle archive (with any secrets added).
    let bundle: [UInt8]
    /// The statuses of a run on a converged node (usually all `ok`; `skipped` for a step whose
    /// `when` does not match, `changed` for a step that always acts).
    let converged: [String]
    /// Steps that check mode never evaluates (a guard it does not run): they report `unknown`
    /// there and may print a "not evaluated" line.
    var unevaluated: Set<Int> = []
    /// The environment of every run.
    var environment: [String: String] = ["PALLET_NODE_NAME": "web-1", "PALLET_NODE_INDEX": "1", "PALLET_NODE_ADDRESS": "192.0.2.7"]
    /// A shell command run on the host before and after each check run: its output must not change
    /// (state outside the file system, such as a running daemon or a kernel parameter).
    var probe: String?

    /// Runs the bundle.
    func apply(_ extra: [String: String] = [:]) throws -> BundleRun {
        try host.runBundle(bundle, environment: environment.merging(extra) { $1 })
    }

    /// Runs the bundle in check mode.
    func check() throws -> BundleRun {
        try apply(["PALLET_CHECK": "1"])
    }

    /// Runs a bash script on the host and expects it to succeed.
    @discardableResult
    func shell(_ script: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
        let result = try host.shell(script)
        #expect(result.status == 0, "\(script): \(result.combined)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// The first run: every step reports `first[k]`, and the run succeeds.
    @discardableResult
    func expectFirstRun(_ first: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> BundleRun {
        let run = try apply()
        #expect(run.result.status == 0, "\(run.result.combined)", sourceLocation: sourceLocation)
        #expect(run.statuses == first, "\(run.statusLines)", sourceLocation: sourceLocation)
        return run
    }

    /// A run on a converged node: exactly the converged statuses, nothing changed.
    @discardableResult
    func expectConverged(sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> BundleRun {
        let run = try apply()
        #expect(run.result.status == 0, "\(run.result.combined)", sourceLocation: sourceLocation)
        #expect(run.statuses == converged, "\(run.statusLines)", sourceLocation: sourceLocation)
        let counts = (ok: converged.filter { $0 == "ok" }.count, changed: converged.filter { $0 == "changed" }.count,
                      skipped: converged.filter { $0 == "skipped" }.count)
        #expect(run.endLine == "::pallet end ok ok=\(counts.ok) changed=\(counts.changed) skipped=\(counts.skipped) failed=0",
                sourceLocation: sourceLocation)
        #expect(run.diffs.isEmpty, "\(run.diffs)", sourceLocation: sourceLocation)
        return run
    }

    /// Drifts the host with `script`, then runs check mode and expects: `would-change` for exactly
    /// the steps in `expected` (1-based) and the converged status for every other step; for each
    /// drifted step its `::pallet diff` lines containing the expected lines in order (each the
    /// whole text after `::pallet diff `, or, with a leading `~`, a part of one); no output
    /// containing any of `hidden`; and no change on the host (its upper directory and the probe).
    /// Then, unless `repair` is false, an apply repairs exactly those steps (or reports
    /// `repaired` when given: an earlier step may repair what a later one checks too).
    @discardableResult
    func expectDrift(
        _ script: String,
        _ expected: [Int: [String]],
        hidden: [String] = [],
        repair: Bool = true,
        repaired: [String]? = nil,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> BundleRun {
        try shell(script, sourceLocation: sourceLocation)
        let before = try snapshot()
        let check = try check()
        let after = try snapshot()
        #expect(check.result.status == 0, "\(check.result.combined)", sourceLocation: sourceLocation)
        var statuses = converged.map { $0 == "changed" ? "would-change" : $0 }
        for step in expected.keys where step >= 1 && step <= statuses.count { statuses[step - 1] = "would-change" }
        for step in unevaluated where step >= 1 && step <= statuses.count { statuses[step - 1] = "unknown" }
        #expect(check.statuses == statuses, "drift \(script): \(check.statusLines)\n\(check.result.stderr)", sourceLocation: sourceLocation)
        let diffs = check.diffs
        for (step, lines) in expected {
            let found = diffs[step] ?? []
            #expect(!found.isEmpty, "step \(step) printed no diff line: \(check.result.stdout)", sourceLocation: sourceLocation)
            #expect(Self.contains(found, lines), "step \(step) diff \(found) lacks \(lines)", sourceLocation: sourceLocation)
        }
        for step in diffs.keys where expected[step] == nil && converged[step - 1] != "changed" && !unevaluated.contains(step) {
            Issue.record("step \(step) was not drifted but printed \(diffs[step] ?? [])", sourceLocation: sourceLocation)
        }
        for secret in hidden {
            #expect(!check.result.stdout.contains(secret) && !check.result.stderr.contains(secret),
                    "check mode showed \(secret)", sourceLocation: sourceLocation)
        }
        #expect(before == after, "check mode changed the host:\n\(Self.difference(before, after))", sourceLocation: sourceLocation)
        if repair {
            let fixed = try apply()
            var statuses = converged
            for step in expected.keys where step >= 1 && step <= statuses.count { statuses[step - 1] = "changed" }
            #expect(fixed.result.status == 0, "\(fixed.result.combined)", sourceLocation: sourceLocation)
            #expect(fixed.statuses == repaired ?? statuses, "repair after \(script): \(fixed.statusLines)", sourceLocation: sourceLocation)
        }
        return check
    }

    /// Everything the host has written (paths, types, modes, owners, sizes, link targets and
    /// content hashes of its upper directory), plus the probe's output.
    func snapshot() throws -> String {
        let script = #"""
            cd -- "$1" || exit 1
            find . -path ./var/log/testhost-sshd.log -prune -o -printf '%p %y %m %U:%G %s -> %l\n' | LC_ALL=C sort
            find . -path ./var/log/testhost-sshd.log -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
            """#
        let result = try ProcessRunner.run(["bash", "-c", script, "snapshot", host.upperDirectory])
        guard result.status == 0 else { throw TestSupportError("snapshot failed: \(result.combined)") }
        var text = result.stdout
        if let probe {
            text += "probe:\n" + (try host.shell(probe)).combined
        }
        return text
    }

    /// Whether `lines` holds `expected` in order (each line whole, or a part with a leading `~`).
    static func contains(_ lines: [String], _ expected: [String]) -> Bool {
        var index = lines.startIndex
        for wanted in expected {
            let matches: (String) -> Bool = wanted.hasPrefix("~") ? { $0.contains(wanted.dropFirst()) } : { $0 == wanted }
            guard let found = lines[index...].firstIndex(where: matches) else { return false }
            index = found + 1
        }
        return true
    }

    /// The lines of two snapshots that differ, for failure messages.
    static func difference(_ before: String, _ after: String) -> String {
        let old = Set(before.split(separator: "\n")), new = Set(after.split(separator: "\n"))
        return (old.subtracting(new).map { "- \($0)" } + new.subtracting(old).map { "+ \($0)" }).sorted().joined(separator: "\n")
    }
}

extension BundleRun {
    /// The `::pallet diff` lines of each step (1-based), without the `::pallet diff ` prefix: the
    /// diff lines a step prints come before its status line.
    var diffs: [Int: [String]] {
        var pending: [String] = []
        var result: [Int: [String]] = [:]
        for line in outputLines {
            if line.hasPrefix("::pallet diff ") {
                pending.append(String(line.dropFirst("::pallet diff ".count)))
            } else if line.hasPrefix("::pallet step ") {
                let words = line.split(separator: " ")
                if words.count > 2, let step = Int(words[2].split(separator: "/")[0]), !pending.isEmpty {
                    result[step, default: []] += pending
                }
                pending = []
            }
        }
        return result
    }

    private var outputLines: [String] {
        result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}

extension TestHost {
    /// The file at `path` in the host as text, read inside the host (nil when it does not exist).
    func text(_ path: String) throws -> String? {
        let result = try exec(["cat", "--", path])
        return result.status == 0 ? result.stdout : nil
    }

    /// `stat -c FORMAT PATH` inside the host, without the newline.
    func stat(_ format: String, _ path: String) throws -> String {
        try exec(["stat", "-c", format, "--", path]).stdout.trimmingCharacters(in: .newlines)
    }

    /// Whether `path` exists in the host (a dangling link counts).
    func exists(_ path: String) throws -> Bool {
        try exec(["bash", "-c", "[[ -e $1 || -L $1 ]]", "exists", path]).status == 0
    }
}

/// Compiles `specs/main.yaml` (after the hosts preamble) with `spec`, expecting no errors, and
/// returns bundle `groups/g/<phase>.tar`, with `secrets` (identifier to value) added under
/// `secrets/` the way the executor delivers them.
func compileBundle(
    _ spec: String,
    files: [String: [UInt8]] = [:],
    secrets: [String: String] = [:],
    phase: String = "configure",
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws -> [UInt8] {
    let (tree, errors) = try compileMain(spec, files: files)
    #expect(errors.isEmpty, "\(errors)", sourceLocation: sourceLocation)
    let archive = try #require(tree?.files["groups/g/\(phase).tar"], sourceLocation: sourceLocation).bytes
    guard !secrets.isEmpty else { return archive }
    var entries = try TarArchive.read(archive)
    for (identifier, value) in secrets {
        entries.append(TarEntry(path: "secrets/" + identifier, kind: .file(Array(value.utf8)), mode: 0o600))
    }
    return try TarArchive.make(entries)
}

@Suite("Actions on test hosts: when", .enabled(if: TestHostSupport.requireRoot("Actions on test hosts")))
struct WhenActionTests {
    @Test("when: {os-family} skips the step on other families, in every mode, and runs it on this one")
    func osFamily() throws {
        let bundle = try compileBundle("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - file: {path: /etc/pallet-when-rhel, content: "rhel\\n"}
                      when: {os-family: [rhel, fedora]}
                    - file: {path: /etc/pallet-when-debian, content: "debian\\n"}
                      when: {os-family: [debian, ubuntu]}
                    - exec: "touch /etc/pallet-when-never"
                      when: {os-family: [suse]}
            """)
        try TestHost.with(name: "when") { host in
            let harness = ActionHarness(host: host, bundle: bundle, converged: ["skipped", "ok", "skipped"])
            let first = try harness.expectFirstRun(["skipped", "changed", "skipped"])
            #expect(first.statusLines == ["step 1/3 skipped file /etc/pallet-when-rhel", "step 2/3 changed file /etc/pallet-when-debian",
                                          "step 3/3 skipped exec touch /etc/pallet-when-never"])
            #expect(first.endLine == "::pallet end ok ok=0 changed=1 skipped=2 failed=0")
            #expect(try host.text("/etc/pallet-when-debian") == "debian\n")
            #expect(try !host.exists("/etc/pallet-when-rhel"))
            #expect(try !host.exists("/etc/pallet-when-never"))
            try harness.expectConverged()
            try harness.expectDrift("echo drift > /etc/pallet-when-debian", [2: ["-drift", "+debian"]])
            // A skipped step stays skipped even when its path drifts.
            try harness.expectDrift("echo drift > /etc/pallet-when-rhel", [:], repair: false)
            #expect(try host.text("/etc/pallet-when-rhel") == "drift\n")
        }
    }
}
