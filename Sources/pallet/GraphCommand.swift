import ArgumentParser
import Foundation
import PalletCompiler
import PalletSpec

/// `pallet graph`: the project's groups, server-specs, crates and phases as a picture.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw groups → server-specs → crates → phases as Graphviz dot (SVG or PNG with dot installed).",
        discussion: """
            Groups are boxes (with their node count), server-specs ellipses, crates components and each group's \
            phases notes with their step counts. Arrows: a group or server-spec extends a server-spec; a spec uses \
            a crate in a phase (the arrow's label); a group runs a phase (dashed).

            Examples:
              pallet graph > pallet.dot
              pallet graph --format svg --output pallet.svg      # needs Graphviz's dot
            """
    )

    @Option(name: .long, help: "The project folder (default: the current folder).")
    var project: String = "."

    @Option(name: .long, help: "dot (default), svg or png; svg and png run Graphviz's dot.")
    var format: String = "dot"

    @Option(name: .long, help: "Write to this file instead of standard output.")
    var output: String?

    func validate() throws {
        guard ["dot", "svg", "png"].contains(format) else { throw ValidationError("--format must be dot, svg or png") }
    }

    func run() throws {
        let resolved = try ResolvedProject(projectRoot: project)
        var bytes = Data(SpecGraph(specs: resolved.specs, plan: resolved.plan).dot.utf8)
        if format != "dot" { bytes = try render(bytes) }
        if let output {
            do { try bytes.write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                printError("pallet: error: cannot write \(output): \(error)")
                throw ExitCode(1)
            }
        } else {
            FileHandle.standardOutput.write(bytes)
        }
    }

    /// The graph rendered by Graphviz's dot.
    func render(_ dot: Data) throws -> Data {
        guard let program = ["/usr/bin/dot", "/usr/local/bin/dot"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            printError("pallet: error: --format \(format) needs Graphviz's dot (apt-get install graphviz); --format dot works without it")
            throw ExitCode(1)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = ["-T\(format)"]
        let input = Pipe()
        let result = Pipe()
        process.standardInput = input
        process.standardOutput = result
        try process.run()
        input.fileHandleForWriting.write(dot)
        try input.fileHandleForWriting.close()
        let data = result.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            printError("pallet: error: dot failed with status \(process.terminationStatus)")
            throw ExitCode(1)
        }
        return data
    }
}
