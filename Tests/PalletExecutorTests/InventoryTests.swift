import Foundation
import PalletContract
import PalletSpec
import Testing
@testable import PalletExecutor

/// The inventory without ssh or a node: listed hosts become targets, VMs wait for their
/// addresses from provisioning, and `--group` / `--node` select among them.
@Suite("inventory")
struct InventoryTests {
    typealias Group = PlanFixture.Group
    typealias Node = PlanFixture.Node

    let home = "/home/tester"

    /// Hosts db-1 and db-2 (db-2 with its own login user and a pinned key), a virtualbox group
    /// web of two VMs with the image's login, and an empty hosts group.
    func mixedPlan() throws -> PlanDocument {
        try PlanFixture.document([
            Group(name: "db", nodes: [
                Node(name: "db-1", index: 1, address: "192.0.2.10"),
                Node(name: "db-2", index: 2, address: "db-2.example.org", port: 2222, login: ("debian", nil),
                     hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITEST"),
            ]),
            Group(name: "web", provider: "virtualbox", after: ["db"], nodes: [
                Node(name: "web-1", index: 1, login: ("ubuntu", "~/.ssh/image")),
                Node(name: "web-2", index: 2, login: ("ubuntu", "~/.ssh/image")),
            ]),
            Group(name: "spare"),
        ])
    }

    @Test("listed hosts become targets in plan order, with the admin's key and their own login; VMs are unaddressed")
    func hostsAndVMs() throws {
        let inventory = try Inventory(plan: mixedPlan(), home: home)
        let admin = Credentials(user: "pallet-admin", key: "/home/tester/.ssh/pallet-admin")
        #expect(inventory.targets == [
            Target(name: "db-1", group: "db", index: 1, address: "192.0.2.10", port: 22, admin: admin, login: admin),
            Target(name: "db-2", group: "db", index: 2, address: "db-2.example.org", port: 2222, admin: admin,
                   login: Credentials(user: "debian", key: "/home/tester/.ssh/pallet-admin"),
                   hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITEST"),
        ])
        #expect(inventory.unaddressed == ["web": "virtualbox nodes get addresses from 'pallet apply'"])
    }

    @Test("~ expands only as a whole word or a leading ~/; an admin without a key lets ssh pick its default")
    func keyPaths() throws {
        #expect(Inventory.expand("~", home: home) == "/home/tester")
        #expect(Inventory.expand("~/k", home: home) == "/home/tester/k")
        #expect(Inventory.expand("~other/k", home: home) == "~other/k")
        #expect(Inventory.expand("/abs/~/k", home: home) == "/abs/~/k")
        #expect(Inventory.expand("rel/k", home: home) == "rel/k")
        let plan = try PlanFixture.document([Group(name: "db", nodes: [Node(name: "db-1", index: 1, address: "192.0.2.10")])],
                                            admin: ("root", nil))
        let inventory = try Inventory(plan: plan, home: home)
        #expect(inventory.targets.map(\.admin) == [Credentials(user: "root", key: nil)])
        #expect(inventory.targets.map(\.login) == [Credentials(user: "root", key: nil)])
    }

    @Test("a plan without an admin user is refused with a clear error")
    func noAdmin() throws {
        let plan = try PlanFixture.document([Group(name: "db", nodes: [Node(name: "db-1", index: 1, address: "192.0.2.10")])], admin: nil)
        let error = #expect(throws: LoadedPlan.ReadError.self) { try Inventory(plan: plan, home: home) }
        #expect(error?.description == "the specs define no admin-user: pallet needs one to log in to nodes")
    }

    @Test("--group and --node select in plan order; nothing selected names the groups still waiting for addresses")
    func selection() throws {
        let inventory = try Inventory(plan: mixedPlan(), home: home)
        #expect(inventory.targets(groups: [], nodes: []).map(\.name) == ["db-1", "db-2"])
        #expect(inventory.targets(groups: ["db"], nodes: ["db-2"]).map(\.name) == ["db-2"])
        #expect(inventory.targets(groups: [], nodes: ["db-2", "db-1"]).map(\.name) == ["db-1", "db-2"])
        #expect(inventory.targets(groups: ["web"], nodes: []).isEmpty)
        #expect(inventory.targets(groups: ["db"], nodes: ["web-1"]).isEmpty)
        #expect(inventory.noTargetMessage == "no node to run on (group web: virtualbox nodes get addresses from 'pallet apply')")
        let hostsOnly = try Inventory(plan: PlanFixture.document([Group(name: "spare")]), home: home)
        #expect(hostsOnly.targets.isEmpty)
        #expect(hostsOnly.noTargetMessage == "no node to run on")
    }

    @Test("provisioned VMs: a running VM becomes a target with the image's login, a stopped one does not; adding them replaces the group")
    func provisionedVMs() throws {
        let folder = try #require(PrivateFolder.create(in: NSTemporaryDirectory(), prefix: "pallet-inventory."))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let document = try mixedPlan()
        try PlanFixture.json([
            Group(name: "db", nodes: [Node(name: "db-1", index: 1, address: "192.0.2.10")]),
            Group(name: "web", provider: "virtualbox", nodes: [Node(name: "web-1", index: 1, login: ("ubuntu", "~/.ssh/image")),
                                                              Node(name: "web-2", index: 2, login: ("ubuntu", "~/.ssh/image"))]),
        ]).write(to: URL(fileURLWithPath: folder + "/plan.json"))
        let plan = try LoadedPlan(outDirectory: folder)
        let web = try #require(plan.document.groups.first { $0.name == "web" })
        let provisioner = try #require(Provisioner(group: web, plan: plan, runDirectory: folder + "/run", home: home))
        let running = provisioner.target(ReportedNode(name: "web-2", index: 2, state: .running(address: "10.0.0.7", port: 22, new: true)))
        #expect(provisioner.target(ReportedNode(name: "web-1", index: 1, state: .stopped("poweroff"))) == nil)
        #expect(provisioner.target(ReportedNode(name: "web-1", index: 1, state: .halfBuilt)) == nil)
        let admin = Credentials(user: "pallet-admin", key: "/home/tester/.ssh/pallet-admin")
        #expect(running == Target(name: "web-2", group: "web", index: 2, address: "10.0.0.7", port: 22, admin: admin,
                                  login: Credentials(user: "ubuntu", key: "/home/tester/.ssh/image")))
        // A VM index the plan does not list (a count raised since) logs in as the admin.
        let extra = provisioner.target(ReportedNode(name: "web-3", index: 3, state: .running(address: "10.0.0.8", port: 22, new: true)))
        #expect(extra?.login == admin)

        var inventory = try Inventory(plan: document, home: home)
        inventory.add([running, extra].compactMap { $0 }, group: "web")
        #expect(inventory.unaddressed.isEmpty)
        #expect(inventory.targets.map(\.name) == ["db-1", "db-2", "web-2", "web-3"])
        #expect(inventory.targets(groups: ["web"], nodes: []).map(\.address) == ["10.0.0.7", "10.0.0.8"])
        #expect(inventory.noTargetMessage == "no node to run on")
        // A later provisioning of the group replaces its targets; the other groups stay.
        inventory.add([], group: "web")
        #expect(inventory.targets.map(\.name) == ["db-1", "db-2"])
        inventory.add([], group: "db")
        #expect(inventory.targets.isEmpty)
    }
}
