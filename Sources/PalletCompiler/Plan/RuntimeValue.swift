/// A value that only the node knows, filled in when the bundle runs.
public enum RuntimeValue: String, Sendable, Hashable, Codable, CaseIterable {
    /// The node's name, such as `web-1`.
    case nodeName = "node.name"
    /// The node's index in its group, such as `1`.
    case nodeIndex = "node.index"
    /// The node's address as the executor reached it.
    case nodeAddress = "node.address"

    /// The environment variable the runtime sets for the value.
    public var variable: String {
        switch self {
        case .nodeName: return "PALLET_NODE_NAME"
        case .nodeIndex: return "PALLET_NODE_INDEX"
        case .nodeAddress: return "PALLET_NODE_ADDRESS"
        }
    }

    /// The token the runtime replaces in rendered file content and scripts.
    public var token: String { "{{ \(rawValue) }}" }

    /// Values nodes can really have, one set per check, chosen to break careless rules: a node
    /// name is any spec name (capitals, `..` inside), an index any number, and a listed host's
    /// address any host name or IP literal (`..` included). A value built from a node value must
    /// meet its option's rule with each set.
    public static let samples: [[RuntimeValue: String]] = [
        [.nodeName: "web-1", .nodeIndex: "1", .nodeAddress: "192.0.2.10"],
        [.nodeName: "Web_1", .nodeIndex: "0", .nodeAddress: ".."],
        [.nodeName: "a..b", .nodeIndex: "4294967295", .nodeAddress: "fe80::1"],
        [.nodeName: String(repeating: "n", count: 64), .nodeIndex: "10", .nodeAddress: "."],
    ]
}
