import Foundation
import Subprocess
import SystemPackage

/// One provisioning script of `out/` (a group's `provision/<service>/<group>.sh` or
/// `provision/orphans.sh`) and how to run one of its subcommands.
///
/// The script's standard output is machine-readable and is returned; its standard error (its
/// messages, VBoxManage's own) is appended to a log, and the `provision ...: error: ...` lines
/// it holds are returned escaped, so a failure shows the VBoxManage command and VirtualBox's
/// message rather than only "see the log".
public struct ProvisionScript: Sendable {
    /// The script's path relative to `out/`.
    public let path: String
    /// The plan the script belongs to.
    let plan: LoadedPlan
    /// The log its standard error is appended to.
    public let logPath: String

    /// What one subcommand printed and how it ended.
    public struct Output: Sendable {
        /// The exit status, or nil when the script could not run or was killed.
        public var status: Int32?
        /// Standard output, as the script printed it.
        public var standardOutput: String
        /// The script's error lines (`provision GROUP: error: ...`), escaped for a terminal; when it
        /// failed without one, its last lines of standard error.
        public var errors: [String]
        /// Why it could not run at all, if so.
        public var launchError: String?

        /// Whether it ran and exited 0.
        public var succeeded: Bool { status == 0 && launchError == nil }

        /// One line saying why it failed, naming the log.
        public func failure(log: String) -> String {
            if let launchError { return "cannot run the provisioning script: \(launchError)" }
            let reason = errors.isEmpty ? "exit status \(status.map(String.init) ?? "unknown")" : errors.joined(separator: "; ")
            return "provisioning failed: \(reason) (log: \(log))"
        }
    }

    /// Why a subcommand gave nothing usable: the script failed, or printed what pallet cannot read.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// What went wrong, escaped for a terminal.
        public var description: String
    }

    /// Runs a read-only subcommand and reads its standard output with `parse`.
    public func read<Value>(_ arguments: [String], _ parse: (String) throws -> Value) async -> Result<Value, Failure> {
        let output = await run(arguments)
        guard output.succeeded else { return .failure(Failure(description: output.failure(log: logPath))) }
        do {
            return .success(try parse(output.standardOutput))
        } catch let error as Failure {
            return .failure(error)
        } catch {
            return .failure(Failure(description: NodeText.escape("\(error)")))
        }
    }

    /// Runs a subcommand that changes machines: nil when it succeeded, else why it failed.
    public func perform(_ arguments: [String]) async -> String? {
        let output = await run(arguments)
        return output.succeeded ? nil : output.failure(log: logPath)
    }

    /// Creates the script `path` (relative to `plan.outDirectory`), logging to `logPath`.
    public init(path: String, plan: LoadedPlan, logPath: String) {
        self.path = path
        self.plan = plan
        self.logPath = logPath
    }

    /// Runs `bash SCRIPT arguments...` with no input.
    public func run(_ arguments: [String]) async -> Output {
        var output = Output(status: nil, standardOutput: "", errors: [], launchError: nil)
        var scriptPath = plan.outDirectory + "/" + path
        do {
            let logDirectory = (logPath as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            // A signed plan: what runs is a private copy of the bytes the signature covers, so the
            // file in out/ cannot change between the check and bash reading it.
            if plan.signedDigests != nil {
                guard let data = FileManager.default.contents(atPath: scriptPath) else {
                    throw LoadedPlan.ReadError(description: "\(scriptPath) is missing")
                }
                try LoadedPlan.checkSigned([UInt8](data), path: path, against: plan.signedDigests, in: plan.outDirectory)
                scriptPath = logDirectory + "/" + (path as NSString).lastPathComponent
                guard FileManager.default.createFile(atPath: scriptPath, contents: data, attributes: [.posixPermissions: 0o700]) else {
                    throw LoadedPlan.ReadError(description: "cannot copy \(path) into \(logDirectory)")
                }
            }
            let result = try await Subprocess.run(
                .path("/bin/bash"), arguments: Arguments([scriptPath] + arguments),
                input: .none, output: .bytes(limit: 1 << 20), error: .bytes(limit: 1 << 20))
            if case .exited(let code) = result.terminationStatus { output.status = code }
            output.standardOutput = String(decoding: result.standardOutput, as: UTF8.self)
            appendLog(arguments, result.standardError)
            output.errors = Self.errorLines(result.standardError, failed: output.status != 0)
        } catch {
            output.launchError = NodeText.escape("\(error)")
        }
        return output
    }

    /// Appends one subcommand's standard error to the log (owner-only).
    func appendLog(_ arguments: [String], _ standardError: [UInt8]) {
        guard let log = try? FileDescriptor.open(FilePath(logPath), .writeOnly, options: [.create, .append],
                                                 permissions: [.ownerReadWrite]) else { return }
        defer { try? log.close() }
        _ = try? log.writeAll(Array("$ \(path) \(arguments.joined(separator: " "))\n".utf8) + standardError)
    }

    /// The `provision ...: error: ...` lines of `standardError`, escaped, each with the indented
    /// lines that follow it (VirtualBox's own message) joined on; when there is none and the
    /// script failed, its last three non-empty lines.
    static func errorLines(_ standardError: [UInt8], failed: Bool) -> [String] {
        let lines = standardError.split(separator: UInt8(ascii: "\n")).map { NodeText.escape(Array($0)) }
        var errors: [String] = []
        var inError = false
        for line in lines {
            if line.hasPrefix("provision ") && line.contains(": error: ") {
                errors.append(line)
                inError = true
            } else if inError && line.hasPrefix("  "), let last = errors.indices.last {
                errors[last] += " " + line.trimmingCharacters(in: .whitespaces)
            } else {
                inError = false
            }
        }
        if !errors.isEmpty || !failed { return errors }
        return Array(lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.suffix(3))
    }
}
