import PalletSpec

/// Resolves templates against a group's variables, leaving node values for run time.
struct VariableScope {
    /// The variables by name.
    let variables: [String: Variable]
    /// The group's name, the value of `{{ group }}`.
    let group: String
    /// Where undefined variables are reported.
    let diagnostics: Diagnostics
    /// Crate parameters that hold secrets.
    var secrets: [String: SecretReference] = [:]
    /// The bytes the group's values have expanded to so far, shared by the group's scopes.
    var budget = ExpansionBudget()

    /// Resolves `template`, reporting undefined variables and a value past
    /// ``Limits/valueBytes``; nil then.
    ///
    /// - Parameter charging: Whether the value counts against the group's
    ///   ``Limits/expandedBytes`` (false only when a value already resolved is resolved again).
    func resolve(_ template: Template, charging: Bool = true) -> ShellText? {
        guard checkSize(template, charging: charging) else { return nil }
        var pieces: [ShellText.Piece] = []
        var ok = true
        for part in template.parts {
            switch part {
            case .literal(let text):
                pieces.append(.literal(text))
            case .variable("group"):
                pieces.append(.literal(group))
            case .variable(let name):
                if secrets[name] != nil {
                    diagnostics.error(template.location, "'\(name)' is a secret: use it as a whole content or environment value, "
                        + "such as content: \"{{ \(name) }}\"")
                    ok = false
                } else if let runtime = RuntimeValue(rawValue: name) {
                    pieces.append(.runtime(runtime))
                } else if let variable = variables[name] {
                    pieces.append(.literal(variable.value.value))
                } else {
                    let known = Array(variables.keys) + RuntimeValue.allCases.map(\.rawValue) + ["group"]
                    let hint = Suggestion.hint(for: name, in: known)
                    diagnostics.error(template.location, "undefined variable '\(name)' in group '\(group)'\(hint)")
                    ok = false
                }
            }
        }
        return ok ? ShellText(pieces) : nil
    }

    /// Whether `template`'s value stays within ``Limits/valueBytes`` once filled in, counted
    /// before any text is built; reports it at the template when not.
    func checkSize(_ template: Template, charging: Bool) -> Bool {
        if template.parts.count < 2, case .literal? = template.parts.first { return true }
        if template.parts.isEmpty { return true }
        var total = 0
        var uses: [String: Int] = [:]
        for part in template.parts {
            switch part {
            case .literal(let text): total += text.utf8.count
            case .variable(let name):
                if let variable = variables[name] {
                    total += variable.value.value.utf8.count
                    uses[name, default: 0] += 1
                } else {
                    total += name == "group" ? group.utf8.count : name.utf8.count + 6
                }
            }
        }
        if total <= Limits.valueBytes {
            guard charging else { return true }
            return budget.charge(total, at: template.location, group: group, diagnostics: diagnostics)
        }
        let biggest = uses.max { lhs, rhs in
            (variables[lhs.key]?.value.value.utf8.count ?? 0) * lhs.value < (variables[rhs.key]?.value.value.utf8.count ?? 0) * rhs.value
        }
        let detail = biggest.flatMap { name, count in variables[name].map { variable in
            "; variable '\(name)' (\(Limits.describe(variable.value.value.utf8.count)), defined at \(variable.value.location)) is used \(count) time(s)"
        } } ?? ""
        diagnostics.error(template.location, "this value expands to \(Limits.describe(total)), over the limit of "
            + "\(Limits.describe(Limits.valueBytes)) per value (docs/limits.md)\(detail)")
        return false
    }

    /// The same scope with `variables` in place of its own, sharing its budget.
    func with(variables: [String: Variable]) -> VariableScope {
        var scope = VariableScope(variables: variables, group: group, diagnostics: diagnostics)
        scope.secrets = secrets
        scope.budget = budget
        return scope
    }

    /// Resolves an optional template; nil stays nil, an error is reported and gives nil too.
    func resolve(optional template: Template?) -> ShellText? {
        template.flatMap { resolve($0) }
    }

    /// Resolves a value source.
    func resolve(_ source: ValueSource) -> StepValue? {
        switch source {
        case .text(let template):
            if template.parts.count == 1, case .variable(let name) = template.parts[0], let secret = secrets[name] {
                return .secret(secret)
            }
            return resolve(template).map(StepValue.text)
        case .secret(let reference): return .secret(reference)
        }
    }
}
