import Foundation
import PalletCompiler
import PalletSpec

/// What must hold for any input at all, however broken: compiling either reports located errors
/// and produces nothing, or produces a plan and reports no error. Shared by the fuzzer
/// (`make fuzz`) and the regression tests of the inputs it found.
public enum CompileInvariants {
    /// The outcome of compiling one project.
    public struct Outcome: Sendable {
        /// The broken invariants, in words; empty when everything held.
        public var violations: [String]
        /// How many errors the compile reported.
        public var errors: Int
        /// The run.sh scripts produced (empty after errors).
        public var scripts: [String: [UInt8]]
    }

    /// Compiles the project at `root` in memory and checks the invariants.
    public static func check(projectRoot root: String) -> Outcome {
        let diagnostics = Diagnostics()
        var violations: [String] = []
        var tree: OutputTree?
        do {
            tree = try Compiler(projectRoot: root).compile(diagnostics: diagnostics)
        } catch {
            violations.append("compile threw instead of reporting a located error: \(error)")
        }
        for diagnostic in diagnostics.all {
            let location = diagnostic.location
            if location.file.isEmpty || location.line < 1 || location.column < 1 {
                violations.append("diagnostic without a usable location: \(diagnostic)")
            }
            if diagnostic.message.isEmpty { violations.append("diagnostic without a message at \(location)") }
        }
        if diagnostics.hasErrors, tree != nil { violations.append("errors were reported, yet a tree was produced") }
        if !diagnostics.hasErrors, tree == nil, violations.isEmpty { violations.append("no error was reported, yet no tree was produced") }
        var scripts: [String: [UInt8]] = [:]
        if let tree {
            for (path, file) in tree.files where path.hasSuffix("/run.sh") || path.hasSuffix(".sh") { scripts[path] = file.bytes }
        }
        return Outcome(violations: violations, errors: diagnostics.errorCount, scripts: scripts)
    }

    /// Problems `bash -n` finds in the scripts (each checked without running it).
    public static func bashSyntaxProblems(_ scripts: [String: [UInt8]]) -> [String] {
        var problems: [String] = []
        for (path, bytes) in scripts.sorted(by: { $0.key < $1.key }) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-n"]
            let input = Pipe()
            let errors = Pipe()
            process.standardInput = input
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            do {
                try process.run()
                input.fileHandleForWriting.write(Data(bytes))
                try input.fileHandleForWriting.close()
                let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                if process.terminationStatus != 0 { problems.append("\(path): bash -n: \(message)") }
            } catch {
                problems.append("\(path): cannot run bash -n: \(error)")
            }
        }
        return problems
    }
}
