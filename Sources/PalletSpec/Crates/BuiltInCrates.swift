/// The crates that ship with pallet: readable spec files (`Sources/PalletSpec/Crates/BuiltIn`),
/// embedded into the binary by `scripts/embed-runtime.py`.
///
/// `pallet plan` copies each built-in crate a plan uses to `out/crates/<name>.yaml`, and the
/// crate's locations read that path, so every origin of a built-in crate's step names a file a
/// reviewer can open, and an upgrade of pallet that changes a crate shows in review.
public enum BuiltInCrates {
    /// One built-in crate's spec file.
    public struct File: Sendable {
        /// The crate's name, which is also the file's name without `.yaml`.
        public let name: String
        /// The file's path in the output folder, such as `crates/nginx.yaml`.
        public let outputPath: String
        /// The file's exact text.
        public let text: String

        /// The path the crate's locations (diagnostics and step origins) read, such as
        /// `out/crates/nginx.yaml`: the copy `pallet plan` writes, seen from the project root.
        public var path: String { "out/" + outputPath }
    }

    /// The folder under the output folder that holds the copies of the built-in crates a plan uses.
    public static let outputFolder = "crates"

    /// Every built-in crate's file, in name order.
    public static let files: [File] = EmbeddedCrates.files.map { embedded in
        let fileName = embedded.path.split(separator: "/").last.map(String.init) ?? embedded.path
        let name = fileName.hasSuffix(".yaml") ? String(fileName.dropLast(".yaml".count)) : fileName
        return File(name: name, outputPath: "\(outputFolder)/\(name).yaml", text: embedded.text)
    }

    /// The built-in crate file at `path` (as its locations read it), or nil when `path` is no
    /// built-in crate's.
    public static func file(at path: String) -> File? {
        files.first { $0.path == path }
    }
}
