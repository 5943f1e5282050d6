import Foundation
import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

/// The `service`, `sysctl`, `cron` and `exec` actions on real test hosts.
@Suite("Actions on test hosts: service, sysctl, cron, exec", .enabled(if: TestHostSupport.requireRoot("Actions on test hosts: system")))
struct SystemActionTests {
    /// A SysV init script around a `sleep` daemon with a pidfile; it logs every action it takes.
    /// It stops the daemon with SIGKILL: processes started through `host.exec` inherit the test
    /// process's blocked signal mask (SIGTERM included), so a SIGTERM would stay pending forever.
    static let initScript = #"""
        #!/bin/sh
        ### BEGIN INIT INFO
        # Provides:          pallet-demo
        # Required-Start:
        # Required-Stop:
        # Default-Start:     2 3 4 5
        # Default-Stop:      0 1 6
        # Short-Description: Pallet test daemon
        ### END INIT INFO
        PIDFILE=/run/pallet-demo.pid
        LOG=/var/log/pallet-demo.log
        running() {
          [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
        }
        do_start() {
          if running; then return 0; fi
          sleep 100000 </dev/null >/dev/null 2>&1 &
          echo $! > "$PIDFILE"
          echo start >> "$LOG"
        }
        do_stop() {
          if running; then kill -KILL "$(cat "$PIDFILE")"; fi
          rm -f "$PIDFILE"
          echo stop >> "$LOG"
        }
        case "$1" in
          start) do_start ;;
          stop) do_stop ;;
          restart) do_stop; do_start ;;
          reload) running || exit 7; echo reload >> "$LOG" ;;
          status) running || exit 3 ;;
          *) echo "usage: $0 start|stop|restart|reload|status" >&2; exit 2 ;;
        esac
        exit 0

        """#

    /// A bundle of one service step.
    func serviceBundle(_ options: String) throws -> [UInt8] {
        try compileBundle("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - service: {name: pallet-demo, \(options)}
            """)
    }

    @Test("service: started and enabled, reloaded, restarted (always changed), stopped and disabled, via the service command")
    func service() throws {
        let started = try serviceBundle("state: started, enabled: true")
        let reloaded = try serviceBundle("state: reloaded")
        let restarted = try serviceBundle("state: restarted")
        let stopped = try serviceBundle("state: stopped, enabled: false")
        try TestHost.with(name: "service") { host in
            // The daemon's pid (or "stopped") and its boot links: state outside the upper directory.
            let probe = "cat /run/pallet-demo.pid 2>/dev/null || echo stopped; ls /etc/rc2.d | grep pallet-demo || true"
            func log() throws -> String { try host.text("/var/log/pallet-demo.log") ?? "" }
            func pid() throws -> String { try host.text("/run/pallet-demo.pid") ?? "" }
            func alive() throws -> Bool { try host.shell("kill -0 \"$(cat /run/pallet-demo.pid)\"").status == 0 }
            let setup = try host.exec(["bash", "-c", "cat > /etc/init.d/pallet-demo && chmod 0755 /etc/init.d/pallet-demo"], stdin: Array(Self.initScript.utf8))
            #expect(setup.status == 0, "\(setup.combined)")

            var harness = ActionHarness(host: host, bundle: started, converged: ["ok"])
            harness.probe = probe
            try harness.expectFirstRun(["changed"])
            #expect(try alive())
            #expect(try log() == "start\n")
            #expect(try host.shell("ls /etc/rc2.d/S??pallet-demo /etc/rc5.d/S??pallet-demo").status == 0, "enabled at boot")
            try harness.expectConverged()
            #expect(try log() == "start\n")
            try harness.expectDrift("service pallet-demo stop", [1: ["service pallet-demo would start"]])
            #expect(try alive())
            try harness.expectDrift("update-rc.d pallet-demo disable 2>/dev/null", [1: ["service pallet-demo would be enabled at boot"]])
            #expect(try host.shell("ls /etc/rc2.d/S??pallet-demo").status == 0)
            #expect(try log() == "start\nstop\nstart\n")

            // reloaded and restarted act on every run; check mode only says so.
            let running = try pid()
            harness = ActionHarness(host: host, bundle: reloaded, converged: ["changed"])
            harness.probe = probe
            try harness.expectFirstRun(["changed"])
            try harness.expectFirstRun(["changed"])
            #expect(try log() == "start\nstop\nstart\nreload\nreload\n")
            #expect(try pid() == running)
            try harness.expectDrift("true", [1: ["service pallet-demo would reload"]], repair: false)

            harness = ActionHarness(host: host, bundle: restarted, converged: ["changed"])
            harness.probe = probe
            try harness.expectFirstRun(["changed"])
            let restartedPid = try pid()
            #expect(restartedPid != running)
            #expect(try alive())
            try harness.expectFirstRun(["changed"])
            #expect(try pid() != restartedPid)
            #expect(try log() == "start\nstop\nstart\nreload\nreload\nstop\nstart\nstop\nstart\n")
            try harness.expectDrift("true", [1: ["service pallet-demo would restart"]], repair: false)

            harness = ActionHarness(host: host, bundle: stopped, converged: ["ok"])
            harness.probe = probe
            try harness.expectFirstRun(["changed"])
            #expect(try !host.exists("/run/pallet-demo.pid"))
            let processes = try host.shell("ps -eo pid,ppid,stat,args").stdout
            #expect(try host.shell("pgrep -fx 'sleep 100000'").status == 1, "the daemon is gone: \(processes)")
            #expect(try host.shell("ls /etc/rc2.d/S??pallet-demo").status != 0)
            #expect(try host.shell("ls /etc/rc2.d/K??pallet-demo").status == 0)
            try harness.expectConverged()
            try harness.expectDrift("service pallet-demo start", [1: ["service pallet-demo would stop"]])
            #expect(try !host.exists("/run/pallet-demo.pid"))
            try harness.expectDrift("update-rc.d pallet-demo enable 2>/dev/null", [1: ["service pallet-demo would be disabled at boot"]])
            #expect(try host.shell("ls /etc/rc2.d/S??pallet-demo").status != 0)

            // reloaded starts a stopped service.
            let start = try host.runBundle(reloaded)
            #expect(start.statuses == ["changed"])
            #expect(try alive())
            #expect(try log().hasSuffix("stop\nstart\n"))
        }
    }

    @Test("sysctl: sets the live value and writes /etc/sysctl.d/60-pallet-NAME.conf")
    func sysctl() throws {
        // kernel.domainname belongs to the host's own UTS namespace: setting it is harmless to the
        // machine. net.ipv4.ip_forward is shared with the machine, so it is set to its current value.
        let forward = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_forward", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let bundle = try compileBundle("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - sysctl: {name: kernel.domainname, value: pallet-test}
                    - sysctl: {name: net/ipv4/ip_forward, value: "\(forward)"}
            """)
        try TestHost.with(name: "sysctl") { host in
            var harness = ActionHarness(host: host, bundle: bundle, converged: ["ok", "ok"])
            harness.probe = "sysctl -n kernel.domainname net.ipv4.ip_forward"
            #expect(try host.exec(["sysctl", "-n", "kernel.domainname"]).stdout == "(none)\n")
            try harness.expectFirstRun(["changed", "changed"])
            #expect(try host.exec(["sysctl", "-n", "kernel.domainname"]).stdout == "pallet-test\n")
            #expect(try host.text("/etc/sysctl.d/60-pallet-kernel.domainname.conf") == "kernel.domainname = pallet-test\n")
            #expect(try host.stat("%U %G %a", "/etc/sysctl.d/60-pallet-kernel.domainname.conf") == "root root 644")
            #expect(try host.text("/etc/sysctl.d/60-pallet-net.ipv4.ip_forward.conf") == "net/ipv4/ip_forward = \(forward)\n")
            #expect(try String(contentsOfFile: "/proc/sys/kernel/domainname", encoding: .utf8) != "pallet-test\n", "the machine's own value is untouched")
            try harness.expectConverged()

            try harness.expectDrift("sysctl -q -w kernel.domainname=drifted", [1: ["sysctl kernel.domainname: drifted -> pallet-test"]])
            #expect(try host.exec(["sysctl", "-n", "kernel.domainname"]).stdout == "pallet-test\n")
            try harness.expectDrift("echo 'kernel.domainname = other' > /etc/sysctl.d/60-pallet-kernel.domainname.conf", [1: [
                "--- /etc/sysctl.d/60-pallet-kernel.domainname.conf (node)", "+++ /etc/sysctl.d/60-pallet-kernel.domainname.conf (plan)",
                "-kernel.domainname = other", "+kernel.domainname = pallet-test",
            ]])
            try harness.expectDrift("rm /etc/sysctl.d/60-pallet-net.ipv4.ip_forward.conf", [2: ["+net/ipv4/ip_forward = \(forward)"]])
            #expect(try host.text("/etc/sysctl.d/60-pallet-net.ipv4.ip_forward.conf") == "net/ipv4/ip_forward = \(forward)\n")
        }
    }

    @Test("cron: /etc/cron.d/pallet-NAME with schedule, user and command, mode 0644; absent")
    func cron() throws {
        let bundle = try compileBundle("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - cron: {name: backup, schedule: "15 2 * * *", command: "/usr/local/bin/backup --quiet > /dev/null 2>&1", user: nobody}
                    - cron: {name: nightly.clean, schedule: "@daily", command: "find /tmp -mtime +7 -delete"}
                    - cron: {name: legacy, state: absent}
            """)
        let backup = """
            # Managed by pallet: cron job backup
            SHELL=/bin/sh
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
            15 2 * * * nobody /usr/local/bin/backup --quiet > /dev/null 2>&1

            """
        let clean = """
            # Managed by pallet: cron job nightly.clean
            SHELL=/bin/sh
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
            @daily root find /tmp -mtime +7 -delete

            """
        try TestHost.with(name: "cron") { host in
            let harness = ActionHarness(host: host, bundle: bundle, converged: ["ok", "ok", "ok"])
            try harness.shell("echo '* * * * * root true' > /etc/cron.d/pallet-legacy")
            try harness.expectFirstRun(["changed", "changed", "changed"])
            #expect(try host.text("/etc/cron.d/pallet-backup") == backup)
            #expect(try host.stat("%U %G %a", "/etc/cron.d/pallet-backup") == "root root 644")
            #expect(try host.text("/etc/cron.d/pallet-nightly-clean") == clean)
            #expect(try host.stat("%U %G %a", "/etc/cron.d/pallet-nightly-clean") == "root root 644")
            #expect(try !host.exists("/etc/cron.d/pallet-legacy"))
            try harness.expectConverged()

            try harness.expectDrift("sed -i 's/^15 2/30 4/' /etc/cron.d/pallet-backup", [1: [
                "--- /etc/cron.d/pallet-backup (node)", "+++ /etc/cron.d/pallet-backup (plan)",
                "-30 4 * * * nobody /usr/local/bin/backup --quiet > /dev/null 2>&1", "+15 2 * * * nobody /usr/local/bin/backup --quiet > /dev/null 2>&1",
            ]])
            #expect(try host.text("/etc/cron.d/pallet-backup") == backup)
            try harness.expectDrift("chmod 0600 /etc/cron.d/pallet-nightly-clean", [2: ["/etc/cron.d/pallet-nightly-clean: mode would change"]])
            #expect(try host.stat("%a", "/etc/cron.d/pallet-nightly-clean") == "644")
            try harness.expectDrift("touch /etc/cron.d/pallet-legacy", [3: ["/etc/cron.d/pallet-legacy: would be removed"]])
            #expect(try !host.exists("/etc/cron.d/pallet-legacy"))
        }
    }

    @Test("exec: interpreter, creates, unless, only-if, environment with a secret, {{ node.name }}")
    func exec() throws {
        let secret = "db-pa55 'word' $PATH"
        let bundle = try compileBundle(#"""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - exec:
                        interpreter: python3
                        script: |
                          import os, sys
                          with open("/srv/pallet-exec/python", "w") as out:
                              out.write("python %d says %s\n" % (sys.version_info[0], os.environ["GREETING"]))
                        creates: /srv/pallet-exec/python
                        environment: {GREETING: "hello from {{ node.name }}"}
                    - exec: {script: "echo 'node {{ node.name }} #{{ node.index }}' > /srv/pallet-exec/node", creates: /srv/pallet-exec/node}
                    - exec: {script: "echo ran >> /srv/pallet-exec/unless-log", unless: "grep -qx ran /srv/pallet-exec/unless-log"}
                    - exec: {script: "echo ran >> /srv/pallet-exec/only-if-log", only-if: "test ! -e /srv/pallet-exec/only-if-log"}
                    - exec:
                        script: |
                          printf '%s|%s\n' "$DB_PASSWORD" "$PLAIN" > /srv/pallet-exec/env
                        creates: /srv/pallet-exec/env
                        environment: {DB_PASSWORD: {secret: {env: DB_PASSWORD}}, PLAIN: "plain value"}
                    - exec: {script: "touch /srv/pallet-exec/never", only-if: "false"}
            """#, secrets: ["env-DB_PASSWORD": secret])
        try TestHost.with(name: "exec") { host in
            // Check mode runs no guard: steps 3, 4 and 6 are never evaluated there.
            var harness = ActionHarness(host: host, bundle: bundle, converged: Array(repeating: "ok", count: 6))
            harness.unevaluated = [3, 4, 6]
            try harness.shell("mkdir /srv/pallet-exec")
            let first = try harness.expectFirstRun(["changed", "changed", "changed", "changed", "changed", "ok"])
            #expect(!first.result.combined.contains("db-pa55"))
            #expect(try host.text("/srv/pallet-exec/python") == "python 3 says hello from web-1\n")
            #expect(try host.text("/srv/pallet-exec/node") == "node web-1 #1\n")
            #expect(try host.text("/srv/pallet-exec/unless-log") == "ran\n")
            #expect(try host.text("/srv/pallet-exec/only-if-log") == "ran\n")
            #expect(try host.text("/srv/pallet-exec/env") == "\(secret)|plain value\n")
            #expect(try !host.exists("/srv/pallet-exec/never"))
            try harness.expectConverged()
            #expect(try host.text("/srv/pallet-exec/unless-log") == "ran\n")
            #expect(try host.text("/srv/pallet-exec/only-if-log") == "ran\n")

            try harness.expectDrift("rm /srv/pallet-exec/python", [1: ["exec would run: /srv/pallet-exec/python does not exist"]])
            #expect(try host.text("/srv/pallet-exec/python") == "python 3 says hello from web-1\n")
            try harness.expectDrift("echo other > /srv/pallet-exec/node", [:], repair: false)
            try harness.expectDrift("echo other > /srv/pallet-exec/unless-log", [3: ["exec not evaluated: check mode does not run its unless command"]])
            #expect(try host.text("/srv/pallet-exec/unless-log") == "other\nran\n")
            try harness.expectDrift("rm /srv/pallet-exec/only-if-log", [4: ["exec not evaluated: check mode does not run its only-if command"]])
            try harness.expectDrift("rm /srv/pallet-exec/env", [5: ["exec would run: /srv/pallet-exec/env does not exist"]], hidden: ["db-pa55"])
            #expect(try host.text("/srv/pallet-exec/env") == "\(secret)|plain value\n")

            // A script that leaves a daemon behind: the run still ends, and the daemon holds
            // neither the run's output (fd 3) nor the node lock (fd 9), so the next run does not wait.
            let daemon = try compileBundle("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - exec: "sleep 100001 </dev/null >/dev/null 2>&1 &"
                """)
            for _ in 1...2 {
                let run = try host.runBundle(daemon)
                #expect(run.statuses == ["changed"], "\(run.result.combined)")
                #expect(!run.result.stderr.contains("holds the lock"), "\(run.result.stderr)")
            }
            #expect(try host.shell("pgrep -fx 'sleep 100001' | wc -l").stdout == "2\n")

            // A failing script fails its step and the run.
            let failing = try compileBundle("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - exec: {interpreter: python3, script: "import sys; sys.exit(3)"}
                """)
            let failed = try host.runBundle(failing)
            #expect(failed.result.status == 1)
            #expect(failed.statusLines == ["step 1/1 failed exec import sys; sys.exit(3)"])
            #expect(failed.result.stderr.contains("exec: the script exited with status 3"))
        }
    }
}
