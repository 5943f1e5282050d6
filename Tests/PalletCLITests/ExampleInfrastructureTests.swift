import Foundation
import PalletTestSupport
import Testing

/// examples/hosts, applied to two test hosts: nginx answers over HTTP on the web node, MariaDB
/// accepts the configured user on the db node, and a second apply changes nothing.
@Suite("The example infrastructure on test hosts", .serialized, .enabled(if: TestHostSupport.requireRoot("The example infrastructure")))
struct ExampleInfrastructureTests {
    @Test("web + db from examples/hosts: nginx serves, MariaDB accepts the app user, second apply changes nothing")
    func webAndDatabase() throws {
        try TestHostCluster.with(names: ["web-1", "db-1"]) { cluster in
            let web = try #require(cluster["web-1"])
            let db = try #require(cluster["db-1"])
            let example = RepositoryPaths.root + "/examples/hosts/specs/"
            let servers = try String(contentsOfFile: example + "servers.yaml", encoding: .utf8)
                .replacingOccurrences(of: "listen: \"80\"", with: "listen: \"\(web.address):80\"")
                .replacingOccurrences(of: "db-bind: 0.0.0.0", with: "db-bind: \(db.address)")
            let project = try TemporaryProject(files: [
                "specs/servers.yaml": servers,
                "specs/groups.yaml": try String(contentsOfFile: example + "groups.yaml", encoding: .utf8),
                "specs/pallet.yaml": """
                    admin-user: {username: admin, private-key: \(cluster.keyPair.privateKey)}
                    services:
                      lab:
                        provider: hosts
                        hosts:
                          - {name: web-1, group: web, address: \(web.address), os-family: debian}
                          - {name: db-1, group: db, address: \(db.address), os-family: debian}
                    """,
            ])
            defer { project.remove() }
            let environment = ["DB_ROOT_PASSWORD": "r00t'pw\"$x", "DB_APP_PASSWORD": "app pw;`x`"]
            func pallet(_ arguments: [String]) throws -> ProcessResult {
                try ProcessRunner.run([RepositoryPaths.palletBinary] + arguments, directory: project.root, environment: environment)
            }
            #expect(try pallet(["plan"]).status == 0)
            let first = try pallet(["apply"])
            #expect(first.status == 0, "\(first.combined)")
            let page = try ProcessRunner.run(["curl", "-s", "--max-time", "5", "http://\(web.address)/"])
            #expect(page.stdout == "<h1>Hello from web-1</h1>\n", "\(page.combined)")
            let query = try db.exec(["env", "MYSQL_PWD=app pw;`x`", "mysql", "-uapp", "--protocol=tcp", "-h", db.address, "app", "-N", "-e",
                                     "SELECT CURRENT_USER()"])
            #expect(query.stdout.hasPrefix("app@"), "\(query.combined)")
            let root = try db.exec(["env", "MYSQL_PWD=r00t'pw\"$x", "mysql", "-uroot", "--protocol=tcp", "-h", db.address, "-N", "-e", "SELECT 1"])
            #expect(root.stdout == "1\n", "\(root.combined)")
            let second = try pallet(["apply", "--detailed-exitcode"])
            #expect(second.status == 0, "a second apply must change nothing: \(second.combined)")
        }
    }
}
