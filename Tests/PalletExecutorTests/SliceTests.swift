import PalletExecutor
import Testing

/// `--slice K/N`: the assignment of nodes to slices and the parsing of `K/N`.
@Suite("slices of a fleet")
struct SliceTests {
    /// The slice of each name by the documented rule, computed outside pallet
    /// (`1 + int.from_bytes(sha256(name)[:8], 'big') % 3` in Python).
    static let pinned: [String: Int] = ["h1": 1, "h2": 2, "h3": 1, "h4": 3, "h5": 2, "h6": 3, "web-1": 2, "web-2": 2, "db-1": 1]

    @Test("a node's slice is 1 + the first 8 bytes of SHA-256 of its name, big-endian, mod N")
    func documentedRule() {
        for (name, slice) in Self.pinned { #expect(NodeSlice.number(of: name, count: 3) == slice, "\(name)") }
        #expect(NodeSlice.number(of: "anything", count: 1) == 1)
    }

    @Test("slices 1..N of any node list cover every node exactly once")
    func partition() throws {
        let names = (1...200).map { "node-\($0)" }
        for count in [1, 2, 3, 7, 64] {
            let slices = try (1...count).map { try NodeSlice(index: $0, count: count) }
            for name in names { #expect(slices.filter { $0.contains(name) }.count == 1, "\(name) in \(count) slices") }
        }
    }

    @Test("adding or removing nodes never moves another node to another slice")
    func stableUnderGrowth() throws {
        let before = (1...50).map { "web-\($0)" }
        let after = before + (51...120).map { "web-\($0)" } + ["db-1", "cache-1"]
        let slices = try (1...4).map { try NodeSlice(index: $0, count: 4) }
        func assignment(_ names: [String]) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: names.map { name in (name, slices.first { $0.contains(name) }?.index ?? 0) })
        }
        let small = assignment(before), large = assignment(after)
        for name in before { #expect(small[name] == large[name], "\(name) moved") }
        // The rule spreads nodes: every slice gets some of 120 nodes.
        #expect(Set(large.values) == [1, 2, 3, 4])
    }

    @Test("K/N parses; K outside 1...N, N below 1 and anything else are clear errors")
    func parsing() throws {
        #expect(try NodeSlice(parsing: "2/3") == NodeSlice(index: 2, count: 3))
        #expect(try NodeSlice(parsing: "1/1").changesMachines)
        #expect(try !NodeSlice(parsing: "3/3").changesMachines)
        let bad: [String: String] = [
            "0/3": "K must be between 1 and N (3)", "4/3": "K must be between 1 and N (3)", "1/0": "N must be at least 1",
            "3": "is not K/N", "a/b": "is not K/N", "-1/3": "is not K/N", "1/3/4": "is not K/N", "": "is not K/N", " 1/3": "is not K/N",
            "1/99999999999": "is not K/N",
        ]
        for (text, message) in bad {
            #expect(throws: NodeSlice.Invalid.self, "\(text)") { try NodeSlice(parsing: text) }
            do { _ = try NodeSlice(parsing: text) } catch { #expect(error.description.contains(message), "\(text): \(error)") }
        }
    }
}
