/// Decodes what server-specs and group-specs share: extends, phases, handlers and vars.
struct SpecBodyDecoder {
    let reader: FieldReader
    let actions: ActionDecoder

    var diagnostics: Diagnostics { reader.diagnostics }

    func decode(_ fields: MappingFields, context: String) -> SpecBody {
        var body = SpecBody()
        body.extends = fields["extends"].flatMap { reader.nameList($0, context: "'extends'") } ?? []
        if let phasesNode = fields["phases"], let phases = reader.fields(phasesNode, allowed: nil, context: "'phases' of \(context)") {
            for (name, value) in phases.pairs where reader.checkName(name, context: "phase name") {
                let list = actions.decodeList(value, context: "phase '\(name.value)' of \(context)")
                body.phases.append(PhaseContribution(name: name, items: list))
            }
        }
        if let handlersNode = fields["handlers"], let handlers = reader.fields(handlersNode, allowed: nil, context: "'handlers' of \(context)") {
            for (name, value) in handlers.pairs where reader.checkName(name, context: "handler name") {
                let list = actions.decodeList(value, context: "handler '\(name.value)' of \(context)")
                body.handlers.append(Handler(name: name, items: list))
            }
        }
        if let varsNode = fields["vars"], let vars = reader.fields(varsNode, allowed: nil, context: "'vars' of \(context)") {
            for (name, value) in vars.pairs {
                guard Template.isVariableName(Substring(name.value)), !Template.runtimeVariables.contains(name.value),
                      !name.value.hasPrefix("node.") else {
                    diagnostics.error(name.location, "'\(name.value.debugEscaped)' cannot be a variable name: "
                        + "use letters, digits, '_', '-' and '.'; 'group' and 'node.*' are reserved")
                    continue
                }
                if let text = reader.string(value, context: "variable '\(name.value)'") {
                    body.vars.append(Variable(name: name, value: text))
                }
            }
        }
        return body
    }
}
