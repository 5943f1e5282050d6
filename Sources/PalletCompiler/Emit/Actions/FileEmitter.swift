/// Emits a `file` step; managed content travels as a payload file of the bundle.
enum FileEmitter {
    static func emit(_ file: FileStep, into script: inout StepScript) {
        var command = ShellCommand("pallet_file")
        command.option("--path", file.path)
        switch file.content {
        case .text(let text)?:
            let payload = script.addPayload(text.templateText, namedAfter: file.path)
            command.option("--content", payload)
            if text.hasRuntimeValues { command.flag("--render") }
        case .secret(let reference)?:
            command.option("--content-secret", reference.identifier)
            script.secrets.append(reference)
        case nil:
            break
        }
        command.option("--owner", file.owner)
        command.option("--group", file.group)
        command.option("--mode", file.mode)
        if file.state == .absent { command.option("--state", "absent") }
        script.lines.append(command.line)
    }
}
