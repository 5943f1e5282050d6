/// Text bound for a shell script: literal pieces and values the node fills in at run time.
///
/// Every piece is quoted when emitted, so no value can change the shape of the script.
public struct ShellText: Sendable, Hashable, Codable {
    /// One piece of the text.
    public enum Piece: Sendable, Hashable, Codable {
        /// Literal text.
        case literal(String)
        /// A value known only on the node.
        case runtime(RuntimeValue)
    }

    /// The pieces in order.
    public var pieces: [Piece]

    /// Creates text from pieces, merging neighbouring literals.
    ///
    /// Literals are gathered in one buffer that grows in place: joining each literal to a copy of
    /// the one before would copy the text again for every piece (quadratic in the uses of a
    /// variable).
    public init(_ pieces: [Piece]) {
        var merged: [Piece] = []
        var pending = ""
        for piece in pieces {
            switch piece {
            case .literal(let text):
                pending += text
            case .runtime:
                if !pending.isEmpty { merged.append(.literal(pending)) }
                pending = ""
                merged.append(piece)
            }
        }
        if !pending.isEmpty { merged.append(.literal(pending)) }
        self.pieces = merged
    }

    /// The number of UTF-8 bytes of the text, with each run-time value counted as its token.
    public var byteCount: Int {
        pieces.reduce(0) { total, piece in
            switch piece {
            case .literal(let text): return total + text.utf8.count
            case .runtime(let value): return total + value.token.utf8.count
            }
        }
    }

    /// Literal text.
    public init(literal: String) {
        self.init([.literal(literal)])
    }

    /// The text when it holds no run-time value.
    public var literalText: String? {
        var text = ""
        for piece in pieces {
            guard case .literal(let part) = piece else { return nil }
            text += part
        }
        return text
    }

    /// The text with run-time values written as `{{ node.name }}` and so on, as the runtime
    /// renders them.
    public var templateText: String {
        pieces.map { piece in
            switch piece {
            case .literal(let text): return text
            case .runtime(let value): return value.token
            }
        }.joined()
    }

    /// Whether the text holds a run-time value.
    public var hasRuntimeValues: Bool {
        pieces.contains { if case .runtime = $0 { true } else { false } }
    }

    /// The text with each run-time value replaced by its value in `sample`, for checks at plan
    /// time.
    func sampled(_ sample: [RuntimeValue: String]) -> String {
        var text = ""
        for piece in pieces {
            switch piece {
            case .literal(let part): text += part
            case .runtime(let value): text += sample[value] ?? ""
            }
        }
        return text
    }
}
