import Foundation
import PalletCompiler
import PalletContract
import PalletSpec
import PalletTestSupport
import Testing

/// Specs that put every hostile string into file paths, file contents, exec scripts, exec
/// environments and names of steps.
func hostileSpecs() -> String {
    var actions = [
        "        - exec: {script: \"mkdir -p /opt/pallet-hostile\", creates: /opt/pallet-hostile}",
    ]
    for (index, text) in HostileStrings.all.enumerated() {
        let path = "/opt/pallet-hostile/" + HostileStrings.component(text, index: index)
        actions.append("        - file: {path: \(HostileStrings.yaml(path)), content: \(HostileStrings.yaml(text)), mode: \"0640\"}")
        actions.append("          name: \(HostileStrings.yaml(text))")
    }
    for (index, text) in HostileStrings.all.enumerated() {
        let script = "# \(text)\nprintf '%s' \"$HOSTILE\" > /opt/pallet-hostile/env-\(index)\n"
        actions.append("        - exec:")
        actions.append("            script: \(HostileStrings.yaml(script))")
        actions.append("            creates: /opt/pallet-hostile/env-\(index)")
        actions.append("            environment: {HOSTILE: \(HostileStrings.yaml(text))}")
    }
    let heredoc = "cat > /opt/pallet-hostile/heredoc <<'END'\nPALLET_SCRIPT\nEND\n"
    actions.append("        - exec: {script: \(HostileStrings.yaml(heredoc)), creates: /opt/pallet-hostile/heredoc}")
    return hostsPreamble + """
        groups:
          g:
            service: lab
            phases:
              configure:

        """ + actions.joined(separator: "\n") + "\n"
}

@Suite("Safe shell")
struct ShellSafetyTests {
    /// Writes a tree's scripts into a folder and returns their paths.
    func scripts(of tree: OutputTree, in project: TemporaryProject) throws -> [String] {
        var paths: [String] = []
        for path in tree.sortedPaths where path.hasSuffix(".sh") {
            guard let file = tree.files[path] else { continue }
            try project.write("out/" + path, bytes: file.bytes)
            paths.append(project.root + "/out/" + path)
        }
        return paths
    }

    @Test("bash -n and shellcheck pass over every script of the example out/ and of the hostile specs")
    func shellcheckClean() throws {
        let (hostileTree, errors) = try compile(["specs/main.yaml": hostileSpecs()])
        #expect(errors.isEmpty)
        let project = try TemporaryProject()
        defer { project.remove() }
        let example = try #require(try Compiler(projectRoot: RepositoryPaths.root).compile(diagnostics: Diagnostics()))
        let tree = try #require(hostileTree)
        var paths = try scripts(of: tree, in: project)
        let exampleProject = try TemporaryProject()
        defer { exampleProject.remove() }
        paths += try scripts(of: example, in: exampleProject)
        #expect(paths.count >= 6)  // the example's bundles, lib.sh and provisioning scripts; run.sh + lib.sh of the hostile specs
        try expectCleanShell(paths, shellcheck: ["--shell=bash", "--severity=style"])
    }

    @Test("every dynamic word of run.sh is single-quoted")
    func quotedByConstruction() throws {
        let (tree, _) = try compile(["specs/main.yaml": hostileSpecs()])
        let script = try #require(tree?.text("groups/g/configure/run.sh"))
        for (index, text) in HostileStrings.all.enumerated() {
            let path = "/opt/pallet-hostile/" + HostileStrings.component(text, index: index)
            #expect(script.contains("pallet_file --path \(ShellQuoting.quote(path)) --content "), "path \(index)")
            #expect(script.contains("--env 'HOSTILE' \(ShellQuoting.quote(text)) "), "environment \(index)")
        }
        #expect(script.contains(#"--path '/opt/pallet-hostile/0-it'\''s "quoted"'"#))
        // Status-line summaries stay on one line: control characters are escaped.
        #expect(script.contains(#"pallet_step 5 'file' 'line one\nline two\n'"#))
        // A script line equal to the usual delimiter gets another delimiter.
        #expect(script.contains("<<'PALLET_SCRIPT_1'\ncat > /opt/pallet-hostile/heredoc <<'END'\nPALLET_SCRIPT\nEND\nPALLET_SCRIPT_1\n"))
    }

    @Test("every step block names its spec origin")
    func origins() throws {
        let (tree, _) = try compile(["specs/main.yaml": hostsPreamble + """
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - packages: [curl]
                    - exec: {script: "true"}
            """])
        let script = try #require(tree?.text("groups/g/configure/run.sh"))
        #expect(script.contains("# 1/2 packages · specs/main.yaml:11:11\npallet_step 1 'packages' 'curl'\n"
            + "# specs/main.yaml:11:11 packages present\npallet_packages_add 'present' 'curl'\npallet_packages_apply\npallet_step_end"))
        #expect(script.contains("# 2/2 exec · specs/main.yaml:12:11\npallet_step 2 'exec' 'true'\npallet_exec <<'PALLET_SCRIPT'\ntrue\nPALLET_SCRIPT\npallet_step_end"))
    }
}
