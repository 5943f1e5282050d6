import Foundation
import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

/// The `group`, `user` and `authorized-key` actions on real test hosts.
@Suite("Actions on test hosts: group, user, authorized-key", .enabled(if: TestHostSupport.requireRoot("Actions on test hosts: accounts")))
struct AccountActionTests {
    static let aliceKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKBwyurLSBK6WeUVeISdqJVgpVaI23EM+s/7w+0i7uOK"
    static let bobKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJlKN5YFXLhFPnBn998QWuJdg4H5D7bJmdn+64CvtKCN"
    static let carolKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH99pBEcN+d4oN2hMk3McERFgrcUa59Tw75fbn1L80dY"
    static let daveKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAII2GeTwbE8erabVYexgeumNhUHTK9dF7nNTYjraJSzVM"

    @Test("group: gid, system, absent")
    func group() throws {
        let bundle = try compileBundle("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - group: {name: pallet-team, gid: 3100}
                    - group: {name: pallet-sys, system: true}
                    - group: {name: pallet-old, state: absent}
            """)
        try TestHost.with(name: "group") { host in
            let harness = ActionHarness(host: host, bundle: bundle, converged: ["ok", "ok", "ok"])
            try harness.shell("groupadd pallet-old")
            try harness.expectFirstRun(["changed", "changed", "changed"])
            #expect(try host.exec(["getent", "group", "pallet-team"]).stdout == "pallet-team:x:3100:\n")
            let system = try host.exec(["getent", "group", "pallet-sys"]).stdout.split(separator: ":")
            #expect(system.count == 4 && system[0] == "pallet-sys")
            #expect(system.count > 2 && (Int(system[2]) ?? 1000) < 1000, "a system group has a gid below 1000: \(system)")
            #expect(try host.exec(["getent", "group", "pallet-old"]).status == 2)
            try harness.expectConverged()

            try harness.expectDrift("groupmod -g 3200 pallet-team", [1: ["group pallet-team: gid 3200 -> 3100"]])
            #expect(try host.exec(["getent", "group", "pallet-team"]).stdout == "pallet-team:x:3100:\n")
            try harness.expectDrift("groupdel pallet-sys", [2: ["group pallet-sys would be created"]])
            try harness.expectDrift("groupadd pallet-old", [3: ["group pallet-old would be removed"]])
            #expect(try host.exec(["getent", "group", "pallet-old"]).status == 2)
        }
    }

    @Test("user: uid, group, groups, shell, home, system, absent")
    func user() throws {
        let bundle = try compileBundle("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - group: {name: pallet-team, gid: 3100}
                    - user: {name: pallet-app, uid: 3101, group: pallet-team, groups: [adm, pallet-extra], shell: /bin/bash, home: /srv/pallet-app-home}
                    - user: {name: pallet-daemon, system: true, shell: /usr/sbin/nologin, home: /var/lib/pallet-daemon}
                    - user: {name: pallet-gone, state: absent}
            """)
        try TestHost.with(name: "user") { host in
            let harness = ActionHarness(host: host, bundle: bundle, converged: ["ok", "ok", "ok", "ok"])
            try harness.shell("groupadd pallet-extra && useradd --create-home pallet-gone")
            try harness.expectFirstRun(["changed", "changed", "changed", "changed"])
            #expect(try host.exec(["getent", "passwd", "pallet-app"]).stdout == "pallet-app:x:3101:3100::/srv/pallet-app-home:/bin/bash\n")
            #expect(try host.exec(["id", "-Gn", "pallet-app"]).stdout == "pallet-team adm pallet-extra\n")
            #expect(try host.stat("%F %U %G", "/srv/pallet-app-home") == "directory pallet-app pallet-team")
            let daemon = try host.exec(["getent", "passwd", "pallet-daemon"]).stdout.split(separator: ":", omittingEmptySubsequences: false)
            #expect(daemon.count == 7 && (Int(daemon[2]) ?? 1000) < 1000, "a system user has a uid below 1000: \(daemon)")
            #expect(daemon.count == 7 && daemon[5] == "/var/lib/pallet-daemon" && daemon[6] == "/usr/sbin/nologin\n")
            #expect(try !host.exists("/var/lib/pallet-daemon"), "a system user gets no home directory")
            #expect(try host.exec(["getent", "passwd", "pallet-gone"]).status == 2)
            #expect(try host.exists("/home/pallet-gone"), "the home of a removed user is kept")
            try harness.expectConverged()

            try harness.expectDrift("usermod -s /bin/sh pallet-app", [2: ["user pallet-app: shell /bin/sh -> /bin/bash"]])
            #expect(try host.exec(["getent", "passwd", "pallet-app"]).stdout == "pallet-app:x:3101:3100::/srv/pallet-app-home:/bin/bash\n")
            try harness.expectDrift("gpasswd -d pallet-app pallet-extra", [2: ["user pallet-app: groups adm -> adm,pallet-extra"]])
            try harness.expectDrift("gpasswd -d pallet-app adm && gpasswd -d pallet-app pallet-extra",
                                    [2: ["user pallet-app: groups none -> adm,pallet-extra"]])
            #expect(try host.exec(["id", "-Gn", "pallet-app"]).stdout == "pallet-team adm pallet-extra\n")
            try harness.expectDrift("usermod -u 3105 -g nogroup -d /home/elsewhere pallet-app",
                                    [2: ["user pallet-app: uid 3105 -> 3101 group 65534 -> pallet-team home /home/elsewhere -> /srv/pallet-app-home"]])
            #expect(try host.exec(["getent", "passwd", "pallet-app"]).stdout == "pallet-app:x:3101:3100::/srv/pallet-app-home:/bin/bash\n")
            try harness.expectDrift("userdel pallet-daemon", [3: ["user pallet-daemon would be created"]])
            try harness.expectDrift("useradd pallet-gone", [4: ["user pallet-gone would be removed"]])
            #expect(try host.exec(["getent", "passwd", "pallet-gone"]).status == 2)
        }
    }

    @Test("authorized-key: present with .ssh 0700 and the file 0600 owned by the user, a changed comment or options are no change, absent")
    func authorizedKey() throws {
        let bundle = try compileBundle("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - authorized-key: {user: pallet-keys, key: "\(Self.aliceKey) alice@laptop"}
                    - authorized-key: {user: pallet-keys, key: "\(Self.bobKey) bob@new-laptop"}
                    - authorized-key: {user: pallet-keys, key: "\(Self.carolKey) carol@old", state: absent}
                    - authorized-key: {user: pallet-keys, key: "\(Self.daveKey) dave@laptop"}
            """)
        try TestHost.with(name: "authorized-key") { host in
            let harness = ActionHarness(host: host, bundle: bundle, converged: ["ok", "ok", "ok", "ok"])
            let file = "/home/pallet-keys/.ssh/authorized_keys"
            let dave = "from=\"10.0.0.0/8\",no-pty \(Self.daveKey) dave@old"
            // Bob's key is there already under another comment, Dave's behind options; Carol's is to go.
            try harness.shell("""
                useradd --create-home --user-group pallet-keys
                install -d -m 0700 -o pallet-keys -g pallet-keys /home/pallet-keys/.ssh
                printf '%s\\n' '\(Self.carolKey) carol@old' '\(Self.bobKey) bob@old-laptop' '\(dave)' > \(file)
                chown pallet-keys:pallet-keys \(file) && chmod 0600 \(file)
                """)
            try harness.expectFirstRun(["changed", "ok", "changed", "ok"])
            #expect(try host.text(file) == "\(Self.bobKey) bob@old-laptop\n\(dave)\n\(Self.aliceKey) alice@laptop\n")
            #expect(try host.stat("%U %G %a", file) == "pallet-keys pallet-keys 600")
            #expect(try host.stat("%U %G %a", "/home/pallet-keys/.ssh") == "pallet-keys pallet-keys 700")
            try harness.expectConverged()

            // The same key under a new comment is no drift at all.
            try harness.shell("sed -i 's/alice@laptop/alice@desktop/' \(file)")
            try harness.expectConverged()
            try harness.expectDrift("sed -i '/alice@desktop/d' \(file)", [1: [
                "--- \(file) (node)", "+++ \(file) (plan)", " \(Self.bobKey) bob@old-laptop", " \(dave)", "+\(Self.aliceKey) alice@laptop",
            ]])
            // Every step of this user's keys owns the file's and the folder's attributes.
            let mode = ["\(file): mode would change"]
            try harness.expectDrift("chmod 0644 \(file)", [1: mode, 2: mode, 3: mode, 4: mode],
                                    repaired: ["changed", "ok", "ok", "ok"])
            #expect(try host.stat("%a", file) == "600")
            try harness.expectDrift("echo '\(Self.carolKey) carol@elsewhere' >> \(file)", [3: ["-\(Self.carolKey) carol@elsewhere"]])
            #expect(try host.text(file) == "\(Self.bobKey) bob@old-laptop\n\(dave)\n\(Self.aliceKey) alice@laptop\n")
            // (A .ssh of another owner is refused: see NodeSafetyTests.)
            let folder = ["/home/pallet-keys/.ssh: group mode would change"]
            try harness.expectDrift("chmod 0755 /home/pallet-keys/.ssh && chgrp root /home/pallet-keys/.ssh", [1: folder, 2: folder, 3: folder, 4: folder],
                                    repaired: ["changed", "ok", "ok", "ok"])
            #expect(try host.stat("%U %G %a", "/home/pallet-keys/.ssh") == "pallet-keys pallet-keys 700")

            // A user without a .ssh folder gets one (owned by the user, with the user's group).
            let fresh = try compileBundle("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - user: {name: pallet-new, group: nogroup, home: /srv/pallet-new}
                        - authorized-key: {user: pallet-new, key: "\(Self.aliceKey)"}
                """)
            let created = try host.runBundle(fresh)
            #expect(created.statuses == ["changed", "changed"], "\(created.result.combined)")
            #expect(try host.stat("%U %G %a", "/srv/pallet-new/.ssh") == "pallet-new nogroup 700")
            #expect(try host.stat("%U %G %a", "/srv/pallet-new/.ssh/authorized_keys") == "pallet-new nogroup 600")
            #expect(try host.text("/srv/pallet-new/.ssh/authorized_keys") == "\(Self.aliceKey)\n")
        }
    }
}
