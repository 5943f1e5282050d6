import PalletContract

/// One share of a fleet's nodes, `K/N`: what `pallet apply --slice K/N` runs, so that N runners
/// (a CI matrix, a Kubernetes Indexed Job, a Nomad batch job) cover every node exactly once.
///
/// A node belongs to slice `1 + (first 8 bytes of SHA-256(name), big-endian) mod N`. The rule looks
/// at the node's name only: adding or removing a node never moves another node to another slice.
public struct NodeSlice: Sendable, Equatable, Codable {
    /// The slice's 1-based number, K.
    public var index: Int
    /// How many slices there are, N.
    public var count: Int

    /// A slice that is not `K/N` with `1 <= K <= N`.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        /// What is wrong, in words.
        public var description: String
    }

    /// Parses `K/N`, such as `2/3`.
    public init(parsing text: String) throws(Invalid) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Self.number(parts[0]), let count = Self.number(parts[1]) else {
            throw Invalid(description: "--slice '\(NodeText.escape(text))' is not K/N (such as 2/3: the second of three slices)")
        }
        guard count >= 1 else { throw Invalid(description: "--slice \(text): N must be at least 1") }
        guard (1...count).contains(index) else { throw Invalid(description: "--slice \(text): K must be between 1 and N (\(count))") }
        self.index = index
        self.count = count
    }

    /// Creates slice `index` of `count`; both as `init(parsing:)` checks them.
    public init(index: Int, count: Int) throws(Invalid) {
        try self.init(parsing: "\(index)/\(count)")
    }

    /// A decimal number of at most 9 digits, without sign.
    static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    /// The slice (1...count) the node named `name` belongs to.
    public static func number(of name: String, count: Int) -> Int {
        let digest = SHA256.digest(Array(name.utf8))
        let value = digest.prefix(8).reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
        return 1 + Int(value % UInt64(max(1, count)))
    }

    /// Whether the node named `name` belongs to this slice.
    public func contains(_ name: String) -> Bool {
        Self.number(of: name, count: count) == index
    }

    /// Whether machine changes (VirtualBox VMs created and destroyed, orphans) belong to this
    /// slice: only the first, so that N runners never race on VirtualBox.
    public var changesMachines: Bool { index == 1 }

    /// `K/N`.
    public var text: String { "\(index)/\(count)" }
}
