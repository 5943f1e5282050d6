import Foundation
import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

@Suite("Crates")
struct CrateTests {
    static let crateFile = """
        crates:
          site:
            params:
              root: {default: /srv/site}
              port: {type: integer, default: 8080}
              title: {}
            phases:
              configure:
                - directory: "{{ root }}"
                - file: {path: "{{ root }}/index.html", content: "<h1>{{ title }} on {{ port }} in {{ group }}</h1>\\n"}
                  notify: [site-changed]
            handlers:
              site-changed:
                - exec: "echo changed"
          wrapper:
            params:
              title: {default: wrapped}
            phases:
              configure:
                - crate: site
                  with: {title: "{{ title }}!", root: /srv/wrapped}
        """

    @Test("a crate from specs/crates/ expands with its parameters, defaults and handlers; crates may use crates")
    func expansion() throws {
        let (tree, errors) = try compile([
            "specs/crates/site.yaml": Self.crateFile,
            "specs/main.yaml": hostsPreamble + """
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - crate: site
                          with: {title: Hello, port: "81"}
                        - crate: wrapper
                """,
        ])
        #expect(errors.isEmpty, "\(errors)")
        let script = try #require(tree?.text("groups/g/configure/run.sh"))
        #expect(script.contains("pallet_directory --path '/srv/site'"))
        #expect(script.contains("pallet_directory --path '/srv/wrapped'"))
        #expect(script.contains("# 2/4 file · specs/crates/site.yaml:10:11 (crate site used at specs/main.yaml:11:11)"))
        #expect(script.contains("(crate site used at specs/crates/site.yaml:20:11, crate wrapper used at specs/main.yaml:13:11)"))
        #expect(tree?.text("groups/g/configure/files/2-index.html") == "<h1>Hello on 81 in g</h1>\n")
        #expect(tree?.text("groups/g/configure/files/4-index.html") == "<h1>wrapped! on 8080 in g</h1>\n")
        #expect(script.contains("if pallet_handler 'site-changed' 1; then"))
    }

    @Test("unknown, missing and mistyped parameters and undefined crates are located errors")
    func errors() throws {
        let (tree, errors) = try compile([
            "specs/crates/site.yaml": Self.crateFile,
            "specs/main.yaml": hostsPreamble + """
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - crate: site
                          with: {titel: x, port: eighty}
                        - crate: ngnix
                        - crate: site
                          with: {title: x}
                      bootstrap:
                        - crate: site
                          with: {title: x}
                """,
        ])
        #expect(tree == nil)
        #expect(errors.contains("specs/main.yaml:12:18: error: crate 'site' has no parameter 'titel'; did you mean 'title'?"))
        #expect(errors.contains("specs/main.yaml:12:34: error: parameter 'port' must be an integer, found 'eighty'"))
        #expect(errors.contains("specs/main.yaml:11:11: error: crate 'site' needs parameter 'title' (it has no default)"))
        #expect(errors.contains("specs/main.yaml:13:11: error: undefined crate 'ngnix'; did you mean 'nginx'?"))
        #expect(errors.contains { $0.hasPrefix("specs/main.yaml:17:11: error: crate 'site' has nothing for phase 'bootstrap'") })
    }

    @Test("the built-in crates compile, shellcheck-clean")
    func builtIns() throws {
        let (tree, errors) = try compileMain("""
            groups:
              g:
                service: lab
                phases:
                  bootstrap:
                    - crate: automated-admin-user
                      with: {public-key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRlc3Q admin@control"}
                    - crate: apt-proxy
                  configure:
                    - crate: nginx
                      with: {server-name: example.org}
                    - crate: sshd
                      with: {allow-users: "admin deploy"}
                    - crate: timezone
                      with: {zone: Europe/Paris}
                    - crate: git
                      with: {repository: "https://example.org/app.git", directory: /opt/app, revision: v1.2}
            """)
        #expect(errors.isEmpty, "\(errors)")
        let project = try TemporaryProject()
        defer { project.remove() }
        var paths: [String] = []
        for path in try #require(tree).sortedPaths where path.hasSuffix("run.sh") {
            try project.write(path, bytes: tree?.files[path]?.bytes ?? [])
            paths.append(project.root + "/" + path)
        }
        let shellcheck = try ProcessRunner.run(["shellcheck", "--shell=bash"] + paths)
        #expect(shellcheck.status == 0, "\(shellcheck.stdout)")
    }
}

/// The built-in crates, run as root on test hosts.
@Suite("Built-in crates on test hosts", .serialized, .enabled(if: TestHostSupport.requireRoot("Built-in crates on test hosts")))
struct BuiltInCrateHostTests {
    @Test("nginx: installs, serves the site on the host's address, reloads on change; a second run changes nothing")
    func nginx() throws {
        try TestHost.with(name: "nginx") { host in
            let (tree, errors) = try compileMain("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - crate: nginx
                          with: {server-name: example.org, listen: "\(host.address):80", root: /var/www/example}
                        - file: {path: /var/www/example/index.html, content: "hello from {{ node.name }}\\n"}
                """)
            #expect(errors.isEmpty, "\(errors)")
            let archive = try #require(tree?.files["groups/g/configure.tar"]).bytes
            let first = try host.runBundle(archive, environment: ["PALLET_NODE_NAME": "web-1"])
            #expect(first.result.status == 0, "\(first.result.combined)")
            #expect(first.statusLines.contains { $0.hasPrefix("handler reload-nginx 2/2 changed service nginx") }, "\(first.statusLines)")
            let page = try ProcessRunner.run(["curl", "-s", "--max-time", "5", "http://\(host.address)/"])
            #expect(page.stdout == "hello from web-1\n", "\(page.combined)")
            let second = try host.runBundle(archive, environment: ["PALLET_NODE_NAME": "web-1"])
            #expect(second.result.status == 0, "\(second.result.combined)")
            #expect(second.statuses.allSatisfy { $0 == "ok" }, "\(second.statusLines)")
        }
    }

    @Test("timezone and sshd: files and lines in place, idempotent")
    func timezoneAndSSHD() throws {
        try TestHost.with(name: "tz") { host in
            let (tree, errors) = try compileMain("""
                groups:
                  g:
                    service: lab
                    phases:
                      configure:
                        - crate: timezone
                          with: {zone: Europe/Paris}
                        - crate: sshd
                          with: {allow-users: "admin"}
                """)
            #expect(errors.isEmpty, "\(errors)")
            let archive = try #require(tree?.files["groups/g/configure.tar"]).bytes
            let first = try host.runBundle(archive)
            // The test host's sshd was not started by the service command, so only check the
            // configuration steps here; the reload handler is exercised against nginx.
            #expect(host.writtenFile("/etc/timezone") == Array("Europe/Paris\n".utf8))
            #expect(try host.exec(["readlink", "/etc/localtime"]).stdout == "/usr/share/zoneinfo/Europe/Paris\n")
            let config = String(decoding: host.writtenFile("/etc/ssh/sshd_config") ?? [], as: UTF8.self)
            #expect(config.contains("\nPermitRootLogin no\n") && config.contains("\nAllowUsers admin\n"), "\(first.result.combined)")
            #expect(try host.exec(["/usr/sbin/sshd", "-t"]).status == 0)
            let bad = try compileMain("""
                groups:
                  g:
                    service: lab
                    phases: {configure: [{crate: timezone, with: {zone: Mars/Olympus}}]}
                """)
            let failed = try host.runBundle(try #require(bad.0?.files["groups/g/configure.tar"]).bytes)
            #expect(failed.result.status == 1)
            #expect(failed.result.stderr.contains("unknown time zone Mars/Olympus"))
        }
    }

    @Test("git: clones a repository at a revision, does nothing when already there, follows a new revision; apt-proxy writes the proxy once")
    func gitAndAptProxy() throws {
        try TestHost.with(name: "git") { host in
            let setup = try host.shell("""
                set -e
                git init -q --bare /srv/repo.git
                git init -q /tmp/w && cd /tmp/w && git config user.email t@t && git config user.name t
                echo one > f && git add f && git commit -qm one && git tag v1
                echo two > f && git commit -qam two && git tag v2
                git push -q /srv/repo.git HEAD:refs/heads/main --tags
                """)
            #expect(setup.status == 0, "\(setup.combined)")
            func bundle(_ revision: String) throws -> [UInt8] {
                let (tree, errors) = try compileMain("""
                    groups:
                      g:
                        service: lab
                        phases:
                          configure:
                            - crate: git
                              with: {repository: /srv/repo.git, directory: /opt/app, revision: \(revision)}
                            - crate: apt-proxy
                              with: {url: "http://127.0.0.1:3142"}
                    """)
                #expect(errors.isEmpty, "\(errors)")
                return try #require(tree?.files["groups/g/configure.tar"]).bytes
            }
            let first = try host.runBundle(try bundle("v1"))
            #expect(first.result.status == 0, "\(first.result.combined)")
            #expect(host.writtenFile("/opt/app/f") == Array("one\n".utf8))
            #expect(host.writtenFile("/etc/apt/apt.conf.d/01pallet-proxy") == Array("Acquire::http::Proxy \"http://127.0.0.1:3142\";\n".utf8))
            let again = try host.runBundle(try bundle("v1"))
            #expect(again.result.status == 0, "\(again.result.combined)")
            #expect(again.statuses.allSatisfy { $0 == "ok" }, "\(again.statusLines)")
            let moved = try host.runBundle(try bundle("v2"))
            #expect(moved.result.status == 0, "\(moved.result.combined)")
            #expect(moved.statusLines.contains { $0.contains("changed exec") }, "\(moved.statusLines)")
            #expect(host.writtenFile("/opt/app/f") == Array("two\n".utf8))
        }
    }
}
