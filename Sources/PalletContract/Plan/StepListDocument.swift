/// What one bundle does, step by step, for review: written as `groups/<group>/<phase>.steps.json`
/// beside the bundle's archive (never inside it: nodes do not need it) and read by `pallet diff`.
///
/// Each step carries a fingerprint of what it does on a node, so that two plans can be compared
/// step by step: it covers the action, its options and the content of its payload files, and
/// leaves out where the step was written and its position, so moving a step in the specs or
/// adding one before it does not make it look changed.
public struct StepListDocument: Codable, Sendable, Equatable {
    /// The file format's version.
    public var format: Int
    /// The group's name.
    public var group: String
    /// The phase.
    public var phase: String
    /// The steps, in the order they run.
    public var steps: [Step]
    /// The handlers, in declaration order.
    public var handlers: [Handler]

    /// The format this pallet writes.
    public static let currentFormat = 1

    /// The step list's path in `out/` for the bundle archive `archive`: `groups/web/configure.steps.json`
    /// for `groups/web/configure.tar`.
    public static func path(ofArchive archive: String) -> String {
        (archive.hasSuffix(".tar") ? String(archive.dropLast(4)) : archive) + ".steps.json"
    }

    /// Creates a step list from its parts.
    public init(group: String, phase: String, steps: [Step], handlers: [Handler]) {
        self.format = Self.currentFormat
        self.group = group
        self.phase = phase
        self.steps = steps
        self.handlers = handlers
    }

    /// One step.
    public struct Step: Codable, Sendable, Equatable {
        /// The action's keyword, such as `file`.
        public var action: String
        /// The one-line summary PLAN.md shows, such as `/etc/motd`.
        public var summary: String
        /// Where the step was written, as `path:line:column`.
        public var origin: String
        /// For a step that comes from a crate: which crate, and where it was used.
        public var via: String?
        /// The OS families the step is limited to (`when: os-family`); empty means every node.
        public var when: [String]
        /// The handlers the step notifies when it changes something.
        public var notifies: [String]
        /// `sha256:<hex>` of what the step does (see the type's description).
        public var fingerprint: String

        /// Creates a step entry from its parts.
        public init(action: String, summary: String, origin: String, via: String?, when: [String], notifies: [String],
                    fingerprint: String) {
            self.action = action
            self.summary = summary
            self.origin = origin
            self.via = via
            self.when = when
            self.notifies = notifies
            self.fingerprint = fingerprint
        }
    }

    /// One handler and its steps.
    public struct Handler: Codable, Sendable, Equatable {
        /// The handler's name.
        public var name: String
        /// Its steps, in order.
        public var steps: [Step]

        /// Creates a handler entry from its name and steps.
        public init(name: String, steps: [Step]) {
            self.name = name
            self.steps = steps
        }
    }
}
