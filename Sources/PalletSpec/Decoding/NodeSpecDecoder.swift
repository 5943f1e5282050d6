/// Decodes a node-spec of the `nodes:` section.
struct NodeSpecDecoder {
    let reader: FieldReader
    let services: ServiceDecoder

    var diagnostics: Diagnostics { reader.diagnostics }

    func decode(name: Located<String>, _ node: YAMLNode) -> NodeSpec? {
        let context = "node-spec '\(name.value)'"
        guard let fields = reader.fields(node, allowed: SpecKeys.nodeSpec, context: context) else { return nil }
        var image: NodeSpec.ImageSelector?
        if let imageNode = fields["image"] {
            if case .scalar = imageNode.content {
                image = reader.name(imageNode, context: "'image'").map(NodeSpec.ImageSelector.named)
            } else if let match = reader.fields(imageNode, allowed: SpecKeys.imageMatch, context: "'image'") {
                let family = match["os-family"].flatMap { reader.string($0, context: "'os-family'") }
                let version = match["os-version"].flatMap { reader.string($0, context: "'os-version'") }
                if match.keys.isEmpty {
                    diagnostics.error(imageNode.location, "'image' needs a name, or 'os-family' and/or 'os-version' to match")
                }
                image = .match(osFamily: family, osVersion: version, imageNode.location)
            }
        }
        var hardware: NodeSpec.HardwareSelector?
        if let hardwareNode = fields["hardware"] {
            if case .scalar = hardwareNode.content {
                hardware = reader.name(hardwareNode, context: "'hardware'").map(NodeSpec.HardwareSelector.named)
            } else if let model = services.decodeHardware(name: "\(name.value)-hardware", hardwareNode, over: []) {
                hardware = .explicit(model)
            }
        }
        let network = fields["network"].flatMap(services.decodeNetwork)
        return NodeSpec(name: name, image: image, hardware: hardware, network: network)
    }
}
