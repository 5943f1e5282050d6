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
}
