import PalletSpec

/// Turns a spec action into a plan step, resolving its templates and reading its files.
struct ActionResolver {
    let scope: VariableScope

    var diagnostics: Diagnostics { scope.diagnostics }

    /// Resolves `action`, which comes from crate use `via` if any; nil when something could not
    /// be resolved or a final value breaks its option's rule (already reported).
    func resolve(_ action: Action, via: String? = nil) -> PlanStep? {
        let schema = action.schema
        var options: [(key: String, value: ResolvedValue)] = []
        var ok = true
        let actionVars = action.options["vars"].flatMap { value -> [Variable]? in
            if case .vars(let vars) = value { return vars }
            return nil
        } ?? []
        for spec in schema.options {
            guard let value = action.options[spec.key] else { continue }
            if case .vars = value { continue }
            if let resolved = resolve(value, spec: spec, keyword: action.keyword, actionVars: actionVars) {
                options.append((spec.key, resolved))
            } else {
                ok = false
            }
        }
        let name = action.name.flatMap { scope.resolve($0) }
        guard ok, action.name == nil || name != nil else { return nil }
        guard FinalValueCheck(scope: scope, via: via).check(action) else { return nil }
        if action.keyword.isPackageRequest {
            guard case .list(let names)? = options.first(where: { $0.key == "names" || $0.key == "name" })?.value else { return nil }
            if !names.allSatisfy({ checkPackage($0, at: action.location) }) { return nil }
        }
        return PlanStep(
            origin: action.location,
            keyword: action.keyword,
            summary: name ?? summary(of: options, schema: schema),
            kind: .action(options: options),
            notify: action.notify.map(\.value),
            osFamilies: action.when?.osFamilies.map(\.value) ?? [],
            via: via
        )
    }

    func resolve(_ value: OptionValue, spec: OptionSpec, keyword: ActionKeyword, actionVars: [Variable]) -> ResolvedValue? {
        switch value {
        case .text(let template):
            return scope.resolve(template).map(ResolvedValue.text)
        case .list(let templates):
            let texts = templates.compactMap { scope.resolve($0) }
            return texts.count == templates.count ? .list(texts) : nil
        case .integer(let number):
            return .integer(number.value)
        case .boolean(let flag):
            return .boolean(flag.value)
        case .environment(let pairs):
            var environment: [(name: String, value: StepValue)] = []
            for (name, source) in pairs {
                guard let resolved = scope.resolve(source) else { return nil }
                environment.append((name.value, resolved))
            }
            return .environment(environment)
        case .content(let source):
            switch scope.resolve(source) {
            case .secret(let reference)?: return .secret(reference)
            case .text(let text)?: return .payload(scope.budget.intern(Array(text.templateText.utf8)), render: text.hasRuntimeValues)
            case nil: return nil
            }
        case .localFile(let file, let location):
            guard spec.key == "template" else { return .payload(file.bytes, render: false) }
            guard let source = String(validating: file.bytes, as: UTF8.self) else {
                diagnostics.error(location, "template '\(file.path)' is not UTF-8 text")
                return nil
            }
            let fileLocation = SourceLocation(file: file.path, line: 1, column: 1)
            guard let template = Template.parse(source, at: fileLocation, diagnostics: diagnostics) else { return nil }
            let local = scope.with(variables: scope.variables.merging(Dictionary(actionVars.map { ($0.name.value, $0) }) { $1 }) { $1 })
            guard let text = local.resolve(template) else { return nil }
            return .payload(scope.budget.intern(Array(text.templateText.utf8)), render: text.hasRuntimeValues)
        case .vars:
            return nil
        }
    }

    /// Package names cannot hold node values: a phase's packages are one transaction, planned
    /// before any node is known (their final values are checked by ``FinalValueCheck``).
    func checkPackage(_ name: ShellText, at location: SourceLocation) -> Bool {
        guard name.literalText != nil else {
            diagnostics.error(location, "a package name cannot use node values such as {{ node.name }}")
            return false
        }
        return true
    }

    /// The step's summary: its summary option's value, shortened to one line.
    func summary(of options: [(key: String, value: ResolvedValue)], schema: ActionSchema) -> ShellText {
        switch options.first(where: { $0.key == schema.summaryOption })?.value {
        case .text(let text)?:
            return schema.option(schema.summaryOption)?.kind == .script ? Self.firstLine(of: text) : text
        case .list(let texts)?:
            var pieces: [ShellText.Piece] = []
            for (index, text) in texts.enumerated() {
                if index > 0 { pieces.append(.literal(" ")) }
                pieces += text.pieces
            }
            return ShellText(pieces)
        default:
            return ShellText(literal: "")
        }
    }

    /// The first non-empty line of a script, shortened, as its summary.
    static func firstLine(of script: ShellText) -> ShellText {
        let text = script.templateText
        let line = text.split(separator: "\n").first { !$0.allSatisfy { $0 == " " } } ?? ""
        let trimmed = line.count > 60 ? String(line.prefix(57)) + "..." : String(line)
        return ShellText(literal: trimmed)
    }
}
