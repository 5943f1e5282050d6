import PalletSpec

/// What a group script's `converge COUNT` or `nodes` said about the group's VMs: the running
/// nodes with their ssh addresses, the VMs that are not running, and the half-built ones.
public struct ReportedNode: Sendable, Equatable {
    /// The node's name, `<group>-<index>`.
    public var name: String
    /// Its index in the group.
    public var index: Int
    /// What the script said about it.
    public var state: State

    /// A node's state as the script reported it.
    public enum State: Sendable, Equatable {
        /// Running, reachable at this address and port; `new` when this run created it.
        case running(address: String, port: Int, new: Bool)
        /// Registered but not running (VirtualBox's state, such as `poweroff`).
        case stopped(String)
        /// Created by an earlier run that stopped before the VM was ready.
        case halfBuilt
        /// Running, but its address cannot be trusted (the reason says why).
        case rejected(String)
    }

    /// Whether `name` is `<group>-<index>` for a positive index.
    static func isNodeName(_ name: String, group: String) -> Bool {
        guard name.hasPrefix(group + "-"), let index = Int(name.dropFirst(group.count + 1)) else { return false }
        return index > 0 && name == "\(group)-\(index)"
    }

    /// Reads the lines a group script printed: `node NODE INDEX ADDRESS PORT NEW`,
    /// `stopped NODE INDEX STATE` and `half-built NODE INDEX`.
    ///
    /// The address comes from the VM (a guest property anyone with root in the guest can set): a
    /// node whose address is not a plain host name or IP address is `rejected`, never a target.
    public static func parse(_ text: String, group: String) throws -> [ReportedNode] {
        var nodes: [ReportedNode] = []
        for line in text.split(separator: "\n") where !line.isEmpty {
            let words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard words.count >= 3, let index = Int(words[2]), words[1] == "\(group)-\(index)", index > 0,
                  let node = node(words, name: words[1], index: index) else {
                throw ProvisionScript.Failure(description: "the provisioning script of group \(NodeText.escape(group)) printed "
                    + "'\(NodeText.escape(String(line)))'; expected 'node NODE INDEX ADDRESS PORT NEW', 'stopped NODE INDEX STATE' "
                    + "or 'half-built NODE INDEX'")
            }
            nodes.append(node)
        }
        return nodes
    }

    /// One line's node, or nil when its words do not fit its keyword.
    static func node(_ words: [String], name: String, index: Int) -> ReportedNode? {
        switch (words[0], words.count) {
        case ("node", 6):
            guard let port = Int(words[4]), (1...65535).contains(port), words[5] == "0" || words[5] == "1" else { return nil }
            guard NameRules.isValidAddress(words[3]) else {
                return ReportedNode(name: name, index: index, state: .rejected(
                    "VM \(name) reported the address '\(NodeText.escape(words[3]))', which is not a host name or IP address; that node was left alone"))
            }
            return ReportedNode(name: name, index: index, state: .running(address: words[3], port: port, new: words[5] == "1"))
        case ("stopped", 4):
            return ReportedNode(name: name, index: index, state: .stopped(words[3]))
        case ("half-built", 3):
            return ReportedNode(name: name, index: index, state: .halfBuilt)
        default:
            return nil
        }
    }
}
