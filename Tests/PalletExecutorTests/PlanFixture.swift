import Foundation
import PalletContract

/// plan.json text for executor tests that need no `out/` bundles: groups with the fields the
/// executor reads, decoded through the same `PlanDocument` as a real plan.
enum PlanFixture {
    /// One node of a group: a listed host when `address` is set, else a VM that gets its address
    /// from provisioning; `login` is the bootstrap user and key, when the image has one.
    struct Node {
        var name: String
        var index: Int
        var address: String? = nil
        var port: Int = 22
        var login: (user: String, key: String?)? = nil
        var hostKey: String? = nil

        var json: [String: Any] {
            var node: [String: Any] = ["name": name, "index": index, "port": port]
            if let address { node["address"] = address }
            if let login {
                node["loginUser"] = login.user
                if let key = login.key { node["loginKey"] = key }
            }
            if let hostKey { node["hostKey"] = hostKey }
            return node
        }
    }

    /// One group: `provider` hosts or virtualbox (which gets a provisioning script), the phases it
    /// has bundles for, and the groups it runs after.
    struct Group {
        var name: String
        var provider: String = "hosts"
        var after: [String] = []
        var phases: [String] = ["configure"]
        var nodes: [Node] = []

        var service: String { provider == "virtualbox" ? "vbox" : "lab" }

        var json: [String: Any] {
            var group: [String: Any] = [
                "name": name, "service": service, "provider": provider, "count": nodes.count, "after": after, "chain": [name],
                "nodes": nodes.map(\.json),
                "bundles": phases.map { phase in
                    ["phase": phase, "archive": "groups/\(name)/\(phase).tar", "sha256": String(repeating: "0", count: 64), "steps": 1,
                     "handlers": [String](), "secrets": [[String: String]]()] as [String: Any]
                },
            ]
            if provider == "virtualbox" { group["provision"] = "provision/\(service)/\(name).sh" }
            return group
        }
    }

    /// The plan.json bytes of `groups`, with the admin user `admin` (none when nil).
    static func json(_ groups: [Group], admin: (user: String, key: String?)? = ("pallet-admin", "~/.ssh/pallet-admin")) throws -> Data {
        var plan: [String: Any] = [
            "format": 1, "generator": "pallet test",
            "inputs": ["digest": "sha256:" + String(repeating: "0", count: 64), "method": "test", "files": [String]()],
            "groups": groups.map(\.json),
        ]
        if let admin {
            var entry: [String: Any] = ["username": admin.user]
            if let key = admin.key { entry["private-key"] = key }
            plan["admin-user"] = entry
        }
        return try JSONSerialization.data(withJSONObject: plan, options: [.sortedKeys])
    }

    /// The plan document of `groups`, decoded as the executor decodes plan.json.
    static func document(_ groups: [Group], admin: (user: String, key: String?)? = ("pallet-admin", "~/.ssh/pallet-admin")) throws
        -> PlanDocument {
        try JSONDecoder().decode(PlanDocument.self, from: json(groups, admin: admin))
    }
}
