import Foundation

/// The VBoxManage simulator set up for a test: its state folder, and start and stop hooks that
/// make every started VM a real test host (whose address the simulator publishes as the guest's
/// IP) and tear it down again.
public struct SimulatedVirtualBox: Sendable {
    /// The simulator's folder (`Tests/Support/vbox-sim`), put first on `PATH`.
    public static let simulatorFolder = RepositoryPaths.root + "/Tests/Support/vbox-sim"

    /// The folder holding the simulator's state (`vbox/`) and the test hosts (`hosts/<VM>`).
    public let directory: String
    /// The environment that runs pallet (or make) against the simulator, with `HOME` set to `home`.
    public let environment: [String: String]

    /// Writes the hooks into `directory`. Started VMs get the user `login`, who may sudo without a
    /// password and logs in with `publicKey`; with `ownAddress`, daemons listening on 0.0.0.0 get
    /// the host's own address, as on a VM with its own network stack.
    public init(directory: String, home: String, login: String, publicKey: String, ownAddress: Bool = true) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory + "/hosts", withIntermediateDirectories: true)
        let start = directory + "/start-hook"
        let stop = directory + "/stop-hook"
        try """
            #!/usr/bin/env bash
            set -euo pipefail
            "\(TestHostSupport.scriptPath)" up "\(directory)/hosts/$1" auto "$1" --admin '\(login)' --pubkey '\(publicKey)' \
                --owner-pid "$PALLET_TEST_PID"\(ownAddress ? " --own-address" : "") >/dev/null
            cat "\(directory)/hosts/$1/address"

            """.write(toFile: start, atomically: true, encoding: .utf8)
        try """
            #!/usr/bin/env bash
            set -euo pipefail
            "\(TestHostSupport.scriptPath)" clean "\(directory)/hosts/$1" >/dev/null 2>&1 || true

            """.write(toFile: stop, atomically: true, encoding: .utf8)
        chmod(start, 0o755)
        chmod(stop, 0o755)
        environment = [
            "PATH": Self.simulatorFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "VBOXSIM_HOME": directory + "/vbox",
            "VBOXSIM_START_HOOK": start,
            "VBOXSIM_STOP_HOOK": stop,
            "PALLET_TEST_PID": String(getpid()),
            "PALLET_IP_TIMEOUT": "20",
            "HOME": home,
        ]
    }

    /// The test host of the VM named `vm`.
    public func hostFolder(_ vm: String) -> String { directory + "/hosts/" + vm }

    /// The address of the VM's test host, once it started.
    public func address(_ vm: String) -> String? {
        (try? String(contentsOfFile: hostFolder(vm) + "/address", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs VBoxManage (the simulator) with `arguments`.
    public func vboxManage(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(["VBoxManage"] + arguments, environment: environment)
    }

    /// The names of the registered VMs, sorted.
    public func vmNames() throws -> [String] {
        try vboxManage(["list", "vms"]).stdout.split(separator: "\n").compactMap { $0.split(separator: "\"").first.map(String.init) }.sorted()
    }

    /// Tears down every test host a VM started, whatever state the test left.
    public func tearDown() {
        let hosts = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/hosts")) ?? []
        for name in hosts {
            _ = try? ProcessRunner.run([TestHostSupport.scriptPath, "clean", hostFolder(name)])
        }
    }
}
