import Foundation
import PalletContract
import PalletCompiler
import PalletTestSupport

/// A bundle folder where the node runtime (`lib.sh`, as pallet writes it) runs in plain bash as
/// an unprivileged user: `nobody` when the tests run as root, the test's own user otherwise. Its
/// state folder is its own; nothing outside the folder is written.
struct RuntimeShell {
    /// The folder that holds the bundle, the state folder and a place for the tests' files.
    let project: TemporaryProject
    /// Whether the runtime runs as `nobody` (the tests run as root) rather than as the test's user.
    let dropsRoot = geteuid() == 0

    /// The bundle folder: `lib.sh`, its `MANIFEST`, and the scripts the tests run.
    var bundle: String { project.root + "/bundle" }
    /// The runtime's state folder (`PALLET_STATE_DIR`).
    var state: String { project.root + "/state" }
    /// A folder the runtime's user may write, for the tests' files.
    var scratch: String { project.root + "/scratch" }

    /// Creates the folders; the project root stays root's, 0755, so that folders below it that
    /// belong to the runtime's user are that user's to control.
    init() throws {
        project = try TemporaryProject()
        try project.write("bundle/lib.sh", RuntimeLibrary.source)
        let manifest = try ProcessRunner.run(["sha256sum", "lib.sh"], directory: bundle)
        guard manifest.status == 0 else { throw TestSupportError("sha256sum: \(manifest.stderr)") }
        try project.write("bundle/MANIFEST", manifest.stdout)
        for folder in [state, scratch] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try Self.shell("chmod 0755 \(ShellQuoting.quote(project.root))")
        if dropsRoot {
            try Self.shell("chown -R nobody:nogroup " + [bundle, state, scratch].map(ShellQuoting.quote).joined(separator: " "))
        }
    }

    /// The name of the user the runtime runs as.
    var user: String {
        get throws { dropsRoot ? "nobody" : try Self.shell("id -un").trimmingCharacters(in: .newlines) }
    }

    /// Runs `body` in bash after sourcing `lib.sh` with `set -Eeuo pipefail`, as run.sh does, in a
    /// clean environment (C locale, the state folder set) plus `environment`.
    func run(_ body: String, environment: [String: String] = [:], name: String = "test.sh") throws -> ProcessResult {
        let script = """
            set -Eeuo pipefail
            PALLET_BUNDLE_DIR=\(ShellQuoting.quote(bundle))
            # shellcheck source=/dev/null
            . "$PALLET_BUNDLE_DIR/lib.sh"

            """ + body + "\n"
        try project.write("bundle/" + name, script)
        if dropsRoot { try Self.shell("chown nobody:nogroup \(ShellQuoting.quote(bundle + "/" + name))") }
        var variables = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C", "HOME": "/nonexistent", "PALLET_STATE_DIR": state]
        for (key, value) in environment { variables[key] = value }
        var command = dropsRoot ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"] : []
        command += ["env", "-i"] + variables.keys.sorted().map { "\($0)=\(variables[$0] ?? "")" }
        command += ["bash", bundle + "/" + name]
        return try ProcessRunner.run(command, directory: "/")
    }

    /// Removes the folder.
    func remove() {
        project.remove()
    }

    /// Runs a command line of the test's own (as the test's user), failing on a non-zero status.
    @discardableResult
    static func shell(_ line: String) throws -> String {
        let result = try ProcessRunner.run(["bash", "-c", line])
        guard result.status == 0 else { throw TestSupportError("\(line): \(result.combined)") }
        return result.stdout
    }
}
