/// Decodes a service of the `services:` section, and the hardware and network models it holds.
struct ServiceDecoder {
    let reader: FieldReader

    var diagnostics: Diagnostics { reader.diagnostics }

    func decode(name: Located<String>, _ node: YAMLNode) -> Service? {
        let context = "service '\(name.value)'"
        guard let peek = reader.fields(node, allowed: nil, context: context) else { return nil }
        let kinds = ProviderKind.allCases.map(\.rawValue)
        guard let providerNode = peek["provider"] else {
            diagnostics.error(node.location, "\(context) needs 'provider' (\(kinds.joined(separator: " or ")))")
            return nil
        }
        guard let choice = reader.choice(providerNode, kinds, context: "'provider'"),
              let kind = ProviderKind(rawValue: choice.value) else { return nil }
        guard let fields = reader.fields(node, allowed: SpecKeys.service(kind), context: "\(context) (provider \(kind))") else { return nil }
        switch kind {
        case .hosts:
            let hosts = fields["hosts"].flatMap { reader.list($0, context: "'hosts'") } ?? []
            let jumps = BastionDecoder(service: self)
            let bastions = jumps.decodeAll(fields["bastions"])
            let serviceVia = fields["via"].flatMap { jumps.via($0, in: bastions) }
            return Service(name: name, provider: .hosts(hosts.compactMap { host in
                decodeHost(host) { node in node.map { jumps.via($0, in: bastions) } ?? serviceVia }
            }))
        case .virtualbox:
            return Service(name: name, provider: .virtualbox(decodeVirtualBox(fields)))
        }
    }

    /// The settings of a `virtualbox` service.
    func decodeVirtualBox(_ fields: MappingFields) -> VirtualBoxService {
        let images = fields["images"].flatMap { reader.fields($0, allowed: nil, context: "'images'") }?.pairs
            .compactMap { decodeImage(name: $0.key, $0.value) } ?? []
        var hardware = HardwareModel.builtIn
        if let hardwareNode = fields["hardware"], let models = reader.fields(hardwareNode, allowed: nil, context: "'hardware'") {
            for (modelName, modelNode) in models.pairs {
                guard reader.checkName(modelName, context: "hardware model name") else { continue }
                merge(decodeHardware(name: modelName.value, modelNode, over: hardware), into: &hardware)
            }
        }
        let hardwareFiles = fields["hardware-files"].flatMap { reader.stringList($0, context: "'hardware-files'") } ?? []
        let network = fields["network"].flatMap(decodeNetwork)
        return VirtualBoxService(
            nodePath: fields["node-path"].flatMap { reader.string($0, context: "'node-path'") },
            images: images,
            hardware: hardware,
            hardwareFiles: hardwareFiles,
            network: network,
            localInterface: fields["local-interface"].flatMap { reader.string($0, context: "'local-interface'") },
            bridgedInterface: fields["bridged-interface"].flatMap { reader.string($0, context: "'bridged-interface'") }
        )
    }

    /// Replaces the model of the same name, or appends a new one.
    func merge(_ model: HardwareModel?, into models: inout [HardwareModel]) {
        guard let model else { return }
        if let index = models.firstIndex(where: { $0.name == model.name }) {
            models[index] = model
        } else {
            models.append(model)
        }
    }

    /// Decodes a hardware map, filling unset fields from the same-named model or from `micro`.
    func decodeHardware(name: String, _ node: YAMLNode, over existing: [HardwareModel]) -> HardwareModel? {
        guard let fields = reader.fields(node, allowed: SpecKeys.hardware, context: "hardware model '\(name)'") else { return nil }
        let base = existing.first { $0.name == name } ?? HardwareModel.builtIn[0]
        var model = HardwareModel(name: name, memory: base.memory, cpus: base.cpus, vram: base.vram, location: node.location)
        if let memory = positive(fields["memory"], "'memory' (megabytes)", range: 4...2_097_152) { model.memory = memory }
        if let cpus = positive(fields["cpus"], "'cpus'", range: 1...64) { model.cpus = cpus }
        if let vram = positive(fields["vram"], "'vram' (megabytes)", range: 1...256) { model.vram = vram }
        return model
    }

    func positive(_ node: YAMLNode?, _ context: String, range: ClosedRange<Int>) -> Int? {
        guard let node, let value = reader.integer(node, context: context) else { return nil }
        guard range.contains(value.value) else {
            diagnostics.error(node.location, "\(context) must be between \(range.lowerBound) and \(range.upperBound), found \(value.value)")
            return nil
        }
        return value.value
    }

    func decodeImage(name: Located<String>, _ node: YAMLNode) -> ImageModel? {
        guard reader.checkName(name, context: "image name") else { return nil }
        guard let fields = reader.fields(node, allowed: SpecKeys.image, context: "image '\(name.value)'") else { return nil }
        guard let diskNode = fields["disk"] else {
            diagnostics.error(node.location, "image '\(name.value)' needs 'disk'")
            return nil
        }
        guard let disk = reader.string(diskNode, context: "'disk'") else { return nil }
        return ImageModel(
            name: name, disk: disk,
            osFamily: fields["os-family"].flatMap { reader.string($0, context: "'os-family'") },
            osVersion: fields["os-version"].flatMap { reader.string($0, context: "'os-version'") },
            osType: fields["os-type"].flatMap { reader.string($0, context: "'os-type'") },
            login: fields["login"].flatMap(decodeLogin)
        )
    }

    func decodeLogin(_ node: YAMLNode) -> LoginCredentials? {
        guard let fields = reader.fields(node, allowed: SpecKeys.login, context: "'login'") else { return nil }
        guard let userNode = fields["username"] else {
            diagnostics.error(node.location, "'login' needs 'username'")
            return nil
        }
        guard let username = account(userNode, context: "'username'") else { return nil }
        return LoginCredentials(username: username, privateKey: fields["private-key"].flatMap { reader.string($0, context: "'private-key'") })
    }

    func account(_ node: YAMLNode, context: String) -> Located<String>? {
        guard let text = reader.string(node, context: context) else { return nil }
        guard NameRules.isValidAccount(text.value) else {
            diagnostics.error(node.location, "\(context) '\(text.value.debugEscaped)' is not a valid user name")
            return nil
        }
        return text
    }

    /// Decodes a host; `via` gives the bastion for the host's `via:` node, or the service's when
    /// the host has none (nil).
    func decodeHost(_ node: YAMLNode, via: (YAMLNode?) -> Bastion?) -> HostEntry? {
        guard let fields = reader.fields(node, allowed: SpecKeys.host, context: "a host") else { return nil }
        var missing = false
        for key in ["name", "group", "address"] where fields[key] == nil {
            diagnostics.error(node.location, "a host needs '\(key)'")
            missing = true
        }
        let name = fields["name"].flatMap { reader.name($0, context: "host name") }
        let group = fields["group"].flatMap { reader.name($0, context: "'group'") }
        let address = fields["address"].flatMap(decodeAddress)
        let port = positive(fields["port"], "'port'", range: 1...65535) ?? 22
        guard !missing, let name, let group, let address else { return nil }
        return HostEntry(
            name: name, group: group, address: address, port: port,
            osFamily: fields["os-family"].flatMap { reader.string($0, context: "'os-family'") },
            osVersion: fields["os-version"].flatMap { reader.string($0, context: "'os-version'") },
            login: fields["login"].flatMap(decodeLogin),
            hostKey: fields["host-key"].flatMap(decodeHostKey),
            via: via(fields["via"]),
            location: node.location
        )
    }

    /// Reads a pinned host key (see ``HostKeyRules``).
    func decodeHostKey(_ node: YAMLNode) -> Located<String>? {
        guard let text = reader.string(node, context: "'host-key'") else { return nil }
        switch HostKeyRules.normalize(text.value) {
        case .success(let key):
            return Located(key, at: text.location)
        case .failure(let problem):
            diagnostics.error(node.location, "'host-key' \(problem.description)")
            return nil
        }
    }

    /// Reads a host address: a DNS name or an IPv4/IPv6 literal (``NameRules/isValidAddress(_:)``),
    /// never anything ssh could take for an option, nor a `..` a path could climb with.
    func decodeAddress(_ node: YAMLNode) -> Located<String>? {
        guard let text = reader.string(node, context: "'address'") else { return nil }
        guard NameRules.isValidAddress(text.value) else {
            diagnostics.error(node.location, "'address' must be a host name or IP address, found '\(text.value.debugEscaped)'")
            return nil
        }
        return text
    }

    func decodeNetwork(_ node: YAMLNode) -> NetworkLayout? {
        if case .scalar = node.content {
            guard let layout = reader.choice(node, ["local", "bridged", "nat"], context: "'network'") else { return nil }
            switch layout.value {
            case "local": return .local(node.location)
            case "bridged": return .bridged(node.location)
            default: return .nat(node.location)
            }
        }
        guard let items = reader.list(node, context: "'network'") else { return nil }
        guard (1...8).contains(items.count) else {
            diagnostics.error(node.location, "'network' takes 1 to 8 adapters, found \(items.count)")
            return nil
        }
        let adapters = items.compactMap(decodeAdapter)
        return adapters.count == items.count ? .adapters(adapters, node.location) : nil
    }

    func decodeAdapter(_ node: YAMLNode) -> NetworkAdapter? {
        guard let fields = reader.fields(node, allowed: SpecKeys.adapter, context: "a network adapter") else {
            return nil
        }
        guard let attachmentNode = fields["attachment"] else {
            diagnostics.error(node.location, "a network adapter needs 'attachment'")
            return nil
        }
        let choices = NetworkAdapter.Attachment.allCases.map(\.rawValue)
        guard let word = reader.choice(attachmentNode, choices, context: "'attachment'"),
              let attachment = NetworkAdapter.Attachment(rawValue: word.value) else { return nil }
        var mac: Located<String>?
        if let macNode = fields["mac"], let text = reader.string(macNode, context: "'mac'") {
            let hex = text.value.replacingColons
            if hex.utf8.count == 12, hex.utf8.allSatisfy({ "0123456789abcdefABCDEF".utf8.contains($0) }) {
                mac = Located(hex.uppercased(), at: text.location)
            } else {
                diagnostics.error(macNode.location, "'mac' must be 12 hex digits (colons allowed), found '\(text.value.debugEscaped)'")
            }
        }
        var forwards: [PortForward] = []
        if let forwardNode = fields["forward"], let items = reader.list(forwardNode, context: "'forward'") {
            if attachment != .nat {
                diagnostics.error(forwardNode.location, "'forward' only applies to a nat adapter")
            }
            forwards = items.compactMap(decodeForward)
        }
        let interface = fields["interface"].flatMap { reader.string($0, context: "'interface'") }
        if interface == nil, attachment == .internal {
            diagnostics.error(node.location, "an internal adapter needs 'interface' (the internal network's name)")
        }
        return NetworkAdapter(attachment: Located(attachment, at: word.location), interface: interface, mac: mac, forwards: forwards)
    }

    func decodeForward(_ node: YAMLNode) -> PortForward? {
        guard let fields = reader.fields(node, allowed: SpecKeys.forward, context: "a port forward") else { return nil }
        for key in ["name", "host-port", "guest-port"] where fields[key] == nil {
            diagnostics.error(node.location, "a port forward needs '\(key)'")
        }
        let name = fields["name"].flatMap { reader.name($0, context: "port forward name") }
        let proto = fields["protocol"].flatMap { reader.choice($0, ["tcp", "udp"], context: "'protocol'") }?.value ?? "tcp"
        let hostPort = fields["host-port"].flatMap { port($0, "'host-port'") }
        let guestPort = fields["guest-port"].flatMap { port($0, "'guest-port'") }
        guard let name, let hostPort, let guestPort else { return nil }
        return PortForward(name: name, proto: proto, hostPort: hostPort, guestPort: guestPort)
    }

    func port(_ node: YAMLNode, _ context: String) -> Located<Int>? {
        guard let value = reader.integer(node, context: context) else { return nil }
        guard (1...65535).contains(value.value) else {
            diagnostics.error(node.location, "\(context) must be between 1 and 65535, found \(value.value)")
            return nil
        }
        return value
    }
}

extension String {
    /// The string without `:` characters.
    var replacingColons: String { String(unicodeScalars.filter { $0 != ":" }) }
}
