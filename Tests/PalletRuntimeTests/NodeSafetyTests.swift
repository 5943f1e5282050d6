import Foundation
import PalletCompiler
import PalletContract
import PalletTestSupport
import Testing

/// An unprivileged user attacks what pallet does as root on a shared node: links, hard links and
/// FIFOs planted in advance, swaps raced as pallet's files appear, another user polling for a
/// secret, and check mode asked to run what the spec wrote. Issue 15, points 1, 2 and 6.
@Suite("Node safety on test hosts", .serialized, .enabled(if: TestHostSupport.requireRoot("Node safety on test hosts")))
struct NodeSafetyTests {
    /// Accounts, root-only sentinels and the attacker programs on a fresh host.
    static let setup = """
        set -e
        useradd -m -s /bin/bash alice
        useradd -m -s /bin/bash bob
        printf 'ROOT-ONLY sentinel\\n' > /root/secret && chmod 0600 /root/secret
        install -d -m 0700 /root/sshdir /root/ddir
        install -d -m 0755 /opt/pallet-attack
        install -d -m 0755 -o alice -g alice /opt/pallet-attack/alice
        install -d -m 0755 -o bob -g bob /opt/pallet-attack/bob
        """

    /// What must never change: root-only files and folders, their owners, modes and digests.
    static let sentinels = """
        stat -c '%n %U %G %a %s' /root/secret /etc/shadow /etc/passwd /etc/sudoers /root /root/sshdir /root/ddir /etc
        sha256sum /root/secret /etc/shadow /etc/passwd /etc/sudoers
        ls -A /root/sshdir /root/ddir
        """

    /// The specs of group `g` whose configure phase is `steps` (each one YAML list item, its
    /// continuation lines indented by two spaces relative to the item).
    static func spec(_ steps: [String]) -> String {
        var text = "groups:\n  g:\n    service: lab\n    phases:\n      configure:\n"
        for step in steps {
            for line in step.split(separator: "\n") { text += "        " + line + "\n" }
        }
        return text
    }

    /// Brings up a host with the setup done and the attacker programs installed.
    func withHost(_ name: String, _ body: (TestHost) throws -> Void) throws {
        try TestHost.with(name: name) { host in
            let prepared = try host.shell(Self.setup)
            #expect(prepared.status == 0, "\(prepared.combined)")
            for program in ["race-attacker.py", "secret-watcher.py"] {
                let source = try #require(FileManager.default.contents(atPath: RepositoryPaths.root + "/Tests/Support/" + program))
                let copy = try host.exec(["bash", "-c", "cat > /opt/pallet-attack/$1 && chmod 0755 /opt/pallet-attack/$1", "copy", program],
                                         stdin: [UInt8](source))
                #expect(copy.status == 0, "\(copy.combined)")
            }
            try body(host)
        }
    }

    // MARK: Point 1: planted links, hard links and FIFOs

    /// One planted attack: the host is prepared by `plant` (as root, standing in for what the user
    /// made), then a bundle of `step` runs; it fails naming the reason, or succeeds, and `verify`
    /// (bash, as root) must succeed afterwards.
    struct Plant: CustomStringConvertible {
        var description: String
        var plant: String
        var step: String
        /// nil: the step succeeds; otherwise a part of the error it fails with.
        var refusal: String?
        var verify: String = "true"
    }

    static let plants: [Plant] = [
        Plant(description: "authorized_keys linked to a root-only file",
              plant: "install -d -m 0700 -o alice -g alice /home/alice/.ssh && ln -s /root/secret /home/alice/.ssh/authorized_keys && chown -h alice: /home/alice/.ssh/authorized_keys",
              step: #"- authorized-key: {user: alice, key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOqQ alice@laptop"}"#,
              refusal: "'/home/alice/.ssh/authorized_keys' is not a regular file",
              verify: "test -L /home/alice/.ssh/authorized_keys"),
        Plant(description: "~/.ssh linked to a root-only folder",
              plant: "ln -s /root/sshdir /home/alice/.ssh && chown -h alice: /home/alice/.ssh",
              step: #"- authorized-key: {user: alice, key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOqQ alice@laptop"}"#,
              refusal: "'/home/alice/.ssh' exists and is not a directory"),
        Plant(description: "~/.ssh owned by root in alice's home",
              plant: "install -d -m 0755 /home/alice/.ssh",
              step: #"- authorized-key: {user: alice, key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOqQ alice@laptop"}"#,
              refusal: "'/home/alice/.ssh' belongs to root but sits in '/home/alice', which alice controls",
              verify: "test ! -e /home/alice/.ssh/authorized_keys"),
        Plant(description: "the target is a FIFO in alice's home (the run ends, the FIFO is replaced)",
              plant: "mkfifo /home/alice/fifo && chown alice: /home/alice/fifo",
              step: #"- file: {path: /home/alice/fifo, content: "x\n"}"#,
              verify: "test -f /home/alice/fifo && test \"$(stat -c %U /home/alice/fifo)\" = alice && grep -qx x /home/alice/fifo"),
        Plant(description: "the target is alice's FIFO in /tmp",
              plant: "mkfifo /tmp/pallet-fifo && chown alice: /tmp/pallet-fifo",
              step: #"- file: {path: /tmp/pallet-fifo, content: "x\n"}"#,
              refusal: "'/tmp/pallet-fifo' belongs to alice in a folder everyone may write",
              verify: "test -p /tmp/pallet-fifo"),
        Plant(description: "the target is a hard link to a root-only file in alice's home",
              plant: "ln /root/secret /home/alice/hardlink",
              step: #"- file: {path: /home/alice/hardlink, content: "pwned\n", mode: "0644"}"#,
              verify: "test \"$(stat -c '%U %a %h' /home/alice/hardlink)\" = 'alice 644 1' && grep -qx pwned /home/alice/hardlink"),
        Plant(description: "the target is alice's file in /tmp",
              plant: "echo mine > /tmp/pallet-owned && chown alice: /tmp/pallet-owned",
              step: #"- file: {path: /tmp/pallet-owned, content: "root's\n", owner: root}"#,
              refusal: "'/tmp/pallet-owned' belongs to alice in a folder everyone may write",
              verify: "grep -qx mine /tmp/pallet-owned"),
        Plant(description: "a hard link to a root-only file in /tmp (where the kernel lets anyone make one)",
              plant: "install -m 0600 /root/secret /tmp/pallet-root-only && ln /tmp/pallet-root-only /tmp/pallet-hardlink",
              step: "- file: {path: /tmp/pallet-hardlink, owner: alice, mode: \"0644\"}",
              refusal: "'/tmp/pallet-hardlink' has 2 hard links in a folder everyone may write",
              verify: "test \"$(stat -c '%U %a' /tmp/pallet-root-only)\" = 'root 600' && rm /tmp/pallet-hardlink /tmp/pallet-root-only"),
        Plant(description: "alice's symbolic link in /tmp as a link step's path",
              plant: "ln -s /root/secret /tmp/pallet-link && chown -h alice: /tmp/pallet-link",
              step: "- link: {path: /tmp/pallet-link, target: /etc/hostname}",
              refusal: "'/tmp/pallet-link' belongs to alice in a folder everyone may write",
              verify: "test \"$(readlink /tmp/pallet-link)\" = /root/secret"),
        Plant(description: "a folder writable by a non-root group",
              plant: "install -d -m 2775 -g staff /srv/pallet-gw",
              step: #"- file: {path: /srv/pallet-gw/f, content: "x\n"}"#,
              refusal: "folder '/srv/pallet-gw' is writable by group staff; pallet will not act there as root",
              verify: "test ! -e /srv/pallet-gw/f"),
        Plant(description: "a folder below one writable by everyone without the sticky bit",
              plant: "install -d -m 0777 /srv/pallet-open && install -d -m 0755 /srv/pallet-open/sub",
              step: "- directory: {path: /srv/pallet-open/sub/d}",
              refusal: "folder '/srv/pallet-open' is writable by everyone",
              verify: "test ! -e /srv/pallet-open/sub/d"),
        Plant(description: "a file for root in alice's home",
              plant: "true",
              step: #"- file: {path: /home/alice/rootfile, content: "x\n", owner: root}"#,
              refusal: "'/home/alice' is controlled by alice; pallet writes there as alice, so '/home/alice/rootfile' can only belong to alice",
              verify: "test ! -e /home/alice/rootfile"),
        Plant(description: "line's target linked to a root-only file",
              plant: "ln -s /root/secret /home/alice/lines && chown -h alice: /home/alice/lines",
              step: #"- line: {path: /home/alice/lines, line: "pwned"}"#,
              refusal: "line: '/home/alice/lines' does not exist or is not a regular file"),
        Plant(description: "a folder in alice's home linked to a root-only folder",
              plant: "ln -s /root/ddir /home/alice/d && chown -h alice: /home/alice/d",
              step: #"- directory: {path: /home/alice/d/sub, mode: "0777"}"#,
              refusal: "could not create '/home/alice/d/sub' as alice"),
        Plant(description: "a directory to remove is alice's link to a root-only folder",
              plant: "ln -s /root/ddir /home/alice/gone && chown -h alice: /home/alice/gone && touch /root/ddir/keep",
              step: "- directory: {path: /home/alice/gone, state: absent}",
              refusal: "directory: '/home/alice/gone' is not a directory",
              verify: "test -e /root/ddir/keep && rm /root/ddir/keep"),
        Plant(description: "a file to remove is alice's link to a root-only file",
              plant: "ln -s /root/secret /home/alice/rm-me && chown -h alice: /home/alice/rm-me",
              step: "- file: {path: /home/alice/rm-me, state: absent}",
              verify: "test ! -e /home/alice/rm-me && ! test -L /home/alice/rm-me"),
        Plant(description: "a recursive owner over a hard link planted in a folder alice controls",
              plant: "install -d -m 0755 -o alice -g alice /srv/pallet-site && ln /root/secret /srv/pallet-site/hardlink",
              step: "- directory: {path: /srv/pallet-site, owner: alice, recursive: true}",
              refusal: "'/srv/pallet-site/hardlink' is not owned as asked and sits in '/srv/pallet-site', which a user other than root controls",
              verify: "test \"$(stat -c %U /srv/pallet-site/hardlink)\" = root && rm /srv/pallet-site/hardlink"),
        Plant(description: "validate and backup in alice's home run on private copies, the backup as alice",
              plant: "echo old > /home/alice/conf && chown alice: /home/alice/conf",
              step: #"- file: {path: /home/alice/conf, content: "new\n", backup: true, validate: 'case "$1" in /home/*) exit 1;; esac; grep -qx new "$1"'}"#,
              verify: "grep -qx new /home/alice/conf && test \"$(stat -c %U /home/alice/conf.pallet-backup-*)\" = alice && grep -qx old /home/alice/conf.pallet-backup-*"),
        Plant(description: "a user's home in a folder alice controls",
              plant: "true",
              step: "- user: {name: carol, home: /home/alice/carol}",
              refusal: "user: the home '/home/alice/carol' would sit in a folder alice may write",
              verify: "! getent passwd carol && test ! -e /home/alice/carol"),
        Plant(description: "cron when /etc/cron.d is writable by a non-root group",
              plant: "install -d /etc/cron.d && chgrp staff /etc/cron.d && chmod 2775 /etc/cron.d",
              step: #"- cron: {name: pwn, schedule: "* * * * *", command: "true"}"#,
              refusal: "folder '/etc/cron.d' is writable by group staff",
              verify: "test ! -e /etc/cron.d/pallet-pwn && chmod 0755 /etc/cron.d && chgrp root /etc/cron.d"),
        Plant(description: "sysctl when /etc/sysctl.d is writable by a non-root group",
              plant: "install -d /etc/sysctl.d && chgrp staff /etc/sysctl.d && chmod 2775 /etc/sysctl.d",
              step: "- sysctl: {name: kernel.pid_max, value: \"$(cat /proc/sys/kernel/pid_max)\"}",
              refusal: "folder '/etc/sysctl.d' is writable by group staff",
              verify: "test ! -e /etc/sysctl.d/60-pallet-kernel.pid_max.conf && chmod 0755 /etc/sysctl.d && chgrp root /etc/sysctl.d"),
    ]

    @Test("planted links, hard links and FIFOs: every step kind refuses or acts only as the folder's owner, and no root-only file changes")
    func plantedAttacks() throws {
        try runPlants(Self.plants, host: "plant")
    }

    /// What another user (bob) plants inside a tree alice controls: pallet acts there as alice, so
    /// bob could otherwise steer alice's writes into alice's private folders.
    static let crossUserPlants: [Plant] = [
        Plant(description: "bob's link inside alice's folder that everyone may write, pointing into alice's private folder",
              plant: "install -d -m 0777 -o alice -g alice /home/alice/shared && install -d -m 0700 -o alice -g alice /home/alice/private && ln -s /home/alice/private /home/alice/shared/sub && chown -h bob: /home/alice/shared/sub",
              step: #"- file: {path: /home/alice/shared/sub/f, content: "x\n"}"#,
              refusal: "folder '/home/alice/shared' in '/home/alice' is writable by others than alice",
              verify: "test ! -e /home/alice/private/f"),
        Plant(description: "bob's link in alice's folder (bob could plant it while the folder was open)",
              plant: "install -d -m 0700 -o alice -g alice /home/alice/private2 && ln -s /home/alice/private2 /home/alice/bob-link && chown -h bob: /home/alice/bob-link",
              step: #"- file: {path: /home/alice/bob-link/f, content: "x\n"}"#,
              refusal: "'/home/alice/bob-link' is a symbolic link owned by bob in '/home/alice', which alice controls",
              verify: "test ! -e /home/alice/private2/f"),
        Plant(description: "a folder in alice's tree writable by a non-root group",
              plant: "install -d -m 2775 -o alice -g staff /home/alice/team",
              step: "- directory: {path: /home/alice/team/d}",
              refusal: "folder '/home/alice/team' in '/home/alice' is writable by others than alice (group staff",
              verify: "test ! -e /home/alice/team/d"),
        Plant(description: "a folder in alice's tree writable by alice's own group (umask 002) is alice's",
              plant: "install -d -m 0775 -o alice -g alice /home/alice/own",
              step: #"- file: {path: /home/alice/own/f, content: "x\n"}"#,
              verify: "test \"$(stat -c %U /home/alice/own/f)\" = alice && grep -qx x /home/alice/own/f"),
        Plant(description: "alice's own link in her folder is still followed, as alice",
              plant: "install -d -m 0700 -o alice -g alice /home/alice/real && ln -sfn /home/alice/real /home/alice/mine && chown -h alice: /home/alice/mine",
              step: #"- file: {path: /home/alice/mine/f, content: "x\n"}"#,
              verify: "test \"$(stat -c %U /home/alice/real/f)\" = alice && grep -qx x /home/alice/real/f"),
    ]

    @Test("another user's link or a folder others may write inside a user's tree is refused; the user's own link is followed as that user")
    func crossUserPlantsRefused() throws {
        try runPlants(Self.crossUserPlants, host: "cross")
    }

    /// Runs each plant on one host: the step fails with its refusal or succeeds, its check holds,
    /// and no root-only file changes.
    func runPlants(_ plants: [Plant], host name: String) throws {
        let pidMax = try String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try withHost(name) { host in
            let before = try host.shell(Self.sentinels).stdout
            for plant in plants {
                let planted = try host.shell("rm -rf /home/alice/.ssh && " + plant.plant)
                #expect(planted.status == 0, "\(plant): \(planted.combined)")
                let step = plant.step.replacingOccurrences(of: "$(cat /proc/sys/kernel/pid_max)", with: pidMax)
                let bundle = try compileBundle(Self.spec([step]))
                let started = Date()
                let run = try host.runBundle(bundle)
                #expect(Date().timeIntervalSince(started) < 20, "\(plant): the run took too long")
                if let refusal = plant.refusal {
                    #expect(run.result.status == 1, "\(plant): \(run.result.combined)")
                    #expect(run.statuses == ["failed"], "\(plant): \(run.statusLines)")
                    #expect(run.result.stderr.contains(refusal), "\(plant): \(run.result.stderr)")
                } else {
                    #expect(run.result.status == 0, "\(plant): \(run.result.combined)")
                    #expect(run.statuses == ["changed"], "\(plant): \(run.statusLines)")
                }
                let verified = try host.shell(plant.verify)
                #expect(verified.status == 0, "\(plant): \(verified.combined)")
                #expect(try host.shell(Self.sentinels).stdout == before, "\(plant) changed a root-only file")
            }
            // Nothing pallet made in alice's folders belongs to root, and alice can read nothing of root's.
            let rootOwned = try host.shell("find /home/alice /tmp -mindepth 1 -user root ! -name 'tmp.*' -print")
            #expect(rootOwned.stdout.isEmpty, "root-owned entries in alice's reach: \(rootOwned.stdout)")
            let leaked = try host.shell("setpriv --reuid=alice --regid=alice --init-groups grep -rl ROOT-ONLY /home/alice /tmp /srv 2>/dev/null; true")
            #expect(leaked.stdout.isEmpty, "root-only content readable by alice: \(leaked.stdout)")
        }
    }

    @Test("built-in crates refuse folders a non-root group may write, and the admin user's planted ~/.ssh link")
    func builtInCrates() throws {
        let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOqQadmin admin@control"
        // What each crate writes on the node, and a folder on its way made writable by group staff.
        let cases: [(crate: String, tamper: String, refusal: String, untouched: String)] = [
            ("- crate: timezone\n  with: {zone: Europe/Paris}", "chgrp staff /etc && chmod g+w /etc",
             "folder '/etc' is writable by group staff", "/etc/timezone"),
            ("- crate: sshd\n  with: {allow-users: admin}", "chgrp staff /etc/ssh && chmod g+w /etc/ssh",
             "folder '/etc/ssh' is writable by group staff", "/etc/ssh/sshd_config"),
            ("- crate: automated-admin-user\n  with: {public-key: \"\(key)\"}", "chgrp staff /etc/sudoers.d && chmod g+w /etc/sudoers.d",
             "folder '/etc/sudoers.d' is writable by group staff", "/etc/sudoers.d/pallet-pallet-admin"),
            ("- crate: nginx\n  with: {root: /var/www/pallet}", "install -d -m 0775 -g staff /etc/nginx/sites-available",
             "folder '/etc/nginx/sites-available' is writable by group staff", "/etc/nginx/sites-available/pallet-localhost"),
            ("- crate: mariadb\n  with: {root-password: {secret: {env: R}}, database: d, user: u, password: {secret: {env: P}}}",
             "install -d -m 0775 -g staff /etc/mysql/mariadb.conf.d", "folder '/etc/mysql/mariadb.conf.d' is writable by group staff",
             "/etc/mysql/mariadb.conf.d/60-pallet.cnf"),
        ]
        try withHost("crates") { host in
            // Package steps must not reach the network: every package a crate asks for counts as
            // installed (the crates' file steps are what is under test).
            let fake = try host.shell("""
                set -e
                for tool in apt-get dpkg-query; do mv /usr/bin/$tool /usr/bin/$tool.real; done
                printf '#!/bin/sh\\nexit 0\\n' > /usr/bin/apt-get
                cat > /usr/bin/dpkg-query <<'FAKE'
                #!/bin/sh
                for p in "$@"; do case $p in -*) ;; *) printf '%s\\tii \\t1\\n' "$p" ;; esac; done
                FAKE
                chmod 0755 /usr/bin/apt-get /usr/bin/dpkg-query
                """)
            #expect(fake.status == 0, "\(fake.combined)")
            // The admin user exists already, so that its step changes no account file.
            #expect(try host.shell("useradd -m -s /bin/bash pallet-admin").status == 0)
            let before = try host.shell(Self.sentinels).stdout
            for item in cases {
                let bundle = try compileBundle(Self.spec([item.crate]), secrets: ["env-R": "r", "env-P": "p"])
                let snapshot = try host.shell("stat -c '%s %Y' -- \(item.untouched) 2>&1; true").stdout
                let tampered = try host.shell(item.tamper)
                #expect(tampered.status == 0, "\(tampered.combined)")
                let run = try host.runBundle(bundle)
                #expect(run.result.status == 1, "\(item.crate): \(run.result.combined)")
                #expect(run.statuses.last == "failed", "\(item.crate): \(run.statusLines)")
                #expect(run.result.stderr.contains(item.refusal), "\(item.crate): \(run.result.stderr)")
                #expect(try host.shell("stat -c '%s %Y' -- \(item.untouched) 2>&1; true").stdout == snapshot, "\(item.crate) wrote \(item.untouched)")
                let restored = try host.shell("chmod g-w /etc /etc/ssh /etc/sudoers.d; chgrp root /etc /etc/ssh /etc/sudoers.d; rm -rf /etc/nginx /etc/mysql/mariadb.conf.d; true")
                #expect(restored.status == 0)
            }
            // The admin user's own home: a ~/.ssh link to a root-only folder is refused.
            let plant = try host.shell("rm -rf /home/pallet-admin/.ssh && ln -s /root/sshdir /home/pallet-admin/.ssh && chown -h pallet-admin: /home/pallet-admin/.ssh")
            #expect(plant.status == 0, "\(plant.combined)")
            let admin = try compileBundle("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - crate: automated-admin-user
                          with: {public-key: "\(key)"}
                """)
            let run = try host.runBundle(admin)
            #expect(run.result.status == 1)
            #expect(run.result.stderr.contains("'/home/pallet-admin/.ssh' exists and is not a directory"), "\(run.result.stderr)")
            #expect(try host.shell(Self.sentinels).stdout == before)
        }
    }

    // MARK: Point 1: an inotify-driven race

    /// A step kind under attack: bundles A and B undo each other, so every run changes the node;
    /// `reset` (bash, as alice, before each run: A or B) restores what a swap may have broken.
    struct RaceKind: CustomStringConvertible, Sendable {
        var description: String
        var steps: @Sendable (String) -> [String]
        var resetA = "true"
        var resetB = "true"
        /// Run as root before each run.
        var rootReset = "true"
        /// Whether every step must still succeed (the attacker cannot touch what pallet works on).
        var mustSucceed = false
        /// The folders the attacker watches.
        var watched = "/home/alice /home/alice/.ssh /home/alice/race /home/alice/race/dirs /tmp"
        var secrets: @Sendable (String) -> [String: String] = { _ in [:] }
    }

    static let keys = (1...4).map { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIRace\($0) race\($0)@attack" }

    static let raceKinds: [RaceKind] = [
        RaceKind(description: "file", steps: { variant in
            (1...4).map { "- file: {path: /home/alice/race/file\($0), content: \"\(variant) \($0)\\n\", mode: \"0640\"}" }
        }),
        RaceKind(description: "file (secret)", steps: { _ in
            (1...4).map { "- file: {path: /home/alice/race/secret\($0), content: {secret: {env: RACE}}}" }
        }, secrets: { variant in ["env-RACE": "secret \(variant)\n"] }),
        RaceKind(description: "file (template, backup, validate)", steps: { variant in
            (1...2).map {
                "- file: {path: /home/alice/race/conf\($0), content: \"\(variant) {{ node.name }}\\n\", backup: true, validate: 'grep -q \(variant) \"$1\"'}"
            }
        }),
        RaceKind(description: "line", steps: { variant in
            (1...4).map { "- line: {path: /home/alice/race/lines, line: \"line \($0)\", state: \(variant == "A" ? "present" : "absent")}" }
        }, resetA: "rm -f /home/alice/race/lines; printf 'base\\n' > /home/alice/race/lines",
           resetB: "rm -f /home/alice/race/lines; printf 'base\\nline 1\\nline 2\\nline 3\\nline 4\\n' > /home/alice/race/lines"),
        RaceKind(description: "authorized-key", steps: { variant in
            keys.map { "- authorized-key: {user: alice, key: \"\($0)\", state: \(variant == "A" ? "present" : "absent")}" }
        }, resetA: "rm -f /home/alice/.ssh/authorized_keys; : > /home/alice/.ssh/authorized_keys; chmod 0600 /home/alice/.ssh/authorized_keys",
           resetB: "rm -f /home/alice/.ssh/authorized_keys; printf '%s\\n' '\(keys.joined(separator: "' '"))' > /home/alice/.ssh/authorized_keys; chmod 0600 /home/alice/.ssh/authorized_keys"),
        RaceKind(description: "link", steps: { variant in
            (1...4).map { "- link: {path: /home/alice/race/link\($0), target: /etc/\(variant == "A" ? "hostname" : "hosts")}" }
        }),
        RaceKind(description: "directory", steps: { variant in
            (1...4).map { variant == "A" ? "- directory: {path: /home/alice/race/dirs/d\($0)/sub, mode: \"0750\"}" : "- directory: {path: /home/alice/race/dirs/d\($0), state: absent}" }
        }, resetA: "rm -rf /home/alice/race/dirs/*"),
        RaceKind(description: "directory (recursive owner, as root)", steps: { _ in
            ["- directory: {path: /srv/race-tree, owner: alice, group: alice, recursive: true}"]
        }, rootReset: """
            install -d -m 0755 -o root -g root /srv/race-tree && chown root:root /srv/race-tree
            find /srv/race-tree -mindepth 1 -delete
            mkdir -p /srv/race-tree/a/b/c
            for d in /srv/race-tree /srv/race-tree/a /srv/race-tree/a/b /srv/race-tree/a/b/c; do touch "$d/f1" "$d/f2"; done
            """, mustSucceed: true, watched: "/srv/race-tree"),
        RaceKind(description: "file in /tmp", steps: { variant in
            (1...4).map { "- file: {path: /tmp/pallet-race\($0), content: \"\(variant) \($0)\\n\", owner: root, mode: \"0644\"}" }
        }, mustSucceed: true),
    ]

    @Test("an inotify-driven attacker swapping pallet's temp files and targets for links and FIFOs wins nothing (50+ attempts per step kind)")
    func raceAttack() throws {
        try withHost("race") { host in
            let prepared = try host.shell("""
                set -e
                install -d -m 0755 -o alice -g alice /home/alice/race /home/alice/race/dirs
                install -d -m 0700 -o alice -g alice /home/alice/.ssh
                install -d -m 0700 /root/race
                """)
            #expect(prepared.status == 0, "\(prepared.combined)")
            let before = try host.shell(Self.sentinels).stdout
            var swaps = 0
            for kind in Self.raceKinds {
                for variant in ["A", "B"] {
                    let bundle = try compileBundle(Self.spec(kind.steps(variant)), secrets: kind.secrets(variant))
                    let stored = try host.exec(["bash", "-c", "cat > /root/race/$1.tar", "store", variant], stdin: bundle)
                    #expect(stored.status == 0)
                }
                let root = try host.shell(kind.rootReset)
                #expect(root.status == 0, "\(kind): \(root.combined)")
                let result = try host.exec(["bash", "-c", Self.raceLoop, "race", kind.resetA, kind.resetB, kind.rootReset, kind.watched])
                #expect(result.status == 0, "\(kind): \(result.combined)")
                print("race \(kind): \(result.stdout)", terminator: "")
                let report = Self.fields(result.stdout)
                let attempts = report["attempts"] ?? 0
                #expect(attempts >= 50, "\(kind): only \(attempts) attempts: \(result.combined)")
                #expect(report["leaks"] == 0, "\(kind): the attacker read root-only content: \(result.combined)")
                if kind.mustSucceed { #expect(report["failed"] == 0, "\(kind): \(result.stdout)") }
                swaps += report["swaps"] ?? 0
                #expect(try host.shell(Self.sentinels).stdout == before, "\(kind): a root-only file changed")
                let rootOwned = try host.shell("find /home/alice /srv/race-tree -user root -print 2>/dev/null; true")
                #expect(rootOwned.stdout.isEmpty, "\(kind): root-owned entries in alice's home: \(rootOwned.stdout)")
                let leaked = try host.shell("setpriv --reuid=alice --regid=alice --init-groups grep -rl ROOT-ONLY /home/alice /tmp /srv 2>/dev/null; true")
                #expect(leaked.stdout.isEmpty, "\(kind): root-only content readable by alice: \(leaked.stdout)")
            }
            // The attacker did race: it swapped files while pallet worked.
            #expect(swaps > 50, "the attacker swapped only \(swaps) times")
        }
    }

    /// Runs /root/race/A.tar and B.tar alternately under attack until 50 steps acted (changed or
    /// failed); prints "attempts=N runs=N failed=N swaps=N leaks=N" and the first error.
    static let raceLoop = #"""
        set -u
        reset_a=$1 reset_b=$2 root_reset=$3
        read -r -a watched <<<"$4"
        log=/opt/pallet-attack/alice/race.log
        : > "$log"; chown alice: "$log"
        as_alice() { setpriv --reuid=alice --regid=alice --init-groups --reset-env -- "$@"; }
        # Started directly (no subshell), so that $! is the attacker itself.
        setpriv --reuid=alice --regid=alice --init-groups --reset-env -- python3 /opt/pallet-attack/race-attacker.py "$log" /root/secret /root \
          "${watched[@]}" >/dev/null 2>&1 &
        attacker=$!
        for _ in $(seq 100); do grep -q ready "$log" && break; sleep 0.05; done
        attempts=0 runs=0 failed=0 first_failure=''
        # Each bundle unpacked once, in a private folder, and run again and again.
        for variant in A B; do
          rm -rf "/root/race/$variant.d" && mkdir -m 0700 "/root/race/$variant.d" && tar -xf "/root/race/$variant.tar" -C "/root/race/$variant.d"
        done
        while ((attempts < 50 && runs < 80)); do
          for variant in A B; do
            bash -c "$root_reset" >/dev/null
            if [[ $variant == A ]]; then as_alice bash -c "$reset_a"; else as_alice bash -c "$reset_b"; fi
            out=/root/race/$variant.out
            bash "/root/race/$variant.d/run.sh" > "$out" 2>&1 || true
            n=$(grep -cE '^::pallet step [0-9]+/[0-9]+ (changed|failed) ' "$out" || true)
            f=$(grep -cE '^::pallet step [0-9]+/[0-9]+ failed ' "$out" || true)
            if ((f)) && [[ -z $first_failure ]]; then first_failure=$(grep '^pallet: error' "$out" | head -1); fi
            attempts=$((attempts + n)) runs=$((runs + 1)) failed=$((failed + f))
          done
        done
        kill "$attacker"; wait "$attacker" 2>/dev/null
        swaps=$(grep -cE '^(swap|fifo) ' "$log" || true)
        leaks=$(grep -c '^leak ' "$log" || true)
        echo "attempts=$attempts runs=$runs failed=$failed swaps=$swaps leaks=$leaks"
        if [[ -n $first_failure ]]; then echo "first failure: $first_failure"; fi
        """#

    static func fields(_ text: String) -> [String: Int] {
        var result: [String: Int] = [:]
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let pair = word.split(separator: "=")
            if pair.count == 2, let value = Int(pair[1]) { result[String(pair[0])] = value }
        }
        return result
    }

    // MARK: Point 2: modes

    @Test("a secret file is never readable by another user: bob polls during 50 writes as root and 50 as alice")
    func secretNeverReadable() throws {
        func bundle(_ value: String) throws -> [UInt8] {
            try compileBundle("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - file: {path: /srv/pallet-secret/token, content: {secret: {env: TOKEN}}}
                        - file: {path: /home/alice/secret/token, content: {secret: {env: TOKEN}}}
                        - file: {path: /srv/pallet-secret/grouped, content: "\(value)\\n", mode: "0640"}
                """, secrets: ["env-TOKEN": value + "\n"])
        }
        try withHost("modes") { host in
            let prepared = try host.shell("""
                set -e
                install -d -m 0755 /srv/pallet-secret
                install -d -m 0755 -o alice -g alice /home/alice/secret
                install -d -m 0700 /root/race
                """)
            #expect(prepared.status == 0, "\(prepared.combined)")
            for variant in ["A", "B"] {
                let stored = try host.exec(["bash", "-c", "cat > /root/race/$1.tar", "store", variant], stdin: try bundle("SECRET-VALUE-\(variant)"))
                #expect(stored.status == 0)
            }
            let result = try host.shell(#"""
                set -u
                log=/opt/pallet-attack/bob/watch.log
                : > "$log"; chown bob: "$log"
                setpriv --reuid=bob --regid=bob --init-groups --reset-env -- python3 /opt/pallet-attack/secret-watcher.py "$log" SECRET-VALUE \
                  /srv/pallet-secret /home/alice/secret >/dev/null 2>&1 &
                watcher=$!
                for _ in $(seq 100); do grep -q ready "$log" && break; sleep 0.05; done
                changed=0
                for _ in $(seq 25); do
                  for variant in A B; do
                    dir=$(mktemp -d /root/race/run.XXXXXX)
                    tar -xf "/root/race/$variant.tar" -C "$dir"
                    bash "$dir/run.sh" > "$dir.out" 2>&1 || { cat "$dir.out"; exit 1; }
                    changed=$((changed + $(grep -cE '^::pallet step [0-9]+/[0-9]+ changed ' "$dir.out")))
                    rm -rf -- "$dir" "$dir.out"
                  done
                done
                kill "$watcher"; wait "$watcher" 2>/dev/null
                for _ in $(seq 100); do grep -q '^polls' "$log" && break; sleep 0.05; done
                echo "changed=$changed reads=$(grep -c '^read ' "$log") $(grep '^polls' "$log" | tr ' ' '=')"
                stat -c '%n %U %G %a' /srv/pallet-secret/token /home/alice/secret/token /srv/pallet-secret/grouped
                """#)
            #expect(result.status == 0, "\(result.combined)")
            let report = Self.fields(result.stdout)
            #expect(report["changed"] == 150, "\(result.stdout)")
            #expect(report["reads"] == 0, "bob read the secret: \(result.stdout)")
            #expect((report["polls"] ?? 0) > 50, "the watcher hardly polled: \(result.stdout)")
            #expect(result.stdout.contains("/srv/pallet-secret/token root root 600\n"), "\(result.stdout)")
            #expect(result.stdout.contains("/home/alice/secret/token alice alice 600\n"), "\(result.stdout)")
            #expect(result.stdout.contains("/srv/pallet-secret/grouped root root 640\n"), "\(result.stdout)")
        }
    }

    @Test("a run killed with SIGKILL while it writes a secret leaves a temp file that the next run removes, in root's folder and in alice's")
    func killedInstallLeftoverRemoved() throws {
        let bundle = try compileBundle("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - file: {path: /srv/pallet-killed/token, content: {secret: {env: TOKEN}}}
                    - file: {path: /home/alice/killed/token, content: {secret: {env: TOKEN}}}
            """, secrets: ["env-TOKEN": "KILLED-SECRET\n"])
        try withHost("killed") { host in
            let prepared = try host.shell("""
                set -e
                install -d -m 0755 /srv/pallet-killed
                install -d -m 0755 -o alice -g alice /home/alice/killed
                install -d -m 0700 /root/killed
                mv /usr/bin/sync /usr/bin/sync.real
                """)
            #expect(prepared.status == 0, "\(prepared.combined)")
            #expect(try host.exec(["bash", "-c", "cat > /root/killed/b.tar"], stdin: bundle).status == 0)
            // sync hangs, so each run stops right after the secret went into the temp file; it is
            // then killed with SIGKILL, and the next run (with sync back) must remove the leftover.
            /// Runs the bundle and kills its whole session once a temp file appeared in `folder`;
            /// prints what the folder then holds.
            func killMidWrite(_ folder: String) throws -> ProcessResult {
                try host.shell(#"""
                    set -u
                    printf '#!/bin/sh\nexec sleep 60\n' > /usr/bin/sync && chmod 0755 /usr/bin/sync
                    rm -rf /root/killed/run && mkdir -m 0700 /root/killed/run && tar -xf /root/killed/b.tar -C /root/killed/run
                    setsid bash /root/killed/run/run.sh > /root/killed/out 2>&1 &
                    run=$!
                    for _ in $(seq 200); do compgen -G "$1/.pallet.*" >/dev/null && break; sleep 0.05; done
                    sleep 0.3
                    # The whole session: the install done as alice runs under timeout, in a group of its own.
                    pkill -KILL -s "$run"; wait "$run" 2>/dev/null
                    ls -A "$1"
                    """#.replacingOccurrences(of: "$1", with: folder))
            }
            for (folder, wrote) in [("/srv/pallet-killed", "root"), ("/home/alice/killed", "alice")] {
                let killed = try killMidWrite(folder)
                #expect(killed.stdout.contains(".pallet."), "\(wrote): no temp file was left to test with: \(killed.combined)")
                let again = try host.shell("""
                    set -u
                    cp /usr/bin/sync.real /usr/bin/sync
                    bash /root/killed/run/run.sh > /root/killed/out 2>&1; echo "status=$?"
                    ls -A \(folder)
                    grep -rl KILLED-SECRET /srv /home 2>/dev/null | sort
                    """)
                #expect(again.stdout.contains("status=0"), "\(again.combined)")
                #expect(!again.stdout.contains(".pallet."), "\(wrote): the temp file of the killed run is still there: \(again.stdout)")
                #expect(again.stdout.contains("/home/alice/killed/token\n/srv/pallet-killed/token\n"), "\(again.stdout)")
                // The next round stops at alice's file (root's is in place by now).
                #expect(try host.shell("rm -f /home/alice/killed/token").status == 0)
            }
            // Alice swaps her leftover for a link to a root file before the next run: the removal,
            // done as alice, never reaches the file the link points to.
            let killed = try killMidWrite("/home/alice/killed")
            #expect(killed.stdout.contains(".pallet."), "no temp file was left to test with: \(killed.combined)")
            let planted = try host.shell(#"""
                set -e
                printf 'keep\n' > /etc/pallet-killed-victim
                leftover=$(compgen -G "/home/alice/killed/.pallet.*")
                setpriv --reuid=alice --regid=alice --clear-groups bash -c 'rm -rf -- "$1" && ln -s /etc/pallet-killed-victim "$1"' _ "$leftover"
                cp /usr/bin/sync.real /usr/bin/sync
                bash /root/killed/run/run.sh > /root/killed/out 2>&1; echo "status=$?"
                cat /etc/pallet-killed-victim
                """#)
            #expect(planted.stdout == "status=0\nkeep\n", "\(planted.combined)")
        }
    }

    // MARK: Point 6: check mode

    @Test("check mode runs no guard, validate command or download: the steps report unknown or not evaluated, and leave no marker")
    func checkModeRunsNothing() throws {
        try withHost("check") { host in
            let port = 18_000 + Int(getpid() % 1_000)
            let served = try host.shell("""
                set -e
                install -d -m 0755 /srv/pallet-www /opt/pallet-marks
                printf 'tool\\n' > /srv/pallet-www/tool
                setsid python3 -u -m http.server \(port) --bind \(host.address) --directory /srv/pallet-www >/dev/null 2>/opt/pallet-marks.http &
                for _ in $(seq 100); do grep -q . /opt/pallet-marks.http 2>/dev/null && break; curl -s -o /dev/null http://\(host.address):\(port)/ready && break; sleep 0.05; done
                : > /opt/pallet-marks.http
                """)
            #expect(served.status == 0, "\(served.combined)")
            let sha256 = SHA256.hexDigest(Array("tool\n".utf8))
            let bundle = try compileBundle("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - exec: {script: "touch /opt/pallet-marks/script-1", unless: "touch /opt/pallet-marks/unless; false"}
                        - exec: {script: "touch /opt/pallet-marks/script-2", only-if: "touch /opt/pallet-marks/only-if"}
                        - file: {path: /opt/pallet-marks/validated, content: "x\\n", validate: "touch /opt/pallet-marks/validate"}
                        - file: {path: /opt/pallet-marks/tool, url: "http://\(host.address):\(port)/tool", sha256: "\(sha256)"}
                """)
            let check = try host.runBundle(bundle, environment: ["PALLET_CHECK": "1"])
            #expect(check.result.status == 0, "\(check.result.combined)")
            #expect(check.statuses == ["unknown", "unknown", "would-change", "unknown"], "\(check.statusLines)")
            #expect(check.diffs[1] == ["exec not evaluated: check mode does not run its unless command"], "\(check.diffs)")
            #expect(check.diffs[2] == ["exec not evaluated: check mode does not run its only-if command"], "\(check.diffs)")
            #expect(check.diffs[3]?.last == "/opt/pallet-marks/validated: not evaluated: check mode does not run the validate command", "\(check.diffs)")
            #expect(check.diffs[4] == ["/opt/pallet-marks/tool: not evaluated: check mode does not download http://\(host.address):\(port)/tool"],
                    "\(check.diffs)")
            #expect(try host.shell("ls -A /opt/pallet-marks").stdout.isEmpty)
            #expect(try host.shell("cat /opt/pallet-marks.http").stdout.isEmpty, "check mode downloaded")

            // The same bundle applied runs all of them: the markers would have shown a run.
            let apply = try host.runBundle(bundle)
            #expect(apply.result.status == 0, "\(apply.result.combined)")
            #expect(try host.shell("ls -A /opt/pallet-marks").stdout == "only-if\nscript-1\nscript-2\ntool\nunless\nvalidate\nvalidated\n")
            #expect(try host.shell("grep -c 'GET /tool' /opt/pallet-marks.http").stdout == "1\n")
        }
    }

    // MARK: Bounded waits

    @Test("a run waits for another run's node lock at most PALLET_LOCK_WAIT seconds, then fails clearly")
    func boundedLock() throws {
        let bundle = try compileBundle("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - file: {path: /etc/pallet-lock-test, content: "x\\n"}
            """)
        try TestHost.with(name: "lock") { host in
            let held = try host.shell("install -d -m 0700 /var/lib/pallet && (setsid flock /var/lib/pallet/lock sleep 60 >/dev/null 2>&1 &) && sleep 0.3")
            #expect(held.status == 0, "\(held.combined)")
            let started = Date()
            let run = try host.runBundle(bundle, environment: ["PALLET_LOCK_WAIT": "2"])
            let seconds = Date().timeIntervalSince(started)
            #expect(run.result.status == 1, "\(run.result.combined)")
            #expect(seconds >= 2 && seconds < 15, "waited \(seconds) s")
            #expect(run.result.stderr.contains("another pallet run held the lock on this node for more than 2 seconds; nothing was changed"),
                    "\(run.result.stderr)")
            #expect(try !host.exists("/etc/pallet-lock-test"))
        }
    }
}
