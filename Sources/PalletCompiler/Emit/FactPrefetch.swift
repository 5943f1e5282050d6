/// What a bundle's steps will ask of the node (file attributes and digests, accounts), read in
/// one go by the runtime's `pallet_prefetch` before the first step.
///
/// Only literal values are listed: a path or name that holds a node value is looked up by its
/// step. Numeric ids need no lookup.
struct FactPrefetch {
    private(set) var paths: [String] = []
    private(set) var users: [String] = []
    private(set) var groups: [String] = []

    /// The facts the steps look at.
    init(_ steps: [PlanStep]) {
        for step in steps {
            switch step.keyword {
            case .file, .directory:
                Self.add(step, "path", to: &paths)
                Self.add(step, "owner", to: &users)
                Self.add(step, "group", to: &groups)
            case .user:
                Self.add(step, "name", to: &users)
                Self.add(step, "group", to: &groups)
            case .group:
                Self.add(step, "name", to: &groups)
            case .authorizedKey:
                Self.add(step, "user", to: &users)
            default:
                break
            }
        }
    }

    /// The `pallet_prefetch` command, or nil when there is nothing to read.
    var command: String? {
        guard !(paths.isEmpty && users.isEmpty && groups.isEmpty) else { return nil }
        var command = ShellCommand("pallet_prefetch")
        for path in paths { command.option("--path", path) }
        for user in users { command.option("--user", user) }
        for group in groups { command.option("--group", group) }
        return command.line
    }

    private static func add(_ step: PlanStep, _ key: String, to list: inout [String]) {
        guard case .text(let text)? = step.option(key), let value = text.literalText, !value.isEmpty,
              !value.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), !list.contains(value) else { return }
        list.append(value)
    }
}
