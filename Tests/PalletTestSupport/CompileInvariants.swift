import Foundation
import PalletCompiler
import PalletContract
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
        scripts.sorted { $0.key < $1.key }.compactMap { path, bytes in
            do {
                let result = try ProcessRunner.run(["bash", "-n"], stdin: bytes)
                return result.status == 0 ? nil : "\(path): bash -n: \(result.stderr)"
            } catch {
                return "\(path): cannot run bash -n: \(error)"
            }
        }
    }
}
