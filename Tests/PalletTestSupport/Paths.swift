import Foundation

/// Well-known paths of the repository, found from this source file's location, and of the build.
public enum RepositoryPaths {
    /// The repository root.
    ///
    /// Reading it also gives the test process its own home (``TestHome``), so no test that
    /// compiles the repository's specs reads the developer's `~/.pallet`.
    public static let root: String = {
        TestHome.activate()
        let file = URL(fileURLWithPath: #filePath)
        return file.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    /// The build products folder this test process runs from: the folder of the running
    /// executable (`palletPackageTests.xctest` or `pallet-fuzz`), whatever the build's triple,
    /// configuration or scratch path.
    public static let buildProducts: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent().path
    }()

    /// The `pallet` binary built beside the running tests (by `swift build --build-tests`).
    public static var palletBinary: String {
        buildProducts + "/pallet"
    }
}
