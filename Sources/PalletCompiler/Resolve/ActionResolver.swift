import PalletSpec

/// Turns a spec action into a plan step, resolving its templates.
struct ActionResolver {
    let scope: VariableScope

    /// Resolves `action`; nil when a template could not be resolved (already reported).
    func resolve(_ action: Action) -> PlanStep? {
        let resolved: (StepAction, ShellText)?
        switch action.kind {
        case .exec(let exec): resolved = resolveExec(exec)
        case .file(let file): resolved = resolveFile(file)
        case .packages(let packages): resolved = resolvePackages(packages)
        }
        guard let (stepAction, summary) = resolved else { return nil }
        let name = action.name.flatMap(scope.resolve)
        return PlanStep(
            origin: action.location,
            keyword: action.kind.keyword,
            summary: name ?? summary,
            action: stepAction,
            notify: action.notify.map(\.value),
            osFamilies: action.when?.osFamilies.map(\.value) ?? []
        )
    }

    func resolveExec(_ exec: ExecAction) -> (StepAction, ShellText)? {
        let script = scope.resolve(exec.script)
        let interpreter = scope.resolve(optional: exec.interpreter)
        let creates = scope.resolve(optional: exec.creates)
        let unless = scope.resolve(optional: exec.unless)
        let onlyIf = scope.resolve(optional: exec.onlyIf)
        var environment: [(name: String, value: StepValue)] = []
        for (name, value) in exec.environment {
            if let resolved = scope.resolve(value) { environment.append((name.value, resolved)) }
        }
        guard let script, exec.interpreter == nil || interpreter != nil, exec.creates == nil || creates != nil,
              exec.unless == nil || unless != nil, exec.onlyIf == nil || onlyIf != nil,
              environment.count == exec.environment.count else { return nil }
        let step = ExecStep(script: script, interpreter: interpreter ?? ShellText(literal: "bash"), creates: creates,
                            unless: unless, onlyIf: onlyIf, environment: environment)
        return (.exec(step), Self.firstLine(of: script))
    }

    func resolveFile(_ file: FileAction) -> (StepAction, ShellText)? {
        let path = scope.resolve(file.path)
        let content = file.content.flatMap(scope.resolve)
        let owner = scope.resolve(optional: file.owner)
        let group = scope.resolve(optional: file.group)
        guard let path, file.content == nil || content != nil, file.owner == nil || owner != nil,
              file.group == nil || group != nil else { return nil }
        let step = FileStep(path: path, content: content, owner: owner, group: group, mode: file.mode?.value, state: file.state)
        return (.file(step), path)
    }

    func resolvePackages(_ packages: PackagesAction) -> (StepAction, ShellText)? {
        let names = packages.names.compactMap(scope.resolve)
        guard names.count == packages.names.count else { return nil }
        var summary: [ShellText.Piece] = []
        for (index, name) in names.enumerated() {
            if index > 0 { summary.append(.literal(" ")) }
            summary += name.pieces
        }
        return (.packages(PackagesStep(names: names, state: packages.state)), ShellText(summary))
    }

    /// The first non-empty line of a script, shortened, as its summary.
    static func firstLine(of script: ShellText) -> ShellText {
        let text = script.templateText
        let line = text.split(separator: "\n").first { !$0.allSatisfy { $0 == " " } } ?? ""
        let trimmed = line.count > 60 ? String(line.prefix(57)) + "..." : String(line)
        return ShellText(literal: trimmed)
    }
}
