/// A JSON document built in code, encoded with sorted keys so its bytes are stable.
public indirect enum JSONValue: Encodable, Sendable, Equatable {
    /// A string.
    case string(String)
    /// An integer.
    case integer(Int)
    /// A boolean.
    case boolean(Bool)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object([String: JSONValue])

    /// Encodes the value as its JSON form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .integer(let number): try container.encode(number)
        case .boolean(let flag): try container.encode(flag)
        case .array(let items): try container.encode(items)
        case .object(let members): try container.encode(members)
        }
    }
}
