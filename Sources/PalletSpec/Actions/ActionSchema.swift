/// What an action accepts: its options, the short form it allows, and checks across options.
public struct ActionSchema: Sendable {
    /// How the action may be written without a mapping.
    public enum Shorthand: Sendable {
        /// No short form.
        case none
        /// `action: value` sets this option (a scalar, or a list for list options).
        case option(String)
    }

    /// The action's key, such as `file`.
    public var keyword: ActionKeyword
    /// One sentence of documentation.
    public var help: String
    /// The options, in documentation order.
    public var options: [OptionSpec]
    /// The short form.
    public var shorthand: Shorthand
    /// The option whose value sums the step up in status lines.
    public var summaryOption: String
    /// Checks across options, reporting problems at `location` or at an option's key.
    public var validate: @Sendable (ActionOptions, Diagnostics) -> Void

    /// Creates a schema.
    public init(_ keyword: ActionKeyword, help: String, shorthand: Shorthand = .none, summary: String, options: [OptionSpec],
                validate: @escaping @Sendable (ActionOptions, Diagnostics) -> Void = { _, _ in }) {
        self.keyword = keyword
        self.help = help
        self.options = options
        self.shorthand = shorthand
        self.summaryOption = summary
        self.validate = validate
    }

    /// The option with key `key`.
    public func option(_ key: String) -> OptionSpec? {
        options.first { $0.key == key }
    }
}

/// The decoded options of one action, with where each key was written.
public struct ActionOptions: Sendable {
    /// The values by key.
    public var values: [String: OptionValue] = [:]
    /// Where each key was written.
    public var keyLocations: [String: SourceLocation] = [:]
    /// Where the action's mapping starts.
    public var location: SourceLocation

    /// Creates an empty set of options at `location`.
    public init(location: SourceLocation) {
        self.location = location
    }

    /// The value of `key`.
    public subscript(key: String) -> OptionValue? { values[key] }

    /// Whether `key` was given.
    public func has(_ key: String) -> Bool { values[key] != nil }

    /// The literal text of a text option, when it has no variables.
    public func literal(_ key: String) -> String? {
        if case .text(let template)? = values[key] { return template.literalText }
        return nil
    }

    /// Where `key` was written, or the action's location.
    public func location(of key: String) -> SourceLocation { keyLocations[key] ?? location }

    /// Reports each pair of keys from `keys` that were both given.
    public func exclusive(_ keys: [String], _ diagnostics: Diagnostics) {
        let given = keys.filter(has)
        if given.count > 1 {
            diagnostics.error(location(of: given[1]), "'\(given[0])' and '\(given[1])' cannot be used together")
        }
    }

    /// Reports `key` when the literal value of `stateKey` is `state`.
    public func forbid(_ keys: [String], whenState state: String, _ diagnostics: Diagnostics) {
        guard literal("state") == state else { return }
        for key in keys where has(key) {
            diagnostics.error(location(of: key), "'\(key)' makes no sense with state '\(state)'")
        }
    }
}
