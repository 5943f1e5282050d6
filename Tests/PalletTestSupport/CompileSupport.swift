import PalletCompiler
import PalletContract
import PalletSpec

/// Compiles in-memory spec files; returns the tree (nil on errors) and every diagnostic as text.
public func compile(_ files: [String: String]) throws -> (OutputTree?, [String]) {
    let project = try TemporaryProject(files: files)
    defer { project.remove() }
    let diagnostics = Diagnostics()
    let tree = try Compiler(projectRoot: project.root).compile(diagnostics: diagnostics)
    return (tree, diagnostics.sorted.map(\.description))
}

/// Compiles `specs/main.yaml` after a preamble defining service `lab` with host `h1` of group `g`.
public func compileMain(_ yaml: String, extra: [String: String] = [:]) throws -> (OutputTree?, [String]) {
    var files = extra
    files["specs/main.yaml"] = hostsPreamble + yaml
    return try compile(files)
}

/// Compiles `specs/main.yaml` after the hosts preamble, with more project files given as bytes
/// (project-relative path to contents), such as a `source` or `template` next to the spec.
public func compileMain(_ yaml: String, files: [String: [UInt8]]) throws -> (OutputTree?, [String]) {
    let project = try TemporaryProject(files: ["specs/main.yaml": hostsPreamble + yaml])
    defer { project.remove() }
    for (path, bytes) in files { try project.write(path, bytes: bytes) }
    let diagnostics = Diagnostics()
    let tree = try Compiler(projectRoot: project.root).compile(diagnostics: diagnostics)
    return (tree, diagnostics.sorted.map(\.description))
}

/// A hosts service `lab` with one host `h1` in group `g` (the group itself is left to the test).
public let hostsPreamble = """
    services:
      lab:
        provider: hosts
        hosts:
          - {name: h1, group: g, address: 127.0.0.1}

    """

/// `yaml` after the hosts preamble, as `compileMain` writes `specs/main.yaml`, its markers
/// (`⟨name⟩`) placed in that file.
public func mainSpec(_ yaml: String) -> MarkedText {
    MarkedText(hostsPreamble + yaml)
}

extension OutputTree {
    /// A file's text.
    public func text(_ path: String) -> String? {
        files[path].map { String(decoding: $0.bytes, as: UTF8.self) }
    }
}

/// What `bash -n` and shellcheck (with `options`, such as `--severity=style`) find wrong in the
/// scripts at `paths`; empty when every script is clean.
public func shellProblems(_ paths: [String], shellcheck options: [String]) throws -> [String] {
    var problems: [String] = []
    for path in paths {
        let syntax = try ProcessRunner.run(["bash", "-n", path])
        if syntax.status != 0 { problems.append("bash -n \(path): \(syntax.stderr)") }
    }
    let shellcheck = try ProcessRunner.run(["shellcheck"] + options + paths)
    if shellcheck.status != 0 { problems.append("shellcheck:\n\(shellcheck.stdout)\(shellcheck.stderr)") }
    return problems
}
