/// Decodes the `bastions:` of a `hosts` service and the `via:` names that refer to them.
struct BastionDecoder {
    let service: ServiceDecoder

    var reader: FieldReader { service.reader }
    var diagnostics: Diagnostics { service.diagnostics }

    /// The bastions of the service's `bastions:` mapping, by name.
    func decodeAll(_ node: YAMLNode?) -> [String: Bastion] {
        guard let node, let pairs = reader.fields(node, allowed: nil, context: "'bastions'")?.pairs else { return [:] }
        var bastions: [String: Bastion] = [:]
        for (name, value) in pairs where reader.checkName(name, context: "bastion name") {
            if let bastion = decode(name: name, value) { bastions[name.value] = bastion }
        }
        return bastions
    }

    /// Decodes one bastion: `{address, port, user, private-key, host-key}`.
    func decode(name: Located<String>, _ node: YAMLNode) -> Bastion? {
        guard let fields = reader.fields(node, allowed: SpecKeys.bastion, context: "bastion '\(name.value)'") else { return nil }
        let address = fields["address"].flatMap(service.decodeAddress)
        let port = service.positive(fields["port"], "'port'", range: 1...65535) ?? 22
        let user = fields["user"].flatMap { service.account($0, context: "'user'") }
        let privateKey = fields["private-key"].flatMap(keyPath)
        let hostKey = fields["host-key"].flatMap(service.decodeHostKey)
        if fields["address"] == nil { diagnostics.error(node.location, "bastion '\(name.value)' needs 'address'") }
        guard let address else { return nil }
        return Bastion(name: name, address: address, port: port, user: user, privateKey: privateKey, hostKey: hostKey)
    }

    /// Reads a key path: it goes into the jump connection's command line, so no control character.
    func keyPath(_ node: YAMLNode) -> Located<String>? {
        guard let text = reader.string(node, context: "'private-key'") else { return nil }
        guard !text.value.isEmpty, !text.value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            diagnostics.error(node.location, "'private-key' must be a path without control characters, found '\(text.value.debugEscaped)'")
            return nil
        }
        return text
    }

    /// The bastion a `via:` names; an unknown name is a located error listing the known ones.
    func via(_ node: YAMLNode, in bastions: [String: Bastion]) -> Bastion? {
        guard let name = reader.name(node, context: "'via'") else { return nil }
        guard let bastion = bastions[name.value] else {
            let known = bastions.keys.sorted()
            diagnostics.error(node.location, "'via' names no bastion of this service: '\(name.value)' ("
                + (known.isEmpty ? "the service has no 'bastions'" : "bastions: \(known.joined(separator: ", "))") + ")")
            return nil
        }
        return bastion
    }
}
