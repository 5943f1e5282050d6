import Foundation
import PalletCompiler
import PalletContract
import PalletSpec
import PalletTestSupport
import Testing

/// The `file` action on real test hosts: content, source, template, url, secrets, attributes,
/// backups and removal.
@Suite("Actions on test hosts: file", .enabled(if: TestHostSupport.requireRoot("Actions on test hosts: file")))
struct FileActionTests {
    /// Bytes of a `source` file: a NUL, bytes that are not UTF-8, no final newline.
    static let sourceBytes: [UInt8] = Array("binary\u{0}".utf8) + [0xFF, 0xFE, 0x80] + Array("\ttail é".utf8)

    @Test("file: content, source, template with vars, owner/group/mode, backup and absent")
    func contentSourceTemplate() throws {
        let bundle = try compileBundle("""
            groups:
              g:
                service: lab
                vars: {who: world, greeting: from-the-group}
                phases:
                  configure:
                    - file: {path: /etc/pallet-files/content, content: "first line\\nnode {{ node.name }}\\n", owner: nobody, group: nogroup, mode: "0640"}
                    - file: {path: /etc/pallet-files/source.bin, source: files/source.bin}
                    - file:
                        path: /etc/pallet-files/app.conf
                        template: templates/app.conf
                        vars: {workers: "4", greeting: from-the-step}
                        mode: "0600"
                    - file: {path: /etc/pallet-files/backed, content: "new\\n", backup: true}
                    - file: {path: /etc/pallet-files/obsolete, state: absent}
            """, files: [
                "specs/files/source.bin": Self.sourceBytes,
                "specs/templates/app.conf": Array("who={{ who }}\ngreeting={{ greeting }}\nworkers={{ workers }}\nnode={{ node.name }} #{{ node.index }}\ngroup={{ group }}\n".utf8),
            ])
        try TestHost.with(name: "file-content") { host in
            let harness = ActionHarness(host: host, bundle: bundle, converged: Array(repeating: "ok", count: 5))
            try harness.shell("mkdir /etc/pallet-files && echo old > /etc/pallet-files/backed && echo stale > /etc/pallet-files/obsolete")

            try harness.expectFirstRun(Array(repeating: "changed", count: 5))
            #expect(host.writtenFile("/etc/pallet-files/content") == Array("first line\nnode web-1\n".utf8))
            #expect(try host.stat("%U %G %a", "/etc/pallet-files/content") == "nobody nogroup 640")
            #expect(host.writtenFile("/etc/pallet-files/source.bin") == Self.sourceBytes)
            #expect(try host.stat("%U %G %a", "/etc/pallet-files/source.bin") == "root root 644")
            #expect(try host.text("/etc/pallet-files/app.conf") == "who=world\ngreeting=from-the-step\nworkers=4\nnode=web-1 #1\ngroup=g\n")
            #expect(try host.stat("%U %G %a", "/etc/pallet-files/app.conf") == "root root 600")
            #expect(try host.text("/etc/pallet-files/backed") == "new\n")
            #expect(try backups(host) == ["old\n"])
            #expect(try !host.exists("/etc/pallet-files/obsolete"))
            let stamps = try backupStamps(host)
            #expect(stamps.count == 1 && stamps.allSatisfy { $0.wholeMatch(of: /[0-9]{8}T[0-9]{6}.*/) != nil }, "\(stamps)")
            #expect(try host.shell("ls -A /etc/pallet-files").stdout == "app.conf\nbacked\nbacked.pallet-backup-\(stamps.first ?? "")\ncontent\nsource.bin\n")

            try harness.expectConverged()

            // A second replacement right away keeps both old versions.
            try harness.expectDrift("echo drift > /etc/pallet-files/backed", [4: [
                "--- /etc/pallet-files/backed (node)", "+++ /etc/pallet-files/backed (plan)", "@@ -1 +1 @@", "-drift", "+new",
            ]])
            #expect(try backups(host) == ["drift\n", "old\n"])
            try harness.expectDrift("printf 'first line\\ntampered\\n' > /etc/pallet-files/content", [1: [
                "--- /etc/pallet-files/content (node)", "+++ /etc/pallet-files/content (plan)", "@@ -1,2 +1,2 @@",
                " first line", "-tampered", "+node web-1",
            ]])
            #expect(host.writtenFile("/etc/pallet-files/content") == Array("first line\nnode web-1\n".utf8))
            #expect(try host.stat("%U %G %a", "/etc/pallet-files/content") == "nobody nogroup 640")
            try harness.expectDrift("chown root:root /etc/pallet-files/content && chmod 0644 /etc/pallet-files/content",
                                    [1: ["/etc/pallet-files/content: owner group mode would change"]])
            #expect(try host.stat("%U %G %a", "/etc/pallet-files/content") == "nobody nogroup 640")
            try harness.expectDrift("printf 'edited' > /etc/pallet-files/source.bin", [2: [
                "Binary files /etc/pallet-files/source.bin (node) and /etc/pallet-files/source.bin (plan) differ",
            ]])
            #expect(host.writtenFile("/etc/pallet-files/source.bin") == Self.sourceBytes)
            try harness.expectDrift("sed -i s/workers=4/workers=8/ /etc/pallet-files/app.conf", [3: [
                "--- /etc/pallet-files/app.conf (node)", "+++ /etc/pallet-files/app.conf (plan)", "@@ -1,5 +1,5 @@",
                " who=world", " greeting=from-the-step", "-workers=8", "+workers=4", " node=web-1 #1",
            ]])
            try harness.expectDrift("echo back > /etc/pallet-files/obsolete", [5: ["/etc/pallet-files/obsolete: would be removed"]])
            #expect(try !host.exists("/etc/pallet-files/obsolete"))
            try harness.expectConverged()

            // Two replacements in one run (within the same second, as a rule) keep both old versions.
            // The second is a handler's: two file steps with other content on one path are
            // refused at plan time (ConflictTests).
            let twice = try compileBundle("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - file: {path: /etc/pallet-files/twice, content: "v1\\n", backup: true}
                          notify: [again]
                    handlers:
                      again:
                        - file: {path: /etc/pallet-files/twice, content: "v2\\n", backup: true}
                """)
            try harness.shell("echo v0 > /etc/pallet-files/twice")
            let run = try host.runBundle(twice)
            #expect(run.statuses == ["changed", "changed"], "\(run.result.combined)")
            #expect(try host.text("/etc/pallet-files/twice") == "v2\n")
            #expect(try backups(host, "twice") == ["v0\n", "v1\n"])
        }
    }

    /// The contents of the backups of /etc/pallet-files/NAME, sorted.
    func backups(_ host: TestHost, _ name: String = "backed") throws -> [String] {
        try backupStamps(host, name).map { try host.text("/etc/pallet-files/\(name).pallet-backup-\($0)") ?? "" }.sorted()
    }

    /// What follows `NAME.pallet-backup-` in the names of the backups of /etc/pallet-files/NAME.
    func backupStamps(_ host: TestHost, _ name: String = "backed") throws -> [String] {
        try host.exec(["bash", "-c", "cd /etc/pallet-files && for f in \"$1\".pallet-backup-*; do [ -e \"$f\" ] && echo \"${f#\"$1\".pallet-backup-}\"; done; true",
                       "stamps", name]).stdout.split(separator: "\n").map(String.init)
    }

    @Test("file: url + sha256 downloads once, verifies the checksum, and downloads nothing in check mode")
    func url() throws {
        let served = try TemporaryProject()
        defer { served.remove() }
        let tool = "#!/bin/sh\necho tool v1\n"
        try served.write("tool", tool)
        try served.write("other", "not the tool\n")
        let server = try HTTPServer(directory: served.root)
        defer { server.stop() }
        let sha256 = SHA256.hexDigest(Array(tool.utf8))
        let bundle = try compileBundle("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - file: {path: /opt/pallet-url/tool, url: "http://127.0.0.1:\(server.port)/tool", sha256: "\(sha256)", mode: "0755", owner: nobody}
            """)
        let wrong = try compileBundle("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - file: {path: /opt/pallet-url/other, url: "http://127.0.0.1:\(server.port)/other", sha256: "\(sha256)"}
            """)
        try TestHost.with(name: "file-url") { host in
            let harness = ActionHarness(host: host, bundle: bundle, converged: ["ok"])
            try harness.shell("mkdir /opt/pallet-url")
            try harness.expectFirstRun(["changed"])
            #expect(try host.text("/opt/pallet-url/tool") == tool)
            #expect(try host.stat("%U %G %a", "/opt/pallet-url/tool") == "nobody root 755")
            #expect(try host.shell("/opt/pallet-url/tool").stdout == "tool v1\n")

            // A file with the right checksum is not downloaded again: the server no longer has it.
            try FileManager.default.moveItem(atPath: served.root + "/tool", toPath: served.root + "/tool.away")
            try harness.expectConverged()
            try FileManager.default.moveItem(atPath: served.root + "/tool.away", toPath: served.root + "/tool")

            // Check mode downloads nothing: a drifted file is reported as not evaluated.
            try harness.shell("echo patched >> /opt/pallet-url/tool")
            let unknown = try harness.check()
            #expect(unknown.statuses == ["unknown"], "\(unknown.statusLines)")
            #expect(unknown.diffs[1] == ["/opt/pallet-url/tool: not evaluated: check mode does not download http://127.0.0.1:\(server.port)/tool"],
                    "\(unknown.diffs)")
            #expect(try host.text("/opt/pallet-url/tool") == tool + "patched\n")
            #expect(try harness.apply().statuses == ["changed"])
            #expect(try host.text("/opt/pallet-url/tool") == tool)
            try harness.expectDrift("chmod 0644 /opt/pallet-url/tool", [1: ["/opt/pallet-url/tool: mode would change"]])
            #expect(try host.stat("%a", "/opt/pallet-url/tool") == "755")

            // A download with another checksum fails the step and writes nothing.
            let failed = try host.runBundle(wrong)
            #expect(failed.result.status == 1)
            #expect(failed.statusLines == ["step 1/1 failed file /opt/pallet-url/other"])
            #expect(failed.result.stderr.contains("does not have the expected sha256 \(sha256)"), "\(failed.result.stderr)")
            #expect(try host.shell("ls -A /opt/pallet-url").stdout == "tool\n")
        }
    }

    @Test("file: a secret content is delivered at apply time and never shown, not even in check mode")
    func secret() throws {
        let spec = """
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - file: {path: /etc/pallet-secret/token, content: {secret: {env: APP_TOKEN}}, owner: nobody, mode: "0600"}
            """
        let value = "hunter2 'quoted' $HOME \\n\nsecond line\n"
        let rotated = "rotated-token-9f3c\n"
        let (tree, _) = try compileMain(spec)
        #expect(tree?.text("groups/g/configure/run.sh")?.contains("pallet_file --path '/etc/pallet-secret/token' --content-secret 'env-APP_TOKEN'") == true)
        let bundle = try compileBundle(spec, secrets: ["env-APP_TOKEN": value])
        try TestHost.with(name: "file-secret") { host in
            let harness = ActionHarness(host: host, bundle: bundle, converged: ["ok"])
            try harness.shell("mkdir /etc/pallet-secret")
            let first = try harness.expectFirstRun(["changed"])
            #expect(!first.result.combined.contains("hunter2"))
            #expect(host.writtenFile("/etc/pallet-secret/token") == Array(value.utf8))
            #expect(try host.stat("%U %G %a", "/etc/pallet-secret/token") == "nobody root 600")
            try harness.expectConverged()
            try harness.expectDrift("echo visible-drift > /etc/pallet-secret/token",
                                    [1: ["/etc/pallet-secret/token: content is secret; not shown"]],
                                    hidden: ["hunter2", "second line", "visible-drift"])
            #expect(host.writtenFile("/etc/pallet-secret/token") == Array(value.utf8))

            // A rotated secret is written; one that was not delivered fails the step.
            let rotate = try host.runBundle(try compileBundle(spec, secrets: ["env-APP_TOKEN": rotated]))
            #expect(rotate.statuses == ["changed"], "\(rotate.result.combined)")
            #expect(try host.text("/etc/pallet-secret/token") == rotated)
            let missing = try host.runBundle(try compileBundle(spec))
            #expect(missing.result.status == 1)
            #expect(missing.statusLines == ["step 1/1 failed file /etc/pallet-secret/token"])
            #expect(missing.result.stderr.contains("secret 'env-APP_TOKEN' was not delivered to this run"))
            #expect(try host.text("/etc/pallet-secret/token") == rotated)
        }
    }
}

/// `python3 -m http.server` on 127.0.0.1 and a free port (port 0: the kernel picks one, the
/// server prints it), serving a folder; stopped by its pid.
final class HTTPServer: @unchecked Sendable {
    let process = Process()
    let port: Int

    init(directory: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // "Serving HTTP on 127.0.0.1 port 43817 (http://127.0.0.1:43817/) ..."
        var text = ""
        let handle = output.fileHandleForReading
        while !text.contains("\n") {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let words = text.split(separator: " ")
        guard let index = words.firstIndex(of: "port"), index + 1 < words.count, let port = Int(words[index + 1]) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestSupportError("http.server did not say its port: \(text)")
        }
        self.port = port
    }

    /// Kills the server (SIGKILL: a child of the test process may start with SIGTERM blocked).
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
