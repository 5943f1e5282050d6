import PalletContract

/// An `out/` tree held in memory, such as the one the specs compile to.
public struct TreeOutSource: OutSource {
    /// The tree.
    public let tree: OutputTree
    /// How the tree is named in the summary.
    public let label: String

    /// Creates a source reading `tree`, named `label`.
    public init(tree: OutputTree, label: String) {
        self.tree = tree
        self.label = label
    }

    /// The bytes of each path of `paths` that the tree holds.
    public func read(_ paths: [String]) async throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for path in paths { if let file = tree.files[path] { files[path] = file.bytes } }
        return files
    }
}
