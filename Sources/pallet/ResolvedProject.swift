import ArgumentParser
import PalletCompiler
import PalletSpec

/// The project's specs loaded and resolved for the commands that look at them without writing
/// out/ (show, graph); problems are printed and end the command with status 1.
struct ResolvedProject {
    let specs: SpecSet
    let plan: Plan

    init(projectRoot: String) throws {
        let diagnostics = Diagnostics()
        specs = SpecLoader(projectRoot: projectRoot).load(diagnostics: diagnostics)
        plan = Resolver(specs: specs, diagnostics: diagnostics).resolve()
        if diagnostics.hasErrors {
            for diagnostic in diagnostics.sorted { printError(diagnostic.description) }
            throw ExitCode(1)
        }
    }
}
