import Foundation
import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

/// The `directory`, `link` and `line` actions on real test hosts.
@Suite("Actions on test hosts: directory, link, line", .enabled(if: TestHostSupport.requireRoot("Actions on test hosts: directory, link, line")))
struct PathActionTests {
    @Test("directory: create with mode and owner, recursive owner of the contents, absent")
    func directory() throws {
        let bundle = try compileBundle("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - directory: {path: /srv/pallet-dir/app, owner: nobody, group: nogroup, mode: "0750"}
                    - directory: {path: /srv/pallet-data, owner: nobody, group: nogroup, recursive: true}
                    - directory: {path: /srv/pallet-old, state: absent}
            """)
        try TestHost.with(name: "directory") { host in
            let harness = ActionHarness(host: host, bundle: bundle, converged: ["ok", "ok", "ok"])
            try harness.shell("""
                mkdir -p /srv/pallet-data/sub /srv/pallet-old/deep/er && touch /srv/pallet-data/f /srv/pallet-data/sub/g /srv/pallet-old/deep/er/file
                ln -s /etc/hostname /srv/pallet-data/link
                """)
            try harness.expectFirstRun(["changed", "changed", "changed"])
            #expect(try host.stat("%F %U %G %a", "/srv/pallet-dir/app") == "directory nobody nogroup 750")
            #expect(try host.stat("%U %G %a", "/srv/pallet-dir") == "root root 755")
            let contents = try harness.shell("cd /srv/pallet-data && find . -printf '%p %y %u:%g\\n' | LC_ALL=C sort")
            #expect(contents == ". d nobody:nogroup\n./f f nobody:nogroup\n./link l nobody:nogroup\n./sub d nobody:nogroup\n./sub/g f nobody:nogroup\n")
            #expect(try host.stat("%U %G", "/etc/hostname") == "root root", "a link inside is changed, not its target")
            #expect(try !host.exists("/srv/pallet-old"))
            try harness.expectConverged()

            try harness.expectDrift("chmod 0755 /srv/pallet-dir/app", [1: ["/srv/pallet-dir/app: mode would change"]])
            #expect(try host.stat("%a", "/srv/pallet-dir/app") == "750")
            try harness.expectDrift("chown root:root /srv/pallet-dir/app", [1: ["/srv/pallet-dir/app: owner group would change"]])
            try harness.expectDrift("chown root:root /srv/pallet-data", [2: ["/srv/pallet-data: owner group would change"]])
            #expect(try host.stat("%U %G", "/srv/pallet-data") == "nobody nogroup")
            // A root-owned item inside a folder nobody controls could be a planted hard link: it is
            // refused rather than given away as root (see NodeSafetyTests).
            try harness.shell("chown root /srv/pallet-data/sub/g")
            let refused = try harness.apply()
            #expect(refused.statuses == ["ok", "failed"], "\(refused.statusLines)")
            #expect(refused.result.stderr.contains("'/srv/pallet-data/sub/g' is not owned as asked and sits in '/srv/pallet-data/sub'"),
                    "\(refused.result.stderr)")
            #expect(try host.stat("%U", "/srv/pallet-data/sub/g") == "root")
            try harness.shell("chown nobody /srv/pallet-data/sub/g")
            try harness.expectDrift("mkdir -p /srv/pallet-old/x && touch /srv/pallet-old/x/y", [3: ["/srv/pallet-old: would be removed with its contents"]])
            #expect(try !host.exists("/srv/pallet-old"))
            try harness.expectDrift("rm -r /srv/pallet-dir", [1: ["/srv/pallet-dir/app: would be created"]])
            #expect(try host.stat("%F %U %G %a", "/srv/pallet-dir/app") == "directory nobody nogroup 750")
        }
    }

    @Test("link: create, retarget (relative target), absent")
    func link() throws {
        let bundle = try compileBundle("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - link: {path: /srv/pallet-links/current, target: /srv/pallet-links/releases/1}
                    - link: {path: /srv/pallet-links/release, target: releases/2}
                    - link: {path: /srv/pallet-links/gone, state: absent}
            """)
        try TestHost.with(name: "link") { host in
            let harness = ActionHarness(host: host, bundle: bundle, converged: ["ok", "ok", "ok"])
            try harness.shell("""
                mkdir -p /srv/pallet-links/releases/1 /srv/pallet-links/releases/2
                ln -s releases/1 /srv/pallet-links/release && ln -s /nowhere /srv/pallet-links/gone
                """)
            try harness.expectFirstRun(["changed", "changed", "changed"])
            #expect(try host.exec(["readlink", "/srv/pallet-links/current"]).stdout == "/srv/pallet-links/releases/1\n")
            #expect(try host.exec(["readlink", "/srv/pallet-links/release"]).stdout == "releases/2\n")
            #expect(try host.stat("%F", "/srv/pallet-links/release") == "symbolic link")
            #expect(try !host.exists("/srv/pallet-links/gone"))
            #expect(try host.shell("ls -A /srv/pallet-links").stdout == "current\nrelease\nreleases\n")
            try harness.expectConverged()

            try harness.expectDrift("ln -sfn /tmp /srv/pallet-links/current", [1: ["/srv/pallet-links/current: would link to /srv/pallet-links/releases/1 (now to /tmp)"]])
            #expect(try host.exec(["readlink", "/srv/pallet-links/current"]).stdout == "/srv/pallet-links/releases/1\n")
            try harness.expectDrift("rm /srv/pallet-links/release", [2: ["/srv/pallet-links/release: would link to releases/2"]])
            try harness.expectDrift("ln -s /etc /srv/pallet-links/gone", [3: ["/srv/pallet-links/gone: link would be removed"]])
            #expect(try !host.exists("/srv/pallet-links/gone"))
        }
    }

    @Test("line: append, replace what a regex matches, remove a line or what a regex matches; attributes kept")
    func line() throws {
        let bundle = try compileBundle("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - line: {path: /etc/pallet-line.conf, line: "added=1"}
                    - line: {path: /etc/pallet-line.conf, line: "key=new", match: "^key="}
                    - line: {path: /etc/pallet-line.conf, line: "#comment", state: absent}
                    - line: {path: /etc/pallet-line.conf, match: "^obsolete[0-9]*=", state: absent}
                    - line: {path: /etc/pallet-line.conf, line: "tail=yes", match: "^no-line-matches="}
            """)
        try TestHost.with(name: "line") { host in
            let harness = ActionHarness(host: host, bundle: bundle, converged: Array(repeating: "ok", count: 5))
            try harness.shell("""
                printf 'a=1\\nkey=old\\n#comment\\nobsolete=1\\nkey=dup\\nobsolete2=2\\n' > /etc/pallet-line.conf
                chown nobody:nogroup /etc/pallet-line.conf && chmod 0640 /etc/pallet-line.conf
                """)
            try harness.expectFirstRun(Array(repeating: "changed", count: 5))
            #expect(try host.text("/etc/pallet-line.conf") == "a=1\nkey=new\nadded=1\ntail=yes\n")
            #expect(try host.stat("%U %G %a", "/etc/pallet-line.conf") == "nobody nogroup 640")
            try harness.expectConverged()

            try harness.expectDrift("sed -i '/^added=1$/d' /etc/pallet-line.conf", [1: [
                "--- /etc/pallet-line.conf (node)", "+++ /etc/pallet-line.conf (plan)", "@@ -1,3 +1,4 @@", " a=1", " key=new", " tail=yes", "+added=1",
            ]])
            #expect(try host.text("/etc/pallet-line.conf") == "a=1\nkey=new\ntail=yes\nadded=1\n")
            try harness.expectDrift("sed -i 's/^key=new$/key=drift/' /etc/pallet-line.conf", [2: [" a=1", "-key=drift", "+key=new", " tail=yes"]])
            try harness.expectDrift("echo '#comment' >> /etc/pallet-line.conf", [3: [" added=1", "-#comment"]])
            try harness.expectDrift("echo obsolete3=3 >> /etc/pallet-line.conf", [4: [" added=1", "-obsolete3=3"]])
            try harness.expectDrift("sed -i '/^tail=yes$/d' /etc/pallet-line.conf", [5: [" added=1", "+tail=yes"]])
            #expect(try host.text("/etc/pallet-line.conf") == "a=1\nkey=new\nadded=1\ntail=yes\n")
            #expect(try host.stat("%U %G %a", "/etc/pallet-line.conf") == "nobody nogroup 640")
            try harness.expectConverged()
        }
    }
}
