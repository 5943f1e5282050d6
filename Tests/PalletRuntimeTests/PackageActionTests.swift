import Foundation
import PalletCompiler
import PalletTestSupport
import Testing

// The packages, package-source and package-manager actions on real test hosts, each proved
// three ways: check mode reports `would-change` with `::pallet diff` lines and changes nothing,
// the first run changes the node (checked literally), and a second run reports `ok`.
//
// apt runs against a small signed repository that each test builds and serves on its own host
// (tiny .deb files, an InRelease signed with a throwaway key), plus one test against the Debian
// archive. An apt-get wrapper on the host logs every apt-get call, which proves that the package
// steps of a phase become one apt-get run and when the package lists are refreshed.
//
// dnf cannot run on Debian, so Red Hat-like nodes are test hosts that say they are Rocky Linux
// (or CentOS 7 for yum) and have the dnf/rpm stand-in of Tests/Support/dnf-sim installed.

@Suite("Package actions on test hosts", .enabled(if: TestHostSupport.requireRoot("Package actions on test hosts")))
struct PackageActionTests {
    // MARK: apt

    @Test("apt: a signed package-source, then present packages (pins, '+' names) of several steps in one apt-get run; the source removed again")
    func aptSourceAndPresent() throws {
        try TestHost.with(name: "apt-source") { host in
            let repository = try PackageRepository.serve(on: host)
            let bundles = try packageBundles("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - packages: [pallet-demo=1.0-1, pallet-demo+plus]
                        - package-source:
                            name: pallet-tests
                            url: "\(repository.url)"
                            suites: [pallet]
                            components: [main]
                            key-file: pallet-tests.asc
                        - package: pallet-other
                        - packages: [libstdc++6]
                      remove-source:
                        - package-source: {name: pallet-tests, state: absent}
                """, extra: ["specs/pallet-tests.asc": repository.key], phases: ["configure", "remove-source"])
            let configure = try #require(bundles["configure"])
            let list = "/etc/apt/sources.list.d/pallet-tests.list"
            let keyring = "/etc/apt/keyrings/pallet-tests.asc"
            let expectedList = "deb [signed-by=\(keyring)] \(repository.url) pallet main\n"

            // Check mode on a fresh node: both steps would change, with diffs; nothing changes.
            let check = try host.applyPackages(configure, check: true)
            #expect(check.result.status == 0, "\(check.result.combined)")
            #expect(check.statusLines == [
                "step 1/2 would-change package-source pallet-tests",
                "step 2/2 would-change packages pallet-demo=1.0-1 pallet-demo+plus pallet-other libstdc++6",
            ])
            #expect(check.diffTexts.contains("+" + expectedList.dropLast()), "\(check.diffTexts)")
            #expect(check.diffTexts.contains("+-----BEGIN PGP PUBLIC KEY BLOCK-----"), "\(check.diffTexts)")
            #expect(check.diffTexts.contains("packages to install: pallet-demo=1.0-1 pallet-demo+plus pallet-other"), "\(check.diffTexts)")
            #expect(host.writtenFile(list) == nil)
            #expect(host.writtenFile(keyring) == nil)
            #expect(host.writtenFile("/var/lib/pallet/apt-lists-stale") == nil)
            #expect(try host.debVersion("pallet-demo") == nil)
            #expect(try host.aptGetCalls().isEmpty)

            // First run: the source and its key are written, the lists are refreshed because the
            // source changed, and the three missing packages of two steps go in one apt-get run.
            let first = try host.applyPackages(configure)
            #expect(first.result.status == 0, "\(first.result.combined)")
            #expect(first.statuses == ["changed", "changed"], "\(first.statusLines)")
            #expect(host.writtenFile(list) == Array(expectedList.utf8))
            #expect(host.writtenFile(keyring) == Array(repository.key.utf8))
            #expect(try host.octalMode(list) == "644" && host.octalMode(keyring) == "644")
            #expect(try host.aptGetCalls() == [
                "-q update",
                "-q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold --allow-downgrades install pallet-demo=1.0-1 pallet-demo+plus pallet-other",
            ])
            #expect(try host.debVersion("pallet-demo") == "1.0-1", "pinned below the candidate 2.0-1")
            #expect(try host.debVersion("pallet-demo+plus") == "1.0-1")
            #expect(try host.debVersion("pallet-other") == "1.0-1")
            // One dpkg transaction (one "Install:" entry in the host's apt history) for all three.
            let installs = try host.aptHistoryInstalls()
            #expect(installs.count == 1, "\(installs)")
            for package in ["pallet-demo:amd64 (1.0-1)", "pallet-demo+plus:amd64 (1.0-1)", "pallet-other:amd64 (1.0-1)"] {
                #expect(installs.first?.contains(package) == true, "\(installs)")
            }
            #expect(host.writtenFile("/var/lib/pallet/apt-lists-stale") == nil, "apt-get update cleared the marker")

            let second = try host.applyPackages(configure)
            #expect(second.result.status == 0, "\(second.result.combined)")
            #expect(second.statuses == ["ok", "ok"], "\(second.statusLines)")
            #expect(second.endLine == "::pallet end ok ok=2 changed=0 skipped=0 failed=0")
            #expect(try host.aptGetCalls().count == 2, "a converged node runs no apt-get")
            let checkConverged = try host.applyPackages(configure, check: true)
            #expect(checkConverged.statuses == ["ok", "ok"], "\(checkConverged.statusLines)")
            #expect(checkConverged.diffTexts.isEmpty)

            // Removing the source: check mode first, then for real; it marks the lists stale so
            // the next install refreshes them without the source.
            let removal = try #require(bundles["remove-source"])
            let checkRemoval = try host.applyPackages(removal, check: true)
            #expect(checkRemoval.statuses == ["would-change"], "\(checkRemoval.statusLines)")
            #expect(checkRemoval.diffTexts == ["\(list): would be removed", "\(keyring): would be removed"])
            #expect(host.writtenFile(list) != nil && host.writtenFile(keyring) != nil)
            let removed = try host.applyPackages(removal)
            #expect(removed.statuses == ["changed"], "\(removed.statusLines)")
            #expect(try host.shell("test ! -e \(list) && test ! -e \(keyring)").status == 0)
            #expect(host.writtenFile("/var/lib/pallet/apt-lists-stale") != nil)
            #expect(try host.applyPackages(removal).statuses == ["ok"])
        }
    }

    @Test("apt: latest upgrades an older version and installs a missing one, absent removes, held packages count as installed, a pin downgrades")
    func aptLatestAbsentAndPins() throws {
        try TestHost.with(name: "apt-latest") { host in
            let repository = try PackageRepository.serve(on: host)
            let source = """
                        - package-source: {name: pallet-tests, url: "\(repository.url)", suites: [pallet], key-file: pallet-tests.asc}
                """
            let bundles = try packageBundles("""
                groups:
                  g:
                    service: lab
                    phases:
                      setup:
                \(source)
                        - packages: [pallet-demo=1.0-1, pallet-demo+plus, pallet-other]
                      configure:
                \(source)
                        - packages: {names: [pallet-demo, pallet-new], state: latest}
                        - package: {name: pallet-other, state: absent}
                        - packages: [pallet-demo+plus, libstdc++6]
                      pin:
                        - package: pallet-demo=1.0-1
                """, extra: ["specs/pallet-tests.asc": repository.key], phases: ["setup", "configure", "pin"])
            let setup = try host.applyPackages(try #require(bundles["setup"]))
            #expect(setup.statuses == ["changed", "changed"], "\(setup.result.combined)")
            #expect(try host.debVersion("pallet-demo") == "1.0-1")
            // A held package is installed all the same ("hi" rather than "ii").
            #expect(try host.shell("apt-mark hold pallet-demo+plus >/dev/null && dpkg-query -W -f='${db:Status-Abbrev}' pallet-demo+plus").stdout == "hi ")
            let callsBefore = try host.aptGetCalls().count

            let configure = try #require(bundles["configure"])
            let check = try host.applyPackages(configure, check: true)
            #expect(check.result.status == 0, "\(check.result.combined)")
            #expect(check.statuses == ["ok", "would-change"], "\(check.statusLines)")
            #expect(check.diffTexts == ["packages to install: pallet-new", "packages to upgrade: pallet-demo", "packages to remove: pallet-other"])
            #expect(try host.debVersion("pallet-demo") == "1.0-1")
            #expect(try host.debVersion("pallet-other") == "1.0-1")
            #expect(try host.debVersion("pallet-new") == nil)
            #expect(try host.aptGetCalls().count == callsBefore)

            let first = try host.applyPackages(configure)
            #expect(first.result.status == 0, "\(first.result.combined)")
            #expect(first.statuses == ["ok", "changed"], "\(first.statusLines)")
            #expect(try host.debVersion("pallet-demo") == "2.0-1")
            #expect(try host.debVersion("pallet-new") == "1.0-1")
            #expect(try host.debVersion("pallet-other") == nil)
            #expect(try host.debVersion("pallet-demo+plus") == "1.0-1")
            // Install, upgrade and removal in one apt-get run ("NAME-" removes).
            #expect(try Array(host.aptGetCalls().dropFirst(callsBefore)) == [
                "-q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install pallet-new pallet-demo pallet-other-",
            ])
            let second = try host.applyPackages(configure)
            #expect(second.statuses == ["ok", "ok"], "\(second.result.combined)")
            #expect(try host.aptGetCalls().count == callsBefore + 1)
            #expect(try host.applyPackages(configure, check: true).statuses == ["ok", "ok"])

            // A pin older than the installed version: apt-get -y needs --allow-downgrades.
            let pin = try #require(bundles["pin"])
            let checkPin = try host.applyPackages(pin, check: true)
            #expect(checkPin.statuses == ["would-change"], "\(checkPin.statusLines)")
            #expect(checkPin.diffTexts == ["packages to install: pallet-demo=1.0-1"])
            #expect(try host.debVersion("pallet-demo") == "2.0-1")
            let pinned = try host.applyPackages(pin)
            #expect(pinned.statuses == ["changed"], "\(pinned.result.combined)")
            #expect(try host.debVersion("pallet-demo") == "1.0-1")
            #expect(try host.aptGetCalls().last?.hasSuffix(" --allow-downgrades install pallet-demo=1.0-1") == true)
            #expect(try host.applyPackages(pin).statuses == ["ok"])
        }
    }

    @Test("apt from the Debian archive: a pinned candidate and a '+' name from two steps in one run, latest of an up-to-date package, no list refresh needed")
    func aptArchive() throws {
        try TestHost.with(name: "apt-archive") { host in
            try host.installAptGetLog()
            let policy = try host.shell("apt-cache policy hello libstdc++6")
            let candidates = policy.stdout.split(separator: "\n").compactMap { line -> String? in
                let text = line.trimmingCharacters(in: .whitespaces)
                return text.hasPrefix("Candidate: ") ? String(text.dropFirst("Candidate: ".count)) : nil
            }
            let installed = policy.stdout.split(separator: "\n").compactMap { line -> String? in
                let text = line.trimmingCharacters(in: .whitespaces)
                return text.hasPrefix("Installed: ") ? String(text.dropFirst("Installed: ".count)) : nil
            }
            try #require(candidates.count == 2 && installed.count == 2, "\(policy.combined)")
            let hello = candidates[0]
            try #require(installed[0] == "(none)", "hello must not be installed on the machine")
            // libstdc++6 is installed everywhere; latest is a no-op when it is up to date.
            let libstdcState = installed[1] == candidates[1] ? "latest" : "present"
            let (tree, errors) = try compileMain("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - package: hello=\(hello)
                        - packages: [libsigc++-2.0-0v5]
                        - packages: {names: [libstdc++6], state: \(libstdcState)}
                """)
            #expect(errors.isEmpty, "\(errors)")
            let bundle = try #require(tree?.files["groups/g/configure.tar"]).bytes

            let check = try host.applyPackages(bundle, check: true)
            #expect(check.statuses == ["would-change"], "\(check.result.combined)")
            #expect(check.diffTexts == ["packages to install: hello=\(hello) libsigc++-2.0-0v5"])
            #expect(try host.debVersion("hello") == nil)

            let first = try host.applyPackages(bundle)
            #expect(first.result.status == 0, "\(first.result.combined)")
            #expect(first.statusLines == ["step 1/1 changed packages hello=\(hello) libsigc++-2.0-0v5 libstdc++6"])
            #expect(try host.debVersion("hello") == hello)
            #expect(try host.debVersion("libsigc++-2.0-0v5") != nil)
            // The machine's lists are stored compressed (*_Packages.lz4): they count as present,
            // so no apt-get update runs.
            #expect(try host.aptGetCalls() == [
                "-q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold --allow-downgrades install hello=\(hello) libsigc++-2.0-0v5",
            ])
            #expect(host.writtenFile("/var/lib/pallet/apt-lists-updated") == nil)

            let second = try host.applyPackages(bundle)
            #expect(second.statuses == ["ok"], "\(second.result.combined)")
            #expect(try host.aptGetCalls().count == 1)
        }
    }

    @Test("apt package-manager: update honours cache-valid-time and the stale marker; proxy writes an apt.conf.d file")
    func aptPackageManager() throws {
        try TestHost.with(name: "apt-manager") { host in
            try host.installAptGetLog()
            let bundles = try packageBundles("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - package-manager: {update: true, cache-valid-time: 3600}
                      proxy:
                        - package-manager: {proxy: "http://10.0.2.2:3142"}
                      codename:
                        - package-source: {name: codename-test, url: "http://deb.example.invalid/debian"}
                """, phases: ["configure", "proxy", "codename"])
            let update = try #require(bundles["configure"])
            let stamp = "/var/lib/pallet/apt-lists-updated"

            let check = try host.applyPackages(update, check: true)
            #expect(check.statuses == ["would-change"], "\(check.result.combined)")
            #expect(check.diffTexts == ["package lists would be refreshed"])
            #expect(try host.aptGetCalls().isEmpty)
            #expect(host.writtenFile(stamp) == nil)

            let first = try host.applyPackages(update)
            #expect(first.result.status == 0, "\(first.result.combined)")
            #expect(first.statuses == ["changed"])
            #expect(try host.aptGetCalls() == ["-q update"])
            #expect(host.writtenFile(stamp) != nil)

            let second = try host.applyPackages(update)
            #expect(second.statuses == ["ok"], "\(second.result.combined)")
            #expect(try host.applyPackages(update, check: true).statuses == ["ok"])
            #expect(try host.aptGetCalls().count == 1)

            // Older than cache-valid-time: refreshed again; so is a list a package source marked stale.
            #expect(try host.shell("touch -d '2 hours ago' \(stamp)").status == 0)
            #expect(try host.applyPackages(update, check: true).statuses == ["would-change"])
            #expect(try host.applyPackages(update).statuses == ["changed"])
            #expect(try host.shell(": > /var/lib/pallet/apt-lists-stale").status == 0)
            #expect(try host.applyPackages(update).statuses == ["changed"])
            #expect(host.writtenFile("/var/lib/pallet/apt-lists-stale") == nil)
            #expect(try host.aptGetCalls() == ["-q update", "-q update", "-q update"])
            #expect(try host.applyPackages(update).statuses == ["ok"])

            let proxy = try #require(bundles["proxy"])
            let conf = "/etc/apt/apt.conf.d/01pallet-proxy"
            let checkProxy = try host.applyPackages(proxy, check: true)
            #expect(checkProxy.statuses == ["would-change"], "\(checkProxy.result.combined)")
            #expect(checkProxy.diffTexts.contains("+Acquire::http::Proxy \"http://10.0.2.2:3142\";"), "\(checkProxy.diffTexts)")
            #expect(host.writtenFile(conf) == nil)
            #expect(try host.applyPackages(proxy).statuses == ["changed"])
            #expect(host.writtenFile(conf) == Array("Acquire::http::Proxy \"http://10.0.2.2:3142\";\n".utf8))
            #expect(try host.shell("apt-config dump Acquire::http::Proxy").stdout == "Acquire::http::Proxy \"http://10.0.2.2:3142\";\n")
            #expect(try host.applyPackages(proxy).statuses == ["ok"])

            // Without suites, a source uses the node's VERSION_CODENAME (check mode only: the
            // repository does not exist).
            let codename = try #require(bundles["codename"])
            let checkCodename = try host.applyPackages(codename, check: true)
            #expect(checkCodename.statuses == ["would-change"], "\(checkCodename.result.combined)")
            let release = try host.shell(". /etc/os-release && printf %s \"$VERSION_CODENAME\"").stdout
            #expect(!release.isEmpty)
            #expect(checkCodename.diffTexts.contains("+deb http://deb.example.invalid/debian \(release) main"), "\(checkCodename.diffTexts)")
            #expect(host.writtenFile("/etc/apt/sources.list.d/codename-test.list") == nil)
            #expect(host.writtenFile("/var/lib/pallet/apt-lists-stale") == nil)
        }
    }

    @Test("a clean log: successful runs of packages (a name dpkg does not know included) and of an example-like bundle write no error line to the node log")
    func cleanLog() throws {
        try TestHost.with(name: "clean-log") { host in
            // Packages the machine (so the host) has, one that dpkg has never heard of (dpkg-query
            // exits 1 for it), and the example's other kinds of steps.
            let bundles = try packageBundles("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - packages: [curl, git, ca-certificates]
                        - package: {name: pallet-never-known, state: absent}
                        - crate: timezone
                          with: {zone: Etc/UTC}
                        - file:
                            path: /etc/motd
                            content: "{{ node.name }} ({{ group }}) is managed by pallet\\n"
                        - file: {path: /etc/cron.d/legacy-backup, state: absent}
                        - group: {name: pallet-ops}
                        - user: {name: pallet-app, groups: [pallet-ops]}
                """, phases: ["configure"])
            let configure = try #require(bundles["configure"])
            for (label, check) in [("check mode", true), ("first run", false), ("second run", false)] {
                let run = try host.applyPackages(configure, check: check)
                #expect(run.result.status == 0, "\(label): \(run.result.combined)")
                #expect(run.endLine?.hasPrefix("::pallet end ok ") == true, "\(label): \(run.result.stdout)")
                let errorLines = run.result.stderr.split(separator: "\n").filter { $0.lowercased().contains("error") }
                #expect(errorLines.isEmpty, "\(label): the node log of a successful run holds error lines: \(errorLines)")
                if label == "second run" {
                    #expect(run.statuses.allSatisfy { $0 == "ok" }, "\(run.statusLines)")
                }
            }
            #expect(try host.debVersion("curl") != nil)
        }
    }

    // MARK: dnf and yum (the stand-in)

    @Test("the dnf/rpm stand-in keeps state and enforces dnf's rules")
    func dnfStandIn() throws {
        try TestHost.with(name: "dnf-sim") { host in
            try host.installDnfSimulator()
            let unknown = try host.shell("dnf -y install tree nosuch")
            #expect(unknown.status == 1)
            #expect(unknown.stdout.contains("No match for argument: nosuch"))
            #expect(unknown.stderr.contains("Error: Unable to find a match: nosuch"))
            #expect(try host.rpmVersion("tree") == nil, "a failed install changes nothing")
            let unconfirmed = try host.shell("dnf install tree </dev/null")
            #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("Operation aborted."), "\(unconfirmed.combined)")

            #expect(try host.shell("dnf -y -q install tree wget-1.21.1-7.el9").status == 0)
            #expect(try host.rpmVersion("tree") == "1.8.0-10.el9")
            #expect(try host.rpmVersion("wget") == "1.21.1-7.el9")
            let again = try host.shell("dnf -y install tree wget")
            #expect(again.status == 0)
            #expect(again.stdout.contains("Package tree-1.8.0-10.el9.x86_64 is already installed."))
            #expect(try host.rpmVersion("wget") == "1.21.1-7.el9", "install does not upgrade an installed package")
            #expect(try host.shell("dnf -q check-update wget").status == 100)
            #expect(try host.shell("dnf -q check-update tree").status == 0)
            #expect(try host.shell("dnf -q check-update zsh").status == 0, "not installed: nothing to update")
            #expect(try host.shell("dnf -y -q upgrade wget").status == 0)
            #expect(try host.rpmVersion("wget") == "1.21.1-8.el9")
            #expect(try host.shell("dnf -q check-update wget").status == 0)
            #expect(try host.shell("dnf -y -q install wget-1.21.1-7.el9").status == 0)
            #expect(try host.rpmVersion("wget") == "1.21.1-7.el9", "a pinned install downgrades")

            let removeMissing = try host.shell("dnf -y remove zsh")
            #expect(removeMissing.status == 0 && removeMissing.stdout.contains("No match for argument: zsh"))
            #expect(removeMissing.stderr.contains("No packages marked for removal."))
            let upgradeMissing = try host.shell("dnf -y upgrade zsh")
            #expect(upgradeMissing.status == 1)
            #expect(upgradeMissing.stderr.contains("Package zsh available, but not installed."))
            #expect(upgradeMissing.stderr.contains("Error: No packages marked for upgrade."))
            #expect(try host.shell("dnf -y remove nano").status == 0)
            #expect(try host.rpmVersion("nano") == nil)

            let query = try host.shell("rpm -q --qf '%{VERSION}-%{RELEASE}' tree zsh")
            #expect(query.status == 1)
            #expect(query.stdout == "1.8.0-10.el9package zsh is not installed\n")
            #expect(try host.shell("rpm -q bash").stdout == "bash-5.1.8-9.el9.x86_64\n")

            #expect(try host.shell("dnf -y install pallet-extra-tool").status == 1, "its repository is not configured")
            #expect(try host.shell("dnf --frobnicate install tree").status == 1)
            #expect(try host.shell("dnf -q makecache").status == 0)
            #expect(try host.shell("printf '[broken]\\nname=broken\\n' > /etc/yum.repos.d/broken.repo; dnf makecache").stderr
                .contains("Cannot find a valid baseurl for repo: broken"))
            #expect(try host.shell("rm /etc/yum.repos.d/broken.repo; printf 'proxy=x\\n' > /etc/dnf/dnf.conf; dnf makecache").stderr
                .contains("File contains no section headers"))
            #expect(try host.dnfTransactions() == [
                "-y -q install tree wget-1.21.1-7.el9",
                "-y -q upgrade wget",
                "-y -q install wget-1.21.1-7.el9",
                "-y remove nano",
            ])
        }
    }

    @Test("dnf: present, latest and absent from several steps, pins with and without release, when: rhel runs and when: debian skips")
    func dnfPackages() throws {
        try TestHost.with(name: "dnf-packages") { host in
            try host.installDnfSimulator()
            let bundles = try packageBundles("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - packages: [tree, wget=1.21.1-7.el9, bash=5.1.8]
                        - packages: {names: [curl, zsh], state: latest}
                        - package: {name: nano, state: absent}
                        - package: apt-only-package
                          when: {os-family: [debian, ubuntu]}
                        - package: jq
                          when: {os-family: [rhel]}
                      repin:
                        - package: wget=1.21.1-8.el9
                      debian:
                        - package: apt-only-package
                          when: {os-family: [debian]}
                """, phases: ["configure", "repin", "debian"])
            let configure = try #require(bundles["configure"])
            let summary = "packages tree wget=1.21.1-7.el9 bash=5.1.8 curl zsh nano apt-only-package jq"

            let check = try host.applyPackages(configure, check: true)
            #expect(check.result.status == 0, "\(check.result.combined)")
            #expect(check.statusLines == ["step 1/1 would-change \(summary)"])
            #expect(check.diffTexts == [
                "packages to install: tree wget=1.21.1-7.el9 jq zsh",
                "packages to upgrade: curl",
                "packages to remove: nano",
            ])
            #expect(try host.dnfTransactions().isEmpty)
            #expect(try host.rpmVersion("tree") == nil)
            #expect(try host.rpmVersion("nano") == "5.6.1-5.el9")

            let first = try host.applyPackages(configure)
            #expect(first.result.status == 0, "\(first.result.combined)")
            #expect(first.statusLines == ["step 1/1 changed \(summary)"])
            #expect(try host.rpmVersion("tree") == "1.8.0-10.el9")
            #expect(try host.rpmVersion("wget") == "1.21.1-7.el9", "pinned below the newest 1.21.1-8.el9")
            #expect(try host.rpmVersion("bash") == "5.1.8-9.el9")
            #expect(try host.rpmVersion("curl") == "7.76.1-29.el9", "latest upgraded it")
            #expect(try host.rpmVersion("zsh") == "5.8-9.el9", "latest installed it")
            #expect(try host.rpmVersion("jq") == "1.6-16.el9", "when: rhel matches Rocky's ID_LIKE")
            #expect(try host.rpmVersion("nano") == nil)
            #expect(try host.dnfTransactions() == [
                "-y install tree wget-1.21.1-7.el9 jq zsh",
                "-y upgrade curl",
                "-y remove nano",
            ])

            let second = try host.applyPackages(configure)
            #expect(second.statusLines == ["step 1/1 ok \(summary)"], "\(second.result.combined)")
            #expect(second.endLine == "::pallet end ok ok=1 changed=0 skipped=0 failed=0")
            #expect(try host.applyPackages(configure, check: true).statuses == ["ok"])
            #expect(try host.dnfTransactions().count == 3)

            // A pin to another version of an installed package: dnf install NAME-VERSION-RELEASE.
            let repin = try #require(bundles["repin"])
            let checkRepin = try host.applyPackages(repin, check: true)
            #expect(checkRepin.statuses == ["would-change"] && checkRepin.diffTexts == ["packages to install: wget=1.21.1-8.el9"])
            #expect(try host.rpmVersion("wget") == "1.21.1-7.el9")
            #expect(try host.applyPackages(repin).statuses == ["changed"])
            #expect(try host.rpmVersion("wget") == "1.21.1-8.el9")
            #expect(try host.applyPackages(repin).statuses == ["ok"])
            #expect(try host.dnfTransactions().last == "-y install wget-1.21.1-8.el9")

            // A phase whose only package step is for Debian is skipped on this node.
            let debian = try #require(bundles["debian"])
            let skipped = try host.applyPackages(debian)
            #expect(skipped.result.status == 0, "\(skipped.result.combined)")
            #expect(skipped.statusLines == ["step 1/1 skipped packages apt-only-package"])
            #expect(try host.applyPackages(debian, check: true).statuses == ["skipped"])
            #expect(try host.dnfTransactions().count == 4)
        }
    }

    @Test("dnf: package-source writes a .repo whose packages the same phase installs; package-manager sets proxy in [main] of dnf.conf and runs makecache")
    func dnfSourceAndManager() throws {
        try TestHost.with(name: "dnf-source") { host in
            try host.installDnfSimulator()
            // dnf.conf may hold repositories after [main]; the proxy belongs in [main].
            let dnfConf = "[main]\ngpgcheck=1\ninstallonly_limit=3\nbest=True\n\n[local-mirror]\nname=Local mirror\nbaseurl=file:///srv/mirror\nenabled=0\n"
            #expect(try host.shell("printf '%s' '\(dnfConf)' > /etc/dnf/dnf.conf").status == 0)
            let bundles = try packageBundles("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - package-source:
                            name: pallet-extra
                            baseurl: "https://repo.example.invalid/el9/$basearch/"
                            gpgkey: "https://repo.example.invalid/RPM-GPG-KEY-pallet"
                        - package-manager: {proxy: "http://proxy.example.invalid:3128", update: true}
                        - package: pallet-extra-tool
                      proxy:
                        - package-manager: {proxy: "http://proxy2.example.invalid:8080"}
                      remove-source:
                        - package-source: {name: pallet-extra, state: absent}
                """, phases: ["configure", "proxy", "remove-source"])
            let configure = try #require(bundles["configure"])
            let repo = "/etc/yum.repos.d/pallet-extra.repo"
            let expectedRepo = """
                [pallet-extra]
                name=pallet-extra
                baseurl=https://repo.example.invalid/el9/$basearch/
                enabled=1
                gpgcheck=1
                gpgkey=https://repo.example.invalid/RPM-GPG-KEY-pallet

                """
            let proxied = "[main]\ngpgcheck=1\ninstallonly_limit=3\nbest=True\nproxy=http://proxy.example.invalid:3128\n\n[local-mirror]\nname=Local mirror\nbaseurl=file:///srv/mirror\nenabled=0\n"

            let check = try host.applyPackages(configure, check: true)
            #expect(check.result.status == 0, "\(check.result.combined)")
            #expect(check.statusLines == [
                "step 1/3 would-change package-manager http://proxy.example.invalid:3128",
                "step 2/3 would-change package-source pallet-extra",
                "step 3/3 would-change packages pallet-extra-tool",
            ])
            #expect(check.diffTexts.contains("+proxy=http://proxy.example.invalid:3128"), "\(check.diffTexts)")
            #expect(check.diffTexts.contains("package lists would be refreshed"))
            #expect(check.diffTexts.contains("+baseurl=https://repo.example.invalid/el9/$basearch/"), "\(check.diffTexts)")
            #expect(check.diffTexts.last == "packages to install: pallet-extra-tool")
            #expect(host.writtenFile(repo) == nil)
            #expect(host.writtenFile("/etc/dnf/dnf.conf") == Array(dnfConf.utf8))
            #expect(host.writtenFile("/var/lib/dnf-sim/makecache") == nil)

            let first = try host.applyPackages(configure)
            #expect(first.result.status == 0, "\(first.result.combined)")
            #expect(first.statuses == ["changed", "changed", "changed"], "\(first.statusLines)")
            #expect(host.writtenFile(repo) == Array(expectedRepo.utf8))
            #expect(try host.octalMode(repo) == "644")
            #expect(host.writtenFile("/etc/dnf/dnf.conf") == Array(proxied.utf8))
            #expect(host.writtenFile("/var/lib/dnf-sim/makecache") != nil)
            #expect(try host.rpmVersion("pallet-extra-tool") == "1.2-1.el9")

            let second = try host.applyPackages(configure)
            #expect(second.statuses == ["ok", "ok", "ok"], "\(second.result.combined)")
            #expect(try host.applyPackages(configure, check: true).statuses == ["ok", "ok", "ok"])

            // Another proxy replaces the line in place.
            let proxy = try #require(bundles["proxy"])
            let checkProxy = try host.applyPackages(proxy, check: true)
            #expect(checkProxy.statuses == ["would-change"])
            #expect(checkProxy.diffTexts.contains("-proxy=http://proxy.example.invalid:3128") && checkProxy.diffTexts.contains("+proxy=http://proxy2.example.invalid:8080"))
            #expect(try host.applyPackages(proxy).statuses == ["changed"])
            #expect(host.writtenFile("/etc/dnf/dnf.conf") == Array(proxied.replacingOccurrences(of: "proxy.example.invalid:3128", with: "proxy2.example.invalid:8080").utf8))
            #expect(try host.applyPackages(proxy).statuses == ["ok"])

            let removal = try #require(bundles["remove-source"])
            let checkRemoval = try host.applyPackages(removal, check: true)
            #expect(checkRemoval.statuses == ["would-change"] && checkRemoval.diffTexts == ["\(repo): would be removed"])
            #expect(try host.applyPackages(removal).statuses == ["changed"])
            #expect(host.writtenFile(repo) == nil)
            #expect(try host.applyPackages(removal).statuses == ["ok"])
            #expect(try host.shell("dnf -q makecache").status == 0, "dnf still reads its configuration")
        }
    }

    @Test("yum: a CentOS 7 node without dnf uses yum, and the proxy goes to /etc/yum.conf")
    func yumFallback() throws {
        try TestHost.with(name: "yum") { host in
            try host.installDnfSimulator(as: "yum", osRelease: """
                NAME="CentOS Linux"
                VERSION="7 (Core)"
                ID="centos"
                ID_LIKE="rhel fedora"
                VERSION_ID="7"
                PRETTY_NAME="CentOS Linux 7 (Core)"
                """)
            // Two stale proxy lines in [main]; a repository section with its own proxy stays as it is.
            let yumConf = "[main]\nkeepcache=0\nproxy=http://old.example.invalid:1\nproxy=http://old.example.invalid:2\n\n[extras]\nname=Extras\nbaseurl=https://mirror.example.invalid/extras/\nproxy=_none_\n"
            #expect(try host.shell("rm -f /etc/dnf/dnf.conf && printf '%s' '\(yumConf)' > /etc/yum.conf").status == 0)
            let bundles = try packageBundles("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - package-manager: {proxy: "http://proxy.example.invalid:3128"}
                        - packages: [tree]
                        - packages: {names: [curl], state: latest}
                """, phases: ["configure"])
            let configure = try #require(bundles["configure"])
            let check = try host.applyPackages(configure, check: true)
            #expect(check.statuses == ["would-change", "would-change"], "\(check.result.combined)")
            #expect(check.diffTexts.contains("packages to install: tree") && check.diffTexts.contains("packages to upgrade: curl"), "\(check.diffTexts)")
            #expect(host.writtenFile("/etc/yum.conf") == Array(yumConf.utf8))
            let first = try host.applyPackages(configure)
            #expect(first.statuses == ["changed", "changed"], "\(first.result.combined)")
            #expect(host.writtenFile("/etc/yum.conf") == Array(("[main]\nkeepcache=0\nproxy=http://proxy.example.invalid:3128\n\n"
                + "[extras]\nname=Extras\nbaseurl=https://mirror.example.invalid/extras/\nproxy=_none_\n").utf8))
            #expect(try host.rpmVersion("tree") == "1.8.0-10.el9")
            #expect(try host.rpmVersion("curl") == "7.76.1-29.el9")
            #expect(try host.dnfTransactions() == ["-y install tree", "-y upgrade curl"])
            #expect(try host.applyPackages(configure).statuses == ["ok", "ok"])
        }
    }

    // MARK: OS awareness

    @Test("an unsupported or unknown OS fails the package step with a message naming the OS; when-gated package steps skip")
    func unsupportedOS() throws {
        try TestHost.with(name: "alpine") { host in
            let bundles = try packageBundles("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - packages: [tree]
                      source:
                        - package-source: {name: extra, url: "http://deb.example.invalid/debian"}
                      manager:
                        - package-manager: {proxy: "http://proxy.example.invalid:3128"}
                      gated:
                        - packages: [tree]
                          when: {os-family: [debian, rhel]}
                """, phases: ["configure", "source", "manager", "gated"])
            let supported = "pallet manages packages with apt on Debian and Ubuntu, and with dnf or yum on RHEL, Fedora, CentOS, Rocky, AlmaLinux, Oracle Linux and Amazon Linux"
            #expect(try host.shell("""
                printf '%s\\n' 'NAME="Alpine Linux"' 'ID=alpine' 'VERSION_ID=3.20.3' 'PRETTY_NAME="Alpine Linux v3.20"' > /etc/os-release
                """).status == 0)
            for (phase, line) in [("configure", "packages tree"), ("source", "package-source extra"), ("manager", "package-manager http://proxy.example.invalid:3128")] {
                for check in [true, false] {
                    let run = try host.applyPackages(try #require(bundles[phase]), check: check)
                    #expect(run.result.status == 1)
                    #expect(run.statusLines == ["step 1/1 failed \(line)"], "\(run.result.combined)")
                    #expect(run.endLine == "::pallet end failed ok=0 changed=0 skipped=0 failed=1")
                    let action = line.split(separator: " ")[0]
                    #expect(run.result.stderr.contains("pallet: error: \(action): unsupported OS 'Alpine Linux v3.20' (ID=alpine); \(supported)\n"),
                            "\(run.result.stderr)")
                }
            }
            let gated = try host.applyPackages(try #require(bundles["gated"]))
            #expect(gated.result.status == 0, "\(gated.result.combined)")
            #expect(gated.statusLines == ["step 1/1 skipped packages tree"])

            // Red Hat-like without dnf or yum, and no /etc/os-release at all.
            #expect(try host.shell("printf '%s\\n' 'ID=\"rocky\"' 'ID_LIKE=\"rhel centos fedora\"' 'PRETTY_NAME=\"Rocky Linux 9.4 (Blue Onyx)\"' > /etc/os-release").status == 0)
            let noDnf = try host.applyPackages(try #require(bundles["configure"]))
            #expect(noDnf.statusLines == ["step 1/1 failed packages tree"])
            #expect(noDnf.result.stderr.contains("pallet: error: packages: 'Rocky Linux 9.4 (Blue Onyx)' (ID=rocky) is Red Hat-like, but has neither dnf nor yum (with rpm)\n"),
                    "\(noDnf.result.stderr)")
            #expect(try host.shell("rm /etc/os-release").status == 0)
            let unknown = try host.applyPackages(try #require(bundles["configure"]))
            #expect(unknown.statusLines == ["step 1/1 failed packages tree"])
            #expect(unknown.result.stderr.contains("pallet: error: packages: cannot tell which OS this node runs: /etc/os-release is missing; \(supported)\n"),
                    "\(unknown.result.stderr)")
        }
    }
}

// MARK: - Support

/// Compiles `specs/main.yaml` (after the hosts preamble) and returns the bundle of each phase.
private func packageBundles(_ yaml: String, extra: [String: String] = [:], phases: [String],
                            sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [String: [UInt8]] {
    let (tree, errors) = try compileMain(yaml, extra: extra)
    #expect(errors.isEmpty, "\(errors)", sourceLocation: sourceLocation)
    var bundles: [String: [UInt8]] = [:]
    for phase in phases {
        bundles[phase] = try #require(tree?.files["groups/g/\(phase).tar"], "no bundle for \(phase)", sourceLocation: sourceLocation).bytes
    }
    return bundles
}

/// A signed apt repository served over http on a test host's own address: suite `pallet`,
/// component `main`, packages pallet-demo 1.0-1 and 2.0-1, pallet-demo+plus, pallet-other and
/// pallet-new 1.0-1 (each a few hundred bytes).
private struct PackageRepository {
    /// The repository's URL, `http://ADDRESS:8080`.
    var url: String
    /// The armored public key that signs its InRelease.
    var key: String

    static func serve(on host: TestHost) throws -> PackageRepository {
        try host.installAptGetLog()
        let result = try host.exec(["bash", "-c", script, "repository", host.address])
        try #require(result.status == 0, "building the repository failed: \(result.combined)")
        try #require(result.stdout.hasPrefix("-----BEGIN PGP PUBLIC KEY BLOCK-----"), "\(result.combined)")
        return PackageRepository(url: "http://\(host.address):8080", key: result.stdout)
    }

    /// Builds the repository under /srv/pallet-repo, starts the server on $1, prints the key.
    static let script = #"""
        set -euo pipefail
        repo=/srv/pallet-repo
        mkdir -p "$repo/pool" "$repo/dists/pallet/main/binary-amd64"
        build() {
          local dir
          dir=$(mktemp -d)
          mkdir -p "$dir/DEBIAN" "$dir/usr/share/pallet-tests"
          printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: Pallet tests <tests@pallet.invalid>\nDescription: a package for pallet tests\n' "$1" "$2" >"$dir/DEBIAN/control"
          printf '%s %s\n' "$1" "$2" >"$dir/usr/share/pallet-tests/$1"
          dpkg-deb --root-owner-group -Zgzip --build "$dir" "$repo/pool/$1_$2_all.deb" >/dev/null
        }
        build pallet-demo 1.0-1
        build pallet-demo 2.0-1
        build pallet-demo+plus 1.0-1
        build pallet-other 1.0-1
        build pallet-new 1.0-1
        cd "$repo"
        dpkg-scanpackages -m pool /dev/null 2>/dev/null >dists/pallet/main/binary-amd64/Packages
        cd dists/pallet
        {
          printf 'Origin: pallet-tests\nLabel: pallet-tests\nSuite: pallet\nCodename: pallet\nDate: %s\n' "$(date -R -u)"
          printf 'Architectures: amd64 all\nComponents: main\nSHA256:\n'
          printf ' %s %s main/binary-amd64/Packages\n' "$(sha256sum main/binary-amd64/Packages | cut -d' ' -f1)" "$(stat -c %s main/binary-amd64/Packages)"
        } >Release
        export GNUPGHOME=/root/.pallet-tests-gnupg
        mkdir -p -m 0700 "$GNUPGHOME"
        gpg -q --batch --passphrase '' --quick-gen-key 'Pallet tests <tests@pallet.invalid>' ed25519 sign never </dev/null 2>/dev/null
        gpg -q --batch --yes --clearsign -o InRelease Release </dev/null 2>/dev/null
        setsid python3 -m http.server --bind "$1" 8080 --directory "$repo" >/var/log/pallet-repo-http.log 2>&1 </dev/null &
        for _ in $(seq 100); do
          if curl -fsS -o /dev/null "http://$1:8080/dists/pallet/InRelease" 2>/dev/null; then break; fi
          sleep 0.05
        done
        gpg -q --batch --export --armor tests@pallet.invalid
        gpgconf --kill all 2>/dev/null || true
        """#
}

/// The dnf/rpm stand-in: `Tests/Support/dnf-sim`.
private let dnfSimDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Support/dnf-sim").path

private let rockyRelease = """
    NAME="Rocky Linux"
    VERSION="9.4 (Blue Onyx)"
    ID="rocky"
    ID_LIKE="rhel centos fedora"
    VERSION_ID="9.4"
    PLATFORM_ID="platform:el9"
    PRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"
    """

extension BundleRun {
    /// The `::pallet diff` lines, without the prefix.
    fileprivate var diffTexts: [String] {
        result.stdout.split(separator: "\n").filter { $0.hasPrefix("::pallet diff ") }.map { String($0.dropFirst("::pallet diff ".count)) }
    }
}

extension TestHost {
    /// Runs a bundle, in check mode when asked.
    fileprivate func applyPackages(_ bundle: [UInt8], check: Bool = false) throws -> BundleRun {
        try runBundle(bundle, environment: check ? ["PALLET_CHECK": "1"] : [:])
    }

    /// A file's octal mode on the host.
    fileprivate func octalMode(_ path: String) throws -> String {
        try exec(["stat", "-c", "%a", path]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The installed version of a Debian package (any selection state, such as hold), or nil.
    fileprivate func debVersion(_ name: String) throws -> String? {
        let result = try exec(["dpkg-query", "-W", "-f=${db:Status-Abbrev}|${Version}", name])
        let parts = result.stdout.split(separator: "|", maxSplits: 1).map(String.init)
        guard result.status == 0, parts.count == 2, parts[0].dropFirst().first == "i" else { return nil }
        return parts[1]
    }

    /// Logs every apt-get call on the host to /var/log/pallet-tests-apt-get.log (a wrapper
    /// earlier on PATH than /usr/bin/apt-get).
    fileprivate func installAptGetLog() throws {
        let wrapper = "#!/bin/bash\nprintf '%s\\n' \"$*\" >>/var/log/pallet-tests-apt-get.log\nexec /usr/bin/apt-get \"$@\"\n"
        let result = try exec(["bash", "-c", "cat >/usr/local/sbin/apt-get && chmod 0755 /usr/local/sbin/apt-get && command -v apt-get"],
                              stdin: Array(wrapper.utf8))
        try #require(result.stdout == "/usr/local/sbin/apt-get\n", "\(result.combined)")
    }

    /// The arguments of every apt-get call so far, one entry per call.
    fileprivate func aptGetCalls() throws -> [String] {
        guard let log = writtenFile("/var/log/pallet-tests-apt-get.log") else { return [] }
        return String(decoding: log, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The `Install:` lines of the dpkg transactions apt made on this host (not the machine's).
    fileprivate func aptHistoryInstalls() throws -> [String] {
        let machine = (try? String(contentsOfFile: "/var/log/apt/history.log", encoding: .utf8)) ?? ""
        guard let log = writtenFile("/var/log/apt/history.log") else { return [] }
        let text = String(decoding: log, as: UTF8.self)
        let own = text.hasPrefix(machine) ? String(text.dropFirst(machine.count)) : text
        return own.split(separator: "\n").filter { $0.hasPrefix("Install: ") }.map { String($0.dropFirst("Install: ".count)) }
    }

    /// Makes the host a Rocky Linux 9 node with the dnf/rpm stand-in (installed as `command`,
    /// dnf or yum), BaseOS and AppStream repositories and a small package catalogue.
    fileprivate func installDnfSimulator(as command: String = "dnf", osRelease: String = rockyRelease) throws {
        for (source, target) in [("dnf", command), ("rpm", "rpm")] {
            let bytes = try #require(FileManager.default.contents(atPath: dnfSimDirectory + "/" + source), "no \(source) in \(dnfSimDirectory)")
            let copy = try exec(["bash", "-c", "cat >\"/usr/local/bin/$1\" && chmod 0755 \"/usr/local/bin/$1\"", "copy", target], stdin: [UInt8](bytes))
            try #require(copy.status == 0, "\(copy.combined)")
        }
        let setup = try exec(["bash", "-c", #"""
            set -euo pipefail
            printf '%s\n' "$1" >/etc/os-release
            mkdir -p /etc/dnf /etc/yum.repos.d /var/lib/dnf-sim
            printf '[main]\ngpgcheck=1\ninstallonly_limit=3\nclean_requirements_on_remove=True\nbest=True\nskip_if_unavailable=False\n' >/etc/dnf/dnf.conf
            printf '[baseos]\nname=Rocky Linux 9 - BaseOS\nbaseurl=https://dl.rockylinux.org/pub/rocky/9/BaseOS/x86_64/os/\ngpgcheck=1\nenabled=1\n\n[appstream]\nname=Rocky Linux 9 - AppStream\nbaseurl=https://dl.rockylinux.org/pub/rocky/9/AppStream/x86_64/os/\ngpgcheck=1\nenabled=1\n' >/etc/yum.repos.d/rocky.repo
            printf '%s\n' 'bash 5.1.8-9.el9' 'curl 7.76.1-26.el9' 'nano 5.6.1-5.el9' >/var/lib/dnf-sim/installed
            printf '%s\n' 'bash 5.1.8-9.el9 baseos' 'curl 7.76.1-26.el9 baseos' 'curl 7.76.1-29.el9 baseos' 'nano 5.6.1-5.el9 baseos' \
              'tree 1.8.0-10.el9 baseos' 'zsh 5.8-9.el9 baseos' 'wget 1.21.1-7.el9 appstream' 'wget 1.21.1-8.el9 appstream' \
              'jq 1.6-16.el9 appstream' 'pallet-extra-tool 1.2-1.el9 pallet-extra' >/var/lib/dnf-sim/available
            """#, "setup", osRelease])
        try #require(setup.status == 0, "\(setup.combined)")
    }

    /// The installed version-release of an rpm package, or nil.
    fileprivate func rpmVersion(_ name: String) throws -> String? {
        let result = try exec(["rpm", "-q", "--qf", "%{VERSION}-%{RELEASE}", name])
        return result.status == 0 ? result.stdout : nil
    }

    /// The command lines of the dnf/yum transactions that changed something, in order.
    fileprivate func dnfTransactions() throws -> [String] {
        guard let log = writtenFile("/var/lib/dnf-sim/history") else { return [] }
        return String(decoding: log, as: UTF8.self).split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            return fields.count > 1 ? String(fields[1]) : String(line)
        }
    }
}
