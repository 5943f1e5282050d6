import Foundation
import PalletTestSupport
import Testing

/// The first thing a newcomer runs: `make plan && make apply` on the shipped `specs/`, as the
/// README's quick start sets it up (the image disk, the image's login key and the admin key pair
/// in place), against the VBoxManage simulator whose started VMs are real test hosts.
@Suite("make plan && make apply on the shipped example", .serialized,
       .enabled(if: TestHostSupport.requireRoot("make plan && make apply on the shipped example")))
struct ShippedExampleTests {
    /// The shipped admin public key in specs/servers.yaml, which the quick start replaces.
    static let shippedAdminKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA1bJ0b9rR3lKq0yQx8nV2m5cZ8hT4uW6pE9sD2fG7kL pallet-admin@control"

    @Test("from nothing: 1 db and 2 web VMs of project 'example' are created, bootstrapped and configured; a second apply creates and changes nothing")
    func makePlanAndApply() throws {
        let project = try TemporaryProject()
        defer { project.remove() }
        let home = project.root + "/home"
        try FileManager.default.createDirectory(atPath: home + "/.ssh", withIntermediateDirectories: true)
        // The quick start: the image's login key, an admin key pair, and the image disk.
        let image = try TestHostSupport.makeKeyPair(in: project.root + "/image-key")
        let admin = try TestHostSupport.makeKeyPair(in: project.root + "/admin-key")
        try FileManager.default.copyItem(atPath: image.privateKey, toPath: home + "/.ssh/image")
        try FileManager.default.copyItem(atPath: admin.privateKey, toPath: home + "/.ssh/pallet-admin")
        try FileManager.default.copyItem(atPath: admin.publicKey, toPath: home + "/.ssh/pallet-admin.pub")
        let disk = project.root + "/models/debian-12-amd64.vdi"
        try FileManager.default.createDirectory(atPath: project.root + "/models", withIntermediateDirectories: true)
        try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: disk))

        // The shipped specs and Makefile, with the disk path and the admin key pointed at them.
        try FileManager.default.copyItem(atPath: RepositoryPaths.root + "/specs", toPath: project.root + "/specs")
        try FileManager.default.copyItem(atPath: RepositoryPaths.root + "/Makefile", toPath: project.root + "/Makefile")
        let pallet = try String(contentsOfFile: project.root + "/specs/pallet.yaml", encoding: .utf8)
        #expect(pallet.contains("/srv/vbox/models/debian-12-amd64.vdi"), "the quick start names this path")
        try project.write("specs/pallet.yaml", pallet.replacingOccurrences(of: "/srv/vbox/models/debian-12-amd64.vdi", with: disk))
        let servers = try String(contentsOfFile: project.root + "/specs/servers.yaml", encoding: .utf8)
        #expect(servers.contains(Self.shippedAdminKey), "the quick start replaces this key")
        let adminKey = try String(contentsOfFile: admin.publicKey, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try project.write("specs/servers.yaml", servers.replacingOccurrences(of: Self.shippedAdminKey, with: adminKey))

        let sim = try SimulatedVirtualBox(directory: project.root + "/sim", home: home, login: "debian", publicKey: image.publicKey)
        defer { sim.tearDown() }
        var environment = sim.environment
        environment["DB_ROOT_PASSWORD"] = "root-\(UInt32.random(in: 1...UInt32.max))"
        environment["DB_APP_PASSWORD"] = "app-\(UInt32.random(in: 1...UInt32.max))"
        // `make` with pallet already built: -o build keeps the Makefile from building it again.
        func make(_ target: String) throws -> ProcessResult {
            try ProcessRunner.run(["make", "-o", "build", target, "PALLET=\(RepositoryPaths.palletBinary)"],
                                  directory: project.root, environment: environment)
        }

        let plan = try make("plan")
        #expect(plan.status == 0, "\(plan.combined)")
        let apply = try make("apply")
        #expect(apply.status == 0, "\(apply.combined)")
        #expect(try sim.vmNames() == ["example-db-1", "example-web-1", "example-web-2"])
        // A clean log: the successful runs of every node's bundles wrote no error line.
        let runs = project.root + "/.pallet/runs"
        let runLogs = (FileManager.default.enumerator(atPath: runs)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".log") }
        #expect(!runLogs.isEmpty, "no run logs under \(runs)")
        for log in runLogs {
            guard let text = try? String(contentsOfFile: runs + "/" + log, encoding: .utf8) else { continue }
            let errorLines = text.split(separator: "\n").filter { $0.contains("pallet: error") }
            #expect(errorLines.isEmpty, "\(log): \(errorLines)")
        }
        for vm in ["example-db-1", "example-web-1", "example-web-2"] {
            let project = try sim.vboxManage(["getextradata", vm, "pallet/project"])
            #expect(project.stdout == "Value: example\n", "\(vm): \(project.combined)")
        }
        // Configured: the motd of basenode on every node, nginx serving each web node's page on
        // its own address, MariaDB with the app database on db-1.
        for (vm, node, group) in [("example-db-1", "db-1", "db"), ("example-web-1", "web-1", "web"), ("example-web-2", "web-2", "web")] {
            let motd = try? String(contentsOfFile: sim.hostFolder(vm) + "/upper/etc/motd", encoding: .utf8)
            #expect(motd == "\(node) (\(group)) is managed by pallet; local changes will be overwritten.\n", "\(vm): \(motd ?? "no motd")")
        }
        for (vm, node) in [("example-web-1", "web-1"), ("example-web-2", "web-2")] {
            let address = try #require(sim.address(vm))
            let page = try ProcessRunner.run(["curl", "-sS", "--max-time", "10", "http://\(address)/"])
            #expect(page.stdout == "<h1>Hello from \(node)</h1>\n", "\(vm): \(page.combined)")
        }
        let database = try ProcessRunner.run([TestHostSupport.scriptPath, "exec", sim.hostFolder("example-db-1"), "--",
                                              "mysql", "-N", "-e", "SHOW DATABASES LIKE 'app'"])
        #expect(database.stdout == "app\n", "\(database.combined)")

        // The second apply: nothing to create, nothing changes on any node.
        let calls = try String(contentsOfFile: project.root + "/sim/vbox/calls.log", encoding: .utf8)
        let again = try make("apply")
        #expect(again.status == 0, "\(again.combined)")
        let newCalls = try String(contentsOfFile: project.root + "/sim/vbox/calls.log", encoding: .utf8).dropFirst(calls.count)
        #expect(!newCalls.contains("\"createvm\""), "\(newCalls)")
        #expect(!newCalls.contains("\"unregistervm\""), "\(newCalls)")
        let logs = try ProcessRunner.run(["bash", "-c", "grep -h 'changed' .pallet/runs/*/*/configure.log | tail -20"], directory: project.root)
        #expect(again.stderr.range(of: "changed=[1-9]", options: .regularExpression) == nil, "\(again.stderr)\n\(logs.stdout)")
        #expect(try sim.vmNames() == ["example-db-1", "example-web-1", "example-web-2"])
    }
}
