import Foundation
import PalletExecutor
import PalletTestSupport
import Testing

/// `pallet apply --slice K/N` on six test hosts: N runners sharing one out/ cover every node once.
@Suite("pallet apply --slice on test hosts", .serialized, .enabled(if: TestHostSupport.requireRoot("pallet apply --slice on test hosts")))
struct SliceApplyTests {
    static let names = ["h1", "h2", "h3", "h4", "h5", "h6"]

    /// Six hosts in two groups, `b` after `a`; each run appends one line to /etc/slice-runs.
    func project(_ cluster: TestHostCluster) throws -> ClusterProject {
        let setup = try ClusterProject(cluster: cluster, groupOf: ["h1": "a", "h2": "a", "h3": "a", "h4": "b", "h5": "b", "h6": "b"], groups: """
              a:
                service: lab
                phases: {configure: [{exec: "echo {{ node.name }} >> /etc/slice-runs"}]}
              b:
                service: lab
                after: [a]
                phases: {configure: [{exec: "echo {{ node.name }} >> /etc/slice-runs"}]}
            """)
        #expect(try setup.pallet(["plan"]).status == 0)
        return setup
    }

    @Test("slices 1/3, 2/3 and 3/3 together run every node exactly once; each report names its slice and what it left to the others")
    func slicesCoverEveryNodeOnce() throws {
        try TestHostCluster.with(names: Self.names) { cluster in
            let setup = try project(cluster)
            defer { setup.project.remove() }
            var covered: [String] = []
            for index in 1...3 {
                let run = try setup.pallet(["apply", "--slice", "\(index)/3", "--json"])
                #expect(run.status == 0, "\(run.combined)")
                let report = try JSONDecoder().decode(RunReport.self, from: Data(run.stdout.utf8))
                let slice = try #require(report.slice)
                #expect(slice.index == index && slice.count == 3)
                #expect(Set(report.results.map(\.node)) == Set(slice.nodes), "the results are of the slice's nodes only")
                #expect(slice.nodes.allSatisfy { NodeSlice.number(of: $0, count: 3) == index })
                #expect(slice.leftToOthers == 6 - slice.nodes.count)
                #expect(run.stderr.contains("pallet: slice \(index)/3: \(slice.nodes.count) node(s) here, \(6 - slice.nodes.count) left to other slices"),
                        "\(run.stderr)")
                #expect(run.stdout.contains("\"left-to-other-slices\""))
                covered += slice.nodes
            }
            #expect(covered.sorted() == Self.names, "every node in exactly one slice: \(covered)")
            for name in Self.names {
                let runs = String(decoding: cluster[name]?.upperFile("/etc/slice-runs") ?? [], as: UTF8.self)
                #expect(runs == "\(name)\n", "\(name) ran once: \(runs)")
            }
            // A run without --slice reports no slice and runs all six.
            let all = try setup.pallet(["apply", "--json"])
            #expect(all.status == 0, "\(all.combined)")
            #expect(!all.stdout.contains("\"slice\""))
            #expect(!all.stderr.contains("pallet: slice"))
        }
    }

    @Test("a slice with none of the selected nodes succeeds and runs nothing; --slice combines with --group")
    func emptySliceAndGroup() throws {
        try TestHostCluster.with(names: Self.names) { cluster in
            let setup = try project(cluster)
            defer { setup.project.remove() }
            // Group a is h1, h2, h3: slices of 3 give h1, h3 -> 1, h2 -> 2, none -> 3.
            let empty = try setup.pallet(["apply", "--group", "a", "--slice", "3/3", "--json"])
            #expect(empty.status == 0, "\(empty.combined)")
            #expect(empty.stderr.contains("pallet: slice 3/3: 0 node(s) here, 3 left to other slices"), "\(empty.stderr)")
            let second = try setup.pallet(["apply", "--group", "a", "--slice", "2/3"])
            #expect(second.status == 0, "\(second.combined)")
            for name in Self.names {
                #expect((cluster[name]?.upperFile("/etc/slice-runs") != nil) == (name == "h2"), "\(name)")
            }
        }
    }

    @Test("bad --slice values are errors that say what is wrong, and nothing runs")
    func badSlices() throws {
        try TestHostCluster.with(names: Self.names) { cluster in
            let setup = try project(cluster)
            defer { setup.project.remove() }
            let cases = ["0/3": "K must be between 1 and N (3)", "4/3": "K must be between 1 and N (3)", "1/0": "N must be at least 1",
                         "2": "is not K/N", "x/3": "is not K/N"]
            for (value, message) in cases {
                for command in [["apply"], ["converge"], ["lift", "--phase", "configure"]] {
                    let run = try setup.pallet(command + ["--slice", value])
                    #expect(run.status != 0, "\(command) --slice \(value)")
                    #expect(run.stderr.contains(message), "\(command) --slice \(value): \(run.stderr)")
                }
            }
            for name in Self.names { #expect(cluster[name]?.upperFile("/etc/slice-runs") == nil, "\(name) untouched") }
        }
    }
}
