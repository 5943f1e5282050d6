import Foundation
import PalletTestSupport

/// The seed spec files, each in a scratch copy of its project so the other files of the project
/// (and its templates) are there when one file is replaced by a mutated input.
struct FuzzCorpus {
    struct Seed {
        /// The scratch project's root.
        var projectRoot: String
        /// The file's path inside the scratch project.
        var path: String
        /// The original bytes.
        var bytes: [UInt8]
    }

    private(set) var seeds: [Seed] = []
    let work: String

    /// Copies the example projects into `work` and collects their spec files.
    init(repository: String, work: String) throws {
        self.work = work
        let files = FileManager.default
        try? files.removeItem(atPath: work + "/projects")
        let projects = ["specs": repository + "/specs", "examples-hosts": repository + "/examples/hosts/specs"]
        for (name, source) in projects.sorted(by: { $0.key < $1.key }) where files.fileExists(atPath: source) {
            let root = work + "/projects/" + name
            try files.createDirectory(atPath: root, withIntermediateDirectories: true)
            try files.copyItem(atPath: source, toPath: root + "/specs")
            let listed = files.enumerator(atPath: root + "/specs")?.compactMap { $0 as? String } ?? []
            for relative in listed.sorted() where relative.hasSuffix(".yaml") {
                let path = root + "/specs/" + relative
                seeds.append(Seed(projectRoot: root, path: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
            }
        }
        guard !seeds.isEmpty else { throw CocoaError(.fileNoSuchFile) }
    }

    /// A seed chosen at random, with its index.
    func pick(_ random: inout SeededRandom) -> (Seed, Int) {
        let index = random.below(seeds.count)
        return (seeds[index], index)
    }

    /// Writes `input` in place of seed `index`, and as `current.yaml` for the supervisor.
    func place(_ input: [UInt8], over index: Int) throws {
        let data = Data(input)
        try data.write(to: URL(fileURLWithPath: work + "/current.yaml"))
        // "PROJECT FILE", such as "specs specs/servers.yaml": what a regression case replays.
        let relative = String(seeds[index].path.dropFirst(seeds[index].projectRoot.count + 1))
        let project = (seeds[index].projectRoot as NSString).lastPathComponent
        try Data("\(project) \(relative)\n".utf8).write(to: URL(fileURLWithPath: work + "/current.target"))
        try data.write(to: URL(fileURLWithPath: seeds[index].path))
    }

    /// Puts seed `index` back.
    func restore(_ index: Int) {
        try? Data(seeds[index].bytes).write(to: URL(fileURLWithPath: seeds[index].path))
    }

    /// Keeps an input under `work/found/`; returns its path.
    func keep(_ input: [UInt8], as kind: String) -> String {
        let folder = work + "/found"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/\(kind)-\(input.count)-\(UInt32(truncatingIfNeeded: input.hashValue)).yaml"
        try? Data(input).write(to: URL(fileURLWithPath: path))
        return path
    }
}
