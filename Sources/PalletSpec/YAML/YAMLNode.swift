/// One node of a parsed YAML document, with the place it starts.
public struct YAMLNode: Sendable {
    /// The shapes a YAML node can take.
    public indirect enum Content: Sendable {
        /// A scalar: its text, and whether it was written plain (unquoted, so it may be a number,
        /// a boolean or null) rather than quoted or as a block.
        case scalar(String, plain: Bool)
        /// A sequence of nodes.
        case sequence([YAMLNode])
        /// A mapping, with its pairs in document order.
        case mapping([YAMLPair])
    }

    /// The node's content.
    public var content: Content
    /// Where the node starts.
    public var location: SourceLocation

    /// Creates a node.
    public init(_ content: Content, at location: SourceLocation) {
        self.content = content
        self.location = location
    }

    /// A short name of the node's kind for error messages: "a string", "a list" or "a mapping".
    public var kindDescription: String {
        switch content {
        case .scalar(let text, let plain):
            if plain, text.isEmpty || text == "~" || text == "null" { return "null" }
            return "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    /// True for a plain empty scalar, `~` or `null`.
    public var isNull: Bool {
        if case .scalar(let text, plain: true) = content {
            return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
        }
        return false
    }
}

/// One key and value of a YAML mapping.
public struct YAMLPair: Sendable {
    /// The key node (a scalar in every valid spec).
    public var key: YAMLNode
    /// The value node.
    public var value: YAMLNode

    /// Creates a pair.
    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}
