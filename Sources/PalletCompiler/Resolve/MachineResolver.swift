import PalletSpec

/// Resolves a virtualbox group's node-spec against its service: image, hardware and network.
struct MachineResolver {
    let diagnostics: Diagnostics

    /// The machine shape, or nil after reporting why it cannot be resolved.
    func resolve(node: NodeSpec, service: Service, settings: VirtualBoxService) -> MachinePlan? {
        let image = resolveImage(node, service: service, settings: settings)
        let hardware = resolveHardware(node, service: service, settings: settings)
        let network = node.network ?? settings.network ?? .local(node.name.location)
        guard let image, let hardware else { return nil }
        return MachinePlan(nodeSpec: node.name.value, image: image, hardware: hardware, network: network, settings: settings)
    }

    func resolveImage(_ node: NodeSpec, service: Service, settings: VirtualBoxService) -> ImageModel? {
        let candidates = settings.images.map { image in
            "'\(image.name.value)' (\(image.osFamily?.value ?? "any family") \(image.osVersion?.value ?? "any version"))"
        }.joined(separator: ", ")
        switch node.image {
        case nil:
            diagnostics.error(node.name.location, "node-spec '\(node.name.value)' needs 'image' for virtualbox service '\(service.name.value)'")
            return nil
        case .named(let name):
            if let image = settings.images.first(where: { $0.name.value == name.value }) { return image }
            let hint = Suggestion.hint(for: name.value, in: settings.images.map(\.name.value))
            diagnostics.error(name.location, "undefined image '\(name.value)' in service '\(service.name.value)'\(hint)")
            return nil
        case .match(let family, let version, let location):
            let matches = settings.images.filter { image in
                (family == nil || image.osFamily?.value == family?.value) && (version == nil || image.osVersion?.value == version?.value)
            }
            let wanted = [family.map { "os-family \($0.value)" }, version.map { "os-version \($0.value)" }]
                .compactMap { $0 }.joined(separator: ", ")
            if matches.count == 1 { return matches[0] }
            if matches.isEmpty {
                diagnostics.error(location, "no image of service '\(service.name.value)' matches \(wanted); "
                    + "candidates: \(candidates.isEmpty ? "none" : candidates)")
            } else {
                let tied = matches.map { "'\($0.name.value)'" }.joined(separator: ", ")
                diagnostics.error(location, "\(matches.count) images of service '\(service.name.value)' match \(wanted): \(tied); "
                    + "name one, or add os-version")
            }
            return nil
        }
    }

    func resolveHardware(_ node: NodeSpec, service: Service, settings: VirtualBoxService) -> HardwareModel? {
        switch node.hardware {
        case nil:
            return settings.hardwareModel(named: "small")
        case .explicit(let model):
            return model
        case .named(let name):
            if let model = settings.hardwareModel(named: name.value) { return model }
            let hint = Suggestion.hint(for: name.value, in: settings.hardware.map(\.name))
            let known = settings.hardware.map(\.name).joined(separator: ", ")
            diagnostics.error(name.location, "undefined hardware model '\(name.value)' in service '\(service.name.value)'"
                + "\(hint) (known: \(known))")
            return nil
        }
    }
}
