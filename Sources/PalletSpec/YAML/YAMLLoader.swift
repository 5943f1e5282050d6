internal import CLibYAML

/// Reads YAML text through libyaml into located nodes.
///
/// Locations are 1-based; columns count characters. Anchors and aliases are expanded, with a
/// bound on the total size so a small file cannot expand into an enormous tree.
public struct YAMLLoader {
    /// The most nodes one file may expand to through aliases.
    public static let nodeLimit = 1_000_000

    /// The deepest nesting of lists and mappings a file may have (specs need about ten levels;
    /// a bound keeps a hostile file from exhausting the stack).
    public static let depthLimit = 200

    /// The project-relative path used in locations.
    public let file: String

    /// Creates a loader whose locations name `file`.
    public init(file: String) {
        self.file = file
    }

    /// Parses `bytes` as one YAML document.
    ///
    /// - Returns: The document's root node, or nil when the file holds no document or on error.
    ///   Problems are reported to `diagnostics`.
    public func load(_ bytes: [UInt8], diagnostics: Diagnostics) -> YAMLNode? {
        if let nul = bytes.firstIndex(of: 0) {
            diagnostics.error(location(ofByte: nul, in: bytes), "a NUL byte is not allowed in a spec file")
            return nil
        }
        var builder = Builder(file: file)
        let ok = bytes.withUnsafeBufferPointer { buffer -> Bool in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return false }
            defer { yaml_parser_delete(&parser) }
            if let base = buffer.baseAddress {
                yaml_parser_set_input_string(&parser, base, buffer.count)
            } else {
                var empty: UInt8 = 0
                yaml_parser_set_input_string(&parser, &empty, 0)
            }
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    builder.fail(parserError(parser))
                    return false
                }
                defer { yaml_event_delete(&event) }
                let done = event.type == YAML_STREAM_END_EVENT
                builder.handle(event)
                if builder.failure != nil || done { return builder.failure == nil }
            }
        }
        if let failure = builder.failure {
            diagnostics.error(failure.0, failure.1)
            return nil
        }
        return ok ? builder.root : nil
    }

    /// Converts libyaml's error state into a located message.
    private func parserError(_ parser: yaml_parser_t) -> (SourceLocation, String) {
        let problem = parser.problem.map { String(cString: $0) } ?? "malformed YAML"
        var message = "malformed YAML: \(problem)"
        if let context = parser.context.map({ String(cString: $0) }) {
            let mark = parser.context_mark
            message += " (\(context) at line \(mark.line + 1), column \(mark.column + 1))"
        }
        let mark = parser.problem_mark
        return (SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1), message)
    }

    /// The 1-based line and character column of the byte at `offset`.
    private func location(ofByte offset: Int, in bytes: [UInt8]) -> SourceLocation {
        var line = 1
        var column = 1
        for byte in bytes[..<offset] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}

/// Assembles nodes from libyaml's event stream.
private struct Builder {
    /// A collection being filled, mutated in place so appends never copy.
    struct Frame {
        var isMapping: Bool
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        var start: SourceLocation
        var anchor: String?
    }

    let file: String
    var stack: [Frame] = []
    var anchors: [String: YAMLNode] = [:]
    var root: YAMLNode?
    var documents = 0
    var nodeCount = 0
    /// The scalar bytes aliases have added so far.
    var aliasBytes = 0
    var failure: (SourceLocation, String)?

    init(file: String) {
        self.file = file
    }

    mutating func fail(_ failure: (SourceLocation, String)) {
        if self.failure == nil { self.failure = failure }
    }

    func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    static func cString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    mutating func handle(_ event: yaml_event_t) {
        let here = location(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 { fail((here, "a spec file holds one YAML document; found a second one")) }
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = Self.text(scalar.value, length: scalar.length)
            let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE && scalar.tag == nil
            add(YAMLNode(.scalar(text, plain: plain), at: here), anchor: Self.cString(scalar.anchor))
        case YAML_SEQUENCE_START_EVENT where stack.count >= YAMLLoader.depthLimit,
             YAML_MAPPING_START_EVENT where stack.count >= YAMLLoader.depthLimit:
            fail((here, "lists and mappings nest deeper than \(YAMLLoader.depthLimit) levels here"))
        case YAML_SEQUENCE_START_EVENT:
            stack.append(Frame(isMapping: false, start: here, anchor: Self.cString(event.data.sequence_start.anchor)))
        case YAML_MAPPING_START_EVENT:
            stack.append(Frame(isMapping: true, start: here, anchor: Self.cString(event.data.mapping_start.anchor)))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let content: YAMLNode.Content = frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items)
            add(YAMLNode(content, at: frame.start), anchor: frame.anchor)
        case YAML_ALIAS_EVENT:
            let name = Self.cString(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                fail((here, "unknown alias '*\(name)'"))
                return
            }
            let size = Self.size(of: target)
            nodeCount += size.nodes
            aliasBytes += size.bytes
            if nodeCount > YAMLLoader.nodeLimit {
                fail((here, "aliases expand this file beyond \(YAMLLoader.nodeLimit) nodes"))
                return
            }
            if aliasBytes > Limits.aliasBytes {
                fail((here, "aliases add \(Limits.describe(aliasBytes)) of text to this file here, over the limit of "
                    + "\(Limits.describe(Limits.aliasBytes)) per file (docs/limits.md)"))
                return
            }
            add(target, anchor: nil)
        default:
            break
        }
    }

    /// The nodes of `node` and the bytes of its scalars, which an alias to it adds again.
    static func size(of node: YAMLNode) -> (nodes: Int, bytes: Int) {
        switch node.content {
        case .scalar(let text, _): return (1, text.utf8.count)
        case .sequence(let items):
            return items.reduce((1, 0)) { total, item in let size = size(of: item); return (total.0 + size.nodes, total.1 + size.bytes) }
        case .mapping(let pairs):
            return pairs.reduce((1, 0)) { total, pair in
                let (key, value) = (size(of: pair.key), size(of: pair.value))
                return (total.0 + key.nodes + value.nodes, total.1 + key.bytes + value.bytes)
            }
        }
    }

    mutating func add(_ node: YAMLNode, anchor: String?) {
        nodeCount += 1
        if let anchor { anchors[anchor] = node }
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        if !stack[top].isMapping {
            stack[top].items.append(node)
        } else if let key = stack[top].pendingKey {
            stack[top].pairs.append(YAMLPair(key: key, value: node))
            stack[top].pendingKey = nil
        } else {
            stack[top].pendingKey = node
        }
    }
}
