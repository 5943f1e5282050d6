import Foundation
import PalletContract

/// An `out/` folder on disk.
public struct FolderOutSource: OutSource {
    /// The folder holding `plan.json`.
    public let folder: String
    /// How the folder is named in the summary.
    public var label: String { "`\(MarkdownText.cell(folder))`" }

    /// Creates a source reading the folder `folder`.
    public init(folder: String) {
        self.folder = folder
    }

    /// The bytes of each path of `paths` that is a regular file in the folder (symbolic links are
    /// not followed: a path that is one reads as missing).
    public func read(_ paths: [String]) async throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for path in paths where !path.split(separator: "/").contains("..") {
            let full = folder + "/" + path
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: full),
                  attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            guard let data = FileManager.default.contents(atPath: full) else {
                throw ReviewError("cannot read \(full)")
            }
            files[path] = [UInt8](data)
        }
        return files
    }
}
