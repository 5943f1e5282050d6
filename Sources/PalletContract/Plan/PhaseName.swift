/// The name of a phase: `bootstrap` (once per node, with the image's login), `configure` (the
/// default phase of every apply), or a custom phase that runs only when asked for.
///
/// It is written as its plain name wherever it travels (plan.json, paths, status lines).
public struct PhaseName: Hashable, Sendable, Codable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The phase that runs once on nodes that never completed it.
    public static let bootstrap = PhaseName("bootstrap")
    /// The default phase of every apply.
    public static let configure = PhaseName("configure")

    /// The name as written.
    public let rawValue: String

    /// The phase named `rawValue`.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// The phase named by a literal, such as `"deploy"`.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// Reads the plain name.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Writes the plain name.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The name as written.
    public var description: String { rawValue }

    /// Whether the phase is `bootstrap` or `configure` rather than a custom phase.
    public var isBuiltIn: Bool { self == .bootstrap || self == .configure }

    /// `bootstrap` first, then `configure`, then custom phases by name.
    public static func < (lhs: PhaseName, rhs: PhaseName) -> Bool {
        (lhs.rank, lhs.rawValue) < (rhs.rank, rhs.rawValue)
    }

    private var rank: Int {
        switch self {
        case .bootstrap: return 0
        case .configure: return 1
        default: return 2
        }
    }
}
