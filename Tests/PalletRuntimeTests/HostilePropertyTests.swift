import Foundation
import PalletCompiler
import PalletTestSupport
import Testing

/// Random strings of every byte class but NUL (printable ASCII with all shell and YAML
/// punctuation, whitespace, control characters, DEL, non-ASCII letters, symbols, emoji,
/// bidirectional and zero-width marks), reproducible from a seed.
struct HostileGenerator {
    private var random: SeededRandom

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
    }

    static let pieces: [String] = (0x21...0x7E).map { String(UnicodeScalar(UInt8($0))) } + [
        " ", "  ", "\t", "\n", "\r", "\r\n", "\u{01}", "\u{07}", "\u{1B}", "\u{1F}", "\u{7F}", "é", "ß", "✓", "日本", "😀", "\u{202E}",
        "\u{200B}", "\u{FEFF}", "e\u{0301}", "$(", "${", "`", "'\\''", "--", "\\n", "{{", "}}", "%", "PALLET_SCRIPT",
    ]

    mutating func below(_ bound: Int) -> Int { random.below(bound) }

    /// A word of letters, digits, '.', '_', '-' and sometimes one other character: names that
    /// are often valid, so acceptance gets exercised too.
    mutating func word() -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        var text = ""
        for _ in 0...below(12) { text.append(letters[below(letters.count)]) }
        if below(3) == 0 { text.insert(contentsOf: Self.pieces[below(Self.pieces.count)], at: text.index(text.startIndex, offsetBy: below(text.count + 1))) }
        return text
    }

    /// One string of 1 to 20 pieces; a quarter start with a dash.
    mutating func string() -> String {
        var text = below(4) == 0 ? "-" : ""
        for _ in 0...below(20) { text += Self.pieces[below(Self.pieces.count)] }
        return text
    }
}

@Suite("Hostile strings, at random")
struct HostilePropertyTests {
    /// Spec snippets with a name field (`@@`): what reaches shell words, command arguments, file
    /// names or ssh. Each is placed after the hosts preamble unless it brings its own service.
    static let nameFields: [(field: String, yaml: String)] = [
        ("package name", "groups:\n  g:\n    service: lab\n    phases:\n      configure:\n        - packages: [@@]\n"),
        ("user name", "groups:\n  g:\n    service: lab\n    phases:\n      configure:\n        - user: {name: @@}\n"),
        ("group name", "groups:\n  g:\n    service: lab\n    phases:\n      configure:\n        - group: {name: @@}\n"),
        ("file owner", "groups:\n  g:\n    service: lab\n    phases:\n      configure:\n        - file: {path: /tmp/x, content: y, owner: @@}\n"),
        ("service name", "groups:\n  g:\n    service: lab\n    phases:\n      configure:\n        - service: {name: @@, state: started}\n"),
        ("group-spec name", "groups:\n  g: {service: lab}\n  @@: {service: lab}\n"),
        ("phase name", "groups:\n  g:\n    service: lab\n    phases:\n      @@: [{exec: {script: \"true\"}}]\n"),
        ("host name", "services:\n  lab2:\n    provider: hosts\n    hosts:\n      - {name: @@, group: g, address: 127.0.0.1}\ngroups:\n  g: {service: lab2}\n"),
        ("host address", "services:\n  lab2:\n    provider: hosts\n    hosts:\n      - {name: n1, group: g, address: @@}\ngroups:\n  g: {service: lab2}\n"),
        ("admin user", "admin-user: {username: @@}\ngroups:\n  g: {service: lab}\n"),
    ]

    /// A name that may become a shell word or an argument: no whitespace, quote, shell or glob
    /// character, no control character, not starting with '-'.
    static func isSafeWord(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first != "-" else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._+-=~:@$".unicodeScalars.contains(scalar))
        }
    }

    @Test("random strings in name fields are accepted only when they are safe words; otherwise a located error at the field")
    func namesAreCheckedAtPlanTime() throws {
        var generator = HostileGenerator(seed: 0x9a11_e7)
        var accepted = 0
        var rejected = 0
        for round in 0..<60 {
            let text = round % 2 == 0 ? generator.string() : generator.word()
            for (field, snippet) in Self.nameFields {
                let ownService = snippet.hasPrefix("services:")
                let body = snippet.replacingOccurrences(of: "@@", with: HostileStrings.yaml(text))
                let source = ownService ? body : hostsPreamble + body
                let line = 1 + source.prefix(upTo: source.range(of: HostileStrings.yaml(text)).map(\.lowerBound) ?? source.endIndex)
                    .filter { $0 == "\n" }.count
                let (tree, errors) = try compile(["specs/main.yaml": source])
                if errors.isEmpty {
                    accepted += 1
                    #expect(tree != nil)
                    #expect(Self.isSafeWord(text), "round \(round): \(field) \(text.debugDescription) was accepted")
                } else {
                    rejected += 1
                    #expect(tree == nil)
                    #expect(errors.contains { $0.hasPrefix("specs/main.yaml:\(line):") },
                            "round \(round): \(field) \(text.debugDescription): no error on line \(line): \(errors)")
                }
            }
        }
        #expect(rejected > 0 && accepted > 0)
        print("hostile names: \(accepted) accepted, \(rejected) rejected with a located error")
    }

    @Test("random strings as paths, contents, environment values and template variables have exactly their literal effect",
          .enabled(if: TestHostSupport.requireRoot("Hostile strings, at random")))
    func literalEffectOnHost() throws {
        var generator = HostileGenerator(seed: 0x5eed_0008)
        let texts = (0..<30).map { _ in generator.string() }
        // Text fields are templates: a literal "{{" is written "{{ '{{' }}".
        func literal(_ text: String) -> String { HostileStrings.yaml(text.replacingOccurrences(of: "{{", with: "{{ '{{' }}")) }
        var actions = ["        - exec: {script: \"mkdir -p /opt/pallet-random\", creates: /opt/pallet-random}"]
        for (index, text) in texts.enumerated() {
            let path = "/opt/pallet-random/" + HostileStrings.component(text, index: index)
            actions.append("        - file: {path: \(literal(path)), content: \(literal(text))}")
            actions.append("        - file: {path: /opt/pallet-random/var-\(index), content: \"{{ v\(index) }}\"}")
            actions.append("        - exec:")
            actions.append("            script: \"printf '%s' \\\"$HOSTILE\\\" > /opt/pallet-random/env-\(index)\"")
            actions.append("            creates: /opt/pallet-random/env-\(index)")
            actions.append("            environment: {HOSTILE: \(literal(text))}")
        }
        // Variable values are literal text (never parsed as templates).
        let vars = texts.enumerated().map { "      v\($0.offset): \(HostileStrings.yaml($0.element))" }.joined(separator: "\n")
        let source = hostsPreamble + "groups:\n  g:\n    service: lab\n    vars:\n\(vars)\n    phases:\n      configure:\n"
            + actions.joined(separator: "\n") + "\n"
        let (tree, errors) = try compile(["specs/main.yaml": source])
        #expect(errors.isEmpty, "\(errors)")
        let archive = try #require(tree?.files["groups/g/configure.tar"]).bytes
        let project = try TemporaryProject()
        defer { project.remove() }
        let script = try #require(tree?.files["groups/g/configure/run.sh"]).bytes
        try project.write("run.sh", bytes: script)
        let shellcheck = try ProcessRunner.run(["shellcheck", "--shell=bash", "--severity=style", project.root + "/run.sh"])
        #expect(shellcheck.status == 0, "\(shellcheck.stdout)")
        try TestHost.with(name: "random") { host in
            let run = try host.runBundle(archive)
            #expect(run.result.status == 0, "\(run.result.combined)")
            for (index, text) in texts.enumerated() {
                let bytes = Array(text.utf8)
                #expect(host.writtenFile("/opt/pallet-random/" + HostileStrings.component(text, index: index)) == bytes, "file \(index): \(text.debugDescription)")
                #expect(host.writtenFile("/opt/pallet-random/var-\(index)") == bytes, "variable \(index): \(text.debugDescription)")
                #expect(host.writtenFile("/opt/pallet-random/env-\(index)") == bytes, "environment \(index): \(text.debugDescription)")
            }
            let listing = try FileManager.default.contentsOfDirectory(atPath: host.upperDirectory + "/opt")
            #expect(listing == ["pallet-random"], "nothing outside /opt/pallet-random was written: \(listing)")
            let again = try host.runBundle(archive)
            #expect(again.statuses.allSatisfy { $0 == "ok" }, "\(again.statusLines)")
        }
    }
}
