import Foundation
import PalletSpec
import PalletTestSupport
import Testing

/// `pallet init`, `pallet schema` and `pallet graph`.
@Suite("Project tools: init, schema, graph")
struct ProjectToolsTests {
    @Test("pallet init scaffolds a project that plans at once; a second init refuses to overwrite")
    func initScaffolds() throws {
        let folder = try TemporaryProject()
        defer { folder.remove() }
        let created = try ProcessRunner.run([RepositoryPaths.palletBinary, "init", "infra"], directory: folder.root)
        #expect(created.status == 0, "\(created.combined)")
        for path in ["specs/pallet.yaml", "Makefile", ".gitignore", ".gitattributes", ".github/workflows/pallet-plan.yml"] {
            #expect(folder.exists("infra/" + path), "\(path)")
        }
        // Outside a git work tree: nothing is set, and the one command to run after `git init` is printed.
        #expect(created.stdout.contains("After `git init` in the project folder, let git diff show out/'s tars as text:\n"
            + "  git config diff.pallet-tar.textconv \"pallet textconv\"\n"), "\(created.stdout)")
        #expect(!folder.exists("infra/.git"))
        let plan = try ProcessRunner.run([RepositoryPaths.palletBinary, "plan"], directory: folder.root + "/infra")
        #expect(plan.status == 0, "\(plan.combined)")
        #expect(folder.exists("infra/out/groups/web/configure.tar"))
        let check = try ProcessRunner.run([RepositoryPaths.palletBinary, "plan", "--check"], directory: folder.root + "/infra")
        #expect(check.status == 0)
        let again = try ProcessRunner.run([RepositoryPaths.palletBinary, "init", "infra"], directory: folder.root)
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exist"), "\(again.stderr)")
        #expect(try folder.read("infra/.github/workflows/pallet-plan.yml").contains("pallet plan --check"))
    }

    @Test("pallet init in a git work tree writes .gitattributes for out/'s tars and sets the diff driver to pallet textconv")
    func initSetsTheDiffDriver() throws {
        let folder = try TemporaryProject()
        defer { folder.remove() }
        #expect(try ProcessRunner.run(["git", "init", "-q", "infra"], directory: folder.root).status == 0)
        let created = try ProcessRunner.run([RepositoryPaths.palletBinary, "init", "infra"], directory: folder.root)
        #expect(created.status == 0, "\(created.combined)")
        #expect(created.stdout.contains("set diff.pallet-tar.textconv in this git repository"), "\(created.stdout)")
        #expect(!created.stdout.contains("After `git init`"))
        let attributes = try folder.read("infra/.gitattributes")
        #expect(attributes == TarDiffDriver.gitattributes && attributes.contains("\nout/**/*.tar diff=pallet-tar\n"), "\(attributes)")
        let setting = try ProcessRunner.run(["git", "config", "--get", "diff.pallet-tar.textconv"], directory: folder.root + "/infra")
        #expect(setting.status == 0 && setting.stdout == "pallet textconv\n", "\(setting.combined)")
        let attribute = try ProcessRunner.run(["git", "check-attr", "diff", "--", "out/groups/web/configure.tar"], directory: folder.root + "/infra")
        #expect(attribute.stdout == "out/groups/web/configure.tar: diff: pallet-tar\n", "\(attribute.combined)")
        let makefile = try folder.read("infra/Makefile")
        #expect(makefile.contains("plan:\n\t\(TarDiffDriver.makefileLine(pallet: "$(PALLET)"))\n\t$(PALLET) plan\n"), "\(makefile)")
    }

    /// The `run:` scripts of the steps of the workflow that `pallet init` writes, and its top-level keys.
    static func workflow(_ text: String) throws -> (keys: [String: YAMLNode], steps: [[String: String]]) {
        let (keys, nodes) = try workflowNodes(text)
        let steps = nodes.map { step in step.compactMapValues(scalar) }
        return (keys, steps)
    }

    /// The top-level keys of the workflow that `pallet init` writes, and its steps' keys.
    static func workflowNodes(_ text: String) throws -> (keys: [String: YAMLNode], steps: [[String: YAMLNode]]) {
        let node = try #require(YAMLLoader(file: "pallet-plan.yml").load(Array(text.utf8), diagnostics: Diagnostics()))
        let keys = mapping(node)
        let job = mapping(mapping(keys["jobs"])["plan-check"])
        guard case .sequence(let items)? = job["steps"]?.content else { return (keys, []) }
        return (keys, items.map(mapping))
    }

    /// A YAML mapping's values by their scalar keys (empty for any other node).
    static func mapping(_ node: YAMLNode?) -> [String: YAMLNode] {
        guard case .mapping(let pairs)? = node?.content else { return [:] }
        var result: [String: YAMLNode] = [:]
        for pair in pairs { if case .scalar(let key, _) = pair.key.content { result[key] = pair.value } }
        return result
    }

    /// A scalar node's text, or nil.
    static func scalar(_ node: YAMLNode?) -> String? {
        if case .scalar(let text, _)? = node?.content { return text }
        return nil
    }

    @Test("the CI job checks out the whole history and writes pallet diff against the base commit into the summary, BASE only through env:")
    func workflowPrintsTheReviewSummary() throws {
        let folder = try TemporaryProject()
        defer { folder.remove() }
        #expect(try ProcessRunner.run([RepositoryPaths.palletBinary, "init", "infra"], directory: folder.root).status == 0)
        let (_, steps) = try Self.workflowNodes(try folder.read("infra/.github/workflows/pallet-plan.yml"))
        let checkout = try #require(steps.first { Self.scalar($0["uses"])?.hasPrefix("actions/checkout") == true })
        #expect(Self.scalar(Self.mapping(checkout["with"])["fetch-depth"]) == "0")
        let check = try #require(steps.firstIndex { Self.scalar($0["run"]) == "\"$PALLET\" plan --check" })
        let summary = try #require(steps.last)
        #expect(steps.count - 1 > check, "the summary comes after pallet plan --check")
        #expect(Self.scalar(Self.mapping(summary["env"])["BASE"]) == "${{ github.event.pull_request.base.sha || github.event.before }}")
        #expect(Self.scalar(summary["shell"]) == "bash", "bash runs it with pipefail: a failing pallet diff fails the step")
        let script = try #require(Self.scalar(summary["run"]))
        #expect(script.contains("\"$PALLET\" diff \"$BASE\" | tee -a \"$GITHUB_STEP_SUMMARY\""), "\(script)")
        for step in steps {
            #expect(!(Self.scalar(step["run"]) ?? "").contains("${{"), "an expression pasted into a script: \(step)")
        }

        // The script itself, with the real pallet, in a project with two commits: the second adds a step.
        let repository = folder.root + "/repo"
        let git = ["git", "-c", "user.name=Pallet Test", "-c", "user.email=test@example.org"]
        #expect(try ProcessRunner.run([RepositoryPaths.palletBinary, "init", repository]).status == 0)
        #expect(try ProcessRunner.run(git + ["init", "-q", repository]).status == 0)
        for message in ["first", "second"] {
            if message == "second" {
                let spec = try folder.read("repo/specs/pallet.yaml")
                    .replacingOccurrences(of: "      configure:\n        - packages:", with: "      configure:\n        - directory: {path: /srv/review}\n        - packages:")
                try folder.write("repo/specs/pallet.yaml", spec)
            }
            #expect(try ProcessRunner.run([RepositoryPaths.palletBinary, "plan"], directory: repository).status == 0)
            #expect(try ProcessRunner.run(git + ["add", "."], directory: repository).status == 0)
            #expect(try ProcessRunner.run(git + ["commit", "-q", "-m", message], directory: repository).status == 0)
        }
        let first = try ProcessRunner.run(["git", "rev-parse", "HEAD~1"], directory: repository).stdout.trimmingCharacters(in: .newlines)
        func run(base: String) throws -> (result: ProcessResult, summary: String) {
            let summaryFile = folder.root + "/summary.md"
            try Data().write(to: URL(fileURLWithPath: summaryFile))
            let result = try ProcessRunner.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], directory: repository, environment: [
                "BASE": base, "PALLET": RepositoryPaths.palletBinary, "GITHUB_STEP_SUMMARY": summaryFile, "GITHUB_WORKSPACE": repository,
                "HOME": folder.root, "GIT_CONFIG_NOSYSTEM": "1",
            ])
            return (result, try String(contentsOfFile: summaryFile, encoding: .utf8))
        }
        let compared = try run(base: first)
        #expect(compared.result.status == 0, "\(compared.result.combined)")
        #expect(compared.summary.hasPrefix("## pallet diff: `\(first)` (\(first.prefix(7))) → the specs\n"), "\(compared.summary)")
        #expect(compared.summary.contains("| added | `configure` | `directory` /srv/review | specs/pallet.yaml:"), "\(compared.summary)")
        for base in [String(repeating: "0", count: 40), "", "$(touch pwned)", "`touch pwned`"] {
            let skipped = try run(base: base)
            #expect(skipped.result.status == 0, "\(skipped.result.combined)")
            #expect(skipped.summary.hasPrefix("No review summary: the base commit is not in this clone"), "\(base): \(skipped.summary)")
            #expect(!folder.exists("repo/pwned"), "BASE is data, never code")
        }
    }

    @Test("the CI job pallet init writes runs only a pinned pallet checked by SHA-256, never one from the change under review")
    func workflowPinsPallet() throws {
        let folder = try TemporaryProject()
        defer { folder.remove() }
        #expect(try ProcessRunner.run([RepositoryPaths.palletBinary, "init", "infra"], directory: folder.root).status == 0)
        let text = try folder.read("infra/.github/workflows/pallet-plan.yml")
        let (keys, steps) = try Self.workflow(text)
        guard case .mapping(let triggers)? = keys["on"]?.content else {
            Issue.record("the workflow has no 'on' mapping")
            return
        }
        let events = triggers.compactMap { pair -> String? in
            if case .scalar(let name, _) = pair.key.content { return name }
            return nil
        }
        // pull_request would run the pull request's own copy of this workflow.
        #expect(Set(events) == ["push", "pull_request_target"], "\(events)")
        let runs = steps.compactMap { $0["run"] }
        #expect(runs.count == 3 && steps.count == 4, "\(steps)")
        let install = try #require(runs.first)
        #expect(install.contains("sha256sum --check --strict"))
        #expect(steps.firstIndex { $0["run"] == install } ?? 9 < steps.firstIndex { $0["uses"]?.hasPrefix("actions/checkout") == true } ?? -1,
                "pallet is installed before the change is checked out")
        #expect(runs.dropFirst().first == "\"$PALLET\" plan --check")
        for run in runs {
            for forbidden in ["bin/pallet", "./", "$PWD", "make", "swift build", "PATH="] {
                #expect(!run.contains(forbidden), "a step runs something from the checkout: \(run)")
            }
        }
        #expect(text.contains("persist-credentials: false") && text.contains("contents: read"))

        // The install step itself (after its apt-get line): the pinned bytes install, any other bytes are refused.
        let script = install.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
        let binary = RepositoryPaths.palletBinary
        let digest = try ProcessRunner.run(["sha256sum", binary]).stdout.prefix(64)
        for (pinned, installs) in [(String(digest), true), (String(repeating: "0", count: 64), false)] {
            let githubEnv = folder.root + "/github-env-\(installs)"
            try Data().write(to: URL(fileURLWithPath: githubEnv))
            let result = try ProcessRunner.run(["bash", "-e", "-c", script], directory: folder.root, environment: [
                "PALLET_URL": "file://" + binary, "PALLET_SHA256": pinned, "GITHUB_ENV": githubEnv,
            ])
            let recorded = try String(contentsOfFile: githubEnv, encoding: .utf8)
            if installs {
                #expect(result.status == 0, "\(result.combined)")
                let installed = String(recorded.dropFirst("PALLET=".count).dropLast())
                #expect(recorded.hasPrefix("PALLET=") && FileManager.default.contentsEqual(atPath: installed, andPath: binary))
                #expect(try ProcessRunner.run([installed, "--version"]).status == 0)
            } else {
                #expect(result.status != 0, "other bytes than the pinned ones are refused")
                #expect(recorded.isEmpty, "and no pallet is recorded for the next step")
            }
        }
    }

    @Test("docs/pallet.schema.json is what pallet schema prints, and lists every section and action")
    func schemaCommitted() throws {
        let result = try ProcessRunner.run([RepositoryPaths.palletBinary, "schema"])
        #expect(result.status == 0)
        let committed = try String(contentsOfFile: RepositoryPaths.root + "/docs/pallet.schema.json", encoding: .utf8)
        #expect(result.stdout == committed, "docs/pallet.schema.json is stale: run 'pallet schema --output docs/pallet.schema.json'")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(committed.utf8)) as? [String: Any])
        let properties = try #require(json["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(SpecKeys.sections))
        let definitions = try #require(json["$defs"] as? [String: Any])
        let action = try #require(definitions["action"] as? [String: Any])
        let forms = try #require(action["oneOf"] as? [[String: Any]])
        let keywords = forms.compactMap { ($0["required"] as? [String])?.first }
        #expect(Set(keywords) == Set(ActionCatalog.all.map(\.keyword.rawValue) + [CrateUse.keyword]))
    }

    @Test("pallet graph draws the example: groups, server-specs, crates and phases")
    func graph() throws {
        let result = try ProcessRunner.run([RepositoryPaths.palletBinary, "graph"], directory: RepositoryPaths.root)
        #expect(result.status == 0, "\(result.stderr)")
        let dot = result.stdout
        #expect(dot.hasPrefix("digraph pallet {"))
        #expect(dot.contains("\"group:web\" -> \"server:web\";"))
        #expect(dot.contains("\"group:web\" [shape=box, style=\"rounded,bold\", label=\"group web × 2\"];"))
        #expect(dot.contains("shape=component, label=\"crate nginx (built in)\""))
        #expect(dot.contains("\"phase:web/configure\""))
        let again = try ProcessRunner.run([RepositoryPaths.palletBinary, "graph"], directory: RepositoryPaths.root)
        #expect(again.stdout == dot, "the same bytes every time")
        let bad = try ProcessRunner.run([RepositoryPaths.palletBinary, "graph", "--format", "gif"], directory: RepositoryPaths.root)
        #expect(bad.status != 0)
        // SVG goes through Graphviz (installed by make test's dependencies); without it, a clear error.
        let svg = try ProcessRunner.run([RepositoryPaths.palletBinary, "graph", "--format", "svg"], directory: RepositoryPaths.root)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/dot") {
            #expect(svg.status == 0 && svg.stdout.contains("<svg") && svg.stdout.contains("crate nginx"), "\(svg.stderr)")
        } else {
            #expect(svg.status == 1 && svg.stderr.contains("needs Graphviz's dot"), "\(svg.stderr)")
        }
    }

    @Test("every command's --help has examples; shell completions come from the command line definitions")
    func helpAndCompletions() throws {
        for command in ["plan", "apply", "lift", "converge", "show", "init", "schema", "graph", "textconv"] {
            let help = try ProcessRunner.run([RepositoryPaths.palletBinary, command, "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Examples:"), "pallet \(command) --help")
        }
        let top = try ProcessRunner.run([RepositoryPaths.palletBinary, "--help"])
        #expect(top.stdout.contains("Examples:") && top.stdout.contains("init") && top.stdout.contains("graph"))
        for shell in ["bash", "zsh", "fish"] {
            let completion = try ProcessRunner.run([RepositoryPaths.palletBinary, "--generate-completion-script", shell])
            #expect(completion.status == 0)
            #expect(completion.stdout.contains("converge") && completion.stdout.contains("detailed-exitcode"), "\(shell)")
        }
    }

    @Test("Package.resolved is committed, and the build that ran these tests resolved the same packages")
    func packagesPinned() throws {
        let tracked = try ProcessRunner.run(["git", "-C", RepositoryPaths.root, "ls-files", "--error-unmatch", "Package.resolved"])
        #expect(tracked.status == 0, "Package.resolved is not committed: \(tracked.combined)")
        let changed = try ProcessRunner.run(["git", "-C", RepositoryPaths.root, "diff", "--stat", "HEAD", "--", "Package.resolved"])
        #expect(changed.status == 0 && changed.stdout.isEmpty,
                "the build resolved other packages than Package.resolved pins: commit the new Package.resolved\n\(changed.combined)")
    }
}
