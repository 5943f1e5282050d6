/// Decodes one list item of a phase or handler into an ``Action``.
struct ActionDecoder {
    let reader: FieldReader

    /// The keys every action may carry beside its action key.
    static let commonKeys = ["name", "notify", "when"]
    /// The action keys this version implements.
    static let actionKeys = ["exec", "file", "packages", "package"]
    /// Action keys of the spec language that this version does not implement yet.
    static let plannedKeys = [
        "package-source", "package-manager", "directory", "link", "line", "user", "group", "authorized-key",
        "service", "sysctl", "cron", "crate",
    ]

    var diagnostics: Diagnostics { reader.diagnostics }

    /// Decodes the actions of a list, reporting problems and skipping broken items.
    func decodeList(_ node: YAMLNode, context: String) -> [Action] {
        guard let items = reader.list(node, context: context) else { return [] }
        return items.compactMap { decode($0, context: context) }
    }

    /// Decodes one action item.
    func decode(_ node: YAMLNode, context: String) -> Action? {
        guard case .mapping(let pairs) = node.content else {
            diagnostics.error(node.location, "an action in \(context) must be a mapping such as '- exec: ...', found \(node.kindDescription)")
            return nil
        }
        var actionPairs: [YAMLPair] = []
        for pair in pairs {
            guard case .scalar(let key, _) = pair.key.content else { continue }
            if Self.commonKeys.contains(key) { continue }
            if Self.actionKeys.contains(key) {
                actionPairs.append(pair)
            } else if Self.plannedKeys.contains(key) {
                diagnostics.error(pair.key.location, "action '\(key)' is part of the spec language but not available in this version of pallet")
                return nil
            } else {
                let hint = Suggestion.hint(for: key, in: Self.actionKeys + Self.commonKeys + Self.plannedKeys)
                diagnostics.error(pair.key.location, "unknown action '\(key)' in \(context)\(hint)")
                return nil
            }
        }
        guard let actionPair = actionPairs.first else {
            diagnostics.error(node.location, "an action needs exactly one action key (\(Self.actionKeys.joined(separator: ", "))), found none")
            return nil
        }
        if actionPairs.count > 1 {
            let second = actionPairs[1]
            diagnostics.error(second.key.location, "an action needs exactly one action key, found a second one here")
            return nil
        }
        guard let fields = reader.fields(node, allowed: Self.commonKeys + Self.actionKeys, context: "an action") else { return nil }
        guard case .scalar(let keyword, _) = actionPair.key.content else { return nil }
        let kind: ActionKind?
        switch keyword {
        case "exec": kind = decodeExec(actionPair.value).map(ActionKind.exec)
        case "file": kind = decodeFile(actionPair.value).map(ActionKind.file)
        default: kind = decodePackages(actionPair.value, keyword: keyword).map(ActionKind.packages)
        }
        let name = fields["name"].flatMap { reader.template($0, context: "an action's 'name'") }
        let notify = fields["notify"].flatMap { reader.nameList($0, context: "'notify'") } ?? []
        let when = fields["when"].flatMap(decodeWhen)
        guard let kind else { return nil }
        return Action(kind: kind, name: name, notify: notify, when: when, location: node.location)
    }

    func decodeWhen(_ node: YAMLNode) -> WhenCondition? {
        guard let fields = reader.fields(node, allowed: ["os-family"], context: "'when'") else { return nil }
        guard let familyNode = fields["os-family"] else {
            diagnostics.error(node.location, "'when' needs 'os-family'")
            return nil
        }
        guard let families = reader.stringList(familyNode, context: "'os-family'") else { return nil }
        for family in families where !WhenCondition.knownFamilies.contains(family.value) {
            let hint = Suggestion.hint(for: family.value, in: WhenCondition.knownFamilies)
            diagnostics.error(family.location, "unknown OS family '\(family.value.debugEscaped)'\(hint)")
        }
        return WhenCondition(osFamilies: families, location: node.location)
    }

    func decodeExec(_ node: YAMLNode) -> ExecAction? {
        if case .scalar = node.content, !node.isNull {
            guard let script = reader.template(node, context: "'exec'") else { return nil }
            return ExecAction(script: script, interpreter: nil, creates: nil, unless: nil, onlyIf: nil, environment: [])
        }
        let keys = ["script", "interpreter", "creates", "unless", "only-if", "environment"]
        guard let fields = reader.fields(node, allowed: keys, context: "'exec'") else { return nil }
        guard let scriptNode = fields["script"] else {
            diagnostics.error(node.location, "'exec' needs 'script'")
            return nil
        }
        let script = reader.template(scriptNode, context: "'script'")
        let interpreter = fields["interpreter"].flatMap { reader.template($0, context: "'interpreter'") }
        let creates = fields["creates"].flatMap { absolutePath($0, context: "'creates'") }
        let unless = fields["unless"].flatMap { reader.template($0, context: "'unless'") }
        let onlyIf = fields["only-if"].flatMap { reader.template($0, context: "'only-if'") }
        var environment: [(name: Located<String>, value: ValueSource)] = []
        if let envNode = fields["environment"], let envFields = reader.fields(envNode, allowed: nil, context: "'environment'") {
            for (name, value) in envFields.pairs {
                guard isEnvironmentName(name.value) else {
                    diagnostics.error(name.location, "'\(name.value.debugEscaped)' is not a valid environment variable name")
                    continue
                }
                if let source = valueSource(value, context: "environment variable '\(name.value)'") {
                    environment.append((name, source))
                }
            }
        }
        guard let script else { return nil }
        return ExecAction(script: script, interpreter: interpreter, creates: creates, unless: unless, onlyIf: onlyIf, environment: environment)
    }

    func decodeFile(_ node: YAMLNode) -> FileAction? {
        let keys = ["path", "content", "owner", "group", "mode", "state"]
        guard let fields = reader.fields(node, allowed: keys, context: "'file'") else { return nil }
        guard let pathNode = fields["path"] else {
            diagnostics.error(node.location, "'file' needs 'path'")
            return nil
        }
        let path = absolutePath(pathNode, context: "'path'")
        let content = fields["content"].flatMap { valueSource($0, context: "'content'") }
        let owner = fields["owner"].flatMap { account($0, context: "'owner'") }
        let group = fields["group"].flatMap { account($0, context: "'group'") }
        var mode: Located<String>?
        if let modeNode = fields["mode"], let text = reader.string(modeNode, context: "'mode'") {
            if NameRules.isValidMode(text.value) {
                mode = text
            } else {
                diagnostics.error(modeNode.location, "'mode' must be an octal mode such as \"0644\" (quoted), found '\(text.value.debugEscaped)'")
            }
        }
        let state = fields["state"].flatMap { reader.choice($0, FileAction.State.allCases.map(\.rawValue), context: "'state'") }
            .flatMap { FileAction.State(rawValue: $0.value) } ?? .present
        if state == .absent, let contentKey = fields.keyLocation("content") {
            diagnostics.error(contentKey, "'content' makes no sense with state 'absent'")
        }
        guard let path else { return nil }
        return FileAction(path: path, content: content, owner: owner, group: group, mode: mode, state: state)
    }

    func decodePackages(_ node: YAMLNode, keyword: String) -> PackagesAction? {
        var namesNode: YAMLNode?
        var stateNode: YAMLNode?
        switch node.content {
        case .sequence:
            namesNode = node
        case .scalar where !node.isNull:
            namesNode = node
        default:
            let nameKey = keyword == "package" ? "name" : "names"
            guard let fields = reader.fields(node, allowed: [nameKey, "state"], context: "'\(keyword)'") else { return nil }
            namesNode = fields[nameKey]
            stateNode = fields["state"]
            if namesNode == nil {
                diagnostics.error(node.location, "'\(keyword)' needs '\(nameKey)'")
                return nil
            }
        }
        guard let namesNode, let names = reader.stringList(namesNode, context: "package names") else { return nil }
        if keyword == "package", names.count != 1 {
            diagnostics.error(namesNode.location, "'package' takes one name; use 'packages' for a list")
        }
        if names.isEmpty {
            diagnostics.error(namesNode.location, "'\(keyword)' needs at least one package name")
        }
        var templates: [Template] = []
        for name in names {
            guard let template = Template.parse(name.value, at: name.location, diagnostics: diagnostics) else { continue }
            if let literal = template.literalText, !NameRules.isValidPackage(literal) {
                diagnostics.error(name.location, "'\(literal.debugEscaped)' is not a valid package name "
                    + "(letters, digits, '+', '-', '.', '_', optionally '=version')")
                continue
            }
            templates.append(template)
        }
        let state = stateNode.flatMap { reader.choice($0, PackagesAction.State.allCases.map(\.rawValue), context: "'state'") }
            .flatMap { PackagesAction.State(rawValue: $0.value) } ?? .present
        return PackagesAction(keyword: keyword, names: templates, state: state)
    }

    /// Reads a template that must be an absolute path (checked now when it has no variables).
    func absolutePath(_ node: YAMLNode, context: String) -> Template? {
        guard let template = reader.template(node, context: context) else { return nil }
        if let literal = template.literalText, !NameRules.isCleanAbsolutePath(literal) {
            diagnostics.error(node.location, "\(context) must be an absolute path without '.', '..' or empty components, "
                + "found '\(literal.debugEscaped)'")
            return nil
        }
        if template.literalText == nil, case .literal(let head)? = template.parts.first, !head.hasPrefix("/") {
            diagnostics.error(node.location, "\(context) must be an absolute path, found '\(template.source.debugEscaped)'")
            return nil
        }
        return template
    }

    /// Reads a template that must be a user or group name (checked now when it has no variables).
    func account(_ node: YAMLNode, context: String) -> Template? {
        guard let template = reader.template(node, context: context) else { return nil }
        if let literal = template.literalText, !NameRules.isValidAccount(literal) {
            diagnostics.error(node.location, "\(context) '\(literal.debugEscaped)' is not a valid user or group name")
            return nil
        }
        return template
    }

    /// Reads text or a `{secret: {env: NAME}}` / `{secret: {file: PATH}}` value.
    func valueSource(_ node: YAMLNode, context: String) -> ValueSource? {
        guard case .mapping = node.content else {
            return reader.template(node, context: context).map(ValueSource.text)
        }
        guard let fields = reader.fields(node, allowed: ["secret"], context: context),
              let secretNode = fields["secret"] else {
            diagnostics.error(node.location, "\(context) must be text or {secret: {env: NAME}} / {secret: {file: PATH}}")
            return nil
        }
        guard let secretFields = reader.fields(secretNode, allowed: ["env", "file"], context: "'secret'") else { return nil }
        if secretFields.keys.count != 1 {
            diagnostics.error(secretNode.location, "'secret' needs exactly one of 'env' or 'file'")
            return nil
        }
        if let envNode = secretFields["env"], let name = reader.string(envNode, context: "'env'") {
            guard isEnvironmentName(name.value) else {
                diagnostics.error(envNode.location, "'\(name.value.debugEscaped)' is not a valid environment variable name")
                return nil
            }
            return .secret(SecretReference(source: .environment(name.value), location: node.location))
        }
        if let fileNode = secretFields["file"], let path = reader.string(fileNode, context: "'file'") {
            return .secret(SecretReference(source: .file(path.value), location: node.location))
        }
        return nil
    }

    func isEnvironmentName(_ text: String) -> Bool {
        guard let first = text.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return text.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
    }
}
