/// Emits a `packages` or `package` step as one package-manager transaction.
enum PackagesEmitter {
    static func emit(_ packages: PackagesStep, into script: inout StepScript) {
        var command = ShellCommand("pallet_packages")
        command.argument(packages.state.rawValue)
        for name in packages.names { command.argument(name) }
        script.lines.append(command.line)
    }
}
