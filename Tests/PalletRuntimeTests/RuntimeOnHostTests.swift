import Foundation
import PalletCompiler
import PalletContract
import PalletSpec
import PalletTestSupport
import Testing

/// Runs generated bundles as root on real test hosts (overlay root, own namespaces).
@Suite("Bundles on test hosts", .serialized, .enabled(if: TestHostSupport.requireRoot("Bundles on test hosts")))
struct RuntimeOnHostTests {
    func archive(_ tree: OutputTree?, _ path: String = "groups/g/configure.tar") throws -> [UInt8] {
        try #require(tree?.files[path]).bytes
    }

    @Test("hostile strings in paths, contents, scripts and environments have exactly their literal effect")
    func hostileStrings() throws {
        let (tree, errors) = try compile(["specs/main.yaml": HostileStrings.specs()])
        #expect(errors.isEmpty)
        let bundle = try archive(tree)
        try TestHost.with(name: "hostile") { host in
            let first = try host.runBundle(bundle)
            #expect(first.result.status == 0, "\(first.result.combined)")
            #expect(first.statuses.count == 1 + 2 * HostileStrings.all.count + 1)
            #expect(first.statuses.allSatisfy { $0 == "changed" }, "\(first.statusLines)")
            for (index, text) in HostileStrings.all.enumerated() {
                let path = "/opt/pallet-hostile/" + HostileStrings.component(text, index: index)
                #expect(host.writtenFile(path) == Array(text.utf8), "file \(index)")
                #expect(host.writtenFile("/opt/pallet-hostile/env-\(index)") == Array(text.utf8), "environment \(index)")
                let mode = try FileManager.default.attributesOfItem(atPath: host.upperDirectory + path)[.posixPermissions] as? Int
                #expect(mode == 0o640, "mode of file \(index)")
            }
            #expect(host.writtenFile("/opt/pallet-hostile/heredoc") == Array("PALLET_SCRIPT\n".utf8))
            for marker in 1...3 {
                #expect(!FileManager.default.fileExists(atPath: host.upperDirectory + "/opt/pallet-pwned-\(marker)"))
            }
            let written = try FileManager.default.contentsOfDirectory(atPath: host.upperDirectory + "/opt")
            #expect(written == ["pallet-hostile"])

            let second = try host.runBundle(bundle)
            #expect(second.result.status == 0, "\(second.result.combined)")
            #expect(second.statuses.allSatisfy { $0 == "ok" }, "\(second.statusLines)")
            #expect(second.endLine == "::pallet end ok ok=\(second.statuses.count) changed=0 skipped=0 failed=0")
        }
    }

    @Test("facts read before the first step are not trusted once a step changed the node")
    func factsGoStaleAfterAChange() throws {
        // The prefetch sees /etc/pallet-facts holding "B" (what step 2 wants) and nobody owning
        // it as asked by step 4; steps 1 and 3 then change exactly those, so steps 2 and 4 must
        // look again rather than trust what was read before. (Step 1 is an exec: two file steps
        // with other content on one path are refused at plan time, ConflictTests.)
        let (tree, errors) = try compileMain("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - exec: {script: "printf 'A\\\\n' >/etc/pallet-facts"}
                    - file: {path: /etc/pallet-facts, content: "B\\n"}
                    - exec: {script: "chown nobody /etc/pallet-owned"}
                    - file: {path: /etc/pallet-owned, content: "x\\n", owner: root}
            """)
        #expect(errors.isEmpty, "\(errors)")
        let bundle = try archive(tree)
        try TestHost.with(name: "facts") { host in
            let seed = try host.exec(["bash", "-c", "printf 'B\\n' >/etc/pallet-facts; printf 'x\\n' >/etc/pallet-owned"])
            #expect(seed.status == 0, "\(seed.combined)")
            let run = try host.runBundle(bundle)
            #expect(run.result.status == 0, "\(run.result.combined)")
            #expect(run.statuses == ["changed", "changed", "changed", "changed"], "\(run.statusLines)")
            #expect(host.writtenFile("/etc/pallet-facts") == Array("B\n".utf8))
            let owner = try host.exec(["stat", "-c", "%U", "/etc/pallet-owned"])
            #expect(owner.stdout == "root\n")
            let again = try host.runBundle(bundle)
            #expect(again.statuses == ["changed", "changed", "changed", "changed"], "\(again.statusLines)")
        }
    }

    @Test("a run that finds everything in place starts the same few processes for 8 file steps as for 40")
    func noOpProcessCount() throws {
        // The no-op path decides every step from facts read in bulk, so the number of processes
        // a run starts does not grow with its steps. strace counts every fork of the run.
        func specs(files: Int) -> String {
            var text = """
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - directory: {path: /opt/pallet-count, mode: "0755"}
                        - group: {name: pcount}
                        - user: {name: pcount, group: pcount, shell: /bin/bash, home: /home/pcount}
                        - packages: [coreutils, bash]

                """
            for index in 1...files {
                text += "        - file: {path: /opt/pallet-count/f\(index), content: \"\(index)\\n\", mode: \"0640\", owner: pcount, group: pcount}\n"
            }
            return text
        }
        try TestHost.with(name: "count") { host in
            var counts: [Int] = []
            for files in [8, 40] {
                let (tree, errors) = try compileMain(specs(files: files))
                #expect(errors.isEmpty, "\(errors)")
                let bundle = try archive(tree)
                let first = try host.runBundle(bundle)
                #expect(first.result.status == 0, "\(first.result.combined)")
                let trace = "/tmp/pallet-forks"
                let run = try host.runBundle(bundle, environment: ["PALLET_NODE_NAME": "count-1"], runner: [
                    "strace", "-f", "-qq", "-e", "trace=clone,clone3,fork,vfork", "-e", "signal=none", "-o", trace,
                ])
                #expect(run.result.status == 0, "\(run.result.combined)")
                #expect(run.statuses.count == 4 + files && run.statuses.allSatisfy { $0 == "ok" }, "\(run.statusLines)")
                let forks = try host.exec(["grep", "-cE", "clone|fork", trace])
                counts.append(Int(forks.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1)
            }
            // Today: flock, sha256sum (MANIFEST), stat, sha256sum, getent passwd, getent group and
            // dpkg-query (in a process substitution).
            #expect(counts[0] == counts[1], "forks with 8 and with 40 file steps: \(counts)")
            #expect(counts[0] > 0 && counts[0] <= 8, "forks: \(counts)")
        }
    }

    @Test("exec, file and packages: change once, then report no change; check mode changes nothing")
    func threeActions() throws {
        let (tree, errors) = try compileMain("""
            groups:
              g:
                service: lab
                vars: {dir: /srv/pallet-e2e}
                phases:
                  configure:
                    - exec: {script: "mkdir -p {{ dir }}", creates: "{{ dir }}"}
                    - file: {path: "{{ dir }}/owned", content: "x\\n", owner: nobody, group: nogroup, mode: "0600"}
                    - file: {path: "{{ dir }}/node", content: "I am {{ node.name }} #{{ node.index }} in {{ group }}\\n"}
                    - file: {path: /etc/pallet-e2e-remove-me, state: absent}
                    - exec:
                        script: "echo \\"$GREETING\\" >> {{ dir }}/log"
                        unless: "grep -q hello {{ dir }}/log"
                        environment: {GREETING: hello}
                    - exec: {script: "touch {{ dir }}/never", only-if: "false"}
                    - exec: {script: "touch {{ dir }}/redhat-only"}
                      when: {os-family: [rhel, fedora]}
                    - packages: [cowsay, coreutils]
                    - package: {name: ed, state: absent}
                      notify: [packages-changed]
                handlers:
                  packages-changed:
                    - exec: {script: "date >> {{ dir }}/handler-runs"}
            """)
        #expect(errors.isEmpty, "\(errors)")
        let bundle = try archive(tree)
        try TestHost.with(name: "actions") { host in
            let prepare = try host.exec(["bash", "-c", "echo old > /etc/pallet-e2e-remove-me && apt-get install -y -q ed >/dev/null 2>&1 || true; dpkg-query -W ed"])
            #expect(prepare.status == 0, "\(prepare.combined)")
            let environment = ["PALLET_NODE_NAME": "web-1", "PALLET_NODE_INDEX": "1"]
            let first = try host.runBundle(bundle, environment: environment)
            #expect(first.result.status == 0, "\(first.result.combined)")
            // The phase's package steps run first, as one transaction (step 1).
            #expect(first.statuses == ["changed", "changed", "changed", "changed", "changed", "changed", "ok", "skipped", "changed"],
                    "\(first.statusLines)")
            #expect(host.writtenFile("/srv/pallet-e2e/node") == Array("I am web-1 #1 in g\n".utf8))
            #expect(host.writtenFile("/srv/pallet-e2e/log") == Array("hello\n".utf8))
            #expect(host.writtenFile("/srv/pallet-e2e/never") == nil)
            #expect(host.writtenFile("/srv/pallet-e2e/redhat-only") == nil)
            let owned = try host.exec(["stat", "-c", "%U %G %a", "/srv/pallet-e2e/owned"])
            #expect(owned.stdout == "nobody nogroup 600\n")
            let removed = try host.exec(["test", "!", "-e", "/etc/pallet-e2e-remove-me"])
            #expect(removed.status == 0)
            #expect(try host.exec(["dpkg-query", "-W", "-f=${db:Status-Abbrev}", "cowsay"]).stdout.hasPrefix("ii"))
            #expect(try host.exec(["bash", "-c", "dpkg-query -W -f='${db:Status-Abbrev}' ed 2>/dev/null || true"]).stdout.hasPrefix("ii") == false)
            #expect(host.writtenFile("/srv/pallet-e2e/handler-runs").map { $0.filter { $0 == 10 }.count } == 1)

            let second = try host.runBundle(bundle, environment: environment)
            #expect(second.result.status == 0, "\(second.result.combined)")
            #expect(second.statuses == ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "skipped"], "\(second.statusLines)")
            #expect(second.endLine == "::pallet end ok ok=7 changed=0 skipped=1 failed=0")

            // Drift, then check mode: exactly the drifted steps would change, and nothing changes.
            let drift = try host.exec(["bash", "-c", "chmod 0644 /srv/pallet-e2e/owned && echo drift > /srv/pallet-e2e/node"])
            #expect(drift.status == 0)
            let check = try host.runBundle(bundle, environment: environment.merging(["PALLET_CHECK": "1"]) { $1 })
            #expect(check.result.status == 0, "\(check.result.combined)")
            #expect(check.statuses == ["ok", "ok", "would-change", "would-change", "ok", "unknown", "unknown", "skipped"], "\(check.statusLines)")
            #expect(host.writtenFile("/srv/pallet-e2e/node") == Array("drift\n".utf8))
            #expect(try host.exec(["stat", "-c", "%a", "/srv/pallet-e2e/owned"]).stdout == "644\n")

            let repair = try host.runBundle(bundle, environment: environment)
            #expect(repair.statuses == ["ok", "ok", "changed", "changed", "ok", "ok", "ok", "skipped"], "\(repair.statusLines)")
        }
    }

    @Test("a failing step stops the run with one failed status line; a notified handler stays pending and runs next time")
    func failureKeepsHandlersPending() throws {
        let specs = """
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - file: {path: /etc/pallet-pending, content: "v1\\n"}
                      notify: [record]
                    - exec: {script: "test -e /etc/pallet-allow"}
                      name: gate
                handlers:
                  record:
                    - exec: {script: "echo ran >> /etc/pallet-handler-log"}
            """
        let (tree, errors) = try compileMain(specs)
        #expect(errors.isEmpty, "\(errors)")
        let bundle = try archive(tree)
        try TestHost.with(name: "pending") { host in
            let failed = try host.runBundle(bundle)
            #expect(failed.result.status == 1)
            #expect(failed.statusLines == ["step 1/2 changed file /etc/pallet-pending", "step 2/2 failed exec gate"])
            #expect(failed.endLine?.hasPrefix("::pallet end failed") == true)
            #expect(host.writtenFile("/etc/pallet-handler-log") == nil)
            #expect(host.writtenFile("/var/lib/pallet/pending/g/configure/record") != nil)

            #expect(try host.exec(["touch", "/etc/pallet-allow"]).status == 0)
            let rerun = try host.runBundle(bundle)
            #expect(rerun.result.status == 0, "\(rerun.result.combined)")
            // The file is already right, so nothing notifies the handler in this run: it runs
            // because the failed run left it pending.
            #expect(rerun.statusLines == ["step 1/2 ok file /etc/pallet-pending", "step 2/2 changed exec gate", "handler record 1/1 changed exec echo ran >> /etc/pallet-handler-log"])
            #expect(host.writtenFile("/etc/pallet-handler-log") == Array("ran\n".utf8))
            #expect(host.writtenFile("/var/lib/pallet/pending/g/configure/record") == nil)
        }
    }

    @Test("a bundle that does not match its MANIFEST changes nothing and says why")
    func corruptedBundle() throws {
        let (tree, _) = try compileMain("groups:\n  g:\n    service: lab\n    phases: {configure: [{file: {path: /etc/pallet-corrupt, content: \"a\\n\"}}]}\n")
        let entries = try TarArchive.read(try archive(tree)).map { entry -> TarEntry in
            guard entry.path.hasPrefix("files/") else { return entry }
            return TarEntry(path: entry.path, kind: .file(Array("evil\n".utf8)), mode: entry.mode)
        }
        let tampered = try TarArchive.make(entries)
        try TestHost.with(name: "corrupt") { host in
            let run = try host.runBundle(tampered)
            #expect(run.result.status == 1)
            #expect(run.result.stderr.contains("does not match its MANIFEST"))
            #expect(run.statusLines.isEmpty)
            #expect(run.endLine?.hasPrefix("::pallet end failed") == true)
            #expect(host.writtenFile("/etc/pallet-corrupt") == nil)
        }
    }

    @Test("handlers run at the end of the phase, once each, in declaration order")
    func handlerOrder() throws {
        let (tree, errors) = try compileMain("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - {exec: "echo step1 >> /etc/pallet-order", notify: [second, first]}
                    - {exec: "echo step2 >> /etc/pallet-order", notify: [first]}
                    - {exec: {script: "echo step3 >> /etc/pallet-order", unless: "true"}, notify: [third]}
                handlers:
                  first: [{exec: "echo first >> /etc/pallet-order"}]
                  second: [{exec: "echo second >> /etc/pallet-order"}]
                  third: [{exec: "echo third >> /etc/pallet-order"}]
            """)
        #expect(errors.isEmpty, "\(errors)")
        try TestHost.with(name: "handlers") { host in
            let run = try host.runBundle(try archive(tree))
            #expect(run.result.status == 0, "\(run.result.combined)")
            #expect(host.writtenFile("/etc/pallet-order") == Array("step1\nstep2\nfirst\nsecond\n".utf8))
            #expect(run.statusLines.suffix(2) == ["handler first 1/1 changed exec echo first >> /etc/pallet-order",
                                                  "handler second 1/1 changed exec echo second >> /etc/pallet-order"])
        }
    }

    @Test("two runs at once on one node never interleave: the second waits for the node lock")
    func nodeLock() throws {
        func bundle(_ tag: String) throws -> [UInt8] {
            let (tree, errors) = try compileMain("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - exec: "echo \(tag)-start >> /etc/pallet-lock-log; sleep 1; echo \(tag)-end >> /etc/pallet-lock-log"
                        - exec: "echo \(tag)-second-step >> /etc/pallet-lock-log"
                """)
            #expect(errors.isEmpty, "\(errors)")
            return try archive(tree)
        }
        let first = try bundle("A")
        let second = try bundle("B")
        try TestHost.with(name: "lock") { host in
            let results = ResultBox()
            let group = DispatchGroup()
            for (index, archive) in [first, second].enumerated() {
                group.enter()
                Thread {
                    if index == 1 { usleep(200_000) }
                    results.set(index, try? host.runBundle(archive))
                    group.leave()
                }.start()
            }
            group.wait()
            #expect(results.get(0)?.result.status == 0)
            #expect(results.get(1)?.result.status == 0)
            #expect(results.get(1)?.result.stderr.contains("another pallet run holds the lock on this node; waiting") == true)
            let log = String(decoding: host.writtenFile("/etc/pallet-lock-log") ?? [], as: UTF8.self)
            #expect(log == "A-start\nA-end\nA-second-step\nB-start\nB-end\nB-second-step\n")
        }
    }
}

/// Results collected from threads.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Int: BundleRun] = [:]

    func set(_ index: Int, _ run: BundleRun?) {
        lock.lock()
        results[index] = run
        lock.unlock()
    }

    func get(_ index: Int) -> BundleRun? {
        lock.lock()
        defer { lock.unlock() }
        return results[index]
    }
}
