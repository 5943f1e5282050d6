import Foundation
import PalletTestSupport
import Testing

/// Runs docs/tutorial.md: every `sh` block's commands and every file it asks to write, in order,
/// in an empty folder, against a real test host (`web-1`) and the VBoxManage simulator (the VMs).
@Suite("docs/tutorial.md", .serialized, .enabled(if: TestHostSupport.requireRoot("docs/tutorial.md")))
struct TutorialTests {
    /// The tutorial as one bash script: files become here-documents, `sh` blocks stay as they are.
    static func script(_ markdown: String, substitutions: [(String, String)]) -> (script: String, commands: Int) {
        var lines: [String] = ["set -euxo pipefail"]
        var commands = 0
        var fileTarget: String?
        var inBlock: String?
        for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw)
            for (from, to) in substitutions { line = line.replacingOccurrences(of: from, with: to) }
            if inBlock == nil, line.hasPrefix("<!-- file: "), line.hasSuffix(" -->") {
                fileTarget = String(line.dropFirst("<!-- file: ".count).dropLast(" -->".count))
            } else if inBlock == nil, line.hasPrefix("```") {
                inBlock = String(line.dropFirst(3))
                if let path = fileTarget {
                    lines.append("mkdir -p \"$(dirname '\(path)')\"; cat > '\(path)' <<'PALLET_TUTORIAL_FILE'")
                }
            } else if inBlock != nil, line == "```" {
                if fileTarget != nil { lines.append("PALLET_TUTORIAL_FILE") }
                inBlock = nil
                fileTarget = nil
            } else if fileTarget != nil {
                lines.append(line)
            } else if inBlock == "sh", !line.isEmpty {
                lines.append(line)
                commands += 1
            }
        }
        return (lines.joined(separator: "\n") + "\n", commands)
    }

    @Test("every command and file of the tutorial, in order: a configured host, a crate, two VMs applied, previewed, lifted, one destroyed")
    func tutorialRuns() throws {
        try TestHostCluster.with(names: ["web-1"]) { cluster in
            let host = try #require(cluster["web-1"])
            let work = try TemporaryProject()
            defer { work.remove() }
            defer {
                for name in ["infra-tutorial-app-1", "infra-tutorial-app-2"] {
                    _ = try? ProcessRunner.run([TestHostSupport.scriptPath, "clean", work.root + "/sim/hosts/" + name])
                }
            }
            // `pallet` on the PATH, an image disk for the simulator, and the simulator's hooks.
            try FileManager.default.createDirectory(atPath: work.root + "/bin", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: work.root + "/bin/pallet", withDestinationPath: RepositoryPaths.palletBinary)
            let disk = work.root + "/debian-12.vdi"
            try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: disk))
            var environment = try ConvergeTests().hooks(in: work.root + "/sim", publicKey: cluster.keyPair.publicKey)
            environment["PATH"] = work.root + "/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
            // The tutorial commits to git; the reader's name and email are set, the test's are these.
            for role in ["AUTHOR", "COMMITTER"] {
                environment["GIT_\(role)_NAME"] = "Tutorial Reader"
                environment["GIT_\(role)_EMAIL"] = "reader@example.org"
            }
            try FileManager.default.createDirectory(atPath: work.root + "/home", withIntermediateDirectories: true)

            let markdown = try String(contentsOfFile: RepositoryPaths.root + "/docs/tutorial.md", encoding: .utf8)
            let (script, commands) = Self.script(markdown, substitutions: [
                ("192.0.2.10", host.address), ("~/.ssh/id_ed25519", cluster.keyPair.privateKey), ("/srv/vbox/debian-12.vdi", disk),
            ])
            #expect(commands >= 15, "the tutorial's commands were found")
            try work.write("tutorial.sh", script)
            let run = try ProcessRunner.run(["bash", work.root + "/tutorial.sh"], directory: work.root, environment: environment)
            #expect(run.status == 0, "\(run.combined.suffix(4000))")

            #expect(run.combined.contains("specs/broken.yaml:2:9: error: unknown key 'servce' in group-spec 'web'; did you mean 'service'?"))
            #expect(host.upperFile("/etc/motd") == Array("web-1: managed by pallet, group web\n".utf8))
            #expect(host.upperFile("/etc/timezone") == Array("Europe/Paris\n".utf8))
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: host.upperDirectory + "/srv/app", isDirectory: &isDirectory) && isDirectory.boolValue)
            // Both VMs were configured (app-1's host still runs); the last step destroyed app-2.
            let motd = try? String(contentsOfFile: work.root + "/sim/hosts/infra-tutorial-app-1/upper/etc/motd", encoding: .utf8)
            #expect(motd == "app-1: managed by pallet, group app\n")
            #expect(run.combined.contains("pallet: created app-1, app-2"), "\(run.combined.suffix(4000))")
            #expect(run.combined.contains("  create app-2 (VM infra-tutorial-app-2)"), "the preview listed the VMs")
            let vms = try ProcessRunner.run(["VBoxManage", "list", "vms"], environment: environment)
            #expect(vms.stdout.contains("\"infra-tutorial-app-1\"") && !vms.stdout.contains("\"infra-tutorial-app-2\""), "\(vms.combined)")
            #expect(work.exists("infra/.github/workflows/pallet-plan.yml"))
            // The summary the tutorial shows is what `pallet diff` printed: every line of the
            // tutorial's Markdown block but its heading (the commit id differs).
            let shown = try #require(markdown.components(separatedBy: "```markdown\n").dropFirst().first?.components(separatedBy: "\n```").first)
            let lines = shown.split(separator: "\n").filter { !$0.hasPrefix("## pallet diff: `HEAD` (") }
            #expect(lines.count >= 6, "\(shown)")
            for line in lines { #expect(run.combined.contains(line + "\n"), "pallet diff did not print: \(line)") }
            #expect(run.combined.contains("## pallet diff: `HEAD` ("))
        }
    }
}
