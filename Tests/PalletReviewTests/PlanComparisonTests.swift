import PalletCompiler
import PalletContract
import PalletReview
import PalletTestSupport
import Testing

/// `pallet diff`'s comparison on plans compiled from real specs: what counts as added, removed
/// and changed, and what is newly read on the control host.
@Suite("plan comparison")
struct PlanComparisonTests {
    /// The services and groups around `configure` (list lines of group g's configure phase).
    func spec(configure: String, hosts: String = "- {name: h1, group: g, address: 127.0.0.1}", extra: String = "") -> String {
        let phase = configure.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n")
        let hostLines = hosts.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
        return "services:\n  lab:\n    provider: hosts\n    hosts:\n\(hostLines)\ngroups:\n  g:\n    service: lab\n    phases:\n      configure:\n"
            + phase + "\n" + extra
    }

    /// The diff from the plan of `base` to the plan of `head` (each the text of specs/main.yaml).
    func diff(_ base: String, _ head: String) async throws -> PlanDiff {
        func snapshot(_ yaml: String, _ label: String) async throws -> PlanSnapshot {
            let (tree, errors) = try compile(["specs/main.yaml": yaml])
            #expect(errors == [])
            return try await PlanSnapshot.load(from: TreeOutSource(tree: try #require(tree), label: label))
        }
        return PlanComparison.diff(base: try await snapshot(base, "base"), head: try await snapshot(head, "head"))
    }

    func rows(_ diff: PlanDiff) -> [String] {
        diff.groups.flatMap(\.phases).flatMap(\.steps).map { "\($0.kind.rawValue) \($0.step.action) \($0.step.summary)" }
    }

    @Test("a step added first is the only change: the steps after it keep their fingerprints although their numbers moved")
    func addedFirst() async throws {
        let base = spec(configure: "- file: {path: /etc/a, content: \"a\"}\n- file: {path: /etc/b, content: \"b\"}")
        let head = spec(configure: "- directory: {path: /srv/x}\n- file: {path: /etc/a, content: \"a\"}\n- file: {path: /etc/b, content: \"b\"}")
        #expect(rows(try await diff(base, head)) == ["added directory /srv/x"])
    }

    @Test("steps moved in the specs (new origins, same effect) are no change, though the bundle was rebuilt")
    func movedOnly() async throws {
        let base = spec(configure: "- file: {path: /etc/a, content: \"a\"}")
        let head = "# a comment that moves every line down\n\n" + spec(configure: "- file: {path: /etc/a, content: \"a\"}")
        let result = try await diff(base, head)
        #expect(result.isEmpty)
        #expect(result.rebuiltOnly == ["g / configure"])
        #expect(PlanDiffMarkdown().render(result).contains("No change to any machine"))
    }

    @Test("new content, a new mode, a when: condition and a new handler each make a step changed")
    func changedStep() async throws {
        let base = spec(configure: "- file: {path: /etc/a, content: \"a\"}\n- file: {path: /etc/b, content: \"b\"}\n"
            + "- file: {path: /etc/c, content: \"c\"}\n- file: {path: /etc/d, content: \"d\"}",
            extra: "    handlers:\n      h:\n        - exec: \"true\"\n")
        let head = spec(configure: "- file: {path: /etc/a, content: \"A\"}\n- file: {path: /etc/b, content: \"b\", mode: \"0600\"}\n"
            + "- file: {path: /etc/c, content: \"c\"}\n  when: {os-family: debian}\n- file: {path: /etc/d, content: \"d\"}\n  notify: [h]",
            extra: "    handlers:\n      h:\n        - exec: \"true\"\n")
        // The handler joins the bundle only once a step notifies it: its step is new too.
        let result = try await diff(base, head)
        #expect(rows(result) == ["changed file /etc/a", "changed file /etc/b", "changed file /etc/c", "changed file /etc/d", "added exec true"])
        #expect(result.groups.flatMap(\.phases).flatMap(\.steps).last?.handler == "h")
    }

    @Test("a removed step is listed where it stood, with its origin in the base")
    func removed() async throws {
        let base = spec(configure: "- file: {path: /etc/a, content: \"a\"}\n- file: {path: /etc/b, content: \"b\"}\n- file: {path: /etc/c, content: \"c\"}")
        let head = spec(configure: "- file: {path: /etc/a, content: \"a\"}\n- file: {path: /etc/c, content: \"c\"}")
        let result = try await diff(base, head)
        #expect(rows(result) == ["removed file /etc/b"])
        let markdown = PlanDiffMarkdown().render(result)
        #expect(markdown.contains("| removed | `configure` | `file` /etc/b | specs/main.yaml:"), "\(markdown)")
        #expect(markdown.contains("(in the base) |"))
    }

    @Test("hosts added and removed are named with their addresses, and the summary counts them")
    func hosts() async throws {
        let base = spec(configure: "- file: {path: /etc/a, content: \"a\"}",
                        hosts: "- {name: h1, group: g, address: 127.0.0.1}\n- {name: h2, group: g, address: 127.0.0.2}")
        let head = spec(configure: "- file: {path: /etc/a, content: \"a\"}",
                        hosts: "- {name: h1, group: g, address: 127.0.0.1}\n- {name: h3, group: g, address: 127.0.0.3}")
        let result = try await diff(base, head)
        #expect(result.groups.first?.nodesAdded == ["h3 (127.0.0.3)"])
        #expect(result.groups.first?.nodesRemoved == ["h2 (127.0.0.2)"])
        #expect(rows(result) == [])
        #expect(PlanDiffMarkdown().render(result).contains("hosts: 1 added, 1 removed"))
    }

    @Test("secrets and secret files newly sent are listed with the bundle that reads them; ones already read are not")
    func newSecrets() async throws {
        let base = spec(configure: "- file: {path: /etc/a, content: {secret: {env: OLD_SECRET}}}")
        let head = spec(configure: "- file: {path: /etc/a, content: {secret: {env: OLD_SECRET}}}\n"
            + "- file: {path: /etc/b, content: {secret: {env: NEW_SECRET}}}\n- file: {path: /etc/c, content: {secret: {file: /srv/keys/c.key}}}")
        let result = try await diff(base, head)
        #expect(result.newSecrets.map(\.source) == ["file /srv/keys/c.key", "environment variable NEW_SECRET"]
            || result.newSecrets.map(\.source) == ["environment variable NEW_SECRET", "file /srv/keys/c.key"])
        #expect(result.newSecrets.allSatisfy { $0.bundle == "g / configure" })
        #expect(result.newOperatorFiles.map(\.path) == ["/srv/keys/c.key"])
        let markdown = PlanDiffMarkdown().render(result)
        #expect(markdown.contains("**Secrets newly sent**"))
        #expect(markdown.contains("- `/srv/keys/c.key`: secret sent to g / configure"))
        #expect(!markdown.contains("OLD_SECRET"))
    }

    @Test("a new group lists all its steps as added; a removed group all as removed")
    func groupsAddedAndRemoved() async throws {
        let base = spec(configure: "- file: {path: /etc/a, content: \"a\"}")
        let head = spec(configure: "- file: {path: /etc/a, content: \"a\"}",
                        hosts: "- {name: h1, group: g, address: 127.0.0.1}\n- {name: h9, group: n, address: 127.0.0.9}",
                        extra: "  n:\n    service: lab\n    phases:\n      configure:\n        - file: {path: /etc/n, content: \"n\"}\n")
        let added = try await diff(base, head)
        #expect(added.groups.map(\.name) == ["n"])
        #expect(added.groups.first?.presence == .added)
        #expect(rows(added) == ["added file /etc/n"])
        let removed = try await diff(head, base)
        #expect(removed.groups.first?.presence == .removed)
        #expect(rows(removed) == ["removed file /etc/n"])
        #expect(PlanDiffMarkdown().render(removed).contains("### Group `n` (removed)"))
    }

    @Test("a new version in specs/vendor.lock changes the vendored packages step: the lock's change shows in the summary")
    func lockChange() async throws {
        let spec = "services:\n  lab:\n    provider: hosts\n    hosts:\n      - {name: h1, group: g, address: 127.0.0.1}\n"
            + "groups:\n  g:\n    service: lab\n    vendor: {release: debian-12}\n    phases:\n      configure:\n        - packages: [tool]\n"
        func lock(_ version: String, _ digit: Character) -> String {
            "debian-12 amd64 deb tool \(version) amd64 10 \(String(repeating: digit, count: 64))\ndebian-12 amd64 needs tool tool\n"
        }
        func snapshot(_ lockText: String) async throws -> PlanSnapshot {
            let (tree, errors) = try compile(["specs/main.yaml": spec, "specs/vendor.lock": lockText])
            #expect(errors == [])
            return try await PlanSnapshot.load(from: TreeOutSource(tree: try #require(tree), label: "x"))
        }
        let same = PlanComparison.diff(base: try await snapshot(lock("1.0", "a")), head: try await snapshot(lock("1.0", "a")))
        #expect(same.isEmpty && same.rebuiltOnly.isEmpty)
        let bumped = PlanComparison.diff(base: try await snapshot(lock("1.0", "a")), head: try await snapshot(lock("1.1", "b")))
        #expect(rows(bumped) == ["changed packages tool"], "\(rows(bumped))")
    }

    @Test("text from the specs cannot break the table, open a tag or reach the terminal as a control character")
    func hostileText() async throws {
        let base = spec(configure: "- file: {path: /etc/a, content: \"a\"}")
        let head = spec(configure: "- file: {path: /etc/a, content: \"a\"}\n"
            + "- name: \"x | y `code` <img src=x onerror=alert(1)> \\e[31m red\"\n  file: {path: /etc/b, content: \"b\"}")
        let markdown = PlanDiffMarkdown().render(try await diff(base, head))
        let row = try #require(markdown.split(separator: "\n").first { $0.hasPrefix("| added") })
        #expect(row.contains("x \\| y 'code' &lt;img src=x onerror=alert(1)> \\u{1b}[31m red"), "\(row)")
        #expect(!markdown.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }

    @Test("a large change stays within a pull-request comment: groups past the budget are named, not detailed")
    func budget() async throws {
        let many = (1...40).map { "- file: {path: /etc/f\($0), content: \"\($0)\"}" }.joined(separator: "\n")
        let result = try await diff(spec(configure: "- file: {path: /etc/a, content: \"a\"}"), spec(configure: many))
        let small = PlanDiffMarkdown(rowsPerGroup: 10, characterBudget: 60_000).render(result)
        #expect(small.contains("| … | | 31 more step change(s) | |"), "\(small)")
        let tiny = PlanDiffMarkdown(rowsPerGroup: 60, characterBudget: 2_500).render(result)
        #expect(tiny.contains("Not detailed here, to fit a comment: `g`"), "\(tiny)")
        #expect(tiny.count < 2_500)
    }
}
