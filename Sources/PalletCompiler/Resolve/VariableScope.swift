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

    /// Resolves `template`, reporting undefined variables; nil when any is undefined.
    func resolve(_ template: Template) -> ShellText? {
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

    /// Resolves an optional template; nil stays nil, an error is reported and gives nil too.
    func resolve(optional template: Template?) -> ShellText? {
        template.flatMap(resolve)
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
