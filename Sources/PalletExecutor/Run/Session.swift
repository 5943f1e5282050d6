import Foundation
import PalletSpec

/// The on-disk setting of one run: the project's `.pallet/` folder (known_hosts and
/// `runs/<run-id>/` logs) and a private folder for ssh's control sockets.
public struct Session: Sendable {
    /// The run's id: the UTC start time and a random suffix.
    public let runID: String
    /// `.pallet/runs/<run-id>`.
    public let runDirectory: String
    /// The project's known_hosts file.
    public let knownHostsFile: String
    /// The private control-socket folder (short, so socket paths fit).
    public let controlDirectory: String

    /// Prepares the folders under `projectRoot/.pallet`.
    public init(projectRoot: String) throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        runID = formatter.string(from: Date()) + "-" + suffix
        let stateDirectory = projectRoot + "/.pallet"
        runDirectory = stateDirectory + "/runs/" + runID
        knownHostsFile = stateDirectory + "/known_hosts"
        let manager = FileManager.default
        try manager.createDirectory(atPath: runDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        chmod(stateDirectory, 0o700)
        if !manager.fileExists(atPath: knownHostsFile) {
            _ = manager.createFile(atPath: knownHostsFile, contents: Data(), attributes: [.posixPermissions: 0o600])
        }
        // Under /tmp, not $TMPDIR: a socket's path must stay short.
        guard let folder = PrivateFolder.create(in: "/tmp", prefix: "pallet-ssh.") else {
            throw LoadedPlan.ReadError(description: "cannot create a private folder for ssh control sockets")
        }
        controlDirectory = folder
    }

    /// Removes the control-socket folder.
    public func finish() {
        try? FileManager.default.removeItem(atPath: controlDirectory)
    }
}
