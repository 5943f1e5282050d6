import PalletSpec

/// The VBoxManage `modifyvm` options of a network layout, and how ssh reaches a node.
struct NetworkOptions {
    /// `--nicN …` options for all eight slots.
    var nicOptions: [String] = []
    /// NAT forwards as `SLOT=name,proto,HOSTBASE+,guest`; the node's index is added to HOSTBASE.
    var forwards: [String] = []
    /// The adapter (1–8) whose IP ssh uses, or 0 when ssh goes through a NAT forward.
    var sshAdapter = 0
    /// The NAT forward ssh uses, as `HOSTBASE+`, or empty.
    var sshForward = ""
    /// Bridged adapters with no interface named: the script bridges them to the host's first
    /// bridgeable interface that is up, or stops with the list.
    var bridgeAuto: [Int] = []

    /// The default first host port of the `nat` layout's ssh forward (node i gets 2200 + i).
    static let natSSHBase = 2200

    init?(_ layout: NetworkLayout, settings: VirtualBoxService, count: Int, diagnostics: Diagnostics) {
        let adapters: [(attachment: NetworkAdapter.Attachment, interface: String?, mac: String?, forwards: [PortForward])]
        switch layout {
        case .local:
            adapters = [(.hostOnly, settings.localInterface?.value ?? "vboxnet0", nil, []), (.nat, nil, nil, [])]
        case .bridged:
            adapters = [(.bridged, settings.bridgedInterface?.value, nil, [])]
        case .nat:
            adapters = [(.nat, nil, nil, [])]
            forwards.append("1=ssh,tcp,\(Self.natSSHBase)+,22")
            sshForward = "\(Self.natSSHBase)+"
        case .adapters(let list, _):
            adapters = list.map { ($0.attachment.value, $0.interface?.value, $0.mac?.value, $0.forwards) }
            for adapter in list {
                if let mac = adapter.mac, count > 1 {
                    diagnostics.error(mac.location, "a fixed 'mac' can only serve one node, but the group has \(count)")
                    return nil
                }
            }
        }
        for slot in 1...8 {
            guard slot <= adapters.count else {
                nicOptions += ["--nic\(slot)", "none"]
                continue
            }
            let adapter = adapters[slot - 1]
            switch adapter.attachment {
            case .hostOnly:
                nicOptions += ["--nic\(slot)", "hostonly", "--hostonlyadapter\(slot)", adapter.interface ?? "vboxnet0"]
                if sshAdapter == 0, sshForward.isEmpty { sshAdapter = slot }
            case .bridged:
                nicOptions += ["--nic\(slot)", "bridged"]
                if let interface = adapter.interface { nicOptions += ["--bridgeadapter\(slot)", interface] } else { bridgeAuto.append(slot) }
                if sshAdapter == 0, sshForward.isEmpty { sshAdapter = slot }
            case .nat:
                nicOptions += ["--nic\(slot)", "nat"]
            case .internal:
                nicOptions += ["--nic\(slot)", "intnet", "--intnet\(slot)", adapter.interface ?? "intnet"]
            }
            nicOptions += ["--nictype\(slot)", "virtio", "--cableconnected\(slot)", "on"]
            if let mac = adapter.mac { nicOptions += ["--macaddress\(slot)", mac] }
            for forward in adapter.forwards {
                let base = forward.hostPort.value - 1
                forwards.append("\(slot)=\(forward.name.value),\(forward.proto),\(base)+,\(forward.guestPort.value)")
                if forward.guestPort.value == 22, sshAdapter == 0, sshForward.isEmpty { sshForward = "\(base)+" }
            }
        }
        if sshAdapter == 0, sshForward.isEmpty {
            diagnostics.error(layout.location, "no adapter lets ssh reach the nodes: add a host-only or bridged adapter, "
                + "or a nat forward to guest port 22")
            return nil
        }
    }
}

extension NetworkLayout {
    /// Where the layout was written.
    var location: SourceLocation {
        switch self {
        case .local(let location), .bridged(let location), .nat(let location), .adapters(_, let location): return location
        }
    }
}
