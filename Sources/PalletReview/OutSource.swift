/// Where the files of one `out/` tree are read from: the plan compiled in memory, a folder, or
/// a git revision of the repository.
public protocol OutSource: Sendable {
    /// How the tree is named in the summary, such as `` `main` (3f2c1a9) `` or `the specs`.
    var label: String { get }
    /// The bytes of each of `paths` (relative to `out/`) that exists; a missing path is left out.
    func read(_ paths: [String]) async throws -> [String: [UInt8]]
}
