import Foundation
import PalletContract

/// The outcome of running one bundle on a test host.
public struct BundleRun: Sendable {
    /// The process result of the run.
    public var result: ProcessResult

    /// The outcome of a run that gave `result`.
    public init(result: ProcessResult) {
        self.result = result
    }
    /// The `::pallet step` and `::pallet handler` lines, without the `::pallet ` prefix.
    public var statusLines: [String] {
        result.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("::pallet step ") || $0.hasPrefix("::pallet handler ") }
            .map { String($0.dropFirst("::pallet ".count)) }
    }
    /// The status word of each step line, in order.
    public var statuses: [String] {
        statusLines.compactMap { line in
            let words = line.split(separator: " ")
            if words.first == "step", words.count > 2 { return String(words[2]) }
            if words.first == "handler", words.count > 3 { return String(words[3]) }
            return nil
        }
    }
    /// The `::pallet end` line.
    public var endLine: String? {
        result.stdout.split(separator: "\n").last { $0.hasPrefix("::pallet end ") }.map(String.init)
    }
}

extension TestHost {
    /// Unpacks `archive` into a private temp folder on the host and runs its `run.sh` as root.
    ///
    /// - Parameter runner: The words before `bash run.sh`, such as an `strace` invocation.
    public func runBundle(_ archive: [UInt8], environment: [String: String] = [:], runner: [String] = []) throws -> BundleRun {
        var exports = ""
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            exports += "export \(name)=\(ShellQuoting.quote(value)); "
        }
        let prefix = runner.map { ShellQuoting.quote($0) + " " }.joined()
        let script = "set -e; dir=$(mktemp -d); trap 'rm -rf \"$dir\"' EXIT; tar -xf - -C \"$dir\"; \(exports)\(prefix)bash \"$dir/run.sh\""
        return BundleRun(result: try exec(["bash", "-c", script], stdin: archive))
    }

    /// A file written on the host, read from its upper dir; nil when the host did not write it.
    public func writtenFile(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: upperDirectory + path).map { [UInt8]($0) }
    }
}
