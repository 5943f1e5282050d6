import PalletSpec

/// Finds steps of one bundle that fight each other, as Puppet's duplicate declarations do: such
/// specs never converge (each step undoes the other, reports "changed" and fires its handlers on
/// every run), so they are refused at plan time with a located error that names both places.
///
/// Within a bundle's steps (after crate expansion and server-spec merging), it is an error when:
/// - two steps manage the same path and disagree: a `file`, `directory` or `link` with other
///   values than an earlier step on the path, or any two of these kinds (a `file` and a `line`
///   included) on one path; several `line`s on one file are fine;
/// - two `user` (or `group`) steps name the same account with other values;
/// - a package is both installed (present or latest) and removed (absent), or pinned to two
///   versions;
/// - a `user` names a group (`group:` or `groups:`) that a `group` step creates later in the
///   phase: the user step would fail on a node without the group, so the group step must move
///   first (pallet does not reorder steps: run.sh keeps the order of the specs).
///
/// Identical declarations (same values) are allowed: the second finds the node as the first
/// left it and reports ok. Steps limited to OS families that do not overlap (`when:`) never
/// fight. Values are compared as plan time knows them: a path or name that holds a node value
/// (`{{ node.name }}`) is the same as another only when both are written the same way. Handlers
/// are not compared: they run only when notified, after the steps.
struct ConflictCheck {
    let diagnostics: Diagnostics

    /// Reports every conflict among `steps`, one bundle's steps in run order.
    func check(_ steps: [PlanStep]) {
        checkPaths(steps)
        checkAccounts(steps, keyword: .user)
        checkAccounts(steps, keyword: .group)
        checkPackages(steps)
        checkGroupOrder(steps)
    }

    /// The actions that decide what a path is and holds.
    static let pathKeywords: [ActionKeyword] = [.file, .directory, .link, .line]

    /// Steps on one path that disagree.
    func checkPaths(_ steps: [PlanStep]) {
        var earlier: [ShellText: [PlanStep]] = [:]
        for step in steps where Self.pathKeywords.contains(step.keyword) {
            guard case .text(let path)? = step.option("path") else { continue }
            for other in earlier[path, default: []] where Self.overlap(other, step) {
                if other.keyword == .line && step.keyword == .line { continue }
                if other.keyword == step.keyword && Self.same(other.options, step.options) { continue }
                let what = other.keyword == step.keyword
                    ? "with other values; two \(step.keyword.rawValue) steps on one path"
                    : "by a \(other.keyword.rawValue) step; a \(other.keyword.rawValue) and a \(step.keyword.rawValue) on one path"
                report(step, "path '\(path.templateText)' is also managed at \(Self.place(of: other)) \(what) undo each other on every run: keep one")
                break
            }
            earlier[path, default: []].append(step)
        }
    }

    /// Steps of `keyword` (`user` or `group`) that name one account with other values.
    func checkAccounts(_ steps: [PlanStep], keyword: ActionKeyword) {
        var earlier: [ShellText: [PlanStep]] = [:]
        for step in steps where step.keyword == keyword {
            guard case .text(let name)? = step.option("name") else { continue }
            if let other = earlier[name, default: []].first(where: { Self.overlap($0, step) && !Self.same($0.options, step.options) }) {
                report(step, "\(keyword.rawValue) '\(name.templateText)' is also managed at \(Self.place(of: other)) with other values; the two steps undo each other on every run: give it one set of values")
            }
            earlier[name, default: []].append(step)
        }
    }

    /// A package installed and removed, or pinned to two versions, in the phase's transaction.
    func checkPackages(_ steps: [PlanStep]) {
        for step in steps {
            guard case .packages(let transaction) = step.kind else { continue }
            var earlier: [ShellText: [(request: PackageRequest, name: ShellText)]] = [:]
            for request in transaction.requests {
                for name in request.names {
                    let package = Self.packageName(name)
                    for other in earlier[package, default: []] where Self.overlap(other.request.osFamilies, request.osFamilies) {
                        guard let problem = Self.packageProblem(other.request.state, other.name, request.state, name) else { continue }
                        let place = Self.place(of: other.request.origin, via: step.via)
                        diagnostics.error(request.origin, "package '\(package.templateText)' is also managed at \(place), \(problem): keep one")
                        break
                    }
                    earlier[package, default: []].append((request, name))
                }
            }
        }
    }

    /// What is wrong with a package requested as `first` and then as `second` (each with its
    /// state); nil when they agree.
    static func packageProblem(_ firstState: String, _ first: ShellText, _ secondState: String, _ second: ShellText) -> String? {
        let removes = (firstState == "absent", secondState == "absent")
        if removes.0 != removes.1 {
            return "where it is \(removes.0 ? "removed" : "installed"); installing and removing it undo each other on every run"
        }
        if !removes.0, first != second, first.templateText.contains("="), second.templateText.contains("=") {
            return "pinned to another version ('\(first.templateText)' there, '\(second.templateText)' here)"
        }
        return nil
    }

    /// A package request's name without its version pin (`name=version`).
    static func packageName(_ name: ShellText) -> ShellText {
        guard let literal = name.literalText, let equals = literal.firstIndex(of: "=") else { return name }
        return ShellText(literal: String(literal[..<equals]))
    }

    /// `user` steps that name a group a later `group` step creates.
    func checkGroupOrder(_ steps: [PlanStep]) {
        for (index, step) in steps.enumerated() where step.keyword == .user && !Self.removes(step) {
            var named: [ShellText] = []
            if case .text(let group)? = step.option("group") { named.append(group) }
            if case .list(let groups)? = step.option("groups") { named += groups }
            for group in named {
                let creator = steps[(index + 1)...].first { later in
                    later.keyword == .group && !Self.removes(later) && Self.overlap(step, later)
                        && later.option("name").map { if case .text(let name) = $0 { name == group } else { false } } == true
                }
                guard let creator else { continue }
                let user = step.option("name").map { if case .text(let name) = $0 { name.templateText } else { "" } } ?? ""
                report(step, "user '\(user)' needs group '\(group.templateText)', which the group step at \(Self.place(of: creator)) creates later in this phase: move that group step before this user step")
            }
        }
    }

    /// Reports `message` at the later of two fighting steps, naming the crate use it came from.
    func report(_ step: PlanStep, _ message: String) {
        diagnostics.error(step.origin, message + Self.via(step.via))
    }

    /// Whether a step removes what it names (`state: absent`).
    static func removes(_ step: PlanStep) -> Bool {
        if case .text(let state)? = step.option("state") { return state.literalText == "absent" }
        return false
    }

    /// Whether two steps can both run on one node: their OS families overlap (none means all).
    static func overlap(_ first: PlanStep, _ second: PlanStep) -> Bool {
        overlap(first.osFamilies, second.osFamilies)
    }

    /// Whether two OS family limits overlap; an empty limit means every family.
    static func overlap(_ first: [String], _ second: [String]) -> Bool {
        first.isEmpty || second.isEmpty || !Set(first).isDisjoint(with: second)
    }

    /// A step's place for a message: its origin, and the crate use it came from.
    static func place(of step: PlanStep) -> String {
        place(of: step.origin, via: step.via)
    }

    /// `origin`, followed by the crate use it came from, if any.
    static func place(of origin: SourceLocation, via: String?) -> String {
        origin.description + via.map { " (\($0))" }.orEmpty
    }

    /// The crate use a reported step came from, as a sentence's end.
    static func via(_ via: String?) -> String {
        via.map { " (this step: \($0))" }.orEmpty
    }

    /// Whether two option lists hold the same keys with the same values, in order.
    static func same(_ first: [(key: String, value: ResolvedValue)], _ second: [(key: String, value: ResolvedValue)]) -> Bool {
        first.count == second.count && zip(first, second).allSatisfy { $0.key == $1.key && same($0.value, $1.value) }
    }

    /// Whether two resolved values are the same.
    static func same(_ first: ResolvedValue, _ second: ResolvedValue) -> Bool {
        switch (first, second) {
        case (.text(let a), .text(let b)): return a == b
        case (.list(let a), .list(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.secret(let a), .secret(let b)): return a == b
        case (.payload(let a, let renderA), .payload(let b, let renderB)): return renderA == renderB && a == b
        case (.environment(let a), .environment(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { pair in
                guard pair.0.name == pair.1.name else { return false }
                switch (pair.0.value, pair.1.value) {
                case (.text(let x), .text(let y)): return x == y
                case (.secret(let x), .secret(let y)): return x == y
                default: return false
                }
            }
        default: return false
        }
    }
}

extension Optional where Wrapped == String {
    /// The text, or the empty string.
    fileprivate var orEmpty: String { self ?? "" }
}
