/// The JSON Schema (draft 2020-12) of a spec file, built from ``SpecKeys`` and ``ActionCatalog``
/// so that it describes exactly what the decoders accept. YAML editors use it to validate and
/// complete specs (`pallet schema`, committed as docs/pallet.schema.json).
public enum SpecSchema {
    /// The schema.
    public static var document: JSONValue {
        var root = object(SpecKeys.sections, [
            "project": .object(["type": .string("string"), "pattern": .string("^[a-z][a-z0-9-]{0,31}$"),
                                "description": .string("The project's name: the identity its VirtualBox VMs carry (required with a virtualbox service).")]),
            "admin-user": object(SpecKeys.adminUser, ["username": text, "private-key": text, "public-key": text],
                                 required: ["username"], description: "Who pallet logs in as on the nodes."),
            "services": map(.object(["oneOf": .array([ref("hostsService"), ref("virtualboxService")])]),
                            description: "Where nodes come from: existing hosts or VirtualBox VMs."),
            "nodes": map(ref("nodeSpec"), description: "Node-specs: image, hardware and network of VMs."),
            "servers": map(ref("body"), description: "Server-specs: phases, handlers and variables that extend each other."),
            "groups": map(ref("group"), description: "Group-specs: sets of nodes built from a service, a node-spec and server-specs."),
            "crates": map(ref("crate"), description: "Crates: reusable, parameterized sets of phases and handlers."),
        ])
        guard case .object(var members) = root else { return root }
        members["$schema"] = .string("https://json-schema.org/draft/2020-12/schema")
        members["$id"] = .string("https://pallet.invalid/pallet.schema.json")
        members["title"] = .string("Pallet spec file (specs/*.yaml)")
        members["$defs"] = .object(definitions)
        root = .object(members)
        return root
    }

    static let text: JSONValue = .object(["type": .string("string")])
    static let names: JSONValue = .object(["type": .string("array"), "items": .object(["type": .string("string")])])

    static func ref(_ name: String) -> JSONValue {
        .object(["$ref": .string("#/$defs/\(name)")])
    }

    /// A mapping whose keys are names and whose values follow `value`.
    static func map(_ value: JSONValue, description: String? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["type": .string("object"), "additionalProperties": value]
        if let description { members["description"] = .string(description) }
        return .object(members)
    }

    /// A mapping with exactly the keys `keys` (each described in `properties`, or any value).
    static func object(_ keys: [String], _ properties: [String: JSONValue], required: [String] = [], description: String? = nil) -> JSONValue {
        var members: [String: JSONValue] = [
            "type": .string("object"),
            "additionalProperties": .boolean(false),
            "properties": .object(Dictionary(uniqueKeysWithValues: keys.map { ($0, properties[$0] ?? .object([:])) })),
        ]
        if !required.isEmpty { members["required"] = .array(required.map(JSONValue.string)) }
        if let description { members["description"] = .string(description) }
        return .object(members)
    }

    static var definitions: [String: JSONValue] {
        let login = object(SpecKeys.login, ["username": text, "private-key": text], required: ["username"])
        return [
            "body": object(SpecKeys.body, [
                "extends": names, "phases": map(ref("actions")), "handlers": map(ref("actions")), "vars": map(text),
            ]),
            "group": object(SpecKeys.group, [
                "service": text, "node": text, "count": .object(["type": .string("integer"), "minimum": .integer(0)]), "after": names,
                "extends": names, "phases": map(ref("actions")), "handlers": map(ref("actions")), "vars": map(text),
                "vendor": object(["release", "architecture"], [
                    "release": .object(["type": .string("string"), "pattern": .string("^[a-z][a-z0-9]*-[0-9][0-9.]*$")]),
                    "architecture": .object(["type": .string("string"), "pattern": .string("^[a-z][a-z0-9-]*$")]),
                ], required: ["release"], description: "Install this group's packages from specs/vendor.lock's files (pallet vendor), "
                    + "resolved for release (ID-VERSION_ID of the nodes' /etc/os-release) and architecture (default amd64)."),
            ], required: ["service"]),
            "crate": object(SpecKeys.crate, [
                "params": map(object(SpecKeys.crateParameter, [
                    "type": .object(["enum": .array(["text", "integer", "boolean", "secret"].map(JSONValue.string))]),
                ])),
                "phases": map(ref("actions")), "handlers": map(ref("actions")),
            ]),
            "hostsService": object(SpecKeys.hostsService, [
                "provider": .object(["const": .string(ProviderKind.hosts.rawValue)]),
                "hosts": .object(["type": .string("array"), "items": object(SpecKeys.host, [
                    "name": text, "group": text, "address": text, "port": .object(["type": .string("integer")]), "os-family": text,
                    "os-version": text, "login": login,
                    "host-key": .object(["type": .string("string"), "description": .string(
                        "The host's pinned ssh host key, \"TYPE BASE64\" as in known_hosts: ssh accepts that key only.")]),
                    "via": .object(["type": .string("string"), "description": .string("The bastion (of this service's bastions) ssh reaches the host through.")]),
                ], required: ["name", "group", "address"])]),
                "via": .object(["type": .string("string"), "description": .string("The bastion (of this service's bastions) ssh reaches every host through.")]),
                "bastions": map(object(SpecKeys.bastion, [
                    "address": text, "port": .object(["type": .string("integer")]), "user": text, "private-key": text,
                    "host-key": .object(["type": .string("string"), "description": .string(
                        "The bastion's pinned ssh host key, \"TYPE BASE64\": ssh accepts that key only.")]),
                ], required: ["address"])),
            ], required: ["provider"]),
            "virtualboxService": object(SpecKeys.virtualboxService, [
                "provider": .object(["const": .string(ProviderKind.virtualbox.rawValue)]),
                "images": map(object(SpecKeys.image, ["disk": text, "os-family": text, "os-version": text, "os-type": text, "login": login],
                                     required: ["disk"])),
                "hardware": map(object(SpecKeys.hardware, [:])),
                "hardware-files": names,
                "network": .object(["oneOf": .array([
                    .object(["enum": .array(["local", "bridged", "nat"].map(JSONValue.string))]),
                    .object(["type": .string("array"), "items": object(SpecKeys.adapter, [
                        "forward": .object(["type": .string("array"), "items": object(SpecKeys.forward, [:])]),
                    ])]),
                ])]),
            ], required: ["provider"]),
            "nodeSpec": object(SpecKeys.nodeSpec, [
                "image": .object(["oneOf": .array([text, object(SpecKeys.imageMatch, [:])])]),
                "hardware": .object(["oneOf": .array([text, object(SpecKeys.hardware, [:])])]),
            ]),
            "actions": .object(["type": .string("array"), "items": ref("action")]),
            "action": .object(["oneOf": .array(ActionCatalog.all.map(action) + [crateUse])]),
            "secret": object(SpecKeys.secret, ["secret": object(SpecKeys.secretSource, ["env": text, "file": text])], required: ["secret"]),
        ]
    }

    static var crateUse: JSONValue {
        object(SpecKeys.crateUse, ["crate": text, "with": map(.object(["oneOf": .array([text, .object(["type": .string("number")]),
                                                                                           .object(["type": .string("boolean")]), ref("secret")])]))],
               required: ["crate"], description: "Uses a crate, with values for its parameters.")
    }

    /// One action: its keyword with its options (or its short form), plus name, notify and when.
    static func action(_ schema: ActionSchema) -> JSONValue {
        var options: [String: JSONValue] = [:]
        for option in schema.options { options[option.key] = value(option) }
        var forms: [JSONValue] = [object(schema.options.map(\.key), options, required: schema.options.filter(\.required).map(\.key))]
        if case .option(let key) = schema.shorthand, let option = schema.option(key) { forms.append(value(option)) }
        let body: JSONValue = forms.count == 1 ? forms[0] : .object(["oneOf": .array(forms)])
        return object([schema.keyword.rawValue] + ActionCatalog.commonKeys, [
            schema.keyword.rawValue: body,
            "name": text,
            "notify": names,
            "when": object(SpecKeys.when, ["os-family": .object(["oneOf": .array([text, names])])]),
        ], required: [schema.keyword.rawValue], description: schema.help)
    }

    /// The JSON type of one option's value.
    static func value(_ option: OptionSpec) -> JSONValue {
        var members: [String: JSONValue]
        switch option.kind {
        case .integer(let range): members = ["type": .string("integer"), "minimum": .integer(range.lowerBound), "maximum": .integer(range.upperBound)]
        case .boolean: members = ["type": .string("boolean")]
        case .choice(let words): members = ["enum": .array(words.map(JSONValue.string))]
        case .textList, .nameList: members = ["type": .string("array"), "items": text]
        case .packageList: members = ["oneOf": .array([text, names])]
        case .environment: members = ["type": .string("object"), "additionalProperties": .object(["oneOf": .array([text, ref("secret")])])]
        case .content: members = ["oneOf": .array([text, ref("secret")])]
        case .vars: members = ["type": .string("object"), "additionalProperties": text]
        case .mode: members = ["type": .string("string"), "pattern": .string("^[0-7]{3,4}$")]
        case .sha256: members = ["type": .string("string"), "pattern": .string("^[0-9a-fA-F]{64}$")]
        case .text, .path, .account, .name, .localFile, .script, .url, .regex: members = ["type": .string("string")]
        }
        members["description"] = .string(option.help)
        return .object(members)
    }
}
