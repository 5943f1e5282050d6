import PalletSpec
import PalletTestSupport

/// Loads specs from in-memory files and returns the specs with every diagnostic as text.
func load(_ files: [String: String]) throws -> (SpecSet, [String]) {
    let project = try TemporaryProject(files: files)
    defer { project.remove() }
    let diagnostics = Diagnostics()
    let specs = SpecLoader(projectRoot: project.root).load(diagnostics: diagnostics)
    return (specs, diagnostics.sorted.map(\.description))
}

/// The diagnostics of loading a single `specs/main.yaml`.
func diagnostics(_ yaml: String) throws -> [String] {
    try load(["specs/main.yaml": yaml]).1
}

/// A minimal valid preamble: a hosts service and one group using it.
let preamble = """
    services:
      lab:
        provider: hosts
        hosts:
          - {name: h1, group: g, address: 127.0.0.1}

    """
