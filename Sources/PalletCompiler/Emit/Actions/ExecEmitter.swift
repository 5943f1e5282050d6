/// Emits an `exec` step: the guards as options, the script as a quoted here-document.
enum ExecEmitter {
    static func emit(_ exec: ExecStep, into script: inout StepScript) {
        var command = ShellCommand("pallet_exec")
        if exec.interpreter.literalText != "bash" { command.option("--interpreter", exec.interpreter) }
        command.option("--creates", exec.creates)
        command.option("--unless", exec.unless)
        command.option("--only-if", exec.onlyIf)
        for (name, value) in exec.environment {
            switch value {
            case .text(let text):
                command.flag("--env")
                command.argument(name)
                command.argument(text)
            case .secret(let reference):
                command.flag("--env-secret")
                command.argument(name)
                command.argument(reference.identifier)
                script.secrets.append(reference)
            }
        }
        if exec.script.hasRuntimeValues { command.flag("--render") }
        let body = exec.script.templateText
        let delimiter = hereDocumentDelimiter(for: body)
        command.flag("<<'\(delimiter)'")
        script.lines.append(command.line)
        script.lines.append(contentsOf: body.hasSuffix("\n") ? [String(body.dropLast())] : [body])
        script.lines.append(delimiter)
    }

    /// A here-document delimiter that no line of `body` equals.
    static func hereDocumentDelimiter(for body: String) -> String {
        let lines = Set(body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        var delimiter = "PALLET_SCRIPT"
        var counter = 1
        while lines.contains(delimiter) {
            delimiter = "PALLET_SCRIPT_\(counter)"
            counter += 1
        }
        return delimiter
    }
}
