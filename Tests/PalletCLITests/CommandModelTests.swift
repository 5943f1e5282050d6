import Foundation
import PalletTestSupport
import Testing

/// One command model everywhere: apply does it all, converge is its alias, lift runs a phase on
/// existing nodes, destroy tears VMs down; --help, the Makefile pallet init writes, README.md,
/// docs/tutorial.md and docs/virtualbox.md say the same.
@Suite("Command model: apply, converge (alias), lift, destroy")
struct CommandModelTests {
    func help(_ arguments: [String]) throws -> String {
        let result = try ProcessRunner.run([RepositoryPaths.palletBinary] + arguments + ["--help"])
        #expect(result.status == 0, "\(arguments): \(result.combined)")
        // Help text is wrapped to the terminal's width: compare words, not lines.
        return result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test("--help: apply provisions, previews and destroys orphans; converge says it is apply's alias; lift creates nothing; destroy asks")
    func helpTexts() throws {
        let top = try help([])
        for command in ["apply", "converge", "lift", "destroy"] { #expect(top.contains(command), "\(command)") }
        let apply = try help(["apply"])
        #expect(apply.contains("converge COUNT") && apply.contains("orphans") && apply.contains("--check"))
        #expect(apply.contains("pallet converge is an alias of this command"))
        let converge = try help(["converge"])
        #expect(converge.contains("Alias of apply") && converge.contains("--check") && converge.contains("Examples:"))
        let lift = try help(["lift"])
        #expect(lift.contains("creates and destroys no VM") && lift.contains(" nodes"))
        let destroy = try help(["destroy"])
        #expect(destroy.contains("--yes") && destroy.contains("--group") && destroy.contains("--node") && destroy.contains("Examples:"))
        #expect(destroy.contains("refuses unless --yes"))
    }

    @Test("pallet init: a unique project name from the folder's name; the Makefile's apply target runs pallet apply")
    func initProject() throws {
        let folder = try TemporaryProject()
        defer { folder.remove() }
        for name in ["My Infra.v2", "My Infra.v2-copy"] {
            let created = try ProcessRunner.run([RepositoryPaths.palletBinary, "init", name], directory: folder.root)
            #expect(created.status == 0, "\(created.combined)")
        }
        func project(_ name: String) throws -> String {
            let specs = try String(contentsOfFile: "\(folder.root)/\(name)/specs/pallet.yaml", encoding: .utf8)
            return specs.split(separator: "\n").first { $0.hasPrefix("project: ") }.map { String($0.dropFirst("project: ".count)) } ?? ""
        }
        let first = try project("My Infra.v2")
        #expect(first.wholeMatch(of: /my-infra-v2-[0-9a-f]{6}/) != nil, "\(first)")
        #expect(try project("My Infra.v2-copy").wholeMatch(of: /my-infra-v2-copy-[0-9a-f]{6}/) != nil)
        let makefile = try String(contentsOfFile: "\(folder.root)/My Infra.v2/Makefile", encoding: .utf8)
        #expect(makefile.contains("apply:\n\t$(PALLET) apply\n"), "\(makefile)")
        // Two inits of folders with the same name still differ.
        let again = try TemporaryProject()
        defer { again.remove() }
        #expect(try ProcessRunner.run([RepositoryPaths.palletBinary, "init", "My Infra.v2"], directory: again.root).status == 0)
        let second = try String(contentsOfFile: "\(again.root)/My Infra.v2/specs/pallet.yaml", encoding: .utf8)
        #expect(!second.contains("project: \(first)\n"))
    }

    @Test("README.md, docs/tutorial.md and docs/virtualbox.md name converge only as apply's alias and document apply --check, lift and destroy")
    func docsAgree() throws {
        for document in ["README.md", "docs/tutorial.md", "docs/virtualbox.md"] {
            let text = try String(contentsOfFile: RepositoryPaths.root + "/" + document, encoding: .utf8)
            // A paragraph naming `pallet converge` says what it is.
            for paragraph in text.components(separatedBy: "\n\n") where paragraph.contains("pallet converge") {
                #expect(paragraph.contains("alias") || paragraph.contains("another name"), "\(document): \(paragraph)")
            }
            for command in ["pallet apply --check", "pallet lift --phase", "pallet destroy"] {
                #expect(text.contains(command), "\(document) does not show \(command)")
            }
        }
    }
}
