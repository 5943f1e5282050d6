import Foundation
import PalletSpec

/// The test process's own home: `HOME` and `PALLET_HOME` point into a fresh folder, so no test,
/// and no `pallet` a test starts, reads the developer's `~/.pallet` (the user configuration is an
/// input of every compile) or writes under the developer's home.
///
/// ``RepositoryPaths/root``, ``TemporaryProject`` and ``ProcessRunner`` activate it, so every test
/// that compiles a project or starts a process runs in it. A test that wants a user configuration
/// passes its own `PALLET_HOME` (to ``ProcessRunner/run(_:directory:environment:stdin:)``) or its
/// own folder (to `SpecLoader`).
public enum TestHome {
    /// `HOME` as the test process found it, before ``activate()`` replaced it.
    public static let originalHome: String? = ProcessInfo.processInfo.environment["HOME"]

    /// The test home: `HOME` of the test process and of every process it starts.
    public static var root: String { folder }

    /// The user configuration folder of the tests (`PALLET_HOME`): an empty folder in ``root``.
    public static var palletHome: String { folder + "/.pallet" }

    /// Points `HOME` and `PALLET_HOME` at the test home; the first call creates it (removed when
    /// the test process exits), later calls do nothing.
    public static func activate() {
        _ = folder
    }

    private static let folder: String = {
        _ = originalHome
        let made = PrivateFolder.create(in: "/tmp", prefix: "pallet-test-home.")
        // Without a home of its own no test may run: it would read the developer's.
        guard let root = made, mkdir(root + "/.pallet", 0o700) == 0 else {
            preconditionFailure("cannot create the test home under /tmp: errno \(errno)")
        }
        // HOME exists already (replaced in place) and PALLET_HOME is the only variable added, so
        // glibc never frees an environment array another thread may be reading.
        setenv("HOME", root, 1)
        setenv("PALLET_HOME", root + "/.pallet", 1)
        atexit { try? FileManager.default.removeItem(atPath: TestHome.root) }
        return root
    }()
}
