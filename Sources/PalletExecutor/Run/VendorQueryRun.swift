import Foundation
import PalletContract
import Subprocess
import SystemPackage

/// Asks a node which vendored files of a bundle it lacks (``VendorQuery``), through the same
/// constant remote command as a bundle, with the query script and the bundle's reviewed
/// `vendor.list` as the stream.
struct VendorQueryRun: Sendable {
    let settings: SSHSettings
    let target: Target
    let credentials: Credentials
    let logPath: String
    let multiplex: Bool

    /// The query's failure.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The SHA-256 values of the files the node lacks, among those `list` (the bundle's
    /// `vendor.list`) names.
    func missing(list: [UInt8]) async throws -> Set<String> {
        let stream = try TarArchive.make([
            TarEntry(path: "b", kind: .directory, mode: 0o700),
            TarEntry(path: "b/run.sh", kind: .file(Array(VendorQuery.script.utf8)), mode: 0o700),
            TarEntry(path: "b/" + VendoredPackage.listPath, kind: .file(list), mode: 0o600),
            TarEntry(path: "env", kind: .file([]), mode: 0o600),
            TarEntry(path: "secrets", kind: .directory, mode: 0o700),
        ])
        let arguments = settings.arguments(for: target, as: credentials, command: RemoteCommand.line, acceptNewHostKey: false,
                                           multiplex: multiplex)
        let input = try MemoryFile.holding(stream)
        let result = try await Subprocess.run(
            .path(FilePath(settings.program)), arguments: Arguments(arguments), environment: .custom(SSHSettings.environment),
            input: .fileDescriptor(input, closeAfterSpawningProcess: true), output: .string(limit: 1 << 20), error: .bytes(limit: 1 << 16)
        )
        // What the node wrote on standard error is data: escaped, line by line, into the log.
        let messages = result.standardError.split(separator: UInt8(ascii: "\n")).map { NodeText.escape(Array($0)) + "\n" }.joined()
        guard FileManager.default.createFile(atPath: logPath, contents: Data(messages.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw Failure(description: "cannot write \(logPath)")
        }
        let output = result.standardOutput
        guard case .exited(0) = result.terminationStatus, let missing = VendorQuery.missing(in: output) else {
            var status = "killed"
            if case .exited(let code) = result.terminationStatus { status = RemoteCommand.explain(status: code) ?? "status \(code)" }
            throw Failure(description: "cannot ask the node which vendored packages it lacks (\(status)); nothing was run; see \(logPath)")
        }
        return missing
    }
}
