/// Everything one `pallet apply`, `lift` or `apply --check` did, for `--json` and the recap.
public struct RunReport: Codable, Sendable {
    /// The run's id, also the name of its log folder.
    public var runID: String
    /// The command a report is of; in the JSON report, its word.
    public enum Mode: String, Codable, Sendable {
        /// `pallet apply`.
        case apply
        /// `pallet apply --check` (or `lift --check`): nothing changed, what would is shown.
        case check
        /// `pallet lift`.
        case lift
    }

    /// The command: apply, check or lift.
    public var mode: Mode
    /// The phase results in the order they finished within each phase.
    public var results: [PhaseResult]
    /// Problems that stopped the run before it reached any node.
    public var errors: [String]
    /// The VirtualBox machine changes made (or, in check mode, that apply would make), in order;
    /// `keep` entries name the VMs left as they were.
    public var machines: [MachineChange] = []
    /// With `--slice K/N`: which slice ran, and how many selected nodes it left to the others.
    public var slice: SliceReport? = nil

    /// What a sliced run covered.
    public struct SliceReport: Codable, Sendable, Equatable {
        /// The slice's number, K.
        public var index: Int
        /// How many slices, N.
        public var count: Int
        /// The nodes of this slice that the run selected, in plan order.
        public var nodes: [String]
        /// How many selected nodes belong to other slices and were not run here.
        public var leftToOthers: Int

        enum CodingKeys: String, CodingKey {
            case index, count, nodes
            case leftToOthers = "left-to-other-slices"
        }

        /// The recap's line, such as `slice 2/3: 2 node(s) here, 4 left to other slices`.
        public var summary: String {
            "slice \(index)/\(count): \(nodes.count) node(s) here, \(leftToOthers) left to other slices"
        }
    }

    enum CodingKeys: String, CodingKey {
        case runID = "run-id"
        case mode, results, errors, machines, slice
    }

    /// Whether any node failed or was unreachable, or the run could not start.
    public var failed: Bool {
        !errors.isEmpty || results.contains { $0.outcome == .failed || $0.outcome == .unreachable }
    }

    /// Whether any step or machine changed something (or would, in check mode).
    public var changed: Bool { results.contains { $0.outcome == .changed } || machines.contains(where: \.changesMachine) }

    /// One row per node: total ok, changed, failed and unreachable over its phases.
    public var recap: [(node: String, group: String, ok: Int, changed: Int, failed: Int, unreachable: Int, message: String?)] {
        var order: [String] = []
        var rows: [String: (node: String, group: String, ok: Int, changed: Int, failed: Int, unreachable: Int, message: String?)] = [:]
        for result in results {
            if rows[result.node] == nil {
                order.append(result.node)
                rows[result.node] = (result.node, result.group, 0, 0, 0, 0, nil)
            }
            rows[result.node]?.ok += result.ok
            rows[result.node]?.changed += result.changed
            rows[result.node]?.failed += result.outcome == .failed ? max(result.failed, 1) : 0
            rows[result.node]?.unreachable += result.outcome == .unreachable ? 1 : 0
            if let message = result.message, result.outcome == .failed || result.outcome == .unreachable {
                rows[result.node]?.message = "\(result.phase): \(message)"
            }
        }
        return order.compactMap { rows[$0] }
    }
}
