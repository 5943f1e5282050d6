/// Decodes the top-level sections of one spec file and merges them into a ``SpecSet``,
/// reporting names defined twice with both places.
struct SpecFileDecoder {
    let reader: FieldReader
    let files: LocalFiles


    var diagnostics: Diagnostics { reader.diagnostics }

    /// Decodes `root` into `specs`.
    func decode(_ root: YAMLNode, into specs: inout SpecSet) {
        guard let sections = reader.fields(root, allowed: SpecKeys.sections, context: "a spec file") else { return }
        let services = ServiceDecoder(reader: reader)
        let actions = ActionDecoder(reader: reader, files: files)
        let bodies = SpecBodyDecoder(reader: reader, actions: actions)
        let nodeSpecs = NodeSpecDecoder(reader: reader, services: services)
        if let node = sections["project"] {
            decodeProject(node, into: &specs)
        }
        if let node = sections["admin-user"] {
            decodeAdminUser(node, into: &specs)
        }
        for (name, node) in entries(sections["services"], context: "service") {
            guard unique(name, "service", specs.service(named: name.value)?.name) else { continue }
            if let service = services.decode(name: name, node) { specs.services.append(service) }
        }
        for (name, node) in entries(sections["nodes"], context: "node-spec") {
            guard unique(name, "node-spec", specs.node(named: name.value)?.name) else { continue }
            if let spec = nodeSpecs.decode(name: name, node) { specs.nodes.append(spec) }
        }
        var servers: [(Located<String>, YAMLNode)] = []
        var seen: [String: Located<String>] = [:]
        for (name, node) in entries(sections["servers"], context: "server-spec") {
            guard unique(name, "server-spec", specs.server(named: name.value)?.name ?? seen[name.value]) else { continue }
            seen[name.value] = name
            servers.append((name, node))
        }
        // Server-specs carry most of the actions and do not depend on each other: decoded on all
        // processors, each with its own diagnostics, recorded here in file order.
        let decoded = servers.concurrentMap { [files] entry in
            Diagnostics.collecting { local -> ServerSpec? in
                let reader = FieldReader(diagnostics: local)
                let bodies = SpecBodyDecoder(reader: reader, actions: ActionDecoder(reader: reader, files: files))
                let context = "server-spec '\(entry.0.value)'"
                guard let fields = reader.fields(entry.1, allowed: SpecKeys.body, context: context) else { return nil }
                return ServerSpec(name: entry.0, body: bodies.decode(fields, context: context))
            }
        }
        for (server, found) in decoded {
            diagnostics.record(found)
            if let server { specs.servers.append(server) }
        }
        for (name, node) in entries(sections["crates"], context: "crate") {
            guard unique(name, "crate", specs.crates.first { $0.name.value == name.value }?.name) else { continue }
            if let crate = decodeCrate(name: name, node, bodies: bodies, builtIn: false) { specs.crates.append(crate) }
        }
        for (name, node) in entries(sections["groups"], context: "group-spec") {
            guard unique(name, "group-spec", specs.group(named: name.value)?.name) else { continue }
            let context = "group-spec '\(name.value)'"
            guard let fields = reader.fields(node, allowed: SpecKeys.group, context: context) else { continue }
            var count: Located<Int>?
            if let countNode = fields["count"], let value = reader.integer(countNode, context: "'count'") {
                if value.value < 0 {
                    diagnostics.error(countNode.location, "'count' must be 0 or more, found \(value.value)")
                } else {
                    count = value
                }
            }
            specs.groups.append(GroupSpec(
                name: name,
                service: fields["service"].flatMap { reader.name($0, context: "'service'") },
                node: fields["node"].flatMap { reader.name($0, context: "'node'") },
                count: count,
                after: fields["after"].flatMap { reader.nameList($0, context: "'after'") } ?? [],
                vendor: fields["vendor"].flatMap { decodeVendor($0, context: context) },
                body: bodies.decode(fields, context: context)
            ))
        }
    }

    /// Decodes a group's `vendor: {release: debian-12, architecture: amd64}` (architecture optional).
    func decodeVendor(_ node: YAMLNode, context: String) -> Located<VendorTarget>? {
        guard let fields = reader.fields(node, allowed: ["release", "architecture"], context: "'vendor' of \(context)") else { return nil }
        guard let releaseNode = fields["release"] else {
            diagnostics.error(node.location, "'vendor' of \(context) needs 'release', such as debian-12 (ID-VERSION_ID of the nodes' /etc/os-release)")
            return nil
        }
        guard let release = reader.string(releaseNode, context: "'release'") else { return nil }
        guard VendorTarget.isRelease(release.value) else {
            diagnostics.error(release.location, "'\(release.value.debugEscaped)' is not a release such as debian-12 or ubuntu-22.04 (ID-VERSION_ID of /etc/os-release)")
            return nil
        }
        var architecture = VendorTarget.defaultArchitecture
        if let architectureNode = fields["architecture"], let value = reader.string(architectureNode, context: "'architecture'") {
            guard VendorTarget.isArchitecture(value.value) else {
                diagnostics.error(value.location, "'\(value.value.debugEscaped)' is not a dpkg architecture such as amd64 or arm64")
                return nil
            }
            architecture = value.value
        }
        return Located(VendorTarget(release: release.value, architecture: architecture), at: node.location)
    }

    /// Decodes a crate: `params`, `phases` and `handlers`.
    func decodeCrate(name: Located<String>, _ node: YAMLNode, bodies: SpecBodyDecoder, builtIn: Bool) -> Crate? {
        let context = "crate '\(name.value)'"
        guard let fields = reader.fields(node, allowed: SpecKeys.crate, context: context) else { return nil }
        var parameters: [Crate.Parameter] = []
        if let paramsNode = fields["params"], let params = reader.fields(paramsNode, allowed: nil, context: "'params' of \(context)") {
            for (paramName, paramNode) in params.pairs {
                guard Template.isVariableName(Substring(paramName.value)) else {
                    diagnostics.error(paramName.location, "'\(paramName.value.debugEscaped)' cannot be a parameter name")
                    continue
                }
                guard let spec = reader.fields(paramNode, allowed: SpecKeys.crateParameter, context: "parameter '\(paramName.value)'") else { continue }
                let kind = spec["type"].flatMap { reader.choice($0, Crate.Parameter.Kind.allCases.map(\.rawValue), context: "'type'") }
                    .flatMap { Crate.Parameter.Kind(rawValue: $0.value) } ?? .text
                var defaultValue: String?
                if let defaultNode = spec["default"] {
                    switch kind {
                    case .text: defaultValue = reader.string(defaultNode, context: "'default'")?.value
                    case .integer: defaultValue = reader.integer(defaultNode, context: "'default'").map { String($0.value) }
                    case .boolean: defaultValue = reader.boolean(defaultNode, context: "'default'").map { String($0.value) }
                    case .secret: diagnostics.error(defaultNode.location, "a secret parameter cannot have a default")
                    }
                }
                parameters.append(Crate.Parameter(name: paramName, kind: kind, defaultValue: defaultValue))
            }
        }
        var body = bodies.decode(fields, context: context)
        body.extends = []
        body.vars = []
        return Crate(name: name, parameters: parameters, body: body, builtIn: builtIn)
    }

    /// `project: NAME`: defined once, in the form ``NameRules/isValidProject(_:)`` accepts.
    func decodeProject(_ node: YAMLNode, into specs: inout SpecSet) {
        guard let name = reader.string(node, context: "'project'") else { return }
        if let existing = specs.project {
            diagnostics.error(node.location, "'project' is defined twice")
            diagnostics.note(existing.location, "first 'project' is here")
            return
        }
        guard NameRules.isValidProject(name.value) else {
            diagnostics.error(node.location, "'project' must be 1 to 32 lowercase letters, digits and '-', starting with a letter "
                + "(it is part of every VM's name and identity), not '\(name.value.debugEscaped)'")
            return
        }
        specs.project = name
    }

    func decodeAdminUser(_ node: YAMLNode, into specs: inout SpecSet) {
        if let existing = specs.adminUser {
            diagnostics.error(node.location, "'admin-user' is defined twice")
            diagnostics.note(existing.location, "first 'admin-user' is here")
            return
        }
        guard let fields = reader.fields(node, allowed: SpecKeys.adminUser, context: "'admin-user'") else { return }
        guard let userNode = fields["username"] else {
            diagnostics.error(node.location, "'admin-user' needs 'username'")
            return
        }
        guard let username = ServiceDecoder(reader: reader).account(userNode, context: "'username'") else { return }
        specs.adminUser = AdminUser(
            username: username,
            privateKey: fields["private-key"].flatMap { reader.string($0, context: "'private-key'") },
            publicKey: fields["public-key"].flatMap { reader.string($0, context: "'public-key'") },
            location: node.location
        )
    }

    /// The named entries of a section, with invalid names reported and skipped.
    func entries(_ node: YAMLNode?, context: String) -> [(Located<String>, YAMLNode)] {
        guard let node, let fields = reader.fields(node, allowed: nil, context: "the \(context)s section") else { return [] }
        return fields.pairs.filter { reader.checkName($0.key, context: "\(context) name") }
    }

    /// Reports `name` when `existing` already defines it; true when the name is new.
    func unique(_ name: Located<String>, _ kind: String, _ existing: Located<String>?) -> Bool {
        guard let existing else { return true }
        diagnostics.error(name.location, "\(kind) '\(name.value)' is defined twice")
        diagnostics.note(existing.location, "\(kind) '\(name.value)' is first defined here")
        return false
    }
}
