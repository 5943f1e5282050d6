import Foundation
import PalletCompiler
import PalletContract
import PalletSpec
import PalletTestSupport
import Testing

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
        let (hostileTree, errors) = try compile(["specs/main.yaml": HostileStrings.specs()])
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
        let problems = try shellProblems(paths, shellcheck: ["--shell=bash", "--severity=style"])
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("every dynamic word of run.sh is single-quoted")
    func quotedByConstruction() throws {
        let (tree, _) = try compile(["specs/main.yaml": HostileStrings.specs()])
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
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - ⟨packages⟩packages: [curl]
                    - ⟨exec⟩exec: {script: "true"}
            """)
        let (tree, _) = try compile(["specs/main.yaml": spec.text])
        let script = try #require(tree?.text("groups/g/configure/run.sh"))
        let packages = spec.at("packages", in: "specs/main.yaml")
        #expect(script.contains("# 1/2 packages · \(packages)\npallet_step 1 'packages' 'curl'\n"
            + "# \(packages) packages present\npallet_packages_add 'present' 'curl'\npallet_packages_apply\npallet_step_end"), "\(script)")
        #expect(script.contains("# 2/2 exec · \(spec.at("exec", in: "specs/main.yaml"))\npallet_step 2 'exec' 'true'\npallet_exec <<'PALLET_SCRIPT'\ntrue\nPALLET_SCRIPT\npallet_step_end"),
                "\(script)")
    }
}
