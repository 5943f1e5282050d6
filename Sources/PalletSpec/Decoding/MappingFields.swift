/// The fields of one YAML mapping, checked against the keys its context allows.
///
/// Building it reports unknown keys (with a "did you mean"), duplicate keys and non-string keys.
public struct MappingFields {
    /// The mapping node itself.
    public let node: YAMLNode
    /// The pairs by key.
    private var entries: [String: YAMLPair] = [:]
    /// The keys in document order.
    public private(set) var keys: [String] = []

    /// Reads `pairs`, reporting keys outside `allowed` (all keys are allowed when nil); an
    /// unknown key found in `familiar` gets that hint instead of the closest allowed key.
    init(node: YAMLNode, pairs: [YAMLPair], allowed: [String]?, familiar: [String: String] = [:], context: String, diagnostics: Diagnostics) {
        self.node = node
        for pair in pairs {
            guard case .scalar(let key, _) = pair.key.content else {
                diagnostics.error(pair.key.location, "a key in \(context) must be a string, found \(pair.key.kindDescription)")
                continue
            }
            if let previous = entries[key] {
                diagnostics.error(pair.key.location, "key '\(key)' appears twice in \(context)")
                diagnostics.note(previous.key.location, "first '\(key)' is here")
                continue
            }
            if let allowed, !allowed.contains(key) {
                let hint = familiar[key] ?? Suggestion.hint(for: key, in: allowed)
                diagnostics.error(pair.key.location, "unknown key '\(key)' in \(context)\(hint)")
                continue
            }
            entries[key] = pair
            keys.append(key)
        }
    }

    /// The value of `key`, or nil when absent.
    public subscript(key: String) -> YAMLNode? { entries[key]?.value }

    /// The location of the key `key` itself, or nil when absent.
    public func keyLocation(_ key: String) -> SourceLocation? { entries[key]?.key.location }

    /// The key and value pairs in document order.
    public var pairs: [(key: Located<String>, value: YAMLNode)] {
        keys.compactMap { key in
            entries[key].map { (Located(key, at: $0.key.location), $0.value) }
        }
    }
}
