import Foundation
import PalletTestSupport
import Testing

/// `pallet apply --check` over ssh: a step check mode cannot evaluate (a guard it does not run)
/// reports `unknown`, which the executor parses and counts as a possible change.
@Suite("apply --check and steps it cannot evaluate", .serialized, .enabled(if: TestHostSupport.requireRoot("apply --check on test hosts")))
struct CheckModeTests {
    @Test("a guarded exec is unknown in check mode: counted as a possible change (exit 2), its guard not run, nothing changed")
    func guardedExecIsUnknown() throws {
        try TestHostCluster.with(names: ["db1"]) { cluster in
            let setup = try ClusterProject(cluster: cluster, groupOf: ["db1": "db"], groups: """
                  db:
                    service: lab
                    phases:
                      configure:
                        - file: {path: /etc/pallet-check, content: "1\\n"}
                        - exec: {script: "touch /etc/pallet-check-ran", unless: "touch /etc/pallet-check-guard"}
                """)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            let first = try setup.pallet(["apply"])
            #expect(first.status == 0, "\(first.combined)")
            let db1 = try #require(cluster["db1"])
            #expect(db1.upperFile("/etc/pallet-check-guard") != nil)
            #expect(try db1.shell("rm -f /etc/pallet-check-guard /etc/pallet-check-ran").status == 0)

            let check = try setup.pallet(["apply", "--check", "--json", "--detailed-exitcode"])
            #expect(check.status == 2, "\(check.combined)")
            #expect(db1.upperFile("/etc/pallet-check-guard") == nil, "check mode ran the guard")
            #expect(db1.upperFile("/etc/pallet-check-ran") == nil, "check mode ran the script")
            let report = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any]
            let result = (report?["results"] as? [[String: Any]])?.first
            #expect(result?["changed"] as? Int == 1, "\(check.stdout)")
            #expect(result?["ok"] as? Int == 1, "\(check.stdout)")
            let diffs = result?["diffs"] as? [String] ?? []
            #expect(diffs.contains("exec not evaluated: check mode does not run its unless command"), "\(diffs)")
            // The recap names the step it could not evaluate, above its "not evaluated" line.
            let recap = try setup.pallet(["apply", "--check"])
            #expect(recap.stderr.contains("  step 2/2 exec touch /etc/pallet-check-ran (unknown: not evaluated in check mode)"), "\(recap.stderr)")
        }
    }
}
