import Foundation
import PalletSpec
import PalletTestSupport
import Testing

/// Secrets reach the node under identifiers that never collide, and a value the node's shell
/// cannot carry unchanged is refused before anything runs.
@Suite("Secret delivery", .serialized)
struct SecretDeliveryTests {
    static let location = SourceLocation(file: "specs/a.yaml", line: 1, column: 1)

    static func identifier(_ source: SecretReference.Source) -> String {
        SecretReference(source: source, location: location).identifier
    }

    /// Specs with one host `h1` of group `g`, whose configure phase is the one step `configure` (YAML flow style).
    static func oneHost(configure: String) -> String {
        """
        services:
          lab:
            provider: hosts
            hosts:
              - {name: h1, group: g, address: 127.0.0.1}
        groups:
          g: {service: lab, phases: {configure: [\(configure)]}}

        """
    }

    @Test("secret identifiers are injective and safe file names: {file: /etc/a/b} and {file: /etc/a_b} differ")
    func identifiersInjective() {
        let sources: [SecretReference.Source] = [
            .file("/etc/a/b"), .file("/etc/a_b"), .file("/etc/a.b"), .file("/etc/a-b"), .file("/etc/a b"), .file("/etc/a_2Fb"),
            .file("~/.secrets/db"), .file("/etc/é"), .file("/etc/e\u{301}"), .file(""), .file("."), .file(".."),
            .environment("A_B"), .environment("a_b"),
        ]
        let identifiers = sources.map(Self.identifier)
        #expect(Set(identifiers).count == sources.count, "\(identifiers)")
        #expect(Self.identifier(.file("/etc/a/b")) == "file-_2Fetc_2Fa_2Fb")
        #expect(Self.identifier(.file("/etc/a_b")) == "file-_2Fetc_2Fa_5Fb")
        for identifier in identifiers {
            #expect(identifier != "." && identifier != ".." && !identifier.contains("/") && !identifier.isEmpty, "\(identifier)")
            #expect(identifier.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "printable ASCII only: \(identifier)")
        }
    }

    @Test("a secret file path whose identifier would not fit in a file name is a located error")
    func longSecretPathRefused() throws {
        let path = "/" + String(repeating: "a/", count: 90)
        let spec = MarkedText(Self.oneHost(configure: #"{file: {path: /etc/x, content: {secret: {file: ⟨path⟩"\#(path)"}}}}"#))
        let project = try TemporaryProject(files: ["specs/a.yaml": spec.text])
        defer { project.remove() }
        let run = try ProcessRunner.run([RepositoryPaths.palletBinary, "plan"], directory: project.root)
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(spec.at("path", in: "specs/a.yaml")): error: this secret file path is too long"), "\(run.stderr)")
        #expect(!project.exists("out"))
    }

    @Test("{file: DIR/a/b} and {file: DIR/a_b} are delivered to a test host each with its own value",
          .enabled(if: TestHostSupport.requireRoot("Secret delivery on a test host")))
    func twoSimilarPathsDelivered() throws {
        try TestHostCluster.with(names: ["db1"]) { cluster in
            let folder = cluster.directory + "/s"
            try FileManager.default.createDirectory(atPath: folder + "/a", withIntermediateDirectories: true)
            try Data("value of a/b".utf8).write(to: URL(fileURLWithPath: folder + "/a/b"))
            try Data("value of a_b".utf8).write(to: URL(fileURLWithPath: folder + "/a_b"))
            let setup = try ClusterProject(cluster: cluster, groupOf: ["db1": "db"], groups: """
                  db:
                    service: lab
                    phases:
                      configure:
                        - file: {path: /etc/one, content: {secret: {file: \(folder)/a/b}}}
                        - file: {path: /etc/two, content: {secret: {file: \(folder)/a_b}}}
                """)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            let run = try setup.pallet(["apply"])
            #expect(run.status == 0, "\(run.combined)")
            let host = try #require(cluster["db1"])
            #expect(host.upperFile("/etc/one") == Array("value of a/b".utf8))
            #expect(host.upperFile("/etc/two") == Array("value of a_b".utf8))
        }
    }

    @Test("a secret ending in newlines reaches an exec script's environment and its guard byte for byte",
          .enabled(if: TestHostSupport.requireRoot("Secret delivery on a test host")))
    func trailingNewlinesKept() throws {
        try TestHostCluster.with(names: ["db1"]) { cluster in
            let secret = cluster.directory + "/pw"
            try Data("p'w\\d\n\n".utf8).write(to: URL(fileURLWithPath: secret))
            let setup = try ClusterProject(cluster: cluster, groupOf: ["db1": "db"], groups: """
                  db:
                    service: lab
                    phases:
                      configure:
                        - exec:
                            script: 'printf "%s" "$PW" >/etc/pw-script'
                            unless: 'printf "%s" "$PW" >/etc/pw-guard; false'
                            environment: {PW: {secret: {file: \(secret)}}}
                """)
            defer { setup.project.remove() }
            let plan = try setup.pallet(["plan"])
            #expect(plan.status == 0, "\(plan.combined)")
            let run = try setup.pallet(["apply"])
            #expect(run.status == 0, "\(run.combined)")
            let host = try #require(cluster["db1"])
            #expect(host.upperFile("/etc/pw-script") == Array("p'w\\d\n\n".utf8))
            #expect(host.upperFile("/etc/pw-guard") == Array("p'w\\d\n\n".utf8))
        }
    }

    @Test("a secret holding a NUL byte is refused, naming the secret, before anything runs on any node",
          .enabled(if: TestHostSupport.requireRoot("Secret delivery on a test host")))
    func nulSecretRefused() throws {
        try TestHostCluster.with(names: ["db1"]) { cluster in
            let secret = cluster.directory + "/nul-secret"
            try Data([0x61, 0x62, 0x00, 0x63, 0x64]).write(to: URL(fileURLWithPath: secret))
            let setup = try ClusterProject(cluster: cluster, groupOf: ["db1": "db"], groups: """
                  db:
                    service: lab
                    phases:
                      configure:
                        - file: {path: /etc/first, content: "first step\\n"}
                        - exec: {script: "printf '%s' \\"$S\\" > /etc/s", environment: {S: {secret: {file: \(secret)}}}}
                """)
            defer { setup.project.remove() }
            #expect(try setup.pallet(["plan"]).status == 0)
            let run = try setup.pallet(["apply"])
            #expect(run.status == 1, "\(run.combined)")
            #expect(run.stderr.contains("secret {file: \(secret)} holds a NUL byte (at byte 2)"), "\(run.stderr)")
            let host = try #require(cluster["db1"])
            #expect(host.upperFile("/etc/first") == nil, "not even the first step ran")
            #expect(host.upperFile("/etc/s") == nil)
            #expect(try host.shell("test -e /run/pallet").status != 0, "no run reached the node")
        }
    }
}
