import PalletContract

/// The order in which groups run a phase: in levels, each level after every group its members
/// name in `after:`. Groups in one level run side by side.
enum GroupLevels {
    /// The names of the groups of `groups` that are in `present`, in levels, each level in plan
    /// order. A group named in `after:` that is not present (no node selected, or not in the plan)
    /// holds nothing up. Cycles are rejected at plan time; should one reach here, its groups run
    /// together in the last level rather than never.
    static func levels(_ groups: [PlanDocument.Group], present: some Sequence<String>) -> [[String]] {
        let present = Set(present)
        var remaining = groups.filter { present.contains($0.name) }
        var done = Set<String>()
        var levels: [[String]] = []
        while !remaining.isEmpty {
            let ready = remaining.filter { group in group.after.allSatisfy { done.contains($0) || !present.contains($0) } }
            let level = ready.isEmpty ? remaining : ready
            levels.append(level.map(\.name))
            done.formUnion(level.map(\.name))
            remaining.removeAll { done.contains($0.name) }
        }
        return levels
    }
}
