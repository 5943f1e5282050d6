/// Decodes one list item of a phase or handler into an ``Action`` (checked against the action's
/// schema in ``ActionCatalog``) or a ``CrateUse``.
struct ActionDecoder {
    let reader: FieldReader
    let files: LocalFiles

    var diagnostics: Diagnostics { reader.diagnostics }

    /// Decodes the items of a list, reporting problems and skipping broken items.
    func decodeList(_ node: YAMLNode, context: String) -> [PhaseItem] {
        guard let items = reader.list(node, context: context) else { return [] }
        return items.compactMap { decode($0, context: context) }
    }

    /// Decodes one item: a crate use, or an action.
    func decode(_ node: YAMLNode, context: String) -> PhaseItem? {
        guard case .mapping(let pairs) = node.content else {
            diagnostics.error(node.location, "an action in \(context) must be a mapping such as '- exec: ...', found \(node.kindDescription)")
            return nil
        }
        if pairs.contains(where: { if case .scalar(CrateUse.keyword, _) = $0.key.content { true } else { false } }) {
            return decodeCrateUse(node, context: context).map(PhaseItem.crateUse)
        }
        return decodeAction(node, pairs: pairs, context: context).map(PhaseItem.action)
    }

    /// Decodes an action item, whose keys are `pairs`.
    func decodeAction(_ node: YAMLNode, pairs: [YAMLPair], context: String) -> Action? {
        let keywords = ActionKeyword.allCases.map(\.rawValue)
        var actionPairs: [YAMLPair] = []
        for pair in pairs {
            guard case .scalar(let key, _) = pair.key.content else { continue }
            if ActionCatalog.commonKeys.contains(key) { continue }
            if keywords.contains(key) {
                actionPairs.append(pair)
            } else {
                let hint = FamiliarWords.actionHint(key) ?? Suggestion.hint(for: key, in: keywords + ActionCatalog.commonKeys + [CrateUse.keyword])
                diagnostics.error(pair.key.location, "unknown action '\(key)' in \(context)\(hint)")
                return nil
            }
        }
        guard let actionPair = actionPairs.first, case .scalar(let keyword, _) = actionPair.key.content,
              let schema = ActionCatalog.schema(keyword) else {
            diagnostics.error(node.location, "an action needs exactly one action key (\(keywords.joined(separator: ", "))), found none")
            return nil
        }
        if actionPairs.count > 1 {
            diagnostics.error(actionPairs[1].key.location, "an action needs exactly one action key, found a second one here")
            return nil
        }
        guard let fields = reader.fields(node, allowed: ActionCatalog.commonKeys + [keyword], context: "an action") else { return nil }
        let options = decodeOptions(actionPair.value, schema: schema)
        let name = fields["name"].flatMap { reader.template($0, context: "an action's 'name'") }
        let notify = fields["notify"].flatMap { reader.nameList($0, context: "'notify'") } ?? []
        let when = fields["when"].flatMap(decodeWhen)
        guard let options else { return nil }
        return Action(keyword: schema.keyword, options: options, name: name, notify: notify, when: when, location: node.location)
    }

    /// Decodes `- crate: NAME` with `with: {param: value}`: text values, and secrets written as
    /// `{secret: ...}`.
    func decodeCrateUse(_ node: YAMLNode, context: String) -> CrateUse? {
        guard let fields = reader.fields(node, allowed: SpecKeys.crateUse, context: "a crate use in \(context)"),
              let nameNode = fields[CrateUse.keyword], let name = reader.name(nameNode, context: "'\(CrateUse.keyword)'") else { return nil }
        var values: [Variable] = []
        var secrets: [CrateUse.SecretValue] = []
        if let withNode = fields["with"], let given = reader.fields(withNode, allowed: nil, context: "'with'") {
            for (key, value) in given.pairs {
                if case .mapping = value.content {
                    if case .secret(let reference)? = valueSource(value, context: "parameter '\(key.value)'") {
                        secrets.append(CrateUse.SecretValue(name: key, reference: reference))
                    }
                } else if let text = reader.string(value, context: "parameter '\(key.value)'") {
                    values.append(Variable(name: key, value: text))
                }
            }
        }
        return CrateUse(name: name, values: values, secrets: secrets, location: node.location)
    }

    /// Decodes the action's value: its short form or its mapping of options.
    func decodeOptions(_ node: YAMLNode, schema: ActionSchema) -> ActionOptions? {
        var options = ActionOptions(location: node.location)
        let isMapping: Bool
        if case .mapping = node.content { isMapping = true } else { isMapping = false }
        if !isMapping, !node.isNull, case .option(let key) = schema.shorthand, let spec = schema.option(key) {
            guard let value = decodeValue(node, spec: spec) else { return nil }
            options.values[key] = value
            options.keyLocations[key] = node.location
        } else {
            let context = "'\(schema.keyword)'"
            let familiar = FamiliarWords.optionHints(for: schema.keyword, options: node)
            guard let fields = reader.fields(node, allowed: schema.options.map(\.key), familiar: familiar, context: context) else { return nil }
            var ok = true
            for (key, value) in fields.pairs {
                guard let spec = schema.option(key.value) else { continue }
                options.keyLocations[key.value] = key.location
                if let decoded = decodeValue(value, spec: spec) {
                    options.values[key.value] = decoded
                } else {
                    ok = false
                }
            }
            for spec in schema.options where spec.required && fields[spec.key] == nil {
                diagnostics.error(node.location, "\(context) needs '\(spec.key)'")
                ok = false
            }
            guard ok else { return nil }
        }
        let errorsBefore = diagnostics.errorCount
        schema.validate(options, diagnostics)
        return diagnostics.errorCount == errorsBefore ? options : nil
    }

    /// Decodes one option value according to its kind.
    func decodeValue(_ node: YAMLNode, spec: OptionSpec) -> OptionValue? {
        let context = "'\(spec.key)'"
        switch spec.kind {
        case .text, .regex, .script:
            return reader.template(node, context: context).map(OptionValue.text)
        case .path:
            return absolutePath(node, context: context).map(OptionValue.text)
        case .account:
            return account(node, context: context).map(OptionValue.text)
        case .name:
            // A name with a variable (in a crate) is checked once its value is known.
            if case .scalar(let text, _) = node.content, text.contains("{{") {
                return reader.template(node, context: context).map(OptionValue.text)
            }
            return reader.name(node, context: context).map { .text(Template.literal($0.value, at: $0.location)) }
        case .mode:
            guard let text = reader.string(node, context: context) else { return nil }
            if let problem = ValueRules.problem(with: text.value, kind: .mode, context: context) {
                diagnostics.error(node.location, problem)
                return nil
            }
            return .text(Template.literal(text.value, at: text.location))
        case .integer(let range):
            guard let value = reader.integer(node, context: context) else { return nil }
            guard range.contains(value.value) else {
                diagnostics.error(node.location, "\(context) must be between \(range.lowerBound) and \(range.upperBound), found \(value.value)")
                return nil
            }
            return .integer(value)
        case .boolean:
            return reader.boolean(node, context: context).map(OptionValue.boolean)
        case .choice(let words):
            return reader.choice(node, words, context: context).map { .text(Template.literal($0.value, at: $0.location)) }
        case .textList:
            guard let items = reader.stringList(node, context: context) else { return nil }
            let templates = items.compactMap { Template.parse($0.value, at: $0.location, diagnostics: diagnostics) }
            return templates.count == items.count ? .list(templates) : nil
        case .nameList:
            guard let items = reader.nameList(node, context: context) else { return nil }
            return .list(items.map { Template.literal($0.value, at: $0.location) })
        case .packageList:
            return packageList(node, context: context)
        case .environment:
            return environment(node, context: context)
        case .content:
            return valueSource(node, context: context).map(OptionValue.content)
        case .localFile:
            guard let path = reader.string(node, context: context), let file = files.load(path, diagnostics: diagnostics) else { return nil }
            return .localFile(file, node.location)
        case .vars:
            guard let fields = reader.fields(node, allowed: nil, context: context) else { return nil }
            return .vars(fields.pairs.compactMap { name, value in
                reader.string(value, context: "variable '\(name.value)'").map { Variable(name: name, value: $0) }
            })
        case .url:
            return url(node, context: context).map(OptionValue.text)
        case .sha256:
            guard let text = reader.string(node, context: context) else { return nil }
            let hex = text.value.lowercased()
            guard hex.utf8.count == 64, hex.utf8.allSatisfy({ "0123456789abcdef".utf8.contains($0) }) else {
                diagnostics.error(node.location, "\(context) must be 64 hex digits")
                return nil
            }
            return .text(Template.literal(hex, at: text.location))
        }
    }

    func packageList(_ node: YAMLNode, context: String) -> OptionValue? {
        if case .sequence(let items) = node.content {
            let versioned = items.compactMap { item in FamiliarWords.packageItemHint(item).map { (item.location, $0) } }
            for (location, hint) in versioned { diagnostics.error(location, hint) }
            if !versioned.isEmpty { return nil }
        }
        guard let names = reader.stringList(node, context: "package names") else { return nil }
        if names.isEmpty {
            diagnostics.error(node.location, "at least one package name is needed")
            return nil
        }
        var templates: [Template] = []
        for name in names {
            guard let template = Template.parse(name.value, at: name.location, diagnostics: diagnostics) else { return nil }
            if let literal = template.literalText, let problem = ValueRules.problem(with: literal, kind: .packageList, context: context) {
                diagnostics.error(name.location, problem)
                return nil
            }
            templates.append(template)
        }
        return .list(templates)
    }

    func environment(_ node: YAMLNode, context: String) -> OptionValue? {
        guard let fields = reader.fields(node, allowed: nil, context: context) else { return nil }
        var environment: [(name: Located<String>, value: ValueSource)] = []
        for (name, value) in fields.pairs {
            guard isEnvironmentName(name.value) else {
                diagnostics.error(name.location, "'\(name.value.debugEscaped)' is not a valid environment variable name")
                return nil
            }
            guard let source = valueSource(value, context: "environment variable '\(name.value)'") else { return nil }
            environment.append((name, source))
        }
        return .environment(environment)
    }

    func decodeWhen(_ node: YAMLNode) -> WhenCondition? {
        guard let fields = reader.fields(node, allowed: SpecKeys.when, context: "'when'") else { return nil }
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

    /// Reads a template that must be an absolute path (checked now when it has no variables).
    func absolutePath(_ node: YAMLNode, context: String) -> Template? {
        guard let template = reader.template(node, context: context) else { return nil }
        if let literal = template.literalText, let problem = ValueRules.problem(with: literal, kind: .path, context: context) {
            diagnostics.error(node.location, problem)
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
        if let literal = template.literalText, let problem = ValueRules.problem(with: literal, kind: .account, context: context) {
            diagnostics.error(node.location, problem)
            return nil
        }
        return template
    }

    /// Reads a template that must be an http(s) URL: checked in full now when it has no
    /// variables, else its literal pieces now and its final value once the variables are known.
    func url(_ node: YAMLNode, context: String) -> Template? {
        guard let template = reader.template(node, context: context) else { return nil }
        if let literal = template.literalText {
            if let problem = ValueRules.problem(with: literal, kind: .url, context: context) {
                diagnostics.error(node.location, problem)
                return nil
            }
            return template
        }
        var literalBytes: [UInt8] = []
        for case .literal(let piece) in template.parts { literalBytes += piece.utf8 }
        let scheme: Bool
        if case .literal(let head)? = template.parts.first {
            scheme = head.hasPrefix("http://") || head.hasPrefix("https://") || "https://".hasPrefix(head)
        } else {
            scheme = true
        }
        guard scheme, literalBytes.allSatisfy(NameRules.isURLByte) else {
            diagnostics.error(node.location, ValueRules.urlProblem(context: context, found: ValueRules.shortened(template.source)))
            return nil
        }
        return template
    }

    /// Reads text or a `{secret: {env: NAME}}` / `{secret: {file: PATH}}` value.
    func valueSource(_ node: YAMLNode, context: String) -> ValueSource? {
        guard case .mapping = node.content else {
            return reader.template(node, context: context).map(ValueSource.text)
        }
        guard let fields = reader.fields(node, allowed: SpecKeys.secret, context: context),
              let secretNode = fields["secret"] else {
            diagnostics.error(node.location, "\(context) must be text or {secret: {env: NAME}} / {secret: {file: PATH}}")
            return nil
        }
        guard let secretFields = reader.fields(secretNode, allowed: SpecKeys.secretSource, context: "'secret'") else { return nil }
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
            let reference = SecretReference(source: .file(path.value), location: node.location)
            guard reference.identifier.utf8.count <= SecretReference.maximumIdentifierLength else {
                diagnostics.error(fileNode.location, "this secret file path is too long: its identifier on the node would be "
                    + "\(reference.identifier.utf8.count) bytes (at most \(SecretReference.maximumIdentifierLength))")
                return nil
            }
            return .secret(reference)
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
