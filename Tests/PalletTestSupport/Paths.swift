import Foundation

/// Well-known paths of the repository, found from this source file's location.
public enum RepositoryPaths {
    /// The repository root.
    public static let root: String = {
        let file = URL(fileURLWithPath: #filePath)
        return file.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    /// The debug build of the `pallet` binary (built by `swift build --build-tests`).
    public static var palletBinary: String {
        for candidate in [".build/debug/pallet", ".build/x86_64-unknown-linux-gnu/debug/pallet"] {
            let path = root + "/" + candidate
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return root + "/.build/debug/pallet"
    }
}
