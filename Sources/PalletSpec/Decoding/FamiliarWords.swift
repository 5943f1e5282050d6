/// Hints for words that users of Clojure's Pallet (and of tools like it) write by habit, which
/// edit distance alone cannot map to this language's words: `remote-file` is `file`,
/// `exec-script` is `exec`, a package's `version:` is written `name=version`, and a user's
/// `ssh-key` is an `authorized-key` step.
///
/// Each hint is the tail of an "unknown ..." diagnostic, in the form ``Suggestion/hint(for:in:)``
/// gives: it starts with `; `.
enum FamiliarWords {
    /// The hint for an unknown action key `word`, or nil when it is not a familiar word.
    static func actionHint(_ word: String) -> String? {
        switch word {
        case "remote-file":
            return "; did you mean 'file'? Pallet's remote-file options map to 'file' as: :content is 'content', "
                + ":local-file is 'source' (a file next to the spec), :template is 'template', :url is 'url' with 'sha256'"
        case "exec-script", "exec-checked-script", "exec-script*":
            return "; did you mean 'exec'? The script goes in 'script': '- exec: {script: \"...\"}'"
        case "symbolic-link":
            return "; did you mean 'link'? '- link: {path: LINK, target: TARGET}'"
        default:
            return nil
        }
    }

    /// Hints for unknown option keys of the action `keyword`, by key, for the options mapping
    /// `options` (whose other values make a hint concrete where they are plain text).
    static func optionHints(for keyword: ActionKeyword, options: YAMLNode) -> [String: String] {
        switch keyword {
        case .package, .packages:
            let name = scalar("name", in: options) ?? firstItem("names", in: options)
            let hint = versionHint(name: name, version: scalar("version", in: options))
            return ["version": hint]
        case .user:
            let user = scalar("name", in: options) ?? "NAME"
            let hint = "; a user's ssh key is its own step: use an 'authorized-key' step, "
                + "'- authorized-key: {user: \(user), key: \"ssh-ed25519 AAAA... comment\"}'"
            return Dictionary(uniqueKeysWithValues: ["ssh-key", "ssh-keys", "authorized-key", "authorized-keys", "public-key"].map { ($0, hint) })
        default:
            return [:]
        }
    }

    /// The hint for a package written with a separate version: the version goes into the name.
    static func versionHint(name: String?, version: String?) -> String {
        let example = "\(name ?? "nginx")=\(version ?? "1.22.1-9")"
        return "; write the version into the package name as name=version, such as '\(example.debugEscaped)'"
    }

    /// The hint for an item of a package list written as a mapping with a `version`, or nil when
    /// the item is not such a mapping.
    static func packageItemHint(_ item: YAMLNode) -> String? {
        guard hasKey("version", in: item) else { return nil }
        return "a package with a version is written as one name"
            + versionHint(name: scalar("name", in: item), version: scalar("version", in: item))
    }

    /// The plain text value of `key` in `node` when `node` is a mapping holding it as a scalar.
    private static func scalar(_ key: String, in node: YAMLNode) -> String? {
        value(key, in: node).flatMap(text)
    }

    /// The first item of the list `key` in `node` when that item is plain text.
    private static func firstItem(_ key: String, in node: YAMLNode) -> String? {
        guard case .sequence(let items)? = value(key, in: node)?.content else { return nil }
        return items.first.flatMap(text)
    }

    /// Whether `node` is a mapping with the key `key`.
    private static func hasKey(_ key: String, in node: YAMLNode) -> Bool {
        value(key, in: node) != nil
    }

    /// The value of `key` when `node` is a mapping holding it.
    private static func value(_ key: String, in node: YAMLNode) -> YAMLNode? {
        guard case .mapping(let pairs) = node.content else { return nil }
        return pairs.first { if case .scalar(key, _) = $0.key.content { true } else { false } }?.value
    }

    /// The text of a non-null scalar.
    private static func text(_ node: YAMLNode) -> String? {
        guard case .scalar(let text, _) = node.content, !node.isNull else { return nil }
        return text
    }
}
