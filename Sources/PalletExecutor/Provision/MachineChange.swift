/// One change `pallet apply` makes (or, with `--check`, would make) to the VirtualBox machines:
/// what a group script's `plan COUNT` prints, or an orphan that the orphans script lists.
public struct MachineChange: Codable, Sendable, Equatable {
    /// What happens to the machine.
    public enum Action: String, Codable, Sendable {
        /// A missing node is created.
        case create
        /// A half-built VM is destroyed and created again.
        case rebuild
        /// A stopped VM is started.
        case start
        /// A running VM stays as it is.
        case keep
        /// A VM above the group's count is destroyed.
        case destroy
        /// A VM of this project whose group is no longer in the specs is destroyed.
        case destroyOrphan = "destroy-orphan"
    }

    /// What happens.
    public var action: Action
    /// The group (for an orphan, the group it was created for).
    public var group: String
    /// The node's name, `<group>-<index>`.
    public var node: String
    /// The VirtualBox VM's name.
    public var vm: String
    /// The VM's UUID, when the script gave it (orphans).
    public var uuid: String?
    /// The service the VM was created for, when the script gave it (orphans).
    public var service: String?

    enum CodingKeys: String, CodingKey {
        case action, group, node, vm, uuid, service
    }

    /// Creates a change.
    public init(action: Action, group: String, node: String, vm: String, uuid: String? = nil, service: String? = nil) {
        self.action = action
        self.group = group
        self.node = node
        self.vm = vm
        self.uuid = uuid
        self.service = service
    }

    /// Whether this changes a machine (every action but `keep`).
    public var changesMachine: Bool { action != .keep }

    /// The change in words, such as `create web-3` or `destroy orphan old-1 (group old, no longer
    /// in the specs)`; every name is escaped for a terminal.
    public var summary: String {
        let node = NodeText.escape(node)
        let vm = NodeText.escape(vm)
        switch action {
        case .destroyOrphan:
            let service = self.service.map { "service \(NodeText.escape($0)), " } ?? ""
            return "destroy orphan \(node) (VM \(vm), \(service)group \(NodeText.escape(group)), no longer in the specs)"
        default:
            return "\(action.rawValue) \(node) (VM \(vm))"
        }
    }

    /// The changes a group script's `plan COUNT` printed: one `ACTION NODE VM` line each, in the
    /// order converge would act.
    public static func parsePlan(_ text: String, group: String) throws -> [MachineChange] {
        var changes: [MachineChange] = []
        for line in text.split(separator: "\n") where !line.isEmpty {
            let words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard words.count == 3, let action = Action(rawValue: words[0]), action != .destroyOrphan,
                  ReportedNode.isNodeName(words[1], group: group), !words[2].isEmpty else {
                throw ProvisionScript.Failure(description: "the provisioning script of group \(NodeText.escape(group)) printed "
                    + "'\(NodeText.escape(String(line)))' for plan; expected 'create|rebuild|start|keep|destroy NODE VM'")
            }
            changes.append(MachineChange(action: action, group: group, node: words[1], vm: words[2]))
        }
        return changes
    }

    /// The orphans the orphans script's `list` printed: one `orphan VM UUID SERVICE GROUP INDEX`
    /// line each (the VM's name may hold spaces: the last four words are the others).
    public static func parseOrphans(_ text: String) throws -> [MachineChange] {
        var orphans: [MachineChange] = []
        for line in text.split(separator: "\n") where !line.isEmpty {
            let words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard words.count >= 6, words[0] == "orphan", let index = Int(words[words.count - 1]), index > 0 else {
                throw ProvisionScript.Failure(description: "the orphans script printed '\(NodeText.escape(String(line)))' for list; "
                    + "expected 'orphan VM UUID SERVICE GROUP INDEX'")
            }
            let group = words[words.count - 2]
            orphans.append(MachineChange(
                action: .destroyOrphan, group: group, node: "\(group)-\(index)",
                vm: words[1..<(words.count - 4)].joined(separator: " "), uuid: words[words.count - 4], service: words[words.count - 3]))
        }
        return orphans
    }
}
