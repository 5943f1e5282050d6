/// A server-spec: a reusable bundle of phases, handlers and variables that others extend.
public struct ServerSpec: Sendable {
    /// The server-spec's name.
    public var name: Located<String>
    /// Its parents, phases, handlers and variables.
    public var body: SpecBody

    /// Creates a server-spec.
    public init(name: Located<String>, body: SpecBody) {
        self.name = name
        self.body = body
    }
}
